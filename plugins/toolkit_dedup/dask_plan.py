"""Dedup's distributed plan (``AnalysisSpec.combine_dask``) for the ``exact`` and ``near`` levels.

The pandas ``combine`` (:func:`toolkit_dedup.analysis.dedup_combine`) is *local to candidate
components*: every choice it makes — LSH bucket heads (:func:`toolkit_dedup.minhash.bucket_order`),
verified edges, prefix links, the chaining guard, representatives, cluster ids — depends only on
the snippets of one connected component of the candidate graph (snippets sharing a key, keys
sharing an LSH band bucket, a cut-off key and its first longer key). So running that same
``combine`` on any set of rows made of whole candidate components gives, for those rows, exactly
what it gives on the whole collection. The plan:

1. the collection's source names (a small table: distinct outlets) decide each snippet's key
   (" - Tail" stripped where the tail names one of them), per partition;
2. per partition, every distinct active key's band keys (``bands`` rows per key) and a prefix
   block (its first ``min_prefix_words`` words);
3. a shuffle by band key, then by prefix block: candidate edges per bucket (a star) and per block
   (each cut-off key to its first longer key, the same rule as the pandas path);
4. connected components over that edge table in one task (one row per linked key, no text);
5. the labels joined back, a shuffle of the snippets' own rows by label (so each partition holds
   whole components), and the ordinary pandas ``combine`` per partition: columns and ``clusters``.

``fact``/``paraphrase`` run steps 1-4, then :mod:`toolkit_dedup.dask_semantic`: the near combine per
partition, embeddings of the near clusters' representatives, neighbour blocks by shuffle, pair
decisions, components of the accepted pairs, the chaining guard per group of linked clusters.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit import Context, Output
from toolkit.dask_plan import (
    SHUFFLE_METHOD,
    DaskOutput,
    DaskStep,
    as_delayed,
    gather_small,
    shuffle_by,
    stable_hash,
    staged,
)
from toolkit.tables import empty_table
from toolkit_dedup import extract as ex
from toolkit_dedup import minhash
from toolkit_dedup.analysis import DedupParams, dedup_combine
from toolkit_dedup.graph import value_components
from toolkit_dedup.grouping import prefix_edges
from toolkit_dedup.normalize import word_counts
from toolkit_dedup.numbers import number_masks
from toolkit_dedup.schema import CLUSTERS_COLUMNS, DEDUP_COLUMNS

#: Snippet columns the pandas combine reads besides the extracted ones.
FRAME_COLUMNS = ("text", "source", "published_at")
NODE = "_dedup_node"  # 64-bit hash of the snippet's key (of its id when it has no key)
LABEL = "_dedup_label"  # the candidate component (smallest node hash in it)
EDGES = pd.DataFrame({"a": pd.Series([], dtype="uint64"), "b": pd.Series([], dtype="uint64")})
LABELS = pd.DataFrame({NODE: pd.Series([], dtype="uint64"), LABEL: pd.Series([], dtype="uint64")})


def dedup_plan(step: DaskStep) -> DaskOutput:
    """The distributed dedup (see the module docstring)."""
    params: DedupParams = step.params
    snippets = step.snippets
    frame = snippets[[c for c in FRAME_COLUMNS if c in snippets.columns]]
    extracted = step.extracted["columns"]
    names = as_delayed(frame.map_partitions(_source_names, meta=_NAMES_META).drop_duplicates())
    bundle = frame.map_partitions(_bundle, extracted, names, meta=_bundle(frame._meta, extracted._meta, _NAMES_META))
    if params.level in ("fact", "paraphrase"):
        from toolkit_dedup.dask_semantic import RANK, semantic_plan

        if step.ranks is not None:
            meta = bundle._meta.assign(**{RANK: np.int64(0)})
            bundle = bundle.map_partitions(_with_rank, step.ranks, meta=meta, align_dataframes=False)
        return semantic_plan(_label_components(bundle, params, step.npartitions), params, step.npartitions)
    if params.level == "exact":
        labelled = bundle.assign(**{LABEL: bundle[NODE]})
    else:
        labelled = _label_components(bundle, params, step.npartitions)
    return _combine_parts(shuffle_by(labelled, LABEL, step.npartitions), params)


# --- 1. keys, with the collection's own source names ---------------------------------------------

_NAMES_META = pd.DataFrame({"name": pd.Series([], dtype=object)})


def _source_names(frame: pd.DataFrame) -> pd.DataFrame:
    """The distinct source names of a partition, as the pandas combine compares them with tails."""
    if "source" not in frame.columns:
        return _NAMES_META.copy()
    names = {s.strip().lower() for s in pd.unique(frame["source"].dropna().astype(str)) if 0 < len(s) <= 60}
    return pd.DataFrame({"name": pd.Series(sorted(names), dtype=object)})


def _bundle(frame: pd.DataFrame, extracted: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """A partition's frame columns and extracted columns, with the collection-dependent key choice
    made (tail stripped where it names one of the collection's sources: the body becomes the key,
    its figures are recomputed and its signature left to the combine), and the node hash."""
    cols = extracted.reindex(frame.index) if not extracted.index.equals(frame.index) else extracted.copy()
    tails = cols[ex.TAIL].astype("string").to_numpy(dtype=object, na_value=None)
    known = set(names["name"].tolist())
    swapped = np.array([t is not None and t in known for t in tails.tolist()], dtype=bool)
    if swapped.any():
        rows = np.flatnonzero(swapped)
        body = cols[ex.BODY].astype("string").to_numpy(dtype=object, na_value=None)[rows]
        masks = number_masks(body.tolist(), cols[ex.CUT].to_numpy(dtype=bool)[rows])
        key = cols[ex.KEY].astype("string").to_numpy(dtype=object, na_value=None).copy()
        key[rows] = body
        cols[ex.KEY] = pd.array(key, dtype="string")
        fig0, fig1 = cols[ex.FIG0].to_numpy(np.int64).copy(), cols[ex.FIG1].to_numpy(np.int64).copy()
        fig0[rows], fig1[rows] = masks[:, 0].view(np.int64), masks[:, 1].view(np.int64)
        cols[ex.FIG0], cols[ex.FIG1] = fig0, fig1
        if ex.SIG in cols.columns:
            sig = cols[ex.SIG].to_numpy(dtype=object).copy()
            sig[rows] = None
            cols[ex.SIG] = sig
    cols[ex.TAIL] = pd.array([None] * len(cols), dtype="string")  # decided: the combine must not redo it
    out = pd.concat([frame, cols], axis=1)
    out[NODE] = node_hashes(cols[ex.KEY], frame.index)
    return out


def _with_rank(part: pd.DataFrame, ranks: pd.Series) -> pd.DataFrame:
    """A partition's rows with their input position (the fact level orders keyless snippets by it)."""
    from toolkit_dedup.dask_semantic import RANK

    return part.assign(**{RANK: ranks.reindex(part.index).to_numpy(dtype=np.int64)})


