"""What a chunk of texts may hold, found in one pass per question over the whole chunk (Arrow, RE2).

The engine (:mod:`toolkit_figures.extract`) reads one text at a time with Python's ``re``: for
every text it lower-cases it and scans it for number words, and for every text with a digit it
scans for dates, times and codes (bad spans). Most texts hold none of these, and those scans cost
a few microseconds per text. Here each question is asked once for a chunk of texts, by RE2 through
``pyarrow.compute`` (C++, linear time): the answer per text is a set of bits, and the engine skips
a scan whose bit is off.

Each hint is a **necessary condition** of what it guards (a text without the bit cannot give the
scan a match), so skipping changes no result; ``tests/test_figures_hints.py`` checks it on
generated texts. Hints are given only for ASCII texts, where RE2's ``\\d``, ``\\b`` and case-folding
are exactly Python's; any other text gets :data:`ALL` (nothing skipped).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from toolkit_figures.lexicon import Lexicon

#: The text holds an ASCII digit (and the hints say where its last one is: :func:`last_digit`).
DIGITS = 1
#: The text may hold a number word, a vague quantity or "full" (``patterns._word_re``, ``_FULL_UNIT``).
WORDS = 2
#: The text may hold a bad span of ``patterns._BAD`` (date, time, phone number, ordinal, decade, code).
BAD = 4
#: The text holds "minus" or "negative" (any case).
SIGNS = 8
#: The text may hold a URL, an e-mail address or a domain (``patterns._WEB_HINT``).
WEB = 16
#: Every bit on: nothing is skipped (a text hints were not computed for).
ALL = DIGITS | WORDS | BAD | SIGNS | WEB
#: Above the five bits: one more than the offset of the text's last ASCII digit (0: not known).
LAST_DIGIT_SHIFT = 5


def last_digit(hints: int) -> int:
    """The offset of the text's last digit, -1 when the hints do not say (no digit, or no hints)."""
    return (hints >> LAST_DIGIT_SHIFT) - 1


#: What every ``patterns._BAD`` alternative holds next to its digits, in RE2 syntax (ASCII text):
#: two separators between digits (dates, IP addresses, phone numbers; one "." is a decimal, not
#: enough), ":" or "-" between digits (times, "2014-05"), "am"/"pm", an ordinal suffix, a decade's
#: "0s", a quote before digits, a letter (and a hyphen) glued before digits, letters then digits
#: after digits, "+" or "(" before digits. No alternative ends in ``\b`` or a look-ahead: the
#: engine scans only up to a limit, where those can hold inside a longer word.
_BAD_HINT = (
    r"\d[/.\-]\d+[/.\-]\d|\d[:\-]\d|\d[ \t]?[ap]\.?m|\d[ \t]?(?:st|nd|rd|th)|0['’]?s|['’]\d|[A-Za-z][-‐‑]?\d"
    r"|\d[A-Za-z]+\d|[+(]\d"
)

_SIGN_HINT = "(?i)minus|negative"

#: ``patterns._WEB_HINT`` without its closing ``\b`` (the engine searches only up to a limit, where
#: ``\b`` can hold inside a longer word).
_WEB_HINT = r"://|www\.|@|\.(?:com|org|net|gov|edu|int|mil|io|co|uk|info|biz|ly|me|tv)"

#: The vague and other words a number-word match can be made of besides the lexicon's number words
#: (``patterns._word_re``: "tens of", "several hundred", "score of", "point five"; ``_FULL_UNIT``).
_OTHER_WORDS = ("tens", "dozens", "scores", "hundreds", "thousands", "millions", "billions", "trillions",
                "several", "few", "hundred", "score", "point", "full")  # fmt: skip


@lru_cache(maxsize=8)
def word_hint(lex: Lexicon) -> str:
    """An RE2 pattern found in every ASCII text where the number-word pattern finds a match: each
    such match holds one of these words starting at a word boundary (a match starts after a
    non-word character with a number word, a vague word, "several", "score", "point", or "a"/"an"
    before a scale word, which itself starts after white space or a hyphen)."""
    words = {*lex.ones, *lex.tens, *lex.scales, *lex.dozen, *lex.fractions, *_OTHER_WORDS}
    return r"(?i)\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))) + ")"


def text_hints(texts: list[str], lex: Lexicon) -> list[int]:
    """The hint bits of each text (:data:`ALL` for a non-ASCII text, or for all when Arrow cannot
    take the texts, e.g. a lone surrogate)."""
    try:
        arr = pa.array(texts, type=pa.large_string())
    except (pa.ArrowException, UnicodeError, TypeError):
        return [ALL] * len(texts)
    ascii_ = pc.string_is_ascii(arr).to_pylist()
    # where the last digit is (the leftmost digit with no digit after it; -1: none; an ASCII text's
    # byte offsets are its character offsets)
    lasts = pc.find_substring_regex(arr, r"\d\D*$").to_pylist()
    words = pc.match_substring_regex(arr, word_hint(lex)).to_pylist()
    bad = pc.match_substring_regex(arr, _BAD_HINT).to_pylist()
    signs = pc.match_substring_regex(arr, _SIGN_HINT).to_pylist()
    web = pc.match_substring_regex(arr, _WEB_HINT).to_pylist()
    return [
        (DIGITS * (d >= 0) | WORDS * w | BAD * b | SIGNS * s | WEB * u | (d + 1) << LAST_DIGIT_SHIFT) if a else ALL
        for a, d, w, b, s, u in zip(ascii_, lasts, words, bad, signs, web, strict=True)
    ]


#: Texts per Arrow call: large enough that the per-call cost vanishes (hints for the 100k bench
#: pile: 0.16 CPU-s in chunks of 2,048, 0.13 in chunks of 8,192), small enough that the chunk's
#: copy stays around a megabyte.
CHUNK = 8192


def hinted(items: Iterable[tuple[str, str]], lex: Lexicon, chunk: int = CHUNK) -> Iterator[tuple[str, str, int]]:
    """``(key, text, hints)`` for each ``(key, text)`` of ``items``, in order, hints computed per
    chunk (the items are read lazily, one chunk ahead)."""
    batch: list[tuple[str, str]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= chunk:
            yield from _with_hints(batch, lex)
            batch = []
    if batch:
        yield from _with_hints(batch, lex)


def _with_hints(batch: list[tuple[str, str]], lex: Lexicon) -> Iterator[tuple[str, str, int]]:
    for (key, text), bits in zip(batch, text_hints([t for _, t in batch], lex), strict=True):
        yield key, text, bits
