"""The word lists and the one compiled pattern that finds temporal expressions.

Every alternative is a flat sequence of bounded pieces (``\\s{1,3}``, ``\\d{1,2}``, word lists):
there is no nested or unbounded quantifier, so each match attempt is bounded by the longest
alternative and a scan is linear in the length of the text. Month and weekday names are matched
case-sensitively (``May``, ``March`` and ``Sun`` are also ordinary words); relative words such as
``today`` or ``last week`` match in any case.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from toolkit.text import ABBREVIATIONS, MONTHS, WEEKDAYS, read_json, trie_regex
from toolkit_timeline.candidates import StartFilter, trie_class
from toolkit_timeline.optional import without_optional_groups


def load_lexicon() -> dict[str, Any]:
    """The word lists: ``data/lexicon.json`` of this package, with the month and weekday names (ISO
    weekday numbers, Monday = 1) and the sentence abbreviations of :mod:`toolkit.text`."""
    lex: dict[str, Any] = read_json("toolkit_timeline", "lexicon.json")
    lex["months"] = dict(MONTHS)
    lex["weekdays"] = {name: day + 1 for name, day in WEEKDAYS.items()}
    lex["abbreviations"] = sorted(ABBREVIATIONS)
    return lex


def _alt(words: list[str] | set[str]) -> str:
    """An alternation of literal words, longest first (so ``March`` wins over ``Mar``)."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s{1,3}") for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _cased(words: list[str]) -> list[str]:
    """Title-case and upper-case forms of lower-case words (``Sept``, ``SEPT``)."""
    out = []
    for w in words:
        out += [w[:1].upper() + w[1:], w.upper()]
    return out


@dataclass(frozen=True)
class Grammar:
    lexicon: dict[str, Any]
    parts: list[tuple[frozenset[str], str]]
    trigger: re.Pattern[str]
    trigger_at_start: re.Pattern[str]
    starts: StartFilter
    dispatch: Dispatch
    months: dict[str, int]
    weekdays: dict[str, int]
    numbers: dict[str, int]
    vague_numbers: frozenset[str]
    past: frozenset[str]
    future: frozenset[str]
    future_before_to: frozenset[str]
    present: frozenset[str]
    not_past_ed: frozenset[str]
    count_nouns: frozenset[str]
    year_blockers: frozenset[str]
    decade_cues: frozenset[str]
    season_cues: frozenset[str]
    time_cues: frozenset[str]
    abbreviations: frozenset[str]
    month_cues: frozenset[str]
    year_cues: frozenset[str]
    named_days: frozenset[str]
    timezones: dict[str, str]
    holidays_fixed: dict[str, str]
    named_dates: dict[str, str]
    event_name_after: re.Pattern[str]
    named_event_nouns: frozenset[str]
    holiday_blockers_before: frozenset[str]
    holiday_blockers_after: frozenset[str]
    deadline_words: frozenset[str]
    superlatives: frozenset[str]

    @cached_property
    def alternatives(self) -> list[str]:
        """The names of the pattern's alternatives (top-level named groups; sub-groups hold a ``_``)."""
        return [name for name in self.pattern.groupindex if "_" not in name]

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """All alternatives in one pattern (``pattern.finditer`` finds what the extractor finds)."""
        return re.compile(join_parts(self.parts))


#: What "that" / "the same" may name in an anaphora to the date before ("later that day", "that year").
ANAPHORA_UNITS = ("day", "morning", "afternoon", "evening", "night", "week", "month", "quarter", "year")
_YEAR = r"(?:(?:1[0-9]|20)\d\d|2100)"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"


