"""The handlers of the grammar's alternatives: one method per named group of the pattern, reached
through the explicit ``HANDLERS`` table (a test checks every group has one), each turning a regex
match into zero, one or two :class:`Mention` records resolved against the reference date."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from toolkit_timeline import dates as D
from toolkit_timeline.context import (
    _WORD,
    Sentences,
    _after_and_pair,
    _next_word,
    _prev_word,
    _words_left,
    clause_within,
    directed,
    label_within,
    tense,
)
from toolkit_timeline.grammar import Grammar
from toolkit_timeline.mention import Mention, Options
from toolkit_timeline.resolve import (
    _ANCHORED,
    PODS,
    SEASONS,
    _day,
    _mod,
    _num,
    _period,
    _rel_word,
    _shift,
    _shifted,
    _two_digit_year,
    _unresolved,
    _weekday,
)

_TH_BEFORE = frozenset({"on", "by", "until", "till", "since", "from", "before", "after", "through", "and", "or"})
_TH_AFTER = frozenset({"and", "or", "to", "at", "when", "as", "after", "before", "in", "until", "through"})
_TIME_GAP = re.compile(
    r"\s{0,3}(?:local\s{1,3}time\s{0,2})?[(),]?\s{0,2}(?:(?:to|until|till|and|or)\s{1,3}|[-–]\s{0,2})?[(),]?\s{0,2}"
)
_COMMA_GAP = re.compile(r"\s{0,3}(?:local\s{1,3}time\s{0,2})?[(),]?\s{0,2}[(),]?\s{0,2}(?:on\s{1,3})?")
_GAP_JOIN = re.compile(
    r"\s{1,3}(?:local\s{1,3}time\s{1,3}|(?-i:[A-Z]{2,4})\s{1,3})?"
    r"(?:(?:at|on|around|about|by|from|this|last)\s{1,3})?",
    re.I,
)


_DIGIT_GROUP_AFTER = re.compile(r"[ \u00a0]\d{3,4}(?!\d|[,.]\d)")
_WD_LIST = re.compile(r"\s{0,2}(?:,|and|or|&|[-–/]|to|through|until)?\s{0,3}", re.I)
# A number in the year's place that no date can hold: "1 January 10000", "1 January 0." (five digits or
# more; or 0, three or four digits ending the sentence, not a time such as "3:07"). The date is reported
# with a null value, never with a guessed year (issue 16.19). Two digits stay a possible short year.
_BAD_YEAR = re.compile(r"\s{0,2},?\s{1,3}(?:\d{5,}|(?:0|\d{3,4})(?=\s{0,2}(?:[.!?;](?:\s|$)|$)))(?!\d|[.,:]\d)")
_BACK = re.compile(
    r"\s{1,3}(?P<n>an?|one|two|three|four|five|\d{1,2})\s{1,3}(?P<u>week|month|quarter|year)s?\s{1,3}(?:ago|earlier|before)\b",
    re.I,
)
_COARSE = {"day": 0, "time": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}  # "that week/month/year"
_QUOTES = frozenset("'\"‘’“”")
_REL_YEAR_AFTER = re.compile(r",?\s{1,3}(?:of\s{1,3})?(last|this|next)\s{1,3}year\b", re.I)


def _timed(time: Mention, span: tuple[int, int], base: Mention | None, own_day: bool, ref: date | None) -> Mention:
    """A clock time on its day: ``base`` (the day next to it, else the one it refers to), else the
    reference, else an unknown day (``XXXX-XX-XXT10:00``)."""
    clock = time.time_of_day
    zulu = "Z" if time.value == "Z" else ""
    start, end = span
    if base is not None and base.date_start is not None:
        d = base.date_start
        relative = base.relative if own_day else True
        return Mention(start, end, f"{d.isoformat()}T{clock}{zulu}", "time", d, d, relative, "time",
                       time_of_day=clock, timezone=time.timezone)  # fmt: skip
    if base is not None and base.value and base.granularity == "day":
        return Mention(start, end, f"{base.value.split('T')[0]}T{clock}{zulu}", "time", None, None, True, "time",
                       time_of_day=clock, timezone=time.timezone)  # fmt: skip
    if ref is not None:
        return Mention(start, end, f"{ref.isoformat()}T{clock}{zulu}", "time", ref, ref, True, "time",
                       time_of_day=clock, timezone=time.timezone)  # fmt: skip
    return Mention(start, end, f"XXXX-XX-XXT{clock}{zulu}", "time", None, None, True, "time", time_of_day=clock,
                   timezone=time.timezone)  # fmt: skip


def _full_month(name: str) -> bool:
    """A month written in full ("May", "June", "September"), not abbreviated ("Sep", "Dec")."""
    return len(name) > 4 or name.lower() in ("may", "june", "july")


def _with_part_of_day(men: Mention | None, pod_word: str | None) -> Mention | None:
    """A day with the part of day written with its weekday ("Thursday morning, October 2, 2025")."""
    pod = PODS.get((pod_word or "").lower())
    if men is None or pod is None or men.value is None or men.granularity != "day":
        return men
    men.value, men.time_of_day = f"{men.value}T{pod}", pod
    return men


class Scan:
    """One pass over one text: the per-text state (its sentences, the mentions found so far) lives
    here, never on the shared :class:`~toolkit_timeline.extract.Extractor`, so extraction is safe
    from several threads at once. Each alternative of the grammar has its handler in ``HANDLERS``."""

    __slots__ = ("_out", "_sentences", "g", "o")

    def __init__(self, g: Grammar, options: Options, text: str):
        self.g = g
        self.o = options
        self._sentences = Sentences(text)
        self._out: list[Mention] = []

    # -- the main loop -------------------------------------------------------------------------
    def _tense(self, text: str, start: int, end: int) -> str | None:
        if directed(text, start):
            return "future"
        return tense(text, start, end, self.g, self._sentences)

    def _after_past(self, text: str, start: int, end: int) -> bool:
        """A date moved to / set for in a past clause: after the decision, which news reports at most a
        day late ("the curfew was extended to Sunday" published on Monday is yesterday)."""
        return directed(text, start) and tense(text, start, end, self.g, self._sentences) == "past"

    def run(self, text: str, ref: date | None, events: bool = True, starts: list[int] | None = None) -> list[Mention]:
        """The expressions of ``text`` resolved against ``ref`` (with their clause when ``events``).

        ``starts``: where expressions may start, when the caller found them already (for many texts
        at once, :func:`toolkit_timeline.candidates.candidates`); by default the trigger finds them.
        """
        g = self.g
        out = self._out
        last = 0
        dispatch = g.dispatch
        by_char = dispatch.by_char
        if starts is None:
            starts = [t.start() + 1 for t in g.trigger.finditer(text)]
            if g.trigger_at_start.match(text):
                starts.insert(0, 0)
        for pos in starts:
            if pos < last:
                continue
            ch = text[pos]
            pattern = by_char[ch] if ch in by_char else dispatch.get(ch)
            m = pattern.match(text, pos) if pattern is not None else None
            if m is None:
                continue
            try:
                found = HANDLERS[m.lastgroup](self, m, text, ref)  # type: ignore[index]
            except (ValueError, OverflowError):  # a date out of the calendar ("in 999 decades")
                found = None
            if found is None:
                continue  # a rejected match does not hide what starts inside it ("in the past 10 days")
            last = m.end()
            if isinstance(found, Mention):
                found = [found]
            for men in found:
                if men.end == 0:
                    men.start, men.end = m.span()
                last = max(last, men.end)  # a mention may reach past its match ("1 January 10000")
                out.append(men)
        if out:
            out = self._merge_times(out, text, ref)
            if events:
                around = self._sentences.around
                for men in out:
                    lo, hi = around(men.start, men.end)
                    men.event = clause_within(text, men.start, men.end, lo, hi)
                    men.label = label_within(text, men.start, men.end, lo, hi)
        return out

    # -- absolute dates ------------------------------------------------------------------------
    def _iso(self, m, text, ref):
        y, mo, d = int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"])
        if not D.valid_day(y, mo, d):
            return None
        men = _day(date(y, mo, d), "date", False)
        if m["iso_h"]:
            z = m["iso_z"]
            men.time_of_day = f"{m['iso_h']}:{m['iso_mi']}"
            men.value = f"{men.value}T{men.time_of_day}" + ("Z" if z in ("Z", "+00:00", "+0000") else "")
            men.granularity = "time"
            men.timezone = z
        return men

    def _num(self, m, text, ref):
        a, b, sep, ys = int(m["num_a"]), int(m["num_b"]), m["num_sep"], m["num_y"]
        if sep == "." and len(ys) != 4:
            return None  # 1.2.10 is a version number
        y = int(ys) if len(ys) == 4 else _two_digit_year(int(ys), ref)
        day_first = sep == "." or self.o.day_first
        mo, d = (b, a) if day_first else (a, b)
        if mo > 12 and d <= 12:
            mo, d = d, mo
        if not D.valid_day(y, mo, d) or not self.o.min_year <= y <= self.o.max_year:
            return None
        return _day(date(y, mo, d), "date", False)

    def _month_day(self, m, text, ref, mon: str, day: str, year: str | None, wd: str | None, prefix: str):
        g = self.g
        mo = g.months[mon.lower().rstrip(".")]
        d = int(day.rstrip("stndrh"))
        rel_year = None
        if not year and ref is not None:
            rel_year = _REL_YEAR_AFTER.match(text, m.end())  # "Oct. 14 last year": that year
            if rel_year:
                year = str(ref.year + {"last": -1, "next": 1}.get(rel_year[1].lower(), 0))
        if year:
            y = int(year)
            if not D.valid_day(y, mo, d):
                return None
            men = _day(date(y, mo, d), "date", rel_year is not None)
        elif d > 31 or (mo == 2 and d > 29) or d > D.month_interval(2000, mo)[1].day:
            return None
        elif ref is None:
            men = _unresolved(f"XXXX-{mo:02d}-{d:02d}", "day", "date")
        else:
            want = g.weekdays.get(wd.lower().rstrip(".")) if wd else None

            def make(y: int) -> date | None:
                if not D.valid_day(y, mo, d):
                    return None
                day_ = date(y, mo, d)
                return day_ if want is None or day_.isoweekday() == want else None

            best = D.closest_year(ref, make)
            if best is None and want is not None:
                want = None
                best = D.closest_year(ref, make)
            if best is None:
                return None
            if want is None and abs((best - ref).days) > 31:
                # far from the reference: the tense decides ("rose on March 3" read in December)
                t = self._tense(text, m.start(), m.end())
                if t == "past" and best > ref:
                    best = make(best.year - 1) or best
                elif t == "future" and best < ref:
                    best = make(best.year + 1) or best
            men = _day(best, "date", True)
        men.mod = _mod(m[prefix + "_mod"]) if prefix == "md" else None
        return men

    def _bad_year(self, m: re.Match[str], text: str, granularity: str) -> Mention | None:
        """The date with a year out of any calendar we resolve, as one mention with no value."""
        bad = _BAD_YEAR.match(text, m.end())
        if bad is None:
            return None
        return Mention(m.start(), bad.end(), None, granularity, None, None, False, "date")

    def _md(self, m, text, ref):
        if not m["md_y"] and not m["md_d2"] and (bad := self._bad_year(m, text, "day")):
            return bad
        if not m["md_y"] and not m["md_d2"] and self._names_an_event(text, m.end()):
            return None  # "the September 11 attacks", "the January 6 riot": a name, not that day this year
        first = self._month_day(m, text, ref, m["md_mon"], m["md_day"], m["md_y"], m["md_wd"], "md")
        if not m["md_d2"] or first is None:
            return _with_part_of_day(first, m["md_pod"])
        # Dec. 20-26, Dec. 20 to 26, between Dec. 20 and 26: two dates
        sep = m["md_sep"].strip().lower()
        if (
            sep == "and" and _prev_word(text, m.start()) != "between" and not _after_and_pair(text, m.end("md_d2"))
        ) or (not m["md_y"] and _next_word(text, m.end("md_d2")) in self.g.count_nouns):
            first.start, first.end = m.start(), m.end("md_day")  # "on Dec. 20 and 26 people": one date
            return first
        second = self._month_day(m, text, ref, m["md_mon"], m["md_d2"], m["md_y"], None, "md")
        first.start, first.end = m.start(), m.end("md_day")
        if second is None or (first.date_start and second.date_start and second.date_start < first.date_start):
            return first
        second.start, second.end = m.start("md_d2"), m.end()
        return [first, second]

    def _th(self, m, text, ref):
        """``on the 26th``: a day of the reference month (or the month before/after, by tense)."""
        prev = _prev_word(text, m.start())
        if prev not in _TH_BEFORE and not (prev == "for" and directed(text, m.start())):
            return None  # "rescheduled for the 20th" is a day, "for the 20th time" is not
        nxt = _next_word(text, m.end())
        if nxt and nxt not in _TH_AFTER and text[m.end() : m.end() + 1] == " ":
            return None  # "on the 2nd floor"
        d = int(m["th_d"])
        start = m.start("th_d")
        if ref is None:
            men = _unresolved(f"XXXX-XX-{d:02d}", "day", "date")
            men.start, men.end = start, m.end()
            return men
        t = self._tense(text, m.start(), m.end())
        days = []
        for shift in (-1, 0, 1):
            y, mo = D.add_months(ref.year, ref.month, shift)
            if D.valid_day(y, mo, d):
                days.append(date(y, mo, d))
        if t == "past":
            days = [x for x in days if x <= ref][-1:]
        elif t == "future":
            days = [x for x in days if x >= ref][:1]
        if not days:
            return None
        men = _day(min(days, key=lambda x: (abs((x - ref).days), x > ref)), "date", True)
        men.start, men.end = start, m.end()
        return men

    def _dm(self, m, text, ref):
        if not m["dm_y"] and (bad := self._bad_year(m, text, "day")):
            return bad
        if not m["dm_y"] and self._names_an_event(text, m.end()):
            return None
        men = self._month_day(
            m, text, ref, m["dm_mon"], m["dm_day"], m["dm_y"], None if m["dm_d1"] else m["dm_wd"], "dm"
        )
        if men is None:
            return None
        men.start, men.end = m.start("dm_day") if m["dm_d1"] else m.start(), m.end()
        if not m["dm_y"] and text[m.end() - 1] == "." and _full_month(m["dm_mon"]):
            men.end -= 1  # "the 3rd of January." ends a sentence
        if not m["dm_d1"]:
            return _with_part_of_day(men, m["dm_pod"])
        first = self._month_day(m, text, ref, m["dm_mon"], m["dm_d1"], m["dm_y"], m["dm_wd"], "dm")
        if first is None or (first.date_start and men.date_start and first.date_start > men.date_start):
            return men  # "20-21 March": two dates; "25-3 March" is not a range
        first.start, first.end = m.start(), m.end("dm_d1")
        return [first, men]

    def _names_an_event(self, text: str, end: int) -> bool:
        """A month-day with no year naming an event: "the October 7 attack", "the Sept. 11 commission"."""
        return _next_word(text, end) in self.g.named_event_nouns

    def _my(self, m, text, ref):
        mo = self.g.months[m["my_mon"].lower().rstrip(".")]
        relative = m["my_y"] is None
        if relative:
            if ref is None:
                return _unresolved(f"XXXX-{mo:02d}", "month", "date")
            y = ref.year + {"last": -1, "next": 1}.get(m["my_rel"].lower(), 0)
        else:
            y = int(m["my_y"])
        a, b = D.month_interval(y, mo)
        return Mention(0, 0, f"{y:04d}-{mo:02d}", "month", a, b, relative, "date", mod=_mod(m["my_mod"]))

    def _bm(self, m, text, ref):
        word = m["bm_mon"]
        key = word.lower()
        if key not in self.g.months:
            return None
        rel = _rel_word(m["bm_rel"])
        mod = m["bm_mod"]
        full = len(key) > 4 or key in ("may", "june", "july")
        prev = _prev_word(text, m.start())
        if not self._bare_month_is_a_month(m, text, full, bool(rel or mod) or prev in self.g.month_cues, prev):
            return None
        if (bad := self._bad_year(m, text, "month")) is not None:
            bad.start = m.start("bm_mon")
            return bad  # "January 10000"
        mo = self.g.months[key]
        if ref is None:
            men = _unresolved(f"XXXX-{mo:02d}", "month", "date")
        else:
            y = self._bare_month_year(m, text, ref, mo, rel, prev)
            a, b = D.month_interval(y, mo)
            men = Mention(0, 0, f"{y:04d}-{mo:02d}", "month", a, b, True, "date")
        men.start = m.start("bm_rel") if m["bm_rel"] else (m.start("bm_mod") if mod else m.start("bm_mon"))
        men.end = m.end("bm_mon") + (1 if m["bm_dot"] and not full else 0)
        men.mod = _mod(mod)
        return men

    @staticmethod
    def _bare_month_is_a_month(m: re.Match[str], text: str, full: bool, cue: bool, prev: str) -> bool:
        """A month name alone is a month with a cue word ("in", "last", "early"...); "May" and "March"
        need one, abbreviations need one and their dot, and a capitalised word after means a name."""
        word = m["bm_mon"]
        if not full and not (m["bm_dot"] and cue):
            return False
        if word.lower() in ("may", "march") or word.isupper():
            return cue
        if not cue:
            nxt = text[m.end() : m.end() + 2].strip()
            if nxt[:1].isupper() or prev in ("dear", "mr", "ms", "mrs"):
                return False  # April Ryan, June Carter
        return True

    def _bare_month_year(self, m: re.Match[str], text: str, ref: date, mo: int, rel: str | None, prev: str) -> int:
        """The year of a month named alone: by ``last``/``next``/``this``, else by the clause's tense."""
        y = ref.year
        if rel == "last":
            return y if mo < ref.month else y - 1
        if rel == "next":
            return y if mo > ref.month else y + 1
        if rel == "this":
            return y
        t = self._tense(text, m.start(), m.end())
        if t in (None, "present") and prev in self.g.deadline_words:
            t = "future"  # "to step down by October": a deadline is ahead
        if t == "past" and mo > ref.month:
            y -= 1
        elif t == "future" and mo < ref.month:
            # moved to last month in a past clause may be done already ("was postponed to May" in June)
            if not (mo == ref.month - 1 and self._after_past(text, m.start(), m.end())):
                y += 1
        elif t in (None, "present") and abs(mo - ref.month) > 6:
            y += 1 if mo < ref.month else -1  # no tense: the nearest such month
        return y

    def _q(self, m, text, ref):
        unit = m["q_u"].lower()
        word = m["q_n"].lower()
        n = self.g.lexicon["ordinals"].get(word)
        if n is None or (unit == "half" and n > 2):
            return None
        prev_quarter = word == "last" and not m["q_y"] and not m["q_rel"]
        y = int(m["q_y"]) if m["q_y"] else None
        relative = y is None
        if y is None:
            if ref is None:
                return _unresolved(f"XXXX-{'Q' if unit == 'quarter' else 'H'}{n}", unit, "date")
            cur = (ref.month - 1) // (3 if unit == "quarter" else 6) + 1
            rel = (m["q_rel"] or "").lower()
            y = ref.year + (-1 if rel == "last" else 1 if rel == "next" else 0)
            if prev_quarter:
                value, gran, a, b, _ = self._q_prev(ref)
                return Mention(0, 0, value, gran, a, b, True, "date")
            if not rel and n - cur >= 2 and self._tense(text, m.start(), m.end()) == "past":
                y -= 1  # "the fourth quarter" reported in January
        if unit == "quarter":
            a, b = D.quarter_interval(y, n)
            return Mention(0, 0, f"{y:04d}-Q{n}", "quarter", a, b, relative, "date")
        a, b = D.half_interval(y, n)
        return Mention(0, 0, f"{y:04d}-H{n}", "half", a, b, relative, "date")

    @staticmethod
    def _q_prev(ref: date):
        value, iv, gran = _period(ref, "quarter", -1)
        return value, gran, iv[0], iv[1], True

    def _qq(self, m, text, ref):
        n = int(m["qq_n"])
        if m["qq_y"]:
            y = int(m["qq_y"])
        elif ref is None:
            return _unresolved(f"XXXX-Q{n}", "quarter", "date")
        else:  # "Q3" alone: this year's, or last year's when reported in the past tense from well before it
            y = ref.year
            if n - ((ref.month - 1) // 3 + 1) >= 2 and self._tense(text, m.start(), m.end()) == "past":
                y -= 1
        a, b = D.quarter_interval(y, n)
        return Mention(0, 0, f"{y:04d}-Q{n}", "quarter", a, b, not m["qq_y"], "date")

    def _nd(self, m, text, ref):
        y, mo, d = (int(x) for x in self.g.named_dates[" ".join(m["nd_w"].lower().split())].split("-"))
        return _day(date(y, mo, d), "date", False)

    def _dec(self, m, text, ref):
        if m["dec_y"]:
            y0 = int(m["dec_y"])
        else:
            yy = int(m["dec_yy"])
            bare = not m["dec_ap"] and not m["dec"].lower().startswith("the") and not m["dec_mod"]
            if bare and _prev_word(text, m.start()) not in self.g.decade_cues:
                return None  # "in his 50s" is an age
            y0 = _two_digit_year(yy, ref)
            if y0 % 10:
                return None
        if not self.o.min_year <= y0 <= self.o.max_year:
            return None
        a, b = D.decade_interval(y0)
        return Mention(0, 0, f"{y0 // 10:03d}X", "decade", a, b, False, "date", mod=_mod(m["dec_mod"]))

    def _cent(self, m, text, ref):
        n = int(m["cent_n"])
        c0 = (n - 1) * 100
        if c0 < 1700:
            return Mention(0, 0, f"{n - 1:02d}", "century", None, None, False, "date", mod=_mod(m["cent_mod"]))
        a, b = D.century_interval(c0)
        return Mention(0, 0, f"{n - 1:02d}", "century", a, b, False, "date", mod=_mod(m["cent_mod"]))

    def _sea(self, m, text, ref):
        if m["sea_n"][:1].isupper() and not m["sea_y"] and self.g.event_name_after.match(text, m.end("sea_n")):
            return None  # "the Summer Olympics", "the 2022 Winter Games"
        name = m["sea_n"].lower()
        code = SEASONS[name]
        rel = (m["sea_rel"] or "").lower()
        rel = " ".join(rel.split())
        if not m["sea_y"] and rel in ("", "the"):
            prev = _prev_word(text, m.start("sea_n") if not rel else m.start())
            if name == "fall" or prev not in self.g.season_cues:
                return None
        if name == "fall" and not (m["sea_y"] or rel in ("last", "next", "this", "this past")):
            return None
        start = m.start()
        if rel == "the":
            start = m.start("sea_n")
        mod = _mod(rel) if rel in ("early", "late", "mid") else None
        if m["sea_y"]:
            y = int(m["sea_y"])
            a, b = D.season_interval(y, code)
            men = Mention(0, 0, f"{y:04d}-{code}", "season", a, b, False, "date", mod=mod)
        elif ref is None:
            men = _unresolved(f"XXXX-{code}", "season", "date")
        else:
            cy, cc = D.season_of(ref)
            order = ("SP", "SU", "FA", "WI")
            now_k = cy * 4 + order.index(cc)
            k = cy * 4 + order.index(code)
            if rel in ("last", "this past"):
                k = k - 4 if k >= now_k else k
            elif rel == "next":
                k = k + 4 if k <= now_k else k
            else:
                t = self._tense(text, m.start(), m.end())
                if t == "past" and k > now_k:
                    k -= 4
                elif (t == "future" and k < now_k) or (t is None and cc == "WI" and ref.month in (1, 2) and k < now_k):
                    k += 4
            y = k // 4
            a, b = D.season_interval(y, code)
            men = Mention(0, 0, f"{y:04d}-{code}", "season", a, b, True, "date", mod=mod)
        men.start, men.end = start, m.end()
        return men

    def _hol(self, m, text, ref):
        name = m["hol_n"]
        if not name[:1].isupper() or self._holiday_is_a_title(m, text):
            return None
        rel = (m["hol_rel"] or "").lower()
        fixed = self.g.holidays_fixed
        if m["hol_y"]:
            d = D.holiday(name, int(m["hol_y"]), fixed)
            return _day(d, "date", False) if d else None
        if ref is None:
            key = " ".join(name.lower().replace("’", "'").split())
            return _unresolved(f"XXXX-{fixed[key]}" if key in fixed else None, "day", "date")
        if rel == "last":
            d = D.holiday(name, ref.year, fixed)
            if d and d >= ref:
                d = D.holiday(name, ref.year - 1, fixed)
        elif rel == "next":
            d = D.holiday(name, ref.year, fixed)
            if d and d <= ref:
                d = D.holiday(name, ref.year + 1, fixed)
        else:
            d = D.closest_year(ref, lambda y: D.holiday(name, y, fixed))
        return _day(d, "date", True) if d else None

    def _holiday_is_a_title(self, m: re.Match[str], text: str) -> bool:
        """A holiday's name used as a title or slogan: quoted ("chanted 'Independence Day'"), or after
        "the movie", before "slogans"."""
        a, b = m.span("hol_n")
        if text[a - 1 : a] in _QUOTES and text[b : b + 1] in _QUOTES:
            return True
        g = self.g
        return _prev_word(text, m.start()) in g.holiday_blockers_before or _next_word(text, m.end()) in (
            g.holiday_blockers_after
        )

    # -- relative expressions --------------------------------------------------------------------
    def _ago(self, m, text, ref):
        n = _num(m["ago_n"], self.g)
        unit = m["ago_u"].lower()
        sign = -1 if m["ago_w"].lower() == "ago" else 1
        if n is None or ref is None:
            return _unresolved(None, unit if unit in ("day", "week", "month", "year") else "day", "relative")
        value, a, b, gran = _shift(ref, unit, sign * n)
        return Mention(0, 0, value, gran, a, b, True, "relative")

    def _anchor(self) -> Mention | None:
        """The last dated mention before the current one in this text (what "a year earlier" counts from)."""
        for men in self._out[:-9:-1]:  # the last few (bounded: hostile text may hold thousands)
            if men.date_start is not None and men.granularity in _ANCHORED:
                return men
        return None

    def _anc(self, m, text, ref):
        """``a year earlier``, ``two days later``: from the date mentioned before (none: nothing)."""
        n = _num(m["anc_n"], self.g)
        unit = m["anc_u"].lower()
        if n is None:
            return None
        n = -n if m["anc_w"].lower() == "earlier" else n
        anchor = self._anchor()
        if anchor is None:
            return None  # "from a year earlier" with nothing before it: the period is out of the snippet
        return _shifted(anchor, unit, n)

    def _anp(self, m, text, ref):
        """``the previous day``, ``the day after``: next to the day mentioned before (no day: nothing)."""
        anchor = self._anchor()
        if anchor is None or anchor.granularity not in ("day", "time"):
            return None
        back = (m["anp_w"] or "").lower() in ("previous", "preceding") or (m["anp_b"] or "").lower() == "before"
        return _shifted(anchor, "day", -1 if back else 1)

    def _ana(self, m, text, ref):
        """``earlier that same day``, ``the following morning``, ``later that year``: the day (week,
        month, year) of the date mentioned before (none, or a coarser one: nothing)."""
        anchor = self._anchor()
        unit = (m["ana_u"] or m["ana_pod"]).lower()
        if anchor is None or anchor.date_start is None:
            return None
        if unit in ("week", "month", "quarter", "year"):
            if _COARSE[unit] < _COARSE.get(anchor.granularity, 0):
                return None  # "that week" after "in 2020"
            value, (a, b), gran = _period(anchor.date_start, unit, 0)
            men = Mention(0, 0, value, gran, a, b, True, "relative")
            return self._same_period_back(men, m, text) or men
        if anchor.granularity not in ("day", "time"):
            return None
        rel = (m["ana_rel"] or "").lower()
        shift = 1 if rel in ("following", "next") else -1 if rel in ("previous", "preceding") else 0
        return _day(anchor.date_start + timedelta(days=shift), "relative", True, PODS.get(unit))

    def _same_period_back(self, period: Mention, m: re.Match[str], text: str) -> Mention | None:
        """ "the same month a year ago": that period moved back, as one mention."""
        back = _BACK.match(text, m.end())
        n = _num(back["n"], self.g) if back else None
        if back is None or n is None:
            return None
        moved = _shifted(period, back["u"].lower(), -n)
        if moved is not None:
            moved.start, moved.end = m.start(), back.end()
        return moved

    def _inn(self, m, text, ref):
        if self._tense(text, m.start(), m.end()) in ("past", "present"):
            return None  # "was built in two years": a duration
        if any(w.lower() in self.g.superlatives for w in _words_left(text, m.start(), 0, 5)):
            return None  # "its highest level in 22 years", "the first time in a decade": a duration
        n = _num(m["inn_n"], self.g)
        unit = m["inn_u"].lower()
        if n is None or ref is None:
            return _unresolved(None, unit, "relative")
        value, a, b, gran = _shift(ref, unit, n)
        return Mention(0, 0, value, gran, a, b, True, "relative")

    def _span(self, m, text, ref):
        n = _num(m["span_n"], self.g)
        unit = m["span_u"].lower()
        rel = m["span_rel"].lower()
        code = {"day": "D", "week": "W", "month": "M", "year": "Y", "decade": "Y", "hour": "H"}[unit]
        if n is None and not self.o.vague:
            return None  # "the past several months": no interval to give
        k = None if n is None else (n * 10 if unit == "decade" else n)
        value = f"P{'T' if unit == 'hour' else ''}{'X' if k is None else k}{code}"
        men = Mention(0, 0, value, "duration", None, None, True, "duration")
        if ref is not None and k is not None and unit != "hour":
            forward = rel in ("next", "coming", "following")
            base_unit = "year" if unit == "decade" else unit
            if base_unit == "day":
                other = ref + timedelta(days=k if forward else -k)
            elif base_unit == "week":
                other = ref + timedelta(weeks=k if forward else -k)
            elif base_unit == "month":
                other = D.add_months_day(ref, k if forward else -k)
            else:
                other = D.add_months_day(ref, 12 * (k if forward else -k))
            men.date_start, men.date_end = (ref, other) if forward else (other, ref)
        return men

    def _rp(self, m, text, ref):
        rel = _rel_word(m["rp_rel"])
        unit = m["rp_u"].lower()
        modw = (m["rp_mod"] or "").lower()
        if ref is None:
            return _unresolved(None, unit, "relative")
        shift = {"last": -1, "next": 1}.get(rel or "", 0)
        if unit == "weekend" and rel == "this" and ref.isoweekday() < 5:
            t = self._tense(text, m.start(), m.end())
            shift = -1 if t == "past" else 0
        value, (a, b), gran = _period(ref, unit, shift)
        men = Mention(0, 0, value, gran, a, b, True, "relative", mod=_mod(modw))
        if shift == 0 and modw == "earlier" and unit != "weekend":
            men.date_end = max(a, min(b, ref))
        elif shift == 0 and modw == "later" and unit != "weekend":
            men.date_start = max(a, min(b, ref))
        return men

    def _twe(self, m, text, ref):
        if ref is None:
            return _unresolved(None, "weekend", "relative")
        shift = 0
        if ref.isoweekday() < 6:
            shift = 0 if self._tense(text, m.start(), m.end()) == "future" else -1
        value, (a, b), gran = _period(ref, "weekend", shift)
        return Mention(0, 0, value, gran, a, b, True, "relative")

    def _rpo(self, m, text, ref):
        unit = m["rpo_u"].lower()
        modw = " ".join(m["rpo_mod"].lower().split())
        if ref is None:
            return _unresolved(None, unit, "relative")
        mod = _mod(modw)
        shift = 0
        if mod in ("START", "END"):
            # "the end of the year" told in the past tense in March is last year's end; "the start of
            # the year" told in the future tense in November is next year's start
            a, b = _period(ref, unit, 0)[1]
            part = (b - a).days // 4
            if mod == "END" and ref < b - timedelta(days=part):
                shift = -1 if self._tense(text, m.start(), m.end()) == "past" else 0
            elif mod == "START" and ref > a + timedelta(days=part):
                shift = 1 if self._tense(text, m.start(), m.end()) == "future" else 0
        value, (a, b), gran = _period(ref, unit, shift)
        men = Mention(0, 0, value, gran, a, b, True, "relative", mod=mod)
        if modw.startswith("earlier"):
            men.date_end = max(a, min(b, ref))
        elif modw.startswith("later"):
            men.date_start = max(a, min(b, ref))
        return men

    def _rd(self, m, text, ref):
        w = " ".join(m["rd_w"].lower().split())
        pod = PODS.get((m["rd_pod"] or "").lower())
        if w == "tonight":
            pod = "NI"
        offset = {"yesterday": -1, "tomorrow": 1, "the day before yesterday": -2, "the day after tomorrow": 2}.get(w, 0)
        if ref is None:
            return _unresolved(None, "day", "relative", pod)
        return _day(ref + timedelta(days=offset), "relative", True, pod)

    def _rn(self, m, text, ref):
        rel = m["rn_rel"].lower()
        pod = PODS[m["rn_pod"].lower()]
        if rel == "last" and pod != "NI":
            return None
        if ref is None:
            return _unresolved(None, "day", "relative", pod)
        return _day(ref - timedelta(days=1 if rel == "last" else 0), "relative", True, pod)

    def _wd(self, m, text, ref):
        g = self.g
        name = m["wd_n"]
        key = name.lower()
        if key not in g.weekdays:
            return None
        wd = g.weekdays[key]
        full = len(key) > 5 or key.endswith("day")
        if not full and not m["wd_dot"] and not m["wd_rel"]:
            return None  # The Sun, Sat, Wed
        prev = _prev_word(text, m.start())
        if f"{prev} {key}" in g.named_days or text[m.end("wd_n") : m.end("wd_n") + 1] == "-":
            return None
        if not m["wd_rel"] and (
            prev in ("every", "each", "any") or (prev in ("a", "an") and _after_and_pair(text, m.end()))
        ):
            return None  # "on a Saturday in June": no particular day ("a Wednesday media event" is one)
        rel = _rel_word(m["wd_rel"])
        pod = PODS.get((m["wd_pod"] or "").lower())
        if ref is None:
            men = _unresolved(f"XXXX-WXX-{wd}" + (f"T{pod}" if pod else ""), "day", "weekday", pod)
            men.start, men.end = m.start(), self._wd_end(m, full)
            return men
        how = rel if rel in ("last", "next", "this") else None
        day = None
        prv = self._out[-1] if self._out else None
        if (
            how is None
            and prv is not None
            and prv.kind == "weekday"
            and prv.date_start is not None
            and _WD_LIST.fullmatch(text, prv.end, m.start())
        ):
            # "next Tuesday and Wednesday", "on Monday and Tuesday": the day after the one before
            day = _weekday(prv.date_start + timedelta(days=1), wd, "future")
        elif how is None:
            t = self._tense(text, m.start(), m.end()) or self.o.default_tense
            how = {"past": "past", "future": "future", "present": "nearest"}.get(t, t)
            if how == "future" and self._after_past(text, m.start(), m.end()):
                day = _weekday(ref - timedelta(days=1), wd, how)
        men = _day(day or _weekday(ref, wd, how or "past"), "weekday", True, pod)
        men.start, men.end = m.start(), self._wd_end(m, full)
        men.mod = _mod(m["wd_mod"])
        return men

    @staticmethod
    def _wd_end(m, full: bool) -> int:
        if m["wd_pod"]:
            return m.end()
        return m.end("wd_n") + (1 if m["wd_dot"] and not full else 0)

    # -- times of day ---------------------------------------------------------------------------
    def _time(self, h: int, mi: int, zone: str | None) -> Mention:
        tz = self.g.timezones.get(zone.lower()) if zone else None
        men = Mention(0, 0, None, "time", None, None, True, "time", time_of_day=f"{h:02d}:{mi:02d}")
        men.timezone = zone
        if tz == "Z":
            men.value = "Z"
        return men

    def _tm(self, m, text, ref):
        h = int(m["tm_h"])
        mi = int(m["tm_mi"] or 0)
        ap = m["tm_ap"].lower()
        if h > 12 or h == 0:
            return None
        h = (h % 12) + (12 if ap.startswith("p") else 0)
        return self._time(h, mi, m["tm_z"])

    def _tc(self, m, text, ref):
        men = self._time(int(m["tc_h"]), int(m["tc_mi"]), m["tc_z"])
        if not (m["tc_z"] or m["tc_h24"]):
            men.kind = "time?"  # kept only next to a date or after "at", "by", ...
            if _prev_word(text, m.start()) in self.g.time_cues:
                men.kind = "time"
        return men

    def _tmil(self, m, text, ref):
        return self._time(int(m["tmil_h"]), int(m["tmil_mi"]), m["tmil_z"])

    def _tnoon(self, m, text, ref):
        w = m["tnoon_w"].lower()
        men = self._time(0 if w == "midnight" else 12, 0, None)
        men.start, men.end = m.span("tnoon_w")
        return men

    # -- years ----------------------------------------------------------------------------------
    def _year_ok(self, y: int, text: str, start: int, end: int, has_mod: bool) -> bool:
        if not self.o.min_year <= y <= self.o.max_year:
            return False
        if has_mod:
            return True
        g = self.g
        nxt = _next_word(text, end)
        if nxt in g.count_nouns and text[end : end + 1] in (" ", "\u00a0"):
            return False
        if (
            _DIGIT_GROUP_AFTER.match(text, end) or text[max(0, start - 2) : start].rstrip(" \u00a0")[-1:].isdigit()
        ) and _prev_word(text, start) not in ("in", "since", "during", "until", "before", "after"):
            return False  # a group of a phone or account number: "call 2024 5678", "1800 2020 333"
        if text[end : end + 1] in ("-", "–"):  # "a 1800-mile border", "a 2000-strong force", "2000-year-old"
            unit = _WORD.match(text, end + 1)
            w = unit.group().lower() if unit else ""
            if w in g.count_nouns or w + "s" in g.count_nouns or w in ("strong", "odd", "plus"):
                return False
        prev = _prev_word(text, start)
        if prev in g.year_blockers:
            return False
        before = text[max(0, start - 2) : start]
        return not (before.endswith(("#", "$", "£", "€", "No", "no")) or before.strip().endswith(("+", "=", "x")))

    def _yr(self, m, text, ref):
        y = int(m["yr_y"])
        modw = m["yr_mod"]
        if not self._year_ok(y, text, m.start("yr_y"), m.end("yr_y"), bool(modw)):
            return None
        if not modw and not m["yr_y2"] and self.g.event_name_after.match(text, m.end("yr_y")):
            return None  # "the 2022 World Cup", "the 2024 Summer Olympics": the year is part of a name
        a, b = D.year_interval(y)
        mod = None
        if modw and modw.strip().lower() not in ("fiscal", "fy"):
            mod = _mod(modw)
        first = Mention(m.start(), m.end("yr_y"), f"{y:04d}", "year", a, b, False, "date", mod=mod)
        out = [first]
        y2s = m["yr_y2"]
        if y2s:
            y2 = int(y2s) if len(y2s) == 4 else (y // 100) * 100 + int(y2s)
            if y < y2 <= y + 30 and self.o.min_year <= y2 <= self.o.max_year:
                a2, b2 = D.year_interval(y2)
                out.append(Mention(m.start("yr_y2"), m.end("yr_y2"), f"{y2:04d}", "year", a2, b2, False, "date"))
            elif len(y2s) == 2:
                return None  # 2009-15 (an id), 1957-45
        return out

    def _yq(self, m, text, ref):
        prev = _prev_word(text, m.start())
        if prev not in self.g.year_cues and text[max(0, m.start() - 1) : m.start()] not in ("-", "–"):
            return None
        y = _two_digit_year(int(m["yq_y"]), ref)
        a, b = D.year_interval(y)
        return Mention(0, 0, f"{y:04d}", "year", a, b, True, "date")

    # -- vague references -----------------------------------------------------------------------
    def _pres(self, m, text, ref):
        if not self.o.present:
            return None
        if ref is None:
            return Mention(0, 0, "PRESENT_REF", "ref", None, None, True, "reference")
        return Mention(0, 0, "PRESENT_REF", "ref", ref, ref, True, "reference")

    def _vpast(self, m, text, ref):
        if not self.o.vague:
            return None
        return Mention(0, 0, "PAST_REF", "ref", None, ref, True, "vague")

    def _vfut(self, m, text, ref):
        if not self.o.vague:
            return None
        return Mention(0, 0, "FUTURE_REF", "ref", ref, None, True, "vague")

    # -- times joined to their day --------------------------------------------------------------
    def _merge_times(self, ms: list[Mention], text: str, ref: date | None) -> list[Mention]:
        out: list[Mention] = []
        anchor: Mention | None = None
        i = 0
        n = len(ms)
        while i < n:
            cur = ms[i]
            if cur.granularity == "time":
                day = None
                nxt = ms[i + 1] if i + 1 < n else None
                prv = out[-1] if out else None
                if prv is not None and prv.granularity == "day" and self._adjacent(text, prv.end, cur.start):
                    day = out.pop()
                    span = (day.start, cur.end)
                elif nxt is not None and nxt.granularity == "day" and self._adjacent(text, cur.end, nxt.start):
                    day = nxt
                    span = (cur.start, nxt.end)
                    i += 1
                elif cur.kind == "time?":
                    i += 1
                    continue
                else:
                    span = (cur.start, cur.end)
                base = day or (self._day_after_times(ms, i, text) or anchor)
                merged = _timed(cur, span, base, day is not None, ref)
                if day is not None:
                    merged.kind = day.kind
                out.append(merged)
                if day is not None:
                    anchor = day
            else:
                if cur.granularity == "day" and cur.date_start is not None:
                    anchor = cur
                out.append(cur)
            i += 1
        return out

    @staticmethod
    def _day_after_times(ms: list[Mention], i: int, text: str) -> Mention | None:
        """ "at 16:15 UTC, June 1st", "9 p.m. local time (1800 GMT) on Saturday": the day that follows
        the chain of times starting at ``ms[i]``."""
        n = len(ms)
        j, a = i + 1, ms[i].end
        while j < min(n, i + 4) and ms[j].granularity == "time" and _TIME_GAP.fullmatch(text, a, ms[j].start):
            a = ms[j].end
            j += 1
        if j < n and ms[j].granularity == "day" and ms[j].date_start is not None:
            return ms[j] if _COMMA_GAP.fullmatch(text, a, ms[j].start) else None
        return None

    @staticmethod
    def _adjacent(text: str, a: int, b: int) -> bool:
        if b < a or b - a > 20:
            return False
        m = _GAP_JOIN.fullmatch(text, a, b)
        return m is not None


Handler = Callable[[Scan, "re.Match[str]", str, "date | None"], "Mention | list[Mention] | None"]

#: The handler of each named alternative of the grammar (``grammar.ALTERNATIVES``), by group name.
HANDLERS: dict[str, Handler] = {
    # absolute dates
    "iso": Scan._iso, "num": Scan._num, "md": Scan._md, "th": Scan._th, "dm": Scan._dm, "my": Scan._my,
    "bm": Scan._bm, "q": Scan._q, "qq": Scan._qq, "nd": Scan._nd, "dec": Scan._dec, "cent": Scan._cent,
    "sea": Scan._sea, "hol": Scan._hol,
    # relative to the reference or to the date mentioned before
    "ago": Scan._ago, "anc": Scan._anc, "anp": Scan._anp, "ana": Scan._ana, "inn": Scan._inn,
    "span": Scan._span, "rp": Scan._rp,
    "twe": Scan._twe, "rpo": Scan._rpo, "rd": Scan._rd, "rn": Scan._rn, "wd": Scan._wd,
    # times of day, years, vague references
    "tm": Scan._tm, "tc": Scan._tc, "tmil": Scan._tmil, "tnoon": Scan._tnoon, "yr": Scan._yr, "yq": Scan._yq,
    "pres": Scan._pres, "vpast": Scan._vpast, "vfut": Scan._vfut,
}  # fmt: skip
