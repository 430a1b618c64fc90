"""Story grouping algorithms: candidate links between units, then average-linkage agglomeration.

Units are dedup clusters (or distinct texts). Two ways to link them:

- ``lexical`` (no extra): every unit is a TF-IDF vector over its story terms (content words,
  capitalised names and name pairs, :func:`toolkit_dedup.extract.story_terms`); candidate links
  come from blocking on shared rare terms (a term held by more than ``block_cap`` units links
  nobody by itself), scored by their exact cosine (:func:`term_pairs`).
- ``embeddings``: the sentence embedding joined with a hashed bag of distinctive words; candidate
  links are each unit's nearest neighbours (:func:`neighbour_pairs`).

Then :func:`average_linkage` merges groups, most similar first, while the mean similarity over all
pairs of their units stays at the threshold or above: a single ambiguous headline cannot chain two
stories the way connected components do. Units are numbered by content (their representative's
snippet id), so the grouping does not depend on row order.
"""

from __future__ import annotations

import hashlib
import heapq
from functools import lru_cache
from itertools import repeat
from operator import mul
from typing import Any

import numpy as np

from toolkit_dedup.embeddings import _ivf_cells
from toolkit_dedup.normalize import read_data_lines


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


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    return frozenset(read_data_lines("function_words.txt"))


def word_vectors(keys: list[str], dim: int = 1024) -> np.ndarray:
    """L2-normalised IDF-weighted bags of distinctive words, hashed into ``dim`` float32 columns.

    Words are the normalised key's tokens minus function words and one-letter tokens; a word's
    weight is ``log(n / document frequency)`` within this collection, so a name shared by a handful
    of headlines counts far more than a word every headline uses. Hashing (blake2b, stable across
    runs) keeps the vectors dense and small; a collision only blurs two rare words together.
    """
    stop = _function_words()
    toks = [{t for t in k.split() if len(t) > 1 and t not in stop} for k in keys]
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
    vecs: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    sim: np.ndarray,
    threshold: float,
    weight: np.ndarray | None = None,
) -> np.ndarray:
    """Average-linkage agglomeration over the candidate links ``(a, b, sim)``: each vector's group root.

    Groups linked by a candidate pair merge, the most similar first, while the weighted mean of
    the dot products over all pairs of their vectors is at least ``threshold``. That mean is the
    dot product of the two groups' weighted mean vectors, so it is exact and needs no pair matrix;
    after a merge the new group's links to the neighbours of both parts are re-scored. Ties break
    on the smaller index, so the result is deterministic.
    """
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


def term_weights(term_lists: list[list[str]]) -> tuple[list[dict[str, float]], dict[str, int]]:
    """TF-IDF weights of every unit's terms (L2-normalised) and each term's document frequency.

    A term's weight is its count in the unit times ``log(1 + n / df)``: rare terms weigh most, and
    a term every unit holds still counts (a collection of one story stays one story). Terms held by
    one unit stay in the norm (a unit with many terms of its own is less similar to anything).
    """
    df = document_frequencies(term_lists)
    n = max(len(term_lists), 1)
    return [unit_weights(terms, df, n) for terms in term_lists], df


def document_frequencies(term_lists: list[list[str]]) -> dict[str, int]:
    """How many units hold each term."""
    df: dict[str, int] = {}
    for terms in term_lists:
        for t in set(terms):
            df[t] = df.get(t, 0) + 1
    return df


def unit_weights(terms: list[str], df: dict[str, int], n: int) -> dict[str, float]:
    """One unit's TF-IDF weights (see :func:`term_weights`) given the collection's ``df`` and size ``n``."""
    w: dict[str, float] = {}
    for t in terms:
        w[t] = w.get(t, 0.0) + float(np.log1p(n / df[t]))
    norm = float(np.sqrt(sum(v * v for v in w.values()))) or 1.0
    return {t: v / norm for t, v in w.items()}


#: Candidate cosines are exact sums of fixed-point products (weights scaled by ``2**SCALE_BITS``):
#: integer sums do not depend on the order of their terms, so a run that adds them per partition
#: (the Dask plan) gets the same bits as one that adds them here. 2**-30 is far below any threshold.
SCALE_BITS = 30


