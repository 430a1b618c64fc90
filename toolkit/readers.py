"""Read snippet files: .txt (a snippet a line), .csv, .jsonl, .json and .parquet, each optionally gzipped.

Decisions on bad files (README "Bad input"):

- the encoding: UTF-8 unless told (``encoding=``); a byte-order mark says UTF-8, UTF-16 or UTF-32 and is
  dropped; UTF-16 without a BOM (NUL bytes every other byte) is read as such, with a warning;
- invalid bytes are replaced by U+FFFD and counted in a warning naming the first line affected (web text is
  hostile; losing a whole file to one byte is worse), in every format, on the fast JSON Lines path too;
- a JSON-escaped lone surrogate (``"\\ud83d"``, half of a cut emoji) is replaced by U+FFFD, counted too;
- lines end at ``\\n``, ``\\r\\n`` or ``\\r`` only: U+2028, form feed and NEL are text, not line breaks;
- ids are read exactly as written: a JSON number id keeps its token (``12345678901234567890123``, ``2.50``);
- a malformed CSV row or JSON Lines line is a :class:`SnippetInputError` with its line number;
- blank lines in .txt and .jsonl are skipped (they hold no snippet) and counted in a warning;
- an empty file gives an empty frame and a warning; a symlink loop, a broken link or something that is not a
  regular file is a :class:`SnippetInputError` saying so;
- ``NAME.SUFFIX.gz`` is decompressed and read as ``NAME.SUFFIX``;
- plugins may add readers for other suffixes (or replace these) through ``register_readers``.
"""

from __future__ import annotations

import codecs
import csv
import errno
import gzip
import io
import json
import os
import re
import stat
import warnings
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.errors import SnippetInputError
from toolkit.frame import SnippetInputWarning, snippet_frame
from toolkit.schema import ID_CANDIDATES

FRAME_OPTIONS = ("text", "id", "source", "url", "published_at", "title", "id_prefix")

GZIP_MAGIC = b"\x1f\x8b"
#: Byte-order marks, longest first (the UTF-32-LE mark starts with the UTF-16-LE one).
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def read_snippets(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    encoding: str | None = None,
    registry: Any = None,
    **options: Any,
) -> pd.DataFrame:
    """Read a file of snippets into a snippet frame.

    :param format: the suffix to read it as (``"jsonl"``, ``".csv"``...) when the name does not say.
    :param encoding: the file's encoding; by default UTF-8, or what a byte-order mark says.
    :param options: ``text=``, ``id=``, ``source=``, ``url=``, ``published_at=``, ``title=`` name the
        columns (see :func:`toolkit.snippet_frame`); any other option goes to the reader.
    """
    path = Path(path)
    check_readable(path)
    if encoding is not None:
        _check_encoding(encoding)
    frame_options = {k: options.pop(k) for k in FRAME_OPTIONS if k in options}
    suffixes = _suffixes(path, format)
    if suffixes[0].endswith(".gz") and not _is_gzip(path):
        raise SnippetInputError(f"{path.name}: named .gz but not gzip data (damaged, or pass format=...)")
    reader, builtin = _find_reader(suffixes, registry)
    if reader is None:
        raise SnippetInputError(
            f"cannot read {path.name!r}: unknown suffix {suffixes[0] or '(none)'}; "
            f"known: {', '.join(sorted(known_suffixes(registry)))} (or pass format=...)"
        )
    if builtin:
        id_columns = (frame_options["id"],) if frame_options.get("id") else ID_CANDIDATES
        raw = reader(path, encoding=encoding, id_columns=id_columns, **options)
    else:
        if _is_gzip(path) and len(suffixes) == 1:
            raise SnippetInputError(f"{path.name}: the plugin reader for {suffixes[0]} cannot read gzip; decompress it")
        raw = reader(path, encoding=encoding or "utf-8", **options)
    if len(raw) == 0:
        warnings.warn(f"{path.name}: no snippets in the file", SnippetInputWarning, stacklevel=2)
    return snippet_frame(raw, **frame_options)


