"""Column-wide RE2 scans that spare the per-text Python cue scan most of its work.

Python's ``re`` reads a text at tens of nanoseconds a character; RE2 (pyarrow's regex engine)
reads the whole column at a few. RE2 has no look-behind and a narrower ``\\w`` than Python's, so
it cannot give the cue matches themselves, but it can give a *superset*: the lexicon's
:attr:`~toolkit_attribution.lexicon.Lexicon.cue_prefilter` matches wherever ``cue_re`` does. Two
uses, both exact:

* :func:`may_claim` — a text with no prefilter match and no quote mark gives no claim, so the
  extractor never reads it;
* :func:`cue_regions` — where in a text the prefilter matched. RE2 reports leftmost, non-overlapping
  matches; every position where ``cue_re`` matches is a prefilter match position, so it lies inside
  one of the reported spans (the scan reaches it, or a match that started before it covers it).
  :func:`find_cues` then runs Python's ``cue_re.search`` from the first span at or after where it
  stands, skipping the stretches between spans, where no cue can start: the same matches as
  ``cue_re.finditer`` (a search's look-behind reads the text before its start, so a match found
  from a later start is the one found from an earlier one).

When RE2 refuses the pattern (a user's cue with a construct it lacks) or Arrow a text (a lone
surrogate cannot be UTF-8), those texts are read whole, the old way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import accumulate

import pyarrow as pa
import pyarrow.compute as pc

from toolkit_attribution.lexicon import Lexicon

#: The quote marks a claim without a cue needs (as the extractor pairs them), as an RE2 alternative.
QUOTE_MARKS = '|["“”«»„‟‘]'
#: Put around each prefilter match by the RE2 replace; a text holding it is read whole.
MARK = "\x00"
#: The spans a text's prefilter matches cover: ``(starts, ends)``, ascending; None: read it whole.
Regions = tuple[Sequence[int], Sequence[int]] | None
#: The spans of a text with no match (shared, read-only).
NO_SPANS: Regions = ((), ())
_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeEncodeError)


def may_claim(texts: list[str], lex: Lexicon) -> list[bool]:
    """For each text: can it hold a claim at all (a cue word or a quote mark somewhere)?

    One vectorised RE2 scan of the whole column (:attr:`Lexicon.cue_prefilter`, a superset of the
    cue matches, or a quote mark), far cheaper than the extractor's per-text cue scan; a text it
    rules out gives no claims from :meth:`Extractor.extract` either (no cue, no quote), so skipping
    it changes nothing. When RE2 cannot take the pattern (a user's cue with a character it
    refuses) or Arrow a text (a lone surrogate cannot be UTF-8), every text is read.
    """
    if not texts:
        return []
    try:
        found = pc.match_substring_regex(pa.array(texts, type=pa.large_string()), lex.cue_prefilter + QUOTE_MARKS)
    except _ARROW_ERRORS:
        return [True] * len(texts)  # a refused pattern, or a text Arrow cannot hold (a lone surrogate)
    return [bool(flag) for flag in found.to_pylist()]


def cue_regions(texts: list[str], lex: Lexicon) -> list[Regions]:
    """For each text, the spans of its prefilter matches (see the module's docstring)."""
    return re2_spans(texts, lex.cue_prefilter)


def re2_rows(texts: list[str], pattern: str) -> list[int] | None:
    """The positions of the texts an RE2 ``pattern`` matches somewhere (one vectorised pass), or None
    when RE2 refuses the pattern or Arrow a text (a lone surrogate): the caller reads them all."""
    if not texts:
        return []
    try:
        hits = pc.match_substring_regex(pa.array(texts, type=pa.large_string()), pattern)
    except _ARROW_ERRORS:
        return None
    return pc.indices_nonzero(hits).to_pylist()


def re2_spans(texts: list[str], pattern: str, sparse: bool = False) -> list[Regions]:
    """For each text, the spans of the leftmost, non-overlapping matches of an RE2 ``pattern``.

    One RE2 replace over the column puts :data:`MARK` on both sides of every match; the lengths
    of the pieces between marks are the spans' offsets (in characters, as Python counts them).
    None for a text that holds the mark itself, and for every text when RE2 refuses the pattern
    or Arrow a text: the caller reads those the Python way. ``sparse`` (few texts match): an RE2
    match pass first, and only the matching texts are marked and read back into Python.
    """
    if not texts:
        return []
    try:
        column = pa.array(texts, type=pa.large_string())
        rows = list(range(len(texts)))
        if sparse:
            rows = pc.indices_nonzero(pc.match_substring_regex(column, pattern)).to_pylist()
            column = column.take(pa.array(rows, type=pa.int64()))
        marked = pc.replace_substring_regex(column, "(?:" + pattern + ")", MARK + r"\0" + MARK).to_pylist()
    except _ARROW_ERRORS:
        return [None] * len(texts)
    out: list[Regions] = [NO_SPANS] * len(texts)
    for row, mk in zip(rows, marked, strict=True):
        if MARK in texts[row]:
            out[row] = None  # the text holds the mark itself: its pieces would not say where matches are
            continue
        offsets = list(accumulate(map(len, mk.split(MARK)), initial=0))
        out[row] = (offsets[1:-1:2], offsets[2::2])
    return out


def find_cues(cue_re: re.Pattern[str], text: str, regions: Regions) -> list[re.Match[str]]:
    """``list(cue_re.finditer(text))``, searching only from the spans of :func:`cue_regions`."""
    if regions is None:
        return list(cue_re.finditer(text))
    starts, ends = regions
    out: list[re.Match[str]] = []
    pos = 0
    i = 0
    n = len(starts)
    while True:
        while i < n and ends[i] <= pos:
            i += 1  # spans wholly before where the scan stands hold no further cue
        if i == n:
            return out  # no span left: no cue starts after ``pos``
        m = cue_re.search(text, max(pos, starts[i]))
        if m is None:
            return out
        out.append(m)
        pos = m.end()