def build_parts(lex: dict[str, Any]) -> list[tuple[frozenset[str], str]]:
    month_words = list(lex["months"])
    full_months = [m for m in month_words if len(m) > 4 or m in ("may", "june", "july")]
    abbr_months = [m for m in month_words if m not in full_months]
    mon = _alt(_cased(month_words))
    mon_full = _alt(_cased(full_months))
    mon_abbr = _alt(_cased(abbr_months))
    wd = _alt(_cased(list(lex["weekdays"])))
    pod = _alt(list(lex["parts_of_day"]))
    season = _alt(list(lex["seasons"]))
    num = _alt(list(lex["number_words"]) + list(lex["vague_numbers"]))
    holi = _alt(list(lex["holidays_fixed"]) + list(lex["holidays_computed"]))
    tz = _alt([*_cased(list(lex["timezones"])), "ET", "PT"])
    ordinal = _alt(list(lex["ordinals"]))
    S = r"\s{1,3}"
    mod = rf"(?:early|mid|late|end(?=-)|the{S}(?:end|beginning|start|middle|close|turn){S}of)"
    # "Thursday morning, October 2, 2025": the weekday and part of day are part of the date
    wd_prefix = rf"(?:(?P<md_wd>{wd})\.?(?:{S}(?P<md_pod>{pod}))?,?{S})?"
    ampm = r"(?:[ap]\.m\.|[ap]m\b|[AP]\.M\.|[AP]M\b)"
    hhmm = r"(?:[01]?\d|2[0-3])"
    parts = [
        # ISO dates and timestamps: 2024-12-26, 2024-12-26T14:30Z
        rf"(?P<iso>(?<![\d/.-])(?P<iso_y>{_YEAR})(?P<iso_sep>[-/])(?P<iso_m>0[1-9]|1[0-2])(?P=iso_sep)"
        r"(?P<iso_d>0[1-9]|[12]\d|3[01])"
        rf"(?:[T ](?P<iso_h>[01]\d|2[0-3]):(?P<iso_mi>[0-5]\d)(?::[0-5]\d(?:\.\d{{1,6}})?)?"
        rf"(?P<iso_z>Z|[+-][01]\d:?[0-5]\d)?)?)(?![\d/-])",
        # dates known by their numbers: 9/11
        rf"(?P<nd>(?<![\w/.,:-])(?P<nd_w>{_alt(list(lex['named_dates']))})(?![\w/]|[.,:-]\d))",
        # numeric dates with a year: 12/26/2024, 26.12.2024, 7/8/07
        r"(?P<num>(?<![\d/.,:-])(?P<num_a>[0-3]?\d)(?P<num_sep>[/.])(?P<num_b>[0-3]?\d)(?P=num_sep)"
        r"(?P<num_y>\d{4}|\d{2}))(?![\d/]|\.\d)",
        # month day [year]: Friday, Dec. 26th, 2024 / Sept 18 / March 01, 2008
        rf"(?P<md>{wd_prefix}(?:(?P<md_mod>early|mid|late){S})?(?P<md_mon>{mon})\.?\s{{0,2}}"
        rf"(?P<md_day>{_DAY})\b(?!\s?(?:%|percent|per\b|[.,:]\d))"
        rf"(?:\s{{0,2}}(?P<md_sep>[-–]|{S}(?:to|through|until|and){S})\s{{0,2}}(?P<md_d2>{_DAY})\b"
        rf"(?!\s?(?:%|percent|per\b|[.,:]\d)))?"
        rf"(?:\s{{0,2}},?{S}(?:in{S})?(?P<md_y>{_YEAR})\b(?![.,:]\d))?)",
        # day month [year]: 26 December 2024, the 26th of December
        rf"(?P<dm>(?:(?P<dm_wd>{wd})\.?(?:{S}(?P<dm_pod>{pod}))?,?{S}(?:the{S})?)?(?<![\d.,$£€])"
        rf"(?:(?P<dm_d1>{_DAY})(?:\s{{0,2}}[-–]\s{{0,2}}|{S}(?:to|and){S}))?(?P<dm_day>{_DAY})"
        rf"{S}(?:of{S})?(?P<dm_mon>{mon})\b\.?(?:\s{{0,2}},?{S}(?P<dm_y>{_YEAR})\b(?![.,:]\d))?)",
        # month year: March 2020, Dec. 2019, March of 2020
        rf"(?P<my>(?:(?P<my_mod>{mod})[-\s]{{1,3}})?(?P<my_mon>{mon})\b\.?,?{S}(?:of{S})?(?:(?P<my_y>{_YEAR})\b"
        rf"|(?P<my_rel>this|last|next){S}year\b)"
        rf"(?![.,:]\d))",
        # a month on its own: in May, last July, early December (checked against its context in code)
        rf"(?P<bm>(?:(?i:(?P<bm_rel>this{S}past|this{S}coming|last|next|this|past|coming)){S})?"
        rf"(?:(?P<bm_mod>{mod})[-\s]{{1,3}})?(?P<bm_mon>{mon})\b(?P<bm_dot>\.)?)",
        # quarters and halves: the first quarter of 2009, Q3 2024, third-quarter, the second half of 2023
        rf"(?P<q>(?i:(?:the{S})?(?P<q_n>{ordinal})[-\s]{{1,3}}(?P<q_u>quarter|half))"
        rf"(?:{S}(?:of{S})?(?:(?P<q_y>{_YEAR})\b|(?i:(?P<q_rel>this|last|next|the){S}(?:fiscal{S})?year)))?)"
        rf"|(?P<qq>\bQ(?P<qq_n>[1-4])(?:{S}(?P<qq_y>{_YEAR}))?\b(?![-/.]\d))",
        # decades and centuries: the 1990s, the '90s, mid-1980s, the 20th century
        rf"(?P<dec>(?:(?i:the){S})?(?:(?P<dec_mod>early|mid|late)[-\s]{{1,3}})?"
        rf"(?:(?P<dec_y>(?:1[0-9]|20)\d0)|(?:(?<!\w)(?P<dec_ap>['’]))?(?P<dec_yy>\d0))['’]?s\b)",
        rf"(?P<cent>(?:(?i:the){S})?(?:(?P<cent_mod>early|mid|late)[-\s]{{1,3}})?"
        rf"(?P<cent_n>1\d|20|21|[1-9])(?:st|nd|rd|th)[-\s]{{1,3}}(?i:century))\b",
        # an ordinal day on its own: (on) the 26th
        rf"(?P<th>(?i:the){S}(?P<th_d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)\b(?!{S}(?:of{S})?(?:{mon})\b))",
        # seasons: last summer, spring 2024, the winter of 2022
        rf"(?P<sea>(?i:(?:(?P<sea_rel>last|next|this|this{S}past|early|late|mid|the){S})?"
        rf"(?P<sea_n>{season}))(?:{S}(?:of{S})?(?P<sea_y>{_YEAR}))?)\b",
        # holidays: Christmas, New Year's Eve, Thanksgiving
        rf"(?P<hol>(?i:(?P<hol_rel>last|next|this){S})?(?P<hol_n>(?i:{holi}))(?:,?{S}(?P<hol_y>{_YEAR}))?)\b",
        # N units ago / in N units / the past N units
        rf"(?P<ago>(?i:(?P<ago_n>\d{{1,3}}|{num}){S}(?P<ago_u>day|week|month|year|decade|hour|minute)s?"
        rf"{S}(?P<ago_w>ago|from{S}now|hence)))\b",
        # N units earlier / later, the previous day: counted from the date mentioned before them
        rf"(?P<anc>(?i:(?P<anc_n>\d{{1,3}}|{num}){S}(?P<anc_u>day|week|month|year)s?{S}(?P<anc_w>earlier|later)))\b"
        rf"(?!{S}than\b)",
        rf"(?P<anp>(?i:the{S}(?:(?P<anp_w>previous|preceding|next|following){S}day|day{S}(?P<anp_b>before|after)"
        r"(?=\s{0,3}[.,;:)]|\s{0,3}$))))\b",
        # the day of the date mentioned before: earlier that same day, later that day, the following morning
        rf"(?P<ana>(?i:(?:(?P<ana_mod>earlier|later){S})?(?:that{S}(?:same{S})?|the{S}same{S})"
        rf"(?P<ana_u>{'|'.join(ANAPHORA_UNITS)})"
        rf"|the{S}(?P<ana_rel>following|next|previous|preceding){S}(?P<ana_pod>morning|afternoon|evening|night)))\b",
        rf"(?P<inn>(?i:\bin{S}(?P<inn_n>\d{{1,3}}|{num}){S}(?P<inn_u>day|week|month|year)s?)\b"
        rf"(?!{S}(?:of|ago|to)\b))",
        rf"(?P<span>(?i:the{S}(?P<span_rel>past|last|next|coming|previous|"
        rf"following){S}(?P<span_n>\d{{1,3}}|{num}){S}(?P<span_u>day|week|month|year|decade|hour)s))\b",
        # relative periods: last week, earlier this month, the end of last year, this fiscal year
        rf"(?P<rp>(?i:(?:(?P<rp_mod>earlier|later|early|late|mid|{mod}){S})?(?:the{S})?"
        rf"(?P<rp_rel>this{S}past|this|last|next|past|coming|previous|current)"
        rf"{S}(?:fiscal{S})?(?P<rp_u>weekend|week|month|year|quarter)))\b",
        rf"(?P<twe>(?i:the{S}weekend))\b",
        rf"(?P<rpo>(?i:(?P<rpo_mod>(?:earlier|later|early|late){S}(?:in|on)|{mod}){S}(?:the{S})?(?P<rpo_u>week|month|year)))\b",
        # yesterday, today, tomorrow (+ part of day), tonight, last night, this morning
        rf"(?P<rd>(?i:(?:(?P<rd_mod>earlier|later){S})?(?P<rd_w>the{S}day{S}before{S}yesterday|"
        rf"the{S}day{S}after{S}tomorrow|yesterday|today|tomorrow|tonight)"
        rf"(?:{S}(?P<rd_pod>{pod}))?))\b(?!-)",
        rf"(?P<rn>(?i:(?P<rn_rel>last|this){S}(?P<rn_pod>{pod})))\b",
        # weekdays: Friday, last Monday, Tuesday night
        rf"(?P<wd>(?:(?P<wd_mod>early|late){S})?(?:(?i:(?P<wd_rel>last|next|this{S}past|this{S}coming|this|coming|past)){S})?(?P<wd_n>{wd})\b(?P<wd_dot>\.)?"
        rf"(?:{S}(?P<wd_pod>{pod})\b)?)",
        # times: 10 a.m., 10:30pm, 14:30 GMT, 0800 UTC, noon, midnight
        rf"(?P<tm>(?<![\d:.,])(?P<tm_h>{hhmm})(?:[:.](?P<tm_mi>[0-5]\d))?\s{{0,2}}(?P<tm_ap>{ampm})"
        rf"(?:{S}(?P<tm_z>{tz})\b)?)",
        rf"(?P<tc>(?<![\d:.,])(?P<tc_h>{hhmm}):(?P<tc_mi>[0-5]\d)(?![\d:])(?:\s{{0,2}}(?:(?P<tc_z>{tz})\b"
        rf"|(?P<tc_h24>h\b|hrs\b|hours\b|(?:local|[A-Z][a-z]{{2,12}}){S}time\b)))?)",
        rf"(?P<tmil>(?<![\d:.,])(?P<tmil_h>[01]\d|2[0-3])(?P<tmil_mi>[0-5]\d)\s{{0,3}}(?P<tmil_z>{tz}|hrs|hours|"
        rf"GMT|UTC)\b)",
        rf"(?P<tnoon>(?i:(?:at|by|before|after|around|until){S})(?P<tnoon_w>noon|midday|midnight)\b)",
        # years: in 2023, 2009-2010, 1957-58, mid-2011, fiscal 2024, '58
        rf"(?P<yr>(?:(?P<yr_mod>(?i:{mod}|fiscal|FY)(?:[-\s]{{1,3}}|(?<=FY)))?(?<![\d.,$£€#/:])(?<!\d[-–])"
        rf"(?P<yr_y>{_YEAR})(?:(?P<yr_sep>[-–/])(?P<yr_y2>{_YEAR}|\d\d))?)\b(?![.,:]\d|[-/]\d|%|\s?(?:%|"
        r"percent)|['’]?s\b))",
        r"(?P<yq>(?<![\w'’])['’](?P<yq_y>\d\d)\b(?![-%.,:]\d|s\b))",
        # vague: now, currently, recently, in the future
        r"(?P<pres>(?i:\b(?:right{S}now|now|currently|nowadays|at{S}present|these{S}days|at{S}the{S}moment))\b"
        r"(?![-’']))".replace("{S}", S),
        r"(?P<vpast>(?i:\b(?:recently|lately|in{S}recent{S}(?:years|months|weeks|days|times)|"
        r"in{S}the{S}past)\b))".replace("{S}", S),
        r"(?P<vfut>(?i:\b(?:in{S}the{S}(?:near{S}|distant{S})?future|in{S}the{S}coming{S}(?:days|weeks|months|"
        r"years)|soon|shortly|in{S}the{S}(?:near|long|short){S}term)\b))".replace("{S}", S),
    ]
    del mon_full, mon_abbr

    def initials(words: list[str]) -> str:
        return "".join(sorted({c for w in words for c in (w[:1].lower(), w[:1].upper())}))

    caps = initials(month_words) + initials(list(lex["weekdays"]))
    wd_caps = initials(list(lex["weekdays"]))
    # The characters each alternative can start with: a failed look-ahead costs one set test, so most
    # positions reject most alternatives at once (a 5x speed-up over trying each in full).
    # fmt: off
    first = {
        "iso": "12", "num": "0-9", "nd": "".join(sorted({w[:1] for w in lex["named_dates"]})),
        "md": caps, "th": "tT", "dm": "0-9" + wd_caps, "my": caps + "emlt",
        "bm": caps + "lLnNtTpPcCemlt", "q": "tTfFsSlL1-4Q",
        "dec": "tTeml0-9'’", "cent": "tTeml1-9", "sea": "lLnNtTeEmMsSaAfFwW",
        "hol": initials([*lex["holidays_fixed"], *lex["holidays_computed"], "last", "next", "this"]),
        "ago": "0-9" + initials(list(lex["number_words"]) + list(lex["vague_numbers"])), "inn": "iI",
        "anp": "tT", "ana": "eElLtT",
        "anc": "0-9" + initials(list(lex["number_words"]) + list(lex["vague_numbers"])),
        "span": "tT", "twe": "tT", "rp": "eElLmMtTpPnNcC", "rpo": "eElLmMtT", "rd": "eElLtTyY", "rn": "lLtT",
        "wd": "lLnNtTcCpPe" + wd_caps, "tm": "0-9", "tc": "0-9", "tmil": "0-2", "tnoon": "aAbBuU",
        "yr": "12emltEMLTfF", "yq": "'’", "pres": "rRnNcCaAtT", "vpast": "rRlLiI", "vfut": "iIsS",
    }
    # fmt: on
    return [(_expand(first[re.match(r"\(\?P<(\w+)>", part).group(1)]), part) for part in parts]  # type: ignore[union-attr]


