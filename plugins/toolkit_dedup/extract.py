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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa

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
    keys = norm.keys.to_pylist()
    figs = number_masks(keys, norm.cut_off)
    columns = {
        KEY: string_array(norm.keys),
        CUT: norm.cut_off,
        TAIL: string_array(norm.tail),
        BODY: string_array(norm.body_keys),
        FIG0: figs[:, 0].view(np.int64),
        FIG1: figs[:, 1].view(np.int64),
    }
    if signatures:
        columns[SIG] = signature_column(norm, keys, shingle=shingle, num_perm=num_perm, seed=seed)
    return pd.DataFrame(columns, index=texts.index)


def string_array(values: pa.Array) -> pd.api.extensions.ExtensionArray:
    """Arrow strings as a pandas ``string`` array without a round trip through Python objects
    (``pd.array(values.to_pylist(), dtype="string")`` holds the same, ten times slower)."""
    return pd.arrays.ArrowStringArray(
        values if pa.types.is_large_string(values.type) else values.cast(pa.large_string())
    )


def signature_column(
    norm: Normalised, keys: Sequence[str | None], *, shingle: int, num_perm: int, seed: int
) -> np.ndarray:
    """MinHash signatures as bytes, computed once per distinct key (None for repeats and empty keys)."""
    out = np.full(len(keys), None, dtype=object)
    first: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k and k not in first:
            first[k] = i
    rows = np.fromiter(first.values(), dtype=np.int64, count=len(first))
    if len(rows) == 0:
        return out
    sig, _ = minhash.signatures(norm.keys.take(pa.array(rows)), num_perm=num_perm, k=shingle, seed=seed, chunk=10_000)
    out[rows] = [row.tobytes() for row in sig]
    return out


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
