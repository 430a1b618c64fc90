"""The ``dedup`` analysis: exact, near and paraphrase duplicates, one representative per cluster.

Pipeline: normalise every text (:mod:`toolkit_dedup.normalize`) and group equal keys (``exact``);
MinHash signatures of the distinct keys, LSH bands, verified candidate edges and cut-off prefixes
(``near``); sentence embeddings of the near-level representatives (``paraphrase``). Each level
clusters with union-find under a chaining guard: every member must stay similar to its cluster's
representative, which is the earliest published member, then one not cut off, then the longest.

Snippet columns: ``cluster_id`` (``"c:" + representative id``), ``representative``,
``duplicate_of`` (the representative's id, NA for representatives), ``similarity`` to the
representative (1 for copies with the same normalised text; near level: the larger of estimated
character-shingle Jaccard and containment; paraphrase: embedding cosine; NA for NA text) and
``match`` (``exact``, ``prefix``, ``near`` or ``paraphrase``: how the snippet joined).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit import Context, Output
from toolkit_dedup import minhash
from toolkit_dedup.graph import components, guarded_clusters, pick_first
from toolkit_dedup.normalize import normalise
from toolkit_dedup.schema import CLUSTERS_COLUMNS, DEDUP_COLUMNS

_NAT = np.iinfo(np.int64).max


@dataclass(frozen=True)
class DedupParams:
    """Parameters of the ``dedup`` analysis.

    :param level: ``exact`` (same text after normalisation), ``near`` (MinHash near-copies and
        cut-off prefixes, the default) or ``paraphrase`` (adds sentence embeddings; needs the
        ``embeddings`` extra).
    :param threshold: estimated Jaccard similarity of character shingles for a near-copy edge.
    :param guard: least similarity of a near-level member to its cluster's representative.
    :param containment: least estimated share of a cut-off snippet's shingles found in the longer one.
    :param min_words: snippets with fewer words only match exactly (never near or paraphrase).
    :param min_prefix_words: a cut-off snippet needs this many words to join a longer one as a prefix.
    :param shingle: character k-gram length.
    :param num_perm: MinHash bins (a power of two).
    :param bands: LSH bands (``bands * rows <= num_perm``).
    :param rows: MinHash bins per band.
    :param seed: hash seed (results are deterministic for a given seed).
    :param figures: near-copies must not disagree on a figure: two texts that each carry a number
        the other lacks ("episode 4" / "episode 5", "up 7 cents" / "up 17 cents") never join at the
        near or paraphrase level. A copy that only drops a number (a cut-off) still joins.
    :param paraphrase_threshold: cosine similarity of embeddings for a paraphrase edge.
    :param paraphrase_guard: least cosine of a paraphrase member to its cluster's representative.
    :param model: sentence-transformers model directory; empty = the bundled all-MiniLM-L6-v2.
    :param exact_neighbours_limit: compare all embedding pairs up to this many clusters, else use
        random-hyperplane LSH blocking.
    :param outlets: extra outlet names stripped from the end of snippets (" - Outlet").
    :param agencies: extra wire agency names for datelines ("CITY (Agency) -").
    """

    level: Literal["exact", "near", "paraphrase"] = "near"
    threshold: float = 0.5
    guard: float = 0.5
    containment: float = 0.85
    min_words: int = 3
    min_prefix_words: int = 4
    shingle: int = 5
    num_perm: int = 128
    bands: int = 32
    rows: int = 4
    seed: int = 1
    figures: bool = True
    paraphrase_threshold: float = 0.8
    paraphrase_guard: float = 0.7
    model: str = ""
    exact_neighbours_limit: int = 20_000
    outlets: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if self.bands * self.rows > self.num_perm or self.bands < 1 or self.rows < 1:
            raise ValueError("bands * rows must be at most num_perm")


def empty_output(frame: pd.DataFrame) -> Output:
    cols = pd.DataFrame({c: pd.Series(dtype=d) for c, d in DEDUP_COLUMNS.items()}, index=frame.index)
    clusters = pd.DataFrame({c: pd.Series(dtype=d) for c, d in CLUSTERS_COLUMNS.items()})
    return Output(columns=cols, tables={"clusters": clusters})


def published_ns(frame: pd.DataFrame) -> np.ndarray:
    """Publication times as int64 nanoseconds, missing ones last."""
    if "published_at" not in frame.columns:
        return np.full(len(frame), _NAT, dtype=np.int64)
    ts = pd.to_datetime(frame["published_at"], utc=True, errors="coerce")
    ns = ts.to_numpy(dtype="datetime64[ns]").view(np.int64).copy()
    ns[ts.isna().to_numpy()] = _NAT
    return ns


def dedup(frame: pd.DataFrame, params: DedupParams, context: Context) -> Output:
    """Group copies, near-copies and (optionally) paraphrases; see :class:`DedupParams`."""
    n = len(frame)
    if n == 0:
        return empty_output(frame)
    ids = frame.index.astype(str).to_numpy(dtype=object)
    text = frame["text"]
    sources = frame["source"] if "source" in frame.columns else None
    outlets = list(params.outlets)
    if sources is not None:
        outlets += [s for s in pd.unique(sources.dropna().astype(str)) if 0 < len(s) <= 60]
    norm = normalise(text, outlets=outlets, agencies=params.agencies)
    context.progress(0.1)

    # --- exact groups: one node per distinct normalised key ----------------------------------------
    key_len = pc.fill_null(pc.utf8_length(norm.keys), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    has_key = ~norm.is_na & (key_len > 0)
    enc = norm.keys.dictionary_encode()
    codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    uniq = enc.dictionary
    n_keys = len(uniq)
    codes = np.where(has_key, codes, -1)
    # Nodes: distinct keys first, then one node per snippet without a key (its own singleton).
    no_key = np.flatnonzero(~has_key)
    node = codes.copy()
    node[no_key] = n_keys + np.arange(len(no_key))
    n_nodes = n_keys + len(no_key)

    pub = published_ns(frame)
    raw_len = pc.fill_null(pc.utf8_length(_arrow(text)), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    position = np.arange(n)
    cut = norm.cut_off
    # Per key: is every member cut off (a key with one complete member is complete).
    node_cut = np.ones(n_nodes, dtype=bool)
    np.logical_and.at(node_cut, node, cut)
    node_words = np.zeros(n_nodes, dtype=np.int64)
    node_words[node] = norm.n_words
    node_len = np.zeros(n_nodes, dtype=np.int64)
    node_len[node] = key_len

    def snippet_rep(labels_of_snippet: np.ndarray) -> np.ndarray:
        return pick_first(labels_of_snippet, pub, cut, -key_len, -raw_len, position)

    def node_rep(labels: np.ndarray) -> np.ndarray:
        """Representative node of every node under a node labelling (via the snippet rule)."""
        best = snippet_rep(labels[node])
        rep_node_of_label = np.empty(n_nodes, dtype=np.int64)
        rep_node_of_label[labels[node]] = node[best]
        return rep_node_of_label[labels]

    node_to_rep = np.arange(n_nodes, dtype=np.int64)
    node_sim = np.ones(n_nodes, dtype=np.float64)
    node_match = np.full(n_nodes, "", dtype=object)
    level_done = "exact"
    sig = None

    figures = number_masks(uniq, node_cut[:n_keys]) if params.figures else np.zeros((n_keys, 2), dtype=np.uint64)
    node_figures = np.zeros((n_nodes, 2), dtype=np.uint64)
    node_figures[:n_keys] = figures

    if params.level in ("near", "paraphrase") and n_keys > 1:
        sig, counts = minhash.signatures(
            uniq, num_perm=params.num_perm, k=params.shingle, seed=params.seed, chunk=10_000
        )
        context.progress(0.4)
        uniq_words = node_words[:n_keys]
        active = (counts > 0) & (uniq_words >= params.min_words)
        ea, eb, kinds = _near_edges(sig, counts, node_cut[:n_keys], uniq_words, uniq, active, figures, params)
        context.progress(0.6)

        def key_similarity(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            inside = (x < n_keys) & (y < n_keys)
            out = np.zeros(len(x))
            xi, yi = x[inside], y[inside]
            jac = minhash.estimated_jaccard(sig, xi, yi)
            # A member whose shingles sit inside the representative (an outlet's shorter copy, a
            # cut-off) is as close to it as a copy: the larger of Jaccard and containment.
            cont = minhash.containment(jac, np.minimum(counts[xi], counts[yi]), np.maximum(counts[xi], counts[yi]))
            sim = np.maximum(jac, cont)
            # Members far shorter than the representative (a cut-off, a copy without the
            # representative's extra sentence): the estimate is too noisy, count exactly.
            check = np.flatnonzero(sim < params.guard)
            if len(check):
                xs, ys = xi[check], yi[check]
                small = np.where(counts[xs] <= counts[ys], xs, ys)
                big = np.where(counts[xs] <= counts[ys], ys, xs)
                exact = minhash.exact_containment(uniq, small, big, params.shingle, params.seed)
                sim[check] = np.maximum(sim[check], exact)
            sim[figures_conflict(figures[xi], figures[yi])] = 0.0
            out[inside] = sim
            return out

        rep, sim = guarded_clusters(n_nodes, ea, eb, node_rep, key_similarity, params.guard)
        node_to_rep, node_sim = rep, sim
        joined = rep != np.arange(n_nodes)
        node_match[joined] = "near"
        if len(kinds):
            prefix_nodes = np.unique(ea[kinds == 1])
            pn = prefix_nodes[joined[prefix_nodes]]
            node_match[pn] = "prefix"
        level_done = "near"

    if params.level == "paraphrase":
        from toolkit_dedup.embeddings import paraphrase_merge

        node_to_rep, node_sim, para = paraphrase_merge(
            frame=frame,
            node=node,
            n_nodes=n_nodes,
            node_to_rep=node_to_rep,
            node_sim=node_sim,
            node_words=node_words,
            node_rep=node_rep,
            node_figures=node_figures,
            params=params,
            context=context,
        )
        node_match[para] = "paraphrase"
        level_done = "paraphrase"
    context.progress(0.9)

    # --- snippets: representative by the rule, within each final cluster ---------------------------
    cluster_of = node_to_rep[node]
    best = snippet_rep(cluster_of)
    is_rep = best == position
    sim = node_sim[node].copy()
    same_node = node == node[best]
    sim[same_node] = 1.0
    match = node_match[node].copy()
    match[same_node & ~is_rep] = "exact"
    match[is_rep] = None
    match[match == ""] = "exact"
    sim[norm.is_na] = np.nan
    rep_ids = ids[best]
    cluster_ids = np.array(["c:" + r for r in rep_ids], dtype=object)
    dup_of = np.where(is_rep, None, rep_ids)

    columns = pd.DataFrame(
        {
            "cluster_id": pd.array(cluster_ids, dtype="string"),
            "representative": pd.array(is_rep, dtype="boolean"),
            "duplicate_of": pd.array(dup_of, dtype="string"),
            "similarity": pd.array(np.round(sim, 4), dtype="Float64"),
            "match": pd.array(match, dtype="string"),
        },
        index=frame.index,
    )
    columns.loc[norm.is_na, "similarity"] = pd.NA
    clusters = _clusters_table(frame, columns, pub, level_done)
    context.progress(1.0)
    return Output(columns=columns, tables={"clusters": clusters})


def _arrow(text: pd.Series) -> pa.Array:
    from toolkit_dedup.normalize import _as_arrow

    return _as_arrow(text)


def _near_edges(
    sig: np.ndarray,
    counts: np.ndarray,
    cut: np.ndarray,
    words: np.ndarray,
    keys: pa.Array,
    active: np.ndarray,
    figures: np.ndarray,
    params: DedupParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Verified near-copy edges between distinct keys; kinds 0 = near, 1 = cut-off prefix."""
    parts_a, parts_b = [], []
    n = len(sig)
    labels = np.arange(n, dtype=np.int64)  # components of the verified edges so far
    for a, b in minhash.band_candidates(sig, params.bands, params.rows, active=active, seed=params.seed):
        fresh = labels[a] != labels[b]  # a pair already connected adds nothing
        a, b = a[fresh], b[fresh]
        if len(a) == 0:
            continue
        jac = minhash.estimated_jaccard(sig, a, b)
        ok = jac >= params.threshold
        # A cut-off snippet joins a longer one that contains it.
        small = np.where(counts[a] <= counts[b], a, b)
        big = np.where(counts[a] <= counts[b], b, a)
        cont = minhash.containment(jac, counts[small], counts[big])
        ok |= cut[small] & (cont >= params.containment) & (words[small] >= params.min_prefix_words)
        ok &= ~figures_conflict(figures[a], figures[b])
        if ok.any():
            parts_a.append(a[ok])
            parts_b.append(b[ok])
            labels = components(n, labels[a[ok]], labels[b[ok]])[labels]
    ea = np.concatenate(parts_a) if parts_a else np.zeros(0, np.int64)
    eb = np.concatenate(parts_b) if parts_b else np.zeros(0, np.int64)
    pa_, pb_ = _prefix_edges(keys, cut & active, words, params.min_prefix_words)
    kinds = np.concatenate([np.zeros(len(ea), np.int8), np.ones(len(pa_), np.int8)])
    return np.concatenate([ea, pa_]), np.concatenate([eb, pb_]), kinds


