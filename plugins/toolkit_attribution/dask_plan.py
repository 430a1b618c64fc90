"""Attribution's distributed plan (``AnalysisSpec.combine_dask``).

The pandas ``combine`` (:func:`toolkit_attribution.analysis.combine_claims`) names every speaker
across the collection. The plan runs the very same rules, stage by stage, over groups of snippets
instead of the whole collection, and takes every collection-wide decision on small tables keyed by
names (:mod:`toolkit_attribution.name_tables`):

1. per partition (``extract`` already gave its claims and acronyms, aligned with its snippets): the
   facts read from *all* the text (:class:`~toolkit_attribution.canonical.CollectionFacts`) and the
   acronym votes — summed by a tree reduction;
2. the rows the rules read (a claim's snippet, every snippet of its article and of its dedup
   cluster) by a semi-join on the articles and clusters as graph nodes (:func:`_nodes_at_home`:
   shuffles, nothing broadcast), each row labelled with its **group**: the connected component of
   the articles and clusters its snippets share (union-find over the (article, cluster) edge table,
   one task; empty without dedup cluster ids); a claim's snippet with neither is a group of its own.
   Every rule that reads beyond a snippet reads its article or its cluster, so a group holds
   everything its claims' rules read;
3. the rows and the claims shuffled by group into one partition per :data:`PARTS_PER_RESOLVER`
   snippet partitions (a partition then holds whole groups);
4. the six stages of :class:`~toolkit_attribution.canonical.Canonicaliser` per partition, each
   returning its share of the next name table; the shares are summed by a tree reduction (fan-in
   :data:`FANIN`) and decided once (which partial name links to which full name, ambiguous
   surnames stay apart, which body a description stands for, each key's written form, genders, the
   first group of each key), the decision broadcast to the next stage. A share is keyed by names:
   its size grows with the collection's distinct names (a few small entries per name), not with
   its snippets;
5. the ``speakers`` table by a shuffle of the claims on ``speaker_canonical``.

Order: where a rule takes "the first" in the pandas frame's order, the plan compares each
candidate's input position (``step.ranks``) and claim number; without ranks, snippet ids.

Each group's state (its canonicaliser and mentions) flows through its six stage tasks once, each
task continuing the previous one's object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from toolkit.dask_plan import SHUFFLE_METHOD, DaskOutput, DaskStep, collections_config, shuffle_by
from toolkit.tables import empty_table, iter_texts, snippet_ids
from toolkit_attribution.analysis import (
    ACRONYM_COLUMNS,
    EXTRACTED_COLUMNS,
    AttributionParams,
    canonicaliser_for,
    lexicon_for,
    named_claims,
    speakers_table,
)
from toolkit_attribution.canonical import Canonicaliser, CollectionFacts, Mention
from toolkit_attribution.name_tables import (
    AcronymVotes,
    FullNames,
    PeopleTables,
    PronounFacts,
    SpeakerAcronyms,
    decide_descriptions,
    decide_forms,
    decide_people,
    merge_counts,
)
from toolkit_attribution.schema import CLAIMS_COLUMNS, SPEAKERS_COLUMNS

#: Snippet columns the resolution reads.
FRAME_COLUMNS = ("text", "url", "cluster_id", "source")
SOURCE = "_source"  # the claim's outlet, carried to the speakers step
RANK = "_rank"  # a snippet's input position (its id without ranks)
CLAIM = "_claim"  # the claim's number among its snippet's claims
GROUP = "_group"  # the group of snippets (articles and clusters they share) a row belongs to
NODE, SID, HOME, CLAIMED = "node", "sid", "home", "claimed"  # a snippet's article / cluster as a graph node
#: How many shares one reduction task sums.
FANIN = 8
#: The resolution runs on one partition per this many snippet partitions: it holds only the claims
#: and the rows their rules read (on news about a fifth of the snippets), so its partitions stay
#: about as large as the snippets' while the stages and shuffles need a quarter of the tasks.
PARTS_PER_RESOLVER = 4

T = TypeVar("T")


@dataclass
class Scope:
    """The partitions' shares of step 1, summed: the collection facts and the acronym votes."""

    facts: CollectionFacts
    acronyms: AcronymVotes

    @classmethod
    def merge(cls, parts: Iterable[Scope]) -> Scope:
        shares = list(parts)
        return cls(
            CollectionFacts.merge([p.facts for p in shares]),
            AcronymVotes.merge(p.acronyms for p in shares),
        )