def check_readable(path: Path) -> None:
    """A clear error for a missing file, a directory, a symlink loop, a broken link or a device."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise SnippetInputError(f"{path}: broken symbolic link (to {os.readlink(path)})") from None
        raise SnippetInputError(f"no such file: {path}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SnippetInputError(f"{path}: symbolic link loop (the link points back to itself)") from None
        raise SnippetInputError(f"cannot read {path}: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise SnippetInputError(f"{path} is a directory, not a snippet file")
    if not stat.S_ISREG(mode):
        raise SnippetInputError(f"{path} is not a regular file (a pipe or a device?)")


def _check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise SnippetInputError(f"unknown encoding {encoding!r}") from None


def _suffixes(path: Path, format: str | None) -> tuple[str, ...]:
    """The suffixes to look a reader up by, most specific first: ``(".jsonl.gz", ".jsonl")``."""
    if format:
        return ("." + format.lstrip(".").lower(),)
    suffix = path.suffix.lower()
    if suffix == ".gz":
        inner = Path(path.stem).suffix.lower()
        return (inner + suffix, inner) if inner else (suffix,)
    return (suffix,)


def known_suffixes(registry: Any = None) -> set[str]:
    suffixes = set(BUILTIN_READERS) | {s + ".gz" for s in BUILTIN_READERS}
    if registry is not None:
        suffixes |= {s for spec in registry.readers.values() for s in spec.suffixes}
    return suffixes


def _find_reader(suffixes: Iterable[str], registry: Any) -> tuple[Callable[..., pd.DataFrame] | None, bool]:
    """The reader for the first suffix anything reads: a plugin's first, then a built-in one."""
    if registry is None:
        from toolkit.registry import default_registry

        registry = default_registry()
    for suffix in suffixes:
        for spec in registry.readers.values():
            if suffix in spec.suffixes:
                return spec.func, False
        if suffix in BUILTIN_READERS:
            return BUILTIN_READERS[suffix], True
    return None, False


# -- bytes and text ---------------------------------------------------------------------------------
def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == GZIP_MAGIC


def read_file_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when it is gzip (whatever its name)."""
    data = path.read_bytes()
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise SnippetInputError(f"{path.name}: corrupt gzip data ({exc})") from None


def sniff_encoding(data: bytes) -> tuple[str, int, bool]:
    """``(encoding, BOM length, guessed)`` for bytes read without a given encoding."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name, len(bom), False
    head = data[:4096]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if odd > 2 * even:
            return "utf-16-le", 0, True
        if even > 2 * odd:
            return "utf-16-be", 0, True
    return "utf-8", 0, False


