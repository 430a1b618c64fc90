"""Number words: "two hundred and five", "three and a half million", "two thirds", "a quarter".

:func:`parse_words` splits a run of lower-case number-word tokens into numbers. It reads one
number at a time with a :class:`_NumberWords`, whose methods are one per kind of token (an article,
"and", "point", a ones word, a tens word, "hundred", a scale, "dozen", a fraction): each says whether
the token continues the number and updates the running total.
"""

from __future__ import annotations

import re

from toolkit_figures.lexicon import Lexicon

#: Unicode vulgar fractions and their values.
VULGAR = {
    "½": 1 / 2, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 1 / 4, "¾": 3 / 4, "⅕": 1 / 5, "⅖": 2 / 5, "⅗": 3 / 5,
    "⅘": 4 / 5, "⅙": 1 / 6, "⅚": 5 / 6, "⅛": 1 / 8, "⅜": 3 / 8, "⅝": 5 / 8, "⅞": 7 / 8,
}  # fmt: skip

ORDINAL_UNITS = {
    "first": 1, "firsts": 1, "third": 3, "thirds": 3, "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5,
    "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
}  # fmt: skip
ROUND_SCALES = frozenset((100.0, 1e3, 1e5, 1e6, 1e7, 1e9, 1e12))
_PLURAL_FRACTIONS = frozenset(("thirds", "quarters", "fifths", "fourths", "halves"))
_SMALL_FRACTIONS = frozenset(("half", "third", "quarter", "fourth", "fifth"))
_WHOLE = frozenset(("one", "teen", "ten", "hundred", "scale"))  # classes a whole number can end with
_FILLERS = frozenset(("and", "a", "an", "point"))  # tokens that cannot end a number
_SPLIT = re.compile(r"[ \t-]+")


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
    while i < n:
        start = i
        number = _NumberWords(tokens, lex, start)
        value = number.read()
        i = end = number.i
        while end > start and tokens[end - 1] in _FILLERS:
            end -= 1
        if end == start:
            i = max(i, start + 1)
            continue
        if not (end - start == 1 and tokens[start] in ("a", "an")):
            out.append((start, end, value))
        i = max(end, start + 1)
    return out


