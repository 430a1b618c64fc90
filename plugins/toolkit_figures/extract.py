"""Find the figures in one text: rules and lexicons, no model.

One pass of a compiled "number core" regex finds digits, number words, vulgar fractions and vague
quantities ("hundreds of"). Each core is then widened with bounded look-ups at its two ends:
sign, currency, scale ("1.2 million", "$4bn"), percent, unit, qualifier ("up to", "or more"),
truncation ("over 1," at the end of a snippet). Numbers that are not quantities (dates, years,
times, ordinals, codes such as MH17, scores, phone numbers, URLs) are dropped, neighbouring figures
are joined into ranges ("between 10 and 20", "15-20%", "more than 10 and less than 40"), and the
counted noun phrase after each figure is read (for money, a percentage or a measure only after "of",
or when the figure pre-modifies a noun phrase opened by a determiner: "a €50 billion aid package").

Every regex is linear on hostile input: no nested unbounded quantifiers, bounded context windows,
and every scan moves forward (``finditer``), so 1 MB of digits and commas costs one pass.

The public entry point is :func:`extract` (a plain string in, dicts out). This module holds the
reading of number cores and their widening (:meth:`Extractor._finish` and its steps); the pieces
it stands on: ``patterns.py`` (compiled regexes and gates), ``numbers.py`` (number words),
``context.py`` (words around a number), ``figure.py`` (the figure being built), ``ranges.py``
(joining neighbours) and ``counted.py`` (what a figure counts).
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import unicodedata
import warnings
from collections.abc import Iterator
from functools import lru_cache
from itertools import pairwise
from typing import Any

from toolkit_figures.context import (
    _prev_word,
    _qualifier_before,
)
from toolkit_figures.counted import CountedRules
from toolkit_figures.figure import (
    Fig,
    _cut_by_ellipsis,
    _finite,
    bounds,
)
from toolkit_figures.hints import ALL as ALL_HINTS
from toolkit_figures.hints import BAD, DIGITS, SIGNS, WEB, WORDS, last_digit
from toolkit_figures.lexicon import build_lexicon
from toolkit_figures.numbers import ORDINAL_UNITS, VULGAR, parse_words, small_words
from toolkit_figures.params import FiguresParams
from toolkit_figures.patterns import (
    _AND_A_HALF,
    _ARTICLE_BEFORE_UNIT,
    _ASCII_DIGIT,
    _BAD,
    _BAD_FIRST,
    _BAD_FIRST_ASCII,
    _CENTS,
    _CODE_AFTER,
    _COMPARATIVE_AFTER,
    _DAY_MONTH_AFTER,
    _DIGIT_FIRST,
    _DIGIT_RE,
    _DOMAIN,
    _DOZEN,
    _DURATION_AFTER,
    _ELLIPSIS_AFTER,
    _EMAIL,
    _FULL_UNIT,
    _GATE_CACHE_SIZE,
    _GLUED,
    _GROUP_SEPARATORS,
    _HYPHEN_WORD,
    _LAZY_FROM,
    _LETTERS,
    _LETTERS_BEFORE,
    _LONG_WORDS,
    _MAGNITUDE_BEFORE,
    _MIXED_TAIL,
    _MONTH_DOT_BEFORE,
    _NEXT_WORD,
    _OF_GAP,
    _OF_THING,
    _PART_WORDS,
    _PERCENT,
    _PERCENT_COMPOUND,
    _PERCENT_GATE,
    _POINT_AFTER,
    _POWER,
    _RIGHT_QUAL,
    _RIGHT_QUAL_GATE,
    _SCALE_FIRST,
    _SCALE_SHORT_SPACED,
    _SCALE_WORD,
    _SPACE_CHARS,
    _SPACES,
    _SYMBOL_PREFIX,
    _TIME_AFTER,
    _TIME_FIRST,
    _TLD_HINT,
    _TRUNC,
    _URL,
    _WEB_HINT,
    _WORD_AFTER,
    _WORD_BEFORE_END,
    _WORD_KINDS,
    _follow,
    _Gate,
    _match_start,
    _word_re,
)
from toolkit_figures.ranges import RangeRules

# --------------------------------------------------------------------------------------------
# Making figures from number cores


def _make_fraction(raw: str, s: int, e: int) -> Fig | None:
    """A fraction in digits ("3/4", "1 1/2"); None for what looks like a date (9/11) or a ratio (24/7)."""
    parts = raw.split()
    whole = 0.0
    if len(parts) == 2:
        whole = float(parts[0])
        raw = parts[1]
    n, d = raw.split("/")
    num, den = float(n), float(d)
    if den == 0:
        return None
    if not whole:
        # date-like (9/11, 3/12) unless a common fraction; ratios bigger than 1 (24/7) are not fractions
        if num >= den:
            return None
        if den <= 31 and num <= 12 and den not in (2, 3, 4, 5, 6, 8, 16, 10, 100):
            return None
    f = Fig(s, e, whole + num / den, False)
    f.plain = True
    return f


def _percent_unit(word: str) -> str:
    """The unit a percent word names: ``percent``, ``percentage_point`` or ``basis_point``."""
    if ("point" in word and "basis" not in word) or word in ("pp", "ppt"):
        return "percentage_point"
    if "basis" in word or word == "bps":
        return "basis_point"
    return "percent"


def _mixed_scripts(raw: str) -> bool:
    """Whether the digits of ``raw`` come from more than one script (each script's digits are
    a run of ten code points: its zero is the digit's code point minus its value)."""
    zeros = {ord(ch) - unicodedata.digit(ch) for ch in raw if ch.isdigit() and unicodedata.digit(ch, None) is not None}
    return len(zeros) > 1


# --------------------------------------------------------------------------------------------
# The extractor


class _Snippet:
    """The state of one extraction: the text and what reading it has found so far.

    A fresh one is made for every call, so the shared, cached :class:`Extractor` (compiled rules
    only) can read many texts at once from several threads."""

    __slots__ = ("_title_case", "digits_end", "first_digit", "hints", "prev_end", "sign_words", "skipped", "text",
                 "words_before")  # fmt: skip

    def __init__(self, text: str, hints: int = ALL_HINTS) -> None:
        self.text = text
        self.hints = hints  # what the text may hold (:mod:`toolkit_figures.hints`): scans to skip
        self.prev_end = 0  # end of the figure read before the current one (a prefix may not reach into it)
        self.sign_words = True  # whether the text has "minus" or "negative" at all
        self.first_digit = -1  # offset of the first digit, -1 when none
        self.digits_end = len(text)  # end of the last digit match, when known
        self.skipped = 0  # number candidates not read (past max_candidates)
        self._title_case: bool | None = None
        self.words_before: dict[int, tuple[str, int]] = {}  # context._prev_word's memo for this text

    def title_case(self) -> bool:
        """Whether the text is a headline in title case (most long words capitalised)."""
        if self._title_case is None:
            words = _LONG_WORDS.findall(self.text[:300])
            self._title_case = len(words) >= 3 and sum(1 for w in words if w[0].isupper()) / len(words) > 0.6
        return self._title_case


def _in_order(st: _Snippet, digit_matches: list[re.Match], word_matches: list[re.Match]) -> Iterator[re.Match] | None:
    """A snippet-sized text's number cores in order of their start (digits before words on a tie;
    None when there are none), noting on ``st`` where the bad-span scan may start and stop."""
    if not digit_matches:
        st.first_digit = -1  # no number in digits: no bad-span scan needed
        return iter(word_matches) if word_matches else None
    st.digits_end = digit_matches[-1].end()  # the bad-span scan can stop a little past it
    if not word_matches:
        return iter(digit_matches)
    matches = digit_matches + word_matches
    matches.sort(key=_match_start)  # stable: digits before words on a tie
    return iter(matches)


class _Widening:
    """What the steps of :meth:`Extractor._finish` have read around one number core so far."""

    __slots__ = ("alpha_after", "core", "currency", "follow", "follow2", "gates", "hyphen_word", "is_digit",
                 "pos", "pos_follow", "s", "scale", "unit")  # fmt: skip

    def __init__(self, text: str, f: Fig) -> None:
        self.s = f.core_start
        self.pos = f.core_end  # where reading to the right goes on
        self.core = text[f.core_start : f.core_end]
        self.is_digit = not f.words and self.core[:1] not in VULGAR
        self.currency: Any = None  # an ISO code, or (code, scale) from "MUSD" before the amount
        self.scale = 1.0
        self.unit: str | None = None
        self.hyphen_word: tuple[int, int] | None = None
        self.follow = self.follow2 = ""  # the first character / four characters after pos (past spaces)
        self.alpha_after = False
        self.pos_follow = self.pos  # the pos `follow` was read at
        self.gates: tuple[bool, bool, bool, bool] = (False, False, False, False)


class Extractor(CountedRules, RangeRules):
    """The compiled rules for one set of parameters; :meth:`extract` reads one text.

    Nothing about the text being read is stored here (that lives in a :class:`_Snippet` made per
    call), so one cached extractor serves every thread. The two gate dicts are memos of pure
    functions of their key: a race can at worst compute an entry twice.
    """

    def __init__(self, params: FiguresParams) -> None:
        lex = build_lexicon(
            tuple(params.extra_units),
            tuple(params.extra_currencies),
            tuple(params.extra_code_prefixes),
            tuple(params.extra_stopwords),
        )
        self.lex = lex
        self.words_lower = _word_re(lex, False)
        self.words_any = _word_re(lex, True)
        self.words_ascii = _word_re(lex, False, True)
        self.include_durations = params.include_durations
        self.include_years = params.include_years
        self.measured_durations = params.include_measured_durations
        self.max_counted_words = params.max_counted_words
        self.default_dollar = params.default_dollar
        self.max_candidates = params.max_candidates
        self.symbol_chars = frozenset(s[-1] for s in lex.currency_symbols if not s[-1].isalpha())
        self.prefix_codes = {c: c.upper() for c in lex.lower_case_codes}
        # the last letters of the lower-case codes and currency words a number may follow
        self.currency_tail_last = frozenset(w[-1] for w in (*lex.lower_case_codes, *lex.currency_word_ends))
        self.symbols_lower = {k.lower(): v for k, v in lex.currency_symbols.items()}
        self.date_words = lex.months | lex.weekdays
        self.stop_all = lex.stopwords | frozenset(lex.ones) | frozenset(lex.tens) | frozenset(lex.scales)
        # first characters that can start a currency word, a unit or a duration: cheap gates
        words = list(lex.currency_words) + list(lex.currency_adjectives)
        # the first two characters that can start a currency word, a unit or a duration: cheap gates
        # (a one-letter word matches any second character: it is stored with an empty second one)
        self.currency_gate = _Gate(words, fold=True)
        self.unit_gate = _Gate([*lex.units, "°", "º"], fold=False)
        self.duration_gate = _Gate(lex.durations, fold=True)
        self._gates: dict[str, tuple[bool, bool, bool, bool]] = {}
        self._right_gates: dict[str, bool] = {}

    def _gate_flags(self, follow2: str) -> tuple[bool, bool, bool, bool]:
        """The percent, currency, unit and duration gates for the characters after a number, cached
        (the cache is emptied when it grows large, so hostile text cannot make it grow without bound)."""
        flags = (_PERCENT_GATE(follow2), self.currency_gate(follow2), self.unit_gate(follow2),
                 self.duration_gate(follow2))  # fmt: skip
        if len(self._gates) >= _GATE_CACHE_SIZE:
            self._gates.clear()
        self._gates[follow2] = flags
        return flags

    def _right_gate(self, after: str) -> bool:
        """Whether ``after`` (the six characters after a figure) can start a qualifier, cached."""
        ok = _RIGHT_QUAL_GATE(after.lstrip(" \t"))
        if len(self._right_gates) >= _GATE_CACHE_SIZE:
            self._right_gates.clear()
        self._right_gates[after] = ok
        return ok

    # ---- public -------------------------------------------------------------------------
    def extract(self, text: str) -> list[dict]:
        """The figures of ``text`` as dicts, in text order."""
        return self.read(text)[0]

    def read(self, text: str, hints: int = ALL_HINTS) -> tuple[list[dict], int]:
        """The figures of ``text`` as dicts, in text order, and how many number candidates were
        left unread (only with ``max_candidates`` set). ``hints`` (from
        :func:`toolkit_figures.hints.text_hints`) lets it skip scans that cannot find anything."""
        figs, skipped = self.read_figs(text, hints)
        return [f.as_dict(text) for f in figs], skipped

    def read_rows(self, text: str, hints: int = ALL_HINTS) -> tuple[list[tuple], int]:
        """:meth:`read` with each figure as a tuple of ``figure.FIGURE_KEYS``' values, in that order
        (the analysis builds its columns from them without a dict per figure)."""
        figs, skipped = self.read_figs(text, hints)
        return [f.as_row(text) for f in figs], skipped

    def read_figs(self, text: str, hints: int = ALL_HINTS) -> tuple[list[Fig], int]:
        """The figures of ``text`` (finished :class:`Fig` objects) and the number of candidates
        left unread: what :meth:`read` and :meth:`read_rows` give in their own shapes."""
        if not text or not hints & (DIGITS | WORDS):
            return [], 0
        st = _Snippet(text, hints)
        figs = self._cores(st)
        if not figs:
            return [], st.skipped
        figs = self._pair(text, figs)
        for f in figs:
            if f.counted is None and not f.truncated:
                self._counted(text, f)
        for f in figs:
            if f.counted is None and f.kind in ("count", "money", "percent"):
                self._counted_before_of(text, f)
            if f.counted is None and f.kind in ("count", "money", "percent"):
                self._counted_before_verb(text, f, st.words_before)
        for f, g in pairwise(figs):
            # "28 of 33 Russian drones": the first number counts what the second does
            if (
                f.counted is None
                and g.counted
                and f.kind in ("count", "percent")
                and g.kind == "count"
                and _OF_GAP.fullmatch(text, f.end, g.start)
            ):
                f.counted, f.counted_start, f.counted_end = g.counted, g.counted_start, g.counted_end
        # a value past the largest float ("1e300 billion") is no quantity anyone states: not a figure
        return [f for f in figs if _finite(f)], st.skipped

    # ---- cores --------------------------------------------------------------------------
    def _code_is_not_a_label(self, text: str, start: int) -> bool:
        """Letters glued before digits that make them a quantity, not a code: a currency (USD115),
        a scale before a dash (5k-20k), "magnitude-6.9"."""
        if text[start - 1 : start] == "-" and _MAGNITUDE_BEFORE.search(text, max(0, start - 11), start):
            return True
        return self._code_is_money(text, start)

    def _code_is_money(self, text: str, start: int) -> bool:
        """Letters glued before digits that are a currency (USD115, MUSD), or a scale before a dash (5k-20k)."""
        letters = _LETTERS_BEFORE.search(text, max(0, start - 9), start)
        if not letters:
            return False
        if letters.start() > 0 and text[letters.start() - 1].isdigit():
            return True  # 5k-20k: a scale suffix before a dash, not a code
        lt = letters.group(1)
        low = lt.lower()
        codes = self.lex.currency_codes
        if (lt.upper() in codes and (lt.isupper() or low in self.prefix_codes)) or (lt[0] == "M" and lt[1:] in codes):
            return True  # USD115, MUSD 30: money, not a code
        return low in self.symbols_lower

    def _cores(self, st: _Snippet) -> list[Fig]:
        """Every number in the text, widened into a figure or dropped, in text order.

        The candidates stream from the regex scans (never all held at once), so a megabyte of
        "1,1,1,..." costs time and memory in proportion to its length, and every candidate is read
        (``max_candidates``, when set, stops early and says how many were skipped)."""
        text = st.text
        candidates = self._candidates(st)
        if candidates is None:
            return []
        # dates, codes, phone numbers, URLs: scanned once, from just before the first digit
        first = st.first_digit
        bad = (
            self._bad_spans(text, max(0, first - 81), min(len(text), st.digits_end + 80), st.hints)
            if first >= 0
            else []
        )
        figs: list[Fig] = []
        cap = self.max_candidates
        bi = 0
        for n, m in enumerate(candidates, start=1):
            if cap and n > cap:
                st.skipped = 1 + sum(1 for _ in candidates)
                break
            s, e = m.span()
            kind = m.lastgroup
            if kind in _WORD_KINDS:
                e -= 1  # a word match, read on " " + text: its start is the offset in text, its end one past
            if figs and s < figs[-1].end:
                continue  # already read as part of the previous figure ("$12 million")
            if kind in ("dig", "vf", "frac", "vul"):
                if e - s > 40:
                    continue  # 40 digits and more: an identifier, not a quantity
                while bi < len(bad) and bad[bi][1] <= s:
                    bi += 1
                if bi < len(bad) and bad[bi][0] < e:
                    continue
                if kind == "vf":
                    kind = "dig"
            for f in self._make(text, m, kind, s, e):
                st.prev_end = figs[-1].end if figs else 0
                if self._finish(st, f):
                    figs.append(f)
        return figs

    def _candidates(self, st: _Snippet) -> Iterator[re.Match] | None:
        """The number cores of the text in order of their start (digits before words on a tie);
        None when the text has none. A long text gets one lazy stream (memory does not grow with
        its candidates); a snippet-sized one gets lists, sorted in C (faster)."""
        text = st.text
        if st.hints != ALL_HINTS and len(text) <= _LAZY_FROM:
            return self._hinted_candidates(st)
        ascii_text = text.isascii()
        # every digit match starts at a digit or a vulgar fraction, or at a '.' right before a digit:
        # one fast scan finds the first (most snippets have none), the full pattern runs from there
        first = _ASCII_DIGIT.search(text) if ascii_text else _DIGIT_FIRST.search(text)
        st.first_digit = first.start() if first else -1
        low = text.lower()
        # when lower-casing changes offsets (rare letters such as "İ"), match case-insensitively;
        # the word pattern reads the character before each word, hence the space in front
        same = len(low) == len(text)
        words_re = self.words_ascii if ascii_text else self.words_lower if same else self.words_any
        # "minus 5", "negative 3": looked for before a number only when the text has the word at all
        st.sign_words = "minus" in low or "negative" in low
        digits = _DIGIT_RE.finditer(text, max(0, first.start() - 1)) if first is not None else None
        words: Iterator[re.Match] = words_re.finditer(" " + (low if same else text))
        if "full" in low:  # "a full percentage point", "another full point": one of the unit
            words = heapq.merge(words, _FULL_UNIT.finditer(low if same else text), key=_match_start)
        if len(text) > _LAZY_FROM:
            merged = heapq.merge(digits, words, key=_match_start) if digits is not None else words
            head = next(merged, None)
            return None if head is None else itertools.chain((head,), merged)
        digit_matches = list(digits) if digits is not None else []
        return _in_order(st, digit_matches, list(words))

    def _hinted_candidates(self, st: _Snippet) -> Iterator[re.Match] | None:
        """:meth:`_candidates` for a snippet-sized ASCII text whose hints are known: the same
        matches, without the scans the hints rule out (the number-word scan and its lower-casing
        when the text holds no number word, the digit scan when it holds no digit)."""
        text, hints = st.text, st.hints
        first = _ASCII_DIGIT.search(text) if hints & DIGITS else None
        st.sign_words = bool(hints & SIGNS)
        word_matches: list[re.Match] = []
        if hints & WORDS:
            low = text.lower()  # ASCII: the same length, so the lower-case pattern reads it
            words: Iterator[re.Match] = self.words_ascii.finditer(" " + low)
            if "full" in low:  # "a full percentage point", "another full point": one of the unit
                words = heapq.merge(words, _FULL_UNIT.finditer(low), key=_match_start)
            word_matches = list(words)
        digit_matches: list[re.Match] = []
        if first is not None:
            last = last_digit(hints)  # no digit match starts past it (ASCII: no vulgar fractions)
            for m in _DIGIT_RE.finditer(text, max(0, first.start() - 1)):
                digit_matches.append(m)
                if m.end() > last >= 0:
                    break  # the rest of the text holds no digit: no scan to its end for nothing
        st.first_digit = first.start() if first is not None else -1
        return _in_order(st, digit_matches, word_matches)

    def _bad_spans(self, text: str, first: int, limit: int, hints: int = ALL_HINTS) -> list[tuple[int, int]]:
        """Spans of dates, times, phone numbers, codes, URLs, e-mail addresses and domains in
        ``text[first:limit]``, sorted (a number inside one is not a figure)."""
        # every span of _BAD starts at one of _BAD_FIRST's characters: one fast scan finds the first
        # (none to look for when the hints say the text holds no _BAD span)
        start = (_BAD_FIRST_ASCII if text.isascii() else _BAD_FIRST).search(text, first, limit) if hints & BAD else None
        spans = [m.span() for m in _BAD.finditer(text, start.start(), limit)
                 if not (m.lastgroup == "code" and self._code_is_not_a_label(text, m.start()))
                 ] if start else []  # fmt: skip
        if not (hints & WEB and _WEB_HINT.search(text, 0, limit)):
            return spans  # no URL, e-mail address or domain (most texts): one scan instead of four
        head = text[:limit] if limit < len(text) else text
        extra = False
        if "://" in head or "www." in head:
            spans += [m.span() for m in _URL.finditer(text, 0, limit)]
            extra = True
        if "@" in head:
            spans += [m.span() for m in _EMAIL.finditer(text, 0, limit)]
            extra = True
        if _TLD_HINT.search(text, 0, limit):
            spans += [m.span() for m in _DOMAIN.finditer(text, 0, limit)]
            extra = True
        if extra:
            spans.sort()
        return spans

    def _make(self, text: str, m: re.Match, kind: str | None, s: int, e: int) -> list[Fig]:
        """The figures of one core match spanning ``text[s:e]``."""
        if kind == "dig":
            f = self._make_digits(m, s, e)
            return [f] if f is not None else []
        if kind == "frac":
            f = _make_fraction(m.group("frac"), s, e)
            return [f] if f is not None else []
        if kind == "vul":
            return [Fig(s, e, VULGAR[m.group("vul")], False)]
        if kind == "full":
            return [Fig(s, e, 1.0, True)]
        if kind in ("vg", "vm"):
            return self._make_vague(text, m, kind, s, e)
        return self._make_words(text, m, s)

    def _make_digits(self, m: re.Match, s: int, e: int) -> Fig | None:
        """A number written in digits: 1,100, 1.2, 1.250.000, 1.3x10^6, 2^10, 1½."""
        raw = m.group("dig")
        if raw.isdigit() and raw.isascii():  # plain ASCII digits, most numbers: no separator, no power
            vf = m.group("vf")
            return Fig(s, e, float(raw) + VULGAR[vf] if vf else float(raw), False)  # (sep_thousands False)
        if not raw.isascii() and _mixed_scripts(raw):
            return None  # "3,৩০০": digits of two scripts are never one number
        digits = raw.replace(",", "") if raw.isascii() and " " not in raw else _GROUP_SEPARATORS.sub("", raw)
        if " . " in raw:  # tokenised decimal "6 . 2 %"
            digits = raw.replace(" ", "").replace(",", "")
        elif m.group("eu"):  # dots between thousands, a decimal comma: 1.250.000, 1.234,56
            digits = raw.replace(".", "").replace(",", ".")
        pm = _POWER.search(digits) if "x" in digits or "×" in digits else None
        if pm:  # 1.3x10^6, 2.48×10−5
            digits = digits[: pm.start()] + "e" + pm.group(1).replace("−", "-")
        try:
            if "^" in digits:  # 1.1^23, 2.5^-1 (a leading minus applies to the result)
                base, _, power = digits.partition("^")
                exp = int(power.lstrip("+-−"))
                v = float(base) ** (-exp if (power.count("-") + power.count("−")) % 2 else exp)
            else:
                v = float(digits)
        except (ValueError, OverflowError, ZeroDivisionError):
            return None
        if not math.isfinite(v):
            return None  # "1e400" overflows a float: not a quantity anyone states
        vf = m.group("vf")
        if vf:
            v += VULGAR[vf]
        f = Fig(s, e, v, False)
        f.sep_thousands = len(digits) != len(raw)
        return f

    def _make_vague(self, text: str, m: re.Match, kind: str, s: int, e: int) -> list[Fig]:
        """ "thousands of", "hundreds", "scores of", "tens of thousands", "several hundred": a
        quantity no one stated. Qualifier ``vague``, and no value or bounds (never 1,000 as if said)."""
        words = m.group(kind).lower().split()
        if words[0] in ("tens", "scores") and len(words) == 1 and not text.startswith(" of", e):
            return []  # "tens", "scores" alone are rarely quantities ("scores a goal")
        f = Fig(s, e, None, True)
        f.qualifier = "vague"
        f.plain = False
        return [f]

    def _make_words(self, text: str, m: re.Match, s: int) -> list[Fig]:
        """Numbers written in words: "two hundred and five", "a quarter", "three and a half"."""
        lex = self.lex
        span_text = m.group("w")
        toks = [(t.group().lower(), s + t.start(), s + t.end()) for t in _LETTERS.finditer(span_text)]
        out = []
        for a, b, value in parse_words([t for t, _, _ in toks], lex):
            ws, we = toks[a][1], toks[b - 1][2]
            words = [t for t, _, _ in toks[a:b]]
            last = words[-1]
            if len(words) == 1 and last in lex.fractions and last not in ("half", "quarter"):
                continue  # lone ordinal ("third", "fifth")
            if len(words) == 1 and (last in lex.scales or last == "hundred"):
                continue  # a scale word without a number ("million"): not a figure by itself
            if (words[0] in ("a", "an") and last in lex.fractions and last not in ("half", "halves")) or (
                len(words) > 1 and last in ORDINAL_UNITS and last[-1] != "s" and words[-2] in lex.tens
            ):
                # "a third", "one twenty-first" are fractions only before "of", punctuation or the end
                rest = text[we : we + 4]
                by = _prev_word(text, ws)[0] == "by"  # "rose by a fifth"
                if not (
                    rest[:1] in ("", ",", ".", ";", ":", ")", "!", "?") or rest.lower().startswith(" of") or by
                    or _PERCENT_COMPOUND.match(text, we)  # "a quarter-percentage-point cut"
                ):  # fmt: skip
                    continue
            f = Fig(ws, we, value, True)
            out.append(f)
        return out

    # ---- widen one figure and decide whether it is a quantity ---------------------------
    def _finish(self, st: _Snippet, f: Fig) -> bool:
        """Widen one number core into a figure and decide whether it is a quantity.

        The steps run in the order a reader meets the words: what is glued to the digits (a
        truncation, a suffix, a hyphenated word), then what follows (scale, percent, currency, unit),
        then what comes before (currency, sign, qualifier). Each step reads and updates the
        :class:`_Widening` the steps before it left; a step returning False rejects the number."""
        text = st.text
        if f.value is None:
            return self._finish_vague(text, f)
        w = _Widening(text, f)
        # (each step's cheap test is written here, before the call: this runs for every number)
        after = text[w.pos : w.pos + 1]
        if after == "," and w.is_digit and self._read_truncated(text, f, w):
            return True
        if after and (after.isalpha() or after in "²³") and not self._read_glued_suffix(text, f, w):
            return False
        if w.s > 1 and text[w.s - 1] in "-/–" and text[w.s - 2].isdigit():
            f.glued_left = True  # glued to another number by '-' or '/': kept only if a range forms
        if text[w.pos : w.pos + 1] in ("-", "/", "–") and text[w.pos + 1 : w.pos + 2].isdigit():
            f.glued_right = True
        if text[w.pos : w.pos + 1] in ("-", "‐", "‑") and not self._read_hyphen_word(text, f, w):
            return False
        self._read_scale(text, f, w)
        if w.unit is None and w.currency is None:
            self._read_percent(text, f, w)
            self._read_currency_after(text, f, w)
        if w.unit is None and w.currency is None and not self._read_unit_after(text, f, w):
            return False
        if w.alpha_after and self._time_or_day_after(text, f, w):
            return False
        sign = self._read_left(st, f, w)
        self._read_magnitude(text, f, w)
        self._settle(text, f, w, sign, st.words_before)
        if not self._is_quantity(st, f, w.is_digit, w.core):
            return False
        if w.is_digit and f.end == f.core_end and f.kind in ("count", "money") and _ELLIPSIS_AFTER.match(text, f.end):
            _cut_by_ellipsis(f)
        return True

    def _finish_vague(self, text: str, f: Fig) -> bool:
        """A vague quantity ("hundreds of"): only its "of" and its qualifier."""
        e = f.core_end
        if text.startswith(" of", e) and not text.startswith(" of", e + 3):
            f.end = e + 3
        q = _qualifier_before(text, f.core_start, self.lex)
        if q:
            f.start = q[1]
        return True

    def _read_truncated(self, text: str, f: Fig, w: _Widening) -> bool:
        """A number the snippet cut off at a thousands comma: "over 1," at the end or before "…"."""
        t = _TRUNC.match(text, w.pos)
        if not t or "." in w.core:
            return False
        partial = t.group(1)
        f.truncated = True
        f.low = f.value * 1000 + (int(partial.ljust(3, "0")) if partial else 0)
        f.value = None
        f.end = w.pos + 1 + len(partial)
        f.plain = False
        self._left(text, f, currency=None)
        if f.qualifier in ("exact", "approximately"):
            f.qualifier = "at_least" if f.qualifier == "exact" else f.qualifier
        if f.qualifier in ("at_most", "less_than"):
            f.high = None
        return True

    def _read_glued_suffix(self, text: str, f: Fig, w: _Widening) -> bool:
        """Letters glued to the digits: 10k, $4bn, 29km, 115USD; False for 26th, 1990s, 3D, 5G."""
        pos, n = w.pos, len(text)
        if not (w.is_digit and pos < n and (text[pos].isalpha() or text[pos] in "²³")):
            return True
        g = _GLUED.match(text, pos)
        if g is None:
            return True
        suf = g.group()
        low = suf.lower()
        if (low in self.lex.context["not_quantity_suffixes"] or suf in ("a", "b", "c", "d")) and not (
            low == "b" and ("." in w.core or self._has_currency_left(text, w.s))
        ):
            return False
        if not self._glued_meaning(text, w, suf, g.end()):
            return False
        return not (w.pos < n and text[w.pos].isalnum())

    def _glued_meaning(self, text: str, w: _Widening, suf: str, end: int) -> bool:
        """What a glued suffix is (scale, unit, currency, duration); False when none (a code)."""
        lex = self.lex
        low = suf.lower()
        if suf in ("T", "tr") and self._has_currency_left(text, w.s):  # $2.174T
            w.scale = 1e12
        elif suf in lex.suffix_scales:
            if suf == "m" and not self._has_currency_left(text, w.s) and not self._million_context(text, end):
                w.unit = "m"
            else:
                w.scale = lex.suffix_scales[suf]
        elif suf in lex.units:
            w.unit = lex.units[suf]
        elif suf.upper() in lex.currency_codes and (suf.isupper() or low in self.prefix_codes):
            w.currency = suf.upper()
        elif suf[0] == "M" and suf[1:] in lex.currency_codes:
            w.currency = suf[1:]
            w.scale = 1e6
        elif suf in lex.currency_symbols:
            w.currency = lex.currency_symbols[suf]
        elif suf in ("p", "c") and not (w.pos + 1 < len(text) and text[w.pos + 1].isalnum()):  # 145.2p, 99c
            w.currency = "GBX" if suf == "p" else "cent"
        elif suf in lex.durations or low in lex.durations:
            if not self.include_durations:
                return False
            w.unit = low
        else:
            return False  # a code or model name: 3D, 5G, 4x4
        w.pos = end
        return True

    def _read_hyphen_word(self, text: str, f: Fig, w: _Widening) -> bool:
        """A hyphenated word: 7.8-magnitude, 12-hour, one-yen, 6,000-strong; False for twenty-first."""
        pos = w.pos
        if not (pos < len(text) and text[pos] in "-‐‑"):
            return True
        h = _HYPHEN_WORD.match(text, pos)
        if not h:
            return True
        word = h.group(1)
        wl = word.lower()
        lex = self.lex
        if wl in lex.context["hyphen_ordinals"]:
            return False
        pm = _PERCENT.fullmatch(wl.replace("-", " "))
        if pm:  # "a quarter-percentage-point cut", "a 25-basis-point rise"
            w.unit = _percent_unit(pm.group(1).lower())
            f.kind = "percent"
            w.pos = h.end()
            return True
        if wl in lex.durations or wl.split("-")[0] in lex.durations:
            if not (self.include_durations or self._measures_a_thing(text, h.end(), wl)):
                return False
            w.unit = wl.split("-")[0]
        elif word in lex.units or wl in lex.units:
            w.unit = lex.units.get(word) or lex.units[wl]
        elif wl in lex.currency_words:
            w.currency = lex.currency_words[wl]
        elif wl in lex.scales:
            w.scale = lex.scales[wl]
        elif wl == "strong":  # "a 100,000-strong crowd": the crowd is counted
            pass
        elif wl in ("odd", "plus", "some"):
            f.qualifier = "approximately" if wl in ("odd", "some") else "at_least"
        elif wl in ("fold", "times"):
            w.unit = "times"
        else:
            w.hyphen_word = (pos + 1, h.end())  # "6,000-strong", "10-point": a compound adjective
            return True
        w.pos = h.end()
        return True

    def _measures_a_thing(self, text: str, end: int, hyphen_word: str, of: bool = False) -> bool:
        """Whether a duration ending at ``end`` measures a named thing, a numeric claim in news:
        a compound before a noun ("a seven-day mourning period", "a 40-minute operation") or a
        span of something ("14 years of Conservative rule"); not an age ("50-year-old", "14
        years of age") nor a time ("three days ago", "for two weeks"). Off with
        ``include_measured_durations=False``."""
        if not self.measured_durations or hyphen_word.endswith(("-old", "-long")):
            return False
        m = _OF_THING.match(text, end) if of else _WORD_AFTER.match(text, end)
        if not m:
            return False
        word = m.group(2).lower()
        return word not in self.stop_all and word not in self.lex.not_measured and not word.endswith("ly")

    def _read_scale(self, text: str, f: Fig, w: _Widening) -> None:
        """Scale words after the number (1.2 million, $4 bn, 3 lakh crore, 2 dozen), and "half a"."""
        # what follows (past up to two spaces): _follow, written out, as this runs for every number
        j = pos = w.pos
        if text[j : j + 1] in _SPACE_CHARS:
            j += 1
            if text[j : j + 1] in _SPACE_CHARS:
                j += 1
        w.follow, w.follow2, w.pos_follow = text[j : j + 1], text[j : j + 4], pos
        w.alpha_after = w.follow.isalpha()
        # "half a percentage point", "a third of a mile"
        if f.words and w.core.lower().endswith(("half", "quarter", "third")):
            am = _ARTICLE_BEFORE_UNIT.match(text[w.pos : w.pos + 20])
            if am:
                w.pos += am.end()
        if (
            w.is_digit and w.scale == 1.0 and w.unit is None
            and (w.follow in _SCALE_FIRST or text[w.pos : w.pos + 1] == "-")
        ):  # fmt: skip
            self._read_scale_words(text, f, w)
        dz = _DOZEN.match(text, w.pos) if w.follow in ("d", "D") else None
        if dz and w.unit is None:
            w.scale *= 12
            w.pos = dz.end()
        if w.pos != w.pos_follow:  # a scale, an article or "dozen" was read: look again at what follows
            w.follow, w.follow2, w.alpha_after, w.pos_follow = _follow(text, w.pos)
        gates = self._gates.get(w.follow2)
        w.gates = gates if gates is not None else self._gate_flags(w.follow2)

    def _read_scale_words(self, text: str, f: Fig, w: _Widening) -> None:
        lex = self.lex
        word_scale = False
        while True:
            sm = _SCALE_WORD.match(text, w.pos)
            if not sm:
                break
            w.scale *= lex.suffix_scales.get(sm.group(1).lower(), 1.0)
            word_scale = word_scale or len(sm.group(1)) > 3
            w.pos = sm.end()
        hm = _AND_A_HALF.match(text[w.pos : w.pos + 20]) if w.scale > 1.0 else None
        if hm:  # "3 million and a half"
            f.value += 0.5 if hm.group(1).lower() == "half" else 0.25
            w.pos += hm.end()
        elif word_scale and float(f.value).is_integer():
            # "4 thousand 3 hundred and 21", "3 hundred and one": digits and scale words mixed
            f.value, w.scale, w.pos = self._mixed_tail(text, w.pos, f.value, w.scale)
        if w.scale == 1.0:
            sm = _SCALE_SHORT_SPACED.match(text, w.pos)
            if sm and (sm.group(1) in "kKMB" or self._has_currency_left(text, w.s)):
                w.scale = lex.suffix_scales[sm.group(1)]
                w.pos = sm.end()

    def _read_percent(self, text: str, f: Fig, w: _Widening) -> None:
        """35%, 35 per cent, a percentage point, 25 basis points; "half a point" (unit ``point``)."""
        if w.unit is not None or w.currency is not None:
            return
        pm = _PERCENT.match(text, w.pos) if w.follow == "%" or w.gates[0] else None
        if not pm:
            if f.words and w.follow == "p" and w.core.lower().endswith(_PART_WORDS):
                pt = _POINT_AFTER.match(text, w.pos)  # "half a point", "another full point"
                if pt:
                    w.unit = "point"
                    w.pos = pt.end()
            return
        w.unit = _percent_unit(pm.group(1).lower())
        f.kind = "percent"
        w.pos = pm.end()

    def _read_currency_after(self, text: str, f: Fig, w: _Widening) -> None:
        """A currency after the amount: 420 million Swiss francs, 10 €, 115 USD, 15 dollars 50."""
        if w.unit is not None or w.currency is not None:
            return
        if not (w.alpha_after or w.follow in self.symbol_chars or w.follow in "元ரூ"):
            return
        if w.gates[1]:
            self._read_currency_word(text, w)
        if w.currency is None and w.unit is None:
            self._read_currency_symbol_or_code(text, w)
        if w.currency and w.scale == 1.0 and float(f.value).is_integer():
            self._read_cents(text, f, w)
        if w.currency and w.is_digit and w.scale == 1.0:  # "75 USD million"
            sm = _SCALE_WORD.match(text, w.pos)
            if sm:
                w.scale = self.lex.suffix_scales.get(sm.group(1).lower(), 1.0)
                w.pos = sm.end()

    def _read_currency_word(self, text: str, w: _Widening) -> None:
        lex = self.lex
        cm = lex.currency_after_re.match(text, w.pos)
        if not cm:
            return
        word = cm.group(2).lower()
        adj = (cm.group(1) or "").lower()
        iso = lex.currency_adjectives.get(adj) if adj and word not in ("cent", "cents") else None
        cur = lex.currency_words.get(word)
        if word in lex.ambiguous_currency_words and not (cm.group(2).islower() or adj):
            cur = None
        if word == "p" and (cm.start(2) != w.pos):
            cur = None
        if word in ("pound", "pounds") and text.startswith(" of", cm.end()):
            cur = None
            w.unit = "lb"
            w.pos = cm.end()
        if cur:
            if iso and word in lex.national_currency_words:
                cur = iso
            w.currency = cur
            w.pos = cm.end()

    def _read_currency_symbol_or_code(self, text: str, w: _Widening) -> None:
        lex = self.lex
        pos = w.pos
        sym = lex.symbol_after_re.match(text[pos : pos + 8]) if w.follow in lex.symbol_after_first else None
        if sym:
            w.currency = lex.currency_symbols.get(sym.group(1))
            w.pos += sym.end()
            return
        follow = w.follow
        cm2 = _CODE_AFTER.match(text[pos : pos + 9]) if follow.isupper() or follow in "uegrcjiahns" else None
        if not cm2:
            return
        c = cm2.group(2)
        if (
            c.upper() in lex.currency_codes
            and (c.isupper() or c.lower() in self.prefix_codes)
            and not (
                text[pos + cm2.end() : pos + cm2.end() + 2].lstrip()[:1].isdigit()
                and self._has_currency_left(text, w.s)
            )
        ):  # "rmb 10 usd 20": "usd" belongs to the number after it
            w.currency = c.upper()
            w.pos += cm2.end()
            if cm2.group(1):
                w.scale *= 1e6

    def _read_cents(self, text: str, f: Fig, w: _Widening) -> None:
        """ "15 dollars 50", "3 dollars and 50 cents", "thirteen dollars and forty-five cents"."""
        cm3 = _CENTS.match(text, w.pos) if w.currency in self.lex.decimal_currencies else None
        if cm3 and "cent" not in cm3.group(0).lower():
            # without "cents" the amount must end there ("15 dollars 50."), not run into
            # another amount or a noun ("50 dollar 50 dollar", "3,000 dollars two hundred times")
            nxt = _NEXT_WORD.match(text[cm3.end() : cm3.end() + 20])
            if nxt and nxt.group(1).lower() not in ("and", "or", "but"):
                cm3 = None
        if cm3:
            c = cm3.group(1)
            cents = float(c) if c[0].isdigit() else small_words(c, self.lex)
            if cents is not None and cents < 100:
                f.value = f.value + cents / 100
                w.pos = cm3.end()

    def _read_unit_after(self, text: str, f: Fig, w: _Widening) -> bool:
        """A physical unit after the number (2.5 tonnes, 6,000 km, 30 mph); False for a duration
        ("three days") unless ``include_durations``."""
        _, _, in_units, duration_gate = w.gates
        if not (w.unit is None and w.currency is None and (in_units or duration_gate)):
            return True
        lex = self.lex
        um = lex.unit_re.match(text, w.pos) if in_units else None
        if um:
            surface = um.group(1)
            canon = lex.units.get(surface)
            if canon is None:
                canon = lex.units.get(_SPACES.sub(" ", surface))
            if canon is None:
                canon = lex.units.get(surface.lower(), surface.lower())
            if (not (canon in ("degC", "degF") and len(surface) == 1) and canon != "times") or surface == "times":
                w.unit = canon
                w.pos = um.end()
                # "3 times" is a count of occasions unless a comparison follows
                if w.unit == "times" and not _COMPARATIVE_AFTER.match(text[w.pos : w.pos + 12]):
                    w.unit = None
                    w.pos = um.start()
            return True
        dm = _DURATION_AFTER.match(text[w.pos : w.pos + 20])
        if dm and dm.group(1).lower() in lex.durations:
            # a duration ("three days", "15 years") or an age: the timeline's business, unless it
            # measures a named thing ("14 years of Conservative rule")
            if not (self.include_durations or self._measures_a_thing(text, w.pos + dm.end(), "", of=True)):
                return False
            w.unit = dm.group(1).lower()
            w.pos += dm.end()
        return True

    def _time_or_day_after(self, text: str, f: Fig, w: _Widening) -> bool:
        """A time of day ("5 pm", "10 GMT") or a day of a month ("18 June") after the number."""
        if not (f.value is not None and w.is_digit and w.unit is None and w.currency is None and w.alpha_after):
            return False
        follow = w.follow
        if follow in _TIME_FIRST and f.value <= 24 and _TIME_AFTER.match(text, w.pos):
            return True
        dm = _DAY_MONTH_AFTER.match(text, w.pos) if follow.isupper() or follow == "o" else None
        return bool(dm and dm.group(1).lower() in self.lex.months and f.value <= 31 and float(f.value).is_integer())

    def _read_left(self, st: _Snippet, f: Fig, w: _Widening) -> int:
        """The currency written before the amount, then the sign; returns the sign (1 or -1)."""
        text, s = st.text, w.s
        # a minus between the currency sign and the digits: "$-99.99"
        neg_inside = (
            s >= 2 and text[s - 1] in "-−" and text[s - 2] in self.symbol_chars and (s < 3 or text[s - 3] in " \t(\n")
        )
        currency_left, left_start = self._currency_left(text, s - 1 if neg_inside else s)
        left_iso = currency_left[0] if isinstance(currency_left, tuple) else currency_left
        if currency_left and (
            (w.currency is not None and left_iso != w.currency) or (left_start is not None and left_start < st.prev_end)
        ):
            pass  # "10 rmb 20 usd", "50 dollar 50 dollar": the word belongs to the number before
        elif currency_left and left_start is not None:
            if w.currency is None:
                w.currency = currency_left
            f.start = left_start
            if isinstance(currency_left, tuple):
                w.currency, mscale = currency_left
                w.scale *= mscale
        elif left_start is not None:
            f.start = left_start
        if w.currency and w.unit is None and "$" in text[max(0, f.start - 1) : f.start + 4] and w.currency == "USD":
            w.currency = self.default_dollar
        if neg_inside and currency_left:
            return -1
        return self._read_sign(st, f)

    def _read_sign(self, st: _Snippet, f: Fig) -> int:
        """A minus sign or the word "minus"/"negative" before the figure."""
        text, ls = st.text, f.start
        if ls > 0 and text[ls - 1] in "-−" and (ls == 1 or text[ls - 2] in " \t(\n[<>=≤≥~") and not f.glued_left:
            # negative number; a '-' right after a word or digit is a hyphen, not a sign
            if not (ls >= 2 and text[ls - 2] in " " and ls >= 3 and text[ls - 3].isdigit()):
                f.start = ls - 1
                return -1
        elif ls > 1 and text[ls - 1] == " " and text[ls - 2] in "-−" and ls == 2:
            f.start = 0
            return -1
        elif st.sign_words and text[max(0, ls - 10) : ls].rstrip().lower().endswith(("minus", "negative")):
            pw, pws = _prev_word(text, ls)
            if pw in self.lex.sign_words:
                f.start = pws
                return -1
        return 1

    def _read_magnitude(self, text: str, f: Fig, w: _Widening) -> None:
        """ "6.4 on the Richter scale", "magnitude 7.8", "magnitude-7.8"."""
        if w.unit is not None or w.currency is not None:
            return
        if text.startswith(" on the Richter scale", w.pos):
            w.unit = "magnitude"
            w.pos += len(" on the Richter scale")
        elif (
            f.start >= 10
            and "agnitude" in text[f.start - 11 : f.start]
            and _MAGNITUDE_BEFORE.search(text[f.start - 11 : f.start])
        ):
            w.unit = "magnitude"

    def _settle(
        self, text: str, f: Fig, w: _Widening, sign: int, memo: dict[int, tuple[str, int]] | None = None
    ) -> None:
        """Write what was read into the figure: value, unit, kind, span; then its qualifiers."""
        v = f.value * w.scale * sign
        if w.scale != 1.0:
            v = float(f"{v:.15g}")  # 16.4 * 1e6 is 16399999.999999998 in binary floating point
        f.value = v
        f.scale = w.scale != 1.0
        f.unit = w.currency or w.unit
        if w.currency:
            f.kind = "money"
        elif w.unit and f.kind != "percent":
            f.kind = "measure"
        f.plain = not (w.currency or w.unit or f.scale)
        f.end = w.pos
        if w.hyphen_word and f.counted is None:
            f.counted_start, f.counted_end = w.hyphen_word
            f.counted = text[w.hyphen_word[0] : w.hyphen_word[1]]
        self._left(text, f, currency=w.currency, memo=memo)
        after = text[f.end : f.end + 6]
        if after[:1] == "+" or self._right_gates.get(after) is not False:  # (the gate, tested before the call)
            self._right_qualifier(text, f)

    def _mixed_tail(self, text: str, pos: int, value: float, scale: float) -> tuple[float, float, int]:
        """Continue "4 thousand" with "3 hundred and 21": returns (value, scale, end) where the
        figure's value is value * scale."""
        total = value * scale
        last = scale
        for _ in range(4):
            m = _MIXED_TAIL.match(text, pos)
            if not m:
                break
            num, word, small = m.group(1), m.group(2), m.group(3)
            if num and word:
                mult = self.lex.suffix_scales.get(word.lower(), 1.0)
                if mult >= last:
                    break
                total += float(num) * mult
                last = mult
            elif num and m.group(0).lstrip().lower().startswith("and") and float(num) < min(last, 100):
                total += float(num)
                last = 1.0
            elif small and last >= 100:
                v = small_words(small, self.lex)
                if v is not None and m.group(4):  # "6 crore and two hundred"
                    v = v * 100 if v < 10 and last > 1000 else None
                    if v is not None and v >= last:
                        break
                elif v is not None and v >= min(last, 100):
                    break
                if v is None:
                    break
                total += v
                last = 1.0 if v < 100 else 100.0
            else:
                break
            pos = m.end()
        return total, 1.0, pos

    def _million_context(self, text: str, pos: int) -> bool:
        """After a glued lower-case "m" ("3.5m people"): million when a plural noun follows."""
        m = _WORD_AFTER.match(text, pos)
        if not m:
            return False
        w = m.group(2).lower()
        if w in self.lex.length_context:
            return False
        return w in self.lex.context["people_nouns"] or (w.endswith("s") and not w.endswith("ss"))

    def _has_currency_left(self, text: str, s: int) -> bool:
        c, _ = self._currency_left(text, s)
        return bool(c)

    def _currency_left(self, text: str, s: int) -> tuple[Any, int | None]:
        """Currency written before the amount: $, US$, c $, GB £, USD 200, MAUD 60, dollar 22.5.
        (currency, start) — the currency an ISO code, or (code, scale) for "MUSD"; (None, None)."""
        j = s
        while j > 0 and text[j - 1] in " \t\u00a0" and s - j < 2:
            j -= 1
        if j == 0:
            return None, None
        ch = text[j - 1]
        if ch in self.symbol_chars or ch == "元":
            return self._symbol_left(text, j - 1, ch)
        if ch.isalpha():
            return self._code_or_word_left(text, j, s)
        return None, None

    def _symbol_left(self, text: str, k: int, ch: str) -> tuple[Any, int | None]:
        """A currency symbol at ``k``, with the letters glued or one space before it: US$, HK$, c $, GB £."""
        lex = self.lex
        m = _SYMBOL_PREFIX.search(text[max(0, k - 8) : k])
        if m:
            prefix = m.group(1)
            # as written ("US$", "HK$"), or lower-cased when glued or longer than one letter ("hk$",
            # "c $" from tokenised text); never "a $1.2m ransom" read as A$
            cand = [prefix + m.group(2) + ch]
            if not m.group(2) or len(prefix) > 1 or (prefix.islower() and prefix in ("c",)):
                cand.append(prefix + ch)
            for c in cand:
                if c in lex.currency_symbols:
                    return lex.currency_symbols[c], k - len(m.group())
                if (not m.group(2) or len(prefix) > 1) and c.lower() in self.symbols_lower:
                    return self.symbols_lower[c.lower()], k - len(m.group())
        iso = lex.currency_symbols.get(ch)
        return (iso, k) if iso else (None, None)

    def _code_or_word_left(self, text: str, j: int, s: int) -> tuple[Any, int | None]:
        """A currency code or word ending at ``j``: USD 200, MAUD 60, Rs 500, dollar 22.5."""
        lex = self.lex
        ch = text[j - 1]
        if not ch.isupper():
            if ch.lower()[-1:] not in self.currency_tail_last:
                return None, None  # no currency code or word ends in this letter
            tail = text[max(0, j - 8) : j].lower()
            if not (tail[-3:] in self.prefix_codes or tail.endswith(lex.currency_word_ends)):
                return None, None  # a plain word before the number: no currency
        m = _WORD_BEFORE_END.search(text[max(0, j - 9) : j])
        if not m:
            return None, None
        w = m.group(1)
        start = j - len(w)
        up = w.upper()
        if up in lex.currency_codes and (w.isupper() or w.lower() in self.prefix_codes) and up != "ALL":
            return up, start
        if w[0] == "M" and w[1:] in lex.currency_codes and w[1:].isupper():
            return (w[1:], 1e6), start
        if w in lex.currency_symbols and w[0].isupper() and len(w) > 1:  # Rs, Rs., KSh
            return lex.currency_symbols[w], start
        if w.lower() in lex.currency_words_before and s - j >= 1:
            return lex.currency_words[w.lower()], start
        return None, None

    def _left(self, text: str, f: Fig, currency, memo: dict[int, tuple[str, int]] | None = None) -> None:
        """Qualifier before the figure (and "magnitude")."""
        q = _qualifier_before(text, f.start, self.lex, memo)
        if q is None:
            # symbols glued to the number: >10, <-30, ~20, ≥5
            j = f.start
            k = j
            while k > 0 and text[k - 1] in "<>=≤≥~ " and j - k < 4:
                k -= 1
            sym = text[k:j].replace(" ", "")
            if sym and sym in self.lex.before and not (k > 0 and text[k - 1].isdigit()):
                q = (self.lex.before[sym], k)
        if q is None:
            return
        qual, qs = q
        if qual == "exact" and f.qualifier == "exact":
            f.low = f.high = f.value
        elif f.truncated:
            f.qualifier = qual
            f.start = qs
            return
        f.qualifier = qual
        f.start = qs
        bounds(f)

    def _right_qualifier(self, text: str, f: Fig) -> None:
        """ "or more", "or less", "plus", "+", "or so" right after the figure."""
        pos = f.end
        if pos < len(text) and text[pos] == "+" and not text[pos + 1 : pos + 2].isdigit():
            f.end = pos + 1
            if f.qualifier == "exact":
                f.qualifier = "at_least"
                bounds(f)
            return
        after = text[pos : pos + 6]
        ok = self._right_gates.get(after)
        if not (self._right_gate(after) if ok is None else ok):
            return
        found = self._right_phrase(text, pos)
        if found is None:
            return
        qual, phrase, end = found
        if phrase in ("or equal", "or equal to"):  # "more than or equal to 5": at least
            if f.qualifier not in ("more_than", "less_than"):
                return
            f.qualifier = "at_least" if f.qualifier == "more_than" else "at_most"
            f.end = end
            bounds(f)
            return
        if (
            f.qualifier not in ("exact", "approximately")
            and qual != "approximately"
            and not (f.low is not None and f.high is not None and f.low == f.high)
        ):
            return
        f.qualifier = qual
        f.end = end
        f.low = f.high = None
        bounds(f)

    def _right_phrase(self, text: str, pos: int) -> tuple[str, str, int] | None:
        """The qualifier phrase at ``pos``: (qualifier, phrase, end), or None (also when a number
        follows it: "200 or greater than 190", "5 plus 3")."""
        m = _RIGHT_QUAL.match(text[pos : pos + 40])
        if not m:
            return None
        after = self.lex.after
        phrase = " ".join(x.lower() for x in m.groups() if x)
        qual = after.get(phrase)
        next_is_digit = text[pos + m.end() : pos + m.end() + 3].strip()[:1].isdigit()
        if qual is None and m.group(3):
            phrase2 = " ".join(x.lower() for x in m.groups()[:2] if x)
            if after.get(phrase2):
                if next_is_digit:
                    return None  # "200 or greater than 190": the 'than' belongs to the next figure
                qual = after[phrase2]
        if qual is None or (m.group(1) in ("+", "plus") and m.group(2)) or next_is_digit:
            return None
        return qual, phrase, pos + m.end()

    def _is_quantity(self, st: _Snippet, f: Fig, is_digit: bool, core: str) -> bool:
        """Whether the widened number is a quantity, not a date, a label, a code or an idiom.
        (A number glued to another by '-' or '/', 737-800, 4-2, 2012-13, is kept by _pair only as
        a range.)"""
        text = st.text
        # the word directly before (a space or a currency sign between)
        prev, ps = _prev_word(text, f.core_start, " \t\u00a0$£€¥", st.words_before)
        prev_raw = text[ps : ps + len(prev)]
        if f.plain and is_digit and not self._plain_digits_are_quantity(st, f, core, prev, prev_raw):
            return False
        if f.core_start > 0 and text[f.core_start - 1] in "#№":
            return False
        if f.core_start > 0 and text[f.core_start - 1] in "'’" and len(core) == 2:
            return False  # '08
        return not f.words or self._words_are_quantity(st, f, core.lower(), prev)

    def _plain_digits_are_quantity(self, st: _Snippet, f: Fig, core: str, prev: str, prev_raw: str) -> bool:
        """Bare digits: not a day of a month ("June 18", "nov. 6"), a label ("Flight 447", "No. 10",
        "Boeing 737"); a year (2008) is kept only inside a range (``weak``)."""
        text, lex, v = st.text, self.lex, f.value
        if (prev in self.date_words or prev.rstrip(".") in lex.months) and prev_raw[:1].isupper():
            return False  # "June 18", "Friday 13", "March 01, 2008"
        if (
            v is not None and v <= 31 and "." in text[max(0, f.core_start - 4) : f.core_start]
            and _MONTH_DOT_BEFORE.search(text, max(0, f.core_start - 9), f.core_start)
        ):  # fmt: skip
            return False  # "nov. 6", "dec . 12"
        if (
            v is not None and not self.include_years and f.qualifier == "exact"
            and len(core) == 4 and core.isdigit() and 1000 <= v <= 2100
        ):  # fmt: skip
            f.weak = True  # a year (unless a qualifier makes it a count, "over 2000 people")
        if f.sep_thousands or v is None or not float(v).is_integer():
            return True
        if (prev in lex.code_prefixes or prev.rstrip(".") in lex.code_prefixes) and f.qualifier == "exact":
            return False  # Flight 447, Section 230, No. 10
        if (
            prev_raw[:1].isupper() and prev not in lex.capitalised_ok and prev not in lex.before
            and prev not in lex.stopwords and prev not in lex.range_open
            and prev not in lex.months and not prev_raw.endswith(("'s", "’s")) and f.qualifier == "exact"
            and not st.title_case()
        ):  # fmt: skip
            return False  # Boeing 737, Windows 10
        return prev != "#"

    def _words_are_quantity(self, st: _Snippet, f: Fig, w: str, prev: str) -> bool:
        """Number words: not "one" as a pronoun ("no one", "one day"), not "the second half", not
        "64 cents a dozen"."""
        text, lex = st.text, self.lex
        nxt = _NEXT_WORD.match(text[f.end : f.end + 30])
        nw = nxt.group(1).lower() if nxt else ""
        if w == "one" and f.plain:
            if f.qualifier != "exact" or prev in lex.sign_words or f.value != 1:
                return True
            if nw in ("in", "out", "over"):
                f.weak = True  # "one in five": kept only as part of a ratio
                return True
            if prev in lex.one_pronoun_before or not nw or nw in lex.stopwords or nw in lex.not_counted:
                return False  # "no one", "the one", "one of"; "one day"
            if nw.endswith("ly") or text[f.end : f.end + 1] == "-":
                return False
        if w in ("a dozen", "the dozen") and st.prev_end and not text[st.prev_end : f.start].strip():
            return False  # "64 cents a dozen": a price per dozen, not a count
        if w in ("half", "quarter") and f.plain:
            if prev in lex.context["period_ordinals"]:
                return False  # "the second half of the year", "first-quarter": a period, not a share
            if f.qualifier == "exact" and nw not in lex.context["share_followers"] and prev not in ("a", "and"):
                return False
        return not (prev == "the" and w == "one" and f.value == 1)

    # ---- ranges and joined bounds ---------------------------------------------------------


def extract(text: str, params: FiguresParams | None = None, *, snippet_id: str | None = None) -> list[dict]:
    """The figures of one text, as dicts (the ``figures`` table's columns without the ids).

    ``extract("up to 15,000 troops")`` -> one figure, value 15000, qualifier ``at_most``, counted
    "troops". Safe to call from several threads at once (the shared extractor holds compiled
    rules only; what one call reads lives in that call). With ``params.max_candidates`` set, a
    text with more number candidates is read up to there, with a :class:`FiguresWarning` naming
    ``snippet_id`` (or the text's start) and how many were skipped.
    """
    if not text:
        return []
    return read_figures(extractor_of(params), text, params, snippet_id=snippet_id, stacklevel=3)


def extractor_of(params: FiguresParams | None) -> Extractor:
    """The shared extractor for ``params`` (None: the defaults). A loop over many texts takes it
    once: looking it up hashes the parameters."""
    return _default_extractor() if params is None or params is _DEFAULTS else extractor_for(params)


def read_figures(
    ex: Extractor,
    text: str,
    params: FiguresParams | None,
    *,
    snippet_id: str | None = None,
    stacklevel: int = 2,
    hints: int = ALL_HINTS,
) -> list[dict]:
    """:func:`extract` with the extractor already at hand (``ex = extractor_of(params)``) and,
    when known, the text's ``hints`` (:func:`toolkit_figures.hints.hinted`)."""
    figs, skipped = ex.read(text, hints)
    if skipped:
        warn_skipped(ex, text, skipped, snippet_id, stacklevel)
    if params is not None and params.kinds:
        figs = [f for f in figs if f["kind"] in params.kinds]
    return figs


def warn_skipped(ex: Extractor, text: str, skipped: int, snippet_id: str | None, stacklevel: int = 2) -> None:
    """The :class:`FiguresWarning` for a text read only up to ``max_candidates`` (``stacklevel``
    as if ``warnings.warn`` were called where this is)."""
    name = f"snippet {snippet_id!r}" if snippet_id is not None else f"text {text[:40]!r}"
    warnings.warn(
        f"figures: {name}: read its first {ex.max_candidates} number candidates and skipped {skipped} more "
        f"(max_candidates={ex.max_candidates}; 0 reads them all)",
        FiguresWarning,
        stacklevel=stacklevel + 1,
    )


_DEFAULTS = FiguresParams()


class FiguresWarning(UserWarning):
    """Something the figures analysis skipped (candidates past ``max_candidates``)."""


@lru_cache(maxsize=1)
def _default_extractor() -> Extractor:
    """The extractor for the default parameters (no hashing of the parameters on every call)."""
    return extractor_for(_DEFAULTS)


@lru_cache(maxsize=32)
def extractor_for(params: FiguresParams) -> Extractor:
    """The extractor for ``params``: compiled rules only, built once per distinct parameters."""
    return Extractor(params)