def _expand(chars: str) -> frozenset[str]:
    """The characters of a regex class body such as ``tT0-9'``."""
    out: set[str] = set()
    i = 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            out |= {chr(c) for c in range(ord(chars[i]), ord(chars[i + 2]) + 1)}
            i += 3
        else:
            out.add(chars[i])
            i += 1
    return frozenset(out)


_PREFIX = r"(?:\b|(?=['’]))"
_DIGIT = re.compile(r"\d")


def join_parts(parts: list[tuple[frozenset[str], str]]) -> str:
    """One pattern of all alternatives, each guarded by a look-ahead on the characters it can start with."""
    return _PREFIX + "(?:" + "|".join(f"(?=[{re.escape(''.join(sorted(c)))}]){p}" for c, p in parts) + ")"


class Dispatch:
    """For each first character, a pattern of only the alternatives that can start with it (same order).

    The extractor knows the character at each candidate position, so it tries 2-6 alternatives
    instead of all of them. Patterns are compiled on first use (a run needs a handful of them), with
    their optional groups as alternations (:mod:`toolkit_timeline.optional`: same matches, cheaper).
    """

    def __init__(self, parts: list[tuple[frozenset[str], str]]):
        self._parts = parts
        self._keys = {
            ch: tuple(i for i, (c, _) in enumerate(parts) if ch in c) for ch in set().union(*(c for c, _ in parts))
        }
        self._compiled: dict[tuple[int, ...], re.Pattern[str]] = {}
        #: What :meth:`get` gave for each character asked so far (the extractor reads it first: one
        #: dict look-up per candidate instead of a method call). Characters at candidate positions
        #: are the trigger's first characters, so it stays small.
        self.by_char: dict[str, re.Pattern[str] | None] = {}

    def source(self, ch: str) -> str | None:
        """The alternatives that can start with ``ch`` in one pattern, as the grammar writes them."""
        key = self._keys.get(ch)
        return None if key is None else _PREFIX + "(?:" + "|".join(self._parts[i][1] for i in key) + ")"

    def get(self, ch: str) -> re.Pattern[str] | None:
        key = self._keys.get(ch)
        if key is None:
            self.by_char[ch] = None
            return None
        pattern = self._compiled.get(key)
        if pattern is None:
            pattern = re.compile(without_optional_groups(self.source(ch)))  # type: ignore[arg-type]
            self._compiled[key] = pattern
        self.by_char[ch] = pattern
        return pattern


