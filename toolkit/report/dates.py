"""A date as a reader says it, at its granularity: "Fri 27 Dec 2024", "December 2024", "week 51 of 2024".

The timeline's ``value`` is a TIMEX3 value (``2024-12-27``, ``2024-W51``, ``2024-SU``,
``XXXX-WXX-2``...); the label is read from it, with ``date_start``/``date_end`` for what the value
alone does not say. A value it cannot read is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

_SEASONS = {"SP": "spring", "SU": "summer", "FA": "autumn", "WI": "winter"}
_PARTS = {"MO": "morning", "AF": "afternoon", "EV": "evening", "NI": "night"}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_YEAR = r"(\d{4})"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _month_name(month: str) -> str:
    return pd.Timestamp(2000, int(month), 1).strftime("%B")


#: TIMEX3 value forms and how each reads (the groups of the match, in order).
_FORMS: tuple[tuple[re.Pattern[str], Callable[..., str]], ...] = (
    (re.compile(_YEAR + r"-W(\d{2})-WE"), lambda y, w: f"weekend of week {int(w)}, {y}"),
    (re.compile(_YEAR + r"-W(\d{2})"), lambda y, w: f"week {int(w)} of {y}"),
    (re.compile(_YEAR + r"-Q([1-4])"), lambda y, q: f"Q{q} {y}"),
    (re.compile(_YEAR + r"-H([12])"), lambda y, h: f"{'first' if h == '1' else 'second'} half of {y}"),
    (re.compile(_YEAR + r"-(SP|SU|FA|WI)"), lambda y, s: f"{_SEASONS[s]} {y}"),
    (re.compile(r"(\d{3})X"), lambda d: f"the {d}0s"),
    (re.compile(r"(\d{2})"), lambda c: f"the {_ordinal(int(c) + 1)} century"),
    (re.compile(r"XXXX-WXX-([1-7])"), lambda d: f"a {_WEEKDAYS[int(d) - 1]} (week unknown)"),
    (re.compile(r"XXXX-(\d{2})-(\d{2})"), lambda m, d: f"{int(d)} {_month_name(m)} (year unknown)"),
)


def _from_form(value: str) -> str | None:
    for pattern, read in _FORMS:
        m = pattern.fullmatch(value)
        if m:
            try:
                return read(*m.groups())
            except ValueError:  # a month 13
                return None
    return None


def date_label(value: str, granularity: str, start: pd.Timestamp | None, end: pd.Timestamp | None) -> str:
    """How a reader would say the date of ``value`` at ``granularity``."""
    value = (value or "").strip()
    if value == "PRESENT_REF" or granularity == "ref":
        return "now"
    try:
        if "T" in value and start is not None:
            clock = value.partition("T")[2]
            part = _PARTS.get(clock[:2])
            return f"{start.strftime('%a %d %b %Y')} {part or clock}"
        if granularity == "day" and start is not None:
            return start.strftime("%a %d %b %Y")
        if granularity == "month" and start is not None:
            return start.strftime("%B %Y")
        if granularity == "year" and start is not None and re.fullmatch(r"\d{4}", value):
            return value
    except (ValueError, OverflowError):
        pass
    return _from_form(value) or value or "(undated)"
