"""The collection half of dedup: distinct keys as nodes, near-copy edges, guarded clusters.

Nodes are the distinct normalised keys in sorted order (then one node per snippet without a key),
so the numbering, and with it every seeded choice below, depends on the set of texts and never on
their order. Representatives are chosen by a rule over content too: the earliest published
member, then one not cut off, then the longest key, then the longest text, then the smallest
snippet id.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit_dedup import minhash
from toolkit_dedup.graph import components, guarded_clusters
from toolkit_dedup.normalize import arrow_strings
from toolkit_dedup.numbers import figures_conflict

NAT = np.iinfo(np.int64).max


def published_ns(frame: pd.DataFrame) -> np.ndarray:
    """Publication times as int64 nanoseconds, missing ones last."""
    if "published_at" not in frame.columns:
        return np.full(len(frame), NAT, dtype=np.int64)
    values = frame["published_at"].array
    if isinstance(values, pd.arrays.DatetimeArray) and str(values.dtype) == "datetime64[ns, UTC]":
        ns = values.asi8.copy()  # what the conversion below gives for the snippet frame's own dtype
        ns[values.isna()] = NAT
        return ns
    ts = pd.to_datetime(frame["published_at"], utc=True, errors="coerce")
    ns = ts.to_numpy(dtype="datetime64[ns]").view(np.int64).copy()
    ns[ts.isna().to_numpy()] = NAT
    return ns


def id_ranks(frame: pd.DataFrame) -> np.ndarray:
    """Each snippet's rank among the collection's snippet ids (the content-derived last tie-break)."""
    index = frame.index
    if isinstance(index.array, pd.arrays.ArrowStringArray):
        ids = arrow_strings(pd.Series(index.array))
    else:
        ids = pa.array(index.astype(str).to_numpy(dtype=object).tolist(), type=pa.large_string())
    order = pc.sort_indices(ids).to_numpy().astype(np.int64)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


@dataclass(frozen=True)
class Nodes:
    """Snippets mapped to nodes (distinct keys, sorted; then keyless snippets) and the rule inputs."""

    node: np.ndarray  # node of every snippet
    n_keys: int
    n_nodes: int
    uniq: pa.Array  # the distinct keys, sorted
    cut: np.ndarray  # per snippet: cut off
    node_cut: np.ndarray  # per node: every member cut off
    node_words: np.ndarray
    rule: tuple[np.ndarray, ...]  # per snippet: the representative rule's sort keys, in order

    @classmethod
    def build(cls, frame: pd.DataFrame, keys: pa.Array, cut: np.ndarray, words: np.ndarray) -> Nodes:
        key_len = pc.fill_null(pc.utf8_length(keys), 0).to_numpy(zero_copy_only=False).astype(np.int64)
        has_key = key_len > 0
        uniq = pc.unique(keys.filter(pa.array(has_key)))
        uniq = uniq.take(pc.sort_indices(uniq))
        codes = pc.fill_null(pc.index_in(keys, value_set=uniq), -1).to_numpy(zero_copy_only=False)
        node = np.where(has_key, codes, -1).astype(np.int64)
        n_keys = len(uniq)
        no_key = np.flatnonzero(~has_key)
        node[no_key] = n_keys + np.arange(len(no_key))
        n_nodes = n_keys + len(no_key)
        node_cut = np.ones(n_nodes, dtype=bool)
        np.logical_and.at(node_cut, node, cut)
        node_words = np.zeros(n_nodes, dtype=np.int64)
        node_words[node] = words
        raw_len = pc.fill_null(pc.utf8_length(arrow_strings(frame["text"])), 0).to_numpy().astype(np.int64)
        rule = (published_ns(frame), cut, -key_len, -raw_len, id_ranks(frame))
        return cls(node, n_keys, n_nodes, uniq, cut, node_cut, node_words, rule)

    def snippet_rep(self, labels_of_snippet: np.ndarray) -> np.ndarray:
        """The representative snippet of every snippet's group under a snippet labelling.

        What ``pick_first(labels, *self.rule)`` gives: the rule is the same for every labelling of a
        run (the guard asks up to a dozen times), so the snippets are sorted by it once and each
        call takes the member of least rank per group, a linear pass instead of a six-key sort.
        """
        order, rank = self._rule_order
        if len(order) == 0:
            return order
        labels = np.asarray(labels_of_snippet, dtype=np.int64)
        best = np.full(int(labels.max()) + 1, len(order), dtype=np.int64)
        np.minimum.at(best, labels, rank)
        return order[best[labels]]

    @cached_property
    def _rule_order(self) -> tuple[np.ndarray, np.ndarray]:
        """The snippets sorted by the representative rule (then position), and each one's rank."""
        n = len(self.node)
        order = np.lexsort((np.arange(n), *reversed(self.rule))).astype(np.int64)
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        return order, rank

    def node_rep(self, labels: np.ndarray) -> np.ndarray:
        """Representative node of every node under a node labelling (via the snippet rule)."""
        best = self.snippet_rep(labels[self.node])
        rep_node_of_label = np.empty(self.n_nodes, dtype=np.int64)
        rep_node_of_label[labels[self.node]] = self.node[best]
        return rep_node_of_label[labels]

    def first_snippet(self) -> np.ndarray:
        """Per node: its representative snippet by the rule (-1 for none)."""
        best = self.snippet_rep(self.node)
        out = np.full(self.n_nodes, -1, dtype=np.int64)
        out[self.node] = best
        return out


@dataclass
class Clustering:
    """Where every node stands: its representative node, similarity to it, how it joined."""

    rep: np.ndarray
    sim: np.ndarray
    match: np.ndarray
    level: str = "exact"

    @classmethod
    def identity(cls, n_nodes: int) -> Clustering:
        return cls(
            np.arange(n_nodes, dtype=np.int64), np.ones(n_nodes, dtype=np.float64), np.full(n_nodes, "", dtype=object)
        )