def _trie(words: set[str]) -> str:
    """A case-insensitive regex trie of ``words`` built from ``[xX]`` classes: every branch starts
    with a character class, which the regex engine tests without entering the branch, so scanning
    for these words costs a few nanoseconds per position."""
    return trie_regex(words, ignore_case=True)


#: How tm's ``a.m.`` / ``pm`` / ``P.M.`` / ``AM`` start (its ``ampm``: ``[ap]\.m\.|[ap]m\b|[AP]\.M\.|[AP]M\b``): a
#: letter and then a dot or an m, so "16.03 points" or "5 are" is no candidate (issue 14.1: half the
#: digit candidates of the bench pile that no alternative took were such).
_AM_PM = r"(?:[ap][.m]|[AP][.M])"
#: What an expression starting with a digit needs after that digit (issue 14.1: half the candidate
#: positions of news text were digits no alternative could take: counts, prices, "10,000"). Each
#: line is what some alternatives of :func:`build_parts` must see there; the look-ahead only has to
#: let through every position where one of them can match (a test checks it on random text).
_AFTER_FIRST_DIGIT = (
    # iso 2024-12-26, yr 2024 / 2009-10, tmil 0800 GMT, dec 1990s: each starts with 0, 1 or 2 (a year
    # 1xxx / 20xx / 2100, an hour 0x-23) and is four digits that no digit or [.,:] + digit goes on from
    r"(?<=[012])\d{3}(?![.,:]?\d)",
    # num 12/26/2024 26.12.2024, nd 9/11, tc 14:30, tm 10.30pm
    r"|\d?(?:/\d|:[0-5]\d|\.\d\d?\.|\.[0-5]\d\s{0,2}" + _AM_PM + ")",
    r"|0['’]?s",  # dec 90s, 90's
    r"|\d?\s{0,2}" + _AM_PM,  # tm 10 a.m., 10pm
    # ago 3 days ago / 2 weeks from now, anc 2 weeks later: the unit and then the word that counts from it
    r"|\d{0,2}\s{1,3}(?i:day|week|month|year|decade|hour|minute)(?i:s)?\s{1,3}(?i:ago|from|hence|earlier|later)",
    # dm 26 December, 20-26 Dec., 3 to 5 May, 1st of May
    r"|\d?(?:st|nd|rd|th)?(?:\s{0,2}[-–]\s{0,2}\d|\s{1,3}(?:(?:to|and)\s{1,3}\d|(?:of\s{1,3})?{mon}))",
    r"|\d?(?:st|nd|rd|th)[-\s]{1,3}(?i:century)",  # cent 20th century
)
#: Words whose expressions need a particular next character or word: "end-2024" (``mod``), "the day
#: before", "in the past" / "in the near future" (what "in the" can start: ``vpast``, ``vfut``).
_END = "-"
_THE_DAY = r"\s{1,3}(?i:before|after)"
_IN_THE = r"(?i:the)\s{1,3}(?i:past|near|distant|future|coming|long|short)"


