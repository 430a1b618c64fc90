"""The result of a run: the snippet frame with added columns, the tables, and a record per step.

``Result.to_dir`` writes everything (Parquet, CSV or JSON Lines) with a ``manifest.json`` that
keeps the dtypes, so ``Result.from_dir`` reads back exactly what was written.
"""

from __future__ import annotations

import csv
import html
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.schema import INDEX, OUTPUT_FORMATS

CSV_NA = "\\N"  # the NULL marker of PostgreSQL/MySQL dumps: keeps "" and missing apart in CSV


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
    def to_dir(self, path: str | os.PathLike[str], format: str = "parquet") -> Path:
        """Write the snippets and every table to ``path`` (created), plus ``manifest.json``."""
        fmt = format.lower().lstrip(".")
        if fmt not in OUTPUT_FORMATS:
            raise ToolkitError(f"unknown format {format!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        manifest: dict[str, Any] = {
            "format": fmt,
            "tables": {},
            "records": [asdict(r) for r in self.records],
            "config": self.config,
        }
        for name, table in {"snippets": self.snippets.reset_index(), **self.tables}.items():
            file = f"{name}.{fmt}"
            _write(table, out / file, fmt)
            manifest["tables"][name] = {
                "file": file,
                "rows": len(table),
                "dtypes": {str(c): str(t) for c, t in table.dtypes.items()},
            }
        (out / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
        return out

    @classmethod
    def from_dir(cls, path: str | os.PathLike[str]) -> Result:
        """Read back a directory written by :meth:`to_dir`."""
        root = Path(path)
        manifest_file = root / "manifest.json"
        if not manifest_file.exists():
            raise ToolkitError(f"{root} has no manifest.json: not written by Result.to_dir")
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        fmt = manifest["format"]
        tables = {}
        for name, meta in manifest["tables"].items():
            tables[name] = _read(root / meta["file"], fmt, meta["dtypes"])
        snippets = tables.pop("snippets").set_index(INDEX)
        records = [StepRecord(**r) for r in manifest.get("records", [])]
        return cls(snippets, tables, records, manifest.get("config"))

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


def _write(table: pd.DataFrame, file: Path, fmt: str) -> None:
    if fmt == "parquet":
        table.to_parquet(file, index=False)
    elif fmt == "csv":
        # Every text cell quoted: unquoted, a lone carriage return in a snippet would read back as
        # a line break (a new row) — web text carries them.
        _for_text(table).to_csv(file, index=False, na_rep=CSV_NA, quoting=csv.QUOTE_NONNUMERIC)
    else:
        _for_text(table).to_json(file, orient="records", lines=True, date_format="iso", force_ascii=False)


def _for_text(table: pd.DataFrame) -> pd.DataFrame:
    """Encode list/dict cells as JSON so text formats keep them."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = [json.dumps(_jsonable(v), ensure_ascii=False) if not _scalar_na(v) else None for v in out[col]]
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value


def _scalar_na(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _read(file: Path, fmt: str, dtypes: Mapping[str, str]) -> pd.DataFrame:
    if fmt == "parquet":
        table = pd.read_parquet(file)
        for col, dtype in dtypes.items():
            if dtype == "object":
                table[col] = [v.tolist() if isinstance(v, np.ndarray) else v for v in table[col]]
    elif fmt == "csv":
        table = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[CSV_NA])
    else:
        table = pd.read_json(file, orient="records", lines=True, dtype=False)
        if table.empty and dtypes:
            table = pd.DataFrame({c: [] for c in dtypes})
    if fmt != "parquet":
        for col, dtype in dtypes.items():
            table[col] = _restore(table[col], dtype)
    return table[list(dtypes)] if dtypes else table


def _restore(series: pd.Series, dtype: str) -> pd.Series:
    if dtype == "object":
        return pd.Series(
            [json.loads(v) if isinstance(v, str) else None for v in series], index=series.index, dtype=object
        )
    if dtype.startswith("datetime64"):
        return pd.to_datetime(series, utc=True, format="ISO8601").astype(dtype)
    if dtype == "boolean":
        truth = {"True": True, "False": False, "true": True, "false": False, True: True, False: False}
        return pd.Series(
            [truth.get(v) if not _scalar_na(v) else None for v in series], index=series.index, dtype="boolean"
        )
    if dtype in ("Int64", "Float64", "int64", "float64"):
        return pd.to_numeric(series).astype(dtype)
    return series.astype(dtype)
