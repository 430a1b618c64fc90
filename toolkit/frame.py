"""Build and validate the snippet frame every analysis takes.

Decisions on bad input (README "Bad input" lists them for users):

- no text column: :class:`SnippetInputError` naming the columns found;
- missing (None/NaN) text: kept as ``<NA>``; analyses skip it; counted in one warning;
- empty or blank text: kept; analyses find nothing in it (no warning, it is valid input);
- numbers or booleans as text: converted with ``str`` and counted in a warning; lists, dicts and
  other objects: :class:`SnippetInputError` naming the first offending id;
- ids are kept exactly as given (``" a "`` stays ``" a "``, with a warning; ``2`` becomes ``"2"``);
  duplicate, missing or blank ids: :class:`SnippetInputError` listing a few of them;
- no user column is dropped: only the column used as the id becomes the index; a column that a
  renamed one would replace (``text`` when ``text="body"``) is kept as ``text_original``, with a warning;
- a lone surrogate in a string (half of a UTF-16 pair, e.g. a cut emoji: it cannot be written as
  UTF-8) is replaced by U+FFFD and counted in a warning;
- unparseable dates: ``NaT``, counted in a warning; naive dates are taken as UTC (counted too);
- every row given comes out: nothing is dropped here.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit.errors import SnippetInputError
from toolkit.schema import ID_CANDIDATES, INDEX, SNIPPET_COLUMNS

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class SnippetInputWarning(UserWarning):
    """Something in the input was repaired or left missing; the message says what and how many."""


def snippet_frame(
    data: Any,
    *,
    text: str | None = None,
    id: str | None = None,
    source: str | None = None,
    url: str | None = None,
    published_at: str | None = None,
    title: str | None = None,
    id_prefix: str = "s",
) -> pd.DataFrame:
    """Return a validated snippet frame from a list of strings, a list of dicts or a DataFrame.

    The keyword arguments name the input columns that hold the text, id, source, url, date and
    title when they are not called that already. Without ids, rows are numbered ``s1``, ``s2``, ...
    in input order, so the same input always gets the same ids. The user's other columns are kept.
    """
    if text is id is source is url is published_at is title is None:
        plain = _plain_records(data, id_prefix)
        if plain is not None:
            return plain
    repaired = [0]  # lone surrogates replaced, over every column
    df = _as_dataframe(data, repaired)
    renames = {"text": text, "source": source, "url": url, "published_at": published_at, "title": title}
    df = _rename_columns(df, {k: v for k, v in renames.items() if v})
    if "text" not in df.columns:
        found = ", ".join(map(str, df.columns)) or "none"
        raise SnippetInputError(f"no 'text' column (columns found: {found}); name it with text=...")
    ids, id_column = _snippet_ids(df, id, id_prefix, repaired)
    if id_column is not None and id_column != "text":
        df = df.drop(columns=[id_column])
    if INDEX in df.columns:  # a user's snippet_id column beside the id named with id=...
        df = _rename_columns(df, {INDEX: INDEX}, clash=INDEX)
    df.index = pd.Index(ids, name=INDEX, dtype="string")
    # Columns are collected as arrays and put together once: assigning Series one by one would
    # align each on the index (a hash join per column, most of the cost at a million rows).
    columns: dict[str, Any] = {"text": _text_column(df["text"], df.index, repaired).array}
    for column in ("source", "url", "title"):
        values = _string_column(df[column], repaired) if column in df.columns else _missing(len(df), "string")
        columns[column] = values.array
    if "published_at" in df.columns:
        columns["published_at"] = parse_timestamps(df["published_at"]).array
    else:
        columns["published_at"] = _missing(len(df), SNIPPET_COLUMNS["published_at"]).array
    out = pd.DataFrame({c: columns[c] for c in SNIPPET_COLUMNS}, index=df.index)
    extra = [c for c in df.columns if c not in SNIPPET_COLUMNS]
    if extra:
        out = pd.concat([out, _without_surrogates(df[extra], repaired)], axis=1)
    out.index = df.index
    if repaired[0]:
        warnings.warn(
            f"{repaired[0]} lone surrogate(s) (half of a UTF-16 pair, e.g. a cut emoji) replaced by U+FFFD",
            SnippetInputWarning,
            stacklevel=2,
        )
    return out


#: The keys of a record the plain-records path takes (anything else goes through the general path).
_PLAIN_KEYS = frozenset(("text", "source", "url", "title"))


def _plain_records(data: Any, id_prefix: str) -> pd.DataFrame | None:
    """The snippet frame of plain input built directly, or None when the general path must decide.

    Plain: a list of strings, or of dicts with the same keys, ``text`` and any of ``snippet_id``
    (or ``id``), ``source``, ``url``, ``title``, every value a string, ids unique and starting and
    ending with a printable ASCII character. Nothing in such input needs a decision, a repair or
    a warning, so the frame is the general path's (``tests/test_small_frames.py`` checks that)
    without its pandas round trips: for a two-snippet frame ~0.3 ms instead of ~2 ms, which is
    most of what a small ``toolkit.run`` costs (one run per pair when scoring sentence pairs).
    """
    if not isinstance(data, list) or not data:
        return None
    if all(type(r) is str for r in data):
        records: list[Any] = [{"text": r} for r in data]
    elif all(type(r) is dict for r in data):
        records = data
    else:
        return None
    keys = records[0].keys()
    id_key = "snippet_id" if "snippet_id" in keys else "id" if "id" in keys else None
    if "text" not in keys or not keys - {id_key} <= _PLAIN_KEYS or any(r.keys() != keys for r in records):
        return None
    columns = {k: [r[k] for r in records] for k in keys}
    if any(type(v) is not str for values in columns.values() for v in values):
        return None
    ids = columns.pop(id_key) if id_key is not None else [f"{id_prefix}{i}" for i in range(1, len(records) + 1)]
    if not all(i and "!" <= i[0] <= "~" and "!" <= i[-1] <= "~" for i in ids) or len(set(ids)) != len(ids):
        return None
    try:
        arrays = {c: pd.array(columns[c], dtype="string") if c in columns else None for c in SNIPPET_COLUMNS}
        index = pd.Index(ids, name=INDEX, dtype="string")
    except UnicodeEncodeError:  # a lone surrogate: the general path repairs and counts it
        return None
    for column, dtype in SNIPPET_COLUMNS.items():
        if arrays[column] is None:
            arrays[column] = _all_missing(len(ids), dtype)
    return pd.DataFrame(arrays, index=index)


def _all_missing(n: int, dtype: str) -> Any:
    """What ``_missing(n, dtype).array`` holds, built directly (a Series per column costs ~60 us)."""
    if dtype == "string":
        return pd.arrays.ArrowStringArray(pa.nulls(n, pa.large_string()))
    if dtype == "datetime64[ns, UTC]":
        return pd.array(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"), dtype=pd.DatetimeTZDtype("ns", "UTC"))
    return _missing(n, dtype).array


def empty_snippet_frame() -> pd.DataFrame:
    """A frame with the contract's columns and no rows."""
    return snippet_frame(pd.DataFrame({"text": pd.Series([], dtype="string")}))