def node_hashes(keys: pd.Series, ids: pd.Index) -> np.ndarray:
    """The node of each snippet: a 64-bit hash of its key, or of its id when the key is empty."""
    values = keys.astype("string").to_numpy(dtype=object, na_value=None)
    own = np.array([not k for k in values.tolist()], dtype=bool)
    names = np.where(own, np.array(["\x00id\x00" + str(i) for i in ids], dtype=object), values)
    return stable_hash(pd.Series(names, dtype=object)) if len(names) else np.zeros(0, np.uint64)


def _side_by_side(frame: pd.DataFrame, extracted: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, extracted.reindex(frame.index)], axis=1)


# --- 2-4. candidate components ---------------------------------------------------------------------

_BANDS_META = pd.DataFrame({"band": pd.Series([], dtype="uint64"), NODE: pd.Series([], dtype="uint64")})
_BLOCKS_META = pd.DataFrame(
    {
        "block": pd.Series([], dtype="uint64"),
        NODE: pd.Series([], dtype="uint64"),
        "key": pd.Series([], dtype=object),
        "cut": pd.Series([], dtype=bool),
    }
)


def _label_components(bundle: Any, params: DedupParams, npartitions: int) -> Any:
    """Each snippet's candidate component label (its own node hash when it links to nothing)."""
    bands = bundle.map_partitions(_band_rows, params, meta=_BANDS_META)
    blocks = bundle.map_partitions(_block_rows, params, meta=_BLOCKS_META)
    band_edges = shuffle_by(bands, "band", npartitions, on_disk=True).map_partitions(_bucket_edges, meta=EDGES)
    by_block = shuffle_by(blocks, "block", npartitions, on_disk=True)  # numbers and non-empty keys: p2p
    block_edges = by_block.map_partitions(_prefix_edges, params, meta=EDGES)
    edges = gather_small(band_edges.drop_duplicates())
    edges = edges.map_partitions(_append_edges, as_delayed(block_edges), meta=EDGES)
    labels = edges.map_partitions(edge_components, meta=LABELS)
    return bundle.map_partitions(_with_label, as_delayed(labels), meta=bundle._meta.assign(**{LABEL: np.uint64(0)}))


def _distinct_keys(part: pd.DataFrame, params: DedupParams) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """The partition's distinct non-empty keys, their node hashes and whether every snippet is cut."""
    keys = part[ex.KEY].astype("string")
    have = keys.fillna("").str.len().to_numpy() > 0
    sub = pd.DataFrame({"key": keys[have].to_numpy(dtype=object), "cut": part[ex.CUT].to_numpy(bool)[have]})
    sub[NODE] = part[NODE].to_numpy()[have]
    grouped = sub.groupby("key", sort=True).agg(cut=("cut", "all"), node=(NODE, "first"))
    uniq = pa.array(grouped.index.tolist(), type=pa.large_string())
    return uniq, grouped["node"].to_numpy(np.uint64), grouped["cut"].to_numpy(bool)


def _band_rows(part: pd.DataFrame, params: DedupParams) -> pd.DataFrame:
    """One row per active distinct key and band: the band key and the key's node."""
    uniq, node, _ = _distinct_keys(part, params)
    if len(uniq) == 0:
        return _BANDS_META.copy()
    sig, counts = minhash.signatures(uniq, num_perm=params.num_perm, k=params.shingle, seed=params.seed)
    active = np.flatnonzero((counts > 0) & (word_counts(uniq) >= params.min_words))
    if len(active) == 0:
        return _BANDS_META.copy()
    keys = list(minhash.band_keys(sig, params.bands, params.rows, params.seed, idx=active))
    return pd.DataFrame({"band": np.concatenate(keys), NODE: np.tile(node[active], len(keys))})


