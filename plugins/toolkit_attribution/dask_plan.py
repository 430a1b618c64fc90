"""Attribution's distributed plan (``AnalysisSpec.combine_dask``).

The pandas ``combine`` (:func:`toolkit_attribution.analysis.combine_claims`) names every speaker
across the collection. What it reads, and how the plan gets each without the snippets in one place:

1. the claims, per partition: ``extract`` already ran there (``step.extracted["_claims"]`` and
   ``["_acronyms"]``, no snippet text in them);
2. the two facts read from *all* the text (the words written in lower case somewhere, the counts
   of the alias table's context words): :class:`~toolkit_attribution.canonical.CollectionFacts`
   per partition, summed into one small object;
3. the texts the rules read for particular snippets: those of the claims, of every snippet of their
   articles (same ``url``: a pronoun or a bare surname looks back in its article, frame order) and
   of their dedup clusters. Each partition keeps only those rows (ids of the claims' snippets and
   their urls / clusters broadcast to it); snippets of no claim's article or cluster never leave
   their partition;
4. :func:`~toolkit_attribution.analysis.resolve_claims` — the very function the pandas run calls —
   over those rows in one task: the ``claims`` table;
5. the ``speakers`` table by a shuffle of the claims on ``speaker_canonical``: each partition holds
   whole speakers, :func:`~toolkit_attribution.analysis.speakers_table` per partition.

Input order: an article is read in frame order. ``run_dask`` places snippets by id, so the plan
takes each snippet's input position from ``step.ranks`` when the framework gives it; without it,
articles are read in snippet-id order, the same as ``toolkit.run`` whenever the ids follow the
input order (numbered ids), different otherwise (GUM's ``…-s10`` before ``…-s2``).

Limit (measured and reported in the notes): step 4 is one task, holding the claims and the texts of
the snippets they need; on news that is the snippets with a report plus their article mates, not
the collection, but it still grows with it. The resolution's collection-wide merges (one person
across outlets, acronyms defined elsewhere) are not yet split into per-key aggregations.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from toolkit.dask_plan import DaskOutput, DaskStep, as_delayed, gather_small, shuffle_by
from toolkit.tables import empty_table, iter_texts
from toolkit_attribution.analysis import (
    ACRONYM_COLUMNS,
    EXTRACTED_COLUMNS,
    AttributionParams,
    lexicon_for,
    resolve_claims,
    speakers_table,
)
from toolkit_attribution.canonical import CollectionFacts
from toolkit_attribution.schema import CLAIMS_COLUMNS, SPEAKERS_COLUMNS

#: Snippet columns the resolution reads.
FRAME_COLUMNS = ("text", "url", "cluster_id", "source")
SOURCE = "_source"  # the claim's outlet, carried to the speakers step
RANK = "_rank"  # a snippet's input position
ROW = "_row"  # the claim's position in the claims table (speakers keep the first snippet in that order)


def attribution_plan(step: DaskStep) -> DaskOutput:
    """The distributed attribution (see the module docstring)."""
    import dask
    import dask.dataframe as dd

    params: AttributionParams = step.params
    snippets = step.snippets
    frame = snippets[[c for c in FRAME_COLUMNS if c in snippets.columns]]
    found = step.extracted.get("_claims")
    acronyms = step.extracted.get("_acronyms")
    if found is None:  # extract made no claims table at all (never with this plugin's extract)
        found = dd.from_pandas(empty_table(EXTRACTED_COLUMNS), npartitions=1)
    if acronyms is None:
        acronyms = dd.from_pandas(empty_table(ACRONYM_COLUMNS), npartitions=1)
    claim_ids = as_delayed(found[["snippet_id"]])
    parts = frame.to_delayed()
    ranks = getattr(step, "ranks", None)  # each snippet's input position (the frame order of pandas)
    if ranks is None:
        # no input order from the framework: articles are read in snippet-id order (the same as
        # toolkit.run's whenever ids follow the input order, as numbered ids do; see the docstring)
        rank_parts: list[Any] = [None] * len(parts)
    else:
        rank_parts = ranks.to_delayed()
    facts = [dask.delayed(_partition_facts)(part, claim_ids, params) for part in parts]
    scope = dask.delayed(_merge_facts)(facts)
    needed = [
        dask.delayed(_needed_rows)(part, rank, claim_ids, scope) for part, rank in zip(parts, rank_parts, strict=True)
    ]
    resolved = dask.delayed(_resolve)(needed, scope, as_delayed(found), as_delayed(gather_small(acronyms)), params)
    meta = _with_extras(empty_table(CLAIMS_COLUMNS))
    claims = dd.from_delayed([resolved], meta=meta, verify_meta=False)
    speakers = shuffle_by(claims, "speaker_canonical", step.npartitions).map_partitions(
        _speakers_part, meta=empty_table(SPEAKERS_COLUMNS)
    )
    return DaskOutput(tables={"claims": claims.drop(columns=[SOURCE, ROW]), "speakers": speakers})


def _partition_facts(part: pd.DataFrame, claim_ids: pd.DataFrame, params: AttributionParams) -> dict[str, Any]:
    """One partition's share: its collection facts, and the urls / clusters of its claims' snippets."""
    ids = set(claim_ids["snippet_id"].astype(str).tolist())
    texts = [text for _, text in iter_texts(part)]
    mine = part[[str(i) in ids for i in part.index.tolist()]]
    urls: set[str] = set()
    if params.resolve_pronouns and "url" in mine.columns:
        urls = {u for u in mine["url"].dropna().astype(str).tolist() if u.strip()}
    clusters = set(mine["cluster_id"].dropna().astype(str).tolist()) if "cluster_id" in mine.columns else set()
    return {"facts": CollectionFacts.of(texts, lexicon_for(params)), "urls": urls, "clusters": clusters}


def _merge_facts(facts: list[dict[str, Any]]) -> dict[str, Any]:
    """The partitions' shares summed: one small object (facts, urls and clusters of the claims)."""
    return {
        "facts": CollectionFacts.merge([f["facts"] for f in facts]),
        "urls": set().union(*(f["urls"] for f in facts)),
        "clusters": set().union(*(f["clusters"] for f in facts)),
    }


