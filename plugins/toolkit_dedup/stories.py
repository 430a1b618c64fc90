"""The ``stories`` analysis: snippets about the same event, even when they report different facts.

Units are the dedup clusters when ``dedup`` ran (its ``cluster_id`` column), else the distinct
normalised texts. Units are linked when their texts are similar enough (sentence-embedding cosine,
or MinHash Jaccard with ``method="lexical"``), then grouped by star clustering: the unit with the
most neighbours becomes a story centre and takes its unassigned neighbours, and so on. Every
member of a story is a direct neighbour of its centre, so one ambiguous headline cannot chain two
stories together the way connected components do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from toolkit import Context, Output
from toolkit_dedup import minhash
from toolkit_dedup.core import _NAT, published_ns
from toolkit_dedup.graph import pick_first
from toolkit_dedup.normalize import normalise
from toolkit_dedup.schema import STORIES_COLUMNS, STORY_COLUMNS


@dataclass(frozen=True)
class StoryParams:
    """Parameters of the ``stories`` analysis.

    :param method: ``embeddings`` (needs the extra), ``lexical`` (MinHash, no extra; much coarser),
        or ``auto`` (embeddings when installed, else lexical).
    :param threshold: cosine (embeddings) of a unit to a story's centroid for it to join the story.
    :param lexical_threshold: estimated character-shingle Jaccard linking two units (lexical).
    :param min_words: units with fewer words stay stories of their own.
    :param model: as dedup's ``model``: a registered encoder, a local directory, or "" (bundled).
    :param exact_neighbours_limit: all pairs compared up to this many units, else an IVF index.
    :param seed: seed of the hashing and of the neighbour index.
    """

    method: Literal["auto", "embeddings", "lexical"] = "auto"
    threshold: float = 0.45
    lexical_threshold: float = 0.35
    min_words: int = 3
    model: str = ""
    exact_neighbours_limit: int = 20_000
    seed: int = 1


def star_clusters(n: int, a: np.ndarray, b: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
    """Star clustering: each node's centre (a node is its own centre when it has none)."""
    centre = np.full(n, -1, dtype=np.int64)
    if len(a) == 0:
        return np.arange(n, dtype=np.int64)
    src = np.concatenate([a, b])
    dst = np.concatenate([b, a])
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    start = np.searchsorted(src, np.arange(n + 1))
    w = np.ones(n) if weight is None else np.asarray(weight, dtype=np.float64)
    degree = np.zeros(n)
    np.add.at(degree, src, w[dst])
    visit = np.lexsort((np.arange(n), -degree))
    for v in visit.tolist():
        if centre[v] >= 0:
            continue
        centre[v] = v
        nb = dst[start[v] : start[v + 1]]
        nb = nb[centre[nb] < 0]
        centre[nb] = v
    return centre


def single_pass(vecs: np.ndarray, threshold: float, weight: np.ndarray | None = None, batch: int = 512) -> np.ndarray:
    """Single-pass centroid clustering (topic detection and tracking style), in the given order.

    Each vector joins the story whose centroid is most similar when the cosine reaches
    ``threshold``, else it starts a new story. Returns each vector's story as the index of the
    story's first vector. Similarities to the stories that existed before a batch are computed with
    one matrix product per batch; only the batch's own new stories are compared one by one.
    """
    n, d = vecs.shape
    weight = np.ones(n) if weight is None else np.asarray(weight, dtype=np.float64)
    sums = np.zeros((min(n, 1024), d), dtype=np.float64)
    cents = np.zeros((min(n, 1024), d), dtype=np.float32)
    first = np.zeros(min(n, 1024), dtype=np.int64)
    k = 0
    out = np.empty(n, dtype=np.int64)
    for lo in range(0, n, batch):
        block = vecs[lo : lo + batch]
        k0 = k
        pre = block @ cents[:k0].T if k0 else np.zeros((len(block), 0), dtype=np.float32)
        for i in range(len(block)):
            v = block[i]
            best, best_sim = -1, -2.0
            if k0:  # stories from before the batch (columns refreshed when a centroid moves)
                j = int(np.argmax(pre[i]))
                best, best_sim = j, float(pre[i, j])
            if k > k0:  # stories started inside the batch
                sims = cents[k0:k] @ v
                j = int(np.argmax(sims))
                if sims[j] > best_sim:
                    best, best_sim = k0 + j, float(sims[j])
            if best >= 0 and best_sim >= threshold:
                sums[best] += weight[lo + i] * v
                norm = np.linalg.norm(sums[best])
                cents[best] = sums[best] / norm if norm > 0 else cents[best]
                if best < k0:
                    pre[:, best] = block @ cents[best]
                out[lo + i] = first[best]
                continue
            if k == len(sums):
                sums = np.vstack([sums, np.zeros_like(sums)])
                cents = np.vstack([cents, np.zeros_like(cents)])
                first = np.concatenate([first, np.zeros_like(first)])
            sums[k] = weight[lo + i] * v
            cents[k] = v
            first[k] = lo + i
            out[lo + i] = lo + i
            k += 1
    return out


