"""``%load_ext toolkit``: the ``%snippets`` line magic and rich displays of snippet frames.

    %snippets run df --analyses dedup,timeline --set timeline.reference_date=2024-12-27 --as result
    %snippets run data/snippets.jsonl                   # a file path works too
    %snippets plugins [--analyses]
    %snippets workbench df                              # the widget workbench on a frame
    %snippets report result --out report.html           # the story report of a Result (or a frame / file)

``run`` returns the :class:`toolkit.Result` (so ``r = %snippets run df`` works) and stores it in
the variable named by ``--as``. In a notebook it reports progress on one updating bar (no stream
of output lines); failures are kept per analysis and shown in the result (``--raise`` to stop at
the first one instead). Snippet frames display as an escaped table with a one-line summary.
"""

from __future__ import annotations

import argparse
import os
import shlex
from typing import Any

import pandas as pd

from toolkit.html import escape, frame_to_html

_FORMATTED: list[type] = []


class MagicUsageError(Exception):
    """A ``%snippets`` line that does not parse (shown as one line, not a traceback)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would sys.exit() inside the kernel
        raise MagicUsageError(f"%snippets: {message}\n{self.format_usage()}")

    def exit(self, status: int = 0, message: str | None = None) -> Any:
        if message:
            raise MagicUsageError(message)
        raise MagicUsageError(self.format_help())


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="%snippets", description="snippet-toolkit in IPython", add_help=True)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run analyses on a frame variable or a file")
    run.add_argument("input", help="a variable holding a DataFrame / list of texts, or a file path")
    run.add_argument("--analyses", "-a", help="comma-separated analyses (default: every installed one)")
    run.add_argument("--set", dest="settings", action="append", default=[], metavar="ANALYSIS.PARAM=VALUE")
    run.add_argument("--as", dest="target", metavar="NAME", help="store the Result in this variable")
    run.add_argument("--out", "-o", help="also write every table to this directory")
    run.add_argument("--format", "-f", default="parquet")
    run.add_argument("--raise", dest="strict", action="store_true", help="stop at the first failing analysis")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    plugins = sub.add_parser("plugins", help="list installed plugins")
    plugins.add_argument("--analyses", action="store_true", help="list analyses with parameters instead")
    report = sub.add_parser("report", help="the story report of a Result, or of a run on a frame or file")
    report.add_argument("input", help="a Result, a frame variable, an expression or a file path")
    report.add_argument("--analyses", "-a", help="analyses to run when INPUT is not a Result")
    report.add_argument("--set", dest="settings", action="append", default=[], metavar="ANALYSIS.PARAM=VALUE")
    report.add_argument("--out", "-o", help="also write the self-contained HTML page to this file")
    report.add_argument("--title", default="Story report")
    bench = sub.add_parser("workbench", help="open the widget workbench on a frame")
    bench.add_argument("input")
    return parser


def _resolve_input(shell: Any, name: str) -> Any:
    import toolkit

    namespace = getattr(shell, "user_ns", {}) or {}
    if name in namespace:
        return namespace[name]
    if os.path.exists(name):
        return toolkit.read_snippets(name)
    try:
        return eval(name, namespace)  # an expression such as df.head(100) or frames["x"]
    except Exception as exc:
        raise MagicUsageError(f"%snippets: {name!r} is neither a variable, an expression nor a file ({exc})") from None


def snippets_magic(shell: Any, line: str) -> Any:
    """The body of ``%snippets LINE`` (separate from IPython for testing)."""
    import toolkit
    from toolkit.cli import parse_settings

    try:
        args = build_parser().parse_args(shlex.split(line))
        data = _resolve_input(shell, args.input) if args.command in ("run", "workbench", "report") else None
    except MagicUsageError as exc:
        print(str(exc).strip())
        return None
    if args.command == "plugins":
        return toolkit.list_analyses() if args.analyses else toolkit.list_plugins()
    if args.command == "workbench":
        from toolkit.widgets import Workbench

        return Workbench(data)
    if args.command == "report":
        return _report(data, args)
    analyses = [a.strip() for a in args.analyses.split(",") if a.strip()] if args.analyses else None
    config = parse_settings(args.settings)
    reporter = None
    if not args.quiet and getattr(shell, "kernel", None) is not None:
        # one bar updated in place (a bounded number of messages), not a line per event
        import ipywidgets as w
        from IPython.display import display

        from toolkit.widgets.progress import ProgressReporter

        reporter = ProgressReporter()
        display(w.HBox([reporter.bar, reporter.status]))
        reporter.start(len(analyses) if analyses else len(toolkit.default_registry().analyses))
    try:
        result = toolkit.run(
            data, analyses, config=config, on_error="raise" if args.strict else "continue", progress=reporter
        )
    except Exception:
        if reporter is not None:
            reporter.finish("failed", failed=True)
        raise
    if reporter is not None:
        reporter.finish("done" if result.ok else f"done, {len(result.errors)} not ok", failed=not result.ok)
    if args.target:
        shell.user_ns[args.target] = result
    if args.out:
        result.to_dir(args.out, format=args.format)
    return result


def _report(data: Any, args: argparse.Namespace) -> Any:
    """``%snippets report``: the Report (it displays itself), written to ``--out`` when given."""
    import toolkit
    from toolkit.cli import parse_settings

    if not isinstance(data, toolkit.Result):
        analyses = [a.strip() for a in args.analyses.split(",") if a.strip()] if args.analyses else None
        data = toolkit.run(data, analyses, config=parse_settings(args.settings), on_error="continue")
    report = toolkit.report(data, title=args.title)
    if args.out:
        report.to_html(args.out)
    return report


# -- rich display --------------------------------------------------------------------------------
def is_snippet_frame(obj: Any) -> bool:
    return isinstance(obj, pd.DataFrame) and obj.index.name == "snippet_id" and "text" in obj.columns


def snippet_frame_html(frame: pd.DataFrame, max_rows: int = 20) -> str:
    """A one-line summary (snippets, sources, dates, missing text) and an escaped table."""
    n = len(frame)
    parts = [f"{n} snippet{'s' if n != 1 else ''}"]
    if "source" in frame.columns:
        parts.append(f"{frame['source'].nunique()} sources")
    if "published_at" in frame.columns and frame["published_at"].notna().any():
        dates = pd.to_datetime(frame["published_at"], errors="coerce", utc=True).dropna()
        if len(dates):
            parts.append(f"{dates.min():%Y-%m-%d} – {dates.max():%Y-%m-%d}")
    missing = int(frame["text"].isna().sum())
    if missing:
        parts.append(f"{missing} without text")
    added = [c for c in frame.columns if c not in ("text", "source", "url", "published_at", "title")]
    if added:
        parts.append("columns: " + ", ".join(map(str, added)))
    return (
        f"<div class='snippet-toolkit-frame'><p><b>snippet frame</b>: {escape(' · '.join(parts))}</p>"
        f"{frame_to_html(frame, max_rows=max_rows, max_chars=160)}</div>"
    )


def _frame_html(obj: pd.DataFrame) -> str | None:
    if is_snippet_frame(obj):
        return snippet_frame_html(obj)
    return obj._repr_html_()


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%snippets`` and the HTML display of snippet frames."""

    def snippets(line: str) -> Any:
        return snippets_magic(ipython, line)

    snippets.__doc__ = __doc__
    ipython.register_magic_function(snippets, magic_kind="line", magic_name="snippets")
    formatter = ipython.display_formatter.formatters["text/html"]
    formatter.for_type(pd.DataFrame, _frame_html)
    _FORMATTED.append(pd.DataFrame)


def unload_ipython_extension(ipython: Any) -> None:
    """Remove ``%snippets`` and the frame display."""
    ipython.magics_manager.magics["line"].pop("snippets", None)
    formatter = ipython.display_formatter.formatters["text/html"]
    while _FORMATTED:
        formatter.pop(_FORMATTED.pop(), None)
