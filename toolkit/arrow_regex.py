"""pyarrow's regex kernels, with the same results computed by Python's ``re`` for small arrays.

Why: ``pyarrow.compute`` compiles its RE2 pattern on every call, and a pattern with a Unicode
class (``\\pL``) takes 0.3–1.5 ms to compile — far more than running it over a few strings. A
two-snippet run of a dozen such calls spends most of its time compiling. Here each call looks at
its input: a small array of short strings goes through Python's ``re`` (each pattern translated
and compiled once per process); anything else goes to pyarrow as before. Results are identical
either way, element by element and type for type:

- the translation keeps RE2's meaning where Python's differs: ``\\s`` is ``[\\t\\n\\f\\r ]``,
  ``\\d``, ``\\w`` and ``\\b`` are ASCII, ``$`` is the end of the text (``\\Z``), and ``\\pL`` /
  ``\\pN`` are the code points *this* RE2 puts in them (probed once, below :data:`LIMIT`, where
  its Unicode tables and Python's may differ by a Unicode version);
- a string holding a code point at or above :data:`LIMIT` sends the whole call to pyarrow;
- replacement follows RE2's ``GlobalReplace`` (no empty match right after a match) and its
  rewrite syntax (``\\0``–``\\9``, ``\\\\``); extraction gives ``""`` for a group that did not
  take part and a null row where nothing matched, as pyarrow does.

Python's engine backtracks, so it only gets strings of at most :data:`MAX_CHARS` characters
(and :data:`MAX_TEXTS` of them): whatever a pattern's worst case, its cost stays bounded there;
long texts go to RE2, which is linear. A pattern using RE2 syntax the translation does not know
(``\\p{Greek}``, ``\\C``, flags...) always goes to pyarrow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["LIMIT", "MAX_CHARS", "MAX_TEXTS", "extract_regex", "match_substring_regex", "replace_substring_regex"]

#: Strings with a code point at or above this one go to pyarrow (the probed Unicode classes end here:
#: everything up to CJK — Latin, Greek, Cyrillic, Hebrew, Arabic, Indic scripts, punctuation, symbols).
LIMIT = 0x3000
#: The longest string Python's ``re`` runs on.
MAX_CHARS = 1_000
#: The most strings of one call Python's ``re`` runs on (beyond it pyarrow's fixed cost is worth paying).
MAX_TEXTS = 64

_LIMIT_CHAR = chr(LIMIT)
_S = r"\t\n\f\r "  # RE2's \s
_ASCII = {"d": "0-9", "w": "0-9A-Za-z_", "s": _S}


class _Unsupported(ValueError):
    """RE2 syntax this translation does not handle: the call goes to pyarrow."""


@lru_cache(maxsize=1)
def _unicode_classes() -> dict[str, str]:
    """``\\pL`` and ``\\pN`` as RE2 (inside pyarrow) sees them below :data:`LIMIT`, as class contents."""
    chars = pa.array([chr(c) for c in range(LIMIT)], type=pa.large_string())
    out = {}
    for name in ("L", "N"):
        found = pc.match_substring_regex(chars, rf"^\p{name}$").to_numpy(zero_copy_only=False)
        out[name] = _ranges(np.flatnonzero(found))
    return out


def _ranges(points: np.ndarray) -> str:
    """Sorted code points as character-class contents (``\\u0041-\\u005a...``)."""
    if len(points) == 0:
        return ""
    breaks = np.flatnonzero(np.diff(points) != 1)
    starts = np.concatenate([points[:1], points[breaks + 1]]).tolist()
    ends = np.concatenate([points[breaks], points[-1:]]).tolist()
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in zip(starts, ends, strict=True))


def _escape_item(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """The Python form of the escape at ``pattern[i]`` (a backslash) and the index after it."""
    if i + 1 >= len(pattern):
        raise _Unsupported("trailing backslash")
    ch = pattern[i + 1]
    if ch == "p" and i + 2 < len(pattern) and pattern[i + 2] in "LN":
        body = _unicode_classes()[pattern[i + 2]]
        return (body if in_class else f"[{body}]"), i + 3
    if ch in _ASCII:
        return (_ASCII[ch] if in_class else f"[{_ASCII[ch]}]"), i + 2
    if ch in "DWS" and not in_class:
        return f"[^{_ASCII[ch.lower()]}]", i + 2
    if ch == "b" and not in_class:
        return r"\b", i + 2  # compiled with re.ASCII: an ASCII word boundary, as in RE2
    if ch == "z" and not in_class:
        return r"\Z", i + 2
    if ch == "A" and not in_class:
        return r"\A", i + 2
    if ch in "ntrfv":
        return "\\" + ch, i + 2  # control characters: the same in both
    if ch.isascii() and not ch.isalnum():
        return "\\" + ch, i + 2  # an escaped punctuation character: the same in both
    if ch.isdigit() and not in_class and ch != "0":
        raise _Unsupported("back-references are not RE2")
    raise _Unsupported(f"escape \\{ch}")


@lru_cache(maxsize=256)
def python_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` (RE2 syntax) compiled for Python's ``re`` with RE2's meaning (module docstring)."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            piece, i = _escape_item(pattern, i, in_class)
            out.append(piece)
            continue
        if in_class:
            if ch == "[":
                raise _Unsupported("nested class or [:alpha:]")
            in_class = ch != "]" or out[-1] in ("[", "[^")
            out.append(ch)
        elif ch == "[":
            in_class = True
            if pattern.startswith("[^", i):
                out.append("[^")
                i += 2
                continue
            out.append("[")
        elif ch == "$":
            out.append(r"\Z")
        elif ch == "(" and pattern.startswith("(?", i) and not pattern.startswith(("(?:", "(?P<"), i):
            raise _Unsupported("flags and other group kinds")
        elif ch == "{" and pattern.startswith("{,", i):
            raise _Unsupported("{,n} is a literal in RE2, a repetition in Python")
        elif ch == "+" and out and out[-1][-1:] in ("*", "+", "?", "}"):
            raise _Unsupported("possessive repetition")
        else:
            out.append(ch)
        i += 1
    return re.compile("".join(out), re.ASCII)


def _runs_here(arr: pa.Array, pattern: str) -> list[str | None] | None:
    """The strings of ``arr`` when Python's ``re`` may run this call, else None (pyarrow runs it)."""
    if not isinstance(arr, pa.Array) or len(arr) > MAX_TEXTS:
        return None
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    values = arr.to_pylist()
    for v in values:
        if v is not None and v and (len(v) > MAX_CHARS or max(v) >= _LIMIT_CHAR):
            return None
    try:
        python_pattern(pattern)
    except (_Unsupported, re.error):
        return None
    return values


