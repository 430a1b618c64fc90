"""Dedup's ``fact`` and ``paraphrase`` levels as a distributed plan (called by ``dask_plan.dedup_plan``).

The pandas path (:func:`toolkit_dedup.semantic.semantic_level`) encodes one text per near-level
cluster (its representative's, when it has ``min_words`` words), finds candidate pairs by cosine
(all pairs up to ``exact_neighbours_limit`` such clusters, else an inverted-file index), keeps the
pairs whose same-fact score reaches the threshold, and merges their clusters under the chaining
guard. Every step but the neighbour search is local to the clusters an accepted pair links, so the
plan is:

1. **near clusters**: the near plan's candidate components, and the pandas combine at level
   ``near`` per partition of whole components. Besides the near columns, each partition gives one
   row per cluster the pandas path would encode (the *eligible* representatives: text, figures,
   the representative rule's keys, the sort key of its node);
2. **positions**: the eligible rows sorted as pandas numbers them (by key, keyless snippets last in
   input order, from ``DaskStep.ranks``) with a sample-sort: a small sample of sort keys gives
   range splitters, a shuffle by range, a sort per range, offsets from the per-range counts;
3. **embeddings** per partition of that sort, of the eligible texts only
   (:func:`~toolkit_dedup.semantic.embed_partition`);
4. **neighbour blocks** by a shuffle on a cell: one cell holding every eligible *vector* (position
   and vector, no text: at most ``exact_neighbours_limit`` rows, 1.5 KB each for the 384-d model —
   30 MB at the default 20,000) when pandas would compare all pairs; else the pandas path's
   inverted file: the same seeded sample of positions and k-means (the sample's vectors gathered
   into one task: ``40 * sqrt(n)`` vectors), each vector sent to its 2 nearest cells, all pairs
   compared inside a cell in position order (pandas' own blocked products, ``_pairs_within``);
5. **pair decisions where both sides meet**: the candidate pairs joined with each side's text,
   figures and vector by two shuffles on position, scored by
   :class:`~toolkit_dedup.semantic.PairScorer`;
6. components of the accepted pairs' clusters (:func:`toolkit_dedup.graph.value_components`, one
   task over cluster ids: one row per linked cluster, no text);
7. per partition of whole components, the chaining guard (:func:`~toolkit_dedup.graph.guarded_clusters`
   over the clusters' representatives, the same rule and scores as pandas) and the snippet columns
   and ``clusters`` rows of the clusters involved. Clusters no accepted pair touches keep their near
   columns and ``clusters`` row (``level`` set to the level asked for).

Equal to ``toolkit.run`` when the encoder gives a text the same vector in any batch (a registered
encoder); a batched neural encoder pads per batch, so vectors can differ in the last float bits
between the pandas run (one batch sequence over all texts) and this one (per partition), and a
pair scored within ~1e-6 of a bar could then be decided the other way — as between two pandas runs
over collections that differ elsewhere.
"""

from __future__ import annotations

import bisect
import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from toolkit.dask_plan import DaskOutput, as_delayed, gather_small, shuffle_by, staged
from toolkit.tables import empty_table
from toolkit_dedup import extract as ex
from toolkit_dedup.analysis import DedupParams, clusters_table
from toolkit_dedup.graph import guarded_clusters, pick_first, value_components
from toolkit_dedup.grouping import published_ns
from toolkit_dedup.normalize import word_counts
from toolkit_dedup.schema import CLUSTERS_COLUMNS, DEDUP_COLUMNS
from toolkit_dedup.semantic import PairScorer, SemanticSettings, candidate_cosine, embed_partition, settings_from_params

RANK = "_fact_rank"  # the snippet's input position (orders keyless snippets as pandas does)
GROUP = "_fact_group"  # the component of accepted pairs a touched cluster belongs to
SNIPPET_FRAME = ("source", "published_at")  # what the clusters table reads besides the columns
IVF_PROBES = 2  # as embeddings.cosine_pairs
IVF_ITERS = 8
SAMPLES_PER_PARTITION = 64
RANGES_PER_PARTITION = 4

