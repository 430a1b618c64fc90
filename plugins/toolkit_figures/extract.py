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
"""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache
from itertools import islice, pairwise
from operator import attrgetter, methodcaller

from toolkit_figures.lexicon import Lexicon, trie_regex

VULGAR = {
    "½": 1 / 2, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 1 / 4, "¾": 3 / 4, "⅕": 1 / 5, "⅖": 2 / 5, "⅗": 3 / 5,
    "⅘": 4 / 5, "⅙": 1 / 6, "⅚": 5 / 6, "⅛": 1 / 8, "⅜": 3 / 8, "⅝": 5 / 8, "⅞": 7 / 8,
}  # fmt: skip

_TOKEN_BEFORE = re.compile(r"[A-Za-z][A-Za-z.'’]*|[<>=≤≥~]+|\S")
_WORD_AFTER = re.compile(r"([ \t\u00a0]{1,3})([A-Za-z][A-Za-z'’\-]*)")
_OF = re.compile(
    r"\s{1,3}of(?:\s{1,3}(?:the|those|these|its|their|his|her|our|all|them|whom|which))?(?=\s)", re.IGNORECASE
)
_MIXED_TAIL = re.compile(
    r"[ \t]{1,2}(?:and[ \t]{1,2})?(?:(\d{1,3})(?:[ \t]{1,2}(hundred|thousand|million|billion|lakh|crore)\b)?(?![\d,.])"
    r"|and[ \t]{1,2}((?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[ \t-](?:one|two|three|four|five"
    r"|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen)\b(?:[ \t]{1,2}(hundred)\b)?)",
    re.IGNORECASE,
)
_POWER = re.compile(r"[x×]10(?:\^|\*\*)?([−\-+]?\d{1,3})$")
_SCALE_FIRST = frozenset("tmbhlckTMBHLCK")
_DECIMAL_CURRENCIES = frozenset(
    ("USD", "EUR", "GBP", "CAD", "AUD", "NZD", "HKD", "SGD", "CNY", "CHF", "MXN", "BRL", "ZAR", "INR", "TWD")
)


def _follow(text: str, pos: int) -> tuple[str, str, bool, int]:
    """The first character and first three characters after ``pos`` (past up to two spaces)."""
    j = pos
    n = len(text)
    while j < n and j - pos < 2 and text[j] in " \t\u00a0":
        j += 1
    follow = text[j] if j < n else ""
    return follow, text[j : j + 4], follow.isalpha(), pos


class _Gate:
    """Whether the characters after a number can start one of ``words`` (a cheap test that saves a
    regex call): the first three characters, or a whole shorter word followed by a non-letter."""

    def __init__(self, words, fold: bool):
        ws = [w for w in words if w]
        if fold:  # every casing a text uses (lower, upper, title), so a call needs no lower()
            ws = [v for w in ws for v in (w.lower(), w.upper(), w[:1].upper() + w[1:].lower())]
        self.long = frozenset(w[:3] for w in ws if len(w) >= 3)
        self.short = frozenset(w for w in ws if len(w) < 3)

    def __call__(self, a: str) -> bool:
        if a[:3] in self.long:
            return True
        short = self.short
        return (a[:1] in short and not a[1:2].isalpha()) or (a[:2] in short and not a[2:3].isalpha())


_CURRENCY_WORD_ENDS = ("dollar", "dollars", "euro", "euros", "rs", "rs.", "ksh")
_TIME_FIRST = frozenset("apohgubceijlAPOHGUBCEIJL")
_OF_BEFORE = re.compile(r"(?:([A-Za-z][A-Za-z'’\-]{0,20})[ \t]+)?([A-Za-z][A-Za-z'’\-]{1,20})[ \t]+of[ \t]+\Z")
_OF_GAP = re.compile(
    r"[ \t]{1,3}(?:of|out[ \t]+of)(?:[ \t]{1,3}(?:the|its|their|those|these|all))?[ \t]{1,3}", re.IGNORECASE
)
_TRUNC = re.compile(r",(\d{0,2})[ \t]*(?:\.\.\.|…|$)")
_GLUED = re.compile(r"[A-Za-z²³]{1,12}")
_HYPHEN_WORD = re.compile(r"[-‐‑]([A-Za-z]{1,15}(?:[-‐‑][A-Za-z]{1,10})?)")
_PERCENT = re.compile(
    r"[ \t\u00a0]{0,2}(%|percentage[ \t]+points?|percent[ \t]+points?|per[ \t]*cent(?:age)?s?|percent(?:age)?s?"
    r"|pct|basis[ \t]+points?|bps)(?![A-Za-z])",
    re.IGNORECASE,
)
_SCALE_WORD = re.compile(
    r"(?:[ \t\u00a0]{1,2}|[ \t]*-[ \t]*)"
    r"(thousand|million|billion|trillion|lakhs?|crores?|hundred|bn|mn|mln|bln|tn|trn|tln)(?![A-Za-z])",
    re.IGNORECASE,
)
_SCALE_SHORT_SPACED = re.compile(r"[ \t]{1,2}([kKmMbB])(?![A-Za-z0-9])")
_DOZEN = re.compile(r"[ \t]{1,2}(dozens?|dzs?|dozs?)(?![A-Za-z])", re.IGNORECASE)
_TIME_AFTER = re.compile(
    r"[ \t]{0,2}(?:[ap]\.?m\b\.?|o['’]?clock|hrs\b|h\b|gmt\b|utc\b|bst\b|cet\b|cest\b|est\b|edt\b|pst\b|pdt\b"
    r"|ist\b|jst\b|local\s+time)",
    re.IGNORECASE,
)
_DAY_MONTH_AFTER = re.compile(r"[ \t]{1,2}(?:of[ \t]+)?([A-Z][a-z]{2,8})\b\.?")
_RANGE_GAP = re.compile(
    r"[ \t]*[-‐‑–—~][ \t]*|-?[ \t]{1,3}(?:to|through|thru|and|or|until|till)[ \t]{1,3}(?:-?[ \t]*)?"
    r"|[ \t]*-[ \t]+to[ \t]+",
    re.IGNORECASE,
)
_BOUND_GAP = re.compile(r"[ \t]*,?[ \t]*(?:and|but|,|yet)(?:[ \t]+(?:also|is|was|are|were))?[ \t]+", re.IGNORECASE)
_CENTS = re.compile(
    r"[ \t]{1,2}(?:and[ \t]+)?(\d{1,2}(?![\d%]|[.,]\d)|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[ \t-](?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|one|two|three|four|five|six|seven|eight|nine)(?:[ \t]+cents?)?(?![\w])",
    re.IGNORECASE,
)
_AFTER_COUNTED = re.compile(r"[ \t]{1,2}(or[ \t]+(?:more|fewer|less|so))(?![\w])", re.IGNORECASE)
_RATIO_GAP = re.compile(r"[ \t]{1,3}(?:in|out[ \t]+of)[ \t]{1,3}", re.IGNORECASE)

# Bad spans: numbers inside these are never figures. The cheap digit-anchored patterns run on
# every text with a digit; URLs, e-mail addresses and domains only when a marker is present.
_BAD = re.compile(
    r"""(?=[\d+(’'])(?<![\d.,])(?:
      (?P<date>(?<!\d)\d{1,4}(?P<sep>[/.\-])\d{1,2}(?P=sep)\d{1,4}\b|(?<!\d)(?:1[6-9]|20)\d\d-(?:0[1-9]|1[0-2])\b)
    | (?P<ip>(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}\b)
    | (?P<phone>\+\d{1,3}[\s.\-]?\(?\d{1,4}\)?(?:[\s.\-/]\d{2,5}){1,5}\b|\(\d{2,4}\)[\s.\-]?\d{3,4}[\s.\-]\d{3,4}\b
        |(?<!\d)\d{3}[.\-]\d{3}[.\-]\d{4}\b|(?<!\d)\d{2,5}(?:[\-/]\d{2,5}){2,6}\b)
    | (?P<time>(?<!\d)\d{1,2}:\d{2}(?::\d{2})?\b|(?<![\d.])\d{1,2}(?:[.:]\d{2})?[ \t]?[ap]\.?m\b\.?)
    | (?P<ord>(?<!\d)\d+[ \t]?(?:st|nd|rd|th)\b)
    | (?P<decade>(?<![\w])\d{0,3}0['’]?s\b|['’]\d{2}\b|['’]\d0s\b)
    | (?P<code>(?<=[A-Za-z])\d+(?:[A-Za-z]+\d*)?\b|(?<=[A-Za-z][-‐‑])\d+(?:[A-Za-z]+\d*)?\b
        |(?<![\w])\d+(?![eE][+\-]?\d|x10)[A-Za-z]+\d+[A-Za-z\d]*\b))""",
    re.VERBOSE,
)
_BAD_FIRST = re.compile(r"[\d+(’']")
_BAD_FIRST_ASCII = re.compile(r"[0-9+(']")  # the same for ASCII text, faster
_MONTH_DOT_BEFORE = re.compile(
    r"(?<![A-Za-z])(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[ \t]?\.[ \t]{1,2}\Z", re.IGNORECASE
)
_LETTERS_BEFORE = re.compile(r"(?<![A-Za-z])([A-Za-z]{1,8})[-‐‑]?$")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']{1,2000}")
_EMAIL = re.compile(r"[\w.+\-]{1,64}@[\w\-]{1,63}(?:\.[\w\-]{1,63}){1,6}")
_DOMAIN = re.compile(
    r"\b[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,4}\.(?:com|org|net|gov|edu|int|mil|io|co|uk|info|biz|ly|me|tv)\b(?:/\S{0,2000})?"
)
_TLD_HINT = re.compile(r"\.(?:com|org|net|gov|edu|int|mil|io|co|uk|info|biz|ly|me|tv)\b")
#: any of the markers _bad_spans looks for ("://", "www.", "@", _TLD_HINT): one scan
_WEB_HINT = re.compile(r"://|www\.|@|\.(?:com|org|net|gov|edu|int|mil|io|co|uk|info|biz|ly|me|tv)\b")


_VULGAR_CLASS = "".join(VULGAR)
#: Digits, decimals, fractions and vulgar fractions. The leading look-ahead lets the regex engine
#: skip to the next digit quickly.
_DIGIT_RE = re.compile(
    rf"""(?=[\d.{_VULGAR_CLASS}])(?:
      (?<![\w.])(?P<frac>(?:\d{{1,3}}[ \u00a0]{{1,2}})?\d{{1,3}}/\d{{1,4}})(?![\d/])
    | (?:(?<![\w.])|(?<=[A-Z]{{3}}))(?P<dig>(?:\d{{1,3}}(?=[.,]\d)(?:(?P<eu>(?:\.\d{{3}}){{2,}}(?:,\d{{1,3}})?
              |\.\d{{3}},\d{{1,2}}
              |,\d{{1,2}}(?=[ \u00a0]?(?:million|billion|trillion|mln|bn|mn)\b))(?!\d|[.,]\d)
            |(?:,\d{{2}}){{1,4}},\d{{3}}(?!\d)|(?:,\d{{3}})+(?!\d))
          |\d{{1,3}}(?:[\u00a0\u202f\u2009 ]\d{{3}})+(?![\w])|\d+)
          (?:\.\d+|[ ]\.[ ]\d+(?=[ \t]?%|[ ](?:million|billion|trillion)\b))?
          (?:[eE][+\-]?\d{{1,3}}(?![\w.])|[ ]?[x×][ ]?10(?:\^|\*\*)?[−\-+]?\d{{1,3}}(?![\w.])
          |\^[+\-−]{{0,2}}\d{{1,3}}(?![\w.]))?(?!\d)|\.\d+(?!\d))
          (?P<vf>[{_VULGAR_CLASS}])?
    | (?<![\w.])(?P<vul>[{_VULGAR_CLASS}]))""",
    re.VERBOSE,
)


_DIGIT_FIRST = re.compile(rf"[\d{_VULGAR_CLASS}]")
_ASCII_DIGIT = re.compile(r"[0-9]")  # the same for ASCII text (no other digits, no vulgar fractions), faster
_WORD_KINDS = frozenset(("vg", "vm", "w"))


@lru_cache(maxsize=4)
def _word_re(lex: Lexicon, ignore_case: bool, ascii_text: bool = False) -> re.Pattern:
    """Number words, vague quantities ("hundreds of") and "several hundred", on lower-cased text.

    The pattern starts by consuming the non-word character before the number word (what ``\b``
    would test), so the regex engine jumps from one non-word character to the next instead of
    trying every letter; it runs on the text with one space put in front (see ``Extractor._cores``),
    which makes a match's start the number's offset in the text and its end one past it."""
    nw = list(lex.ones) + list(lex.tens) + ["hundred"] + list(lex.scales) + list(lex.dozen) + list(lex.fractions)
    nw_alt = trie_regex(nw)
    hs = trie_regex(["hundred", *lex.scales, *lex.dozen, *lex.fractions])
    digits_alt = trie_regex(list(lex.ones) + list(lex.tens))
    word_tok = rf"(?:{nw_alt}|an?(?=[\s-]{{1,3}}(?:{hs})\b)|score(?=\s+of\b)|point(?=\s+(?:{digits_alt})\b))"
    vague_words = ["tens", "dozens", "scores", "hundreds", "thousands", "millions", "billions", "trillions"]
    vague = trie_regex(vague_words)
    # the first three letters any match can start with ("a" or "an" and a space or hyphen aside): a
    # look-ahead that turns most words away with one test before the alternatives below are tried
    firsts = trie_regex({w[:3] for w in [*nw, *vague_words, "several", "score", "point"]})
    # for ASCII text, the non-word characters as ranges (a bitmap for the regex engine, faster)
    non_word = r"[\x00-/:-@\[-^`{-\x7f]" if ascii_text else r"[^\w]"
    pattern = rf"""{non_word}(?=an?[\s-]|{firsts})(?:
      (?P<vg>{vague}(?:\s+of\s+(?:thousands|millions|billions))?)\b
    | (?P<vm>(?:several|a\s+few)\s+(?:hundred|thousand|million|billion)s?)\b
    | (?P<w>(?:an?\s+(?=(?:{hs})\b))?{word_tok}
        (?:(?:\s*-\s*(?:and\s*-\s*)?|\s+and\s+|\s+)(?:{word_tok}|firsts?)\b){{0,15}})\b)"""
    return re.compile(pattern, re.VERBOSE | (re.IGNORECASE if ignore_case else 0))


# Small context patterns, compiled once.
_GROUP_SEPARATORS = re.compile(r"[,\u00a0\u202f\u2009 ]")
_LETTERS = re.compile(r"[A-Za-z]+")
_ARTICLE_BEFORE_UNIT = re.compile(
    r"[ \t]{1,2}(?:of[ \t]{1,2})?an?(?=[ \t]{1,2}(?:percentage|per|percent|mile|kilomet|metre|meter|ton|"
    r"pound|dollar|euro|kilo|litre|liter|gallon|barrel|foot|inch|degree|point))",
    re.IGNORECASE,
)
_AND_A_HALF = re.compile(r"[ \t]+and[ \t]+an?[ \t]+(half|quarter)\b", re.IGNORECASE)
_SYMBOL_AFTER = re.compile(r"[ \t\u00a0]{0,2}([$€£¥₹₽₩₺₴₦₱₪₫฿₿₡₾₭元]|ரூ)(?![ \t]?\d)")
_SYMBOL_AFTER_FIRST = frozenset("$€£¥₹₽₩₺₴₦₱₪₫฿₿₡₾₭元ர")  # what _SYMBOL_AFTER can read first (after the spaces)
_CODE_AFTER = re.compile(r"[ \t\u00a0]{1,2}(M?)([A-Za-z]{3})(?![A-Za-z0-9])")
_SPACES = re.compile(r"\s+")
_COMPARATIVE_AFTER = re.compile(r"\s+(?:more|less|larger|bigger|higher|greater|smaller|as)\b")
_DURATION_AFTER = re.compile(r"[ \t\u00a0]{1,2}([A-Za-z]+(?:[ \t]old)?)")
_MAGNITUDE_BEFORE = re.compile(r"magnitude[ \t-]{1,2}$", re.IGNORECASE)
_SYMBOL_PREFIX = re.compile(r"([A-Za-z][A-Za-z.]{0,5})(\s?)$")
_WORD_BEFORE_END = re.compile(r"(?<![A-Za-z])([A-Za-z]{1,7}\.?)$")
_NEXT_WORD = re.compile(r"\s+([A-Za-z'’\-]+)")
_LONG_WORDS = re.compile(r"[A-Za-z]{4,}")
_WORDS_LOWER = re.compile(r"[a-z\-]+")
_RIGHT_QUAL = re.compile(
    r"[ \t]{0,2}(or|and|\+|plus|-?odd)(?:[ \t]{1,2}(more|less|fewer|greater|above|higher|lower|below|over|under|up|so"
    r"|thereabouts|equal))?(?:[ \t]{1,2}(than|to))?(?![A-Za-z])",
    re.IGNORECASE,
)


_match_start = methodcaller("start")
_fig_start = attrgetter("start")


_PERCENT_GATE = _Gate(["percent", "per cent", "percentage", "pct", "pc", "pp", "ppt", "basis", "bps"], fold=True)
_RIGHT_QUAL_GATE = _Gate(["or", "and", "+", "plus", "odd", "-odd"], fold=True)
_GATE_CACHE_SIZE = 4096


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


# --------------------------------------------------------------------------------------------
# Number words


def parse_words(tokens: list[str], lex: Lexicon) -> list[tuple[int, int, float]]:
    """Split a run of number-word tokens into numbers: [(first_token, last_token_excl, value)].

    ``tokens`` are lower-case words (``and``, ``a`` and ``point`` included). "two hundred and five"
    is one number, "three and four" two, "two thirds" 2/3, "one and a half" 1.5, "five and a half
    million" 5.5e6, "half a million" 5e5, "two point five" 2.5, "three twenty-fifths" 3/25 (a compound
    ordinal as the denominator), "two and fifty-four hundredths" 2.54, "one billion and a half million"
    1,000,500,000.
    """
    out: list[tuple[int, int, float]] = []
    i, n = 0, len(tokens)
    ones, tens, scales, fractions = lex.ones, lex.tens, lex.scales, lex.fractions
    while i < n:
        start = i
        total = 0.0  # completed scale groups
        cur = 0.0  # the group being read
        group = 0.0  # the part of `cur` read since the last "and" (a fraction's numerator)
        last = ""  # class of the last token
        last_scale = 1.0
        article = False  # an "a"/"an" standing for one, not yet used
        scale_and = False  # an "and" right after a scale word ("one million and a half")
        while i < n:
            t = tokens[i]
            nxt = tokens[i + 1] if i + 1 < n else ""
            if t in ("a", "an"):
                if last not in ("", "and", "half"):
                    break
                article = True
                last = "a"
            elif t == "and":
                whole = last in ("one", "teen", "ten", "hundred", "scale")
                denominator = _fraction_follows(tokens, i + 1, lex) if whole else 0
                fraction_next = whole and (
                    (nxt in ("a", "an", "one") and i + 2 < n and tokens[i + 2] in fractions) or denominator
                )
                if fraction_next and not (last == "hundred" and nxt in tens and denominator not in (10, 100, 1000)):
                    # "two and three fifths", "two hundred and fifty-four hundredths" (as on a cheque):
                    # a whole number, then a fraction
                    group = 0.0
                    scale_and = last == "scale"
                elif last in ("hundred", "scale") and (nxt in ones or nxt in tens):
                    # "two hundred and five"; after "hundred" the "and" is inside the number, so
                    # "one hundred and thirty fifths" is 130/5
                    if last == "scale":
                        group = 0.0
                    scale_and = last == "scale"
                else:
                    break
                last = "and"
            elif t == "point":
                if last not in ("one", "teen", "ten", "hundred", "scale") or not (nxt in ones or nxt in tens):
                    break
                digits = ""
                j = i + 1
                while j < n and (tokens[j] in ones or tokens[j] in tens):
                    v = (tokens[j] in ones and ones[tokens[j]]) or tens.get(tokens[j], 0)
                    if tokens[j] in tens and j + 1 < n and tokens[j + 1] in ones and ones[tokens[j + 1]] < 10:
                        v += ones[tokens[j + 1]]
                        j += 1
                    digits += str(int(v))
                    j += 1
                cur += float("0." + digits) if digits else 0.0
                i = j
                last = "point"
                if i < n and tokens[i] in scales:
                    continue  # "two point five million"
                break
            elif t in ones:
                v = ones[t]
                if last in ("one", "teen", "a", "frac") or (last == "ten" and (v >= 10 or v == 0)):
                    break
                cur += v
                group += v
                last = "teen" if v >= 10 else "one"
            elif t in tens:
                unit = _ORDINAL_UNITS.get(nxt)
                if unit and (
                    (last in ("one", "teen", "ten", "a") and (nxt[-1] == "s" or article or group == 1))
                    or (last == "hundred" and nxt[-1] == "s")
                ):
                    # a compound ordinal as the denominator: "three twenty-fifths", "a twenty-first"
                    num = 1.0 if last == "a" else group
                    cur = cur - (0.0 if last == "a" else group) + num / (tens[t] + unit)
                    article = False
                    i += 2
                    break
                if last in ("one", "teen", "ten", "a", "frac"):
                    break
                cur += tens[t]
                group += tens[t]
                last = "ten"
            elif t == "hundred":
                if last in ("hundred", "frac"):
                    break
                cur = (cur or 1) * 100
                group = cur
                article = False
                last = "hundred"
            elif t in scales:
                if last == "scale" and scales[t] <= last_scale and not (last_scale == 1e5 and t.startswith("crore")):
                    break
                total = (total + cur) * scales[t] if last == "scale" else total + (cur or 1) * scales[t]
                last_scale = scales[t]
                cur = group = 0.0
                article = False
                last = "scale"
            elif t in lex.dozen:
                total += (cur or 1) * 12
                cur = group = 0.0
                article = False
                last = "dozen"
                i += 1
                break
            elif t in fractions:
                d = fractions[t]
                if article:  # "a half", "one and a half", "half a" handled below
                    frac = 1 / d
                    article = False
                elif last in ("one", "teen", "ten", "hundred"):
                    if t in ("half", "third", "quarter", "fourth", "fifth") and group != 1:
                        break  # "two third" is not a fraction
                    frac = group / d
                    cur -= group
                elif last == "" and t in ("half", "quarter"):
                    frac = 1 / d
                    if nxt in ("a", "an"):  # "half a million"
                        cur = frac
                        last = "half"
                        i += 1
                        continue
                elif last == "scale" and t[-1] == "s" and d >= 100:  # "a hundred thousand millionths"
                    frac = (total + cur) / d
                    total = cur = 0.0
                else:
                    break
                if total and not cur and scale_and and scales.get(nxt, last_scale) < last_scale:
                    total += frac * scales[nxt]  # "one billion and a half million"
                    i += 2
                    break
                if total and not cur and scale_and:  # "one million and a half", "six million and two thirds"
                    total += frac * last_scale
                else:
                    cur += frac
                group = 0.0
                last = "frac"
                if nxt in scales:
                    i += 1
                    continue
                i += 1
                break
            else:
                break
            i += 1
        value = total + cur
        end = i
        while end > start and tokens[end - 1] in ("and", "a", "an", "point"):
            end -= 1
        if end == start:
            i = max(i, start + 1)
            continue
        if not (end - start == 1 and tokens[start] in ("a", "an")):
            out.append((start, end, value))
        i = max(end, start + 1)
    return out


_ORDINAL_UNITS = {
    "first": 1, "firsts": 1, "third": 3, "thirds": 3, "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5,
    "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
}  # fmt: skip
_ROUND_SCALES = frozenset((100.0, 1e3, 1e5, 1e6, 1e7, 1e9, 1e12))
_PLURAL_FRACTIONS = frozenset(("thirds", "quarters", "fifths", "fourths", "halves"))


def _fraction_follows(tokens: list[str], j: int, lex: Lexicon) -> float:
    """The denominator when ``tokens[j:]`` are a numerator of up to three words and a fraction word
    ("three fifths", "fifty-four hundredths": the fraction part of a mixed number after "and"), else 0."""
    k = j
    n = len(tokens)
    while k < n and k - j < 3 and (tokens[k] in lex.ones or tokens[k] in lex.tens):
        k += 1
    if k == j or k >= n:
        return 0
    w = tokens[k]
    if (w in lex.fractions and w not in ("half", "quarter", "third")) or w in _PLURAL_FRACTIONS:
        return lex.fractions[w]
    return 0


# --------------------------------------------------------------------------------------------
# Context helpers


def _words_before(text: str, pos: int, lex: Lexicon, limit: int = 48) -> list[tuple[str, int]]:
    """The last few tokens before ``pos`` (lower-case) with their start offsets, nearest last."""
    lo = max(0, pos - limit)
    window = text[lo:pos]
    return [(m.group().lower(), lo + m.start()) for m in _TOKEN_BEFORE.finditer(window)][-(lex.max_before_words + 2) :]


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.'’")
_SYMBOL_CHARS = frozenset("<>=≤≥~")


def _prev_word(text: str, pos: int, skip: str = " \t\u00a0") -> tuple[str, int]:
    """The word (or comparison symbol run) ending right before ``pos`` after skipping spaces,
    lower-cased, with its start; ("", pos) when there is none. Looks back at most 30 characters."""
    global _prev_word_last
    j = pos
    while j > 0 and text[j - 1] in skip and pos - j < 4:
        j -= 1
    last = _prev_word_last  # the qualifier look-up and the label test often ask for the same word
    if last[0] is text and last[1] == j:
        return last[2]
    k = j
    chars = _WORD_CHARS if j > 0 and text[j - 1] not in _SYMBOL_CHARS else _SYMBOL_CHARS
    while k > 0 and text[k - 1] in chars and j - k < 30:
        k -= 1
    while k < j and text[k] in ".'’":
        k += 1
    word = (text[k:j].lower(), k)
    _prev_word_last = (text, j, word)
    return word


#: (text, position, result) of the last ``_prev_word`` call: one tuple, replaced whole, so that a
#: reader in another thread sees either the old entry or the new one, never half of each
_prev_word_last: tuple = (None, -1, ("", 0))


def _qualifier_before(text: str, pos: int, lex: Lexicon) -> tuple[str, int] | None:
    """A qualifier phrase ending right before ``pos`` (only spaces between): (qualifier, start).

    Walks back one word at a time while the words read so far end some qualifier phrase, and keeps
    the longest phrase that is one ("less than or equal to" beats "equal to")."""
    j = pos
    while j > 0 and text[j - 1] in " \t\u00a0":
        j -= 1
    if j == 0:
        return None
    w, ws = _prev_word(text, j, "")
    if w not in lex.before_suffixes:  # the common case: the word before ends no qualifier phrase
        return (lex.before[w], ws) if w and w in lex.before and not w[0].isalpha() else None
    words: list[str] = []
    best = None
    k = j
    skip = ""
    for _ in range(lex.max_before_words + 1):
        w, ws = _prev_word(text, k, skip)
        if not w:
            break
        skip = " \t\u00a0"
        words.insert(0, w)
        phrase = " ".join(words)
        if phrase not in lex.before_suffixes:
            glued = "".join(words)  # "< =" written with a space
            if glued in lex.before and not w[0].isalpha():
                best = (lex.before[glued], ws)
            break
        if phrase in lex.before:
            before_char = text[ws - 1] if ws > 0 else ""
            if before_char.isalnum() and w[0].isalpha():
                break
            if before_char.isdigit() and not w[0].isalpha():
                break  # 20~100: a dash between two numbers
            best = (lex.before[phrase], ws)
        k = ws
    return best


def _small_words(phrase: str, lex: Lexicon) -> float | None:
    toks = re.split(r"[ \t-]+", phrase.lower())
    parsed = parse_words(toks, lex)
    return parsed[0][2] if len(parsed) == 1 else None


_IRREGULAR = {"person": "people", "persons": "people", "men": "man", "women": "woman", "children": "child",
              "feet": "foot", "teeth": "tooth", "mice": "mouse", "geese": "goose", "lives": "life",
              "wives": "wife", "knives": "knife", "casualties": "casualty", "staff": "staff"}  # fmt: skip


def _singular(word: str) -> str:
    w = word.lower().strip("'’")
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _participle(word: str) -> bool:
    """A past participle or past tense ("pledged", "earmarked"; not "speed" or "seed")."""
    return len(word) > 4 and word.endswith("ed") and not (len(word) == 5 and word.endswith("eed"))


def counted_head(counted: str | None) -> str | None:
    if not isinstance(counted, str) or not counted:
        return None
    return _singular(counted.split()[-1])


# --------------------------------------------------------------------------------------------
# The extractor


class Extractor:
    def __init__(
        self,
        lex: Lexicon,
        include_durations: bool = False,
        include_years: bool = False,
        max_counted_words: int = 5,
        default_dollar: str = "USD",
        max_candidates: int = 2000,
    ) -> None:
        self.lex = lex
        self._prev_end = 0  # end of the figure read before the current one (a prefix may not reach into it)
        self._tc_text: str | None = None
        self._tc_value = False
        self._sign_words = True  # whether the text being read has "minus" or "negative" (set per text)
        self.words_lower = _word_re(lex, False)
        self.words_any = _word_re(lex, True)
        self.words_ascii = _word_re(lex, False, True)
        self.include_durations = include_durations
        self.include_years = include_years
        self.max_counted_words = max_counted_words
        self.default_dollar = default_dollar
        self.max_candidates = max_candidates
        self.symbol_chars = frozenset(s[-1] for s in lex.currency_symbols if not s[-1].isalpha())
        lower_codes = {"usd", "eur", "gbp", "rmb", "cny", "jpy", "inr", "aud", "cad", "chf", "hkd", "nzd", "sgd"}
        self.prefix_codes = {c: c.upper() for c in lower_codes}
        # the last letters of the lower-case codes and currency words a number may follow
        self.currency_tail_last = frozenset(w[-1] for w in (*lower_codes, *_CURRENCY_WORD_ENDS))
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
        if not text:
            return []
        figs = self._cores(text)
        if not figs:
            return []
        figs = self._pair(text, figs)
        for f in figs:
            if f.counted is None and not f.truncated:
                self._counted(text, f)
        for f in figs:
            if f.counted is None and f.kind in ("count", "money", "percent"):
                self._counted_before_of(text, f)
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
        return [f.as_dict(text) for f in figs]

    # ---- cores --------------------------------------------------------------------------
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

    def _cores(self, text: str) -> list[Fig]:
        cap = self.max_candidates
        # every digit match starts at a digit or a vulgar fraction, or at a '.' right before a digit:
        # one fast scan finds the first (most snippets have none), the full pattern runs from there
        # (every match takes at least one character: a text shorter than the cap needs no islice)
        short = len(text) <= cap
        ascii_text = text.isascii()
        first = _ASCII_DIGIT.search(text) if ascii_text else _DIGIT_FIRST.search(text)
        if first:
            found = _DIGIT_RE.finditer(text, max(0, first.start() - 1))
            digit_matches = list(found if short else islice(found, cap))
        else:
            digit_matches = []
        low = text.lower()
        # when lower-casing changes offsets (rare letters such as "İ"), match case-insensitively;
        # the word pattern reads the character before each word, hence the space in front
        same = len(low) == len(text)
        words_re = self.words_ascii if ascii_text else self.words_lower if same else self.words_any
        found = words_re.finditer(" " + (low if same else text))
        word_matches = list(found if short else islice(found, cap))
        if not digit_matches and not word_matches:
            return []
        # "minus 5", "negative 3": looked for before a number only when the text has the word at all
        self._sign_words = "minus" in low or "negative" in low
        matches = digit_matches + word_matches
        if digit_matches and word_matches:
            matches.sort(key=_match_start)
        # dates, codes, phone numbers, URLs: scanned once, up to the last number read
        bad: list[tuple[int, int]] = []
        if digit_matches:
            lo, hi = digit_matches[0].start() - 80, digit_matches[-1].end() + 80
            bad = self._bad_spans(text, lo if lo > 0 else 0, hi if hi < len(text) else len(text))
        figs: list[Fig] = []
        budget = cap
        bi = 0
        for m in matches:
            budget -= 1
            if budget < 0:
                break  # a pathological snippet: read its first max_candidates numbers only
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
            made = self._make(text, m, kind, s, e)
            budget -= len(made) - 1
            for f in made:
                self._prev_end = figs[-1].end if figs else 0
                if self._finish(text, f):
                    figs.append(f)
        return figs

    def _bad_spans(self, text: str, first: int, limit: int) -> list[tuple[int, int]]:
        """Spans of dates, times, phone numbers, codes, URLs, e-mail addresses and domains in
        ``text[first:limit]``, sorted (a number inside one is not a figure)."""
        # every span of _BAD starts at one of _BAD_FIRST's characters: one fast scan finds the first
        start = (_BAD_FIRST_ASCII if text.isascii() else _BAD_FIRST).search(text, first, limit)
        spans = [m.span() for m in _BAD.finditer(text, start.start(), limit)
                 if not (m.lastgroup == "code" and self._code_is_money(text, m.start()))] if start else []  # fmt: skip
        if not _WEB_HINT.search(text, 0, limit):
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
        lex = self.lex
        if kind == "dig":
            raw = m.group("dig")
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
                return []
            vf = m.group("vf")
            if vf:
                v += VULGAR[vf]
            f = Fig(s, e, v, False)
            f.sep_thousands = len(digits) != len(raw)
            return [f]
        if kind == "frac":
            raw = m.group("frac")
            parts = raw.split()
            whole = 0.0
            if len(parts) == 2:
                whole = float(parts[0])
                raw = parts[1]
            n, d = raw.split("/")
            num, den = float(n), float(d)
            if den == 0:
                return []
            if not whole:
                # date-like (9/11, 3/12) unless a common fraction; ratios bigger than 1 (24/7) are not fractions
                if num >= den:
                    return []
                if den <= 31 and num <= 12 and den not in (2, 3, 4, 5, 6, 8, 16, 10, 100):
                    return []
            f = Fig(s, e, whole + num / den, False)
            f.plain = True
            return [f]
        if kind == "vul":
            return [Fig(s, e, VULGAR[m.group("vul")], False)]
        if kind == "vg":
            words = m.group("vg").lower().split()
            first = words[0]
            lo_mult, hi_mult, base = lex.vague[first]
            if len(words) >= 3:  # tens of thousands
                base2 = lex.vague[words[-1]][2]
                base = base * base2
            if first in ("tens", "scores") and not text.startswith(" of", e):
                return []
            f = Fig(s, e, None, True)
            f.low, f.high = lo_mult * base, (hi_mult + 1) * base - 1
            f.qualifier = "range"
            f.plain = False
            return [f]
        if kind == "vm":
            words = m.group("vm").lower().split()
            mult = " ".join(words[:-1])
            lo_mult, hi_mult = lex.vague_multipliers[mult]
            scale_word = words[-1].rstrip("s")
            base = 100.0 if scale_word == "hundred" else lex.scales[scale_word]
            f = Fig(s, e, None, True)
            f.low, f.high = lo_mult * base, hi_mult * base
            f.qualifier = "range"
            f.plain = False
            return [f]
        # number words
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
                len(words) > 1 and last in _ORDINAL_UNITS and last[-1] != "s" and words[-2] in lex.tens
            ):
                # "a third", "one twenty-first" are fractions only before "of", punctuation or the end
                rest = text[we : we + 4]
                by = _prev_word(text, ws)[0] == "by"  # "rose by a fifth"
                if not (rest[:1] in ("", ",", ".", ";", ":", ")", "!", "?") or rest.lower().startswith(" of") or by):
                    continue
            f = Fig(ws, we, value, True)
            out.append(f)
        return out

    # ---- widen one figure and decide whether it is a quantity ---------------------------
    def _finish(self, text: str, f: Fig) -> bool:
        lex = self.lex
        n = len(text)
        s, e = f.core_start, f.core_end
        core = text[s:e]
        if f.value is None:  # vague quantity: only its "of" and qualifier
            if text.startswith(" of", e) and not text.startswith(" of", e + 3):
                f.end = e + 3
            q = _qualifier_before(text, s, lex)
            if q:
                f.start = q[1]
            return True

        is_digit = not f.words and core[:1] not in VULGAR
        currency = None
        scale = 1.0
        unit = None
        pos = e

        # --- truncated number at the end of the snippet or before an ellipsis: "over 1,"
        if is_digit and pos < n and text[pos] == ",":
            t = _TRUNC.match(text, pos)
            if t and "." not in core:
                partial = t.group(1)
                f.truncated = True
                f.low = f.value * 1000 + (int(partial.ljust(3, "0")) if partial else 0)
                f.value = None
                f.end = pos + 1 + len(partial)
                f.plain = False
                self._left(text, f, currency=None)
                if f.qualifier in ("exact", "approximately"):
                    f.qualifier = "at_least" if f.qualifier == "exact" else f.qualifier
                if f.qualifier in ("at_most", "less_than"):
                    f.high = None
                return True

        # --- glued suffix letters: 10k, $4bn, 29km, 26th, 1990s, 3D, 115USD
        g = _GLUED.match(text, pos) if is_digit and pos < n and (text[pos].isalpha() or text[pos] in "²³") else None
        if g is not None:
            suf = g.group()
            low = suf.lower()
            if (
                low in ("st", "nd", "rd", "th", "s", "am", "pm", "h", "hrs", "hr") or suf in ("a", "b", "c", "d")
            ) and not (low == "b" and ("." in core or self._has_currency_left(text, s))):
                return False
            if suf in ("T", "tr") and self._has_currency_left(text, s):  # $2.174T
                scale = 1e12
                pos = g.end()
            elif suf in lex.suffix_scales:
                if suf == "m" and not self._has_currency_left(text, s) and not self._million_context(text, g.end()):
                    unit = "m"
                else:
                    scale = lex.suffix_scales[suf]
                pos = g.end()
            elif suf in lex.units:
                unit = lex.units[suf]
                pos = g.end()
            elif suf.upper() in lex.currency_codes and (suf.isupper() or low in self.prefix_codes):
                currency = suf.upper()
                pos = g.end()
            elif suf[0] == "M" and suf[1:] in lex.currency_codes:
                currency = suf[1:]
                scale = 1e6
                pos = g.end()
            elif suf in lex.currency_symbols:
                currency = lex.currency_symbols[suf]
                pos = g.end()
            elif suf in ("p", "c") and not (pos + 1 < n and text[pos + 1].isalnum()):  # 145.2p, 99c
                currency = "GBX" if suf == "p" else "cent"
                pos = g.end()
            elif suf in lex.durations or low in lex.durations:
                if not self.include_durations:
                    return False
                unit = low
                pos = g.end()
            else:
                return False  # a code or model name: 3D, 5G, 4x4
            if pos < n and text[pos].isalnum():
                return False
        # --- glued to another number by '-' or '/' on the left (kept only if a range forms)
        if s > 1 and text[s - 1] in "-/–" and text[s - 2].isdigit():
            f.glued_left = True
        if pos + 1 < n and text[pos] in "-/–" and text[pos + 1].isdigit():
            f.glued_right = True

        # --- hyphenated word: 7.8-magnitude, 12-hour, one-yen, 6,000-strong, twenty-first
        hyphen_word = None
        if pos < n and text[pos] in "-‐‑":
            h = _HYPHEN_WORD.match(text, pos)
            if h:
                w = h.group(1)
                wl = w.lower()
                if wl in ("st", "nd", "rd", "th", "first", "second", "third", "fourth", "fifth", "sixth",
                          "seventh", "eighth", "ninth"):  # fmt: skip
                    return False
                if wl in lex.durations or wl.split("-")[0] in lex.durations:
                    if not self.include_durations:
                        return False
                    unit = wl.split("-")[0]
                    pos = h.end()
                elif w in lex.units or wl in lex.units:
                    unit = lex.units.get(w) or lex.units[wl]
                    pos = h.end()
                elif wl in lex.currency_words:
                    currency = lex.currency_words[wl]
                    pos = h.end()
                elif wl in lex.scales:
                    scale = lex.scales[wl]
                    pos = h.end()
                elif wl == "strong":  # "a 100,000-strong crowd": the crowd is counted
                    pos = h.end()
                elif wl in ("odd", "plus", "some"):
                    f.qualifier = "approximately" if wl in ("odd", "some") else "at_least"
                    pos = h.end()
                elif wl in ("fold", "times"):
                    unit = "times"
                    pos = h.end()
                else:
                    hyphen_word = (pos + 1, h.end())  # "6,000-strong", "10-point": a compound adjective

        # the first characters after the number (past up to two spaces) gate the look-ups below
        # (_follow, written out: this runs for every number)
        j = pos
        if j < n and text[j] in " \t\u00a0":
            j += 1
            if j < n and text[j] in " \t\u00a0":
                j += 1
        follow, follow2, pos_follow = text[j : j + 1], text[j : j + 4], pos
        alpha_after = follow.isalpha()
        # "half a percentage point", "a third of a mile"
        if f.words and core.lower().endswith(("half", "quarter", "third")):
            am = _ARTICLE_BEFORE_UNIT.match(text[pos : pos + 20])
            if am:
                pos += am.end()
        # --- scale words: 1.2 million, $4 bn, 3 lakh crore
        if is_digit and scale == 1.0 and unit is None and (follow in _SCALE_FIRST or text[pos : pos + 1] == "-"):
            word_scale = False
            while True:
                sm = _SCALE_WORD.match(text, pos)
                if not sm:
                    break
                scale *= lex.suffix_scales.get(sm.group(1).lower(), 1.0)
                word_scale = word_scale or len(sm.group(1)) > 3
                pos = sm.end()
            hm = _AND_A_HALF.match(text[pos : pos + 20]) if scale > 1.0 else None
            if hm:  # "3 million and a half"
                f.value += 0.5 if hm.group(1).lower() == "half" else 0.25
                pos += hm.end()
            elif word_scale and float(f.value).is_integer():
                # "4 thousand 3 hundred and 21", "3 hundred and one": digits and scale words mixed
                f.value, scale, pos = self._mixed_tail(text, pos, f.value, scale)
            if scale == 1.0:
                sm = _SCALE_SHORT_SPACED.match(text, pos)
                if sm and (sm.group(1) in "kKMB" or self._has_currency_left(text, s)):
                    scale = lex.suffix_scales[sm.group(1)]
                    pos = sm.end()
        dz = _DOZEN.match(text, pos) if follow in ("d", "D") else None
        if dz and unit is None:
            scale *= 12
            pos = dz.end()

        if pos != pos_follow:  # a scale, an article or "dozen" was read: look again at what follows
            follow, follow2, alpha_after, pos_follow = _follow(text, pos)
        # --- percent
        # which look-ups the characters after the number can start (cached: a few hundred distinct keys)
        gates = self._gates.get(follow2)
        if gates is None:
            gates = self._gate_flags(follow2)
        percent_gate, currency_gate, unit_gate, duration_gate = gates
        pm = _PERCENT.match(text, pos) if follow == "%" or percent_gate else None
        if pm and unit is None and currency is None:
            word = pm.group(1).lower()
            if ("point" in word and "basis" not in word) or word in ("pp", "ppt"):
                unit = "percentage_point"
            elif "basis" in word or word == "bps":
                unit = "basis_point"
            else:
                unit = "percent"
            f.kind = "percent"
            pos = pm.end()
        # --- currency after: 420 million finnish markka, 10 €, 115 USD, 100 yuan
        if unit is None and currency is None and (alpha_after or follow in self.symbol_chars or follow in "元ரூ"):
            cm = self.lex.currency_after_re.match(text, pos) if currency_gate else None
            if cm:
                word = cm.group(2).lower()
                adj = (cm.group(1) or "").lower()
                iso = lex.currency_adjectives.get(adj) if adj and word not in ("cent", "cents") else None
                cur = lex.currency_words.get(word)
                if word in ("won", "real", "rand", "p", "mark", "marks", "dong", "lari") and not (
                    cm.group(2).islower() or adj
                ):
                    cur = None
                if word == "p" and (cm.start(2) != pos):
                    cur = None
                if word in ("pound", "pounds") and text.startswith(" of", cm.end()):
                    cur = None
                    unit = "lb"
                    pos = cm.end()
                if cur:
                    if iso and word in ("dollar", "dollars", "pound", "pounds", "franc", "francs", "peso", "pesos",
                                        "rupee", "rupees", "krona", "krone", "kroner", "dinar", "dinars", "lira",
                                        "riyal", "riyals", "won", "yen", "yuan", "shilling", "shillings", "mark",
                                        "marks"):  # fmt: skip
                        cur = iso
                    currency = cur
                    pos = cm.end()
            if currency is None and unit is None:
                sym = _SYMBOL_AFTER.match(text[pos : pos + 8]) if follow in _SYMBOL_AFTER_FIRST else None
                if sym:
                    currency = lex.currency_symbols.get(sym.group(1))
                    pos += sym.end()
                else:
                    cm2 = (
                        _CODE_AFTER.match(text[pos : pos + 9]) if follow.isupper() or follow in "uegrcjiahns" else None
                    )
                    if cm2:
                        c = cm2.group(2)
                        if (
                            c.upper() in lex.currency_codes
                            and (c.isupper() or c.lower() in self.prefix_codes)
                            and not (
                                text[pos + cm2.end() : pos + cm2.end() + 2].lstrip()[:1].isdigit()
                                and self._has_currency_left(text, s)
                            )
                        ):  # "rmb 10 usd 20": "usd" belongs to the number after it
                            currency = c.upper()
                            pos += cm2.end()
                            if cm2.group(1):
                                scale *= 1e6
            if currency and scale == 1.0 and float(f.value).is_integer():
                # "15 dollars 50", "3 dollars and 50 cents", "thirteen dollars and forty-five cents"
                cm3 = _CENTS.match(text, pos) if currency in _DECIMAL_CURRENCIES else None
                if cm3 and "cent" not in cm3.group(0).lower():
                    # without "cents" the amount must end there ("15 dollars 50."), not run into
                    # another amount or a noun ("50 dollar 50 dollar", "3,000 dollars two hundred times")
                    nxt = _NEXT_WORD.match(text[cm3.end() : cm3.end() + 20])
                    if nxt and nxt.group(1).lower() not in ("and", "or", "but"):
                        cm3 = None
                if cm3:
                    c = cm3.group(1)
                    cents = float(c) if c[0].isdigit() else _small_words(c, lex)
                    if cents is not None and cents < 100:
                        f.value = f.value + cents / 100
                        pos = cm3.end()
            if currency and is_digit and scale == 1.0:  # "75 USD million"
                sm = _SCALE_WORD.match(text, pos)
                if sm:
                    scale = lex.suffix_scales.get(sm.group(1).lower(), 1.0)
                    pos = sm.end()
        # --- physical units after: 2.5 tonnes, 6,000 km, 30 mph
        in_units = unit_gate
        if unit is None and currency is None and (in_units or duration_gate):
            um = lex.unit_re.match(text, pos) if in_units else None
            if um:
                surface = um.group(1)
                canon = lex.units.get(surface)
                if canon is None:
                    canon = lex.units.get(_SPACES.sub(" ", surface))
                if canon is None:
                    canon = lex.units.get(surface.lower(), surface.lower())
                if (not (canon in ("degC", "degF") and len(surface) == 1) and canon != "times") or surface == "times":
                    unit = canon
                    pos = um.end()
                    # "3 times" is a count of occasions unless a comparison follows
                    if unit == "times" and not _COMPARATIVE_AFTER.match(text[pos : pos + 12]):
                        unit = None
                        pos = um.start()
            else:
                dm = _DURATION_AFTER.match(text[pos : pos + 20])
                if dm and dm.group(1).lower() in lex.durations:
                    # a duration ("three days", "15 years") or an age: the timeline's business
                    if not self.include_durations:
                        return False
                    unit = dm.group(1).lower()
                    pos += dm.end()

        # --- exclusions that need the right context
        if f.value is not None and is_digit and unit is None and currency is None and alpha_after:
            if follow in _TIME_FIRST and f.value <= 24 and _TIME_AFTER.match(text, pos):
                return False
            dm = _DAY_MONTH_AFTER.match(text, pos) if follow.isupper() or follow == "o" else None
            if dm and dm.group(1).lower() in lex.months and f.value <= 31 and float(f.value).is_integer():
                return False

        # --- left side: currency prefix, sign, qualifier
        # a minus between the currency sign and the digits: "$-99.99"
        neg_inside = (
            s >= 2 and text[s - 1] in "-−" and text[s - 2] in self.symbol_chars and (s < 3 or text[s - 3] in " \t(\n")
        )
        currency_left, left_start = self._currency_left(text, s - 1 if neg_inside else s)
        left_iso = currency_left[0] if isinstance(currency_left, tuple) else currency_left
        if currency_left and (
            (currency is not None and left_iso != currency) or (left_start is not None and left_start < self._prev_end)
        ):
            pass  # "10 rmb 20 usd", "50 dollar 50 dollar": the word belongs to the number before
        elif currency_left:
            if currency is None:
                currency = currency_left
            f.start = left_start
            if isinstance(currency_left, tuple):
                currency, mscale = currency_left
                scale *= mscale
        elif left_start is not None:
            f.start = left_start
        if currency and unit is None and "$" in text[max(0, f.start - 1) : f.start + 4] and currency == "USD":
            currency = self.default_dollar
        sign = -1 if neg_inside and currency_left else 1
        ls = f.start
        if sign == -1:
            pass
        elif ls > 0 and text[ls - 1] in "-−" and (ls == 1 or text[ls - 2] in " \t(\n[<>=≤≥~") and not f.glued_left:
            # negative number; a '-' right after a word or digit is a hyphen, not a sign
            if not (ls >= 2 and text[ls - 2] in " " and ls >= 3 and text[ls - 3].isdigit()):
                sign = -1
                f.start = ls - 1
        elif ls > 1 and text[ls - 1] == " " and text[ls - 2] in "-−" and ls == 2:
            sign = -1
            f.start = 0
        elif self._sign_words and text[max(0, ls - 10) : ls].rstrip().lower().endswith(("minus", "negative")):
            pw, pws = _prev_word(text, ls)
            if pw in lex.sign_words:
                sign = -1
                f.start = pws

        if unit is None and currency is None and text.startswith(" on the Richter scale", pos):
            unit = "magnitude"  # "measured 6.4 on the Richter scale"
            pos += len(" on the Richter scale")
        # magnitude before: "magnitude 7.8", "magnitude-7.8"
        if unit is None and currency is None and f.start >= 10:
            mb = (
                _MAGNITUDE_BEFORE.search(text[f.start - 11 : f.start])
                if "agnitude" in text[f.start - 11 : f.start]
                else None
            )
            if mb:
                unit = "magnitude"

        v = f.value * scale * sign
        if scale != 1.0:
            v = float(f"{v:.15g}")  # 16.4 * 1e6 is 16399999.999999998 in binary floating point
        f.value = v
        f.scale = scale != 1.0
        f.unit = currency or unit
        if currency:
            f.kind = "money"
        elif unit and f.kind != "percent":
            f.kind = "measure"
        f.plain = not (currency or unit or f.scale)
        f.end = pos
        if hyphen_word and f.counted is None:
            f.counted_start, f.counted_end = hyphen_word
            f.counted = text[hyphen_word[0] : hyphen_word[1]]
            f.end = pos  # the compound word is the counted thing, not part of the span

        self._left(text, f, currency=currency)
        after = text[f.end : f.end + 6]
        if after[:1] == "+" or self._right_gates.get(after) is not False:  # (the gate, tested before the call)
            self._right_qualifier(text, f)

        # --- exclusions that need the whole picture
        return self._is_quantity(text, f, is_digit, core)

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
                v = _small_words(small, self.lex)
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
        return w in ("people", "men", "women", "children") or (w.endswith("s") and not w.endswith("ss"))

    def _has_currency_left(self, text: str, s: int) -> bool:
        c, _ = self._currency_left(text, s)
        return bool(c)

    def _currency_left(self, text: str, s: int):
        """Currency written before the amount: $, US$, c $, GB £, USD 200, MAUD 60, dollar 22.5."""
        j = s
        while j > 0 and text[j - 1] in " \t\u00a0" and s - j < 2:
            j -= 1
        if j == 0:
            return None, None
        ch = text[j - 1]
        lex = self.lex
        if ch in self.symbol_chars or ch == "元":
            k = j - 1
            # letters (and dots) glued or one space before the symbol: US$, HK$, c $, GB £, u.s $
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
            if iso:
                return iso, k
            return None, None
        if ch.isalpha():
            if not ch.isupper():
                if ch.lower()[-1:] not in self.currency_tail_last:
                    return None, None  # no currency code or word ends in this letter
                tail = text[max(0, j - 8) : j].lower()
                if not (tail[-3:] in self.prefix_codes or tail.endswith(_CURRENCY_WORD_ENDS)):
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
            if w.lower() in ("dollar", "dollars", "euro", "euros") and s - j >= 1:
                return lex.currency_words[w.lower()], start
        return None, None

    def _left(self, text: str, f: Fig, currency) -> None:
        """Qualifier before the figure (and "magnitude")."""
        q = _qualifier_before(text, f.start, self.lex)
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
        self._bounds(f)

    def _bounds(self, f: Fig) -> None:
        v = f.value
        if f.qualifier in ("at_least", "more_than"):
            f.low, f.high = v, None
        elif f.qualifier in ("at_most", "less_than"):
            f.low, f.high = None, v
        elif f.qualifier == "exact" and f.low is not None:
            f.low = f.high = v

    def _right_qualifier(self, text: str, f: Fig) -> None:
        """ "or more", "or less", "plus", "+", "or so" right after the figure."""
        pos = f.end
        if pos < len(text) and text[pos] == "+":
            nxt = text[pos + 1 : pos + 2]
            if not nxt.isdigit():
                f.end = pos + 1
                if f.qualifier == "exact":
                    f.qualifier = "at_least"
                    self._bounds(f)
                return
        after = text[pos : pos + 6]
        ok = self._right_gates.get(after)
        if not (self._right_gate(after) if ok is None else ok):
            return
        m = _RIGHT_QUAL.match(text[pos : pos + 40])
        if not m:
            return
        phrase = " ".join(x.lower() for x in m.groups() if x)
        qual = self.lex.after.get(phrase)
        if qual is None and m.group(3):
            phrase2 = " ".join(x.lower() for x in m.groups()[:2] if x)
            if self.lex.after.get(phrase2):
                # "200 or greater than 190": the 'than' belongs to the next figure
                nxt = text[pos + m.end() : pos + m.end() + 3].strip()
                if nxt[:1].isdigit():
                    return
                qual = self.lex.after[phrase2]
        if qual is None:
            return
        if m.group(1) in ("+", "plus") and m.group(2):
            return
        if text[pos + m.end() : pos + m.end() + 3].strip()[:1].isdigit():
            return
        if phrase in ("or equal", "or equal to"):
            if f.qualifier == "more_than":
                f.qualifier = "at_least"
            elif f.qualifier == "less_than":
                f.qualifier = "at_most"
            else:
                return
            f.end = pos + m.end()
            self._bounds(f)
            return
        if phrase == "plus" and text[pos + m.end() : pos + m.end() + 2].strip()[:1].isdigit():
            return
        if (
            f.qualifier not in ("exact", "approximately")
            and qual != "approximately"
            and not (f.low is not None and f.high is not None and f.low == f.high)
        ):
            return
        if m.group(3) and text[pos + m.end() : pos + m.end() + 3].strip()[:1].isdigit():
            return
        f.qualifier = qual
        f.end = pos + m.end()
        f.low = f.high = None
        self._bounds(f)

    def _is_quantity(self, text: str, f: Fig, is_digit: bool, core: str) -> bool:
        lex = self.lex
        v = f.value
        # the word directly before (a space or a currency sign between)
        prev, ps = _prev_word(text, f.core_start, " \t\u00a0$£€¥")
        prev_raw = text[ps : ps + len(prev)]
        # dates: "June 18", "Friday 13", "March 01, 2008"
        if f.plain and is_digit and prev in self.date_words and prev_raw[:1].isupper():
            return False
        if f.plain and is_digit and prev.rstrip(".") in lex.months and prev_raw[:1].isupper():
            return False
        if (
            f.plain and is_digit and v is not None and v <= 31 and "." in text[max(0, f.core_start - 4) : f.core_start]
            and _MONTH_DOT_BEFORE.search(text, max(0, f.core_start - 9), f.core_start)
        ):  # fmt: skip
            return False  # "nov. 6", "dec . 12"
        # years: 1066, 2008 (unless a qualifier makes it a count, "over 2000 people")
        if (
            f.plain and is_digit and v is not None and not self.include_years and f.qualifier == "exact"
            and len(core) == 4 and core.isdigit() and 1000 <= v <= 2100
        ):  # fmt: skip
            f.weak = True
        # ordinal words as numbers: "the second" never match; lone fractions handled earlier
        if f.plain and is_digit and not f.sep_thousands and v is not None and float(v).is_integer():
            # labels and codes: Flight 447, Section 230, No. 10, Boeing 737, Windows 10
            if (prev in lex.code_prefixes or prev.rstrip(".") in lex.code_prefixes) and f.qualifier == "exact":
                return False
            if (
                prev_raw[:1].isupper() and prev not in lex.capitalised_ok and prev not in lex.before
                and prev not in lex.stopwords and prev not in lex.range_open
                and prev not in lex.months and not prev_raw.endswith(("'s", "’s")) and f.qualifier == "exact"
                and not self._title_case_cached(text)
            ):  # fmt: skip
                return False
            if prev == "#":
                return False
        if f.core_start > 0 and text[f.core_start - 1] in "#№":
            return False
        if f.core_start > 0 and text[f.core_start - 1] in "'’" and len(core) == 2:
            return False  # '08
        # number words that are not quantities
        if f.words:
            w = core.lower()
            nxt = _NEXT_WORD.match(text[f.end : f.end + 30])
            nw = nxt.group(1).lower() if nxt else ""
            if w == "one" and f.plain:
                if f.qualifier != "exact" or prev in lex.sign_words or f.value != 1:
                    return True
                if nw in ("in", "out", "over"):
                    f.weak = True  # "one in five": kept only as part of a ratio
                    return True
                if prev in ("no", "any", "every", "each", "the", "this", "that", "which", "some", "someone",
                            "anyone", "everyone", "only", "last", "little", "big", "new", "other", "such",
                            "another"):  # fmt: skip
                    return False
                if not nw or nw in lex.stopwords or nw in lex.not_counted or nw.endswith("ly"):
                    return False
                if text[f.end : f.end + 1] == "-":
                    return False
            if w in ("a dozen", "the dozen") and self._prev_end and not text[self._prev_end : f.start].strip():
                return False  # "64 cents a dozen": a price per dozen, not a count
            if w in ("half", "quarter") and f.plain and prev in ("first", "second", "third", "fourth", "final", "last"):
                return False  # "the second half of the year", "first-quarter": a period, not a share
            if (
                w in ("half", "quarter")
                and f.plain
                and f.qualifier == "exact"
                and nw not in ("of", "the", "a", "an", "its", "their", "his", "her", "our")
                and prev not in ("a", "and")
            ):
                return False
            if prev in ("the",) and w in ("one",) and f.value == 1:
                return False
        # a number glued to another by '-' or '/' (737-800, 4-2, 2012-13) is kept by _pair only as a range
        return True

    def _title_case_cached(self, text: str) -> bool:
        if self._tc_text is not text:
            self._tc_text, self._tc_value = text, self._title_case(text)
        return self._tc_value

    @staticmethod
    def _title_case(text: str) -> bool:
        words = _LONG_WORDS.findall(text[:300])
        if len(words) < 3:
            return False
        caps = sum(1 for w in words if w[0].isupper())
        return caps / len(words) > 0.6

    # ---- ranges and joined bounds ---------------------------------------------------------
    def _pair(self, text: str, figs: list[Fig]) -> list[Fig]:
        if len(figs) > 1:
            figs.sort(key=_fig_start)
        out: list[Fig] = []
        i = 0
        while i < len(figs):
            f = figs[i]
            g = figs[i + 1] if i + 1 < len(figs) else None
            if g is not None and g.start >= f.end:
                joined = self._join(text, f, g)
                if joined is not None:
                    if joined is not False:
                        out.append(joined)
                    i += 2
                    continue
            if ((f.glued_left or f.glued_right) and f.plain and f.qualifier == "exact") or f.weak:
                i += 1
                continue
            out.append(f)
            i += 1
        # drop overlaps (keep the first)
        final: list[Fig] = []
        for f in out:
            if final and f.start < final[-1].end:
                continue
            final.append(f)
        return final

    def _join(self, text: str, f: Fig, g: Fig):
        """Join two neighbours into one figure (a range, a fraction), False to drop both, None to keep."""
        gap = text[f.end : g.start]
        if len(gap) > 40:
            return None
        if f.truncated or g.truncated or (f.weak and g.weak):
            return None
        if (
            g.words and f.plain and f.value is not None and 0 < f.value < 1 and g.value in _ROUND_SCALES
            and gap.strip().lower() == "of" and text[g.core_start : g.core_start + 2].lower() in ("a ", "an")
        ):  # fmt: skip
            # "a quarter of a million", "two-thirds of a billion dollars"
            g.value = float(f"{f.value * g.value:.15g}")
            g.start, g.core_start, g.words = f.start, f.core_start, True
            g.qualifier = f.qualifier
            self._bounds(g)
            return g
        compatible = f.unit == g.unit or f.unit is None or (g.unit is None and f.kind == "count")
        # "between X and Y", "from X to Y", "X-Y", "X to Y"
        rg = _RANGE_GAP.fullmatch(gap)
        if rg and f.value is not None and g.value is not None and compatible:
            r = self._range(text, f, g, gap)
            if r is not None:
                return r
        return self._bounds_pair(text, f, g, gap)

    def _range(self, text: str, f: Fig, g: Fig, gap: str):
        gap_l = gap.strip().lower().lstrip("-").strip()
        prev, prev_start = _prev_word(text, f.start)
        opener = prev in self.lex.range_open
        if gap_l == "and" and not opener:
            return None
        if gap_l == "or" and not (f.words and g.words):
            return None
        if gap_l in ("until", "till"):
            return None
        if gap_l == "to" and any(
            w in self.lex.change_verbs or w == "by" for w, _ in _words_before(text, f.start, self.lex, 30)[-3:]
        ):
            return None  # "rose $1.20 to $84.35": a change and a level, not a range
        lo, hi = f.value, g.value
        # scale and unit written once: "10 to 20 million", "15-20%"
        if g.scale and not f.scale and f.unit is None and lo < hi and g.value >= 1000 and lo < 1000:
            ratio = g.value
            # find g's scale: g.value / its core number
            core = text[g.core_start : g.core_end].replace(",", "")
            with contextlib.suppress(ValueError):
                lo = lo * (ratio / float(core))
        elif f.words and g.words and f.plain and 1 <= lo < hi:
            # in words: "between five and six thousand", "two or three million"
            g_last = text[g.core_start : g.core_end].rsplit(None, 1)[-1].lower()
            f_last = text[f.core_start : f.core_end].rsplit(None, 1)[-1].lower()
            mult = 100.0 if g_last == "hundred" else self.lex.scales.get(g_last)
            if mult and f_last != "hundred" and f_last not in self.lex.scales and lo * mult < hi:
                lo *= mult
        plain_pair = f.plain and g.plain and not f.words and not g.words
        if gap_l in ("-", "–", "—", "‐", "‑") and plain_pair and f.glued_right:
            # 4-2, 2-2: a score; 737-800 after a name: a code
            win = " ".join(t for t, _ in _words_before(text, f.start, self.lex, 60))
            win += " " + text[g.end : g.end + 40].lower()
            if lo >= hi or any(w in self.lex.sport_words for w in _WORDS_LOWER.findall(win)):
                return False
        loose = f.qualifier not in ("exact", "approximately") or g.qualifier not in ("exact", "approximately")
        if loose and not (f.qualifier in ("more_than", "at_least") and g.qualifier in ("less_than", "at_most")):
            return None
        if lo >= hi:
            if plain_pair and (f.glued_right or g.glued_left):
                return False
            return None
        if opener and prev == "from" and not self._from_is_range(text, prev_start, f, g):
            return None
        r = Fig(f.start, g.end, None, f.words)
        if opener:
            r.start = prev_start
        r.low, r.high = lo, hi
        r.qualifier = "range"
        r.unit = g.unit or f.unit
        r.kind = g.kind if g.unit else f.kind
        r.counted, r.counted_start, r.counted_end = g.counted, g.counted_start, g.counted_end
        r.plain = False
        r.core_start, r.core_end = f.core_start, g.core_end
        return r
        return None

    def _bounds_pair(self, text: str, f: Fig, g: Fig, gap: str):
        # "more than 10 and less than 40", "at most 100 and at least 20"
        bg = _BOUND_GAP.fullmatch(gap)
        if bg and f.value is not None and g.value is not None and (f.unit == g.unit or f.unit is None):
            pair = {f.qualifier, g.qualifier}
            lower = {"more_than", "at_least"}
            upper = {"less_than", "at_most"}
            if (
                (pair & lower and pair & upper and len(pair) == 2)
                or (f.qualifier in lower and g.qualifier in upper)
                or (f.qualifier in upper and g.qualifier in lower)
            ):
                lo_f, hi_f = (f, g) if f.qualifier in lower else (g, f)
                if lo_f.value < hi_f.value:
                    r = Fig(f.start, g.end, None, f.words)
                    r.low, r.high = lo_f.value, hi_f.value
                    r.qualifier = "range"
                    r.unit = g.unit or f.unit
                    r.kind = g.kind if g.unit else f.kind
                    r.plain = False
                    r.core_start, r.core_end = f.core_start, g.core_end
                    return r
        # "one over three": a fraction, when "over" is read as a qualifier of the second number
        if (
            not gap.strip() and g.qualifier == "more_than" and text[g.start : g.start + 5].lower() == "over "
            and f.plain and f.value is not None and g.value and 0 < abs(f.value) < g.value and abs(f.value) <= 10
            and (g.plain or g.unit is None)
        ):  # fmt: skip
            r = Fig(f.start, g.end, f.value / g.value, f.words)
            r.kind = r.unit = "ratio"
            r.plain = False
            r.core_start, r.core_end = f.core_start, g.core_end
            return r
        # "one in five", "two out of three"
        rt = _RATIO_GAP.fullmatch(gap)
        if (
            rt
            and f.plain
            and g.plain
            and not g.weak
            and f.value is not None
            and g.value
            and 0 < f.value < g.value
            and f.qualifier in ("exact", "approximately")
            and g.qualifier in ("exact", "at_least", "at_most")
        ):
            r = Fig(f.start, g.end, f.value / g.value, f.words)
            r.qualifier = g.qualifier if g.qualifier != "exact" else f.qualifier
            if r.qualifier == "at_least":
                r.low = r.value
            elif r.qualifier == "at_most":
                r.high = r.value
            r.kind = "ratio"
            r.unit = "ratio"
            r.plain = False
            r.core_start, r.core_end = f.core_start, g.core_end
            # "2 in 5 or more"
            self._right_qualifier(text, r)
            return r
        return None

    def _from_is_range(self, text: str, from_start: int, f: Fig, g: Fig) -> bool:
        """ "from X to Y" is a range after "range", "anywhere", "estimates"...; after a change verb, or
        for money and percentages without such a word, it is a change: two figures."""
        before = [t for t, _ in _words_before(text, from_start, self.lex, 60)]
        if any(w in self.lex.range_words for w in before[-4:]):
            return True
        if any(w in self.lex.change_verbs for w in before[-8:]):
            return False
        return f.kind == "count" and g.kind == "count"

    def _counted_before_of(self, text: str, f: Fig) -> None:
        """ "a death toll of 300", "losses of $4bn", "a turnout of 67%": the noun before "of"."""
        if text[max(0, f.start - 3) : f.start].lower() != "of ":
            return
        m = _OF_BEFORE.search(text, max(0, f.start - 40), f.start)
        if not m:
            return
        lex = self.lex
        w1, w2 = m.group(1), m.group(2)
        head = w2.lower()
        if head in lex.stopwords or head in lex.of_head_skip or head in lex.before or head in self.stop_all:
            return
        if head.endswith("ly"):
            return
        start = m.start(2)
        if w1 and w1.lower() not in lex.stopwords and w1.lower() not in lex.of_head_skip and w1[0].islower():
            start = m.start(1)  # "death toll"
        f.counted, f.counted_start, f.counted_end = text[start : m.end(2)], start, m.end(2)

    def _determined(self, text: str, f: Fig) -> bool:
        """Whether the figure stands inside a noun phrase opened by a determiner: right after "a",
        "the", "its"... ("a $1.2 billion deal"), after a determiner and one lower-case modifier ("a
        record $5bn deal", "the proposed 25% tariff"), or with the article inside its own span ("an
        estimated $5bn deal")."""
        dets = self.lex.np_determiners
        opening = text[f.start : f.start + 3].lower()
        if opening == "an " or opening[:2] == "a ":
            return True
        w, ws = _prev_word(text, f.start)
        if w in dets:
            return True
        if (
            ws == 0
            or f.qualifier != "exact"  # "an area about ten miles long": the qualifier opens the figure
            or not w.isalpha()
            or not text[ws].islower()
            or w in self.stop_all
            or (w[-1] == "s" and not w.endswith(("ous", "ss")))  # "a lake that averages two feet": a verb
        ):
            return False
        w2, _ = _prev_word(text, ws)
        return w2 in dets

    def _counted(self, text: str, f: Fig) -> None:
        lex = self.lex
        pos = f.end
        n = len(text)
        if pos < n and text[pos] in "-‐‑" and f.counted is None:
            return
        premod = False
        om = _OF.match(text, pos) if text[pos + 1 : pos + 3].lower() == "of" else None
        if om:  # "hundreds of people", "2.5 tonnes of cocaine", "35% of voters", "20 of the planes"
            pos = om.end()
        elif (
            (f.kind == "money" and f.unit not in ("cent", "GBX"))
            or f.kind == "percent"
            or (f.kind == "measure" and f.unit != "magnitude")
        ):
            # an amount, a share or a measure counts what follows "of", not the next noun, unless it
            # pre-modifies a noun phrase: "a €50 billion aid package", "a 15% tariff", "a 6,000km border"
            if not self._determined(text, f):
                return
            premod = True
        words: list[tuple[int, int]] = []
        i = pos
        for k in range(self.max_counted_words + 1):
            m = _WORD_AFTER.match(text, i)
            if not m:
                break
            w = m.group(2)
            wl = w.lower().rstrip("'’")
            if wl in lex.directions and w[0].islower():
                break  # "40km north-east of": a direction (but "North Korean troops" is a name)
            if not words and k == 0 and wl in lex.skip_before_counted:
                i = m.end()  # "20,000 more police officers", "5 new cases"
                continue
            if wl in self.stop_all:
                if wl == "and" and words and k < self.max_counted_words:
                    m2 = _WORD_AFTER.match(text, m.end())
                    if m2:
                        w2 = m2.group(2).lower()
                        m3 = _WORD_AFTER.match(text, m2.end())
                        after = m3.group(2).lower() if m3 else ""
                        if (
                            w2 not in lex.stopwords and not w2.endswith(("ed", "ly", "ing"))
                            and w2 not in lex.ones and w2 not in lex.tens and (not after or after in lex.stopwords)
                        ):  # fmt: skip
                            words.append((m.start(2), m.end(2)))
                            words.append((m2.start(2), m2.end(2)))
                            i = m2.end()
                            continue
                break
            if words and (wl.endswith("ly") or (len(wl) > 4 and wl.endswith(("ed", "ing")))):
                break
            if not words and wl.endswith("ly"):
                break
            if premod and not words and (_participle(wl) or wl in lex.predicate_adjectives or wl in self.date_words):
                break  # "the $5 billion pledged", "ten miles long", "another 1.4% Thursday": no noun phrase
            words.append((m.start(2), m.end(2)))
            i = m.end()
            if len(words) >= self.max_counted_words:
                break
        while words and (
            text[words[-1][0] : words[-1][1]].lower() in ("and", "per")
            or text[words[-1][0] : words[-1][1]].endswith(("'s", "’s", "s'"))
        ):
            words.pop()  # "the town's 12,000 residents": a possessive belongs to the next number
        if len(words) == 1 and text[words[0][0] : words[0][1]].lower().endswith("ing"):
            return  # "300,000 waiting": a verb, not a thing counted
        if not words:
            return
        # a trailing "'s" possessive belongs to the next noun; keep the phrase as written
        cs, ce = words[0][0], words[-1][1]
        counted = text[cs:ce]
        if counted.lower() in lex.not_counted and f.kind != "count":
            return
        f.counted, f.counted_start, f.counted_end = counted, cs, ce
        if f.qualifier == "exact" and f.value is not None:
            # "300 homes or more", "40 volunteers or so": the qualifier after the counted noun
            m = _AFTER_COUNTED.match(text, ce)
            if m:
                f.qualifier = self.lex.after[" ".join(m.group(1).lower().split())]
                self._bounds(f)


@lru_cache(maxsize=16)
def get_extractor(
    lex: Lexicon,
    include_durations: bool,
    include_years: bool,
    max_counted_words: int,
    default_dollar: str,
    max_candidates: int = 2000,
) -> Extractor:
    return Extractor(lex, include_durations, include_years, max_counted_words, default_dollar, max_candidates)