def number_masks(keys: pa.Array, cut: np.ndarray | None = None) -> np.ndarray:
    """The figures of every normalised key as two 64-bit sets, ``(n, 2)`` uint64.

    Column 0 reads a run of digits and spaces as one figure ("4.5", "4 5" and "45", once the
    punctuation is stripped, are all 45; "13-14-15" is 131415); column 1 reads every digit run
    on its own (4 and 5). "s04e06" holds 4 and 6 (leading zeros dropped). In a cut-off key a
    figure at the very end is dropped (the cut may have shortened it). Keys without figures get
    0. Folding figures onto 64 bits can hide a disagreement (two figures on one bit), never
    invent one.
    """
    n = len(keys)
    masks = np.zeros((n, 2), dtype=np.uint64)
    if cut is not None and cut.any():
        at_end = np.asarray(
            pc.fill_null(pc.match_substring_regex(keys, r"[0-9]$"), False).to_numpy(zero_copy_only=False), dtype=bool
        )
        trimmed = pc.replace_substring_regex(keys, r"[0-9][0-9 ]*$", "")
        keys = pc.if_else(pa.array(cut & at_end), trimmed, keys)
    # Keys hold letters, digits and single spaces: words become separators.
    marked = pc.replace_substring_regex(keys, r"[^0-9 ]+", "|")
    for col, sep in ((0, ""), (1, "|")):
        digits = pc.replace_substring_regex(marked, " ", sep)
        digits = pc.replace_substring_regex(digits, r"(^|\|)0+([0-9])", r"\1\2")
        digits = pc.replace_substring_regex(digits, r"\|+", "|")
        digits = pc.utf8_trim(digits, "|")
        has = np.asarray(pc.fill_null(pc.greater(pc.utf8_length(digits), 0), False).to_numpy(zero_copy_only=False))
        rows = np.flatnonzero(has)
        if len(rows) == 0:
            continue
        tokens = pc.split_pattern(digits.take(pa.array(rows)), "|")
        parent = rows[pc.list_parent_indices(tokens).to_numpy()]
        flat = pc.list_flatten(tokens).dictionary_encode()
        code = flat.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        # A figure's bit comes from its text: the same figure gets the same bit in every partition.
        bit_of_value = np.array([hash_number(v) for v in flat.dictionary.to_pylist()], dtype=np.uint64)
        out = np.zeros(n, dtype=np.uint64)
        np.bitwise_or.at(out, parent, np.left_shift(np.uint64(1), bit_of_value[code]))
        masks[:, col] = out
    return masks


