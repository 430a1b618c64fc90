"""The static first-stage encoder of the ``fact`` and ``paraphrase`` levels (model2vec).

A static model maps every word piece to a fixed vector and a text to the mean of its pieces:
no attention, so ~10,000 texts per second on one CPU core against ~50-150 for the full
all-MiniLM-L6-v2. The bundled one (``data/static_minilm``, 4 MB) was distilled locally from the
packaged all-MiniLM-L6-v2 with ``model2vec`` (recipe: :mod:`toolkit_dedup.static_distill`; no
training data). Its cosines track the full model's (correlation 0.94 on 3,000 UCI headline pairs)
and are mapped onto the full model's scale by :data:`SLOPE` / :data:`INTERCEPT`, so the levels'
thresholds mean the same whichever encoder scored a pair.

Loaded once per process and model directory under a lock; the loaded model is only read
afterwards, so one instance serves every thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from toolkit_dedup.embeddings import EXTRA_HINT, MissingExtraError

BUNDLED = Path(__file__).resolve().parent / "data" / "static_minilm"

#: Least-squares fit of the full model's cosine on the bundled static model's cosine, over the texts
#: of the first 3,000 pairs of the UCI headline pairs (CC BY 4.0, Gasparetti 2017; labels unused):
#: ``full ≈ SLOPE * static + INTERCEPT``. Only valid for the bundled model.
SLOPE = 1.0743
INTERCEPT = -0.0899

StaticEncoder = Callable[[Sequence[str]], np.ndarray]

_LOCK = threading.Lock()
_LOADED: dict[str, StaticEncoder] = {}


def get_static_encoder(model: str = "") -> StaticEncoder:
    """The static encoder of ``model`` (a local model2vec directory; "" = the bundled one), cached per process."""
    encoder = _LOADED.get(model)
    if encoder is not None:
        return encoder
    with _LOCK:
        if model not in _LOADED:
            _LOADED[model] = _load(model)
        return _LOADED[model]


def _load(model: str) -> StaticEncoder:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from model2vec import StaticModel
    except ImportError as exc:
        raise MissingExtraError(
            f"the fact and paraphrase levels' first stage needs model2vec, part of the embeddings extra: {EXTRA_HINT}"
        ) from exc
    path = Path(model).expanduser() if model else BUNDLED
    if not (path / "model.safetensors").is_file():
        raise MissingExtraError(
            f"static model {str(path)!r} is not a local model2vec directory (nothing is downloaded)"
        )
    static: Any = StaticModel.from_pretrained(str(path))

    def encode(texts: Sequence[str]) -> np.ndarray:
        # No multiprocessing: deterministic, and safe inside worker processes and threads.
        return static.encode(list(texts), use_multiprocessing=False, max_length=256)

    return encode


def static_embed(texts: Sequence[str], model: str = "") -> np.ndarray:
    """L2-normalised float32 static vectors of ``texts`` (a text without word pieces gets a zero row)."""
    encoder = get_static_encoder(model)
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    vecs = np.asarray(encoder(texts), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.where(norms > 0, norms, 1.0)


def to_full_scale(cos: np.ndarray, model: str = "") -> np.ndarray:
    """Static cosines on the full model's scale (the bundled model's fit; another model is taken as is)."""
    cos = np.asarray(cos, dtype=np.float64)
    return SLOPE * cos + INTERCEPT if not model else cos


def from_full_scale(value: float, model: str = "") -> float:
    """The static cosine that maps to ``value`` on the full model's scale (inverse of :func:`to_full_scale`)."""
    return (value - INTERCEPT) / SLOPE if not model else value