def _bucket_edges(part: pd.DataFrame) -> pd.DataFrame:
    """Each bucket's members linked to its smallest node (any spanning star will do for components)."""
    part = part.drop_duplicates()
    if len(part) == 0:
        return EDGES.copy()
    head = part.groupby("band", sort=False)[NODE].transform("min").to_numpy(np.uint64)
    node = part[NODE].to_numpy(np.uint64)
    linked = head != node
    return pd.DataFrame({"a": head[linked], "b": node[linked]})


def _block_rows(part: pd.DataFrame, params: DedupParams) -> pd.DataFrame:
    """One row per distinct key of ``min_prefix_words`` words or more: its prefix block (a hash of its
    first ``min_prefix_words`` words), node, key, and whether it was cut off (in this partition)."""
    uniq, node, cut = _distinct_keys(part, params)
    width = max(1, params.min_prefix_words)
    keys = uniq.to_pylist()
    words = word_counts(uniq)
    keep = np.flatnonzero(words >= width)
    if len(keep) == 0:
        return _BLOCKS_META.copy()
    firsts = [" ".join(keys[i].split(" ", width)[:width]) for i in keep.tolist()]
    return pd.DataFrame(
        {
            "block": stable_hash(pd.Series(firsts, dtype=object)),
            NODE: node[keep],
            "key": pd.Series([keys[i] for i in keep.tolist()], dtype=object),
            "cut": cut[keep],
        }
    )


def _prefix_edges(part: pd.DataFrame, params: DedupParams) -> pd.DataFrame:
    """Each cut-off key to its first longer key in sort order (:func:`grouping.prefix_edges`): a cut-off
    key and every key that extends it share their first words, so they meet in one block."""
    if len(part) == 0 or not part["cut"].any():
        return EDGES.copy()
    rows = part.groupby("key", sort=True).agg(cut=("cut", "any"), node=(NODE, "first"))
    uniq = pa.array(rows.index.tolist(), type=pa.large_string())
    counts = minhash.shingle_counts(uniq, params.shingle)
    words = word_counts(uniq)
    eligible = rows["cut"].to_numpy(bool) & (counts > 0) & (words >= params.min_words)
    src, dst = prefix_edges(uniq, eligible, words, params.min_prefix_words)
    node = rows["node"].to_numpy(np.uint64)
    return pd.DataFrame({"a": node[src], "b": node[dst]})