def decode_bytes(data: bytes, name: str, encoding: str | None = None) -> str:
    """Bytes to text without a BOM; invalid bytes replaced by U+FFFD and counted in a warning."""
    if encoding is None:
        encoding, skip, guessed = sniff_encoding(data)
        if guessed:
            warnings.warn(
                f"{name}: no byte-order mark but NUL bytes every other byte: read as {encoding.upper()} "
                "(pass encoding=... if that is wrong)",
                SnippetInputWarning,
                stacklevel=4,
            )
        data = data[skip:]
    elif codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        text = data.decode(encoding, errors="replace")
        first_line = data[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        n_bad = text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")
        warnings.warn(
            f"{name}: {n_bad} invalid {encoding.replace('-sig', '')} byte sequence(s) replaced by U+FFFD "
            f"(first on line {first_line})",
            SnippetInputWarning,
            stacklevel=4,
        )
    return text[1:] if text.startswith("\ufeff") else text


def read_text_file(path: Path, encoding: str | None = None) -> str:
    """The file's text (decompressed, decoded, without a BOM); invalid bytes replaced and counted."""
    return decode_bytes(read_file_bytes(path), path.name, encoding)


def split_lines(text: str) -> list[str]:
    """Lines ending at ``\\n``, ``\\r\\n`` or ``\\r`` — not at U+2028, form feed or NEL as ``str.splitlines``
    would (those are text inside a snippet); a final line break does not start another line."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _warn_blank(name: str, blank: int) -> None:
    warnings.warn(f"{name}: {blank} blank line(s) skipped", SnippetInputWarning, stacklevel=4)


# -- the formats ------------------------------------------------------------------------------------
def _read_txt(path: Path, encoding: str | None = None, id_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    lines = split_lines(read_text_file(path, encoding))
    kept = [(f"s{i}", line) for i, line in enumerate(lines, start=1) if line.strip()]
    skipped = len(lines) - len(kept)
    if skipped and kept:
        _warn_blank(path.name, skipped)
    return pd.DataFrame({"snippet_id": [k for k, _ in kept], "text": pd.Series([t for _, t in kept], dtype="string")})


def _read_csv(
    path: Path, encoding: str | None = None, id_columns: tuple[str, ...] = (), **options: Any
) -> pd.DataFrame:
    """Every cell read as the string written (ids too: ``007`` stays ``007``); an empty cell is missing."""
    text = read_text_file(path, encoding)
    if not text.strip():
        return pd.DataFrame({"text": pd.Series([], dtype="string")})
    options.setdefault("dtype", "string")
    options.setdefault("keep_default_na", False)
    options.setdefault("na_values", [""])
    # never take a row's extra fields as an index (pandas does when the first row is longer than the header)
    options.setdefault("index_col", False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.StringIO(text), **options)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise SnippetInputError(f"{path.name}: malformed CSV: {exc}".strip()) from None
    except pd.errors.ParserWarning:
        raise SnippetInputError(f"{path.name}: malformed CSV: {_longer_than_header(text)}") from None
    except pd.errors.EmptyDataError:
        return pd.DataFrame({"text": pd.Series([], dtype="string")})


def _longer_than_header(text: str) -> str:
    """Where a row has more fields than the header (pandas would drop them, or make them an index)."""
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, [])
    for row in rows:
        if len(row) > len(header):
            return f"line {rows.line_num} has {len(row)} fields; the header has {len(header)}"
    return f"rows have more fields than the header's {len(header)}"


class _RawInt(int):
    """A JSON integer that remembers its token, so an id is kept exactly as written."""

    raw: str


class _RawFloat(float):
    """A JSON real number that remembers its token (``2.50`` stays ``2.50`` as an id)."""

    raw: str


def _raw_int(token: str) -> int:
    value = _RawInt(token)
    value.raw = token
    return value


def _raw_float(token: str) -> float:
    value = _RawFloat(token)
    value.raw = token
    return value


def _loads(text: str) -> Any:
    """``json.loads`` keeping number tokens and accepting raw control characters inside strings."""
    return json.loads(text, parse_int=_raw_int, parse_float=_raw_float, strict=False)


class _Cleaner:
    """Per-record repairs of parsed JSON: ids as written, lone surrogates replaced (and counted)."""

    def __init__(self, id_columns: tuple[str, ...], surrogates_possible: bool):
        self.id_columns = id_columns
        self.surrogates_possible = surrogates_possible
        self.surrogates = 0
        self.first_surrogate = ""

    def record(self, record: dict[str, Any], where: str) -> dict[str, Any]:
        for key, value in record.items():
            if isinstance(value, (_RawInt, _RawFloat)):  # plain numbers again, but an id keeps its token
                plain = int(value) if isinstance(value, int) else float(value)
                record[key] = value.raw if key in self.id_columns else plain
        if self.surrogates_possible:
            fixed = self.fix(record)
            if fixed is not record:
                self.first_surrogate = self.first_surrogate or where
                return dict(fixed)
        return record

    def fix(self, value: Any) -> Any:
        """``value`` with lone surrogates replaced in every string, keys and nested values too."""
        if isinstance(value, str):
            fixed, n = _LONE_SURROGATE.subn("\ufffd", value)
            self.surrogates += n
            return fixed if n else value
        if isinstance(value, list):
            items = [self.fix(v) for v in value]
            return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
        if isinstance(value, dict):
            pairs = [(self.fix(k), self.fix(v)) for k, v in value.items()]
            changed = any(a is not k or b is not v for (a, b), (k, v) in zip(pairs, value.items(), strict=True))
            return dict(pairs) if changed else value
        return value

    def warn(self, name: str) -> None:
        if self.surrogates:
            warnings.warn(
                f"{name}: {self.surrogates} lone surrogate(s) (half of a UTF-16 pair, e.g. a cut emoji) replaced "
                f"by U+FFFD (first on {self.first_surrogate})",
                SnippetInputWarning,
                stacklevel=4,
            )


def _read_jsonl(path: Path, encoding: str | None = None, id_columns: tuple[str, ...] = ID_CANDIDATES) -> pd.DataFrame:
    if encoding is None or codecs.lookup(encoding).name == "utf-8":
        # a plain file is handed to Arrow by path (the bytes are not held twice); gzip decompressed first
        fast = _read_jsonl_arrow(read_file_bytes(path) if _is_gzip(path) else path, id_columns)
        if fast is not None:
            return fast
    data = read_file_bytes(path)
    text = decode_bytes(data, path.name, encoding)
    del data
    cleaner = _Cleaner(id_columns, bool(_SURROGATE_ESCAPE.search(text)))
    records: list[Any] = []
    blank = 0
    # JSON Lines are separated by "\n" only: a raw U+2028 or form feed inside a string is text.
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            blank += 1
            continue
        try:
            record = _loads(line)
        except json.JSONDecodeError as exc:
            raise SnippetInputError(f"{path.name}: line {lineno} is not valid JSON ({exc.msg})") from None
        if isinstance(record, str):
            record = {"text": record}
        if not isinstance(record, dict):
            raise SnippetInputError(f"{path.name}: line {lineno} is not a JSON object or string")
        records.append(cleaner.record(record, f"line {lineno}"))
    blank -= text.endswith("\n")  # the final line break ends the last line; it does not start a blank one
    cleaner.warn(path.name)
    if blank and records:
        _warn_blank(path.name, blank)
    return pd.DataFrame.from_records(records) if records else pd.DataFrame({"text": pd.Series([], dtype="string")})


def _read_jsonl_arrow(data: bytes | Path, id_columns: tuple[str, ...]) -> pd.DataFrame | None:
    """pyarrow's multi-threaded JSON reader: fast on clean files. None on anything unusual (invalid UTF-8,
    a lone surrogate, blank lines, a number id, a BOM), so the line-by-line reader repairs, counts and
    reports it, or gives the exact error and line number."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.json as pj

        head, lines = _head_and_lines(data)
        if not head[:3].strip() or head.startswith(tuple(bom for bom, _ in BOMS)) or b"\x00" in head:
            return None

        def source() -> Any:
            return pa.BufferReader(data) if isinstance(data, bytes) else str(data)

        options = pj.ParseOptions(newlines_in_values=False)
        table = pj.read_json(source(), parse_options=options)
        if table.num_rows != lines:
            return None  # blank lines: the slow path counts them
        table.validate(full=True)  # invalid UTF-8 raises here
        dated = [f for f in table.schema if pa.types.is_timestamp(f.type) or pa.types.is_date(f.type)]
        if dated:
            # pyarrow drops the time zone of what it parses as a timestamp: read those columns again
            # as written, so snippet_frame parses them (and reports naive ones) like any other input
            schema = pa.schema([pa.field(f.name, pa.string()) for f in dated])
            options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
            table = pj.read_json(source(), parse_options=options)
        for name in id_columns:
            if name not in table.column_names:
                continue
            kind = table.schema.field(name).type
            if pa.types.is_integer(kind):  # an integer token prints back as written
                table = table.set_column(table.column_names.index(name), name, pc.cast(table[name], pa.string()))
            elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
                return None  # a real number or big integer id: only its token keeps it as written
        return table.to_pandas(types_mapper=_arrow_types)
    except Exception:
        return None


