"""The shortcuts of the faster attribution path give exactly what the long way gives.

* the column prefilter (``may_claim``) never rules out a text the extractor finds a claim in, and
  matches wherever the cue regex does;
* ``lower_words`` (Arrow split on spaces, regex on distinct pieces) equals the regex over each text,
  and ``LowerWordIndex`` answers ``word in`` as that set does;
* the walk left from a cue on a 48-character window, when kept, is the 100/200-character answer.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_attribution.analysis import AttributionParams, lexicon_for, may_claim
from toolkit_attribution.canonical import LOWER_WORD_RE, LowerWordIndex, lower_words
from toolkit_attribution.extract import _RETRY, Extractor

LEX = lexicon_for(AttributionParams())
EXTRACTOR = Extractor(LEX)
MULTI_OUTLET = Path(__file__).parent / "data" / "multi_outlet" / "snippets.jsonl"

SENTENCES = [
    "Prime Minister Rishi Sunak said on Monday that the government would cut energy bills.",
    "According\u00a0to the police, the suspect fled on foot.",
    "according to   a Reuters poll, rates will stay high",
    "“We cannot keep going like this,” she said.",
    "‘We’re done,’ he said.",
    'The mayor: "The bridge reopens in May."',
    "The U.S. Food and Drug Administration (FDA) said in a statement that the drug was safe.",
    "Officials at the Department of Health and Human Services, who spoke on condition of anonymity, "
    "told reporters the plan had been shelved.",
    "Markets closed higher on Tuesday.",
    "Unsaid essays, reassessed: nothing here.",
]


def _texts() -> list[str]:
    rows = [json.loads(line) for line in MULTI_OUTLET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return SENTENCES + [r["text"] for r in rows if isinstance(r.get("text"), str)]


def _check_prefilter(texts: list[str]) -> None:
    flags = may_claim(texts, LEX)
    for text, flag in zip(texts, flags, strict=True):
        if LEX.cue_re.search(text):
            assert flag, text
        if not flag:
            assert EXTRACTOR.extract(text) == [], text


def test_the_prefilter_keeps_every_text_with_a_claim():
    texts = _texts()
    _check_prefilter(texts)
    flags = may_claim(texts, LEX)
    assert sum(flags) >= 30 and not all(flags)  # it reads real reports and skips something


PIECES = st.sampled_from(
    ["said", "says", "told", "according", "to", "According", "claimed", "the", "minister", "Smith", "essays",
     "unsaid", "'", "’", "-", '"', "“", "”", "‘", "«", ",", ".", "(", ")"]
)  # fmt: skip
GAPS = st.sampled_from([" ", "  ", "\u00a0", "\t", "\n", "", "-", "'"])


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(PIECES, GAPS), min_size=1, max_size=14))
def test_the_prefilter_is_a_superset_of_the_cue_matches(parts):
    text = "".join(a + b for a, b in parts)
    _check_prefilter([text, text.upper(), text.capitalize()])


WORDS = st.text(alphabet="abcxyzÉéAB'’-_0 \u00a0.,(\"“\n", max_size=40)


@settings(max_examples=120, deadline=None)
@given(st.lists(WORDS, max_size=8))
def test_lower_words_equals_the_regex_over_each_text(texts):
    expected: set[str] = set()
    for text in texts:
        expected.update(LOWER_WORD_RE.findall(text))
    assert lower_words(texts) == expected
    assert lower_words(texts, chunk=2) == expected


@settings(max_examples=120, deadline=None)
@given(
    st.lists(WORDS, max_size=8),
    st.lists(st.one_of(WORDS, st.sampled_from(["said", "a", "e", "it's", "don’t"])), max_size=6),
)
def test_lower_word_index_answers_as_the_set_does(texts, queries):
    expected = lower_words(texts)
    index, small_chunks = LowerWordIndex(texts), LowerWordIndex(texts, chunk=2)
    for word in [*queries, *expected, *(w[:-1] for w in expected), *(w + "s" for w in expected)]:
        assert (word in index) is (word in expected), word
        assert (word in small_chunks) is (word in expected), word
        assert (word in index) is (word in expected), word  # the memoised answer too


def test_lower_word_index_reads_texts_arrow_cannot_hold():
    index = LowerWordIndex(["Officials said \ud800 rates will rise.", "Nothing (here"])
    assert "rates" in index and "here" in index and "officials" not in index and "nothing" not in index
    assert 3 not in index


def test_lower_words_reads_texts_arrow_cannot_hold():
    texts = ["Officials said \ud800 rates will rise.", "Nothing (here"]
    assert lower_words(texts) == {"said", "rates", "will", "rise", "here"}
    assert may_claim(texts, LEX) == [True, True]  # unreadable for Arrow: every text is read


def _long_way(text: str, lo: int, end: int):
    """The walk as it was: a 100-character window, then the full one."""
    if end - lo > 100:
        r = EXTRACTOR._left_np(text, lo, end, 100)
        if r is not _RETRY:
            return r
    r = EXTRACTOR._left_np(text, lo, end, EXTRACTOR.window)
    return None if r is _RETRY else r


def _check_walks(text: str) -> int:
    n = 0
    for m in LEX.cue_re.finditer(text):
        for lo in (0, max(0, m.start() - 120)):
            assert EXTRACTOR.left_np(text, lo, m.start()) == _long_way(text, lo, m.start()), (text, lo)
            n += 1
    return n


def test_the_short_window_walk_gives_the_long_window_answer():
    assert sum(_check_walks(t) for t in _texts()) >= 30


NP_WORDS = st.sampled_from(
    ["The", "the", "U.S.", "Food", "and", "Drug", "Administration", "of", "Health", "(", "FDA", ")", "minister",
     "John", "Smith", ",", "who", "on", "Monday", "has", "also", "not", "Department", "for", "spokesman", "-",
     "&", "/", "reporters", "In", "2019", "last", "week", "people", "familiar", "with", "matter", "Her", "lawyer"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(NP_WORDS, min_size=1, max_size=30), st.sampled_from(["said", "told", "claimed", "added"]))
def test_short_window_walks_on_generated_phrases(words, cue):
    _check_walks(" ".join(words) + f" {cue} that the plan would work.")