def _trigger_words(lex: dict[str, Any]) -> tuple[dict[str, list[str]], set[str], list[str]]:
    """The trie's words (lower case) with the conditions on what follows each, the words whose every
    condition starts with white space, and the digit-initial lexicon entries (see :func:`build_trigger`)."""

    def first(entry: str) -> str:
        return entry.split()[0].rstrip(".")

    def rest(entry: str) -> str:
        """What follows the first word of a lexicon entry, as the pattern writes it (case ignored)."""
        return "(?i:" + _alt([entry[len(first(entry)) :]]) + ")" if entry != first(entry) else ""

    S = r"\s{1,3}"
    ordinals, holidays = list(lex["ordinals"]), [*lex["holidays_fixed"], *lex["holidays_computed"]]
    numbers = [*lex["number_words"], *lex["vague_numbers"]]
    free = r"\b|(?=\d)"
    follows: dict[str, list[str]] = {}
    for entry in [*lex["months"], *lex["weekdays"], *lex["seasons"], *lex["trigger_words"]]:
        follows.setdefault(first(entry), []).append(_END if entry == "end" else free)
    for entry in holidays:  # "Christmas" on its own; "New" only before "Year's"
        follows.setdefault(first(entry), []).append(rest(entry) or free)
    for entry in numbers:  # "two days ago", "several weeks later" (the units of "ago" and "later")
        follows.setdefault(first(entry), []).append(rest(entry) + S + r"(?i:day|week|month|year|decade|hour|minute)")
    quarter = r"(?i:[-\s]{1,3}(?:quarter|half))"
    for entry in ordinals:  # "first quarter", "1st-half"
        follows.setdefault(first(entry), []).append(rest(entry) + quarter)
    # after "the": an ordinal that starts nothing else needs "quarter" or "half" ("the first quarter")
    ordinal_only = {first(w) for w in ordinals} - set(lex["trigger_words"])
    after_the: dict[str, list[str]] = {w: [r"\b"] for w in [*lex["trigger_after_the"], *map(first, lex["seasons"])]}
    after_the.update({first(w): [rest(w) + quarter] for w in ordinals if first(w) in ordinal_only})
    after_the["day"] = [_THE_DAY]
    units = _trie(set(lex["trigger_units"])) + r"\b"
    noon = _trie({"noon", "midday", "midnight"})
    number_words = _alt(numbers)
    # frequent words: only their own conditions, whatever lists they are in; each is white space and
    # then what follows it (``S + "(?:...)"``), which ``toolkit_timeline.candidates.StartFilter`` relies on
    small: dict[str, list[str]] = {}
    for word, after_space in [
        ("the", r"\d|['’]|" + _conditional_trie(after_the)),
        *((w, units) for w in ("a", "an", "some", "many", "few", "several", "one")),
        # "in 3 days", "in two weeks", "in recent years", "in the past", "in the near future"
        ("in", rf"(?:\d{{1,3}}|(?i:{number_words})){S}(?i:day|week|month|year)|(?i:recent)|{_IN_THE}"),
        *((w, noon) for w in ("at", "by", "before", "after", "around", "until")),
        ("at", r"[pP]resent|[tT]he" + S + r"[mM]oment"),
        ("right", r"[nN]ow"),
        ("these", r"[dD]ays"),
        ("that", r"(?:" + _trie(set(ANAPHORA_UNITS) | {"same"}) + r")\b"),
    ]:
        small.setdefault(word, []).append(S + "(?:" + after_space + ")")
    for word in lex["trigger_small_words"]:
        follows.pop(word, None)
    words = {w: c for w, c in {**follows, **small}.items() if w[:1].isalpha()}
    # digit-initial entries ("1st quarter", "9/11", an extra holiday "4th of July"), in full, case ignored
    spelled = sorted({e for e in [*ordinals, *holidays, *numbers, *lex["named_dates"]] if e[:1].isdigit()})
    return words, {w for w in small if w in words}, spelled


