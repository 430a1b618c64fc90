"""Neighbouring figures joined: ranges ("between 10 and 20", "15-20%"), bounds ("more than 10 and
less than 40"), fractions ("one over three") and ratios ("one in five"); scores and codes dropped."""

from __future__ import annotations

import contextlib

from toolkit_figures.context import (
    _prev_word,
    _words_before,
)
from toolkit_figures.figure import (
    Fig,
    bounds,
)
from toolkit_figures.lexicon import Lexicon
from toolkit_figures.numbers import ROUND_SCALES
from toolkit_figures.patterns import (
    _BOUND_GAP,
    _RANGE_GAP,
    _RATIO_GAP,
    _WORDS_LOWER,
    _fig_start,
)


class RangeRules:
    """The rules that join two neighbouring figures (a part of :class:`~toolkit_figures.extract.Extractor`)."""

    lex: Lexicon

    def _right_qualifier(self, text: str, f: Fig) -> None:  # the Extractor's
        raise NotImplementedError

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
            g.words and f.plain and f.value is not None and 0 < f.value < 1 and g.value in ROUND_SCALES
            and gap.strip().lower() == "of" and text[g.core_start : g.core_start + 2].lower() in ("a ", "an")
        ):  # fmt: skip
            # "a quarter of a million", "two-thirds of a billion dollars"
            g.value = float(f"{f.value * g.value:.15g}")
            g.start, g.core_start, g.words = f.start, f.core_start, True
            g.qualifier = f.qualifier
            bounds(g)
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
