"""Writing a result to a folder and reading it back, exactly: ``Result.to_dir`` / ``Result.from_dir``.

Conventions (README "Bad input" and "The snippet frame and the tables"):

- **Atomic**: every file is written to a temporary folder beside the target (``.NAME.*.tmp``), then
  renamed into place; a previous output is replaced as a whole (no stale table of an earlier run or
  another format survives). Killed half-way, the target is untouched (a ``.tmp`` folder may be left).
- **Refusal**: a non-empty folder that is not a previous output (a ``manifest.json`` of ours and only the
  files it lists) is refused unless ``overwrite=True``, which writes into it anyway: files of the same
  names and a previous output's tables are replaced, the manifest last; other files are never deleted.
- **Checked**: the manifest records each file's dtypes, row count and SHA-256; ``read_result`` refuses a
  file whose content or row count differs (changed by hand, or a half-written mix), and any path that
  would leave the folder. Table names are lower-case identifiers; ``snippets`` is the snippet frame's.
- **CSV** (for spreadsheets): a missing value is an empty cell; every present value is quoted, so an
  empty string is ``""`` and tells itself apart from missing (pyarrow's reader sees the difference;
  ``pandas.read_csv`` shows both as NaN). A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe (so a spreadsheet shows it as text instead of running a
  formula), and so does one starting with an apostrophe, so the rule reverses exactly: ``read_result``
  drops one leading apostrophe from every text cell. List/dict cells are JSON.
- **JSON Lines**: one object per row; numbers exact (``repr``), ``inf``/``-inf``/``nan`` as those strings
  (JSON has no such numbers), dates ISO 8601, lists and dicts as JSON.
- **Parquet**: exact. A column Parquet cannot hold (mixed numbers and strings, odd objects) is written as
  strings with a :class:`ResultWriteWarning`, and the manifest lists it under ``converted``: a finished run
  is never lost to one column.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.errors import ToolkitError
from toolkit.schema import INDEX, OUTPUT_FORMATS

if TYPE_CHECKING:
    from toolkit.result import Result

MANIFEST = "manifest.json"
WRITER = "snippet-toolkit"
#: 2: empty CSV cells for missing values, formula escapes, hashes. 1 (no ``version`` key): ``\\N`` in CSV.
VERSION = 2
LEGACY_CSV_NA = "\\N"
TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
WRITE_CHUNK = 50_000
_SPECIAL_FLOATS = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


class ResultWriteWarning(UserWarning):
    """A column could not be written as it is and was written as strings (the message names it)."""


class ResultReadError(ToolkitError):
    """A result folder that does not hold what its manifest says (changed, half-written or hostile)."""


# -- writing --------------------------------------------------------------------------------------
def write_result(result: Result, out: Path, format: str, *, overwrite: bool = False) -> Path:
    fmt = format.lower().lstrip(".")
    if fmt not in OUTPUT_FORMATS:
        raise ToolkitError(f"unknown format {format!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
    check_table_names(result.tables)
    out = Path(os.path.abspath(out))  # "." has no name to put a temporary folder beside
    previous = check_target(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        manifest: dict[str, Any] = {
            "writer": WRITER,
            "version": VERSION,
            "format": fmt,
            "tables": {},
            "records": [asdict(r) for r in result.records],
            "config": result.config,
        }
        for name, table in {"snippets": result.snippets.reset_index(), **result.tables}.items():
            manifest["tables"][name] = _write_table(table, tmp / f"{name}.{fmt}", fmt, name)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
        _move_into_place(tmp, out, previous)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def check_table_names(tables: Mapping[str, Any]) -> None:
    """Table names become file names: lower-case identifiers only, never ``snippets``."""
    for name in tables:
        if not isinstance(name, str) or not TABLE_NAME.match(name) or name == "snippets":
            raise ToolkitError(
                f"cannot write table {name!r}: a table name must be a lower-case identifier other than 'snippets'"
            )


def check_target(out: Path, overwrite: bool) -> set[str] | None:
    """Refuse to write into anything but a new or empty folder or a previous output, unless told to.

    Returns the files of a previous output to replace as a whole folder (None: the folder is new, empty,
    or holds other files, which are left alone)."""
    if not out.exists() and not out.is_symlink():
        return None
    if not out.is_dir():
        raise ToolkitError(f"cannot write to {out}: it exists and is not a folder")
    entries = sorted(p.name for p in out.iterdir())
    if not entries:
        return None
    listed = _listed_files(out)
    unknown = [e for e in entries if listed is None or (e != MANIFEST and e not in listed)]
    if not unknown:
        return listed
    if not overwrite:
        what = "it is not a previous output" if listed is None else "it holds files the manifest does not list"
        raise ToolkitError(
            f"refusing to replace {out}: {what} ({', '.join(unknown[:5])}{', ...' if len(unknown) > 5 else ''}); "
            "pass overwrite=True (--overwrite) to write into it anyway (other files are left alone)"
        )
    return None


def _listed_files(folder: Path) -> set[str] | None:
    """The files a manifest of ours lists, or None when there is none."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return {str(meta["file"]) for meta in manifest["tables"].values()} if "format" in manifest else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _move_into_place(tmp: Path, out: Path, previous: set[str] | None) -> None:
    """Rename ``tmp`` to ``out``. A previous output (nothing else in it) is renamed aside, then deleted.
    A folder holding other files (or an empty one, perhaps the working directory) is kept: the previous
    output's manifest and files go first, the new files move in, the manifest last, so a reader sees no
    manifest or a complete output, and the user's own files stay."""
    if not out.exists() and not out.is_symlink():
        os.rename(tmp, out)
        return
    if previous is None:
        old_files = _listed_files(out) or set()
        (out / MANIFEST).unlink(missing_ok=True)
        for name in old_files:
            if Path(name).name == name and name not in (".", ".."):
                (out / name).unlink(missing_ok=True)
        for file in sorted(tmp.iterdir(), key=lambda p: p.name == MANIFEST):
            os.replace(file, out / file.name)
        tmp.rmdir()
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    os.rename(out, old / "replaced")
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def _write_table(table: pd.DataFrame, file: Path, fmt: str, name: str) -> dict[str, Any]:
    table = table.set_axis([str(c) for c in table.columns], axis=1)
    table, converted = _writable(table, fmt, name)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pandas(table, preserve_index=False), file)
    elif fmt == "csv":
        _write_csv(table, file)
    else:
        _write_jsonl(table, file)
    meta: dict[str, Any] = {
        "file": file.name,
        "rows": len(table),
        "dtypes": {c: str(t) for c, t in table.dtypes.items()},
        "sha256": file_hash(file),
    }
    if converted:
        meta["converted"] = converted
    return meta