def build_trigger(lex: dict[str, Any], first: str | None = None) -> str:
    """What an expression may start with: a digit that something date-like follows, ``'99``, or a
    word an alternative begins with, with what must follow it.

    Frequent small words ("the", "a", "in", "at") only count when the next word can continue an
    expression; so do number words ("two" needs a unit: "two days ago"), ordinals ("first" needs
    "quarter" or "half") and the first word of a holiday of several words ("New" needs "Year's").
    The extractor tries the full pattern only where this matches after a non-word character (and at
    the start of the text), which finds what ``pattern.finditer`` finds, several times faster: the
    scan for a non-word character runs in the regex engine's C skip loop.

    All words, with the condition on what follows each, sit in one trie: the engine settles a
    position with one character test per level instead of trying ten alternatives in turn (1.5x
    faster than the alternatives side by side, issue 14.1). It is used only as a look-ahead, so only
    whether it matches counts, never which branch. Conditions are necessary, never sufficient: each
    lets through every position where some alternative can match (checked on random text by a test).

    ``first``: only the branches that can match where the text's next character is ``first`` (the
    same answer there as the whole, for a fraction of the work: a branch's first character test
    would reject it anyway).
    """
    words, _, spelled = _trigger_words(lex)
    after_digit = "".join(_AFTER_FIRST_DIGIT).replace("{mon}", "(?:" + _alt(_cased(list(lex["months"]))) + ")")
    branches = [r"\d(?:" + after_digit + ")"] if first is None or _DIGIT.match(first) else []
    branches += [f"{re.escape(e[0])}(?i:{_alt([e[1:]])})" for e in spelled if first is None or e[0] == first]
    if first is None or first in "'’":
        branches.append(r"['’]\d\d")
    trie = words if first is None else {w: c for w, c in words.items() if first in trie_class(w.lower()[0])}
    if trie:
        branches.append(_conditional_trie(trie))
    return "(?:" + "|".join(branches) + ")" if branches else "(?!)"