class _NumberWords:
    """Reads one number from ``tokens[start:]``: the running total and what the last token was.

    ``last`` is the class of the last token read ("", "a", "and", "point", "one", "teen", "ten",
    "hundred", "scale", "dozen", "frac", "half"). Every ``_<kind>`` method reads the token at ``i``:
    it returns True to go on with the next token (having moved ``i`` past what it read) or False
    to end the number there (``i`` is then one past its last token)."""

    __slots__ = ("article", "cur", "group", "i", "last", "last_scale", "lex", "n", "scale_and", "tokens", "total")

    def __init__(self, tokens: list[str], lex: Lexicon, start: int) -> None:
        self.tokens, self.lex, self.n, self.i = tokens, lex, len(tokens), start
        self.total = 0.0  # completed scale groups
        self.cur = 0.0  # the group being read
        self.group = 0.0  # the part of `cur` read since the last "and" (a fraction's numerator)
        self.last = ""
        self.last_scale = 1.0
        self.article = False  # an "a"/"an" standing for one, not yet used
        self.scale_and = False  # an "and" right after a scale word ("one million and a half")

    def read(self) -> float:
        lex = self.lex
        while self.i < self.n:
            t = self.tokens[self.i]
            nxt = self.tokens[self.i + 1] if self.i + 1 < self.n else ""
            if t in ("a", "an"):
                go = self._article()
            elif t == "and":
                go = self._and(nxt)
            elif t == "point":
                go = self._point(nxt)
            elif t in lex.ones:
                go = self._one(lex.ones[t])
            elif t in lex.tens:
                go = self._ten(t, nxt)
            elif t == "hundred":
                go = self._hundred()
            elif t in lex.scales:
                go = self._scale(lex.scales[t], t)
            elif t in lex.dozen:
                go = self._dozen()
            elif t in lex.fractions:
                go = self._fraction(t, nxt)
            else:
                go = False
            if not go:
                break
        return self.total + self.cur

    def _article(self) -> bool:
        if self.last not in ("", "and", "half"):
            return False
        self.article = True
        self.last = "a"
        self.i += 1
        return True

    def _and(self, nxt: str) -> bool:
        lex, last = self.lex, self.last
        whole = last in _WHOLE
        denominator = _fraction_follows(self.tokens, self.i + 1, lex) if whole else 0
        fraction_next = whole and (
            (nxt in ("a", "an", "one") and self.i + 2 < self.n and self.tokens[self.i + 2] in lex.fractions)
            or denominator
        )
        if fraction_next and not (last == "hundred" and nxt in lex.tens and denominator not in (10, 100, 1000)):
            # "two and three fifths", "two hundred and fifty-four hundredths" (as on a cheque):
            # a whole number, then a fraction
            self.group = 0.0
        elif last in ("hundred", "scale") and (nxt in lex.ones or nxt in lex.tens):
            # "two hundred and five"; after "hundred" the "and" is inside the number, so
            # "one hundred and thirty fifths" is 130/5
            if last == "scale":
                self.group = 0.0
        else:
            return False
        self.scale_and = last == "scale"
        self.last = "and"
        self.i += 1
        return True

    def _point(self, nxt: str) -> bool:
        """ "two point five": the digits after "point", one word each ("point two five")."""
        ones, tens, tokens, n = self.lex.ones, self.lex.tens, self.tokens, self.n
        if self.last not in _WHOLE or not (nxt in ones or nxt in tens):
            return False
        digits = ""
        j = self.i + 1
        while j < n and (tokens[j] in ones or tokens[j] in tens):
            v = (tokens[j] in ones and ones[tokens[j]]) or tens.get(tokens[j], 0)
            if tokens[j] in tens and j + 1 < n and tokens[j + 1] in ones and ones[tokens[j + 1]] < 10:
                v += ones[tokens[j + 1]]
                j += 1
            digits += str(int(v))
            j += 1
        self.cur += float("0." + digits) if digits else 0.0
        self.i = j
        self.last = "point"
        return j < n and tokens[j] in self.lex.scales  # "two point five million"

    def _one(self, v: float) -> bool:
        last = self.last
        if last in ("one", "teen", "a", "frac") or (last == "ten" and (v >= 10 or v == 0)):
            return False
        self.cur += v
        self.group += v
        self.last = "teen" if v >= 10 else "one"
        self.i += 1
        return True

    def _ten(self, t: str, nxt: str) -> bool:
        last, tens = self.last, self.lex.tens
        unit = ORDINAL_UNITS.get(nxt)
        if unit and (
            (last in ("one", "teen", "ten", "a") and (nxt[-1] == "s" or self.article or self.group == 1))
            or (last == "hundred" and nxt[-1] == "s")
        ):
            # a compound ordinal as the denominator: "three twenty-fifths", "a twenty-first"
            num = 1.0 if last == "a" else self.group
            self.cur = self.cur - (0.0 if last == "a" else self.group) + num / (tens[t] + unit)
            self.article = False
            self.i += 2
            return False
        if last in ("one", "teen", "ten", "a", "frac"):
            return False
        self.cur += tens[t]
        self.group += tens[t]
        self.last = "ten"
        self.i += 1
        return True

    def _hundred(self) -> bool:
        if self.last in ("hundred", "frac"):
            return False
        self.cur = (self.cur or 1) * 100
        self.group = self.cur
        self.article = False
        self.last = "hundred"
        self.i += 1
        return True

    def _scale(self, mult: float, t: str) -> bool:
        if self.last == "scale" and mult <= self.last_scale and not (self.last_scale == 1e5 and t.startswith("crore")):
            return False
        if self.last == "scale":
            self.total = (self.total + self.cur) * mult
        else:
            self.total = self.total + (self.cur or 1) * mult
        self.last_scale = mult
        self.cur = self.group = 0.0
        self.article = False
        self.last = "scale"
        self.i += 1
        return True

    def _dozen(self) -> bool:
        self.total += (self.cur or 1) * 12
        self.cur = self.group = 0.0
        self.article = False
        self.last = "dozen"
        self.i += 1
        return False

    def _fraction(self, t: str, nxt: str) -> bool:
        d = self.lex.fractions[t]
        if self.article:  # "a half", "one and a half"
            frac = 1 / d
            self.article = False
        elif self.last in ("one", "teen", "ten", "hundred"):
            if t in _SMALL_FRACTIONS and self.group != 1:
                return False  # "two third" is not a fraction
            frac = self.group / d
            self.cur -= self.group
        elif self.last == "" and t in ("half", "quarter"):
            frac = 1 / d
            if nxt in ("a", "an"):  # "half a million"
                self.cur = frac
                self.last = "half"
                self.i += 1
                return True
        elif self.last == "scale" and t[-1] == "s" and d >= 100:  # "a hundred thousand millionths"
            frac = (self.total + self.cur) / d
            self.total = self.cur = 0.0
        else:
            return False
        return self._add_fraction(frac, nxt)

    def _add_fraction(self, frac: float, nxt: str) -> bool:
        scales = self.lex.scales
        if self.total and not self.cur and self.scale_and:
            if scales.get(nxt, self.last_scale) < self.last_scale:
                self.total += frac * scales[nxt]  # "one billion and a half million"
                self.i += 2
                return False
            self.total += frac * self.last_scale  # "one million and a half", "six million and two thirds"
        else:
            self.cur += frac
        self.group = 0.0
        self.last = "frac"
        self.i += 1
        return nxt in scales  # "two thirds" may go on into a scale word


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


def small_words(phrase: str, lex: Lexicon) -> float | None:
    """The value of a short phrase of number words ("forty-five"), None unless it is one number."""
    parsed = parse_words(_SPLIT.split(phrase.lower()), lex)
    return parsed[0][2] if len(parsed) == 1 else None