_REPS_META = pd.DataFrame(
    {
        "cid": pd.Series([], dtype=object),  # the near cluster's id
        "rid": pd.Series([], dtype=object),  # its representative snippet's id
        "s0": pd.Series([], dtype=np.int8),  # 0: a node with a key, 1: a keyless snippet
        "skey": pd.Series([], dtype=object),
        "srank": pd.Series([], dtype=np.int64),
        "text": pd.Series([], dtype=object),
        "f0": pd.Series([], dtype=np.int64),
        "f1": pd.Series([], dtype=np.int64),
        "pub": pd.Series([], dtype=np.int64),
        "cut": pd.Series([], dtype=bool),
        "klen": pd.Series([], dtype=np.int64),
        "rlen": pd.Series([], dtype=np.int64),
    }
)
_SORT = ["s0", "skey", "srank"]
_POSITIONED_META = _REPS_META.assign(
    rng=pd.Series([], dtype=np.int64), local=pd.Series([], dtype=np.int64), pos=pd.Series([], dtype=np.int64)
)
_VECTORS_META = _POSITIONED_META.assign(vec=pd.Series([], dtype=object))
_COUNTS_META = pd.DataFrame({"rng": pd.Series([], dtype=np.int64), "count": pd.Series([], dtype=np.int64)})
_SAMPLE_META = pd.DataFrame({c: _REPS_META[c] for c in _SORT})
_POINTS_META = pd.DataFrame({"pos": pd.Series([], dtype=np.int64), "vec": pd.Series([], dtype=object)})
_CELLS_META = _POINTS_META.assign(cell=pd.Series([], dtype=np.int64))
_PAIRS_META = pd.DataFrame({"a": pd.Series([], dtype=np.int64), "b": pd.Series([], dtype=np.int64)})
_SIDE = ["cid", "text", "f0", "f1", "vec"]
_EDGES_META = pd.DataFrame({"cid_a": pd.Series([], dtype=object), "cid_b": pd.Series([], dtype=object)})
_GROUPS_META = pd.DataFrame({"cid": pd.Series([], dtype=object), GROUP: pd.Series([], dtype=object)})


def semantic_plan(labelled: Any, params: DedupParams, npartitions: int) -> DaskOutput:
    """The fact/paraphrase level over ``labelled`` (the near plan's bundle with candidate-component
    labels and ``RANK``); see the module docstring."""
    import dask
    import dask.dataframe as dd

    from toolkit_dedup.dask_plan import LABEL

    n = max(1, npartitions)
    s = settings_from_params(params)
    near = dataclasses.replace(params, level="near")
    done = [dask.delayed(_near_part)(p, near, s) for p in shuffle_by(labelled, LABEL, n).to_delayed()]
    snips_meta = _snippet_rows(labelled._meta, empty_table(DEDUP_COLUMNS).set_axis(labelled._meta.index))
    snips = dd.from_delayed([dask.delayed(_pick)(d, 0) for d in done], meta=snips_meta, verify_meta=False)
    near_tables = dd.from_delayed(
        [dask.delayed(_pick)(d, 1) for d in done], meta=empty_table(CLUSTERS_COLUMNS), verify_meta=False
    )
    reps = dd.from_delayed([dask.delayed(_pick)(d, 2) for d in done], meta=_REPS_META, verify_meta=False)

    positioned, counts = _positions(reps, n)
    vectors = staged(positioned.map_partitions(_embedded, s, meta=_VECTORS_META))
    pairs = staged(_candidate_pairs(vectors, counts, s, n))
    edges = staged(_accepted_edges(pairs, vectors, s, n))
    groups = as_delayed(gather_small(edges).map_partitions(_edge_groups, meta=_GROUPS_META))

    level = params.level
    untouched = snips.map_partitions(
        _untouched_columns, groups, meta=empty_table(DEDUP_COLUMNS).rename_axis("snippet_id")
    )
    kept_tables = near_tables.map_partitions(_untouched_clusters, groups, level, meta=empty_table(CLUSTERS_COLUMNS))
    touched = shuffle_by(snips.map_partitions(_touched, groups, "cluster_id", meta=_grouped(snips_meta)), GROUP, n)
    touched_reps = shuffle_by(vectors.map_partitions(_touched, groups, "cid", meta=_grouped(_VECTORS_META)), GROUP, n)
    touched_edges = shuffle_by(edges.map_partitions(_touched, groups, "cid_a", meta=_grouped(_EDGES_META)), GROUP, n)
    finals = [
        dask.delayed(_fact_part)(a, b, c, params)
        for a, b, c in zip(touched.to_delayed(), touched_reps.to_delayed(), touched_edges.to_delayed(), strict=True)
    ]
    columns_meta = empty_table(DEDUP_COLUMNS).rename_axis("snippet_id")
    changed = dd.from_delayed([dask.delayed(_pick)(f, 0) for f in finals], meta=columns_meta, verify_meta=False)
    tables = dd.from_delayed(
        [dask.delayed(_pick)(f, 1) for f in finals], meta=empty_table(CLUSTERS_COLUMNS), verify_meta=False
    )
    return DaskOutput(
        columns=dd.concat([untouched, changed], ignore_unknown_divisions=True),
        tables={"clusters": dd.concat([kept_tables, tables], ignore_unknown_divisions=True)},
    )


