"""Read snippet files: .txt (a snippet a line), .csv, .jsonl, .json and .parquet.

Decisions on bad files (README "Bad input"):

- a byte-order mark is dropped; invalid UTF-8 is replaced by U+FFFD and counted in a warning
  that names the first line affected (web text is hostile; losing a whole file to one byte is worse);
- a malformed CSV row or JSON Lines line is a :class:`SnippetInputError` with its line number;
- blank lines in .txt and .jsonl are skipped (they hold no snippet) and counted in a warning;
- an empty file gives an empty frame and a warning;
- plugins may add readers for other suffixes (or replace these) through ``register_readers``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import SnippetInputError
from toolkit.frame import SnippetInputWarning, snippet_frame

FRAME_OPTIONS = ("text", "id", "source", "url", "published_at", "title", "id_prefix")


def read_snippets(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str = "utf-8",
    registry: Any = None,
    **options: Any,
) -> pd.DataFrame:
    """Read a file of snippets into a snippet frame.

    :param format: the suffix to read it as (``"jsonl"``, ``".csv"``...) when the name does not say.
    :param options: ``text=``, ``id=``, ``source=``, ``url=``, ``published_at=``, ``title=`` name the
        columns (see :func:`toolkit.snippet_frame`); any other option goes to the reader.
    """
    path = Path(path)
    if not path.exists():
        raise SnippetInputError(f"no such file: {path}")
    if path.is_dir():
        raise SnippetInputError(f"{path} is a directory, not a snippet file")
    suffix = "." + format.lstrip(".").lower() if format else path.suffix.lower()
    frame_options = {k: options.pop(k) for k in FRAME_OPTIONS if k in options}
    reader = _find_reader(suffix, registry)
    if reader is None:
        raise SnippetInputError(
            f"cannot read {path.name!r}: unknown suffix {suffix or '(none)'}; "
            f"known: {', '.join(sorted(known_suffixes(registry)))} (or pass format=...)"
        )
    raw = reader(path, encoding=encoding, **options)
    if len(raw) == 0:
        warnings.warn(f"{path.name}: no snippets in the file", SnippetInputWarning, stacklevel=2)
    return snippet_frame(raw, **frame_options)


def known_suffixes(registry: Any = None) -> set[str]:
    suffixes = set(BUILTIN_READERS)
    if registry is not None:
        suffixes |= {s for spec in registry.readers.values() for s in spec.suffixes}
    return suffixes


def _find_reader(suffix: str, registry: Any) -> Callable[..., pd.DataFrame] | None:
    if registry is None:
        from toolkit.registry import default_registry

        registry = default_registry()
    for spec in registry.readers.values():
        if suffix in spec.suffixes:
            return spec.func
    return BUILTIN_READERS.get(suffix)


def read_text_file(path: Path, encoding: str = "utf-8") -> str:
    """The file's text without a BOM; invalid bytes replaced and counted in a warning."""
    data = path.read_bytes()
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        text = data.decode(enc, errors="replace")
        first_line = data[: exc.start].count(b"\n") + 1
        n_bad = text.count("\ufffd") - data.decode(enc, errors="ignore").count("\ufffd")
        warnings.warn(
            f"{path.name}: {n_bad} invalid {encoding} byte sequence(s) replaced by U+FFFD (first on line {first_line})",
            SnippetInputWarning,
            stacklevel=4,
        )
        return text


