"""The ``dedup`` and ``stories`` analyses: parameters, and each one's extract and combine halves.

``extract`` (per snippet, any partition; :mod:`toolkit_dedup.extract`) returns private snippet
columns; ``combine`` (the whole collection) groups them. Running ``combine`` on the concatenated
extract outputs of any partitioning gives the same result as one piece: nothing in ``extract``
reads another snippet, and ``combine`` numbers everything by content, not by position.

dedup levels: ``exact`` (the same normalised text), ``near`` (MinHash near-copies and cut-off
prefixes, the default), ``fact`` (also reports of the same fact in other words: sentence
embeddings decided with shared words, names and figures), ``paraphrase`` (the older embedding
level: cosine alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit import Context, Output
from toolkit.tables import empty_table
from toolkit_dedup import extract as ex
from toolkit_dedup import minhash
from toolkit_dedup.extract import string_array
from toolkit_dedup.graph import pick_first
from toolkit_dedup.grouping import NAT, Clustering, NearSettings, Nodes, id_ranks, near_level, published_ns
from toolkit_dedup.normalize import arrow_strings, normalise, word_counts
from toolkit_dedup.numbers import number_masks
from toolkit_dedup.schema import CLUSTERS_COLUMNS, DEDUP_COLUMNS, STORIES_COLUMNS, STORY_COLUMNS
from toolkit_dedup.stories import average_linkage, lexical_stories, neighbour_pairs, single_pass, word_vectors


@dataclass(frozen=True)
class DedupParams:
    """Parameters of the ``dedup`` analysis.

    :param level: ``exact`` (same text after normalisation), ``near`` (MinHash near-copies and
        cut-off prefixes, the default), ``fact`` (adds reports of the same fact in other words;
        needs the ``embeddings`` extra) or ``paraphrase`` (embedding cosine alone; the older level).
    :param threshold: estimated Jaccard similarity of character shingles for a near-copy edge.
    :param guard: least similarity of a near-level member to its cluster's representative.
    :param containment: least estimated share of a cut-off snippet's shingles found in the longer one.
    :param min_words: snippets with fewer words only match exactly (never near, fact or paraphrase).
    :param min_prefix_words: a cut-off snippet needs this many words to join a longer one as a prefix.
    :param shingle: character k-gram length.
    :param num_perm: MinHash bins (a power of two).
    :param bands: LSH bands (``bands * rows <= num_perm``).
    :param rows: MinHash bins per band.
    :param seed: hash seed (results are deterministic for a given seed).
    :param figures: texts must not disagree on a figure: two texts that each carry a number the
        other lacks ("episode 4" / "episode 5", "toll rose to 69" / "72") never join at the near,
        fact or paraphrase level. A copy that only drops a number (a cut-off) still joins.
    :param fact_threshold: least same-fact score (cosine adjusted by shared words and names) for a
        fact edge.
    :param fact_guard: least same-fact score of a member to its cluster's representative.
    :param fact_candidate: least cosine for a pair to be scored at the fact level.
    :param paraphrase_threshold: cosine similarity of embeddings for a paraphrase edge.
    :param paraphrase_guard: least cosine of a paraphrase member to its cluster's representative.
    :param model: sentence-transformers model directory or registered encoder; empty = the bundled
        all-MiniLM-L6-v2.
    :param device: where the encoder runs: ``auto`` (a GPU when torch sees one), ``cpu``, ``cuda``...
    :param encoder: fact/paraphrase: ``auto`` (``full`` for both: the quality of earlier versions;
        ``hybrid`` is 2.7x faster per MRPC pair but 3 of its 500 validation pairs worse),
        ``hybrid`` (a static model distilled from all-MiniLM-L6-v2
        scores every candidate pair; the full model re-scores only pairs within ``encoder_margin``
        of a decision bar), ``full`` (the full model on every cluster; the older, slow path) or
        ``static`` (never the full model: fastest, less accurate).
    :param encoder_margin: hybrid: pairs whose static score lies this close to the threshold or the
        guard are re-scored with the full model (0.15: the hybrid decision equals the full model's on
        99% of 3,000 UCI headline pairs, and keeps the seed's "captured" report apart).
    :param static_model: a local model2vec directory for the first stage; empty = the bundled one.
    :param exact_neighbours_limit: compare all embedding pairs up to this many clusters, else use
        an inverted-file index.
    :param outlets: extra outlet names stripped from the end of snippets (" - Outlet").
    :param agencies: extra wire agency names for datelines ("CITY (Agency) -").
    """

    level: Literal["exact", "near", "fact", "paraphrase"] = "near"
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
    fact_threshold: float = 0.7
    fact_guard: float = 0.7
    fact_candidate: float = 0.5
    paraphrase_threshold: float = 0.8
    paraphrase_guard: float = 0.7
    model: str = ""
    device: str = "auto"
    encoder: Literal["auto", "hybrid", "full", "static"] = "auto"
    encoder_margin: float = 0.15
    static_model: str = ""
    exact_neighbours_limit: int = 20_000
    outlets: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if self.bands * self.rows > self.num_perm or self.bands < 1 or self.rows < 1:
            raise ValueError("bands * rows must be at most num_perm")

    def near(self) -> NearSettings:
        return NearSettings(
            self.threshold,
            self.guard,
            self.containment,
            self.min_words,
            self.min_prefix_words,
            self.shingle,
            self.bands,
            self.rows,
            self.seed,
        )


# --- dedup ---------------------------------------------------------------------------------------


def dedup_extract(frame: pd.DataFrame, params: DedupParams, context: Context) -> Output:
    """Per snippet: normalised key, cut-off flag, outlet tail, figure sets, MinHash signature."""
    cols = ex.dedup_columns(
        frame["text"] if len(frame) else pd.Series([], dtype="string", index=frame.index),
        outlets=params.outlets,
        agencies=params.agencies,
        signatures=params.level != "exact",
        shingle=params.shingle,
        num_perm=params.num_perm,
        seed=params.seed,
    )
    return Output(columns=cols)


def dedup_combine(frame: pd.DataFrame, params: DedupParams, context: Context, extracted: Output) -> Output:
    """Group copies, near-copies and (optionally) same-fact reports; see :class:`DedupParams`."""
    if len(frame) == 0:
        return empty_dedup_output(frame)
    feats = _aligned(extracted.columns, frame.index)
    keys, swapped = _collection_keys(frame, feats)
    cut = feats[ex.CUT].to_numpy(dtype=bool)
    nodes = Nodes.build(frame, keys, cut, word_counts(keys))
    figures = _node_figures(nodes, feats, keys, swapped) if params.figures else np.zeros((nodes.n_nodes, 2), np.uint64)
    context.progress(0.4)
    state = Clustering.identity(nodes.n_nodes)
    if params.level != "exact" and nodes.n_keys > 1:
        sig, counts = _node_signatures(nodes, feats, swapped, params)
        state = near_level(nodes, sig, counts, figures[: nodes.n_keys], params.near())
    elif params.level != "exact":
        state.level = "near"  # the level asked for, even when one text leaves nothing to compare
    context.progress(0.6)
    if params.level in ("fact", "paraphrase"):
        from toolkit_dedup.semantic import semantic_level, settings_from_params

        texts = frame["text"].astype("string").to_numpy(dtype=object, na_value=None).tolist()
        state = semantic_level(nodes, texts, state, figures, settings_from_params(params), context.progress)
    context.progress(0.9)
    columns = _snippet_columns(frame, nodes, state, keys)
    clusters = clusters_table(frame, columns, nodes.rule[0], state.level)
    context.progress(1.0)
    return Output(columns=columns, tables={"clusters": clusters})


def dedup(frame: pd.DataFrame, params: DedupParams, context: Context) -> Output:
    """``dedup`` in one piece: :func:`dedup_combine` over :func:`dedup_extract` of the whole frame."""
    return dedup_combine(frame, params, context, dedup_extract(frame, params, context))


def empty_dedup_output(frame: pd.DataFrame) -> Output:
    cols = empty_table(DEDUP_COLUMNS).set_axis(frame.index[:0]).reindex(frame.index)
    return Output(columns=cols, tables={"clusters": empty_table(CLUSTERS_COLUMNS)})


def _aligned(cols: pd.DataFrame | None, index: pd.Index) -> pd.DataFrame:
    """The extract half's columns in the frame's row order (partitions may come back in any order)."""
    if cols is None:
        raise ValueError("dedup combine: the extract half returned no columns")
    return cols if cols.index.equals(index) else cols.reindex(index)


def _collection_keys(frame: pd.DataFrame, feats: pd.DataFrame) -> tuple[pa.Array, np.ndarray]:
    """Every snippet's key, with " - Tail" stripped where the tail names one of the collection's sources.

    Returns the keys and which snippets took their body key that way.
    """
    keys = arrow_strings(feats[ex.KEY])
    swapped = np.zeros(len(keys), dtype=bool)
    if "source" in frame.columns:
        sources = [str(s) for s in frame["source"].to_numpy(dtype=object, na_value=None).tolist() if s is not None]
        names = {s.strip().lower() for s in sources if 0 < len(s) <= 60}
        tails = arrow_strings(feats[ex.TAIL]).to_pylist()
        swapped = np.array([t is not None and t in names for t in tails], dtype=bool)
        if swapped.any():
            body = arrow_strings(feats[ex.BODY])
            keys = pc.if_else(pa.array(swapped), body, keys)
    return keys, swapped


def _node_figures(nodes: Nodes, feats: pd.DataFrame, keys: pa.Array, swapped: np.ndarray) -> np.ndarray:
    """Figure sets per node: a complete member's (a node is cut off only when all members are)."""
    per = np.stack([feats[ex.FIG0].to_numpy(np.int64), feats[ex.FIG1].to_numpy(np.int64)], axis=1).view(np.uint64)
    if swapped.any():
        rows = np.flatnonzero(swapped)
        per[rows] = number_masks(keys.take(pa.array(rows)).to_pylist(), nodes.cut[rows])
    out = np.zeros((nodes.n_nodes, 2), dtype=np.uint64)
    # Cut-off members first, complete members last: a complete member's sets win.
    order = np.argsort(~nodes.cut, kind="stable")
    out[nodes.node[order]] = per[order]
    return out


def _node_signatures(
    nodes: Nodes, feats: pd.DataFrame, swapped: np.ndarray, params: DedupParams
) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures and shingle counts per distinct key, from the extract half where it has them."""
    sig = np.zeros((nodes.n_keys, params.num_perm), dtype=np.uint32)
    have = np.zeros(nodes.n_keys, dtype=bool)
    blobs = feats[ex.SIG].to_numpy(dtype=object) if ex.SIG in feats.columns else np.full(len(feats), None)
    has_sig = np.array([b is not None for b in blobs.tolist()], dtype=bool)
    rows = np.flatnonzero(has_sig & ~swapped & (nodes.node < nodes.n_keys))
    _, first = np.unique(nodes.node[rows], return_index=True)  # per node, its first row with a signature
    rows = rows[first]
    if len(rows):
        sig[nodes.node[rows]] = np.frombuffer(b"".join(blobs[rows].tolist()), dtype=np.uint32).reshape(len(rows), -1)
        have[nodes.node[rows]] = True
    missing = np.flatnonzero(~have)
    if len(missing):  # keys that only a collection's source list produced
        sig[missing], _ = minhash.signatures(
            nodes.uniq.take(pa.array(missing)), num_perm=params.num_perm, k=params.shingle, seed=params.seed
        )
    counts = minhash.shingle_counts(nodes.uniq, params.shingle)
    return sig, counts


def _snippet_columns(frame: pd.DataFrame, nodes: Nodes, state: Clustering, keys: pa.Array) -> pd.DataFrame:
    """The snippet columns: each snippet's cluster, representative flag, similarity and match kind."""
    position = np.arange(len(frame))
    cluster_of = state.rep[nodes.node]
    best = nodes.snippet_rep(cluster_of)
    is_rep = best == position
    sim = state.sim[nodes.node].copy()
    same_node = nodes.node == nodes.node[best]
    sim[same_node] = 1.0
    match = state.match[nodes.node].copy()
    match[same_node & ~is_rep] = "exact"
    match[is_rep] = None
    match[match == ""] = "exact"
    is_na = np.asarray(frame["text"].isna().to_numpy(), dtype=bool)
    sim[is_na] = np.nan
    sim = np.round(sim, 4)
    rep_ids = _id_strings(frame).take(pa.array(best))
    none = pa.scalar(None, pa.large_string())
    return pd.DataFrame(
        {
            "cluster_id": string_array(pc.binary_join_element_wise(_C, rep_ids, _EMPTY)),
            "representative": pd.arrays.BooleanArray(is_rep, np.zeros(len(is_rep), dtype=bool)),
            "duplicate_of": string_array(pc.if_else(pa.array(is_rep), none, rep_ids)),
            "similarity": _floats(sim),  # missing for missing text
            "match": _strings(match),
        },
        index=frame.index,
    )


_C = pa.scalar("c:", pa.large_string())
_EMPTY = pa.scalar("", pa.large_string())


def _id_strings(frame: pd.DataFrame) -> pa.Array:
    """The snippet ids as one Arrow ``large_string`` array, what ``index.astype(str)`` holds
    (zero copy from the snippet frame's Arrow index: no Python string per snippet)."""
    index = frame.index
    if isinstance(index.array, pd.arrays.ArrowStringArray) and not index.hasnans:
        return arrow_strings(pd.Series(index.array))
    return pa.array(index.astype(str).to_numpy(dtype=object).tolist(), type=pa.large_string())


def _strings(values: list[str] | np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Python strings (None: missing) as a pandas ``string`` array, straight from Arrow (what
    ``pd.array(values, dtype="string")`` makes, without its per-value checks)."""
    return string_array(pa.array(values, type=pa.large_string()))


def _floats(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Floats as a ``Float64`` array, NaN missing (what ``pd.array(values, dtype="Float64")`` makes)."""
    return pd.arrays.FloatingArray(values, np.isnan(values))


def _int64(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Counts as an ``Int64`` array (none missing)."""
    return pd.arrays.IntegerArray(values.astype(np.int64), np.zeros(len(values), dtype=bool))


def _sources(frame: pd.DataFrame) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """Each snippet's outlet, trimmed and lower-cased (missing when unknown)."""
    if "source" not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    values = frame["source"].array
    if isinstance(values, pd.arrays.ArrowStringArray):  # what .str.strip().str.lower() runs, minus pandas' overhead
        return string_array(pc.utf8_lower(pc.utf8_trim_whitespace(arrow_strings(pd.Series(values)))))
    return frame["source"].astype("string").str.strip().str.lower().to_numpy(dtype=object, na_value=None)


def _published(pub: np.ndarray) -> pd.Series:
    ts = pd.to_datetime(np.where(pub == NAT, np.iinfo(np.int64).min, pub), utc=True)
    return pd.Series(ts).where(pub != NAT)


class _Groups:
    """Per-group reductions over rows labelled by group, groups numbered by first appearance.

    What ``DataFrame.groupby(label, sort=False)`` gives, for the few reductions the summary tables
    need, in NumPy: a groupby builds a frame and an index per call (~5 ms even for two rows, most
    of a two-snippet run), these cost a few array passes at any size.
    """

    def __init__(self, labels: np.ndarray | pd.api.extensions.ExtensionArray):
        codes, uniques = pd.factorize(labels, sort=False)
        self.codes = np.asarray(codes, dtype=np.int64)
        self.labels = np.asarray(uniques, dtype=object)
        self.n = len(uniques)

    def size(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=self.n)

    def first(self, values: np.ndarray) -> np.ndarray:
        """Each group's value on its first row."""
        _, first_row = np.unique(self.codes, return_index=True)  # every group 0..n-1 has a row
        return values[first_row]

    def distinct(self, values: np.ndarray | pd.api.extensions.ExtensionArray) -> pd.api.extensions.ExtensionArray:
        """Distinct non-missing values per group (``Int64``; missing where a group has none)."""
        found, _ = pd.factorize(values, sort=False)
        found = np.asarray(found, dtype=np.int64)
        valid = found >= 0
        codes = self.codes[valid]
        width = int(found.max(initial=0)) + 1
        distinct = np.bincount(np.unique(codes * width + found[valid]) // width, minlength=self.n)
        return pd.arrays.IntegerArray(distinct.astype(np.int64), np.bincount(codes, minlength=self.n) == 0)

    def time_range(self, ns: np.ndarray) -> tuple[pd.api.extensions.ExtensionArray, pd.api.extensions.ExtensionArray]:
        """Earliest and latest of int64 nanoseconds (:data:`NAT` missing) per group, missing ignored."""
        low = np.full(self.n, NAT, dtype=np.int64)
        np.minimum.at(low, self.codes, ns)
        high = np.full(self.n, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(high, self.codes, np.where(ns == NAT, np.iinfo(np.int64).min, ns))
        low[low == NAT] = np.iinfo(np.int64).min
        return _utc(low), _utc(high)

    def fmin(self, values: np.ndarray) -> np.ndarray:
        """Least non-NaN value per group (NaN for none)."""
        out = np.full(self.n, np.nan)
        np.fmin.at(out, self.codes, values)
        return out


_UTC = pd.DatetimeTZDtype("ns", "UTC")


def _utc(ns: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """int64 nanoseconds (int64 min: missing) as a ``datetime64[ns, UTC]`` array."""
    return pd.array(ns.view("datetime64[ns]"), dtype=_UTC)


def clusters_table(frame: pd.DataFrame, columns: pd.DataFrame, pub: np.ndarray, level: str) -> pd.DataFrame:
    """One row per cluster (singletons included): size, sources, first and last publication.

    Clusters in order of their first snippet; see :class:`_Groups`.
    """
    groups = _Groups(columns["cluster_id"].array)
    is_rep = columns["representative"].to_numpy(dtype=bool)
    rep_ids = np.full(groups.n, None, dtype=object)
    rep_ids[groups.codes[is_rep]] = frame.index[is_rep].astype(str).to_numpy(dtype=object)
    first, last = groups.time_range(pub)
    sim = columns["similarity"].to_numpy(dtype="float64", na_value=np.nan)
    return pd.DataFrame(
        {
            "cluster_id": _strings(groups.labels),
            "size": _int64(groups.size()),
            "representative_id": _strings(rep_ids),
            "n_sources": groups.distinct(_sources(frame)),
            "first_published": first,
            "last_published": last,
            "snippet_id": _strings(rep_ids),
            "min_similarity": _floats(groups.fmin(sim)),
            "level": _strings([level] * groups.n),
        }
    )


# --- stories -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryParams:
    """Parameters of the ``stories`` analysis.

    :param method: ``lexical`` (the default: TF-IDF over content words and names, no extra, runs
        by default), ``embeddings`` (sentence embeddings joined with distinctive words; needs the
        extra) or ``auto`` (embeddings when installed, else lexical).
    :param threshold: least average similarity between the units of two groups for them to merge
        with the ``embeddings`` method (0.28 was chosen on one half of the UCI story clusters), or
        the cosine to a story's centroid with ``grouping="single_pass"`` (about 0.45 suits).
    :param lexical_threshold: the same for the ``lexical`` method: least mean TF-IDF cosine between
        the units of two groups (0.06, with 10 links per unit, chosen on one half of the UCI stories).
    :param block_cap: lexical: a term held by more units than this links nobody by itself.
    :param grouping: ``average`` (average-linkage over candidate links) or ``single_pass``
        (embeddings only).
    :param word_weight: embeddings: share of the similarity given to shared distinctive words.
    :param neighbours: embeddings: candidate links kept per unit.
    :param lexical_neighbours: lexical: candidate links kept per unit (its best ones).
    :param min_words: units with fewer words stay stories of their own.
    :param model: as dedup's ``model``: a registered encoder, a local directory, or "" (bundled).
    :param device: as dedup's ``device``.
    :param exact_neighbours_limit: embeddings: all pairs compared up to this many units, else an IVF index.
    :param seed: seed of the neighbour index.
    """

    method: Literal["auto", "embeddings", "lexical"] = "lexical"
    threshold: float = 0.28
    lexical_threshold: float = 0.06
    lexical_neighbours: int = 10
    block_cap: int = 300
    grouping: Literal["average", "single_pass"] = "average"
    word_weight: float = 0.3
    neighbours: int = 20
    min_words: int = 3
    model: str = ""
    device: str = "auto"
    exact_neighbours_limit: int = 20_000
    seed: int = 1


def stories_extract(frame: pd.DataFrame, params: StoryParams, context: Context) -> Output:
    """Per snippet: the normalised key, cut-off flag and word count, and the story terms."""
    text = frame["text"] if len(frame) else pd.Series([], dtype="string", index=frame.index)
    norm = normalise(text)
    cols = pd.DataFrame(
        {
            ex.KEY: string_array(norm.keys),
            ex.CUT: norm.cut_off,
            ex.TERMS: ex.terms_column(text).to_numpy(dtype=object),
        },
        index=frame.index,
    )
    cols[ex.TERMS] = cols[ex.TERMS].astype("string")
    return Output(columns=cols)


def stories_combine(frame: pd.DataFrame, params: StoryParams, context: Context, extracted: Output) -> Output:
    """Group snippets into stories; see :class:`StoryParams`."""
    if len(frame) == 0:
        cols = empty_table(STORY_COLUMNS).set_axis(frame.index[:0]).reindex(frame.index)
        return Output(columns=cols, tables={"stories": empty_table(STORIES_COLUMNS)})
    feats = _aligned(extracted.columns, frame.index)
    method = _story_method(params)
    keys = pa.array(feats[ex.KEY].astype("string").to_numpy(dtype=object, na_value=None).tolist(), pa.large_string())
    words = word_counts(keys)
    cut = feats[ex.CUT].to_numpy(dtype=bool)
    rule = (published_ns(frame), cut, -words, id_ranks(frame))
    unit, unit_rep = _story_units(frame, keys, words, rule)
    size = np.bincount(unit, minlength=len(unit_rep))
    eligible = np.flatnonzero(words[unit_rep] >= params.min_words)
    context.progress(0.2)
    root = np.arange(len(unit_rep), dtype=np.int64)
    if len(eligible) >= 2:
        if method == "embeddings":
            texts = frame["text"].astype("string").to_numpy(dtype=object, na_value=None)
            sub = _embedding_stories(
                [str(texts[unit_rep[u]]) for u in eligible.tolist()],
                keys.take(pa.array(unit_rep[eligible])).to_pylist(),
                size[eligible],
                rule[0][unit_rep[eligible]],
                params,
            )
        else:
            terms = feats[ex.TERMS].astype("string").to_numpy(dtype=object, na_value=None)
            lists = [(terms[unit_rep[u]] or "").split() for u in eligible.tolist()]
            sub = lexical_stories(
                lists, size[eligible], params.lexical_threshold, params.block_cap, params.lexical_neighbours
            )
        root[eligible] = eligible[sub]
    context.progress(0.9)
    story = root[unit]
    rep = pick_first(story, *rule)
    ids = frame.index.astype(str).to_numpy(dtype=object)
    story_ids = np.array(["s:" + r for r in ids[rep].tolist()], dtype=object)
    cols = pd.DataFrame({"story_id": _strings(story_ids)}, index=frame.index)
    table = stories_table(frame, story_ids, ids[rep], unit, rule[0], method)
    context.progress(1.0)
    return Output(columns=cols, tables={"stories": table})


def stories(frame: pd.DataFrame, params: StoryParams, context: Context) -> Output:
    """``stories`` in one piece: :func:`stories_combine` over :func:`stories_extract` of the whole frame."""
    return stories_combine(frame, params, context, stories_extract(frame, params, context))


def _story_method(params: StoryParams) -> str:
    if params.method != "auto":
        return params.method
    try:
        from toolkit_dedup.embeddings import get_encoder

        get_encoder(params.model, params.device)
        return "embeddings"
    except ImportError:
        return "lexical"


def _story_units(
    frame: pd.DataFrame, keys: pa.Array, words: np.ndarray, rule: tuple[np.ndarray, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Units (dedup clusters when dedup ran, else distinct keys; a snippet without words alone),
    numbered by their representative snippet's id rank so the numbering never depends on row order.

    Returns each snippet's unit and each unit's representative snippet.
    """
    if "cluster_id" in frame.columns:
        labels = frame["cluster_id"].astype("string").fillna("\x00na").to_numpy(dtype=object)
    else:
        labels = np.asarray(keys.to_pylist(), dtype=object)
    codes, _ = pd.factorize(pd.Series(labels, dtype=object), sort=False)
    codes = np.asarray(codes, dtype=np.int64)
    solo = np.flatnonzero(words == 0)
    n_units = int(codes.max()) + 1
    codes[solo] = n_units + np.arange(len(solo))
    best = pick_first(codes, *rule)
    # Renumber units by their representative's id rank (content, not position).
    rep_rank = rule[-1][best]
    unit_rank = np.full(int(codes.max()) + 1, -1, dtype=np.int64)
    unit_rank[codes] = rep_rank
    present = np.flatnonzero(unit_rank >= 0)
    order = present[np.argsort(unit_rank[present], kind="stable")]
    new_code = np.empty(len(unit_rank), dtype=np.int64)
    new_code[order] = np.arange(len(order))
    unit = new_code[codes]
    unit_rep = np.empty(len(order), dtype=np.int64)
    unit_rep[unit] = best
    return unit, unit_rep


def _embedding_stories(
    texts: list[str], keys: list[str], size: np.ndarray, pub: np.ndarray, params: StoryParams
) -> np.ndarray:
    """Average-linkage (or single-pass) stories over embeddings joined with distinctive words."""
    from toolkit_dedup.embeddings import embed

    vecs = embed(texts, params.model, device=params.device)
    if params.grouping == "single_pass":
        # Stories are followed in publication order (then by unit, i.e. by snippet id).
        order = np.lexsort((np.arange(len(texts)), pub))
        first = single_pass(vecs[order], params.threshold, size[order])
        centre = np.empty(len(texts), dtype=np.int64)
        centre[order] = order[first]
        return centre
    w = min(max(params.word_weight, 0.0), 1.0)
    a, b, sim = neighbour_pairs(vecs, params.neighbours, params.exact_neighbours_limit, params.seed)
    x = vecs.astype(np.float32)
    if w > 0:
        bags = word_vectors(keys)
        x = np.hstack([np.sqrt(1.0 - w) * x, np.sqrt(w) * bags]).astype(np.float32)
        sim = (1.0 - w) * sim + w * np.einsum("ij,ij->i", bags[a], bags[b])
    return average_linkage(x, a, b, sim, params.threshold, size)


def stories_table(
    frame: pd.DataFrame, story_ids: np.ndarray, rep_ids: np.ndarray, unit: np.ndarray, pub: np.ndarray, method: str
) -> pd.DataFrame:
    """One row per story: size, representative, dedup clusters, sources, first and last publication.

    Stories in order of their first snippet; see :class:`_Groups`.
    """
    groups = _Groups(story_ids)
    first, last = groups.time_range(pub)
    reps = _strings(groups.first(rep_ids))
    return pd.DataFrame(
        {
            "story_id": _strings(groups.labels),
            "size": _int64(groups.size()),
            "representative_id": reps,
            "n_clusters": groups.distinct(unit),
            "n_sources": groups.distinct(_sources(frame)),
            "first_published": first,
            "last_published": last,
            "snippet_id": reps,
            "method": _strings([method] * groups.n),
        }
    )