def _pick(parts: tuple[pd.DataFrame, ...], i: int) -> pd.DataFrame:
    return parts[i]


# --- 1. near clusters and the eligible representatives -------------------------------------------


def _snippet_rows(part: pd.DataFrame, columns: pd.DataFrame) -> pd.DataFrame:
    """What later stages need of each snippet: the clusters table's inputs and the near columns."""
    frame = part[[c for c in SNIPPET_FRAME if c in part.columns]]
    cols = pd.DataFrame({c: columns[c].astype(d) for c, d in DEDUP_COLUMNS.items()}, index=columns.index)
    return pd.concat([frame, cols.reindex(frame.index)], axis=1)


def _near_part(
    part: pd.DataFrame, near: DedupParams, s: SemanticSettings
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The pandas combine at level near over whole candidate components: the snippet rows, the near
    ``clusters`` rows, and one row per cluster whose representative pandas would encode."""
    from toolkit_dedup.dask_plan import _combine_part

    columns, table = _combine_part(part, near)
    snips = _snippet_rows(part, columns)
    return snips, table, _eligible(part, columns.reindex(part.index), near, s)


def _eligible(part: pd.DataFrame, columns: pd.DataFrame, near: DedupParams, s: SemanticSettings) -> pd.DataFrame:
    """The near clusters' representatives with ``min_words`` words (``semantic_level``'s eligible set)."""
    if len(part) == 0:
        return _REPS_META.copy()
    ids = np.asarray([str(i) for i in part.index], dtype=object)
    keys = part[ex.KEY].astype("string").to_numpy(dtype=object, na_value=None)
    keyed = np.array([bool(k) for k in keys.tolist()], dtype=bool)
    words = word_counts(pa.array(keys.tolist(), type=pa.large_string()))
    is_rep = columns["representative"].to_numpy(dtype=bool, na_value=False)
    rows = np.flatnonzero(is_rep & (words >= s.min_words))
    figs = _node_figures(part, keys, keyed, ids) if near.figures else np.zeros((len(part), 2), np.int64)
    text = part["text"].astype("string").to_numpy(dtype=object, na_value=None)
    raw_len = part["text"].astype("string").str.len().fillna(0).to_numpy(dtype=np.int64)
    rank = part[RANK].to_numpy(np.int64) if RANK in part.columns else np.zeros(len(part), np.int64)
    return pd.DataFrame(
        {
            "cid": columns["cluster_id"].astype(object).to_numpy()[rows],
            "rid": ids[rows],
            "s0": (~keyed[rows]).astype(np.int8),
            "skey": np.asarray([k if k else "" for k in keys[rows].tolist()], dtype=object),
            "srank": np.where(keyed[rows], 0, rank[rows]).astype(np.int64),
            "text": np.asarray([str(t) for t in text[rows].tolist()], dtype=object),
            "f0": figs[rows, 0],
            "f1": figs[rows, 1],
            "pub": published_ns(part)[rows],
            "cut": part[ex.CUT].to_numpy(dtype=bool)[rows],
            "klen": np.asarray([len(k) if k else 0 for k in keys[rows].tolist()], dtype=np.int64),
            "rlen": raw_len[rows],
        }
    )


def _node_figures(part: pd.DataFrame, keys: np.ndarray, keyed: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Each snippet's node figures (int64 views): a complete member's when its key has one, as pandas."""
    node = np.where(keyed, keys, np.asarray(["\x00" + i for i in ids.tolist()], dtype=object))
    rows = pd.DataFrame(
        {
            "node": node,
            "cut": part[ex.CUT].to_numpy(dtype=bool),
            "f0": part[ex.FIG0].to_numpy(np.int64),
            "f1": part[ex.FIG1].to_numpy(np.int64),
        }
    )
    best = rows.sort_values("cut", kind="stable").drop_duplicates("node", keep="first").set_index("node")
    return best.reindex(node)[["f0", "f1"]].to_numpy(np.int64)


