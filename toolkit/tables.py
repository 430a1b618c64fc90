"""Table helpers every analysis shares: typed empty tables, the per-snippet loop, span-to-claim links.

Analyses used to write each of these themselves; the copies drifted (one reported progress, one
did not; one linked spans to claims through a cross join that grew with the square of a snippet's
claims). These are the one version. Nothing here keeps state between calls, so every helper is
safe to call from several threads and processes at once.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["empty_table", "iter_texts", "link_spans_to_claims", "snippet_ids", "string_column"]

#: How many progress reports a pass over the snippets makes at most (plus the final 1.0).
PROGRESS_STEPS = 20


def empty_table(columns: Mapping[str, str]) -> pd.DataFrame:
    """A table with ``columns`` (``{name: dtype}``, in that order), their dtypes, and no rows.

    An analysis that finds nothing returns this rather than ``pd.DataFrame()``, so the result's
    tables keep one schema whatever the input (and concatenating partitions keeps the dtypes).
    """
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})


def string_column(values: Sequence[object]) -> pd.api.extensions.ExtensionArray:
    """``values`` (strings and missing values: None, NA, NaN) as a ``string`` column, straight through
    Arrow: 2-3x cheaper than ``pd.array(values, dtype="string")``, which checks and converts each value
    in Python (~0.03 CPU-s per 100k snippets for the timeline's columns alone). Anything Arrow will
    not take as a string (a number) goes pandas' way, so the result is always that of
    ``pd.array(values, dtype="string")``."""
    try:
        return pd.array(pa.array(values, type=pa.large_string(), from_pandas=True), dtype="string")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.array(values, dtype="string")


def snippet_ids(frame: pd.DataFrame) -> list[str]:
    """The frame's index labels as a plain list of strings (the ids every result table carries).

    ``.tolist()`` first: iterating an Arrow-backed index builds one scalar per label, about six
    times slower on the hot paths that loop over every snippet.
    """
    return [label if isinstance(label, str) else str(label) for label in frame.index.tolist()]


def iter_texts(frame: pd.DataFrame, progress: Callable[[float], None] | None = None) -> Iterator[tuple[str, str]]:
    """``(snippet_id, text)`` for every snippet of ``frame`` that has text, in frame order.

    ``snippet_id`` is the frame's index label as a string (the id the result tables carry).
    Missing text (``NA``, ``None``, not a string) and empty text are skipped: there is nothing to
    find in them. The loop runs over plain Python lists (pandas' per-row access costs more than
    most extractors). ``progress``, when given, receives fractions in [0, 1]: at most
    :data:`PROGRESS_STEPS` reports as the loop advances, then ``1.0`` once it is done (pass
    ``context.progress``, or scale it: ``lambda f: context.progress(0.9 * f)``).
    """
    ids = snippet_ids(frame)
    texts = frame["text"].tolist() if "text" in frame.columns else [None] * len(ids)
    n = len(ids)
    step = max(1, n // PROGRESS_STEPS)
    for i, (snippet_id, text) in enumerate(zip(ids, texts, strict=True)):
        if progress is not None and i and i % step == 0:
            progress(i / n)
        if isinstance(text, str) and text:
            yield snippet_id, text
    if progress is not None:
        progress(1.0)


def link_spans_to_claims(
    spans: pd.DataFrame,
    claims: pd.DataFrame,
    *,
    start: str = "content_start",
    end: str = "content_end",
) -> pd.Series:
    """The ``claim_id`` of the innermost claim whose content span holds each span.

    ``spans`` has ``snippet_id``, ``start``, ``end`` (offsets into the snippet's text, e.g. a
    figure or a date); ``claims`` has ``snippet_id``, ``claim_id`` and the claim's span columns
    (``start``/``end`` name them: ``content_start``/``content_end`` by default). A claim holds a
    span when ``claim_start <= span.start`` and ``span.end <= claim_end`` in the same snippet;
    among several, the narrowest wins (a quote nested in a report holds its own figures), then the
    one listed first in ``claims``. Rows with a missing offset link to nothing.

    Returns a ``string`` Series aligned with ``spans`` (``NA`` where no claim holds the span); map
    other claim columns through it (``claim_id.map(claims.set_index("claim_id")["speaker"])``).

    Cost: one sort of each table, then one sweep over both keeping only the claims that cover the
    current position — O((n + m) log(n + m) + n * d) time for d claims covering a span's start
    (the nesting depth, a handful), O(n + m) memory. No per-snippet cross join.
    """
    _require(spans, ("snippet_id", "start", "end"), "spans")
    _require(claims, ("snippet_id", "claim_id", start, end), "claims")
    both = pd.concat([spans["snippet_id"], claims["snippet_id"]], ignore_index=True).astype("string")
    codes = pd.factorize(both)[0]  # one integer per snippet id, -1 for a missing one
    n = len(spans)
    holders = _sweep(
        _sorted(codes[:n], spans["start"], spans["end"]), _sorted(codes[n:], claims[start], claims[end]), n
    )
    claim_ids = claims["claim_id"].astype("string").array
    return pd.Series(claim_ids.take(holders, allow_fill=True), index=spans.index, name="claim_id")


class _Sorted(NamedTuple):
    """The rows of a table that have a snippet and both offsets, as plain lists sorted by snippet, start, end."""

    code: list[int]
    lo: list[float]
    hi: list[float]
    row: list[int]  # position of the row in its table


def _require(table: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"link_spans_to_claims: {name} has no column {', '.join(map(repr, missing))}")


def _sorted(codes: np.ndarray, starts: pd.Series, ends: pd.Series) -> _Sorted:
    lo = pd.to_numeric(starts, errors="coerce").astype("float64").to_numpy()
    hi = pd.to_numeric(ends, errors="coerce").astype("float64").to_numpy()
    rows = np.flatnonzero((codes >= 0) & ~np.isnan(lo) & ~np.isnan(hi))
    rows = rows[np.lexsort((rows, hi[rows], lo[rows], codes[rows]))]
    return _Sorted(codes[rows].tolist(), lo[rows].tolist(), hi[rows].tolist(), rows.tolist())


def _sweep(spans: _Sorted, claims: _Sorted, n: int) -> np.ndarray:
    """For each of the ``n`` spans, the row of its innermost holding claim (-1: none).

    One pass over both sorted lists: a claim becomes active once the sweep reaches its start and
    is retired (by a heap on its end) once the sweep passes its end; a span compares only the
    active claims, those covering its start.
    """
    holder = [-1] * n
    active: dict[int, tuple[float, float]] = {}  # row -> (width, end)
    by_end: list[tuple[float, int]] = []  # heap of (end, row) of the active claims
    c_code, c_lo, c_hi, c_row = claims  # plain local lists: this loop is the hot path
    current, k, n_claims = -1, 0, len(c_code)
    for code, s, e, position in zip(spans.code, spans.lo, spans.hi, spans.row, strict=True):
        if code != current:  # a new snippet: nothing of the last one stays active
            current = code
            active.clear()
            by_end.clear()
            while k < n_claims and c_code[k] < code:
                k += 1
        while k < n_claims and c_code[k] == code and c_lo[k] <= s:
            active[c_row[k]] = (c_hi[k] - c_lo[k], c_hi[k])
            heapq.heappush(by_end, (c_hi[k], c_row[k]))
            k += 1
        while by_end and by_end[0][0] < s:  # ends before this span starts, so before every later one
            del active[heapq.heappop(by_end)[1]]
        if active:
            best = min(((width, row) for row, (width, c_end) in active.items() if c_end >= e), default=None)
            if best is not None:
                holder[position] = best[1]
    return np.array(holder, dtype=np.int64)