def hash_number(token: str) -> int:
    """Stable bit position (0..63) of a number token (the same across partitions and runs)."""
    h = 0
    for ch in token:
        h = (h * 131 + ord(ch)) & 0xFFFFFFFF
    return (h * 2654435761 & 0xFFFFFFFF) >> 26


def figures_conflict(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Rows of :func:`number_masks` that disagree: each text holds a figure the other lacks, read
    both ways (figures joined across spaces and digit runs apart), so a stripped "4.5" -> "45" or a
    dropped figure is no disagreement, "episode 4" / "episode 5" is."""
    one_way = ((x & ~y) != 0) & ((y & ~x) != 0)
    return one_way[:, 0] & one_way[:, 1]


def _prefix_edges(keys: pa.Array, cut: np.ndarray, words: np.ndarray, min_words: int) -> tuple[np.ndarray, np.ndarray]:
    """A cut-off key that is a word-boundary prefix of a longer key joins the first such key."""
    want = np.flatnonzero(cut & (words >= min_words))
    if len(want) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = pc.sort_indices(keys).to_numpy().astype(np.int64)
    sorted_keys = keys.take(pa.array(order)).to_pylist()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    src, dst = [], []
    for i, k in zip(want.tolist(), keys.take(pa.array(want)).to_pylist(), strict=True):
        probe = k + " "
        j = bisect.bisect_left(sorted_keys, probe, lo=int(rank[i]))
        if j < len(sorted_keys) and sorted_keys[j].startswith(probe) and 2 * len(k) >= len(sorted_keys[j]):
            src.append(i)
            dst.append(int(order[j]))
    return np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)


def _clusters_table(frame: pd.DataFrame, columns: pd.DataFrame, pub: np.ndarray, level: str) -> pd.DataFrame:
    cid = columns["cluster_id"].to_numpy(dtype=object)
    df = pd.DataFrame(
        {
            "cluster_id": cid,
            "is_rep": columns["representative"].to_numpy(dtype=bool),
            "sid": frame.index.astype(str).to_numpy(dtype=object),
            "sim": columns["similarity"].to_numpy(dtype="float64", na_value=np.nan),
        }
    )
    if "source" in frame.columns:
        df["source"] = frame["source"].astype("string").str.strip().str.lower().to_numpy(dtype=object)
    else:
        df["source"] = None
    pub_ts = pd.to_datetime(np.where(pub == _NAT, np.iinfo(np.int64).min, pub), utc=True)
    df["pub"] = pd.Series(pub_ts).where(pub != _NAT)
    g = df.groupby("cluster_id", sort=False)
    out = pd.DataFrame(
        {
            "size": g.size(),
            "n_sources": g["source"].nunique(dropna=True),
            "known_sources": g["source"].count(),
            "first_published": g["pub"].min(),
            "last_published": g["pub"].max(),
            "min_similarity": g["sim"].min(),
        }
    )
    reps = df.loc[df["is_rep"], ["cluster_id", "sid"]].set_index("cluster_id")["sid"]
    out["representative_id"] = reps.reindex(out.index)
    out["n_sources"] = out["n_sources"].where(out["known_sources"] > 0)
    out = out.reset_index()
    out["snippet_id"] = out["representative_id"]
    out["level"] = level
    table = pd.DataFrame({c: out[c].astype(d) for c, d in CLUSTERS_COLUMNS.items() if c in out.columns})
    return table[list(CLUSTERS_COLUMNS)].reset_index(drop=True)


__all__ = ["DedupParams", "components", "dedup"]