def _as_dataframe(data: Any, repaired: list[int]) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        df = data.copy(deep=False)
        if df.index.name in ID_CANDIDATES and df.index.name not in df.columns:
            df = df.reset_index()
        elif not isinstance(df.index, pd.RangeIndex) and "snippet_id" not in df.columns and "id" not in df.columns:
            df = df.reset_index(names="snippet_id")
        return df
    if isinstance(data, pd.Series):
        return _as_dataframe(data.rename("text").to_frame(), repaired)
    if isinstance(data, (str, bytes, Mapping)):
        raise SnippetInputError(
            "snippet_frame takes a list of strings, a list of dicts or a DataFrame; "
            "use toolkit.read_snippets(path) for a file"
        )
    if not isinstance(data, Iterable):
        raise SnippetInputError(f"cannot make snippets from {type(data).__name__}")
    rows = list(data)
    if not rows:
        return pd.DataFrame({"text": pd.Series([], dtype="string")})
    if all(isinstance(r, Mapping) for r in rows):
        try:
            return pd.DataFrame.from_records(rows)
        except UnicodeEncodeError:  # pandas infers Arrow strings, which cannot hold a lone surrogate
            fixed = [{_fix_surrogates(k, repaired): _fix_surrogates(v, repaired) for k, v in r.items()} for r in rows]
            return pd.DataFrame.from_records(fixed)
    if any(isinstance(r, Mapping) for r in rows):
        raise SnippetInputError("mixed input: give either a list of strings or a list of dicts")
    return pd.DataFrame({"text": pd.Series(rows, dtype="object")})


def _rename_columns(df: pd.DataFrame, renames: dict[str, str], clash: str | None = None) -> pd.DataFrame:
    """Rename the named columns to the contract's names. A column that already has a target name is
    kept, renamed ``<name>_original`` (then ``_original_2``...) with a warning: nothing is dropped.
    ``clash`` names a column to move aside even though nothing is renamed onto it."""
    for target, given in renames.items():
        if given not in df.columns:
            found = ", ".join(map(str, df.columns))
            raise SnippetInputError(f"no column {given!r} for {target} (columns found: {found})")
    inverse = {given: target for target, given in renames.items() if given != target}
    clashes = [t for t in inverse.values() if t in df.columns and t not in inverse]
    if clash is not None:
        clashes.append(clash)
    moved: dict[str, str] = {}
    for name in clashes:
        new, n = f"{name}_original", 1
        while new in df.columns or new in moved.values():
            n += 1
            new = f"{name}_original_{n}"
        moved[name] = new
    if moved:
        why = "the id" if clash is not None else "a column named with " + ", ".join(f"{t}=" for t in clashes)
        warnings.warn(
            "kept " + ", ".join(f"{old!r} as {new!r}" for old, new in moved.items()) + f" (its name is taken by {why})",
            SnippetInputWarning,
            stacklevel=3,
        )
    return df.rename(columns={**moved, **inverse})


