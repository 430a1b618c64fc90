"""What the clause around an expression says: its sentence, its tense, whether it is a date something is
moved to or set for, and the words next to it. Pure functions of the text (no state)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from toolkit_timeline.grammar import Grammar, load_lexicon

_WORD = re.compile(r"[A-Za-z][A-Za-z’']*")
_SPACE = re.compile(r"\s+")

# A date that something is moved TO, set FOR, or is a deadline for lies after the moment the verb
# speaks of, whatever its tense: "the vote had been postponed to October 10", "a deadline of Aug. 31",
# "leave no later than Thursday". Searched in a bounded window just left of the expression.
_RESCHEDULE = (
    r"(?:postpon(?:ed?|es|ing|ement)|delay(?:ed|s|ing)?|resched(?:uled?|ules|uling)|mov(?:ed?|es|ing)|"
    r"push(?:ed|es|ing)?|put(?:s|ting)?|defer(?:red|s|ring)?|adjourn(?:ed|s|ing)?|extend(?:ed|s|ing)?|"
    r"extension|br(?:ought|ing|ings|inging)|bump(?:ed|s|ing)?|shift(?:ed|s|ing)?)"
)
_DIRECTED = re.compile(
    rf"(?:\b{_RESCHEDULE}(?:\s{{1,3}}[\w'’-]{{1,20}}){{0,4}}?(?:\s{{1,3}}(?:back|forward|off|out|ahead|again))?"
    r"\s{1,3}(?:to|until|till|for)"
    r"|\b(?:set|slated|scheduled|due|planned|pencil+ed\s{1,3}in|earmarked|timed|penciled\s{1,3}in)\s{1,3}for"
    r"|\bdeadlines?(?:\s{1,3}(?:of|is|set\s{1,3}for))?"
    r"|\b(?:no|not)\s{1,3}later\s{1,3}than|\bahead\s{1,3}of|\bin\s{1,3}the\s{1,3}(?:run|lead)-?\s?up\s{1,3}to)"
    r"\s{1,3}(?:the\s{1,3})?$",
    re.I,
)


# What every match of _DIRECTED ends with ("... to ", "deadline of the "): at most 18 characters, plus a
# new line ``$`` may stand before. Checked first on the last 20 characters: most dates fail it at once.
_DIRECTED_END = re.compile(r"(?:to|until|till|for|deadlines?|of|is|than)\s{1,3}(?:the\s{1,3})?$", re.I)


def directed(text: str, start: int, lo: int = 0) -> bool:
    """Whether the expression at ``start`` is the date something is moved to, set for, or due by."""
    lo = max(lo, start - 70)
    if _DIRECTED_END.search(text, max(lo, start - 20), start) is None:
        return False
    return _DIRECTED.search(text, lo, start) is not None


# Where a sentence ends: ``[.!?;]+["”’')]*\s+|\n|\)\s{0,2}[-–—]{1,2}\s|\s[-–—]{2}\s``, written so that it
# starts with one character class: the regex engine then skips in C to the next of those characters
# instead of trying the alternatives at every position (issue 14.1: ~30 % faster). Each branch checks
# with a look-behind which character it was, in the original order, so the matches are the same.
_SENTENCE_END = re.compile(
    r"[.!?;\n)\s](?:(?<=[.!?;])[.!?;]*[\"”’')]*\s+|(?<=\n)|(?<=\))\s{0,2}[-–—]{1,2}\s|(?<=\s)[-–—]{2}\s)"
)
# The same without its two dash branches, for texts with no dash at all (three in four news snippets),
# where those branches can never match: only sentence punctuation and new lines are tried.
_SENTENCE_END_NO_DASH = re.compile(r"[.!?;\n](?:(?<=[.!?;])[.!?;]*[\"”’')]*\s+|(?<=\n))")
_ABBREVIATIONS = frozenset(load_lexicon()["abbreviations"])


def _is_boundary(text: str, m: re.Match[str]) -> bool:
    if text[m.start()] != ".":
        return True
    word = text[max(0, m.start() - 6) : m.start()].rsplit(None, 1)[-1:] or [""]
    w = word[0].lstrip("(\"“'").lower()
    return not (len(w) == 1 or w in _ABBREVIATIONS)


class Sentences:
    """Sentence boundaries of one text, found once (lazily) and looked up by bisection."""

    __slots__ = ("_ends", "_starts", "text")

    def __init__(self, text: str):
        self.text = text
        self._starts: list[int] | None = None
        self._ends: list[int] = []

    def _find(self) -> None:
        text = self.text
        starts, ends = [0], []
        dashes = "-" in text or "–" in text or "—" in text
        for m in (_SENTENCE_END if dashes else _SENTENCE_END_NO_DASH).finditer(text):
            if _is_boundary(text, m):
                ends.append(m.start() + (1 if text[m.start()] in ".!?;)" else 0))
                starts.append(m.end())
        ends.append(len(text))
        self._starts, self._ends = starts, ends

    def around(self, start: int, end: int) -> tuple[int, int]:
        """(first, last) character of the sentence holding ``[start, end)``."""
        if self._starts is None:
            self._find()
        starts, ends = self._starts, self._ends
        i = bisect_right(starts, start) - 1  # type: ignore[arg-type]
        j = bisect_left(ends, end)
        return starts[max(i, 0)], ends[min(j, len(ends) - 1)]  # type: ignore[index]


_TENSE_WORD = re.compile(r"[A-Za-z][A-Za-z’']+")  # one-letter words ("a", the "p" of "p.m.") mark no tense


def _words_left(text: str, start: int, lo: int, n: int = 8) -> list[str]:
    return _TENSE_WORD.findall(text, max(lo, start - 90), start)[-n:][::-1]


_NEXT_CLAUSE = (", and ", ", but ", ", while ", ", as ", ", which ", ", who ", " and then ")


def _words_right(text: str, end: int, hi: int, n: int = 7) -> list[str]:
    hi = min(hi, end + 80)
    for sep in _NEXT_CLAUSE:
        cut = text.find(sep, end, hi)
        if cut >= 0:
            hi = cut
    return _TENSE_WORD.findall(text, end, hi)[:n]


_PAIR_NEXT = frozenset({"in", "at", "on", "to", "for", "from", "when", "with", "and", "or", "respectively", "next",
                        "this", "last", "before", "after"})  # fmt: skip


def _after_and_pair(text: str, end: int) -> bool:
    """Whether "March 10 and 11" ends a pair of days: punctuation or a preposition follows, not a count."""
    rest = text[end : end + 2].lstrip(" ")
    return not rest or rest[0] in ".,;:)!?" or _next_word(text, end) in _PAIR_NEXT


def _prev_word(text: str, start: int) -> str:
    m = _WORD.findall(text[max(0, start - 24) : start])
    return m[-1].lower() if m else ""


def _next_word(text: str, end: int) -> str:
    m = _WORD.match(text[end : end + 30].lstrip(" \u00a0"))
    return m.group().lower() if m else ""


_CLASS_CACHE: dict[tuple[int, str], str | None] = {}


def _base_class(w: str, g: Grammar) -> str | None:
    """The tense a lower-cased word marks on its own (``"to"`` and ``"past?"`` need the word before)."""
    if w.endswith("n't"):
        base = w[:-3]
        if base in ("wo", "will", "sha", "would"):
            return "future"
        if base in ("did", "was", "were", "had", "could"):
            return "past"
        return "present"
    if w in g.future:
        return "future"
    if w == "to":
        return "to"
    if w in g.present:
        return "present"
    if w in ("been", "was", "were", "had", "did"):
        return "past"
    if w in g.past or (len(w) > 4 and w.endswith("ed") and w not in g.not_past_ed):
        return "past?"  # a participle after "be" is passive: the auxiliary decides
    return None


def _classify(word: str, before: str, g: Grammar) -> str | None:
    w = word.lower().replace("’", "'")
    key = (id(g), w)
    try:
        c = _CLASS_CACHE[key]
    except KeyError:
        c = _base_class(w, g)
        if len(_CLASS_CACHE) < 50_000:
            _CLASS_CACHE[key] = c
    if c is None or c == "future" or c == "present" or c == "past":
        return c
    if c == "to":
        return "future" if before.lower() in g.future_before_to else None
    return None if before.lower() in ("be", "being") else "past"


# Future only before "to" ("plans to meet"): as nouns they mark nothing ("unveiled a peace plan on Monday")
_FUTURE_WITH_TO = frozenset({"plan", "plans", "planning", "aims", "hopes", "intends"})


def tense(text: str, start: int, end: int, g: Grammar, sentences: Sentences | None = None) -> str | None:
    """The tense of the clause around ``text[start:end]``: the nearest marker on the left, else the right."""
    lo, hi = (sentences or Sentences(text)).around(start, end)
    left = _words_left(text, start, lo)
    for i, w in enumerate(left):
        t = _classify(w, left[i + 1] if i + 1 < len(left) else "", g)
        if t and not (t == "future" and w.lower() in _FUTURE_WITH_TO and (left[i - 1] if i else "").lower() != "to"):
            return t
    right = _words_right(text, end, hi)
    for i, w in enumerate(right):
        t = _classify(w, right[i - 1] if i else "", g)
        if t and not (t == "future" and w.lower() in _FUTURE_WITH_TO and right[i + 1 : i + 2] != ["to"]):
            return t
    return None


# ---------------------------------------------------------------------------------------------
# Resolution


def clause(text: str, start: int, end: int, sentences: Sentences | None = None, limit: int = 240) -> str:
    """The clause an expression dates: its sentence (cut at ``;``, a dateline's dash, a new line),
    trimmed to ``limit`` characters either side."""
    return clause_within(text, start, end, *(sentences or Sentences(text)).around(start, end), limit)


def clause_within(text: str, start: int, end: int, lo: int, hi: int, limit: int = 240) -> str:
    """:func:`clause` in the sentence ``text[lo:hi]`` already found (its caller also needs the label)."""
    out = text[max(lo, start - limit) : min(hi, end + limit)]
    if "  " in out or "\n" in out or "\t" in out or "\r" in out or "\u00a0" in out:
        out = _SPACE.sub(" ", out)
    return out.strip()


_SEP = r",(?!\d)|[;:()\[\]\"“”—–]|\s-{1,2}\s"
_CLAUSE_SEP = re.compile(_SEP)
_AFTER_LAST_SEP = re.compile(r"(?s:.*)(?:" + _SEP + ")")  # greedy: its end is just after the last separator
_MIN_LABEL_WORDS = 5
_MAX_WIDENINGS = 6


def _last_separator(text: str, lo: int, hi: int) -> tuple[int, int]:
    """(end, start) of the last clause separator in ``text[lo:hi]``; (lo, lo) when there is none."""
    m = _AFTER_LAST_SEP.match(text, lo, hi)
    return (m.end(), m.end() - 1) if m else (lo, lo)


def label(text: str, start: int, end: int, sentences: Sentences | None = None, limit: int = 120) -> str:
    """A short label of what happened: the piece of the clause around ``text[start:end]`` between
    punctuation (commas, dashes, brackets, quotes), widened to the next pieces while it has fewer than
    five words, at most ``limit`` characters (cut at word boundaries). Each step is one search in a
    window of ``limit`` characters, so hostile text with thousands of dates stays linear."""
    return label_within(text, start, end, *(sentences or Sentences(text)).around(start, end), limit)


def label_within(text: str, start: int, end: int, lo: int, hi: int, limit: int = 120) -> str:
    """:func:`label` in the sentence ``text[lo:hi]`` already found."""
    lo, hi = max(lo, start - limit), min(hi, end + limit)
    a, a_sep = _last_separator(text, lo, start)
    right = _CLAUSE_SEP.search(text, end, hi)
    b, b_sep = (right.start(), right.end()) if right else (hi, hi)
    for _ in range(_MAX_WIDENINGS):  # bounded: ",,,,,,," must not cost a search per comma
        if len(text[a:b].split()) >= _MIN_LABEL_WORDS or (a <= lo and b >= hi):
            break
        if b < hi:
            right = _CLAUSE_SEP.search(text, b_sep, hi)
            b, b_sep = (right.start(), right.end()) if right else (hi, hi)
        else:
            a, a_sep = _last_separator(text, lo, a_sep)
    if b - a > limit:
        half = (limit - (end - start)) // 2
        a, b = max(a, start - half), min(b, end + half)
        a = text.find(" ", a, start) + 1 or a
        cut = text.rfind(" ", end, b)
        b = cut if cut > 0 else b
    out = text[a:b]
    if "  " in out or "\n" in out or "\t" in out or "\r" in out or "\u00a0" in out:
        out = _SPACE.sub(" ", out)
    return out.strip(" ,;:-–—")
