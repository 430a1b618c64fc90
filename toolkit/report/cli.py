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
from pathlib import Path
from typing import Any

from toolkit.cli_options import add_input_options, analyses_option, parse_settings, read_input


def add_parser(sub: Any) -> None:
    """Add the ``report`` subcommand to the ``snippets`` parser's subparsers."""
    report = sub.add_parser(
        "report",
        help="run analyses (or read a `snippets run` directory) and write the story report as one HTML file",
    )
    report.add_argument("input", help="a snippet file (.txt .csv .jsonl .json .parquet) or a `snippets run` directory")
    report.add_argument("--out", "-o", required=True, help="the HTML file to write (e.g. report.html)")
    report.add_argument("--title", default="Story report", help="the page's title")
    add_input_options(report)
    report.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")


def _result(args: argparse.Namespace) -> Any:
    import toolkit

    source = Path(args.input)
    if source.is_dir():
        if args.analyses or args.settings:
            raise toolkit.ToolkitError(
                "--analyses and --set apply to a snippet file, not to a finished run's directory"
            )
        return toolkit.Result.from_dir(source)
    config = parse_settings(args.settings)
    return toolkit.run(read_input(args), analyses_option(args), config=config, on_error="continue")


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
        n = len(report.stories)
        print(
            f"wrote {out} ({size / 1e6:.2f} MB): {n} {'story' if n == 1 else 'stories'} from "
            f"{report.n_snippets} snippets in {time.perf_counter() - began:.1f}s",
            file=sys.stderr,
        )
    return 0 if result.ok else 1