def match_substring_regex(arr: pa.Array, pattern: str) -> pa.Array:
    """``pyarrow.compute.match_substring_regex(arr, pattern)``: does each string contain a match?"""
    values = _runs_here(arr, pattern)
    if values is None:
        return pc.match_substring_regex(arr, pattern)
    search = python_pattern(pattern).search
    return pa.array([None if v is None else search(v) is not None for v in values], type=pa.bool_())


def replace_substring_regex(arr: pa.Array, pattern: str, replacement: str) -> pa.Array:
    """``pyarrow.compute.replace_substring_regex(arr, pattern, replacement)``: every match replaced."""
    values = _runs_here(arr, pattern)
    rewrite = _rewrite(replacement) if values is not None else None
    compiled = python_pattern(pattern) if rewrite is not None else None
    if values is None or rewrite is None or compiled is None or max(g for _, g in rewrite) > compiled.groups:
        return pc.replace_substring_regex(arr, pattern, replacement)
    return pa.array([None if v is None else _global_replace(compiled, v, rewrite) for v in values], type=arr.type)


def extract_regex(arr: pa.Array, pattern: str) -> pa.Array:
    """``pyarrow.compute.extract_regex(arr, pattern)``: the named groups of the first match, as a struct
    (null where nothing matched; ``""`` for a group that did not take part)."""
    values = _runs_here(arr, pattern)
    compiled = python_pattern(pattern) if values is not None else None
    if values is None or compiled is None or not compiled.groupindex or compiled.groups != len(compiled.groupindex):
        return pc.extract_regex(arr, pattern)
    names = list(compiled.groupindex)
    columns: list[list[str]] = [[] for _ in names]
    valid = []
    for v in values:
        m = compiled.search(v) if v is not None else None
        valid.append(m is not None)
        for column, name in zip(columns, names, strict=True):
            column.append((m.group(name) or "") if m is not None else "")
    children = [pa.array(c, type=arr.type) for c in columns]
    return pa.StructArray.from_arrays(children, names=names, mask=pa.array(np.logical_not(valid), type=pa.bool_()))


_Rewrite = tuple[tuple[str, int], ...]  # (literal, group) pieces; group -1: none


@lru_cache(maxsize=256)
def _rewrite(replacement: str) -> _Rewrite | None:
    """RE2's rewrite string as pieces, or None for one RE2 would refuse (pyarrow raises then)."""
    pieces: list[tuple[str, int]] = []
    literal: list[str] = []
    i = 0
    while i < len(replacement):
        ch = replacement[i]
        if ch != "\\":
            literal.append(ch)
            i += 1
            continue
        nxt = replacement[i + 1 : i + 2]
        if nxt == "\\":
            literal.append("\\")
        elif nxt.isdigit() and nxt.isascii():
            pieces.append(("".join(literal), int(nxt)))
            literal = []
        else:
            return None
        i += 2
    pieces.append(("".join(literal), -1))
    return tuple(pieces)


def _global_replace(compiled: re.Pattern[str], text: str, rewrite: _Rewrite) -> str:
    """RE2's ``GlobalReplace``: leftmost matches left to right, no empty match right after a match."""
    out: list[str] = []
    p, last_end, n = 0, -1, len(text)
    group: Callable[[int], str | None]
    while p <= n:
        m = compiled.search(text, p)
        if m is None:
            break
        start, end = m.span()
        out.append(text[p:start])
        if start == end and start == last_end:
            if p < n:
                out.append(text[p])
            p += 1
            continue
        group = m.group
        for literal, g in rewrite:
            out.append(literal)
            if g >= 0:
                out.append(group(g) or "")
        p = last_end = end
    out.append(text[p:])
    return "".join(out)
