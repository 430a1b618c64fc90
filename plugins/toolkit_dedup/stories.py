"""The ``stories`` analysis: snippets about the same event, even when they report different facts.

Units are the dedup clusters when ``dedup`` ran (its ``cluster_id`` column), else the distinct
normalised texts.

With embeddings (the default when the extra is installed), every unit is a vector that joins its
sentence embedding with a hashed, IDF-weighted bag of its distinctive words (the names, places and
figures that tell one event from another: "Beats", "AstraZeneca", "polio"), so the dot product of two
units is ``w * cosine + (1 - w) * shared-word similarity``. Units are grouped by average-linkage
agglomerative clustering over approximate neighbours: each unit's nearest units (exact for small
inputs, an inverted-file index beyond ``exact_neighbours_limit``) are the only candidate links, and
two groups merge, most similar first, while the mean similarity over all their pairs of units stays
at ``threshold`` or above. For unit vectors that mean is the dot product of the groups' mean
vectors, so it is exact without any all-pairs matrix, and a single ambiguous headline cannot chain
two stories the way connected components do. ``grouping="single_pass"`` keeps the older
publication-order centroid clustering.

With ``method="lexical"`` units are linked by MinHash Jaccard and grouped by star clustering: the
unit with the most neighbours becomes a story centre and takes its unassigned neighbours.
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
    :param threshold: least average similarity between the units of two groups for them to merge
        (embeddings, ``grouping="average"``; 0.28 was chosen on one half of the UCI story clusters,
        see ``benchmarks/bench_dedup.py --stories``), or cosine of a unit to a story's centroid
        (``grouping="single_pass"``, where about 0.45 suits).
    :param grouping: ``average`` (average-linkage over approximate neighbours) or ``single_pass``.
    :param word_weight: share of the similarity given to shared distinctive words (0 = embeddings
        only); the rest is the embedding cosine.
    :param neighbours: candidate links per unit for the average-linkage grouping.
    :param lexical_threshold: estimated character-shingle Jaccard linking two units (lexical).
    :param min_words: units with fewer words stay stories of their own.
    :param model: as dedup's ``model``: a registered encoder, a local directory, or "" (bundled).
    :param exact_neighbours_limit: all pairs compared up to this many units, else an IVF index.
    :param seed: seed of the hashing and of the neighbour index.
    """

    method: Literal["auto", "embeddings", "lexical"] = "auto"
    threshold: float = 0.28
    grouping: Literal["average", "single_pass"] = "average"
    word_weight: float = 0.3
    neighbours: int = 20
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


# Function words that say nothing about which event a headline reports.
_STOP_WORDS = (
    "a an the of to in on for and or but with by at from as is are was were be been being it its this that"
    " these those after over into about up down out new says said say will would could can may might not no"
    " vs via than more most just how why what who when where which while has have had do does did he she"
    " they his her their we you your our i"
)
_STOP = frozenset(_STOP_WORDS.split())


def word_vectors(keys: list[str], dim: int = 1024) -> np.ndarray:
    """L2-normalised IDF-weighted bags of distinctive words, hashed into ``dim`` float32 columns.

    Words are the normalised key's tokens minus function words and one-letter tokens; a word's
    weight is ``log(n / document frequency)`` within this collection, so a name shared by a handful
    of headlines counts far more than a word every headline uses. Hashing (blake2b, stable across
    runs) keeps the vectors dense and small; a collision only blurs two rare words together.
    """
    import hashlib

    toks = [{t for t in k.split() if len(t) > 1 and t not in _STOP} for k in keys]
    df: dict[str, int] = {}
    for ts in toks:
        for t in ts:
            df[t] = df.get(t, 0) + 1
    col = {t: int.from_bytes(hashlib.blake2b(t.encode("utf-8"), digest_size=4).digest(), "little") % dim for t in df}
    n = max(len(keys), 1)
    rows, cols, vals = [], [], []
    for i, ts in enumerate(toks):
        for t in ts:
            rows.append(i)
            cols.append(col[t])
            vals.append(np.log(n / df[t]))
    out = np.zeros((len(keys), dim), dtype=np.float32)
    if rows:
        np.add.at(out, (np.asarray(rows), np.asarray(cols)), np.asarray(vals, dtype=np.float32))
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


