"""The thing a figure counts: the noun phrase after it, the noun before "of", the subject of a verb
of level before it ("the death toll rose to 69")."""

from __future__ import annotations

import re

from toolkit_figures.context import (
    _participle,
    _prev_word,
)
from toolkit_figures.figure import (
    Fig,
    bounds,
)
from toolkit_figures.lexicon import Lexicon
from toolkit_figures.patterns import (
    _AFTER_COUNTED,
    _CLAUSE_TOKEN,
    _OF,
    _OF_BEFORE,
    _SENTENCE_OPENERS,
    _WORD_AFTER,
)

_WHITE_SPACE = re.compile(r"\s")


class CountedRules:
    """The rules that find what a figure counts (a part of :class:`~toolkit_figures.extract.Extractor`)."""

    lex: Lexicon
    stop_all: frozenset[str]
    date_words: frozenset[str]
    max_counted_words: int

    def _counted_before_verb(self, text: str, f: Fig, memo: dict[int, tuple[str, int]] | None = None) -> None:
        """The subject of a verb of level before the figure is what it counts: "the death toll rose
        to 69", "the toll climbed past 11,000", "unemployment stood at 4.2%", "turnout was 71.8
        per cent", "the number of dead rose to 72" (after a container noun, the thing after "of").

        A verb of change needs a preposition of level ("rose to 69"; "rose 5%" is a change, not a
        level); a capitalised subject other than the sentence's first word is a name ("Biden was 81")."""
        lex = self.lex
        before, _ = _prev_word(text, f.start, memo=memo)
        if before not in lex.level_prepositions and before not in lex.direct_level_verbs:
            return  # the common case, settled with one look back
        after = _WORD_AFTER.match(text, f.end)
        if after and after.group(2).lower() in lex.context["change_after"]:
            return  # "shares were 5% higher": a change, not a level
        if self._no_level_verb_close_by(text, f.start):
            return  # settled on the last few tokens, without reading the clause
        toks = [(m.group(), m.start()) for m in _CLAUSE_TOKEN.finditer(text, max(0, f.start - 100), f.start)]
        k, _ = self._level_verb_at(toks)
        if k < 0:
            return
        copula = toks[k][0].lower() in lex.copulas
        k -= 1
        while k >= 0 and (toks[k][0].lower() in lex.level_auxiliaries or toks[k][0].lower().endswith("ly")):
            k -= 1
        end, of_end = self._subject_end(toks, k)
        words = self._noun_phrase(toks, end)
        if words and toks[words[-1]][0].lower() in lex.container_nouns:
            # "the number of dead": what follows "of" ("the number is 200": nothing)
            words = [i for i in range(end + 2, of_end + 1) if toks[i][0].lower() not in lex.np_determiners]
        elif not self._is_subject(toks, words, copula and f.kind == "count"):
            return
        if not words:
            return
        first, last = toks[words[0]], toks[words[-1]]
        cs, ce = first[1], last[1] + len(last[0])
        f.counted, f.counted_start, f.counted_end = text[cs:ce], cs, ce

    def _level_verb_at(self, toks: list[tuple[str, int]]) -> tuple[int, bool]:
        """(index of the verb of level the tokens end with, whether a preposition follows it), or
        (-1, ...) when they end with none ("rose to", "stood at", "was")."""
        lex = self.lex
        k = len(toks) - 1
        prep = k >= 0 and toks[k][0].lower() in lex.level_prepositions
        k -= prep
        if k < 0 or toks[k][0].lower() not in (lex.level_verbs if prep else lex.direct_level_verbs):
            return -1, prep
        return k, prep

    def _no_level_verb_close_by(self, text: str, start: int) -> bool:
        """Whether the 100-character clause window before ``start`` surely ends with no verb of
        level, read from its last 32 characters: a token that starts past a white space of the short
        window is a token of the long one too (no token holds white space, and the tokens after a
        white space depend on the text after it alone), so when the verb and preposition tested are
        such tokens, the long window gives the same answer. False: read the long window."""
        lo = start - 32
        if lo <= 0:
            return False  # the short window is the long one's whole text: nothing to save
        space = _WHITE_SPACE.search(text, lo, start)
        if space is None:
            return False
        toks = [(m.group(), m.start()) for m in _CLAUSE_TOKEN.finditer(text, space.end(), start)]
        k, prep = self._level_verb_at(toks)
        return k < 0 and len(toks) - 1 - prep >= 0

    def _subject_end(self, toks: list[tuple[str, int]], k: int) -> tuple[int, int]:
        """(last token of the subject, last token of a phrase after "of" or -1) when a prepositional
        phrase follows the subject ("the toll from the quake rose"); (-1, -1) across punctuation."""
        lex = self.lex
        for j in range(k, max(-1, k - 7), -1):
            w = toks[j][0]
            wl = w.lower()
            if not w[0].isalpha():
                return -1, -1
            if wl in lex.subject_prepositions:
                return j - 1, (k if wl == "of" else -1)
            if wl in lex.stopwords and wl not in lex.np_determiners and wl not in lex.nominal_adjectives:
                break  # "fired as Mers toll hits 117": the clause starts after "as"
        return k, -1

    def _noun_phrase(self, toks: list[tuple[str, int]], k: int) -> list[int]:
        """The words of the noun phrase ending at token ``k``: up to three, back to a determiner,
        a stop word, a possessive or punctuation."""
        lex = self.lex
        words: list[int] = []
        j = k
        while j >= 0 and len(words) < 3:
            w = toks[j][0]
            wl = w.lower()
            if not w[0].isalpha() or wl in lex.stopwords or wl in lex.np_determiners or w.endswith(("'s", "’s")):
                break
            words.insert(0, j)
            j -= 1
        return words

    def _is_subject(self, toks: list[tuple[str, int]], words: list[int], needs_determiner: bool) -> bool:
        """Whether the noun phrase is a counted thing: not a pronoun, a date or a name. A bare
        sentence-opening word before "was"/"is" and a count may be a name ("Smith was 69")."""
        if not words:
            return False
        lex = self.lex
        head = toks[words[-1]][0].lower()
        if head in lex.not_subjects or head in self.stop_all or head in self.date_words or head.endswith("ly"):
            return False
        before = words[0] - 1
        if needs_determiner and (before < 0 or toks[before][0].lower() not in lex.np_determiners):
            return False
        i = words[-1]
        opens = i == words[0] and (i == 0 or toks[i - 1][0] in _SENTENCE_OPENERS)
        # a capitalised head inside a sentence is a name ("as Smith reached 100"), unless after "the"
        return not (toks[i][0][0].isupper() and not opens and not (before >= 0 and toks[before][0].lower() == "the"))

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
        """The noun phrase after the figure that says what it counts ("15,000 North Korean troops",
        "hundreds of people", "35% of voters", "a €50 billion aid package", "nine of the dead")."""
        pos = f.end
        if pos < len(text) and text[pos] in "-‐‑" and f.counted is None:
            return
        start = self._counted_opening(text, f)
        if start is None:
            return
        pos, premod, after_of = start
        words = self._counted_words(text, pos, premod, after_of)
        while words and (
            text[words[-1][0] : words[-1][1]].lower() in ("and", "per")
            or text[words[-1][0] : words[-1][1]].endswith(("'s", "’s", "s'"))
        ):
            words.pop()  # "the town's 12,000 residents": a possessive belongs to the next number
        if len(words) == 1 and text[words[0][0] : words[0][1]].lower().endswith("ing"):
            return  # "300,000 waiting": a verb, not a thing counted
        if not words:
            return
        cs, ce = words[0][0], words[-1][1]
        counted = text[cs:ce]
        if counted.lower() in self.lex.not_counted and f.kind != "count":
            return
        f.counted, f.counted_start, f.counted_end = counted, cs, ce
        if f.qualifier == "exact" and f.value is not None:
            # "300 homes or more", "40 volunteers or so": the qualifier after the counted noun
            m = _AFTER_COUNTED.match(text, ce)
            if m:
                f.qualifier = self.lex.after[" ".join(m.group(1).lower().split())]
                bounds(f)

    def _counted_opening(self, text: str, f: Fig) -> tuple[int, bool, bool] | None:
        """Where the counted phrase may start: (position, whether the figure pre-modifies it, whether
        "of" came first); None when nothing after the figure can be what it counts."""
        pos = f.end
        om = _OF.match(text, pos) if text[pos + 1 : pos + 3].lower() == "of" else None
        if om:  # "hundreds of people", "2.5 tonnes of cocaine", "35% of voters", "20 of the planes"
            return om.end(), False, True
        if (
            (f.kind == "money" and f.unit not in ("cent", "GBX"))
            or f.kind == "percent"
            or (f.kind == "measure" and f.unit != "magnitude")
        ):
            # an amount, a share or a measure counts what follows "of", not the next noun, unless it
            # pre-modifies a noun phrase: "a €50 billion aid package", "a 15% tariff", "a 6,000km border"
            return (pos, True, False) if self._determined(text, f) else None
        return pos, False, False

    def _counted_words(self, text: str, pos: int, premod: bool, after_of: bool) -> list[tuple[int, int]]:
        """The spans of the counted phrase's words from ``pos``, up to ``max_counted_words``."""
        lex = self.lex
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
            if not words and wl in lex.nominal_adjectives and not premod and self._nominal(text, m.end(), after_of):
                return [(m.start(2), m.end(2))]  # "nine of the dead", "69 dead and 200 injured"
            if wl in self.stop_all:
                pair = self._and_pair(text, m, words, k)
                if pair:
                    words += pair
                    i = pair[-1][1]
                    continue
                break
            if self._ends_counted(wl, words, premod):
                break
            words.append((m.start(2), m.end(2)))
            i = m.end()
            if len(words) >= self.max_counted_words:
                break
        return words

    def _nominal(self, text: str, end: int, after_of: bool) -> bool:
        """Whether an adjective such as "dead" at ``end`` stands for people: after "of the", or
        followed by no noun ("69 dead, 200 injured"; not "69 dead cattle")."""
        if after_of:
            return True
        nxt = _WORD_AFTER.match(text, end)
        return nxt is None or nxt.group(2).lower() in self.stop_all

    def _and_pair(self, text: str, m: re.Match, words: list[tuple[int, int]], k: int) -> list[tuple[int, int]]:
        """ "and" plus the next noun when the counted phrase goes on ("tanks and artillery pieces")."""
        lex = self.lex
        if not (m.group(2).lower() == "and" and words and k < self.max_counted_words):
            return []
        m2 = _WORD_AFTER.match(text, m.end())
        if not m2:
            return []
        w2 = m2.group(2).lower()
        m3 = _WORD_AFTER.match(text, m2.end())
        after = m3.group(2).lower() if m3 else ""
        if (
            w2 not in lex.stopwords and not w2.endswith(("ed", "ly", "ing"))
            and w2 not in lex.ones and w2 not in lex.tens and (not after or after in lex.stopwords)
        ):  # fmt: skip
            return [(m.start(2), m.end(2)), (m2.start(2), m2.end(2))]
        return []

    def _ends_counted(self, wl: str, words: list[tuple[int, int]], premod: bool) -> bool:
        """Whether the word ``wl`` ends the counted phrase (an adverb, a participle, a verb, a
        comparative: "69 higher than reported" counts nothing)."""
        if words and (wl.endswith("ly") or (len(wl) > 4 and wl.endswith(("ed", "ing")))):
            return True
        if not words and (wl.endswith("ly") or wl in self.lex.context["change_after"]):
            return True
        lex = self.lex
        # "the $5 billion pledged", "ten miles long", "another 1.4% Thursday": no noun phrase
        return premod and not words and (_participle(wl) or wl in lex.predicate_adjectives or wl in self.date_words)
