"""The ``snippets`` command: run analyses on a file and write the tables; list plugins.

Errors are one line on stderr and exit status 1 (2 for a usage error); ``--debug`` shows the
traceback instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.cli_options import (
    add_dask_options,
    add_input_options,
    analyses_option,
    parse_settings,  # also imported from here by toolkit.ipython
    read_input,
    run_dask_command,
    warnings_to_stderr,
)
from toolkit.errors import ToolkitError
from toolkit.report.cli import add_parser as add_report_parser
from toolkit.report.cli import cmd_report
from toolkit.schema import OUTPUT_FORMATS
from toolkit.storage import check_target


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="snippets", description="Analyse a pile of news-search snippets.")
    parser.add_argument("--debug", action="store_true", help="show the full traceback on errors")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run analyses on a snippet file and write every table to a directory")
    run.add_argument("input", help="a .txt (a snippet a line), .csv, .jsonl, .json or .parquet file (or .gz of one)")
    run.add_argument("--out", "-o", required=True, help="output directory (created)")
    run.add_argument("--format", "-f", default="parquet", choices=OUTPUT_FORMATS)
    add_input_options(run)
    run.add_argument(
        "--overwrite",
        action="store_true",
        help="write into --out even if it holds files that are not a previous output (they are left alone)",
    )
    run.add_argument(
        "--keep-going",
        action="store_true",
        help="record a failing analysis, skip what depends on it and keep the rest",
    )
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    run.add_argument(
        "--workers",
        type=_workers_option,
        default="auto",
        metavar="N|auto",
        help="processes for the per-snippet work (default auto: every core from 50,000 snippets on, "
        "one process below; the tables are the same for any N)",
    )
    add_dask_options(run)

    add_report_parser(sub)  # `snippets report`: toolkit/report/cli.py

    plugins = sub.add_parser("plugins", help="list installed plugins and their analyses")
    plugins.add_argument("--json", action="store_true", help="print JSON instead of a table")
    plugins.add_argument("--analyses", action="store_true", help="list analyses with parameters and outputs")
    return parser


def _workers_option(value: str) -> int | str:
    """``--workers``: ``auto`` or a whole number (the pipeline refuses numbers below 1, by name)."""
    if value == "auto":
        return value
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1 or 'auto', not {value!r}") from None


def cmd_run(args: argparse.Namespace) -> int:
    import toolkit

    config = parse_settings(args.settings)
    check_target(Path(args.out), args.overwrite)  # before the run, not after it: never lose a finished run
    analyses = analyses_option(args)
    if args.dask:
        return run_dask_command(args, config, analyses)
    frame = read_input(args)
    progress = None if args.quiet else _progress_bar(len(frame))
    try:
        result = toolkit.run(
            frame,
            analyses,
            config=config,
            on_error="continue" if args.keep_going else "raise",
            progress=progress,
            workers=args.workers,
        )
    finally:
        if progress is not None:
            progress.close()
    with warnings_to_stderr():
        out = result.to_dir(args.out, format=args.format, overwrite=args.overwrite)
    if not args.quiet:
        for r in result.records:
            rows = ", ".join(f"{k}: {v} rows" for k, v in r.rows_out.items())
            line = f"  {r.analysis:<18} {r.status:<8} {r.seconds:8.3f}s  {rows}{'  ' + r.error if r.error else ''}"
            print(line, file=sys.stderr)
        print(f"wrote {len(result.tables) + 1} table(s) for {len(frame)} snippets to {out}/", file=sys.stderr)
    return 0 if result.ok else 1


class _progress_bar:
    """A tqdm bar on stderr, advanced per analysis (and within one, as it reports)."""

    def __init__(self, n_snippets: int):
        from tqdm import tqdm

        self.bar = tqdm(
            total=100,
            unit="%",
            desc=f"{n_snippets} snippets",
            file=sys.stderr,
            leave=False,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}",
            # Only on a terminal: a log file or a pipe would get one line per update.
            disable=None,
        )

    def __call__(self, event: Any) -> None:
        self.bar.set_postfix_str(f"{event.analysis} {event.status}", refresh=False)
        self.bar.n = round(event.fraction * 100)
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


def cmd_plugins(args: argparse.Namespace) -> int:
    import toolkit

    table = toolkit.list_analyses() if args.analyses else toolkit.list_plugins()
    if args.json:
        print(json.dumps(table.to_dict("records"), indent=2, default=str))
        return 0
    if table.empty:
        print("no plugins found: is snippet-toolkit installed (pip install -e .)?")
        return 0
    for record in table.to_dict("records"):
        if args.analyses:
            print(f"{record['analysis']}  ({record['plugin']}, {record['scope']})")
            for key in ("requires", "uses", "produces", "parameters", "description"):
                if record[key]:
                    print(f"    {key}: {record[key]}")
        else:
            origin = "built-in" if record["builtin"] else record["distribution"]
            print(f"{record['name']:<14} {record['status']:<9} {origin} {record['version']}")
            for key in ("hooks", "analyses", "readers", "views", "error"):
                if record[key]:
                    print(f"    {key}: {record[key]}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return cmd_run(args)
        if args.command == "report":
            return cmd_report(args)
        return cmd_plugins(args)
    except (ToolkitError, OSError) as exc:
        if args.debug:
            raise
        print(f"snippets: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("snippets: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
