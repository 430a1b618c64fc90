"""The result of a run: the snippet frame with added columns, the tables, and a record per step.

``Result.to_dir`` writes everything (Parquet, CSV or JSON Lines) with a ``manifest.json`` that
keeps the dtypes, so ``Result.from_dir`` reads back exactly what was written (:mod:`toolkit.storage`).
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import ToolkitError


@dataclass
class StepRecord:
    """What happened to one analysis in a run."""

    analysis: str
    plugin: str
    status: str  # ok | failed | skipped
    seconds: float
    rows_in: int
    rows_out: dict[str, int] = field(default_factory=dict)
    error: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    detail: str = ""


class Result(Mapping[str, pd.DataFrame]):
    """``result.snippets``, ``result.tables``, ``result["claims"]``, ``result.records``."""

    def __init__(
        self,
        snippets: pd.DataFrame,
        tables: Mapping[str, pd.DataFrame] | None = None,
        records: list[StepRecord] | None = None,
        config: Mapping[str, Any] | None = None,
    ):
        self.snippets = snippets
        self.tables: dict[str, pd.DataFrame] = dict(tables or {})
        self.records: list[StepRecord] = list(records or [])
        self.config: dict[str, Any] = dict(config or {})

    # Mapping protocol over the tables
    def __getitem__(self, name: str) -> pd.DataFrame:
        if name == "snippets":
            return self.snippets
        try:
            return self.tables[name]
        except KeyError:
            failed = [r for r in self.records if r.status != "ok"]
            why = "; ".join(f"{r.analysis} {r.status}: {r.error}" for r in failed)
            have = ", ".join(["snippets", *self.tables])
            raise KeyError(f"no table {name!r} in this result (tables: {have})" + (f"; {why}" if why else "")) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    @property
    def ok(self) -> bool:
        return all(r.status == "ok" for r in self.records)

    @property
    def errors(self) -> list[StepRecord]:
        return [r for r in self.records if r.status != "ok"]

    def raise_for_errors(self) -> Result:
        if not self.ok:
            raise ToolkitError("; ".join(f"{r.analysis}: {r.status} ({r.error})" for r in self.errors))
        return self

    def summary(self) -> pd.DataFrame:
        """One row per step: status, time, rows in and out, error."""
        rows = [
            {
                "analysis": r.analysis,
                "plugin": r.plugin,
                "status": r.status,
                "seconds": round(r.seconds, 4),
                "rows_in": r.rows_in,
                "rows_out": ", ".join(f"{k}={v}" for k, v in r.rows_out.items()),
                "error": r.error,
            }
            for r in self.records
        ]
        return pd.DataFrame(rows, columns=["analysis", "plugin", "status", "seconds", "rows_in", "rows_out", "error"])

    # -- persistence -------------------------------------------------------------------------
    def to_dir(self, path: str | os.PathLike[str], format: str = "parquet", *, overwrite: bool = False) -> Path:
        """Write the snippets and every table to the folder ``path``, plus ``manifest.json``.

        The folder appears whole or not at all: everything is written to a temporary folder beside it,
        then renamed into place (a previous output there is replaced as a whole, stale tables too). A
        non-empty folder that is not a previous output is refused unless ``overwrite=True``. See
        :mod:`toolkit.storage` for the formats' conventions.
        """
        from toolkit.storage import write_result

        return write_result(self, Path(path), format, overwrite=overwrite)

    @classmethod
    def from_dir(cls, path: str | os.PathLike[str]) -> Result:
        """Read back a folder written by :meth:`to_dir` (or by ``DaskResult.to_dir``, partitioned),
        checking each file's rows and content hash."""
        from toolkit.dask_io import is_partitioned, read_partitioned
        from toolkit.storage import read_result

        root = Path(path)
        snippets, tables, manifest = read_partitioned(root) if is_partitioned(root) else read_result(root)
        records = [StepRecord(**r) for r in manifest.get("records", [])]
        return cls(snippets, tables, records, manifest.get("config"))

    def report(self, **options: Any) -> Any:
        """The story report of this result: ``result.report().to_html("report.html")`` (see ``toolkit.report``)."""
        from toolkit.report import build_report

        return build_report(self, **options)

    # -- display -----------------------------------------------------------------------------
    def __repr__(self) -> str:
        parts = [f"{len(self.snippets)} snippets"] + [f"{k}: {len(v)} rows" for k, v in self.tables.items()]
        bad = [f"{r.analysis} {r.status}" for r in self.errors]
        return f"<Result {'; '.join(parts)}{' (' + ', '.join(bad) + ')' if bad else ''}>"

    def _repr_html_(self) -> str:
        from toolkit.html import frame_to_html

        steps = "".join(
            f"<tr><td>{html.escape(r.analysis)}</td><td>{html.escape(r.plugin)}</td>"
            f"<td class='st-{html.escape(r.status)}'>{html.escape(r.status)}</td><td>{r.seconds:.3f}s</td>"
            f"<td>{html.escape(', '.join(f'{k}={v}' for k, v in r.rows_out.items()))}</td>"
            f"<td>{html.escape(r.error)}</td></tr>"
            for r in self.records
        )
        sections = [
            f"<p><b>snippet-toolkit result</b>: {len(self.snippets)} snippets, {len(self.tables)} table(s)</p>",
            "<table><thead><tr><th>analysis</th><th>plugin</th><th>status</th><th>time</th><th>rows</th>"
            f"<th>error</th></tr></thead><tbody>{steps}</tbody></table>",
        ]
        for name, table in self.tables.items():
            sections.append(
                f"<details><summary>{html.escape(name)} ({len(table)} rows)</summary>"
                f"{frame_to_html(table, max_rows=10)}</details>"
            )
        return "<div class='snippet-toolkit-result'>" + "".join(sections) + "</div>"