@dataclass
class Group:
    """A partition's groups of snippets on their way through the stages."""

    canon: Canonicaliser | None
    mentions: list[Mention]
    found: pd.DataFrame  # the claims, in the collection's order, with RANK and CLAIM
    sources: dict[str, str]


def attribution_plan(step: DaskStep) -> DaskOutput:
    """The distributed attribution (see the module docstring)."""
    import dask
    import dask.dataframe as dd

    params: AttributionParams = step.params
    snippets = step.snippets
    frame = snippets[[c for c in FRAME_COLUMNS if c in snippets.columns]]
    parts = frame.to_delayed()
    found_parts = _parts(step.extracted.get("_claims"), EXTRACTED_COLUMNS, len(parts))
    acronym_parts = _parts(step.extracted.get("_acronyms"), ACRONYM_COLUMNS, len(parts))
    ranked = step.ranks is not None
    rank_parts = step.ranks.to_delayed() if ranked else [None] * len(parts)
    delayed = dask.delayed
    shares = [
        delayed(_partition_scope)(p, r, f, a, params)
        for p, r, f, a in zip(parts, rank_parts, found_parts, acronym_parts, strict=True)
    ]
    scope = tree_reduce(shares, Scope.merge)
    homes = _nodes_at_home(parts, found_parts, params, len(parts))
    groups = delayed(_components)([delayed(_edges)(h) for h in homes])
    rows = [
        delayed(_label_rows)(p, r, f, h, groups)
        for p, r, f, h in zip(parts, rank_parts, found_parts, homes, strict=True)
    ]
    claims = [delayed(_label_claims)(f, r) for f, r in zip(found_parts, rows, strict=True)]
    rank_dtype = "int64" if ranked else "object"
    rows_meta = frame._meta.assign(**{RANK: pd.Series(dtype=rank_dtype), GROUP: pd.Series(dtype=object)})
    claims_meta = empty_table(EXTRACTED_COLUMNS).assign(
        **{GROUP: pd.Series(dtype=object), RANK: pd.Series(dtype=rank_dtype), CLAIM: pd.Series(dtype="int64")}
    )
    with collections_config():
        rows_dd = dd.from_delayed(rows, meta=rows_meta, verify_meta=False)
        claims_dd = dd.from_delayed(claims, meta=claims_meta, verify_meta=False)
    resolving = -(-len(parts) // PARTS_PER_RESOLVER)
    by_group = zip(
        shuffle_by(rows_dd, GROUP, resolving).to_delayed(),
        shuffle_by(claims_dd, GROUP, resolving).to_delayed(),
        strict=True,
    )
    stage = delayed(_stage, nout=2)
    state, share = zip(*[delayed(_open_group, nout=2)(r, c, scope, params) for r, c in by_group], strict=True)
    decided: Any = delayed(_decide_acronyms)(tree_reduce(share, SpeakerAcronyms.merge), scope)
    state, share = zip(*[stage(s, "aliases", decided) for s in state], strict=True)
    decided = delayed(_decide_people)(tree_reduce(share, FullNames.merge), params)
    state, share = zip(*[stage(s, "people", decided) for s in state], strict=True)
    decided = delayed(decide_descriptions)(tree_reduce(share, merge_counts))
    state, share = zip(*[stage(s, "descriptions", decided) for s in state], strict=True)
    decided = delayed(decide_forms)(tree_reduce(share, merge_counts))
    state, share = zip(*[stage(s, "own_names", decided) for s in state], strict=True)
    decided = tree_reduce(share, PronounFacts.merge)
    named = [delayed(_close_group)(s, decided) for s in state]
    meta = _with_extras(empty_table(CLAIMS_COLUMNS), claims_meta)
    with collections_config():
        claims_out = dd.from_delayed(named, meta=meta, verify_meta=False)
    speakers = shuffle_by(claims_out, "speaker_canonical", resolving).map_partitions(
        _speakers_part, meta=empty_table(SPEAKERS_COLUMNS)
    )
    return DaskOutput(tables={"claims": claims_out.drop(columns=[SOURCE, RANK, CLAIM]), "speakers": speakers})


def tree_reduce(parts: Sequence[Any], merge: Callable[[list[T]], T]) -> Any:
    """One Delayed: ``merge`` over all of ``parts`` (Delayed shares), at most :data:`FANIN` at a time."""
    import dask

    level = list(parts)
    if not level:
        return dask.delayed(merge)([])
    while len(level) > 1:
        level = [dask.delayed(merge)(level[i : i + FANIN]) for i in range(0, len(level), FANIN)]
    return level[0]


def _parts(table: Any, columns: dict[str, str], n: int) -> list[Any]:
    """The per-partition pieces of an ``extract`` table (aligned with the snippets' partitions)."""
    import dask

    if table is None:  # extract made no such table (never with this plugin's extract)
        return [dask.delayed(empty_table)(columns) for _ in range(n)]
    pieces = table.to_delayed()
    if len(pieces) != n:
        raise ValueError(f"attribution: {len(pieces)} partitions of extracted rows for {n} partitions of snippets")
    return list(pieces)


def _positions(part: pd.DataFrame, rank: pd.Series | None) -> list[Any]:
    """Each snippet's place in the collection's order: its input position, else its id."""
    if rank is None:
        return snippet_ids(part)
    return rank.reindex(part.index).tolist()


def _partition_scope(
    part: pd.DataFrame, rank: pd.Series | None, found: pd.DataFrame, acronyms: pd.DataFrame, params: AttributionParams
) -> Scope:
    """One partition's share: its collection facts, its acronym votes, the urls / clusters of its
    claims' snippets."""
    ids = snippet_ids(part)
    position = dict(zip(ids, _positions(part, rank), strict=True))
    votes = AcronymVotes()
    seen: dict[str, int] = {}
    for sid, acr, exp in zip(
        acronyms["snippet_id"].astype(str).tolist(),
        acronyms["acronym"].tolist(),
        acronyms["expansion"].tolist(),
        strict=True,
    ):
        j = seen[sid] = seen.get(sid, -1) + 1  # the acronym's place among its snippet's
        votes.add(acr, exp, (_position(position, sid), j))
    texts = [text for _, text in iter_texts(part)]
    return Scope(CollectionFacts.of(texts, lexicon_for(params)), votes)


def _position(position: dict[str, Any], sid: str) -> Any:
    if sid not in position:
        raise ValueError(f"attribution: extracted rows of snippet {sid!r} are not in its snippet's partition")
    return position[sid]


def _nodes_at_home(parts: list[Any], found_parts: list[Any], params: AttributionParams, n: int) -> list[Any]:
    """For each snippet partition, the articles and clusters its snippets are in that some claim's
    rules read (a claim's snippet is in them): ``(NODE, SID)`` rows, one per snippet and node.

    A semi-join on the nodes, by two shuffles: every snippet's nodes (``u:<url>``, ``c:<cluster
    id>``) with whether the snippet has a claim, shuffled by node (a partition then holds every row
    of its nodes) and kept where one row has a claim; then each row sent back to the partition its
    snippet lives in (``HOME``).
    Nothing of it is broadcast, and no task holds more than a partition's worth of nodes."""
    import dask
    import dask.dataframe as dd

    pieces = [
        dask.delayed(_snippet_nodes)(p, f, home, params)
        for home, (p, f) in enumerate(zip(parts, found_parts, strict=True))
    ]
    with collections_config():
        nodes = dd.from_delayed(pieces, meta=_snippet_nodes(pd.DataFrame(), None, 0, params), verify_meta=False)
        kept = shuffle_by(nodes, NODE, n).map_partitions(_wanted_nodes, meta=nodes._meta[[NODE, SID, HOME]])
        home = kept.set_index(HOME, divisions=[*range(n), n - 1], shuffle_method=SHUFFLE_METHOD)
    return list(home.to_delayed())


def _wanted_nodes(nodes: pd.DataFrame) -> pd.DataFrame:
    """The rows of the nodes some claim's snippet is in (a partition holds every row of its nodes)."""
    wanted = set(nodes.loc[nodes[CLAIMED].to_numpy(dtype=bool), NODE].tolist())
    return nodes.loc[nodes[NODE].isin(wanted).to_numpy(dtype=bool), [NODE, SID, HOME]]


def _snippet_nodes(
    part: pd.DataFrame, found: pd.DataFrame | None, home: int, params: AttributionParams
) -> pd.DataFrame:
    """A partition's snippets' articles and clusters as graph nodes, each with whether the snippet
    has a claim (an article is a non-blank ``url``, read only when pronouns are resolved)."""
    ids = snippet_ids(part) if len(part.columns) else []
    claimed = set(found["snippet_id"].astype(str).tolist()) if found is not None else set()
    nodes: list[str] = []
    sids: list[str] = []
    if params.resolve_pronouns and "url" in part.columns:
        for sid, v in zip(ids, part["url"].tolist(), strict=True):
            if not pd.isna(v) and str(v).strip():
                nodes.append(f"u:{v}")
                sids.append(sid)
    if "cluster_id" in part.columns:
        for sid, v in zip(ids, part["cluster_id"].tolist(), strict=True):
            if not pd.isna(v):
                nodes.append(f"c:{v}")
                sids.append(sid)
    return pd.DataFrame(
        {
            NODE: pd.Series(nodes, dtype=object),
            SID: pd.Series(sids, dtype=object),
            HOME: pd.Series([home] * len(nodes), dtype="int64"),
            CLAIMED: pd.Series([s in claimed for s in sids], dtype=bool),
        }
    )


def _edges(home: pd.DataFrame) -> set[tuple[str, str]]:
    """The (article, cluster) pairs a partition's snippets share: the edges between groups."""
    by_snippet: dict[str, list[str]] = {}
    for node, sid in zip(home[NODE].tolist(), home[SID].tolist(), strict=True):
        by_snippet.setdefault(sid, []).append(node)
    return {(min(ns), max(ns)) for ns in by_snippet.values() if len(ns) == 2}


def _components(edges: list[set[tuple[str, str]]]) -> dict[str, str]:
    """Every node of an edge -> its component's smallest node (union-find over the small edge table)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in sorted(set().union(*edges)):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: root(x) for x in parent}


def _label_rows(
    part: pd.DataFrame, rank: pd.Series | None, found: pd.DataFrame, home: pd.DataFrame, groups: dict[str, str]
) -> pd.DataFrame:
    """The rows of a partition the resolution reads (a claim's snippet, or one of its articles or
    clusters), with their places in the collection's order (``RANK``) and their group: the component
    of their articles and clusters, else their own."""
    label = {sid: groups.get(node, node) for node, sid in zip(home[NODE].tolist(), home[SID].tolist(), strict=True)}
    ids = snippet_ids(part)
    for sid in set(found["snippet_id"].astype(str).tolist()):
        label.setdefault(sid, f"s:{sid}")
    keep = [i in label for i in ids]
    rows = part.assign(**{RANK: _positions(part, rank)})[np.asarray(keep, dtype=bool)]
    return rows.assign(
        **{GROUP: pd.Series([label[i] for i, k in zip(ids, keep, strict=True) if k], index=rows.index, dtype=object)}
    )


def _label_claims(found: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The claims with their snippet's group and place in the collection's order."""
    sids = found["snippet_id"].astype(str).tolist()
    ids = snippet_ids(rows)
    group = dict(zip(ids, rows[GROUP].tolist(), strict=True))
    position = dict(zip(ids, rows[RANK].tolist(), strict=True))
    return found.assign(
        **{
            GROUP: pd.Series([_position(group, s) for s in sids], index=found.index, dtype=object),
            RANK: pd.Series([position[s] for s in sids], index=found.index, dtype=rows[RANK].dtype),
            CLAIM: pd.Series([_claim_number(c) for c in found["claim_id"].tolist()], index=found.index, dtype="int64"),
        }
    )


def _claim_number(claim_id: str) -> int:
    """``'s1:c3'`` -> 3: the claim's place among its snippet's claims."""
    return int(str(claim_id).rsplit(":c", 1)[-1])


def _open_group(
    rows: pd.DataFrame, claims: pd.DataFrame, scope: Scope, params: AttributionParams
) -> tuple[Group, SpeakerAcronyms]:
    """A partition of whole groups: its rows and claims in the collection's order, and stage 1."""
    rows = rows.sort_values(RANK, kind="stable")
    found = claims.sort_values([RANK, CLAIM], kind="stable").reset_index(drop=True)
    frame = rows.drop(columns=[RANK, GROUP])
    sources = {}
    if "source" in frame.columns:
        col = frame["source"]
        col = col[col.notna()]
        sources = dict(zip(snippet_ids(col.to_frame()), col.astype(str).tolist(), strict=True))
    if len(found) == 0:
        return Group(None, [], found, sources), SpeakerAcronyms()
    canon, mentions = canonicaliser_for(found, frame, params, scope.facts)
    for m, r, c in zip(mentions, found[RANK].tolist(), found[CLAIM].tolist(), strict=True):
        m.order = (r, c)
    return Group(canon, mentions, found, sources), canon.stage_classify(mentions)


def _decide_acronyms(spelled: SpeakerAcronyms, scope: Scope) -> tuple[dict[str, str], dict[str, str]]:
    return spelled.decide(scope.acronyms.decide())


def _decide_people(names: FullNames, params: AttributionParams) -> PeopleTables:
    return decide_people(names, lexicon_for(params))


_EMPTY_SHARES: dict[str, Callable[[], Any]] = {
    "aliases": FullNames,
    "people": dict,
    "descriptions": dict,
    "own_names": PronounFacts,
}


def _stage(group: Group, stage: str, decided: Any) -> tuple[Group, Any]:
    """One stage of the resolution over a partition's groups, given the previous decision."""
    canon, mentions = group.canon, group.mentions
    if canon is None:
        return group, _EMPTY_SHARES[stage]()
    if stage == "aliases":
        return group, canon.stage_aliases(mentions, *decided)
    if stage == "people":
        return group, canon.stage_people(mentions, decided)
    if stage == "descriptions":
        return group, canon.stage_descriptions(mentions, decided)
    return group, canon.stage_own_names(mentions, decided)


def _close_group(group: Group, facts: PronounFacts) -> pd.DataFrame:
    """Stage 6 and the group's claims table, with each claim's outlet and place for the speakers."""
    if group.canon is None:
        return _with_extras(empty_table(CLAIMS_COLUMNS), group.found)
    group.canon.stage_pronouns(group.mentions, facts)
    claims = named_claims(group.found, group.mentions)
    return _with_extras(claims, group.found, [group.sources.get(s) for s in claims["snippet_id"].astype(str).tolist()])


def _with_extras(claims: pd.DataFrame, found: pd.DataFrame, sources: list[str | None] | None = None) -> pd.DataFrame:
    out = claims.copy()
    out[SOURCE] = pd.array(sources if sources is not None else [None] * len(out), dtype="string")
    out[RANK] = found[RANK].to_numpy()[: len(out)] if len(out) else found[RANK].iloc[:0].to_numpy()
    out[CLAIM] = pd.array(found[CLAIM].to_numpy()[: len(out)], dtype="int64")
    return out


def _speakers_part(part: pd.DataFrame) -> pd.DataFrame:
    """The speakers of one partition of claims shuffled by canonical name (whole speakers), read in
    the collection's order (the first snippet of a speaker is the pandas one)."""
    part = part.sort_values([RANK, CLAIM], kind="stable")
    col = part[[SOURCE]].assign(snippet_id=part["snippet_id"].astype(str))
    col = col[col[SOURCE].notna()]
    sources = dict(zip(col["snippet_id"].tolist(), col[SOURCE].astype(str).tolist(), strict=True))
    return speakers_table(part.drop(columns=[SOURCE, RANK, CLAIM]), sources)