def _snippet_ids(
    df: pd.DataFrame, id_column: str | None, prefix: str, repaired: list[int]
) -> tuple[np.ndarray, str | None]:
    """The ids, as strings exactly as given, and the column they came from (None: numbered)."""
    column = id_column or next((c for c in ID_CANDIDATES if c in df.columns), None)
    if id_column and id_column not in df.columns:
        found = ", ".join(map(str, df.columns))
        raise SnippetInputError(f"no id column {id_column!r} (columns found: {found})")
    if column is None:
        return np.array([f"{prefix}{i}" for i in range(1, len(df) + 1)], dtype=object), None
    raw = df[column]
    missing = raw.isna()
    if missing.any():
        rows = np.flatnonzero(missing.to_numpy())[:5].tolist()
        raise SnippetInputError(f"{int(missing.sum())} snippet(s) have no id in column {column!r} (rows {rows})")
    ids = _string_column(raw, repaired)
    stripped = ids.str.strip()
    blank = stripped == ""
    if blank.any():
        rows = np.flatnonzero(blank.to_numpy())[:5].tolist()
        raise SnippetInputError(f"{int(blank.sum())} snippet(s) have an empty id (rows {rows})")
    spaced = stripped != ids
    if spaced.any():
        examples = ", ".join(repr(x) for x in ids[spaced].unique()[:3])
        warnings.warn(
            f"{int(spaced.sum())} id(s) start or end with spaces ({examples}): kept exactly as written",
            SnippetInputWarning,
            stacklevel=3,
        )
    dup = ids.duplicated(keep=False)
    if dup.any():
        examples = ", ".join(repr(x) for x in ids[dup].unique()[:5])
        raise SnippetInputError(
            f"{int(ids[dup].nunique())} snippet id(s) occur more than once ({examples}); ids must be unique"
        )
    return ids.to_numpy(dtype=object), column


def _text_column(raw: pd.Series, index: pd.Index, repaired: list[int]) -> pd.Series:
    if isinstance(raw.dtype, pd.StringDtype) or (pd.api.types.is_string_dtype(raw.dtype) and raw.dtype != object):
        # pandas 3's default ``str`` dtype is a StringDtype with NaN as its missing value; the
        # contract is ``string`` (missing = <NA>), so both are converted, never just copied.
        text = _as_string(raw, repaired)
    else:
        values = raw.to_numpy(dtype=object)
        kinds = pd.Series(values, dtype=object).map(type)
        is_str = kinds.eq(str).to_numpy()
        is_na = pd.isna(raw).to_numpy() & ~is_str
        other = ~(is_str | is_na)
        if other.any():
            scalar = np.array([isinstance(v, (int, float, bool, np.number, np.bool_)) for v in values[other]])
            if not scalar.all():
                pos = int(np.flatnonzero(other)[np.flatnonzero(~scalar)[0]])
                raise SnippetInputError(f"snippet {index[pos]!r}: text is a {type(values[pos]).__name__}, not a string")
            warnings.warn(
                f"{int(other.sum())} snippet(s) had non-string text (numbers or booleans); converted with str()",
                SnippetInputWarning,
                stacklevel=3,
            )
            values = values.copy()
            values[other] = [str(v) for v in values[other]]
            values[is_na] = None
        text = _as_string(values, repaired)
    text.index = index
    n_missing = int(text.isna().sum())
    if n_missing:
        warnings.warn(
            f"{n_missing} snippet(s) have no text (missing/NaN): kept with <NA> text; analyses skip them",
            SnippetInputWarning,
            stacklevel=3,
        )
    return text


def _string_column(raw: pd.Series, repaired: list[int]) -> pd.Series:
    if isinstance(raw.dtype, pd.StringDtype):
        return _as_string(raw, repaired)
    values = raw.to_numpy(dtype=object)
    strings = [v if isinstance(v, str) or v is None else (None if _isna(v) else str(v)) for v in values]
    out = _as_string(strings, repaired)
    out.index = raw.index
    return out


