"""Property tests of the attribution plugin: any text, spans always slice back, never a crash."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from toolkit_attribution import CLAIMS_COLUMNS, AttributionParams, extract_attributions
from toolkit_attribution.extract import Extractor, pair_quotes
from toolkit_attribution.lexicon import build_lexicon

from toolkit import Context

EXTRACTOR = Extractor(build_lexicon())

# Text built from news-like pieces, quote marks of every kind and noise, so the rules fire often.
PIECES = st.sampled_from(
    [
        "said",
        "says",
        "told reporters",
        "according to",
        "as reported by",
        "citing",
        "warned that",
        "he",
        "she",
        "they",
        "The ministry",
        "South Korea's spy agency",
        "the NIS",
        "Anna Berg",
        "President Zelenskyy",
        "officials",
        "(NIS)",
        ",",
        ".",
        ":",
        "—",
        '"',
        "“",
        "”",
        "'",
        "’",
        "«",
        "»",
        "...",
        "the soldier died",
        "on Friday",
        "in a statement",
        "that",
        "\n",
        "",
    ]
)
NEWSY = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=40).map(" ".join)
ANY_TEXT = st.one_of(st.text(max_size=300), NEWSY)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_spans_always_slice_back_and_are_ordered(text):
    for c in EXTRACTOR.extract(text):
        assert 0 <= c.speaker_start < c.speaker_end <= len(text)
        assert 0 <= c.content_start < c.content_end <= len(text)
        assert 0 <= c.cue_start < c.cue_end <= len(text)
        assert c.kind in ("direct", "indirect", "according_to")
        assert 0.0 < c.confidence <= 1.0
        assert text[c.speaker_start : c.speaker_end].strip() == text[c.speaker_start : c.speaker_end]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \"“”«»'’", max_size=60))
def test_quote_pairs_are_disjoint_and_in_order(text):
    last = -2
    for start, end, truncated in pair_quotes(text):
        assert last <= start < end <= len(text)
        assert truncated == (end == len(text) or start == -1)
        last = end


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), ANY_TEXT), max_size=8))
def test_analysis_never_crashes_and_joins_back(texts):
    ids = [f"p{i}" for i in range(len(texts))]
    df = pd.DataFrame({"text": pd.array(texts, dtype="string")}, index=pd.Index(ids, dtype="string", name="snippet_id"))
    out = extract_attributions(df, AttributionParams(), Context())
    claims = out.tables["claims"]
    assert list(claims.columns) == list(CLAIMS_COLUMNS)
    assert set(claims["snippet_id"]) <= set(ids)
    assert claims["claim_id"].is_unique
    for rec in claims.to_dict("records"):
        text = df.loc[rec["snippet_id"], "text"]
        assert text[rec["speaker_start"] : rec["speaker_end"]] == rec["speaker"]
        assert text[rec["content_start"] : rec["content_end"]] == rec["content"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(NEWSY, min_size=1, max_size=8), st.lists(st.sampled_from(["u1", "u2", None]), min_size=8, max_size=8))
def test_pronouns_across_an_article_keep_groups_and_people_apart(texts, urls):
    ids = [f"p{i}" for i in range(len(texts))]
    df = pd.DataFrame(
        {"text": pd.array(texts, dtype="string"), "url": pd.array(urls[: len(texts)], dtype="string")},
        index=pd.Index(ids, dtype="string", name="snippet_id"),
    )
    claims = extract_attributions(df, AttributionParams(), Context()).tables["claims"]
    for rec in claims.to_dict("records"):
        low = rec["speaker"].lower()
        if low in ("they", "it"):
            assert rec["speaker_type"] != "person"  # a group or body pronoun never names a person
        if low in ("he", "she") and not pd.isna(rec["speaker_canonical"]):
            assert rec["speaker_type"] == "person"
        if pd.isna(df.loc[rec["snippet_id"], "url"]) and low in ("he", "she", "they", "it"):
            # no article: only a name earlier in the same snippet can be what it refers to
            assert pd.isna(rec["speaker_canonical"]) or not pd.isna(rec["antecedent"])


SPEAKERS = st.sampled_from(
    ["The ministry", "Anna Berg", "President Zelenskyy", "South Korea's spy agency", "Local officials", "The NIS"]
)
CONTENT_WORDS = st.lists(
    st.sampled_from(["the", "bridge", "would", "reopen", "soon", "prices", "rose", "3%", "talks", "had", "failed"]),
    min_size=3,
    max_size=12,
).map(" ".join)
CUES = st.sampled_from(["said", "told reporters", "said on Friday", "warned", "added"])


@settings(max_examples=200, deadline=None)
@given(SPEAKERS, CUES, CONTENT_WORDS, st.sampled_from(["indirect", "direct", "postposed", "according"]))
def test_a_report_in_any_form_is_found_with_its_speaker_and_content(speaker, cue, content, form):
    """Generated reports of known shape: the extractor must find each one (an empty result fails)."""
    inside = speaker[0].lower() + speaker[1:] if speaker.startswith(("The ", "Local ")) else speaker
    lead = content[0].upper() + content[1:]
    text = {
        "indirect": f"{speaker} {cue} that {content}.",
        "direct": f'"{content}," {inside} {cue}.',
        "postposed": f"{lead}, {inside} said.",
        "according": f"{lead}, according to {inside}.",
    }[form]
    claims = EXTRACTOR.extract(text)
    assert len(claims) == 1, text
    (c,) = claims
    assert text[c.speaker_start : c.speaker_end].lower() == speaker.lower(), text
    assert text[c.content_start : c.content_end].lower() == content.lower(), text
