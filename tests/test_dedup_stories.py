"""dedup and stories: row order never matters, partitions never matter, bad collections stay sane."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_dedup.analysis import (
    DedupParams,
    StoryParams,
    dedup,
    dedup_combine,
    dedup_extract,
    stories,
    stories_combine,
    stories_extract,
)
from toolkit_dedup.extract import extract, story_terms

from toolkit import Context, Output

STORIES = {
    "quake": [
        "A magnitude 7.1 earthquake struck off the coast of Japan's Fukushima on Saturday, "
        "the Japan Meteorological Agency said",
        "Powerful earthquake shakes Fukushima in Japan, tsunami warning issued for the coast",
        "Tsunami warning lifted after strong Fukushima earthquake rattles northeastern Japan",
        "Japan earthquake: Fukushima nuclear plant reports no damage after the quake",
    ],
    "apple": [
        "Apple agrees to buy Beats Electronics for $3 billion, its largest acquisition ever",
        "Apple confirms $3 billion Beats deal, bringing Dr. Dre and Jimmy Iovine on board",
        "Why Apple paid $3 billion for Beats: the music streaming service, analysts say",
        "Beats headphones maker joins Apple as Dr. Dre becomes the first hip-hop billionaire",
    ],
    "ebola": [
        "Ebola outbreak in Guinea spreads to the capital Conakry, health ministry says",
        "World Health Organization warns Ebola outbreak in Guinea could last months",
        "Doctors Without Borders says Guinea Ebola outbreak is unprecedented in its spread",
        "Liberia confirms two Ebola cases as the Guinea outbreak crosses the border",
    ],
}


def frame(texts, ids=None, sources=None, published=None):
    ids = ids or [f"n{i}" for i in range(len(texts))]
    data = {"text": pd.array(texts, dtype="string")}
    if sources is not None:
        data["source"] = pd.array(sources, dtype="string")
    if published is not None:
        data["published_at"] = pd.to_datetime(pd.Series(published, dtype="object"), utc=True).to_numpy()
    return pd.DataFrame(data, index=pd.Index(ids, dtype="string", name="snippet_id"))


def _story_frame():
    texts, ids, gold = [], [], []
    for name, items in STORIES.items():
        for i, t in enumerate(items):
            texts.append(t)
            ids.append(f"{name}{i}")
            gold.append(name)
    return frame(texts, ids=ids), gold


def _with_dedup(fr: pd.DataFrame) -> pd.DataFrame:
    return fr.join(dedup(fr, DedupParams(), Context()).columns)


def _corpus(n=240, seed=7):
    """Wire copies with edits, cut-offs, outlet tails and figures, in several stories."""
    rng = np.random.default_rng(seed)
    items = [t for ts in STORIES.values() for t in ts]
    texts, sources = [], []
    for _ in range(n):
        t = items[int(rng.integers(0, len(items)))]
        r = rng.random()
        if r < 0.2:
            t = "UPDATE 1-" + t
        elif r < 0.4:
            t = t[: int(len(t) * 0.7)] + "..."
        elif r < 0.55:
            t = t + " - Daily Planet"
        elif r < 0.7:
            words = t.split()
            del words[int(rng.integers(0, len(words)))]
            t = " ".join(words)
        texts.append(t)
        sources.append(["Daily Planet", "Reuters", None][int(rng.integers(0, 3))])
    return frame(texts, sources=sources)


# --- order independence (issue 16.18) ------------------------------------------------------------


@settings(max_examples=15, deadline=None)
@given(st.randoms(use_true_random=False))
def test_dedup_same_clusters_and_ids_in_any_row_order(rnd):
    fr = _corpus()
    base = dedup(fr, DedupParams(), Context()).columns
    order = list(range(len(fr)))
    rnd.shuffle(order)
    shuffled = dedup(fr.iloc[order], DedupParams(), Context()).columns.reindex(fr.index)
    assert base["cluster_id"].nunique() < len(fr) // 2  # real clusters, not all singletons
    pd.testing.assert_frame_equal(base, shuffled)


@settings(max_examples=10, deadline=None)
@given(st.randoms(use_true_random=False))
def test_stories_same_ids_in_any_row_order(rnd):
    fr = _with_dedup(_corpus(120))
    base = stories(fr, StoryParams(), Context()).columns["story_id"]
    order = list(range(len(fr)))
    rnd.shuffle(order)
    shuffled = stories(fr.iloc[order], StoryParams(), Context()).columns["story_id"].reindex(fr.index)
    assert base.nunique() < 20
    pd.testing.assert_series_equal(base, shuffled)


# --- the extract / combine split ---------------------------------------------------------------


def _in_parts(fr, params, extract_half, combine_half, bounds):
    parts = [extract_half(fr.iloc[lo:hi], params, Context()) for lo, hi in itertools.pairwise(bounds)]
    cols = pd.concat([p.columns for p in parts if p.columns is not None])
    return combine_half(fr, params, Context(), Output(columns=cols))


@pytest.mark.parametrize("level", ["exact", "near"])
def test_dedup_is_identical_whether_extract_ran_whole_or_per_partition(level):
    fr = _corpus()
    params = DedupParams(level=level)
    whole = dedup(fr, params, Context())
    for bounds in ([0, 1, 100, 240], [0, 60, 120, 180, 240]):
        split = _in_parts(fr, params, dedup_extract, dedup_combine, bounds)
        pd.testing.assert_frame_equal(whole.columns, split.columns)
        pd.testing.assert_frame_equal(whole.tables["clusters"], split.tables["clusters"])


def test_stories_are_identical_whether_extract_ran_whole_or_per_partition():
    fr = _with_dedup(_corpus(120))
    whole = stories(fr, StoryParams(), Context())
    split = _in_parts(fr, StoryParams(), stories_extract, stories_combine, [0, 7, 50, 120])
    pd.testing.assert_frame_equal(whole.columns, split.columns)
    pd.testing.assert_frame_equal(whole.tables["stories"], split.tables["stories"])


def test_an_outlet_tail_named_by_the_collections_sources_is_stripped_in_every_partition():
    text = "Ebola outbreak in Guinea spreads to the capital Conakry, officials say"
    fr = frame([text, text + " - Planet Weekly Herald Online", text + " - Zorblax"], sources=["Zorblax", None, None])
    whole = dedup(fr, DedupParams(level="exact"), Context())
    assert whole.columns["cluster_id"].nunique() == 1  # "Zorblax" is a source of this collection
    split = _in_parts(fr, DedupParams(level="exact"), dedup_extract, dedup_combine, [0, 1, 2, 3])
    pd.testing.assert_frame_equal(whole.columns, split.columns)


# --- stories -----------------------------------------------------------------------------------


def test_stories_group_the_events_without_a_model():
    fr, gold = _story_frame()
    out = stories(_with_dedup(fr), StoryParams(), Context())
    sid = out.columns["story_id"]
    assert str(sid.dtype) == "string"
    by_gold = pd.Series(gold, index=fr.index)
    for name in STORIES:  # every event in one story, and no story spans two events
        assert sid[by_gold == name].nunique() == 1, name
    assert sid.nunique() == len(STORIES)
    table = out.tables["stories"]
    assert set(table["method"]) == {"lexical"} and table["size"].sum() == len(fr)
    assert set(table["story_id"]) == set(sid)


def test_story_terms_weigh_names():
    terms = story_terms("Officials said on Monday that Tim Cook met Dr. Dre in Los Angeles.")
    assert "@tim_cook" in terms and "@los_angeles" in terms and "dre" in terms
    assert "said" not in terms and "monday" not in terms and "officials" not in " ".join(t for t in terms if "@" in t)


def test_one_story_stays_one_story():
    items = STORIES["quake"] * 3
    fr = frame(items, sources=[f"outlet{i}" for i in range(len(items))])
    out = stories(_with_dedup(fr), StoryParams(), Context())
    assert out.columns["story_id"].nunique() == 1


def test_identical_texts_from_50_outlets_are_one_cluster_and_one_story():
    text = STORIES["apple"][0]
    fr = frame([text] * 50, sources=[f"Outlet {i}" for i in range(50)])
    fr = _with_dedup(fr)
    assert fr["cluster_id"].nunique() == 1
    out = stories(fr, StoryParams(), Context())
    assert out.columns["story_id"].nunique() == 1
    assert out.tables["stories"]["n_sources"].tolist() == [50]


def test_a_thousand_unrelated_snippets_never_make_a_giant_story():
    rng = np.random.default_rng(11)
    # 2,450 made-up words: any two snippets share a word now and then, as unrelated headlines do.
    syllables = [f"{a}{b}" for a in "bcdfghklmnprstvz" for b in "aeiou"]
    vocab = [f"{x}{y}{z}" for x in syllables[:14] for y in syllables[:35] for z in "lnrst"]
    texts = [" ".join(rng.choice(vocab, 9).tolist()).capitalize() for _ in range(1000)]
    fr = _with_dedup(frame(texts))
    out = stories(fr, StoryParams(), Context())
    sizes = out.tables["stories"]["size"]
    # Two snippets that share a rare word may pair up; nothing chains into a giant story.
    assert sizes.max() <= 6
    assert len(sizes) > 300


def test_two_people_sharing_a_surname_are_two_stories():
    texts = [
        "John Smith wins the Wimbledon men's singles title after a five-set final",
        "Wimbledon champion John Smith celebrates his first grand slam title",
        "Senator Mary Smith proposes a carbon tax bill in the Senate",
        "Mary Smith's carbon tax bill faces opposition from Senate Republicans",
    ]
    sid = stories(_with_dedup(frame(texts)), StoryParams(), Context()).columns["story_id"]
    assert sid["n0"] == sid["n1"] and sid["n2"] == sid["n3"] and sid["n0"] != sid["n2"]


def test_one_word_and_figure_free_snippets_stay_alone():
    texts = ["Breaking", "Update", "Breaking", "Watch", "", None, "Stocks"]
    fr = _with_dedup(frame(texts))
    out = stories(fr, StoryParams(), Context())
    sid = out.columns["story_id"]
    assert sid.notna().all()
    assert sid["n0"] == sid["n2"]  # the identical ones share their dedup cluster
    assert sid.nunique() == len(texts) - 1


def test_stories_is_on_by_default_and_declares_story_id():
    from toolkit_dedup import register_analyses

    specs = []
    register_analyses(register=specs.append)
    spec = {s.name: s for s in specs}["stories"]
    assert spec.run_by_default and spec.columns == {"story_id": "string"} and spec.is_split
    assert {s.name: s for s in specs}["dedup"].is_split


# --- the per-snippet engine on a plain string -----------------------------------------------------


def test_extract_works_on_a_plain_string():
    f = extract("UPDATE 1-Quake toll rises to 69 - Reuters")
    assert f.key == "quake toll rises to 69" and not f.cut_off and f.words == 5
    assert f.figures != (0, 0) and len(f.signature) == 128
    assert "quake" in f.terms
    assert extract(None).key is None and extract("").words == 0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["Fukushima", "earthquake", "Apple", "Beyonce", "tsunami", "Ebola"]), min_size=1),
    st.text(max_size=40),
)
def test_story_terms_find_the_content_words_whatever_surrounds_them(words, noise):
    text = noise + " " + " and ".join(words) + ". " + noise
    terms = story_terms(text)
    found = {t for t in terms if not t.startswith("@")}
    assert {w.lower() for w in words} <= found
    assert all(t == t.lower() and " " not in t for t in terms)
