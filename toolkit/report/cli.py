"""``snippets report INPUT --out report.html``: run the analyses (or read a finished run) and write
the story report as one self-contained HTML file.

INPUT is a snippet file (read like ``snippets run`` reads it) or a directory written by
``snippets run`` / ``Result.to_dir`` (read back with ``Result.from_dir``, nothing re-run). A
failing analysis does not stop the report: its part is left out, the page says why, and the
command exits 1.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    """Add the ``report`` subcommand to the ``snippets`` parser's subparsers."""
    report = sub.add_parser(
        "report",
        help="run analyses (or read a `snippets run` directory) and write the story report as one HTML file",
    )
    report.add_argument("input", help="a snippet file (.txt .csv .jsonl .json .parquet) or a `snippets run` directory")
    report.add_argument("--out", "-o", required=True, help="the HTML file to write (e.g. report.html)")
    report.add_argument("--analyses", "-a", help="comma-separated analyses (default: every installed default one)")
    report.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="ANALYSIS.PARAM=VALUE",
        help="set a parameter, e.g. timeline.reference_date=2024-12-27 (repeatable)",
    )
    report.add_argument("--title", default="Story report", help="the page's title")
    report.add_argument("--input-format", help="read INPUT as this format (e.g. jsonl) whatever its suffix")
    for column in ("text", "id", "source", "url", "published-at", "title"):
        report.add_argument(
            f"--{column}-column", help=f"name of the input column holding the {column.replace('-', ' ')}"
        )
    report.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")


def _result(args: argparse.Namespace) -> Any:
    import toolkit
    from toolkit.cli import parse_settings

    source = Path(args.input)
    if source.is_dir():
        if args.analyses or args.settings:
            raise toolkit.ToolkitError(
                "--analyses and --set apply to a snippet file, not to a finished run's directory"
            )
        return toolkit.Result.from_dir(source)
    options = {
        name: getattr(args, f"{name}_column")
        for name in ("text", "id", "source", "url", "published_at", "title")
        if getattr(args, f"{name}_column")
    }
    config = parse_settings(args.settings)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = toolkit.read_snippets(args.input, format=args.input_format, **options)
    for w in caught:
        print(f"snippets: warning: {w.message}", file=sys.stderr)
    analyses = [a.strip() for a in args.analyses.split(",") if a.strip()] if args.analyses else None
    return toolkit.run(frame, analyses, config=config, on_error="continue")


def cmd_report(args: argparse.Namespace) -> int:
    from toolkit.report import build_report

    began = time.perf_counter()
    result = _result(args)
    for record in result.errors:
        print(f"snippets: {record.analysis} {record.status}: {record.error}", file=sys.stderr)
    report = build_report(result, title=args.title)
    out = report.to_html(args.out)
    if not args.quiet:
        size = out.stat().st_size
        print(
            f"wrote {out} ({size / 1e6:.2f} MB): {len(report.stories)} stories from {report.n_snippets} snippets "
            f"in {time.perf_counter() - began:.1f}s",
            file=sys.stderr,
        )
    return 0 if result.ok else 1