def _read_txt(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    lines = read_text_file(path, encoding).splitlines()
    kept = [(f"s{i}", line) for i, line in enumerate(lines, start=1) if line.strip()]
    skipped = len(lines) - len(kept)
    if skipped and kept:
        warnings.warn(f"{path.name}: {skipped} blank line(s) skipped", SnippetInputWarning, stacklevel=3)
    return pd.DataFrame({"snippet_id": [k for k, _ in kept], "text": pd.Series([t for _, t in kept], dtype="string")})


def _read_csv(path: Path, encoding: str = "utf-8", **options: Any) -> pd.DataFrame:
    text = read_text_file(path, encoding)
    if not text.strip():
        return pd.DataFrame({"text": pd.Series([], dtype="string")})
    options.setdefault("dtype", "string")
    options.setdefault("keep_default_na", False)
    options.setdefault("na_values", [""])
    try:
        return pd.read_csv(io.StringIO(text), **options)
    except pd.errors.ParserError as exc:
        raise SnippetInputError(f"{path.name}: malformed CSV: {exc}".strip()) from None
    except csv.Error as exc:
        raise SnippetInputError(f"{path.name}: malformed CSV: {exc}") from None


def _read_jsonl(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    fast = _read_jsonl_arrow(path) if encoding.lower() in ("utf-8", "utf8") else None
    if fast is not None:
        return fast
    text = read_text_file(path, encoding)
    records: list[Any] = []
    blank = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            blank += 1
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SnippetInputError(f"{path.name}: line {lineno} is not valid JSON ({exc.msg})") from None
        if isinstance(record, str):
            record = {"text": record}
        if not isinstance(record, dict):
            raise SnippetInputError(f"{path.name}: line {lineno} is not a JSON object or string")
        records.append(record)
    if blank and records:
        warnings.warn(f"{path.name}: {blank} blank line(s) skipped", SnippetInputWarning, stacklevel=3)
    return pd.DataFrame.from_records(records) if records else pd.DataFrame({"text": pd.Series([], dtype="string")})


def _read_jsonl_arrow(path: Path) -> pd.DataFrame | None:
    """pyarrow's multi-threaded JSON reader: fast on clean files. None on anything unusual, so the
    line-by-line reader gives the exact error and line number."""
    try:
        import pyarrow as pa
        import pyarrow.json as pj

        with open(path, "rb") as f:
            head = f.read(3)
        if head.startswith(b"\xef\xbb\xbf") or not head.strip():
            return None
        table = pj.read_json(path, parse_options=pj.ParseOptions(newlines_in_values=False))
        dated = [f for f in table.schema if pa.types.is_timestamp(f.type) or pa.types.is_date(f.type)]
        if dated:
            # pyarrow drops the time zone of what it parses as a timestamp: read those columns again
            # as written, so snippet_frame parses them (and reports naive ones) like any other input
            schema = pa.schema([pa.field(f.name, pa.string()) for f in dated])
            options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
            table = pj.read_json(path, parse_options=options)
        return table.to_pandas(types_mapper=_arrow_types)
    except Exception:
        return None


def _arrow_types(arrow_type: Any) -> Any:
    import pyarrow as pa

    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype()
    return None


def _read_json(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    text = read_text_file(path, encoding)
    if not text.strip():
        return pd.DataFrame({"text": pd.Series([], dtype="string")})
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnippetInputError(f"{path.name}: invalid JSON at line {exc.lineno} ({exc.msg})") from None
    if isinstance(data, dict):
        lists = [k for k, v in data.items() if isinstance(v, list)]
        if len(lists) != 1:
            raise SnippetInputError(f"{path.name}: expected a JSON array of snippets (or an object holding one)")
        data = data[lists[0]]
    if not isinstance(data, list):
        raise SnippetInputError(f"{path.name}: expected a JSON array of snippets")
    if not data:
        return pd.DataFrame({"text": pd.Series([], dtype="string")})
    if all(isinstance(r, str) for r in data):
        return pd.DataFrame({"text": pd.Series(data, dtype="string")})
    for i, record in enumerate(data):
        if not isinstance(record, dict):
            raise SnippetInputError(f"{path.name}: item {i} is not a JSON object or string")
    return pd.DataFrame.from_records(data)


def _read_parquet(path: Path, encoding: str = "utf-8", **options: Any) -> pd.DataFrame:
    try:
        return pd.read_parquet(path, **options)
    except Exception as exc:
        raise SnippetInputError(f"{path.name}: cannot read as Parquet ({exc})") from None


BUILTIN_READERS: dict[str, Callable[..., pd.DataFrame]] = {
    ".txt": _read_txt,
    ".csv": _read_csv,
    ".jsonl": _read_jsonl,
    ".ndjson": _read_jsonl,
    ".json": _read_json,
    ".parquet": _read_parquet,
    ".pq": _read_parquet,
}
