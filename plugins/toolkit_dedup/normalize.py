"""Text normalisation for matching: one vectorised pass in Arrow compute (RE2, linear time).

The normalised key keeps letters and digits only, lower-cased, one space between words, after
Unicode NFKC, with curly and straight apostrophes removed, wire boilerplate stripped at the start
("WASHINGTON, Sept 18 (Reuters) -", "UPDATE 1-", "BREAKING:"), outlet names stripped at the end
(" - Reuters", " | Fox News") and a trailing "..." with the word it cut off dropped.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit import arrow_regex as rx
from toolkit.text import read_lines

# Words that make a trailing " - Tail" an outlet name ("WSMV Channel 4", "Examiner.com", "Fox News").
_OUTLET_WORDS = (
    r"(?:^|[^\pL])(?:news|times|post|journal|tribune|herald|daily|gazette|press|radio|tv|channel"
    r"|telegraph|guardian|observer|examiner|reporter|chronicle|standard|independent|mail|express|star"
    r"|wire|network|magazine|media|online|today|insider|review|report|bulletin|dispatch|sentinel"
    r"|courier|record|register|monitor|digest|weekly|global|globe|mirror|sun|bbc|cnn|abc|cbs|nbc|fox)"
    r"(?:$|[^\pL])|\.(?:com|co\.uk|org|net|ca|in|au)\b"
)
_PREFIX_WORDS = (
    r"(?:update|updated|corrected|correction|refile|rpt|repeat|wrapup|exclusive|breaking news|breaking"
    r"|urgent|analysis|insight|factbox|explainer|live|watch|video|flash|alert|just in|developing|opinion"
    r"|editorial)"
)


def read_data_lines(name: str) -> list[str]:
    """The word list ``toolkit_dedup/data/<name>`` (the shared loader: comments and blanks dropped)."""
    return read_lines("toolkit_dedup", name)


_TAG = rf"\s*{_PREFIX_WORDS}(?:\s{{0,3}}\d{{1,2}})?\s{{0,3}}[-:–—|]+\s*"
_TAGS = rf"^(?:{_TAG}){{1,2}}"
_CUT_END = r"(?:\.\.\.|[,;:–—-])[\s\"'”’)\]]*$"


@lru_cache(maxsize=8)
def _dateline_pattern(agencies: tuple[str, ...]) -> str:
    """ "WASHINGTON, Sept 18 (Reuters) -" at the start of a lower-cased text (RE2, linear time)."""
    names = "|".join(re.escape(a.lower()) for a in sorted(set(agencies), key=lambda s: (-len(s), s)))
    return rf"^\s*(?:[^()\n]{{0,60}}?\s{{0,3}})?\((?:{names})\)\s{{0,3}}[-–—:]*\s*"


@dataclass(frozen=True)
class Normalised:
    """Normalised keys and flags, positionally aligned with the input texts."""

    keys: pa.Array  # large_string; "" for empty, null for NA text
    cut_off: np.ndarray  # bool: ends with "..." or a dangling comma, colon, dash
    is_na: np.ndarray  # bool
    n_words: np.ndarray  # int64, words in the key
    tail: pa.Array  # the " - Tail" a collection's own source list could strip (lower case), else null
    body_keys: pa.Array  # the key without that tail, else null


def default_outlets() -> list[str]:
    return read_data_lines("outlets.txt")


def default_agencies() -> list[str]:
    return read_data_lines("agencies.txt")


@lru_cache(maxsize=32)
def _name_lists(outlets: tuple[str, ...], agencies: tuple[str, ...]) -> tuple[tuple[str, ...], pa.Array]:
    """The agency names for the dateline pattern and the outlet names, the defaults with the user's
    additions (built once per list: a small run would otherwise spend ~0.2 ms re-reading them)."""
    agencies_t = tuple(sorted({a.strip() for a in (*default_agencies(), *agencies) if a and a.strip()}))
    outlet_set = sorted({o.strip().lower() for o in (*default_outlets(), *outlets) if o.strip()})
    return agencies_t, pa.array(outlet_set, type=pa.large_string())


def normalise(
    texts: pd.Series | Iterable[str | None],
    outlets: Iterable[str] = (),
    agencies: Iterable[str] = (),
) -> Normalised:
    """Normalise ``texts`` (a pandas Series or any iterable of str/None) for matching.

    Every text is normalised on its own, so a large collection goes through the passes in slices
    of :data:`_SLICE_TEXTS` to twice that many texts: each pass's buffers are then a few MB that the
    allocator reuses, where whole-column buffers were mapped afresh per pass (300,000 texts on the
    project's 2-core VM: 1.2-1.8 system CPU-s of page faults per run whole, 0.1-0.5 in slices; the
    same user time).
    """
    arr = arrow_strings(texts)
    agencies_t, outlet_set = _name_lists(tuple(o for o in outlets if isinstance(o, str)), tuple(agencies))
    n_slices = max(1, len(arr) // _SLICE_TEXTS)
    if n_slices == 1:
        return _normalise(arr, agencies_t, outlet_set)
    bounds = np.linspace(0, len(arr), n_slices + 1).astype(np.int64).tolist()
    parts = [_normalise(arr.slice(lo, hi - lo), agencies_t, outlet_set) for lo, hi in itertools.pairwise(bounds)]
    return Normalised(
        keys=pa.concat_arrays([p.keys for p in parts]),
        cut_off=np.concatenate([p.cut_off for p in parts]),
        is_na=np.concatenate([p.is_na for p in parts]),
        n_words=np.concatenate([p.n_words for p in parts]),
        tail=pa.concat_arrays([p.tail for p in parts]),
        body_keys=pa.concat_arrays([p.body_keys for p in parts]),
    )


#: :func:`normalise` works on slices of at least this many texts (far above the few dozen where
#: :mod:`toolkit.arrow_regex` runs Python's engine instead of RE2).
_SLICE_TEXTS = 50_000


def _normalise(arr: pa.Array, agencies_t: tuple[str, ...], outlet_set: pa.Array) -> Normalised:
    """:func:`normalise` of one Arrow ``large_string`` array."""
    is_na = np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    t = pc.utf8_normalize(arr, "NFKC")
    t = pc.utf8_trim_whitespace(t)
    # Cut off: a trailing ellipsis or a dangling comma/colon/semicolon/dash (closing quotes allowed).
    cut_off = rx.match_substring_regex(t, _CUT_END)
    # The last word is dropped when the ellipsis is glued to it ("announc...").
    glued = rx.match_substring_regex(t, r"[\pL\pN]\.\.\.[\s\"'”’)\]]*$")
    cut_np = np.asarray(pc.fill_null(cut_off, False).to_numpy(zero_copy_only=False), dtype=bool)
    # Only a text the cut-off test matched can lose a cut-off ending, only one with "(" a dateline.
    t = _on_rows(t, cut_np, lambda part: rx.replace_substring_regex(part, r"\s*" + _CUT_END, ""))
    t = pc.utf8_lower(t)
    t = rx.replace_substring_regex(t, _TAGS, "")  # "CORRECTED-UPDATE 2-" (up to two tags)
    dateline = _dateline_pattern(agencies_t)
    paren = np.asarray(pc.fill_null(pc.match_substring(t, "("), False).to_numpy(zero_copy_only=False), dtype=bool)
    t = _on_rows(t, paren, lambda part: rx.replace_substring_regex(part, dateline, ""))
    t, tail, body = _strip_outlet_suffix(t, outlet_set)
    glued_np = np.asarray(pc.fill_null(glued, False).to_numpy(zero_copy_only=False), dtype=bool)
    # The tails that only a collection's own source list would strip: their body is normalised too,
    # in the same passes, so the grouping step can choose per collection without reading texts again.
    has_tail = np.asarray(pc.is_valid(tail).to_numpy(zero_copy_only=False), dtype=bool)
    rows = np.flatnonzero(has_tail)
    both = pa.concat_arrays([t.cast(pa.large_string()), body.take(pa.array(rows)).cast(pa.large_string())])
    keys = _finish(both, np.concatenate([glued_np, glued_np[rows]]))
    main = keys.slice(0, len(t))
    body_keys = pa.nulls(len(t), pa.large_string())
    if len(rows):
        mask = np.zeros(len(t), dtype=bool)
        mask[rows] = True
        filled = np.zeros(len(t), dtype=np.int64)
        filled[rows] = np.arange(len(rows))
        body_keys = pc.if_else(pa.array(mask), keys.slice(len(t)).take(pa.array(filled)), body_keys)
    return Normalised(
        keys=main,
        cut_off=cut_np & ~is_na,
        is_na=is_na,
        n_words=word_counts(main),
        tail=tail,
        body_keys=body_keys,
    )


def _on_rows(t: pa.Array, rows: np.ndarray, replace: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``replace`` run on the texts where ``rows`` is true only, the others kept: for a regex pass
    that cannot change the others (a large collection then skips most of a full-column pass)."""
    if len(t) <= rx.MAX_TEXTS or rows.all():
        return replace(t)
    picked = np.flatnonzero(rows)
    if len(picked) == 0:
        return t
    done = replace(t.take(pa.array(picked)))
    where = np.zeros(len(t), dtype=np.int64)
    where[picked] = np.arange(len(picked))
    return pc.if_else(pa.array(rows), done.take(pa.array(where)), t)