def _writable(table: pd.DataFrame, fmt: str, name: str) -> tuple[pd.DataFrame, list[str]]:
    """``table`` with every column the format cannot hold converted to strings (with a warning)."""
    bad = [c for c in table.columns if table[c].dtype == object and not _column_writable(table[c], fmt)]
    if not bad:
        return table, []
    table = table.copy()
    for column in bad:
        table[column] = pd.Series([_as_text(v) for v in table[column]], index=table.index, dtype="string")
    warnings.warn(
        f"table {name!r}: column(s) {', '.join(map(repr, bad))} mix types the {fmt} format cannot hold; "
        "written as strings (the manifest lists them under 'converted')",
        ResultWriteWarning,
        stacklevel=4,
    )
    return table, bad


def _column_writable(column: pd.Series, fmt: str) -> bool:
    try:
        if fmt == "parquet":
            pa.array(column, from_pandas=True)
        else:
            for value in column:
                if not _scalar_na(value):
                    json.dumps(_jsonable(value), ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (pa.ArrowException, TypeError, ValueError, UnicodeError, OverflowError, RecursionError):
        return False
    return True


def _as_text(value: Any) -> str | None:
    if _scalar_na(value):
        return None
    text = value if isinstance(value, str) else str(value)
    return text.encode("utf-8", "replace").decode("utf-8")


def file_hash(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _chunks(table: pd.DataFrame) -> list[pd.DataFrame]:
    """Row slices, so the per-cell Python values of a text format exist for one slice at a time."""
    return [table.iloc[i : i + WRITE_CHUNK] for i in range(0, len(table), WRITE_CHUNK)] or [table]


def _write_csv(table: pd.DataFrame, file: Path) -> None:
    import pyarrow.csv as pacsv

    if not len(table.columns):
        file.write_text("", encoding="utf-8")
        return
    header = [escape_formula(c) for c in table.columns]
    schema = pa.schema([pa.field(h, pa.string()) for h in header])
    # "all_valid": every present value quoted, missing values bare empty cells ("" is not missing).
    with pacsv.CSVWriter(file, schema, write_options=pacsv.WriteOptions(quoting_style="all_valid")) as writer:
        for part in _chunks(table):
            cells = [pa.array(csv_cells(part[c]), type=pa.string()) for c in part.columns]
            writer.write_table(pa.Table.from_arrays(cells, schema=schema))


def _write_jsonl(table: pd.DataFrame, file: Path) -> None:
    names = list(table.columns)
    with open(file, "w", encoding="utf-8", newline="\n") as f:
        for part in _chunks(table):
            values = [json_values(part[c]) for c in names]
            for row in zip(*values, strict=True):
                f.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False, allow_nan=False))
                f.write("\n")


