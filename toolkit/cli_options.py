"""The input options ``snippets run`` and ``snippets report`` share, and how they are read.

One place for them, so both commands read a snippet file the same way (columns, encoding, format,
``--set``) and report its warnings the same way.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from toolkit.errors import ToolkitError

COLUMN_OPTIONS = ("text", "id", "source", "url", "published_at", "title")


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """``--analyses``, ``--set``, ``--input-format``, ``--encoding`` and the ``--X-column`` options."""
    parser.add_argument("--analyses", "-a", help="comma-separated analyses (default: every installed default one)")
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="ANALYSIS.PARAM=VALUE",
        help="set a parameter, e.g. timeline.reference_date=2024-12-27 (repeatable)",
    )
    parser.add_argument("--input-format", help="read INPUT as this format (e.g. jsonl) whatever its suffix")
    parser.add_argument("--encoding", help="INPUT's encoding (default: UTF-8, or what a byte-order mark says)")
    for name in COLUMN_OPTIONS:
        flag = name.replace("_", "-")
        parser.add_argument(f"--{flag}-column", help=f"name of the input column holding the {name.replace('_', ' ')}")


def parse_settings(items: Sequence[str]) -> dict[str, dict[str, str]]:
    """``["timeline.reference_date=2024-12-27"]`` -> ``{"timeline": {"reference_date": "2024-12-27"}}``."""
    config: dict[str, dict[str, str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        analysis, dot, param = key.strip().partition(".")
        if not sep or not dot or not analysis or not param:
            raise ToolkitError(
                f"--set {item!r}: expected ANALYSIS.PARAM=VALUE, e.g. timeline.reference_date=2024-12-27"
            )
        config.setdefault(analysis, {})[param] = value
    return config


def analyses_option(args: argparse.Namespace) -> list[str] | None:
    """The ``--analyses`` list, or None for every default analysis."""
    return [a.strip() for a in args.analyses.split(",") if a.strip()] if args.analyses else None


@contextmanager
def warnings_to_stderr() -> Iterator[None]:
    """Show every warning raised inside as one ``snippets: warning: ...`` line on stderr."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        print(f"snippets: warning: {w.message}", file=sys.stderr)


def read_input(args: argparse.Namespace) -> Any:
    """The snippet frame of ``args.input``, read with the shared input options."""
    import toolkit

    columns = {name: getattr(args, f"{name}_column") for name in COLUMN_OPTIONS if getattr(args, f"{name}_column")}
    with warnings_to_stderr():
        return toolkit.read_snippets(args.input, format=args.input_format, encoding=args.encoding, **columns)


def add_dask_options(parser: argparse.ArgumentParser) -> None:
    """``--dask`` and ``--scheduler`` of ``snippets run``."""
    parser.add_argument(
        "--dask",
        action="store_true",
        help="run on Dask: INPUT is a folder or glob of snippet files (a partition each); --out gets "
        "partitioned Parquet (needs the dask extra)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS|threads|processes|synchronous",
        help="with --dask: Dask's scheduler, or a distributed scheduler's address (default: threads)",
    )


def run_dask_command(args: argparse.Namespace, config: dict[str, dict[str, str]], analyses: list[str] | None) -> int:
    """``snippets run --dask``: run on Dask and write partitioned Parquet (see :mod:`toolkit.dask_io`)."""
    from toolkit.dask_io import run_command

    with warnings_to_stderr():
        out, manifest = run_command(args, config, analyses)
    if not args.quiet:
        for name, meta in manifest["tables"].items():
            print(f"  {name:<18} {meta['rows']} rows in {len(meta['parts'])} part(s)", file=sys.stderr)
        print(f"wrote {len(manifest['tables'])} table(s) to {out}/ (partitioned Parquet)", file=sys.stderr)
    return 0