def stories(frame: pd.DataFrame, params: StoryParams, context: Context) -> Output:
    """Group snippets into stories; see :class:`StoryParams`."""
    n = len(frame)
    if n == 0:
        cols = pd.DataFrame({c: pd.Series(dtype=d) for c, d in STORY_COLUMNS.items()}, index=frame.index)
        table = pd.DataFrame({c: pd.Series(dtype=d) for c, d in STORIES_COLUMNS.items()})
        return Output(columns=cols, tables={"stories": table})
    method = params.method
    if method == "auto":
        try:
            from toolkit_dedup.embeddings import get_encoder

            get_encoder(params.model)
            method = "embeddings"
        except ImportError:
            method = "lexical"

    norm = normalise(frame["text"])
    keys = norm.keys
    has_key = ~norm.is_na & (norm.n_words > 0)
    # Units: dedup clusters when available, else distinct normalised texts.
    if "cluster_id" in frame.columns:
        unit_codes, _ = pd.factorize(frame["cluster_id"].astype("string").fillna("\x00na"), sort=False)
    else:
        unit_codes, _ = pd.factorize(pd.Series(keys.to_pylist(), dtype=object), sort=False)
    unit_codes = np.asarray(unit_codes, dtype=np.int64)
    solo = np.flatnonzero(~has_key)
    n_units = int(unit_codes.max()) + 1 if n else 0
    unit_codes[solo] = n_units + np.arange(len(solo))
    n_units += len(solo)

    pub = published_ns(frame)
    key_len = norm.n_words
    position = np.arange(n)
    # The unit's text: its earliest, complete, longest snippet.
    best = pick_first(unit_codes, pub, norm.cut_off, -key_len, position)
    unit_rep = np.full(n_units, -1, dtype=np.int64)
    unit_rep[unit_codes] = best
    unit_size = np.bincount(unit_codes, minlength=n_units)
    eligible = np.flatnonzero(norm.n_words[unit_rep] >= params.min_words)
    eligible = eligible[has_key[unit_rep[eligible]]]
    context.progress(0.2)

    a = b = np.zeros(0, dtype=np.int64)
    if len(eligible) >= 2:
        if method == "embeddings":
            from toolkit_dedup.embeddings import embed

            texts = frame["text"].to_numpy(dtype=object, na_value=None)
            vecs = embed([str(texts[unit_rep[u]]) for u in eligible], params.model)
            context.progress(0.7)
            # Stories are followed in publication order (then input order).
            order = np.lexsort((unit_rep[eligible], pub[unit_rep[eligible]]))
            first = single_pass(vecs[order], params.threshold, unit_size[eligible][order])
            centre_sub = np.empty(len(eligible), dtype=np.int64)
            centre_sub[order] = order[first]
        else:
            sub = keys.take(unit_rep[eligible])
            sig, _ = minhash.signatures(sub, seed=params.seed, chunk=10_000)
            found_a, found_b = [], []
            for ca, cb in minhash.band_candidates(sig, 42, 3, seed=params.seed):
                ok = minhash.estimated_jaccard(sig, ca, cb) >= params.lexical_threshold
                found_a.append(ca[ok])
                found_b.append(cb[ok])
            if found_a:
                pair = np.unique(
                    np.minimum(np.concatenate(found_a), np.concatenate(found_b)) * len(sig)
                    + np.maximum(np.concatenate(found_a), np.concatenate(found_b))
                )
                a, b = pair // len(sig), pair % len(sig)
    if method != "embeddings":
        centre_sub = star_clusters(len(eligible), a, b, unit_size[eligible])
    unit_story = np.arange(n_units, dtype=np.int64)
    unit_story[eligible] = eligible[centre_sub]
    story = unit_story[unit_codes]
    context.progress(0.9)

    rep = pick_first(story, pub, norm.cut_off, -key_len, position)
    ids = frame.index.astype(str).to_numpy(dtype=object)
    story_ids = np.array(["s:" + ids[r] for r in rep], dtype=object)
    cols = pd.DataFrame({"story_id": pd.array(story_ids, dtype="string")}, index=frame.index)
    df = pd.DataFrame(
        {
            "story_id": story_ids,
            "rep": ids[rep],
            "unit": unit_codes,
            "source": (
                frame["source"].astype("string").str.strip().str.lower().to_numpy(dtype=object)
                if "source" in frame.columns
                else None
            ),
            "pub": pd.Series(pd.to_datetime(np.where(pub == _NAT, 0, pub), utc=True)).where(pub != _NAT),
        }
    )
    g = df.groupby("story_id", sort=False)
    out = pd.DataFrame(
        {
            "size": g.size(),
            "representative_id": g["rep"].first(),
            "n_clusters": g["unit"].nunique(),
            "n_sources": g["source"].nunique(dropna=True),
            "known": g["source"].count(),
            "first_published": g["pub"].min(),
            "last_published": g["pub"].max(),
        }
    )
    out["n_sources"] = out["n_sources"].where(out["known"] > 0)
    out = out.reset_index()
    out["snippet_id"] = out["representative_id"]
    out["method"] = method
    table = pd.DataFrame({c: out[c].astype(d) for c, d in STORIES_COLUMNS.items()})
    context.progress(1.0)
    return Output(columns=cols, tables={"stories": table})