# --- 2-3. positions (pandas' node order) and embeddings --------------------------------------------


def _positions(reps: Any, n: int) -> tuple[Any, Any]:
    """Each eligible row's position in pandas' order, by a sample-sort; and the per-range counts."""
    ranges = RANGES_PER_PARTITION * n
    splitters = as_delayed(reps.map_partitions(_sort_sample, meta=_SAMPLE_META))
    ranged = reps.map_partitions(_with_range, splitters, ranges, meta=_REPS_META.assign(rng=np.int64(0)))
    local = staged(shuffle_by(ranged, "rng", n).map_partitions(_local_order, meta=_POSITIONED_META.drop(columns="pos")))
    counts = gather_small(local.map_partitions(_range_counts, meta=_COUNTS_META))
    positioned = local.map_partitions(_with_position, as_delayed(counts), meta=_POSITIONED_META)
    return staged(positioned), counts


def _sort_keys(part: pd.DataFrame) -> list[tuple[int, str, int]]:
    return list(zip(part["s0"].tolist(), part["skey"].tolist(), part["srank"].tolist(), strict=True))


def _sort_sample(part: pd.DataFrame) -> pd.DataFrame:
    """Up to ``SAMPLES_PER_PARTITION`` evenly spread sort keys of a partition."""
    keys = sorted(_sort_keys(part))
    if len(keys) > SAMPLES_PER_PARTITION:
        keys = [keys[i] for i in np.linspace(0, len(keys) - 1, SAMPLES_PER_PARTITION).astype(int).tolist()]
    if not keys:
        return _SAMPLE_META.copy()
    s0, skey, srank = zip(*keys, strict=True)
    return pd.DataFrame(
        {"s0": np.asarray(s0, np.int8), "skey": pd.Series(skey, dtype=object), "srank": np.asarray(srank, np.int64)}
    )


