"""The compiled patterns and cheap gates the figures engine reads text with.

Every regex here is linear on hostile input: no nested unbounded quantifiers, bounded context
windows, and every scan moves forward.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import attrgetter, methodcaller

from toolkit.text import trie_regex
from toolkit_figures.lexicon import Lexicon
from toolkit_figures.numbers import VULGAR

_TOKEN_BEFORE = re.compile(r"[A-Za-z][A-Za-z.'’]*|[<>=≤≥~]+|\S")

#: "of" and the word after it ("14 years of Conservative rule")
_OF_THING = re.compile(r"([ \t]{1,2}of)[ \t]{1,2}([A-Za-z][A-Za-z'’\-]*)")

_SENTENCE_OPENERS = frozenset('.!?"“”:')

#: words (with an apostrophe or a hyphen inside) and single punctuation marks, for reading a clause back
_CLAUSE_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*|[^\sA-Za-z]")

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


_TIME_FIRST = frozenset("apohgubceijlAPOHGUBCEIJL")

_OF_BEFORE = re.compile(r"(?:([A-Za-z][A-Za-z'’\-]{0,20})[ \t]+)?([A-Za-z][A-Za-z'’\-]{1,20})[ \t]+of[ \t]+\Z")

_OF_GAP = re.compile(
    r"[ \t]{1,3}(?:of|out[ \t]+of)(?:[ \t]{1,3}(?:the|its|their|those|these|all))?[ \t]{1,3}", re.IGNORECASE
)

_PART_WORDS = ("half", "quarter", "third", "full")

_SPACE_CHARS = frozenset((" ", "\t", "\u00a0"))

_POINT_AFTER = re.compile(r"[ \t]{1,2}points?(?![\w-])", re.IGNORECASE)

_PERCENT_COMPOUND = re.compile(r"[-‐‑](?:percentage|percent|per|basis)[-‐‑ ]", re.IGNORECASE)

_FULL_UNIT = re.compile(
    r"(?<![\w])(?:(?:a|one)[ \t]+)?(?P<full>full)(?=[ \t]+(?:percentage|percent|per[ \t]cent|point|basis))",
    re.IGNORECASE,
)

#: texts longer than this stream their number candidates instead of listing them
_LAZY_FROM = 20_000

_ELLIPSIS_AFTER = re.compile(r"[ \t\u00a0]*(?:\.\.\.|…)")

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
          |[0-9]{{1,3}}(?:[\u00a0\u202f\u2009 ][0-9]{{3}})+(?![\w])|\d+)
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