def _as_string(values: Sequence[Any] | np.ndarray | pd.Series, repaired: list[int]) -> pd.Series:
    """``values`` as a ``string`` Series. Arrow-backed strings cannot hold a lone surrogate, so
    constructing one is the check (free on clean input); on failure each is replaced and counted."""
    try:
        # a Series is converted in place: handing it to the constructor with its index would align it
        return values.astype("string") if isinstance(values, pd.Series) else pd.Series(values, dtype="string")
    except UnicodeEncodeError:
        fixed = [_fix_surrogates(v, repaired) for v in values]
        return pd.Series(fixed, dtype="string", index=values.index if isinstance(values, pd.Series) else None)


def _fix_surrogates(value: Any, repaired: list[int]) -> Any:
    if not isinstance(value, str):
        return value
    fixed, n = _LONE_SURROGATE.subn("\ufffd", value)
    repaired[0] += n
    return fixed


def _without_surrogates(extra: pd.DataFrame, repaired: list[int]) -> pd.DataFrame:
    """The user's columns, untouched unless a string cell holds a lone surrogate (it could not be
    written to any file): those cells are repaired like the text."""
    fixed: dict[Any, pd.Series] = {}
    for name in extra.columns:
        column = extra[name]
        if column.dtype != object:
            continue
        strings = [v for v in column.to_numpy() if type(v) is str]
        try:
            "".join(strings).encode("utf-8")
        except UnicodeEncodeError:
            fixed[name] = pd.Series(
                [_fix_surrogates(v, repaired) for v in column.to_numpy()], index=column.index, dtype=object
            )
    return extra.assign(**{str(k): v for k, v in fixed.items()}) if fixed else extra


def _isna(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _missing(n: int, dtype: str) -> pd.Series:
    missing = pd.NaT if dtype.startswith("datetime") else pd.NA
    return pd.Series(missing, index=pd.RangeIndex(n), dtype=dtype)


def parse_timestamps(raw: pd.Series, *, what: str = "published_at") -> pd.Series:
    """Parse dates to UTC timestamps. Unparseable values become NaT (counted in a warning);
    naive values are taken as UTC (counted too, so a user notices a wrong assumption)."""
    target = SNIPPET_COLUMNS["published_at"]
    if isinstance(raw.dtype, pd.DatetimeTZDtype):
        return raw.dt.tz_convert("UTC").astype(target)
    if pd.api.types.is_datetime64_dtype(raw.dtype):
        if raw.notna().any():
            warnings.warn(
                f"{what}: {int(raw.notna().sum())} naive timestamp(s) taken as UTC",
                SnippetInputWarning,
                stacklevel=3,
            )
        return raw.dt.tz_localize("UTC").astype(target)
    given = raw.notna() & raw.astype("string").str.strip().ne("")
    strings = raw.astype("string").where(given)
    parsed = pd.to_datetime(strings, errors="coerce", utc=True, format="ISO8601")
    retry = given & parsed.isna()
    if retry.any():
        parsed = parsed.copy()
        parsed[retry] = pd.to_datetime(strings[retry], errors="coerce", utc=True, format="mixed")
    bad = given & parsed.isna()
    if bad.any():
        examples = ", ".join(repr(str(x)) for x in strings[bad].unique()[:3])
        warnings.warn(
            f"{what}: {int(bad.sum())} value(s) could not be read as dates and are left missing (e.g. {examples})",
            SnippetInputWarning,
            stacklevel=3,
        )
    zoned = _matches(strings, r"(?:Z|[+-]\d\d:?\d\d|UTC|GMT)\s*$")
    naive = given & ~bad & ~zoned & _matches(strings, r"\d[T ]\d")
    if naive.any():
        warnings.warn(
            f"{what}: {int(naive.sum())} timestamp(s) without a time zone taken as UTC",
            SnippetInputWarning,
            stacklevel=3,
        )
    return parsed.astype(target)


def _matches(strings: pd.Series, pattern: str) -> pd.Series:
    """``strings.str.contains(pattern)`` with missing as False, run by pyarrow's RE2 engine (linear
    time, and ~20x faster than pandas' per-row fallback for these patterns)."""
    found = pc.match_substring_regex(pa.array(strings.array, type=pa.string(), from_pandas=True), pattern)
    return pd.Series(found.fill_null(False).to_numpy(zero_copy_only=False), index=strings.index)


def validate_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` if it already is a snippet frame, else build one from it."""
    if frame.index.name == INDEX and str(frame.index.dtype) == "string" and frame.columns.is_unique:
        # The dtypes read once (``frame[c]`` builds a Series per column).
        dtypes = dict(zip(frame.columns, map(str, frame.dtypes.tolist()), strict=True))
        if all(dtypes.get(c) == d for c, d in SNIPPET_COLUMNS.items()) and frame.index.is_unique:
            return frame
    return snippet_frame(frame)