def _needed_rows(
    part: pd.DataFrame, rank: pd.Series | None, claim_ids: pd.DataFrame, scope: dict[str, Any]
) -> pd.DataFrame:
    """The rows of a partition the resolution reads: a claim's snippet, or one of its articles or
    clusters; with their input positions (``RANK``) when the run knows them."""
    if rank is not None:
        part = part.assign(**{RANK: rank.reindex(part.index).to_numpy()})
    ids = set(claim_ids["snippet_id"].astype(str).tolist())
    keep = pd.Series([str(i) in ids for i in part.index.tolist()], index=part.index, dtype=bool)
    if "url" in part.columns and scope["urls"]:
        keep |= part["url"].astype("string").isin(scope["urls"]).fillna(False).astype(bool)
    if "cluster_id" in part.columns and scope["clusters"]:
        keep |= part["cluster_id"].astype("string").isin(scope["clusters"]).fillna(False).astype(bool)
    return part[keep.to_numpy()]


def _resolve(
    needed: list[pd.DataFrame],
    scope: dict[str, Any],
    found: pd.DataFrame,
    acronyms: pd.DataFrame,
    params: AttributionParams,
) -> pd.DataFrame:
    """The claims table (the pandas run's function over the rows it reads), with each claim's
    outlet and position for the speakers step."""
    frame = pd.concat(needed) if needed else pd.DataFrame({"text": pd.Series([], dtype="string")})
    frame = frame.sort_values(RANK, kind="stable") if RANK in frame.columns else frame.sort_index(kind="stable")
    position = {sid: k for k, sid in enumerate(frame.index.astype(str).tolist())}
    # the claims in the pandas run's order: by their snippet's input position, then as extracted
    order = sorted(
        range(len(found)),
        key=lambda r: (position.get(str(found["snippet_id"].iat[r]), -1), _claim_number(found["claim_id"].iat[r])),
    )
    found = found.iloc[order].reset_index(drop=True)
    frame = frame.drop(columns=[RANK], errors="ignore")
    claims = resolve_claims(found, acronyms, frame, params, scope["facts"])
    sources = {}
    if "source" in frame.columns:
        col = frame["source"]
        col = col[col.notna()]
        sources = dict(zip(col.index.astype(str).tolist(), col.astype(str).tolist(), strict=True))
    return _with_extras(claims, [sources.get(s) for s in claims["snippet_id"].astype(str).tolist()])


def _claim_number(claim_id: str) -> int:
    """``'s1:c3'`` -> 3: the claim's place among its snippet's claims."""
    return int(str(claim_id).rsplit(":c", 1)[-1])


def _with_extras(claims: pd.DataFrame, sources: list[str | None] | None = None) -> pd.DataFrame:
    out = claims.copy()
    out[SOURCE] = pd.array(sources if sources is not None else [None] * len(out), dtype="string")
    out[ROW] = pd.array(range(len(out)), dtype="int64")
    return out


def _speakers_part(part: pd.DataFrame) -> pd.DataFrame:
    """The speakers of one partition of claims shuffled by canonical name (whole speakers)."""
    part = part.sort_values(ROW, kind="stable")
    col = part[[SOURCE]].assign(snippet_id=part["snippet_id"].astype(str))
    col = col[col[SOURCE].notna()]
    sources = dict(zip(col["snippet_id"].tolist(), col[SOURCE].astype(str).tolist(), strict=True))
    return speakers_table(part.drop(columns=[SOURCE, ROW]), sources)