# -- cells ---------------------------------------------------------------------------------------
def escape_formula(text: str) -> str:
    """A leading apostrophe on a cell a spreadsheet would run as a formula (and on one that already starts
    with an apostrophe, so :func:`unescape_formula` reverses it exactly)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unescape_formula(text: str) -> str:
    return text[1:] if text.startswith("'") else text


def _kind(dtype: Any) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_object_dtype(dtype):
        return "object"
    if pd.api.types.is_string_dtype(dtype):
        return "string"
    return "other"


def csv_cells(column: pd.Series) -> list[str | None]:
    """Each cell as the text CSV holds (None: missing, written as an empty cell)."""
    kind = _kind(column.dtype)
    if kind == "object":
        return [None if _scalar_na(v) else escape_formula(json.dumps(_jsonable(v), ensure_ascii=False)) for v in column]
    cells = json_values(column)
    if kind in ("string", "other"):
        return [None if v is None else escape_formula(str(v)) for v in cells]
    return [None if v is None else str(v) for v in cells]


def json_values(column: pd.Series) -> list[Any]:
    """Each cell as a JSON value: exact numbers, ``"inf"``/``"-inf"``/``"nan"``, ISO dates, None for missing."""
    kind = _kind(column.dtype)
    mask = column.isna().to_numpy()
    if kind == "datetime":
        return [None if m else v.isoformat() for v, m in zip(column, mask, strict=True)]
    if kind == "float":
        return [None if m else _float_value(float(v)) for v, m in zip(column.to_numpy(object), mask, strict=True)]
    if kind == "int":
        return [None if m else int(v) for v, m in zip(column.to_numpy(object), mask, strict=True)]
    if kind == "bool":
        return [None if m else bool(v) for v, m in zip(column.to_numpy(object), mask, strict=True)]
    if kind == "object":
        return [None if _scalar_na(v) else _jsonable(v) for v in column]
    if kind == "string":
        return [None if m else v for v, m in zip(column.to_numpy(object), mask, strict=True)]
    return [None if m else str(v) for v, m in zip(column.to_numpy(object), mask, strict=True)]


def _float_value(value: float) -> float | str:
    if math.isfinite(value):
        return value
    return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    return value


def _scalar_na(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


# -- reading --------------------------------------------------------------------------------------
def read_result(root: Path) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], dict[str, Any]]:
    """``(snippets, tables, manifest)`` from a folder written by :func:`write_result`."""
    manifest = read_manifest(root)
    fmt = manifest["format"]
    legacy = "version" not in manifest
    tables: dict[str, pd.DataFrame] = {}
    for name, meta in manifest["tables"].items():
        file = _table_file(root, name, meta)
        if "sha256" in meta and file_hash(file) != meta["sha256"]:
            raise ResultReadError(
                f"{file.name} in {root} does not match its manifest (changed or half-written); write the result again"
            )
        dtypes = dict(meta.get("dtypes", {}))
        table = _read_legacy(file, fmt, dtypes) if legacy else _read_table(file, fmt, dtypes)
        if "rows" in meta and len(table) != meta["rows"]:
            raise ResultReadError(f"{file.name} in {root} has {len(table)} rows; its manifest says {meta['rows']}")
        tables[name] = table
    if "snippets" not in tables:
        raise ResultReadError(f"{root / MANIFEST} lists no snippets table")
    snippets = tables.pop("snippets").set_index(INDEX)
    return snippets, tables, manifest


def read_manifest(root: Path) -> dict[str, Any]:
    manifest_file = root / MANIFEST
    if not manifest_file.exists():
        raise ToolkitError(f"{root} has no manifest.json: not written by Result.to_dir")
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ResultReadError(f"{manifest_file} is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") not in OUTPUT_FORMATS:
        raise ResultReadError(f"{manifest_file}: no known 'format' (one of {', '.join(OUTPUT_FORMATS)})")
    if not isinstance(manifest.get("tables"), dict):
        raise ResultReadError(f"{manifest_file}: no 'tables' mapping")
    return manifest


def _table_file(root: Path, name: Any, meta: Any) -> Path:
    """The table's file, refusing names and paths that would leave the folder."""
    if not isinstance(name, str) or not TABLE_NAME.match(name):
        raise ResultReadError(f"{root / MANIFEST}: {name!r} is not a valid table name")
    file = meta.get("file") if isinstance(meta, dict) else None
    if not isinstance(file, str) or file in ("", ".", "..") or file != Path(file).name or "\\" in file:
        raise ResultReadError(f"{root / MANIFEST}: table {name!r} names a file outside the folder ({file!r})")
    path = root / file
    if path.resolve().parent != root.resolve():
        raise ResultReadError(f"{root / MANIFEST}: table {name!r} resolves outside the folder ({file!r})")
    if not path.is_file():
        raise ResultReadError(f"{root}: table {name!r} has no file {file!r} (half-written or deleted?)")
    return path