def _head_and_lines(data: bytes | Path) -> tuple[bytes, int]:
    """The first 4 KB and the number of lines (a last line without a line break counts)."""
    if isinstance(data, bytes):
        return data[:4096], data.count(b"\n") + (not data.endswith(b"\n"))
    newlines, last = 0, b"\n"
    with open(data, "rb") as f:
        head = f.read(4096)
        f.seek(0)
        for block in iter(lambda: f.read(1 << 22), b""):
            newlines += block.count(b"\n")
            last = block[-1:]
    return head, newlines + (last != b"\n")


def _arrow_types(arrow_type: Any) -> Any:
    import pyarrow as pa

    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype()
    return None


def _read_json(path: Path, encoding: str | None = None, id_columns: tuple[str, ...] = ID_CANDIDATES) -> pd.DataFrame:
    text = read_text_file(path, encoding)
    if not text.strip():
        return pd.DataFrame({"text": pd.Series([], dtype="string")})
    try:
        data = _loads(text)
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
    cleaner = _Cleaner(id_columns, bool(_SURROGATE_ESCAPE.search(text)))
    if all(isinstance(r, str) for r in data):
        texts = [cleaner.record({"text": t}, f"item {i}")["text"] for i, t in enumerate(data)]
        cleaner.warn(path.name)
        return pd.DataFrame({"text": pd.Series(texts, dtype="string")})
    for i, record in enumerate(data):
        if not isinstance(record, dict):
            raise SnippetInputError(f"{path.name}: item {i} is not a JSON object or string")
        data[i] = cleaner.record(record, f"item {i}")
    cleaner.warn(path.name)
    return pd.DataFrame.from_records(data)


def _read_parquet(
    path: Path, encoding: str | None = None, id_columns: tuple[str, ...] = (), **options: Any
) -> pd.DataFrame:
    source: Any = io.BytesIO(read_file_bytes(path)) if _is_gzip(path) else path
    try:
        return pd.read_parquet(source, **options)
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