def neighbour_pairs(
    vecs: np.ndarray, k: int, exact_limit: int = 20_000, seed: int = 1, probes: int = 2, block: int = 2048
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each vector's ``k`` most similar vectors as pairs ``(a, b, dot)`` with ``a < b`` (deduplicated).

    Exact (blocked products) up to ``exact_limit`` vectors; beyond, the neighbours are searched only
    inside the inverted-file cells a vector is filed under (its ``probes`` nearest k-means cells).
    """
    from toolkit_dedup.embeddings import _ivf_cells

    n = len(vecs)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    groups = [np.arange(n)] if n <= exact_limit else _ivf_cells(vecs, seed=seed, probes=probes)
    parts_a, parts_b, parts_s = [], [], []
    for members in groups:
        m = len(members)
        if m < 2:
            continue
        kk = min(k, m - 1)
        sub = vecs[members]
        for lo in range(0, m, block):
            sims = sub[lo : lo + block] @ sub.T
            rows = np.arange(min(block, m - lo))
            sims[rows, lo + rows] = -np.inf  # not its own neighbour
            top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            parts_a.append(np.repeat(members[lo + rows], kk))
            parts_b.append(members[top.reshape(-1)])
            parts_s.append(np.take_along_axis(sims, top, axis=1).reshape(-1).astype(np.float64))
    a, b, sim = np.concatenate(parts_a), np.concatenate(parts_b), np.concatenate(parts_s)
    lo_, hi_ = np.minimum(a, b), np.maximum(a, b)
    _, first = np.unique(lo_ * n + hi_, return_index=True)
    return lo_[first], hi_[first], sim[first]


def average_linkage(
    vecs: np.ndarray, a: np.ndarray, b: np.ndarray, sim: np.ndarray, threshold: float, weight: np.ndarray | None = None
) -> np.ndarray:
    """Average-linkage agglomeration over the candidate links ``(a, b, sim)``: each vector's group root.

    Groups linked by a candidate pair merge, the most similar first, while the weighted mean of
    the dot products over all pairs of their vectors is at least ``threshold``. That mean is the
    dot product of the two groups' weighted mean vectors, so it is exact and needs no pair matrix;
    after a merge the new group's links to the neighbours of both parts are re-scored. Ties break
    on the smaller index, so the result is deterministic.
    """
    import heapq

    n = len(vecs)
    root = np.arange(n, dtype=np.int64)
    keep = (sim >= threshold) & (a != b)
    if not keep.any():
        return root
    w = np.ones(n) if weight is None else np.asarray(weight, dtype=np.float64)
    sums = vecs.astype(np.float64) * w[:, None]
    size = w.copy()
    a, b, sim = a[keep], b[keep], sim[keep]
    adj: dict[int, set[int]] = {}
    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        adj.setdefault(x, set()).add(y)
        adj.setdefault(y, set()).add(x)
    version = np.zeros(n, dtype=np.int64)
    heap = [(-s, x, y, 0, 0) for s, x, y in zip(sim.tolist(), a.tolist(), b.tolist(), strict=True)]
    heapq.heapify(heap)
    alive = np.ones(n, dtype=bool)
    while heap:
        neg, x, y, vx, vy = heapq.heappop(heap)
        if -neg < threshold:
            break
        if not (alive[x] and alive[y]) or version[x] != vx or version[y] != vy:
            continue  # a stale link: one side has merged since it was scored
        if size[y] > size[x] or (size[y] == size[x] and y < x):
            x, y = y, x
        sums[x] += sums[y]
        size[x] += size[y]
        alive[y] = False
        root[y] = x
        version[x] += 1
        around = (adj.pop(x, set()) | adj.pop(y, set())) - {x, y}
        for z in around:
            nz = adj[z]
            nz.discard(y)
            nz.add(x)
        adj[x] = around
        if around:
            zs = np.fromiter(sorted(around), dtype=np.int64, count=len(around))
            link = (sums[zs] / size[zs, None]) @ (sums[x] / size[x])
            for z, s in zip(zs.tolist(), link.tolist(), strict=True):
                if s >= threshold:
                    heapq.heappush(heap, (-s, min(x, z), max(x, z), version[min(x, z)], version[max(x, z)]))
    while True:  # follow merges to the final group
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


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


def _average_stories(vecs: np.ndarray, keys: list[str], size: np.ndarray, params: StoryParams) -> np.ndarray:
    """Average-linkage stories over embeddings joined with distinctive words (see the module docstring)."""
    w = min(max(params.word_weight, 0.0), 1.0)
    # Candidate links: nearest neighbours by embedding alone (384 columns keep the search cheap).
    a, b, sim = neighbour_pairs(vecs, params.neighbours, params.exact_neighbours_limit, params.seed)
    x = vecs.astype(np.float32)
    if w > 0:
        words = word_vectors(keys)
        x = np.hstack([np.sqrt(1.0 - w) * x, np.sqrt(w) * words]).astype(np.float32)
        sim = (1.0 - w) * sim + w * np.einsum("ij,ij->i", words[a], words[b])
    return average_linkage(x, a, b, sim, params.threshold, size)


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
            if params.grouping == "single_pass":
                # Stories are followed in publication order (then input order).
                order = np.lexsort((unit_rep[eligible], pub[unit_rep[eligible]]))
                first = single_pass(vecs[order], params.threshold, unit_size[eligible][order])
                centre_sub = np.empty(len(eligible), dtype=np.int64)
                centre_sub[order] = order[first]
            else:
                centre_sub = _average_stories(
                    vecs, keys.take(unit_rep[eligible]).to_pylist(), unit_size[eligible], params
                )
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
