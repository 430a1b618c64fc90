"""A figure being built (:class:`Fig`), and the small rules that only touch one figure."""

from __future__ import annotations

import math
from typing import Any

#: The keys of a figure's dict (:meth:`Fig.as_dict`) and the order of its row (:meth:`Fig.as_row`).
FIGURE_KEYS = ("text", "value", "low", "high", "qualifier", "unit", "counted", "truncated", "start", "end", "kind",
               "counted_start", "counted_end")  # fmt: skip


class Fig:
    """A figure being built: spans in the original text, value, bounds, qualifier, unit."""

    __slots__ = (
        "core_end",
        "core_start",
        "counted",
        "counted_end",
        "counted_start",
        "end",
        "glued_left",
        "glued_right",
        "high",
        "kind",
        "low",
        "plain",
        "qualifier",
        "scale",
        "sep_thousands",
        "start",
        "truncated",
        "unit",
        "value",
        "weak",
        "words",
    )  # fmt: skip

    start: int
    end: int
    core_start: int  # the digits or number words, before widening
    core_end: int
    # float, or None (a two-sided range, a vague or a cut-off number). Typed Any: the rules test a
    # figure's kind and qualifier before they compute with these, which the type checker cannot follow.
    value: Any
    low: Any
    high: Any
    qualifier: str
    unit: str | None
    kind: str
    scale: bool
    truncated: bool
    counted: str | None
    counted_start: int | None
    counted_end: int | None
    words: bool
    plain: bool
    glued_left: bool
    glued_right: bool
    sep_thousands: bool
    weak: bool

    def __init__(self, start: int, end: int, value: float | None, words: bool):
        self.start = self.core_start = start
        self.end = self.core_end = end
        self.value = value
        self.low = self.high = None
        self.qualifier = "exact"
        self.unit = None
        self.kind = "count"
        self.scale = False
        self.truncated = False
        self.counted = self.counted_start = self.counted_end = None
        self.words = words
        self.plain = True  # no unit, currency, percent or scale
        self.glued_left = self.glued_right = False  # glued to another number by '-' or '/'
        self.sep_thousands = False
        self.weak = False  # kept only when it forms a range with a non-weak neighbour (years: 1000-5000)

    def as_row(self, text: str) -> tuple:
        """The values of :data:`FIGURE_KEYS`, in that order (:meth:`as_dict` without the keys)."""
        return (text[self.start : self.end], self.value, self.low, self.high, self.qualifier, self.unit, self.counted,
                self.truncated, self.start, self.end, self.kind, self.counted_start, self.counted_end)  # fmt: skip

    def as_dict(self, text: str) -> dict:
        return {
            "text": text[self.start : self.end],
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "qualifier": self.qualifier,
            "unit": self.unit,
            "counted": self.counted,
            "truncated": self.truncated,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "counted_start": self.counted_start,
            "counted_end": self.counted_end,
        }


def _finite(f: Fig) -> bool:
    """Whether the figure's numbers are finite (``-inf < x < inf`` is False for inf and NaN)."""
    v, lo, hi = f.value, f.low, f.high
    return (v is None or -_INF < v < _INF) and (lo is None or -_INF < lo < _INF) and (hi is None or -_INF < hi < _INF)


_INF = math.inf


def _cut_by_ellipsis(f: Fig) -> None:
    """A number right before the snippet's "..." may have lost its multiplier ("revenue of 16.14 ...",
    "$21 ..."): truncated, no value; what was stated is a lower bound unless an upper one was meant."""
    if f.value is None or f.value < 0:
        return
    f.truncated = True
    f.plain = False
    if f.qualifier in ("at_most", "less_than"):
        f.low = f.high = None  # "up to $21 ..." could be $21 billion: no bound is left
    elif f.low is None:
        f.low = f.value
    f.high = None
    f.value = None
    if f.qualifier == "exact":
        f.qualifier = "at_least"


def bounds(f: Fig) -> None:
    """Set ``low``/``high`` from the figure's qualifier and value ("over 10": low 10)."""
    v = f.value
    if f.qualifier in ("at_least", "more_than"):
        f.low, f.high = v, None
    elif f.qualifier in ("at_most", "less_than"):
        f.low, f.high = None, v
    elif f.qualifier == "exact" and f.low is not None:
        f.low = f.high = v
