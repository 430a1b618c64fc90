"""The scans of the faster extraction give exactly what the plain ``re`` scans give.

* ``find_cues`` over the RE2 ``cue_regions`` finds the cue matches ``cue_re.finditer`` finds, and
  the RE2 prefilter (with its ASCII word boundaries) still matches at every cue;
* ``sentence_ends`` / ``char_positions`` are ``SENT_RE.finditer`` / the quote marks' positions;
* ``content_cut`` is ``CONTENT_CUT_RE.search``'s start; ``right_np`` / ``first_tokens`` on a short
  window give the long window's answer;
* ``NAME_SEQ_RE`` (capital first) is the look-behind-first pattern; ``fold``'s ASCII path is NFKC's;
* ``LowerWordIndex.prefetch`` answers as the set of lower-case words does.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_attribution.analysis import AttributionParams, lexicon_for
from toolkit_attribution.canonical import LOWER_WORD_RE, NAME_SEQ_RE, LowerWordIndex, lower_words
from toolkit_attribution.extract import (
    CONTENT_CUT_RE,
    QUOTE_RE,
    SENT_RE,
    Extractor,
    char_positions,
    content_cut,
    sentence_ends,
)
from toolkit_attribution.lexicon import build_lexicon, fold
from toolkit_attribution.prefilter import MARK, cue_regions, find_cues, may_claim, re2_spans

LEX = lexicon_for(AttributionParams())
EXTRACTOR = Extractor(LEX)

PIECES = st.sampled_from(
    ["said", "says", "told", "according", "to", "According", "claimed", "the", "minister", "Smith", "essays",
     "unsaid", "reportedly", "reported", "as", "by", "in", "a", "statement", "put", "toll", "at", "calls", "for",
     "saying", "é", "_", "1", "'", "’", "-", '"', "“", "”", "‘", "«", ",", ".", "!", "?", "…", "(", ")", MARK]
)  # fmt: skip
GAPS = st.sampled_from([" ", "  ", "\u00a0", "\t", "\n", "", "-", "'", "é", "_", ". ", '." ', "? "])


def _spans(matches: list[re.Match[str]]) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in matches]


def _check_cues(texts: list[str], lex=LEX) -> int:
    found = 0
    for text, regions, flag in zip(texts, cue_regions(texts, lex), may_claim(texts, lex), strict=True):
        expected = _spans(list(lex.cue_re.finditer(text)))
        assert _spans(find_cues(lex.cue_re, text, regions)) == expected, text
        assert flag or not expected, text
        found += len(expected)
    return found


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(PIECES, GAPS), min_size=1, max_size=16))
def test_cue_regions_find_the_cues_finditer_finds(parts):
    text = "".join(a + b for a, b in parts)
    _check_cues([text, text.upper(), text.capitalize(), "x" + text, text + "ly"])


def test_cue_regions_on_news_sentences():
    texts = [
        "Prime Minister Rishi Sunak said on Monday that the government would cut energy bills.",
        "According\u00a0to the police, the suspect fled on foot, as reported by the BBC.",
        "The essays, reportedly unsaid, were reported by a spokesman; he said so, saying it twice.",
        "Officials put the death toll at 40, and called for calm, the ministry said in a statement.",
        "“We cannot keep going like this,” she said. ‘We’re done,’ he told reporters.",
        "é said said,said-said said_ _said",
    ]
    assert _check_cues(texts) >= 12


def test_cue_regions_fall_back_where_re2_or_arrow_cannot_read():
    # a text holding the mark, and one Arrow cannot hold (a lone surrogate): both read whole
    texts = [f"The minister{MARK} said it was over.", "Officials said \ud800 rates will rise."]
    assert _check_cues(texts) == 2
    assert cue_regions(texts, LEX)[0] is None
    # a user's cue that does not start with an ASCII word character: the prefilter drops its \b
    odd = build_lexicon(cues=("étaye:clause",))  # inflected: étayes, étayed, étaying
    assert not odd.cue_prefilter.startswith(r"\b")
    assert _check_cues(["Le ministre étayes que tout va bien.", "Il étayed: oui. Xétayes non."], odd) == 2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="Ab .!?…\"”’')]\n\u00a0“‘([1é", max_size=60))
def test_sentence_ends_are_the_finditer_matches(text):
    assert _spans(sentence_ends(text)) == _spans(list(SENT_RE.finditer(text)))
    assert char_positions(text, '"“”«»„‟') == [m.start() for m in QUOTE_RE.finditer(text)]


def test_sentence_ends_on_news_text():
    text = 'He said "Stop." Then U.S. officials left... "Why?" she asked. It ended. 2 more came!'
    ends = sentence_ends(text)
    assert _spans(ends) == _spans(list(SENT_RE.finditer(text))) and len(ends) >= 4


LOOK_BEHIND_FIRST = re.compile(
    r"(?<![\w'’])[A-Z][\w'’.-]*(?:[ \t]+(?:(?:de|van|von|der|den|bin|al|da|del|la|le)[ \t]+)?[A-Z][\w'’.-]*)*"
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="AbZ x'’.-\t\n_1éÉde", max_size=40))
def test_name_sequences_match_as_the_look_behind_first_pattern(text):
    assert _spans(list(NAME_SEQ_RE.finditer(text))) == _spans(list(LOOK_BEHIND_FIRST.finditer(text)))


def test_name_sequences_in_news_text():
    text = "Jaap de Hoop Scheffer met O'Brien; 'Kevin Allton' and McDonald’s Sarah Jones left. xJohn"
    assert [m.group() for m in NAME_SEQ_RE.finditer(text)] == [m.group() for m in LOOK_BEHIND_FIRST.finditer(text)]
    assert "Jaap de Hoop Scheffer" in [m.group() for m in NAME_SEQ_RE.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30))
def test_fold_of_ascii_is_the_nfkc_fold(text):
    slow = " ".join(unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'").lower().split())
    assert fold(text) == slow


WORDS = st.text(alphabet="abcxyzÉéAB'’-_0 \u00a0.,(\"“\n", max_size=40)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(WORDS, max_size=8),
    st.lists(st.one_of(WORDS, st.sampled_from(["said", "a", "e", "it's", "don’t", "ab-c", "b'"])), max_size=6),
)
def test_prefetched_answers_are_the_set_answers(texts, queries):
    expected = lower_words(texts)
    asked = [*queries, *expected, *(w[:-1] for w in expected), *(w + "s" for w in expected)]
    for chunk in (50_000, 2):
        index = LowerWordIndex(texts, chunk=chunk)
        index.prefetch(asked)
        for word in asked:
            assert (word in index) is (word in expected), word


def test_prefetch_on_news_text_and_texts_arrow_cannot_hold():
    texts = ["Rescuers said the new house burned.", "Officials said \ud800 rates will rise.", f"x{MARK} fox"]
    index = LowerWordIndex(texts)
    index.prefetch(["rescuers", "house", "rates", "fox", "officials", "new", "burn"])
    assert [w for w in ("rescuers", "house", "rates", "fox", "officials", "new", "burn") if w in index] == [
        "house",
        "rates",
        "fox",
        "new",
    ]
    assert {m.group() for t in texts for m in LOWER_WORD_RE.finditer(t)} >= {"house", "rates", "fox", "new"}


def test_re2_spans_are_the_leftmost_matches():
    texts = ["said it, said it", "nothing", "", "é said"]
    spans = re2_spans(texts, r"\bsaid")
    assert spans == [([0, 9], [4, 13]), ([], []), ([], []), ([2], [6])]


RIGHT_WORDS = st.sampled_from(
    ["the", "U.S.", "Securities", "and", "Exchange", "Commission", "(", "SEC", ")", "agency", "a", "report", "by",
     "documents", "seen", "spokesman", "for", "John", "Smith", ",", "who", "on", "Monday", "said", "-", "&",
     "Food", "Drug", "Administration", "people", "familiar", "with", "matter", "that", "1,200", "’s", ".", "\n"]
)  # fmt: skip


def _long_right(text: str, p: int, hi: int):
    """``right_np`` as it was: the full 200-character window at once."""
    toks = EXTRACTOR.tokens(text, p, min(hi, p + EXTRACTOR.window))
    r = EXTRACTOR._right_np(text, toks, len(toks) + 7)
    return r


@settings(max_examples=300, deadline=None)
@given(st.lists(RIGHT_WORDS, min_size=1, max_size=45), st.sampled_from([" ", "  ", "\u00a0", ""]))
def test_the_short_window_right_walk_gives_the_long_window_answer(words, gap):
    text = "said " + gap.join(words) + " and left."
    for p in range(0, min(len(text), 40), 3):
        assert EXTRACTOR.right_np(text, p, len(text)) == _long_right(text, p, len(text)), (text, p)
        toks = EXTRACTOR.tokens(text, p, min(len(text), p + 160))[:14]
        assert EXTRACTOR.first_tokens(text, p, min(len(text), p + 160), 14) == toks, (text, p)


def test_right_walks_on_news_text():
    text = (
        '"We will appeal," said a spokesman for the U.S. Securities and Exchange Commission (SEC), '
        "according to court documents seen by the BBC on Monday, and people familiar with the matter."
    )
    found = [EXTRACTOR.right_np(text, m.end() + 1, len(text)) for m in LEX.cue_re.finditer(text)]
    assert found == [_long_right(text, m.end() + 1, len(text)) for m in LEX.cue_re.finditer(text)]
    assert text[found[0][0] : found[0][1]].startswith("a spokesman for the U.S. Securities and Exchange")


CUT_PIECES = st.sampled_from(
    ["according", "to", "as", "reported", "by", "quoted", "citing", "quoting", "adding", "saying", "he", "she",
     "they", "it", "we", "said", "added", "told", "warned", "says", "adds", ",", ";", "—", "–", "--", "-", "”",
     '"', "’", "officials", "said.", "adds,", "sayings"]
)  # fmt: skip
CUT_GAPS = st.sampled_from([" ", "", "  ", "\n", "\u00a0", "\t"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(CUT_PIECES, CUT_GAPS), min_size=1, max_size=14), st.data())
def test_content_cut_is_the_cut_regex_search(parts, data):
    text = "".join(a + b for a, b in parts)
    p = data.draw(st.integers(0, len(text)))
    hi = data.draw(st.integers(p, len(text)))
    m = CONTENT_CUT_RE.search(text, p, hi)
    assert content_cut(text, p, hi) == (m.start() if m else hi), (text, p, hi)


def test_content_cut_on_news_text():
    text = 'The plan will work, he said; prices rose — "a lot," according to officials, saying so -- twice.'
    cuts = [content_cut(text, p, len(text)) for p in range(0, len(text), 5)]
    assert cuts == [
        (m.start() if m else len(text)) for m in (CONTENT_CUT_RE.search(text, p) for p in range(0, len(text), 5))
    ]
    assert content_cut(text, 0, len(text)) == text.index(", he said")