def _conditional_trie(follows: dict[str, list[str]]) -> str:
    """A case-insensitive trie of the words, each ending in a look-ahead on what must follow it."""
    tree: dict[str, Any] = {}
    for word, conditions in follows.items():
        node = tree
        for ch in word.lower():
            node = node.setdefault(ch, {})
        node.setdefault("", []).extend(conditions)

    def emit(node: dict[str, Any]) -> str:
        alts = [
            (re.escape(ch) if ch.lower() == ch.upper() else f"[{ch}{ch.upper()}]") + emit(node[ch])
            for ch in sorted(k for k in node if k)
        ]
        if "" in node:
            alts.append("(?=" + "|".join(node[""]) + ")")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(tree)


def event_name_after(names: list[str]) -> str:
    """What follows a year or season that is part of an event's name: up to two capitalised words,
    then a name such as ``Olympics`` or ``World Cup`` ("the 2024 Summer Olympics", "the 2022 FIFA World
    Cup"). Bounded pieces only (linear)."""
    return r"(?:\s{1,3}(?:[A-Z][a-z]{1,20}|[A-Z]{2,6})){0,2}?\s{1,3}(?:" + _alt(names) + r")\b"


@lru_cache(maxsize=8)
def _compiled(extra_key: str) -> Grammar:
    lex = load_lexicon()
    extra = json.loads(extra_key)
    for key, value in extra.items():
        if isinstance(lex.get(key), dict):
            lex[key] = {**lex[key], **value}
        elif isinstance(lex.get(key), list):
            lex[key] = [*lex[key], *value]
    parts = build_parts(lex)
    at_start = re.compile(build_trigger(lex))
    return Grammar(
        lexicon=lex,
        parts=parts,
        trigger=re.compile(r"[^\w](?=" + at_start.pattern + ")"),
        trigger_at_start=at_start,
        starts=StartFilter(*_trigger_words(lex), lambda ch: build_trigger(lex, ch)),
        dispatch=Dispatch(parts),
        months=dict(lex["months"]),
        weekdays=dict(lex["weekdays"]),
        numbers=dict(lex["number_words"]),
        vague_numbers=frozenset(lex["vague_numbers"]),
        past=frozenset(lex["past_verbs"]),
        future=frozenset(lex["future_words"]),
        future_before_to=frozenset(lex["future_before_to"]),
        present=frozenset(lex["present_words"]),
        not_past_ed=frozenset(lex["not_past_ed"]),
        count_nouns=frozenset(lex["count_nouns"]),
        year_blockers=frozenset(lex["year_blockers_before"]),
        decade_cues=frozenset(lex["decade_cues"]),
        season_cues=frozenset(lex["season_cues"]),
        time_cues=frozenset(lex["time_cues"]),
        abbreviations=frozenset(lex["abbreviations"]),
        month_cues=frozenset(lex["month_cues"]),
        year_cues=frozenset(lex["year_cues"]),
        named_days=frozenset(lex["named_days_not_dates"]),
        timezones=dict(lex["timezones"]),
        holidays_fixed=dict(lex["holidays_fixed"]),
        named_dates={" ".join(k.lower().split()): v for k, v in lex["named_dates"].items()},
        event_name_after=re.compile(event_name_after(lex["event_names"])),
        named_event_nouns=frozenset(lex["named_event_nouns"]),
        holiday_blockers_before=frozenset(lex["holiday_not_dates_before"]),
        holiday_blockers_after=frozenset(lex["holiday_not_dates_after"]),
        deadline_words=frozenset(lex["deadline_words"]),
        superlatives=frozenset(lex["superlative_words"]),
    )


def grammar(extra: dict[str, Any] | None = None) -> Grammar:
    """The compiled grammar, with ``extra`` entries merged into the shipped lexicon (cached)."""
    return _compiled(json.dumps(extra or {}, sort_keys=True))
