"""The per-snippet engine of dedup and stories: what grouping needs to know about each text.

Everything here depends on one snippet alone, so it runs on any partition of a collection (the
``extract`` half of the analyses) and on a plain string::

    from toolkit_dedup.extract import extract
    extract("UPDATE 1-Quake toll rises to 69 - Reuters")
    # SnippetFeatures(key='quake toll rises to 69', cut_off=False, words=5, figures=(...), ...)

Per snippet: the normalised key (:mod:`toolkit_dedup.normalize`), whether it was cut off, the
figures it holds as two 64-bit sets (:mod:`toolkit_dedup.numbers`), its MinHash signature over
character shingles of the key (:mod:`toolkit_dedup.minhash`) and the story terms (content words,
capitalised names and name pairs) the ``stories`` grouping weighs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit import arrow_regex as rx
from toolkit_dedup import minhash
from toolkit_dedup.normalize import Normalised, normalise, read_data_lines
from toolkit_dedup.numbers import key_masks, number_masks

#: Private snippet columns the ``dedup`` extract half returns (``combine`` reads them back).
KEY, CUT, TAIL, BODY, FIG0, FIG1, SIG = (
    "_dedup_key",
    "_dedup_cut",
    "_dedup_tail",
    "_dedup_body",
    "_dedup_fig0",
    "_dedup_fig1",
    "_dedup_sig",
)
#: Private snippet column of the ``stories`` extract half: the snippet's terms, space-separated.
TERMS = "_stories_terms"

# A word: letters with inner apostrophes or hyphens ("Korea's", "al-Assad"); linear (no nesting).
_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’\-][^\W\d_]+)*")
_ENDS = frozenset('.!?:;"“”')  # sentence-ending punctuation before a word that opens a sentence


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Function and reporting words that say nothing about which event a text reports."""
    return frozenset(read_data_lines("stopwords.txt"))


@dataclass(frozen=True)
class SnippetFeatures:
    """What dedup and stories know about one text (see the module docstring)."""

    key: str | None
    cut_off: bool
    words: int
    figures: tuple[int, int]
    signature: np.ndarray
    terms: tuple[str, ...]


def extract(text: str | None, *, shingle: int = 5, num_perm: int = 128, seed: int = 1) -> SnippetFeatures:
    """The features of one plain string, as the analyses compute them for a snippet."""
    norm = normalise([text])
    key = norm.keys[0].as_py()
    cut = bool(norm.cut_off[0])
    sig, _ = minhash.signatures(norm.keys, num_perm=num_perm, k=shingle, seed=seed)
    return SnippetFeatures(
        key=key,
        cut_off=cut,
        words=int(norm.n_words[0]),
        figures=key_masks(key, cut) if key else (0, 0),
        signature=sig[0],
        terms=tuple(story_terms(text)) if text else (),
    )


def dedup_columns(
    texts: pd.Series,
    *,
    outlets: Iterable[str],
    agencies: Iterable[str],
    signatures: bool,
    shingle: int,
    num_perm: int,
    seed: int,
) -> pd.DataFrame:
    """The private per-snippet columns of the ``dedup`` extract half, indexed like ``texts``."""
    norm = normalise(texts, outlets=outlets, agencies=agencies)
    figs = figure_masks(norm)
    columns = {
        KEY: string_array(norm.keys),
        CUT: norm.cut_off,
        TAIL: string_array(norm.tail),
        BODY: string_array(norm.body_keys),
        FIG0: figs[:, 0].view(np.int64),
        FIG1: figs[:, 1].view(np.int64),
    }
    if signatures:
        columns[SIG] = signature_column(norm, shingle=shingle, num_perm=num_perm, seed=seed)
    return pd.DataFrame(columns, index=texts.index)


def string_array(values: pa.Array) -> pd.api.extensions.ExtensionArray:
    """Arrow strings as a pandas ``string`` array without a round trip through Python objects
    (``pd.array(values.to_pylist(), dtype="string")`` holds the same, ten times slower)."""
    return pd.arrays.ArrowStringArray(
        values if pa.types.is_large_string(values.type) else values.cast(pa.large_string())
    )


def figure_masks(norm: Normalised) -> np.ndarray:
    """:func:`~toolkit_dedup.numbers.number_masks` of the keys, read in Python only for the keys
    holding a digit (the others have no figures): no Python string for the rest of a large pile."""
    masks = np.zeros((len(norm.keys), 2), dtype=np.uint64)
    has_digit = pc.fill_null(rx.match_substring_regex(norm.keys, "[0-9]"), False)
    rows = np.flatnonzero(np.asarray(has_digit.to_numpy(zero_copy_only=False), dtype=bool))
    if len(rows):
        masks[rows] = number_masks(norm.keys.take(pa.array(rows)).to_pylist(), norm.cut_off[rows])
    return masks