def word_counts(keys: pa.Array) -> np.ndarray:
    """Words in each normalised key (0 for empty and null keys)."""
    n_words = pc.fill_null(pc.count_substring(keys, " "), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    lengths = pc.fill_null(pc.utf8_length(keys), 0).to_numpy(zero_copy_only=False)
    return np.where(lengths > 0, n_words + 1, 0)


#: Every run of characters that are neither letters nor digits, except a run that is one space:
#: replacing these by " " is replacing ``[^\pL\pN]+`` by " " (a lone space would become itself),
#: without RE2 stopping at every gap between two words — 2.8x faster on a news pile (0.28 -> 0.10
#: CPU-s per 100,000 texts). A run holding anything but spaces is taken whole by the first branch
#: (greedy on both sides of its last non-space), a run of spaces only by the second; neither
#: branch matches an empty string, so RE2's global replacement visits the same runs.
NOT_WORD_RUNS = r"[^\pL\pN]*[^\pL\pN ][^\pL\pN]*| {2,}"


def _finish(t: pa.Array, glued: np.ndarray) -> pa.Array:
    """Letters and digits only, one space between words; a word glued to a cut-off ellipsis dropped."""
    # "U.S." -> "us": drop the period after a one-letter word; apostrophes vanish ("Korea’s" -> "koreas").
    t = rx.replace_substring_regex(t, r"(^|[^\pL\pN])(\pL)\.", r"\1\2")
    t = rx.replace_substring_regex(t, r"['’‘‛`´ʼ]", "")
    t = rx.replace_substring_regex(t, NOT_WORD_RUNS, " ")
    t = pc.utf8_trim(t, " ")
    if glued.any():
        dropped = rx.replace_substring_regex(t, r"\s*[^ ]+$", "")
        t = pc.if_else(pa.array(glued), dropped, t)
    return t.cast(pa.large_string())


def arrow_strings(texts: pd.Series | Iterable[str | None]) -> pa.Array:
    """``texts`` as one ``large_string`` Arrow array (zero copy from pandas' Arrow strings; anything
    that is not a string is missing)."""
    if isinstance(texts, pd.Series):
        values = texts.array
        if hasattr(values, "_pa_array"):  # pandas ArrowStringArray: zero copy
            arr = values._pa_array
            arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        else:
            arr = pa.array([v if isinstance(v, str) else None for v in texts.astype(object)], type=pa.large_string())
    else:
        arr = pa.array([v if isinstance(v, str) else None for v in texts], type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.large_string())
    return arr


def _strip_outlet_suffix(t: pa.Array, outlet_set: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Strip a trailing " - Outlet" / " | Outlet" when the tail is a known outlet or looks like one.

    Returns the texts, and for the tails that would be stripped only if they named a known outlet
    (short, after a body of 3+ words) the tail (trimmed) and the body; null elsewhere.
    """
    parts = rx.extract_regex(t, r"^(?P<body>.*[^\s])\s+[-|–—:]+\s+(?P<tail>[^-|–—:]{1,60})$")
    body = pc.struct_field(parts, "body")
    tail = pc.struct_field(parts, "tail")
    tail_l = pc.utf8_trim_whitespace(tail)
    known = pc.is_in(tail_l, value_set=outlet_set)
    looks = rx.match_substring_regex(tail, _OUTLET_WORDS)
    short = pc.less_equal(pc.count_substring(tail_l, " "), 5)
    body_words = pc.greater_equal(pc.count_substring(pc.utf8_trim_whitespace(body), " "), 2)
    pipe = rx.match_substring_regex(t, r"\s\|\s[^|]{1,60}$")
    fits = pc.fill_null(pc.and_(short, body_words), False)
    strip = pc.fill_null(pc.and_(pc.or_(pc.or_(known, looks), pipe), fits), False)
    candidate = pc.and_(fits, pc.invert(strip))
    none = pa.nulls(len(t), pa.large_string())
    return (
        pc.if_else(strip, body, t),
        pc.if_else(candidate, tail_l.cast(pa.large_string()), none),
        pc.if_else(candidate, body.cast(pa.large_string()), none),
    )