def _with_range(part: pd.DataFrame, sample: pd.DataFrame, ranges: int) -> pd.DataFrame:
    """Each row's sort range (0..ranges-1): ranges are cut at evenly spaced keys of the sample."""
    keys = sorted(_sort_keys(sample))
    cuts = [keys[(i * len(keys)) // ranges] for i in range(1, ranges)] if keys else []
    rng = [bisect.bisect_right(cuts, k) for k in _sort_keys(part)]
    return part.assign(rng=np.asarray(rng, dtype=np.int64))


def _local_order(part: pd.DataFrame) -> pd.DataFrame:
    """A partition's rows sorted (range, then pandas' node order) and numbered within their range."""
    if len(part) == 0:
        return _POSITIONED_META.drop(columns="pos").copy()
    order = sorted(range(len(part)), key=list(zip(part["rng"].tolist(), _sort_keys(part), strict=True)).__getitem__)
    out = part.iloc[order].reset_index(drop=True)
    return out.assign(local=out.groupby("rng", sort=False).cumcount().to_numpy(np.int64))


def _range_counts(part: pd.DataFrame) -> pd.DataFrame:
    counts = part.groupby("rng", sort=True).size()
    return pd.DataFrame({"rng": counts.index.to_numpy(np.int64), "count": counts.to_numpy(np.int64)})


def _offsets(counts: pd.DataFrame) -> pd.Series:
    per = counts.groupby("rng", sort=True)["count"].sum()
    return pd.Series(np.cumsum(per.to_numpy()) - per.to_numpy(), index=per.index)


def _with_position(part: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    offsets = _offsets(counts)
    pos = offsets.reindex(part["rng"].to_numpy()).to_numpy(np.int64) + part["local"].to_numpy(np.int64)
    return part.assign(pos=pos)


def _embedded(part: pd.DataFrame, s: SemanticSettings) -> pd.DataFrame:
    """The partition's eligible texts through the first-stage encoder (vectors as float32 bytes)."""
    if len(part) == 0:
        return _VECTORS_META.copy()
    vecs = np.ascontiguousarray(embed_partition(part["text"].tolist(), s), dtype=np.float32)
    return part.assign(vec=pd.Series([v.tobytes() for v in vecs], dtype=object, index=part.index))


def _matrix(blobs: list[bytes]) -> np.ndarray:
    return np.vstack([np.frombuffer(b, dtype=np.float32) for b in blobs])


# --- 4. neighbour blocks ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class IndexPlan:
    """What the pandas neighbour search does for ``n`` eligible vectors: all pairs (``sample`` None)
    or the inverted file, with the positions of its k-means sample and initial centroids."""

    n: int
    sample: np.ndarray | None = None
    initial: np.ndarray | None = None


def index_plan(counts: pd.DataFrame, exact_limit: int, seed: int) -> IndexPlan:
    """The same seeded choices as ``embeddings._ivf_cells`` (positions only: no vector needed)."""
    n = int(counts["count"].sum()) if len(counts) else 0
    if n <= exact_limit:
        return IndexPlan(n)
    rng = np.random.default_rng(seed)
    k = max(2, int(np.sqrt(n)))
    sample = np.sort(rng.choice(n, size=min(n, 40 * k), replace=False))
    initial = np.sort(rng.choice(len(sample), size=k, replace=False))
    return IndexPlan(n, sample, initial)


def _candidate_pairs(vectors: Any, counts: Any, s: SemanticSettings, n: int) -> Any:
    import dask

    plan = dask.delayed(index_plan)(as_delayed(counts), s.exact_limit, s.seed)
    points = vectors.map_partitions(_sample_points, plan, meta=_POINTS_META)
    centroids = dask.delayed(_centroids)(as_delayed(points), plan)
    cells = vectors.map_partitions(_cell_rows, plan, centroids, meta=_CELLS_META)
    return shuffle_by(cells, "cell", n).map_partitions(_cell_pairs, candidate_cosine(s), meta=_PAIRS_META)


def _sample_points(part: pd.DataFrame, plan: IndexPlan) -> pd.DataFrame:
    if plan.sample is None or len(part) == 0:
        return _POINTS_META.copy()
    keep = np.isin(part["pos"].to_numpy(np.int64), plan.sample)
    return part.loc[keep, ["pos", "vec"]].reset_index(drop=True)


def _centroids(points: pd.DataFrame, plan: IndexPlan) -> np.ndarray | None:
    """The inverted file's k-means, as ``embeddings._ivf_cells`` runs it (on the sample, in position order)."""
    if plan.sample is None or plan.initial is None:
        return None
    from toolkit_dedup.embeddings import spherical_kmeans

    sample = _matrix(points.sort_values("pos")["vec"].tolist())
    return spherical_kmeans(sample, sample[plan.initial], IVF_ITERS)


def _cell_rows(part: pd.DataFrame, plan: IndexPlan, centroids: np.ndarray | None) -> pd.DataFrame:
    """Each vector under its cells: the one all-pairs cell, or its ``IVF_PROBES`` nearest centroids."""
    if len(part) == 0 or plan.n < 2:
        return _CELLS_META.copy()
    points = part[["pos", "vec"]].reset_index(drop=True)
    if centroids is None:
        return points.assign(cell=np.zeros(len(points), np.int64))
    top = np.argsort(-(_matrix(points["vec"].tolist()) @ centroids.T), axis=1, kind="stable")[:, :IVF_PROBES]
    rows = np.repeat(np.arange(len(points)), top.shape[1])
    return points.iloc[rows].reset_index(drop=True).assign(cell=top.reshape(-1).astype(np.int64))


def _cell_pairs(part: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Pairs ``a < b`` (positions) of each cell with cosine >= threshold: the pandas path's own blocked
    products (``embeddings._pairs_within``) over the cell's members in position order, so every
    product is computed exactly as pandas computes it."""
    from toolkit_dedup.embeddings import _pairs_within

    out = [_PAIRS_META]
    for _, cell in part.groupby("cell", sort=True):
        cell = cell.sort_values("pos")
        pos = cell["pos"].to_numpy(np.int64)
        a, b, _ = _pairs_within(_matrix(cell["vec"].tolist()), np.arange(len(pos)), threshold)
        out.append(pd.DataFrame({"a": pos[a], "b": pos[b]}))
    return pd.concat(out, ignore_index=True).astype(np.int64)


# --- 5-6. pair decisions, components of accepted pairs ----------------------------------------------


def _accepted_edges(pairs: Any, vectors: Any, s: SemanticSettings, n: int) -> Any:
    sides = shuffle_by(vectors[["pos", *_SIDE]], "pos", n)
    first = shuffle_by(pairs.rename(columns={"a": "pos"}), "pos", n)
    side_a_meta = pd.DataFrame({"a": _PAIRS_META["a"], "b": _PAIRS_META["b"]})
    for c in _SIDE:
        side_a_meta[c + "_a"] = _VECTORS_META[c]
    with_a = first.map_partitions(_join_side, sides, "a", meta=side_a_meta, align_dataframes=False)
    second = shuffle_by(staged(with_a).rename(columns={"b": "pos"}), "pos", n)
    both_meta = side_a_meta.copy()
    for c in _SIDE:
        both_meta[c + "_b"] = _VECTORS_META[c]
    both = second.map_partitions(_join_side, sides, "b", meta=both_meta, align_dataframes=False)
    return both.map_partitions(_decide, s, meta=_EDGES_META)


def _join_side(pairs: pd.DataFrame, sides: pd.DataFrame, side: str) -> pd.DataFrame:
    """Pairs (their ``side`` position in ``pos``) with that side's cluster, text, figures and vector."""
    if side == "a":
        pairs = pairs.drop_duplicates(["pos", "b"])  # a pair found in two cells of the inverted file
    named = sides[["pos", *_SIDE]].rename(columns={c: f"{c}_{side}" for c in _SIDE})
    joined = pairs.merge(named, on="pos", how="inner", sort=False).rename(columns={"pos": side})
    cols = ["a", "b", *[f"{c}_a" for c in _SIDE]] + ([f"{c}_b" for c in _SIDE] if side == "b" else [])
    return joined[cols].reset_index(drop=True)


def _decide(part: pd.DataFrame, s: SemanticSettings) -> pd.DataFrame:
    """The pandas path's decision of each candidate pair (same scorer, same vectors), each distinct
    text of the partition scored from one row (its terms, and with ``hybrid`` its full vector, once)."""
    m = len(part)
    if m == 0:
        return _EDGES_META.copy()
    positions = np.concatenate([part["a"].to_numpy(np.int64), part["b"].to_numpy(np.int64)])
    _, first, inverse = np.unique(positions, return_index=True, return_inverse=True)
    texts = np.asarray(part["text_a"].tolist() + part["text_b"].tolist(), dtype=object)[first]
    blobs = np.asarray(part["vec_a"].tolist() + part["vec_b"].tolist(), dtype=object)[first]
    figures = np.concatenate(
        [
            np.stack([part["f0_a"].to_numpy(np.int64), part["f1_a"].to_numpy(np.int64)], axis=1),
            np.stack([part["f0_b"].to_numpy(np.int64), part["f1_b"].to_numpy(np.int64)], axis=1),
        ]
    )[first]
    scorer = PairScorer(texts.tolist(), _matrix(blobs.tolist()), np.ascontiguousarray(figures).view(np.uint64), s)
    score = scorer(inverse[:m], inverse[m:])
    keep = score >= s.threshold
    return pd.DataFrame(
        {"cid_a": part["cid_a"].to_numpy(dtype=object)[keep], "cid_b": part["cid_b"].to_numpy(dtype=object)[keep]}
    )


def _edge_groups(edges: pd.DataFrame) -> pd.DataFrame:
    """Components of the accepted pairs (one task, cluster ids only): each linked cluster's group."""
    if len(edges) == 0:
        return _GROUPS_META.copy()
    cids, groups = value_components(edges["cid_a"].to_numpy(dtype=object), edges["cid_b"].to_numpy(dtype=object))
    return pd.DataFrame({"cid": cids, GROUP: groups})


def _group_of(values: pd.Series, groups: pd.DataFrame) -> np.ndarray:
    lookup = pd.Series(groups[GROUP].to_numpy(dtype=object), index=groups["cid"].to_numpy(dtype=object))
    return lookup.reindex(values.astype(object).to_numpy()).to_numpy(dtype=object)


def _grouped(meta: pd.DataFrame) -> pd.DataFrame:
    return meta.assign(**{GROUP: pd.Series([], dtype=object)})


def _touched(part: pd.DataFrame, groups: pd.DataFrame, column: str) -> pd.DataFrame:
    """The rows of clusters an accepted pair links, with their group."""
    group = _group_of(part[column], groups)
    keep = np.asarray(pd.notna(group), dtype=bool)
    return part.loc[keep].assign(**{GROUP: group[keep]})


def _untouched_columns(part: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """The near columns of snippets whose cluster no accepted pair links: the level leaves them as they are."""
    keep = ~np.asarray(pd.notna(_group_of(part["cluster_id"], groups)), dtype=bool)
    return part.loc[keep, list(DEDUP_COLUMNS)].rename_axis("snippet_id")


def _untouched_clusters(table: pd.DataFrame, groups: pd.DataFrame, level: str) -> pd.DataFrame:
    keep = ~np.asarray(pd.notna(_group_of(table["cluster_id"], groups)), dtype=bool)
    out = table.loc[keep].reset_index(drop=True)
    out["level"] = pd.array([level] * len(out), dtype=CLUSTERS_COLUMNS["level"])
    return out


# --- 7. the chaining guard per group of linked clusters ----------------------------------------------


def _fact_part(
    snips: pd.DataFrame, reps: pd.DataFrame, edges: pd.DataFrame, params: DedupParams
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Whole groups of linked clusters: ``guarded_clusters`` over their representatives (pandas'
    rule and scores), then their snippets' columns and ``clusters`` rows."""
    columns_meta = empty_table(DEDUP_COLUMNS).rename_axis("snippet_id")
    if len(snips) == 0:
        return columns_meta, empty_table(CLUSTERS_COLUMNS)
    s = settings_from_params(params)
    reps = reps.drop_duplicates("cid").sort_values("pos").reset_index(drop=True)
    items = pd.Index(reps["cid"].to_numpy(dtype=object))
    rid = reps["rid"].to_numpy(dtype=object)
    id_rank = np.empty(len(rid), dtype=np.int64)
    id_rank[np.argsort(rid, kind="stable")] = np.arange(len(rid))
    rule = (
        reps["pub"].to_numpy(np.int64),
        reps["cut"].to_numpy(bool),
        -reps["klen"].to_numpy(np.int64),
        -reps["rlen"].to_numpy(np.int64),
        id_rank,
    )
    figures = np.stack([reps["f0"].to_numpy(np.int64), reps["f1"].to_numpy(np.int64)], axis=1).view(np.uint64)
    scorer = PairScorer(reps["text"].tolist(), _matrix(reps["vec"].tolist()), figures, s)
    a = items.get_indexer(edges["cid_a"].to_numpy(dtype=object))
    b = items.get_indexer(edges["cid_b"].to_numpy(dtype=object))
    rep, sim = guarded_clusters(len(items), a, b, lambda labels: pick_first(labels, *rule), scorer, s.guard)
    item = items.get_indexer(snips["cluster_id"].astype(object).to_numpy())
    columns = _moved_columns(snips, item, rep, sim, rid, s.level)
    frame = snips[[c for c in SNIPPET_FRAME if c in snips.columns]]
    return columns, clusters_table(frame, columns, published_ns(frame), s.level)


def _moved_columns(
    snips: pd.DataFrame, item: np.ndarray, rep: np.ndarray, sim: np.ndarray, rid: np.ndarray, level: str
) -> pd.DataFrame:
    """The snippet columns after the merge: a snippet whose cluster joined another names that one's
    representative, with the smaller of its near similarity and its cluster's score (pandas' rule)."""
    cluster_id = snips["cluster_id"].astype(object).to_numpy().copy()
    representative = snips["representative"].to_numpy(dtype=bool, na_value=False).copy()
    duplicate_of = snips["duplicate_of"].astype(object).to_numpy(na_value=None).copy()
    similarity = snips["similarity"].to_numpy(dtype=np.float64, na_value=np.nan).copy()
    match = snips["match"].astype(object).to_numpy(na_value=None).copy()
    moved = np.flatnonzero(rep[item] != item)
    target = rid[rep[item[moved]]]
    cluster_id[moved] = np.asarray(["c:" + t for t in target.tolist()], dtype=object)
    representative[moved] = False
    duplicate_of[moved] = target
    similarity[moved] = np.minimum(similarity[moved], np.round(sim[item[moved]], 4))
    match[moved] = level
    out = pd.DataFrame(
        {
            "cluster_id": pd.array(cluster_id, dtype="string"),
            "representative": pd.array(representative, dtype="boolean"),
            "duplicate_of": pd.array(duplicate_of, dtype="string"),
            "similarity": pd.array(similarity, dtype="Float64"),
            "match": pd.array(match, dtype="string"),
        },
        index=snips.index,
    )
    out.loc[np.isnan(similarity), "similarity"] = pd.NA
    return out.rename_axis("snippet_id")