#: Signatures are computed, and turned into bytes, this many distinct keys at a time.
_SIGNATURE_CHUNK = 10_000


def signature_column(norm: Normalised, *, shingle: int, num_perm: int, seed: int) -> np.ndarray:
    """MinHash signatures as bytes, computed once per distinct key (None for repeats and empty keys).

    A key's row is its first occurrence. Signatures are made a chunk of keys at a time, so only
    the bytes (not a second copy as one matrix) stay for the whole pile.
    """
    keys = norm.keys
    out = np.full(len(keys), None, dtype=object)
    rows = _first_rows(keys)
    for lo in range(0, len(rows), _SIGNATURE_CHUNK):
        part = rows[lo : lo + _SIGNATURE_CHUNK]
        sig, _ = minhash.signatures(keys.take(pa.array(part)), num_perm=num_perm, k=shingle, seed=seed)
        out[part] = [row.tobytes() for row in sig]
    return out


def _first_rows(keys: pa.Array) -> np.ndarray:
    """The row of each distinct non-empty key's first occurrence, ascending."""
    codes = pd.factorize(pd.arrays.ArrowStringArray(keys), use_na_sentinel=True)[0]
    codes = np.where(pc.fill_null(pc.binary_length(keys), 0).to_numpy(zero_copy_only=False) > 0, codes, -1)
    present = np.flatnonzero(codes >= 0)
    first = np.full(int(codes.max(initial=-1)) + 1, len(keys), dtype=np.int64)
    np.minimum.at(first, codes[present], present)
    return np.sort(first[first < len(keys)])


def story_terms(text: str) -> list[str]:
    """The terms of a text that tell one event from another, lower-cased.

    Content words (stop words and one- or two-letter words dropped, a plural or possessive "s"
    cut off), every capitalised word that does not open a sentence marked ``@name`` (unstemmed,
    possessive dropped; names weigh twice: once as a word, once as a name), and adjacent
    capitalised words joined as one ``@first_second`` term ("Tim Cook" is rarer than "Tim" or "Cook").
    """
    return _story_terms(text, {})


#: Per word: its name form (lower case, possessive dropped) and its content-word stem, or None
#: when the word is a stop word or too short to count.
_WordInfo = tuple[str, "str | None"]


def _word_info(word: str, stop: frozenset[str]) -> _WordInfo:
    name = _possessive(word.lower())
    low = _stem(name)
    return name, (None if low in stop or len(low) < 3 else low)


def _story_terms(text: str, seen: dict[str, _WordInfo]) -> list[str]:
    """:func:`story_terms` with a memo of word forms (per call of the caller, never shared)."""
    stop = stop_words()
    terms: list[str] = []
    prev_name = ""
    prev_end = 0
    for m in _WORD.finditer(text):
        word = m.group()
        start = m.start()
        gap_start, prev_end = prev_end, m.end()
        info = seen.get(word)
        if info is None:
            info = seen[word] = _word_info(word, stop)
        name, low = info
        if low is None:
            prev_name = ""
            continue
        terms.append(low)
        if word[0].isupper() and not _opens_sentence(text, start):
            terms.append("@" + name)
            if prev_name and text[gap_start:start].strip() == "":
                terms.append(f"@{prev_name}_{name}")
            prev_name = name
        else:
            prev_name = ""
    return terms


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens the text or follows a sentence end within 3 characters
    (punctuation then only whitespace: the same test as ``[.!?:;"“”]\\s*$`` on that window)."""
    if start == 0:
        return True
    window = text[max(0, start - 3) : start].rstrip()
    return bool(window) and window[-1] in _ENDS


def _possessive(word: str) -> str:
    """Drop a possessive: "korea's" -> "korea"."""
    for tail in ("'s", "’s"):
        if word.endswith(tail):
            return word[: -len(tail)]
    return word


def _stem(word: str) -> str:
    """A light stem for content words: a plural "s" dropped ("talks" -> "talk"); names keep theirs."""
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def terms_column(texts: pd.Series) -> pd.Series:
    """The ``stories`` extract half: every snippet's terms, space-separated (NA for missing text)."""
    values = texts.astype("string").to_numpy(dtype=object, na_value=None).tolist()
    seen: dict[str, _WordInfo] = {}  # word forms, for this call only
    out = [" ".join(_story_terms(t, seen)) if t else None for t in values]
    return pd.Series(pd.array(out, dtype="string"), index=texts.index, name=TERMS)
