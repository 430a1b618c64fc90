"""The bundled sentence encoder (all-MiniLM-L6-v2) run straight on torch, without sentence-transformers.

Why: importing sentence-transformers pulls in transformers, scikit-learn, scipy.stats,
torch._dynamo and torch.distributed — about 3.4 CPU-s in every fresh process before a single text
is encoded (torch alone: ~1 CPU-s) — and its ``encode`` wrapper plus transformers' module layers
add a few milliseconds to every small call (a two-sentence pair). A BERT sentence encoder is a
handful of torch operations. This module performs exactly the operations sentence-transformers
and transformers perform for such a model on the CPU — the same tokenizer (``tokenizer.json``
through ``tokenizers``), the same length sort and batches of 64, the same kernels on the same
shapes in the same order (SDPA attention with the same boolean mask, erf GELU, mean pooling,
normalised twice as ``Normalize`` + ``normalize_embeddings`` do) — so its vectors are
bit-identical to theirs (checked against sentence-transformers in
``tests/test_dedup_embeddings.py``).

It takes only a directory it fully understands (:func:`load_direct`): a sentence-transformers
directory of a BERT model (absolute positions, GELU, encoder only) whose modules are exactly
Transformer → mean Pooling → Normalize, with ``tokenizer.json`` and ``model.safetensors``, run on
the CPU. Anything else (another architecture or pooling, a GPU) returns ``None`` and goes
through sentence-transformers as before.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

Encoder = Callable[[Sequence[str]], np.ndarray]

_MODULES = [
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
]
_MEAN_ONLY = {
    "pooling_mode_cls_token": False,
    "pooling_mode_mean_tokens": True,
    "pooling_mode_max_tokens": False,
    "pooling_mode_mean_sqrt_len_tokens": False,
}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _understood(path: Path) -> dict[str, Any] | None:
    """The BERT config of ``path`` when the directory is one this module reproduces exactly, else None."""
    modules = _read_json(path / "modules.json")
    if not isinstance(modules, list) or [m.get("type") for m in modules if isinstance(m, dict)] != _MODULES:
        return None
    pooling = _read_json(path / str(modules[1].get("path", "")) / "config.json")
    if not isinstance(pooling, dict) or any(pooling.get(k, False) != v for k, v in _MEAN_ONLY.items()):
        return None
    if pooling.get("pooling_mode_weightedmean_tokens") or pooling.get("pooling_mode_lasttoken"):
        return None
    if pooling.get("include_prompt", True) is not True or modules[0].get("path", "") != "":
        return None
    st_config = _read_json(path / "config_sentence_transformers.json")
    if isinstance(st_config, dict) and (st_config.get("prompts") or st_config.get("default_prompt_name")):
        return None
    config = _read_json(path / "config.json")
    if not isinstance(config, dict):
        return None
    plain_bert = (
        config.get("model_type") == "bert"
        and config.get("hidden_act") == "gelu"
        and config.get("position_embedding_type", "absolute") == "absolute"
        and not config.get("is_decoder", False)
        and not config.get("add_cross_attention", False)
        and not config.get("chunk_size_feed_forward", 0)
        and config.get("hidden_size", 0) % max(config.get("num_attention_heads", 0), 1) == 0
    )
    files = all((path / name).is_file() for name in ("tokenizer.json", "model.safetensors"))
    return config if plain_bert and files else None


def load_direct(path: Path, device: str, max_length: int, batch_size: int) -> Encoder | None:
    """An encoder for the sentence-transformers directory ``path`` without sentence-transformers, or
    None when this module does not reproduce that model exactly (see the module docstring).

    ``max_length``: word pieces kept per text; ``batch_size``: texts per forward pass (both as the
    sentence-transformers call they replace).
    """
    if device != "cpu" or not all(importlib.util.find_spec(m) for m in ("torch", "safetensors", "tokenizers")):
        return None
    config = _understood(path)
    if config is None:
        return None
    return _BertEncoder(path, config, max_length, batch_size).encode


class _BertEncoder:
    """The model's weights and tokenizer, loaded once and only read afterwards (safe to share
    between threads: a call keeps its state in local variables)."""

    def __init__(self, path: Path, config: dict[str, Any], max_length: int, batch_size: int) -> None:
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        self.torch = torch
        self.batch_size = batch_size
        self.heads = int(config["num_attention_heads"])
        self.head_size = int(config["hidden_size"]) // self.heads
        self.scaling = self.head_size**-0.5  # as transformers' BertSelfAttention
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.hidden = int(config["hidden_size"])
        weights = load_file(str(path / "model.safetensors"), device="cpu")
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""
        w = {k[len(prefix) :]: v for k, v in weights.items() if k.startswith(prefix)}
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"]
        self.emb_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            self.layers.append(
                tuple(
                    w[p + name]
                    for name in (
                        "attention.self.query.weight",
                        "attention.self.query.bias",
                        "attention.self.key.weight",
                        "attention.self.key.bias",
                        "attention.self.value.weight",
                        "attention.self.value.bias",
                        "attention.output.dense.weight",
                        "attention.output.dense.bias",
                        "attention.output.LayerNorm.weight",
                        "attention.output.LayerNorm.bias",
                        "intermediate.dense.weight",
                        "intermediate.dense.bias",
                        "output.dense.weight",
                        "output.dense.bias",
                        "output.LayerNorm.weight",
                        "output.LayerNorm.bias",
                    )
                )
            )
        tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        pad_id = tokenizer.token_to_id("[PAD]")
        tokenizer.enable_truncation(max_length=max_length, strategy="longest_first", direction="right")
        tokenizer.enable_padding(direction="right", pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")
        self.tokenizer = tokenizer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts``, in batches of texts sorted by length (longest first) as
        sentence-transformers batches them."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.hidden), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts])
        rows: list[np.ndarray] = []
        with self.torch.inference_mode():
            for lo in range(0, len(texts), self.batch_size):
                batch = [texts[k] for k in order[lo : lo + self.batch_size]]
                rows.append(self._forward(batch).numpy())
        vecs = np.concatenate(rows)
        return vecs[np.argsort(order)]

    def _forward(self, texts: list[str]) -> Any:
        torch = self.torch
        functional = torch.nn.functional
        encodings = self.tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
        types = torch.tensor([e.type_ids for e in encodings], dtype=torch.long)
        attention = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
        n, length = ids.shape
        # BertEmbeddings: words + token types, then + positions, LayerNorm.
        hidden = functional.embedding(ids, self.word) + functional.embedding(types, self.token_type)
        hidden = hidden + functional.embedding(torch.arange(length).unsqueeze(0), self.position)
        hidden = functional.layer_norm(hidden, (self.hidden,), *self.emb_norm, self.eps)
        # transformers' bidirectional SDPA mask: none when nothing is padded, else a boolean
        # (batch, 1, query, key) mask of the keys that are real tokens.
        mask = None
        if not bool(attention.all()):
            mask = attention.bool()[:, None, None, :].expand(n, 1, length, length).contiguous()
        shape = (n, length, -1, self.head_size)
        for qw, qb, kw, kb, vw, vb, ow, ob, n1w, n1b, iw, ib, o2w, o2b, n2w, n2b in self.layers:
            q = functional.linear(hidden, qw, qb).view(*shape).transpose(1, 2)
            k = functional.linear(hidden, kw, kb).view(*shape).transpose(1, 2)
            v = functional.linear(hidden, vw, vb).view(*shape).transpose(1, 2)
            attended = functional.scaled_dot_product_attention(
                q, k, v, attn_mask=mask, dropout_p=0.0, scale=self.scaling, is_causal=False
            )
            attended = attended.reshape(n, -1, length, self.head_size).transpose(1, 2).contiguous()
            attended = attended.reshape(n, length, -1).contiguous()
            width = (self.hidden,)
            attended = functional.linear(attended, ow, ob) + hidden
            attended = functional.layer_norm(attended, width, n1w, n1b, self.eps)
            inner = functional.gelu(functional.linear(attended, iw, ib))
            hidden = functional.layer_norm(functional.linear(inner, o2w, o2b) + attended, width, n2w, n2b, self.eps)
        # Pooling (mean over real tokens, float32 sums), then Normalize, then encode's normalisation.
        weights = attention.unsqueeze(-1).to(hidden.dtype)
        summed = (hidden * weights).sum(dim=1, dtype=torch.float32)
        counts = torch.clamp(weights.sum(dim=1, dtype=torch.float32), min=1e-9)
        pooled = (summed / counts).to(hidden.dtype)
        pooled = functional.normalize(pooled, p=2, dim=1)
        return functional.normalize(pooled, p=2, dim=1)