@dataclass(frozen=True)
class NearSettings:
    """The near level's parameters (a subset of ``DedupParams``)."""

    threshold: float
    guard: float
    containment: float
    min_words: int
    min_prefix_words: int
    shingle: int
    bands: int
    rows: int
    seed: int


def near_level(nodes: Nodes, sig: np.ndarray, counts: np.ndarray, figures: np.ndarray, s: NearSettings) -> Clustering:
    """MinHash near-copies and cut-off prefixes between distinct keys, guarded against chaining."""
    n_keys = nodes.n_keys
    words = nodes.node_words[:n_keys]
    cut = nodes.node_cut[:n_keys]
    active = (counts > 0) & (words >= s.min_words)
    ea, eb, kinds = near_edges(sig, counts, cut, words, nodes.uniq, active, figures, s)

    def key_similarity(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        inside = (x < n_keys) & (y < n_keys)
        out = np.zeros(len(x))
        out[inside] = _pair_similarity(nodes.uniq, sig, counts, figures, x[inside], y[inside], s)
        return out

    rep, sim = guarded_clusters(nodes.n_nodes, ea, eb, nodes.node_rep, key_similarity, s.guard)
    state = Clustering(rep, sim, np.full(nodes.n_nodes, "", dtype=object), "near")
    joined = rep != np.arange(nodes.n_nodes)
    state.match[joined] = "near"
    if len(kinds):
        prefix_nodes = np.unique(ea[kinds == 1])
        state.match[prefix_nodes[joined[prefix_nodes]]] = "prefix"
    return state


def _pair_similarity(
    uniq: pa.Array,
    sig: np.ndarray,
    counts: np.ndarray,
    figures: np.ndarray,
    xi: np.ndarray,
    yi: np.ndarray,
    s: NearSettings,
) -> np.ndarray:
    jac = minhash.estimated_jaccard(sig, xi, yi)
    # A member whose shingles sit inside the representative (an outlet's shorter copy, a
    # cut-off) is as close to it as a copy: the larger of Jaccard and containment.
    cont = minhash.containment(jac, np.minimum(counts[xi], counts[yi]), np.maximum(counts[xi], counts[yi]))
    sim = np.maximum(jac, cont)
    # Members far shorter than the representative (a cut-off, a copy without the representative's
    # extra sentence): the estimate is too noisy, count exactly.
    check = np.flatnonzero(sim < s.guard)
    if len(check):
        xs, ys = xi[check], yi[check]
        small = np.where(counts[xs] <= counts[ys], xs, ys)
        big = np.where(counts[xs] <= counts[ys], ys, xs)
        exact = minhash.exact_containment(uniq, small, big, s.shingle, s.seed)
        sim[check] = np.maximum(sim[check], exact)
    sim[figures_conflict(figures[xi], figures[yi])] = 0.0
    return sim


def near_edges(
    sig: np.ndarray,
    counts: np.ndarray,
    cut: np.ndarray,
    words: np.ndarray,
    keys: pa.Array,
    active: np.ndarray,
    figures: np.ndarray,
    s: NearSettings,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Verified near-copy edges between distinct keys; kinds 0 = near, 1 = cut-off prefix."""
    parts_a, parts_b = [], []
    n = len(sig)
    labels = np.arange(n, dtype=np.int64)  # components of the verified edges so far
    for a, b in minhash.band_candidates(sig, s.bands, s.rows, active=active, seed=s.seed):
        fresh = labels[a] != labels[b]  # a pair already connected adds nothing
        a, b = a[fresh], b[fresh]
        if len(a) == 0:
            continue
        jac = minhash.estimated_jaccard(sig, a, b)
        ok = jac >= s.threshold
        # A cut-off snippet joins a longer one that contains it.
        small = np.where(counts[a] <= counts[b], a, b)
        big = np.where(counts[a] <= counts[b], b, a)
        cont = minhash.containment(jac, counts[small], counts[big])
        ok |= cut[small] & (cont >= s.containment) & (words[small] >= s.min_prefix_words)
        ok &= ~figures_conflict(figures[a], figures[b])
        if ok.any():
            parts_a.append(a[ok])
            parts_b.append(b[ok])
            labels = components(n, labels[a[ok]], labels[b[ok]])[labels]
    ea = np.concatenate(parts_a) if parts_a else np.zeros(0, np.int64)
    eb = np.concatenate(parts_b) if parts_b else np.zeros(0, np.int64)
    pa_, pb_ = prefix_edges(keys, cut & active, words, s.min_prefix_words)
    kinds = np.concatenate([np.zeros(len(ea), np.int8), np.ones(len(pa_), np.int8)])
    return np.concatenate([ea, pa_]), np.concatenate([eb, pb_]), kinds


def prefix_edges(keys: pa.Array, cut: np.ndarray, words: np.ndarray, min_words: int) -> tuple[np.ndarray, np.ndarray]:
    """A cut-off key that is a word-boundary prefix of a longer key joins the first such key.

    ``keys`` are sorted, so the first longer key in sort order is found by bisection.
    """
    want = np.flatnonzero(cut & (words >= min_words))
    if len(want) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    sorted_keys = keys.to_pylist()
    src, dst = [], []
    for i in want.tolist():
        k = sorted_keys[i]
        probe = k + " "
        j = bisect.bisect_left(sorted_keys, probe, lo=i)
        if j < len(sorted_keys) and sorted_keys[j].startswith(probe) and 2 * len(k) >= len(sorted_keys[j]):
            src.append(i)
            dst.append(j)
    return np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