def _read_table(file: Path, fmt: str, dtypes: dict[str, str]) -> pd.DataFrame:
    if fmt == "parquet":
        table = pd.read_parquet(file)
        for col, dtype in dtypes.items():
            if dtype == "object":  # Parquet gives lists back as arrays (and an empty column as floats)
                cells = [v.tolist() if isinstance(v, np.ndarray) else v for v in table[col]]
                table[col] = pd.Series(cells, index=table.index, dtype=object)
            elif str(table[col].dtype) != dtype:
                table[col] = table[col].astype(dtype)
        return table[list(dtypes)] if dtypes else table
    columns = _read_csv_columns(file, dtypes) if fmt == "csv" else _read_jsonl_columns(file, dtypes)
    restored = {c: restore(columns[c], dtype, csv=fmt == "csv") for c, dtype in dtypes.items()}
    n = len(next(iter(columns.values()))) if columns else 0
    return pd.DataFrame(restored, index=pd.RangeIndex(n))


def _read_csv_columns(file: Path, dtypes: Mapping[str, str]) -> dict[str, list[Any]]:
    import pyarrow.csv as pacsv

    names = list(dtypes)
    if not names:
        return {}
    read = pacsv.ReadOptions(column_names=names, skip_rows=1)
    # a row whose only cell is missing is an empty line: it is a row all the same
    parse = pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False)
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        null_values=[""],
    )
    data = pacsv.read_csv(file, read_options=read, parse_options=parse, convert_options=convert)
    return {n: data.column(i).to_pylist() for i, n in enumerate(names)}


def _read_jsonl_columns(file: Path, dtypes: Mapping[str, str]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {c: [] for c in dtypes}
    with open(file, encoding="utf-8", newline="\n") as f:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            for c, values in columns.items():
                values.append(record.get(c))
    return columns


def restore(values: list[Any], dtype: str, *, csv: bool, escaped: bool = True) -> pd.Series:
    """A column read back from text (CSV cells, JSON values) to the dtype the manifest records."""
    try:
        kind = _kind(pd.api.types.pandas_dtype(dtype)) if dtype != "object" else "object"
    except TypeError:
        kind = "other"
    if csv and escaped and kind in ("string", "other", "object"):
        values = [None if v is None else unescape_formula(v) for v in values]
    converters: dict[str, Callable[[Any], Any]] = {
        "object": (lambda v: json.loads(v)) if csv else (lambda v: v),
        "float": lambda v: _SPECIAL_FLOATS[v] if isinstance(v, str) and v in _SPECIAL_FLOATS else float(v),
        "int": int,
        "bool": lambda v: v if isinstance(v, bool) else {"True": True, "False": False}[v],
    }
    if kind in converters:
        convert = converters[kind]
        cells = [None if v is None else convert(v) for v in values]
        if kind == "object":
            return pd.Series(cells, dtype=object)
        if dtype in ("float64", "int64", "bool") and None not in cells:
            return pd.Series(cells, dtype=dtype)
        return pd.Series(pd.array(cells, dtype=_nullable(kind, dtype)))
    if kind == "datetime":
        utc = "UTC" in dtype or "," in dtype
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object), utc=utc, format="ISO8601")).astype(dtype)
    return pd.Series(values, dtype=object).astype(dtype)


def _nullable(kind: str, dtype: str) -> str:
    if dtype in ("float64", "int64", "bool"):  # numpy dtypes holding a missing value: as pandas would read them
        return "float64" if kind in ("float", "int") else "object"
    return dtype


def _read_legacy(file: Path, fmt: str, dtypes: Mapping[str, str]) -> pd.DataFrame:
    """Folders written before manifest version 2 (``\\N`` for missing in CSV, JSON-encoded lists)."""
    if fmt == "parquet":
        return _read_table(file, fmt, dict(dtypes))
    if fmt == "csv":
        table = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[LEGACY_CSV_NA])
    else:
        table = pd.read_json(file, orient="records", lines=True, dtype=False, convert_dates=False)
        if table.empty and dtypes:
            table = pd.DataFrame({c: [] for c in dtypes})
    for col, dtype in dtypes.items():
        cells = [None if _scalar_na(v) else v for v in table[col]]
        if dtype == "object":
            cells = [None if v is None else json.dumps(v) if not isinstance(v, str) else v for v in cells]
        as_text = fmt == "csv" or dtype == "object"
        table[col] = restore(cells, dtype, csv=as_text, escaped=False).set_axis(table.index)
    return table[list(dtypes)] if dtypes else table
