"""Calendar resolution shared by the handlers: weekdays by direction, periods around a reference,
shifts by a number of units, and the small word readers (numbers, ``early``/``late`` modifiers)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from toolkit_timeline import dates as D
from toolkit_timeline.grammar import Grammar
from toolkit_timeline.mention import Mention

PODS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_LETTERS = re.compile(r"[a-z]+")


def _num(word: str | None, g: Grammar) -> int | None:
    if word is None:
        return None
    w = " ".join(word.lower().split())
    if w.isdigit():
        return int(w)
    return g.numbers.get(w)


def _mod(word: str | None) -> str | None:
    if not word:
        return None
    for w in _LETTERS.findall(word.lower()):
        if w in D.MOD:
            return D.MOD[w]
    return None


def _two_digit_year(yy: int, ref: date | None) -> int:
    pivot = (ref.year % 100 if ref else 30) + 10
    century = (ref.year // 100 * 100) if ref else 2000
    return century + yy if yy <= pivot else century - 100 + yy


def _day(d: date, kind: str, relative: bool, pod: str | None = None) -> Mention:
    value = d.isoformat() + (f"T{pod}" if pod else "")
    return Mention(0, 0, value, "day", d, d, relative, kind, time_of_day=pod)


def _unresolved(value: str | None, granularity: str, kind: str, pod: str | None = None) -> Mention:
    return Mention(0, 0, value, granularity, None, None, True, kind, time_of_day=pod)


def _weekday(ref: date, wd: int, how: str) -> date:
    cur = ref.isoweekday()
    back, fwd = (cur - wd) % 7, (wd - cur) % 7
    if how == "last":  # the latest before the reference, not yesterday (that would be "yesterday")
        return ref - timedelta(days=back + 7 if back < 2 else back)
    if how == "next":  # the first after the reference, not tomorrow: "next Thursday" said on a Monday is in 3 days
        return ref + timedelta(days=fwd + 7 if fwd < 2 else fwd)
    if how == "this":
        return ref + timedelta(days=wd - cur)
    if how == "future":
        return ref + timedelta(days=fwd)
    if how == "nearest":
        return ref + timedelta(days=fwd) if fwd < back else ref - timedelta(days=back)
    return ref - timedelta(days=back)


def _rel_word(word: str | None) -> str | None:
    if not word:
        return None
    w = " ".join(word.lower().split())
    return {"this past": "last", "past": "last", "previous": "last", "this coming": "next", "coming": "next",
            "current": "this", "following": "next"}.get(w, w)  # fmt: skip


def _period(ref: date, unit: str, shift: int) -> tuple[str, D.Interval, str]:
    """The week/month/year/... containing ``ref``, moved by ``shift`` units: (value, interval, granularity)."""
    if unit == "week":
        value, iv = D.week_value(ref + timedelta(weeks=shift))
        return value, iv, "week"
    if unit == "weekend":
        value, iv = D.weekend_value(ref + timedelta(weeks=shift))
        return value, iv, "weekend"
    if unit == "month":
        y, m = D.add_months(ref.year, ref.month, shift)
        return f"{y:04d}-{m:02d}", D.month_interval(y, m), "month"
    if unit == "quarter":
        q0 = ref.year * 4 + (ref.month - 1) // 3 + shift
        y, q = q0 // 4, q0 % 4 + 1
        return f"{y:04d}-Q{q}", D.quarter_interval(y, q), "quarter"
    if unit == "decade":
        y0 = (ref.year // 10 + shift) * 10
        return f"{y0 // 10:03d}X", D.decade_interval(y0), "decade"
    if unit == "century":
        c0 = (ref.year // 100 + shift) * 100
        return f"{c0 // 100:02d}XX", D.century_interval(c0), "century"
    y = ref.year + shift
    return f"{y:04d}", D.year_interval(y), "year"


def _shift(ref: date, unit: str, n: int) -> tuple[str, date, date, str]:
    """``ref`` moved by ``n`` units (negative: back), at the unit's granularity."""
    if unit in ("day", "hour", "minute"):
        d = ref + timedelta(days=n if unit == "day" else 0)
        return d.isoformat(), d, d, "day"
    if unit == "week":
        d = ref + timedelta(weeks=n)
        return d.isoformat(), d, d, "day"
    if unit == "month":
        y, m = D.add_months(ref.year, ref.month, n)
        a, b = D.month_interval(y, m)
        return f"{y:04d}-{m:02d}", a, b, "month"
    y = ref.year + n * (10 if unit == "decade" else 1)
    a, b = D.year_interval(y)
    return f"{y:04d}", a, b, "year"


_ANCHORED = frozenset({"day", "time", "week", "month", "quarter", "year"})
_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}


def _shifted(anchor: Mention, unit: str, n: int) -> Mention | None:
    """``anchor`` moved by ``n`` units, at the anchor's granularity (a time counts as its day):
    the third quarter "a year earlier" is last year's third quarter. None when the unit is finer
    than the anchor ("a day later" than March) or does not divide it ("a month earlier" than Q3)."""
    d = anchor.date_start
    assert d is not None
    gran = "day" if anchor.granularity == "time" else anchor.granularity
    if gran == "day":
        value, a, b, g = _shift(d, unit, n)
        if unit == "month":  # the same day of that month
            a = b = D.add_months_day(d, n)
            value, g = a.isoformat(), "day"
        elif unit == "year":
            a = b = D.add_months_day(d, 12 * n)
            value, g = a.isoformat(), "day"
        return Mention(0, 0, value, g, a, b, True, "relative")
    if gran == "week":
        if unit not in ("week", "year"):
            return None
        value, (a, b), g = _period(d + timedelta(weeks=n if unit == "week" else 52 * n), "week", 0)
        return Mention(0, 0, value, g, a, b, True, "relative")
    if unit not in ("month", "year") or (unit == "month" and gran != "month"):
        return None
    value, (a, b), g = _period(d, gran, n * _PER_YEAR[gran] if unit == "year" else n)
    return Mention(0, 0, value, g, a, b, True, "relative")
