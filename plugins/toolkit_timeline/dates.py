"""Calendar arithmetic and TIMEX3 values: the intervals that ``2024-W52`` or ``2024-Q3`` cover.

Every interval is a pair of ``datetime.date`` (first day, last day, both inclusive).
"""

from __future__ import annotations

import calendar as _cal
from datetime import date, timedelta

from dateutil.easter import easter

Interval = tuple[date, date]

SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
MOD = {
    "early": "START", "beginning": "START", "start": "START", "mid": "MID", "middle": "MID", "late": "END",
    "end": "END", "close": "END", "turn": "END", "earlier": "BEFORE", "later": "AFTER",
}  # fmt: skip


def valid_day(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= _cal.monthrange(y, m)[1] and 1 <= y <= 9999


def day_value(d: date) -> str:
    return d.isoformat()


def month_interval(y: int, m: int) -> Interval:
    return date(y, m, 1), date(y, m, _cal.monthrange(y, m)[1])


def add_months(y: int, m: int, n: int) -> tuple[int, int]:
    k = y * 12 + (m - 1) + n
    return k // 12, k % 12 + 1


def add_months_day(d: date, n: int) -> date:
    y, m = add_months(d.year, d.month, n)
    return date(y, m, min(d.day, _cal.monthrange(y, m)[1]))


def week_value(d: date) -> tuple[str, Interval]:
    iso = d.isocalendar()
    monday = d - timedelta(days=iso.weekday - 1)
    return f"{iso.year}-W{iso.week:02d}", (monday, monday + timedelta(days=6))


def weekend_value(d: date) -> tuple[str, Interval]:
    value, (monday, _) = week_value(d)
    return value + "-WE", (monday + timedelta(days=5), monday + timedelta(days=6))


def quarter_interval(y: int, q: int) -> Interval:
    first = date(y, 3 * q - 2, 1)
    return first, month_interval(y, 3 * q)[1]


def half_interval(y: int, h: int) -> Interval:
    return date(y, 6 * h - 5, 1), month_interval(y, 6 * h)[1]


def season_interval(y: int, s: str) -> Interval:
    a, b = SEASON_MONTHS[s]
    if s == "WI":
        return date(y, 12, 1), month_interval(y + 1, 2)[1]
    return date(y, a, 1), month_interval(y, b)[1]


def season_of(d: date) -> tuple[int, str]:
    """The season a day falls in, as (year, code); winter belongs to the year of its December."""
    m = d.month
    if m in (12, 1, 2):
        return (d.year if m == 12 else d.year - 1), "WI"
    return d.year, ("SP" if m <= 5 else "SU" if m <= 8 else "FA")


def year_interval(y: int) -> Interval:
    return date(y, 1, 1), date(y, 12, 31)


def decade_interval(y0: int) -> Interval:
    return date(y0, 1, 1), date(y0 + 9, 12, 31)


def century_interval(c0: int) -> Interval:
    return date(max(c0, 1), 1, 1), date(c0 + 99, 12, 31)


def holiday(name: str, y: int, fixed: dict[str, str]) -> date | None:
    """The day of a holiday in year ``y`` (fixed dates from the lexicon, Easter and Thanksgiving computed)."""
    key = " ".join(name.lower().replace("’", "'").split())
    if key in fixed:
        m, d = (int(x) for x in fixed[key].split("-"))
        return date(y, m, d)
    if key in ("easter", "easter sunday"):
        return easter(y)
    if key == "good friday":
        return easter(y) - timedelta(days=2)
    if key in ("thanksgiving", "black friday"):
        first = date(y, 11, 1)
        thursday = first + timedelta(days=(3 - first.weekday()) % 7 + 21)
        return thursday + timedelta(days=1 if key == "black friday" else 0)
    return None


def closest_year(ref: date, make) -> date | None:
    """Of ``make(ref.year - 1 .. ref.year + 1)``, the day closest to ``ref`` (a month-day with no year)."""
    best = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        d = make(y)
        if d is not None and (best is None or abs((d - ref).days) < abs((best - ref).days)):
            best = d
    return best