def _append_edges(edges: pd.DataFrame, more: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([edges, more], ignore_index=True)


def edge_components(edges: pd.DataFrame) -> pd.DataFrame:
    """Connected components of the candidate edges (one task): each linked node and its label, the
    smallest node hash of its component."""
    if len(edges) == 0:
        return LABELS.copy()
    nodes, labels = value_components(edges["a"].to_numpy(np.uint64), edges["b"].to_numpy(np.uint64))
    return pd.DataFrame({NODE: nodes, LABEL: labels})


def _with_label(part: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """A partition's rows with their component label (their own node when they link to nothing)."""
    node = part[NODE].to_numpy(np.uint64)
    at = pd.Index(labels[NODE].to_numpy(np.uint64)).get_indexer(node)
    out = part.copy()
    label = node.copy()
    found = at >= 0
    label[found] = labels[LABEL].to_numpy(np.uint64)[at[found]]
    out[LABEL] = label
    return out


# --- 5. the pandas combine per partition of whole components -------------------------------------


def _combine_parts(bundle: Any, params: DedupParams) -> DaskOutput:
    import dask
    import dask.dataframe as dd

    parts = [dask.delayed(_combine_part)(p, params) for p in bundle.to_delayed()]
    columns_meta = empty_table(DEDUP_COLUMNS).rename_axis("snippet_id")
    columns = dd.from_delayed([dask.delayed(_pick)(p, 0) for p in parts], meta=columns_meta, verify_meta=False)
    clusters = dd.from_delayed(
        [dask.delayed(_pick)(p, 1) for p in parts], meta=empty_table(CLUSTERS_COLUMNS), verify_meta=False
    )
    return DaskOutput(columns=columns, tables={"clusters": clusters})


def _combine_part(part: pd.DataFrame, params: DedupParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pandas combine over one partition's rows (whole candidate components)."""
    frame = part[[c for c in FRAME_COLUMNS if c in part.columns]]
    extracted = part[[c for c in part.columns if c.startswith("_dedup_") and c not in (NODE, LABEL)]]
    out = dedup_combine(frame, params, Context(), Output(columns=extracted))
    assert out.columns is not None
    return out.columns, out.tables["clusters"]


def _pick(pair: tuple[pd.DataFrame, pd.DataFrame], i: int) -> pd.DataFrame:
    return pair[i]


# === stories ========================================================================================
#
# The lexical grouping (:func:`toolkit_dedup.stories.lexical_stories`) distributed, stage by stage,
# each stage the pandas path's own rule: units (dedup clusters) by a groupby on the cluster id; the
# document frequencies as a small table (one row per distinct term); each unit's TF-IDF weights per
# partition; candidate pairs by a shuffle on the term (a rare term pairs all its units, a common one
# fans out to the next units), their cosines summed exactly (fixed point, so the order of the sum
# does not matter); each unit's best links by a shuffle on the unit; connected components of the
# kept links in one task (one row per link); the average linkage per component; the story's
# representative and the ``stories`` table by a groupby on the story.
#
# Memory: the candidate pairs are the plan's largest table (tens of rows per snippet), so they travel
# as plain numbers (the units' 64-bit hashes and an int64 sum), summed where they are made, through a
# disk-backed shuffle when a distributed client runs the graph; only the pairs that can still pass the
# threshold go on to the second side, and only each unit's best links to the top-k ranking.

_MEMBERS_META = pd.DataFrame(
    {
        "sid": pd.Series([], dtype=object),
        "label": pd.Series([], dtype=object),
        "pub": pd.Series([], dtype="int64"),
        "cut": pd.Series([], dtype=bool),
        "words": pd.Series([], dtype="int64"),
        "terms": pd.Series([], dtype=object),
        "source": pd.Series([], dtype=object),
    }
)
_UNITS_META = pd.DataFrame(
    {
        "unit": pd.Series([], dtype=object),
        "size": pd.Series([], dtype="int64"),
        "words": pd.Series([], dtype="int64"),
        "terms": pd.Series([], dtype=object),
    }
)
_DF_META = pd.DataFrame({"term": pd.Series([], dtype=object), "df": pd.Series([], dtype="int64")})
_WEIGHTS_META = pd.DataFrame(
    {
        "unit": pd.Series([], dtype=object),
        "uh": pd.Series([], dtype="uint64"),
        "size": pd.Series([], dtype="int64"),
        "shared": pd.Series([], dtype=object),
        "heavy": pd.Series([], dtype=object),
    }
)
_POSTINGS_META = pd.DataFrame(
    {
        "term": pd.Series([], dtype=object),
        "unit": pd.Series([], dtype=object),
        "uh": pd.Series([], dtype="uint64"),
        "q": pd.Series([], dtype="int64"),
    }
)
#: Candidate pairs by unit hash (``a``'s unit before ``b``'s in unit order): plain numbers, so the
#: two shuffles of the largest table of the plan move 24 bytes a pair, not three Python strings.
_PAIRS_META = pd.DataFrame(
    {"a": pd.Series([], dtype="uint64"), "b": pd.Series([], dtype="uint64"), "q": pd.Series([], dtype="int64")}
)
#: The pairs after the join with side ``a``: its unit id and heavy weights.
_SIDE_A_META = _PAIRS_META.assign(ua=pd.Series([], dtype=object), ha=pd.Series([], dtype=object))
_LINKS_META = pd.DataFrame(
    {"a": pd.Series([], dtype=object), "b": pd.Series([], dtype=object), "sim": pd.Series([], dtype="float64")}
)
#: Scored links; ``b_top``: the link is among ``b``'s best over the links where it is side ``b``.
_SCORED_META = _LINKS_META.assign(b_top=pd.Series([], dtype=bool))
_ROOTS_META = pd.DataFrame({"unit": pd.Series([], dtype=object), "root": pd.Series([], dtype=object)})
_COMPONENT_META = pd.DataFrame({"unit": pd.Series([], dtype=object), "component": pd.Series([], dtype=object)})


def stories_plan(step: DaskStep) -> DaskOutput:
    """The distributed ``stories`` (lexical method; see the section comment above)."""
    from toolkit_dedup.analysis import StoryParams, _story_method

    params: StoryParams = step.params
    if _story_method(params) != "lexical":
        return _gathered_stories(step)
    n = step.npartitions
    rows = staged(step.snippets.map_partitions(_story_rows, step.extracted["columns"], meta=_MEMBERS_META))
    by_label = staged(shuffle_by(rows, "label", n))
    members = by_label.map_partitions(_with_units, meta=_MEMBERS_META.assign(unit=pd.Series([], dtype=object)))
    units = by_label.map_partitions(_units, meta=_UNITS_META)
    eligible = staged(units[units["words"] >= params.min_words])
    count = eligible.map_partitions(len).sum()
    df = gather_small(eligible.map_partitions(_term_counts, meta=_DF_META)).map_partitions(_sum_counts, meta=_DF_META)
    weights = staged(
        eligible.map_partitions(_unit_weights, as_delayed(staged(df)), count, params.block_cap, meta=_WEIGHTS_META)
    )
    postings = weights.map_partitions(_postings, meta=_POSTINGS_META)
    by_term = shuffle_by(postings, "term", n, on_disk=True)  # str terms and unit ids, numbers: p2p
    pairs = staged(by_term.map_partitions(_term_pairs, params.block_cap, 8, meta=_PAIRS_META))
    links = staged(_scored_links(pairs, weights, params, n))
    kept = gather_small(_top_links(links, params.lexical_neighbours, n)).map_partitions(
        _distinct_links, meta=_LINKS_META
    )
    kept = staged(kept)
    components_ = staged(kept.map_partitions(_link_components, meta=_COMPONENT_META))
    roots = staged(_linkage(weights, kept, components_, params.lexical_threshold, n))
    return _story_output(staged(members), roots, n)


def _story_rows(frame: pd.DataFrame, extracted: pd.DataFrame) -> pd.DataFrame:
    """Per snippet: its unit label (dedup cluster, else key; alone without words) and rule inputs."""
    from toolkit_dedup.grouping import published_ns

    cols = extracted.reindex(frame.index)
    keys = pa.array(cols[ex.KEY].astype("string").to_numpy(dtype=object, na_value=None).tolist(), pa.large_string())
    words = word_counts(keys)
    sid = np.asarray([str(i) for i in frame.index], dtype=object)
    if "cluster_id" in frame.columns:
        label = frame["cluster_id"].astype("string").fillna("\x00na").to_numpy(dtype=object)
    else:
        label = np.asarray(["\x01" + (k or "") for k in keys.to_pylist()], dtype=object)
    label = np.where(words == 0, np.asarray(["\x02" + s for s in sid.tolist()], dtype=object), label)
    source = frame["source"] if "source" in frame.columns else pd.Series(pd.NA, index=frame.index)
    return pd.DataFrame(
        {
            "sid": sid,
            "label": label,
            "pub": published_ns(frame),
            "cut": cols[ex.CUT].to_numpy(dtype=bool),
            "words": words,
            "terms": cols[ex.TERMS].astype("string").to_numpy(dtype=object, na_value=None),
            "source": source.astype(object).to_numpy(),
        }
    )


def _first_by_rule(groups: np.ndarray, rows: pd.DataFrame) -> np.ndarray:
    """Each row's group representative (row position) by the stories rule: earliest published, then
    complete, then most words, then smallest snippet id."""
    from toolkit_dedup.graph import pick_first

    rank = np.empty(len(rows), dtype=np.int64)
    rank[np.argsort(rows["sid"].to_numpy(dtype=object), kind="stable")] = np.arange(len(rows))
    return pick_first(
        groups, rows["pub"].to_numpy(np.int64), rows["cut"].to_numpy(bool), -rows["words"].to_numpy(), rank
    )


def _with_units(rows: pd.DataFrame) -> pd.DataFrame:
    codes = pd.factorize(rows["label"], sort=False)[0].astype(np.int64)
    best = _first_by_rule(codes, rows) if len(rows) else np.zeros(0, np.int64)
    return rows.assign(unit=rows["sid"].to_numpy(dtype=object)[best])


def _units(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per unit: its representative's id, words and terms, and its size."""
    withu = _with_units(rows)
    reps = withu[withu["sid"] == withu["unit"]]
    size = withu.groupby("unit", sort=False).size()
    return pd.DataFrame(
        {
            "unit": reps["unit"].to_numpy(dtype=object),
            "size": size.reindex(reps["unit"]).to_numpy(np.int64),
            "words": reps["words"].to_numpy(np.int64),
            "terms": reps["terms"].to_numpy(dtype=object),
        }
    )


def _term_counts(units: pd.DataFrame) -> pd.DataFrame:
    counts: dict[str, int] = {}
    for terms in units["terms"].tolist():
        for t in set((terms or "").split()):
            counts[t] = counts.get(t, 0) + 1
    return pd.DataFrame({"term": pd.Series(list(counts), dtype=object), "df": np.fromiter(counts.values(), np.int64)})


def _sum_counts(parts: pd.DataFrame) -> pd.DataFrame:
    out = parts.groupby("term", sort=False)["df"].sum().reset_index()
    return out.astype({"term": object, "df": "int64"})


def _unit_weights(units: pd.DataFrame, df_table: pd.DataFrame, count: int, block_cap: int) -> pd.DataFrame:
    """Each unit's TF-IDF weights on the terms another unit holds, and (fixed point) on the common ones."""
    from toolkit_dedup.stories import heavy_terms, unit_weights

    df = dict(zip(df_table["term"].tolist(), df_table["df"].tolist(), strict=True))
    common = frozenset(t for t, d in df.items() if d > block_cap)
    shared, heavy = [], []
    for terms in units["terms"].tolist():
        w = unit_weights((terms or "").split(), df, max(int(count), 1))
        shared.append({t: v for t, v in w.items() if df[t] >= 2})
        heavy.append(heavy_terms(w, common))
    unit = units["unit"].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "unit": unit,
            "uh": stable_hash(pd.Series(unit, dtype=object)) if len(unit) else np.zeros(0, np.uint64),
            "size": units["size"].to_numpy(np.int64),
            "shared": pd.Series(shared, dtype=object).to_numpy(),
            "heavy": pd.Series(heavy, dtype=object).to_numpy(),
        }
    )


def _postings(weights: pd.DataFrame) -> pd.DataFrame:
    from toolkit_dedup.stories import quantised

    terms, units, hashes, values = [], [], [], []
    for unit, uh, shared in zip(
        weights["unit"].tolist(), weights["uh"].tolist(), weights["shared"].tolist(), strict=True
    ):
        terms += list(shared)
        units += [unit] * len(shared)
        hashes += [uh] * len(shared)
        values += list(shared.values())
    return pd.DataFrame(
        {
            "term": pd.Series(terms, dtype=object),
            "unit": pd.Series(units, dtype=object),
            "uh": np.asarray(hashes, dtype=np.uint64),
            "q": quantised(np.asarray(values, dtype=np.float64)),
        }
    )


def _term_pairs(postings: pd.DataFrame, block_cap: int, fan: int) -> pd.DataFrame:
    """Per term: all pairs of its units (rare terms, with their weight product) or each unit and the
    ``fan`` units after it (common terms, product added per pair later), ``a`` before ``b`` in unit
    order; the pairs by unit hash, summed within the partition (fewer rows to shuffle)."""
    if len(postings) == 0:
        return _PAIRS_META.copy()
    post = postings.sort_values(["term", "unit"], kind="stable")
    term = post["term"].to_numpy(dtype=object)
    unit = post["uh"].to_numpy(np.uint64)
    q = post["q"].to_numpy(np.int64)
    starts = np.flatnonzero(np.r_[True, term[1:] != term[:-1]])
    sizes = np.diff(np.r_[starts, len(term)])
    a, b, prod = [], [], []
    for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
        if size <= block_cap:
            i, j = np.triu_indices(size, 1)
            a.append(unit[start + i])
            b.append(unit[start + j])
            prod.append(q[start + i] * q[start + j])
        else:
            for off in range(1, fan + 1):
                i = np.arange(size - off)
                a.append(unit[start + i])
                b.append(unit[start + i + off])
                prod.append(np.zeros(len(i), np.int64))
    if not a:
        return _PAIRS_META.copy()
    return _sum_pairs(pd.DataFrame({"a": np.concatenate(a), "b": np.concatenate(b), "q": np.concatenate(prod)}))


def _scored_links(pairs: Any, weights: Any, params: Any, n: int) -> Any:
    """Every candidate pair's exact cosine (rare terms summed, common terms added per pair), kept at
    the threshold.

    Two shuffles of the (numeric) pairs: by ``a``, where the pair's partial sums meet and side
    ``a``'s unit id and heavy weights are looked up, then by ``b`` for side ``b``'s. The units'
    lookup is shuffled once by unit hash and read by both (the same hash lands in the same partition
    number in both shuffles). A pair whose side ``a`` has no heavy weights has its final cosine
    already after the first join: below the threshold it is dropped before the second shuffle."""
    sides = shuffle_by(weights[["uh", "unit", "heavy"]].rename(columns={"uh": "key"}), "key", n)
    by_a = shuffle_by(pairs.rename(columns={"a": "key"}), "key", n, on_disk=True)  # numbers only: p2p
    with_a = by_a.map_partitions(
        _join_side_a, sides, params.lexical_threshold, meta=_SIDE_A_META, align_dataframes=False
    )
    by_b = shuffle_by(staged(with_a).rename(columns={"b": "key"}), "key", n)
    return by_b.map_partitions(
        _join_side_b,
        sides,
        params.lexical_threshold,
        params.lexical_neighbours,
        meta=_SCORED_META,
        align_dataframes=False,
    )


def _side_rows(keys: np.ndarray, sides: pd.DataFrame) -> np.ndarray:
    """The row of ``sides`` holding each unit hash in ``keys`` (both shuffled by hash into the same
    partition). Two units with one 64-bit hash, or a hash not found, stop the run with a clear error
    (silently merging two units' sums is the one thing a hash must never do)."""
    index = pd.Index(sides["key"].to_numpy(np.uint64))
    if not index.is_unique:
        raise RuntimeError("stories on Dask: two story units share a 64-bit hash; cannot pair them by hash")
    at = index.get_indexer(keys)
    if (at < 0).any():
        raise RuntimeError("stories on Dask: a candidate pair's unit is missing from its partition's units")
    return np.asarray(at, dtype=np.int64)


def _join_side_a(pairs: pd.DataFrame, sides: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """A partition of pairs shuffled by side ``a``: their sums, ``a``'s unit id and heavy weights; a pair
    without heavy weights on side ``a`` gets nothing more, so it is dropped here below the threshold."""
    from toolkit_dedup.stories import from_fixed

    summed = _sum_pairs(pairs.rename(columns={"key": "a"}))
    if len(summed) == 0:
        return _SIDE_A_META.copy()
    at = _side_rows(summed["a"].to_numpy(np.uint64), sides)
    heavy = sides["heavy"].to_numpy(dtype=object)[at]
    has_heavy = np.fromiter((isinstance(h, dict) and bool(h) for h in heavy.tolist()), dtype=bool, count=len(heavy))
    keep = has_heavy | (from_fixed(summed["q"].to_numpy(np.int64)) >= threshold)
    return pd.DataFrame(
        {
            "a": summed["a"].to_numpy(np.uint64)[keep],
            "b": summed["b"].to_numpy(np.uint64)[keep],
            "q": summed["q"].to_numpy(np.int64)[keep],
            "ua": sides["unit"].to_numpy(dtype=object)[at[keep]],
            "ha": heavy[keep],
        }
    )


def _join_side_b(part: pd.DataFrame, sides: pd.DataFrame, threshold: float, k: int) -> pd.DataFrame:
    """A partition of side-``a``-joined pairs shuffled by side ``b``: the exact cosines, kept at the
    threshold, as unit ids; ``b_top`` marks the links among ``b``'s ``k`` best of those where it is side
    ``b`` (every such link is here), the only ones that can be among ``b``'s ``k`` best overall."""
    if len(part) == 0:
        return _SCORED_META.copy()
    at = _side_rows(part["key"].to_numpy(np.uint64), sides)
    both = pd.DataFrame(
        {
            "a": part["ua"].to_numpy(dtype=object),
            "b": sides["unit"].to_numpy(dtype=object)[at],
            "q": part["q"].to_numpy(np.int64),
            "ha": part["ha"].to_numpy(dtype=object),
            "hb": sides["heavy"].to_numpy(dtype=object)[at],
        }
    )
    links = _cosines(both, threshold)
    ordered = links.assign(neg=-links["sim"]).sort_values(["b", "neg", "a"], kind="stable")
    rank = ordered.groupby("b", sort=False).cumcount()
    return links.assign(b_top=(rank < k).reindex(links.index).to_numpy(dtype=bool))


def _sum_pairs(part: pd.DataFrame) -> pd.DataFrame:
    if len(part) == 0:
        return _PAIRS_META.copy()
    out = part.groupby(["a", "b"], sort=False)["q"].sum().reset_index()  # int64: exact in any order
    return out.astype({"a": "uint64", "b": "uint64", "q": "int64"})


def _cosines(part: pd.DataFrame, threshold: float) -> pd.DataFrame:
    from toolkit_dedup.stories import _dot, from_fixed

    extra = [
        _dot(x, y) if isinstance(x, dict) and isinstance(y, dict) and x and y else 0
        for x, y in zip(part["ha"].tolist(), part["hb"].tolist(), strict=True)
    ]
    sim = from_fixed(part["q"].to_numpy(np.int64) + np.asarray(extra, dtype=np.int64))
    keep = sim >= threshold
    return pd.DataFrame(
        {"a": part["a"].to_numpy(dtype=object)[keep], "b": part["b"].to_numpy(dtype=object)[keep], "sim": sim[keep]}
    )


def _top_links(links: Any, k: int, n: int) -> Any:
    """The links among each unit's ``k`` best (either end keeping it is enough; ties by unit). A link
    goes to side ``b``'s ranking only when it is among ``b``'s best as side ``b`` (``b_top``): any
    other has ``k`` better links there already."""
    both = links.map_partitions(_both_directions, meta=_LINKS_META.assign(src=pd.Series([], dtype=object)))
    ranked = shuffle_by(both, "src", n, on_disk=True).map_partitions(_best_k, k, meta=_LINKS_META)  # str, float
    return ranked.map_partitions(_distinct_links, meta=_LINKS_META)


def _both_directions(links: pd.DataFrame) -> pd.DataFrame:
    top = links["b_top"].to_numpy(dtype=bool) if "b_top" in links.columns else np.ones(len(links), dtype=bool)
    links = links[["a", "b", "sim"]]
    return pd.concat([links.assign(src=links["a"]), links[top].assign(src=links["b"][top])], ignore_index=True)


def _best_k(part: pd.DataFrame, k: int) -> pd.DataFrame:
    if len(part) == 0:
        return _LINKS_META.copy()
    dst = np.where(part["src"] == part["a"], part["b"], part["a"])
    ordered = part.assign(dst=dst, neg=-part["sim"]).sort_values(["src", "neg", "dst"], kind="stable")
    rank = ordered.groupby("src", sort=False).cumcount()
    return ordered.loc[rank < k, ["a", "b", "sim"]].reset_index(drop=True)


def _distinct_links(links: pd.DataFrame) -> pd.DataFrame:
    return links.drop_duplicates(["a", "b"]).reset_index(drop=True)


def _link_components(links: pd.DataFrame) -> pd.DataFrame:
    """Connected components of the kept links (one task): each linked unit and its component."""
    links = links.drop_duplicates(["a", "b"])
    if len(links) == 0:
        return _COMPONENT_META.copy()
    units, labels = value_components(links["a"].to_numpy(dtype=object), links["b"].to_numpy(dtype=object))
    return pd.DataFrame({"unit": units, "component": labels})


def _linkage(weights: Any, kept: Any, comps: Any, threshold: float, n: int) -> Any:
    """Average linkage per component (its units and links brought together by a shuffle)."""
    lookup = as_delayed(comps)
    units = weights.map_partitions(_with_component, lookup, "unit", meta=weights._meta.assign(component=""))
    units = units[~units["component"].isna()][["unit", "size", "shared", "component"]]  # what the linkage reads
    links = kept.map_partitions(_with_component, lookup, "a", meta=_LINKS_META.assign(component=""))
    units_by = shuffle_by(units, "component", n)  # weight dicts: a task shuffle
    links_by = shuffle_by(links, "component", n, on_disk=True)  # every kept link's unit has a component: text
    return units_by.map_partitions(_average_linkage, links_by, threshold, meta=_ROOTS_META, align_dataframes=False)


def _with_component(part: pd.DataFrame, comps: pd.DataFrame, column: str) -> pd.DataFrame:
    lookup = pd.Series(comps["component"].to_numpy(dtype=object), index=comps["unit"].to_numpy(dtype=object))
    return part.assign(component=lookup.reindex(part[column].to_numpy(dtype=object)).to_numpy(dtype=object))


def _average_linkage(units: pd.DataFrame, links: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The pandas path's average linkage over whole components (units in unit order)."""
    from toolkit_dedup.stories import term_average_linkage

    if len(units) == 0:
        return _ROOTS_META.copy()
    units = units.sort_values("unit", kind="stable")
    order = units["unit"].to_numpy(dtype=object)
    local = pd.Index(order)
    a = local.get_indexer(links["a"].to_numpy(dtype=object))
    b = local.get_indexer(links["b"].to_numpy(dtype=object))
    root = term_average_linkage(
        units["shared"].tolist(), a, b, links["sim"].to_numpy(np.float64), threshold, units["size"].to_numpy()
    )
    return pd.DataFrame({"unit": order, "root": order[root]})


_STORY_COLUMNS_META = empty_table({"story_id": "string"}).rename_axis("snippet_id")
#: What the stories' representative rule and table read of each member snippet.
_STORY_RULE_COLUMNS = ("sid", "pub", "cut", "words", "source", "unit")


def _story_output(members: Any, roots: Any, n: int) -> DaskOutput:
    """Each snippet's story (its unit's root), the representative by the rule, and the table."""
    import dask
    import dask.dataframe as dd

    from toolkit_dedup.schema import STORIES_COLUMNS

    members = members[list(_STORY_RULE_COLUMNS)]  # not the terms: the two shuffles below move every snippet
    joined = members.merge(roots, on="unit", how="left", shuffle_method=SHUFFLE_METHOD)
    joined = joined.assign(story=joined["root"].fillna(joined["unit"]))
    parts = [dask.delayed(_stories_part)(p) for p in shuffle_by(joined, "story", n).to_delayed()]
    columns = dd.from_delayed([dask.delayed(_pick)(p, 0) for p in parts], meta=_STORY_COLUMNS_META, verify_meta=False)
    table = dd.from_delayed(
        [dask.delayed(_pick)(p, 1) for p in parts], meta=empty_table(STORIES_COLUMNS), verify_meta=False
    )
    return DaskOutput(columns=columns, tables={"stories": table})


def _stories_part(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    from toolkit_dedup.analysis import stories_table

    if len(rows) == 0:
        from toolkit_dedup.schema import STORIES_COLUMNS

        return _STORY_COLUMNS_META.copy(), empty_table(STORIES_COLUMNS)
    codes = pd.factorize(rows["story"], sort=False)[0].astype(np.int64)
    rep = _first_by_rule(codes, rows)
    sid = rows["sid"].to_numpy(dtype=object)
    story_ids = np.array(["s:" + r for r in sid[rep].tolist()], dtype=object)
    index = pd.Index(sid, name="snippet_id")
    columns = pd.DataFrame({"story_id": pd.array(story_ids, dtype="string")}, index=index)
    frame = pd.DataFrame({"source": rows["source"].to_numpy(dtype=object)}, index=index)
    unit = pd.factorize(rows["unit"], sort=False)[0]
    table = stories_table(frame, story_ids, sid[rep], unit, rows["pub"].to_numpy(np.int64), "lexical")
    return columns, table


def _gathered_stories(step: DaskStep) -> DaskOutput:
    """The embedding methods: the extracted rows gathered into one task (not distributed yet)."""
    warnings.warn(
        "stories with embeddings on Dask: the neighbour search is not blocked yet, so the extracted rows are "
        "gathered into one task",
        RuntimeWarning,
        stacklevel=3,
    )
    import dask
    import dask.dataframe as dd

    from toolkit_dedup.schema import STORIES_COLUMNS

    whole = gather_small(_side_by_side_all(step.snippets, step.extracted["columns"]))
    extract_cols = list(step.extracted["columns"].columns)
    parts = [dask.delayed(_gathered_stories_part)(p, step.params, extract_cols) for p in whole.to_delayed()]
    columns = dd.from_delayed([dask.delayed(_pick)(p, 0) for p in parts], meta=_STORY_COLUMNS_META, verify_meta=False)
    table = dd.from_delayed(
        [dask.delayed(_pick)(p, 1) for p in parts], meta=empty_table(STORIES_COLUMNS), verify_meta=False
    )
    return DaskOutput(columns=columns, tables={"stories": table})


def _gathered_stories_part(
    part: pd.DataFrame, params: Any, extract_cols: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    from toolkit_dedup.analysis import stories_combine

    frame = part.drop(columns=extract_cols)
    out = stories_combine(frame, params, Context(), Output(columns=part[extract_cols]))
    assert out.columns is not None
    return out.columns, out.tables["stories"]


def _side_by_side_all(snippets: Any, extracted: Any) -> Any:
    meta = pd.concat([snippets._meta, extracted._meta], axis=1)
    return snippets.map_partitions(_side_by_side, extracted, meta=meta)