def quantised(weights: np.ndarray) -> np.ndarray:
    """Weights in [0, 1] as int64 fixed-point numbers (products stay below 2**62)."""
    return np.rint(np.asarray(weights, dtype=np.float64) * float(1 << SCALE_BITS)).astype(np.int64)


def from_fixed(total: np.ndarray) -> np.ndarray:
    """Summed fixed-point products back to a cosine."""
    return np.asarray(total, dtype=np.int64).astype(np.float64) / float(1 << (2 * SCALE_BITS))


def candidate_links(
    weights: list[dict[str, float]], df: dict[str, int], block_cap: int, fan: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit pairs ``(a, b, cosine)`` (``a < b``, unique) that share a term, with their exact cosine.

    A term held by 2..``block_cap`` units links all of them; a commoner term links each unit only
    to the ``fan`` units after it in the term's list (units are numbered by content), so the work
    stays linear while a big story's common words still connect it. The cosine sums the shared
    terms' weight products (fixed point, :data:`SCALE_BITS`): enumerated with the pairs for the
    rarer terms, looked up per pair for the commoner ones.
    """
    n = len(weights)
    term_id: dict[str, int] = {}
    post_t, post_u, post_w = [], [], []
    for u, w in enumerate(weights):
        for t, v in w.items():
            if df[t] >= 2:
                post_t.append(term_id.setdefault(t, len(term_id)))
                post_u.append(u)
                post_w.append(v)
    if not post_t:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    tt, uu, qq = np.asarray(post_t), np.asarray(post_u, dtype=np.int64), quantised(np.asarray(post_w))
    order = np.lexsort((uu, tt))
    tt, uu, qq = tt[order], uu[order], qq[order]
    starts = np.flatnonzero(np.r_[True, tt[1:] != tt[:-1]])
    sizes = np.diff(np.r_[starts, len(tt)])
    keys, contrib = [], []
    for size in np.unique(sizes[sizes <= block_cap]).tolist():
        first = starts[sizes == size]
        i, j = np.triu_indices(size, 1)
        members = first[:, None] + np.arange(size)[None, :]
        keys.append(uu[members[:, i]].reshape(-1) * n + uu[members[:, j]].reshape(-1))
        contrib.append((qq[members[:, i]] * qq[members[:, j]]).reshape(-1))
    big = sizes > block_cap
    if big.any():
        pos = np.concatenate(
            [np.arange(a, a + z) for a, z in zip(starts[big].tolist(), sizes[big].tolist(), strict=True)]
        )
        end = np.repeat(starts[big] + sizes[big], sizes[big])
        for off in range(1, fan + 1):
            ok = pos + off < end
            keys.append(uu[pos[ok]] * n + uu[pos[ok] + off])
            contrib.append(np.zeros(int(ok.sum()), np.int64))  # these terms are added per pair below
    pair, total = sum_by_key(np.concatenate(keys), np.concatenate(contrib))
    a, b = pair // n, pair % n
    if big.any():
        common = {t for t, d in df.items() if d > block_cap}
        heavy = [heavy_terms(w, common) for w in weights]
        total += np.asarray(
            [
                _dot(heavy[x], heavy[y]) if heavy[x] and heavy[y] else 0
                for x, y in zip(a.tolist(), b.tolist(), strict=True)
            ],
            dtype=np.int64,
        )
    return a, b, from_fixed(total)


def heavy_terms(weights: dict[str, float], common: set[str] | frozenset[str]) -> dict[str, int]:
    """A unit's weights (fixed point) on the terms too common to block on."""
    held = [t for t in weights if t in common]
    return dict(zip(held, quantised(np.asarray([weights[t] for t in held])).tolist(), strict=True))


def sum_by_key(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``keys`` (sorted) and the exact int64 sum of ``values`` per key."""
    if len(keys) == 0:
        return keys, np.zeros(0, np.int64)
    order = np.argsort(keys, kind="stable")
    ks = keys[order]
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    return ks[starts], np.add.reduceat(values[order], starts)


def _dot(x: dict[str, Any], y: dict[str, Any]) -> Any:
    """Sparse dot product, summed in ``x``'s order (``map`` instead of a generator: same sum, faster)."""
    return sum(map(mul, x.values(), map(y.get, x, repeat(0.0))))


def top_k_links(
    a: np.ndarray, b: np.ndarray, sim: np.ndarray, n: int, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The links among each unit's ``k`` best (a link stays when either end keeps it); ties by index."""
    if len(a) == 0:
        return a, b, sim
    src = np.concatenate([a, b])
    dst = np.concatenate([b, a])
    both = np.concatenate([sim, sim])
    link = np.concatenate([np.arange(len(a)), np.arange(len(a))])
    order = np.lexsort((dst, -both, src))
    src_sorted = src[order]
    start = np.flatnonzero(np.r_[True, src_sorted[1:] != src_sorted[:-1]])
    rank = np.arange(len(order)) - np.repeat(start, np.diff(np.r_[start, len(order)]))
    kept = np.zeros(len(a), dtype=bool)
    kept[link[order[rank < k]]] = True
    return a[kept], b[kept], sim[kept]


def lexical_stories(
    term_lists: list[list[str]], size: np.ndarray, threshold: float, block_cap: int, neighbours: int, fan: int = 8
) -> np.ndarray:
    """Each unit's group root under the lexical grouping (see the module docstring)."""
    weights, df = term_weights(term_lists)
    n = len(term_lists)
    root = np.arange(n, dtype=np.int64)
    a, b, sim = candidate_links(weights, df, block_cap, fan)
    keep = sim >= threshold
    a, b, sim = top_k_links(a[keep], b[keep], sim[keep], n, neighbours)
    linked = np.unique(np.concatenate([a, b]))
    if len(linked) < 2:
        return root
    local = np.full(n, -1, dtype=np.int64)
    local[linked] = np.arange(len(linked))
    # Group means need the units' term weights; only terms held by 2+ units can meet another unit.
    shared = [{t: v for t, v in weights[i].items() if df[t] >= 2} for i in linked.tolist()]
    sub_root = term_average_linkage(shared, local[a], local[b], sim, threshold, size[linked])
    root[linked] = linked[sub_root]
    return root


def term_average_linkage(
    weights: list[dict[str, float]], a: np.ndarray, b: np.ndarray, sim: np.ndarray, threshold: float, size: np.ndarray
) -> np.ndarray:
    """:func:`average_linkage` over sparse term weights (exact: no hashing, no dense matrix).

    A group keeps the size-weighted sum of its units' weights; the mean similarity of two groups is
    the dot product of their sums over the product of their sizes, summed over the smaller one.
    """
    n = len(weights)
    root = np.arange(n, dtype=np.int64)
    w = np.asarray(size, dtype=np.float64)
    sums = [{t: v * w[i] for t, v in d.items()} for i, d in enumerate(weights)]
    total = w.copy()
    adj: dict[int, set[int]] = {}
    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        adj.setdefault(x, set()).add(y)
        adj.setdefault(y, set()).add(x)
    version = [0] * n
    heap = [(-v, x, y, 0, 0) for v, x, y in zip(sim.tolist(), a.tolist(), b.tolist(), strict=True) if v >= threshold]
    heapq.heapify(heap)
    alive = [True] * n
    while heap:
        _, x, y, vx, vy = heapq.heappop(heap)
        if not (alive[x] and alive[y]) or version[x] != vx or version[y] != vy:
            continue  # a stale link: one side has merged since it was scored
        if len(sums[y]) > len(sums[x]) or (len(sums[y]) == len(sums[x]) and y < x):
            x, y = y, x
        into = sums[x]
        for t, v in sums[y].items():
            into[t] = into.get(t, 0.0) + v
        sums[y] = {}
        total[x] += total[y]
        alive[y] = False
        root[y] = x
        version[x] += 1
        around = (adj.pop(x, set()) | adj.pop(y, set())) - {x, y}
        for z in around:
            adj[z].discard(y)
            adj[z].add(x)
        adj[x] = around
        for z in sorted(around):
            small, big = (sums[z], into) if len(sums[z]) <= len(into) else (into, sums[z])
            mean = _dot(small, big) / (total[x] * total[z])
            if mean >= threshold:
                lo, hi = min(x, z), max(x, z)
                heapq.heappush(heap, (-mean, lo, hi, version[lo], version[hi]))
    while True:  # follow merges to the final group
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt
