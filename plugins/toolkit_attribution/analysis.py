"""The ``attribution`` analysis: its parameters and its two halves.

* :func:`extract_claims` — the per-snippet half (the regex work): every snippet's claims, with the
  speaker as written, and the acronyms the snippet defines ("the Korean Central News Agency
  (KCNA)"). Its rows for a snippet depend on that snippet alone, so it runs on any partition.
* :func:`combine_claims` — the collection half: one canonical name per speaker across the whole
  collection (an acronym defined in one snippet and used in another, a surname joining the full
  name another outlet printed, a pronoun opening a snippet naming the speaker of the snippet before
  it in the same article), then the ``speakers`` table.

:func:`extract_attributions` runs both on one frame (what ``toolkit.run`` does with one worker).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from toolkit import Context, Output
from toolkit.tables import empty_table, iter_texts, snippet_ids
from toolkit_attribution.canonical import Canonicaliser, CollectionFacts, Mention
from toolkit_attribution.extract import Claim, Extractor, acronyms_in
from toolkit_attribution.lexicon import Lexicon, build_lexicon
from toolkit_attribution.prefilter import cue_regions, may_claim
from toolkit_attribution.schema import CLAIMS_COLUMNS, SPEAKERS_COLUMNS

#: The columns of the private table ``extract`` hands to ``combine``: the claims without the
#: collection's canonical names, plus where a resolved pronoun's antecedent is in the snippet.
EXTRACTED_COLUMNS: dict[str, str] = {
    **{c: d for c, d in CLAIMS_COLUMNS.items() if c not in ("speaker_canonical", "speaker_type")},
    "antecedent_start": "Int64",
    "antecedent_end": "Int64",
}
ACRONYM_COLUMNS: dict[str, str] = {"snippet_id": "string", "acronym": "string", "expansion": "string"}


@dataclass(frozen=True)
class AttributionParams:
    """Parameters of the ``attribution`` analysis.

    :param cues: extra reporting verbs, base form (``"rebut"``, inflected for you) or
        ``"verb:frame"`` with frame ``clause`` (a bare clause may follow), ``that`` (only with
        'that', a quote or post-posed) or ``np`` (a noun-phrase object is the content).
    :param cues_file: a JSON file shaped like ``data/cues.json`` that replaces the shipped verbs.
    :param titles: extra title words stripped in front of names ("Hetman").
    :param aliases: extra aliases, each ``"alias=Canonical name"`` ("the spy agency=NIS").
    :param aliases_file: a JSON file shaped like ``data/aliases.json``, added to the table.
    :param replace_aliases: use only the user's aliases, not the shipped table.
    :param cognitive: also extract cognitive predicates (think, believe, found, show, ...).
    :param resolve_pronouns: give a pronoun speaker (he / she / it / they) the canonical name of
        the speaker or name it refers to in the snippet, or, for a pronoun opening a sentence, in
        the snippets just before it from the same article (same ``url``, frame order). The
        ``speaker`` column keeps the pronoun as written either way.
    :param min_confidence: drop claims below this confidence.
    """

    cues: tuple[str, ...] = ()
    cues_file: str = ""
    titles: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    aliases_file: str = ""
    replace_aliases: bool = False
    cognitive: bool = True
    resolve_pronouns: bool = True
    min_confidence: float = 0.0


def lexicon_for(params: AttributionParams) -> Lexicon:
    """The (cached, shared, read-only) lexicon the parameters ask for."""
    return build_lexicon(
        cues=tuple(params.cues),
        cues_file=params.cues_file,
        titles=tuple(params.titles),
        aliases=tuple(params.aliases),
        aliases_file=params.aliases_file,
        replace_aliases=params.replace_aliases,
        cognitive=params.cognitive,
    )


def _table(rows: Mapping[str, list[Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(rows[c], dtype=d) for c, d in columns.items()})


def _column(frame: pd.DataFrame, name: str, blank_is_missing: bool = False) -> dict[str, str]:
    """``{snippet_id: value}`` of an optional snippet column, missing values left out."""
    if name not in frame.columns:
        return {}
    col = frame[name]
    if isinstance(col.dtype, pd.StringDtype):  # a value is a str or missing: one pass, no mask
        pairs = zip(snippet_ids(frame), col.tolist(), strict=True)
        if blank_is_missing:
            return {i: v for i, v in pairs if isinstance(v, str) and v.strip()}
        return {i: v for i, v in pairs if isinstance(v, str)}
    present = col.notna().to_numpy(dtype=bool).tolist()
    values = col.tolist()
    out = {
        i: v if isinstance(v, str) else str(v)
        for i, v, ok in zip(snippet_ids(frame), values, present, strict=True)
        if ok
    }
    return {k: v for k, v in out.items() if v.strip()} if blank_is_missing else out


def _claim_row(rows: dict[str, list[Any]], sid: str, j: int, text: str, c: Claim) -> None:
    rows["claim_id"].append(f"{sid}:c{j}")
    rows["snippet_id"].append(sid)
    rows["speaker"].append(text[c.speaker_start : c.speaker_end])
    rows["cue"].append(text[c.cue_start : c.cue_end])
    rows["content"].append(text[c.content_start : c.content_end])
    rows["kind"].append(c.kind)
    rows["speaker_start"].append(c.speaker_start)
    rows["speaker_end"].append(c.speaker_end)
    rows["content_start"].append(c.content_start)
    rows["content_end"].append(c.content_end)
    rows["confidence"].append(round(c.confidence, 3))
    rows["speaker_role"].append(c.role)
    rows["cue_start"].append(c.cue_start)
    rows["cue_end"].append(c.cue_end)
    rows["resolved_from"].append(c.pronoun)
    rows["truncated"].append(bool(c.truncated))
    has_antecedent = c.antecedent_start >= 0
    rows["antecedent"].append(text[c.antecedent_start : c.antecedent_end] if has_antecedent else None)
    rows["antecedent_start"].append(c.antecedent_start if has_antecedent else None)
    rows["antecedent_end"].append(c.antecedent_end if has_antecedent else None)


def extract_claims(frame: pd.DataFrame, params: AttributionParams, context: Context) -> Output:
    """The per-snippet half: private tables ``_claims`` (no canonical names yet) and ``_acronyms``."""
    lex = lexicon_for(params)
    extractor = Extractor(lex, resolve_pronouns=params.resolve_pronouns)
    rows: dict[str, list[Any]] = {c: [] for c in EXTRACTED_COLUMNS}
    acronyms: dict[str, list[Any]] = {c: [] for c in ACRONYM_COLUMNS}
    pairs = list(iter_texts(frame))
    texts = [text for _, text in pairs]
    flags = may_claim(texts, lex)
    regions = iter(cue_regions([text for text, flag in zip(texts, flags, strict=True) if flag], lex))
    step = max(1, len(pairs) // 20)
    for k, ((sid, text), flag) in enumerate(zip(pairs, flags, strict=True)):
        if k % step == 0:
            context.progress(0.9 * k / len(pairs))
        for j, c in enumerate(extractor.extract(text, next(regions)) if flag else ()):
            if c.confidence >= params.min_confidence:
                _claim_row(rows, sid, j, text, c)
        for acronym, expansion in acronyms_in(text) if "(" in text else ():  # most texts: no call at all
            acronyms["snippet_id"].append(sid)
            acronyms["acronym"].append(acronym)
            acronyms["expansion"].append(expansion)
    return Output(tables={"_claims": _table(rows, EXTRACTED_COLUMNS), "_acronyms": _table(acronyms, ACRONYM_COLUMNS)})


def _acronym_table(acronyms: pd.DataFrame) -> dict[str, str]:
    """``{"NIS": "National Intelligence Service"}``: each acronym's most frequent expansion in the
    collection (ties: the alphabetically first, so row order never matters)."""
    votes: dict[str, Counter[str]] = {}
    for acr, exp in zip(acronyms["acronym"].tolist(), acronyms["expansion"].tolist(), strict=True):
        votes.setdefault(acr, Counter())[exp] += 1
    return {acr: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for acr, c in votes.items()}


def combine_claims(frame: pd.DataFrame, params: AttributionParams, context: Context, extracted: Output) -> Output:
    """The collection half: canonical speakers across the collection, then the speakers table."""
    found = extracted.tables.get("_claims")
    claims = resolve_claims(
        found if found is not None else empty_table(EXTRACTED_COLUMNS),
        extracted.tables.get("_acronyms", empty_table(ACRONYM_COLUMNS)),
        frame,
        params,
    )
    context.progress(0.97)
    return Output(tables={"claims": claims, "speakers": speakers_table(claims, _column(frame, "source"))})


def resolve_claims(
    found: pd.DataFrame,
    acronyms: pd.DataFrame,
    frame: pd.DataFrame,
    params: AttributionParams,
    collection: CollectionFacts | None = None,
) -> pd.DataFrame:
    """The ``claims`` table: the extracted claims with their canonical speakers and types.

    One implementation for both runs. ``frame`` holds the snippets the rules read (the pandas run:
    all of them; the distributed plan: those of the claims, their articles and dedup clusters, in
    frame order) with ``text`` and optional ``url`` / ``cluster_id``; ``collection`` the facts read
    from the whole collection when ``frame`` is not all of it.
    """
    if len(found) == 0:
        return empty_table(CLAIMS_COLUMNS)
    canon, mentions = canonicaliser_for(found, frame, params, collection)
    canon.resolve(mentions, _acronym_table(acronyms))
    return named_claims(found, mentions)


def canonicaliser_for(
    found: pd.DataFrame, frame: pd.DataFrame, params: AttributionParams, collection: CollectionFacts | None = None
) -> tuple[Canonicaliser, list[Mention]]:
    """The resolution of ``found``'s claims over the snippets of ``frame`` (see :func:`resolve_claims`):
    the canonicaliser and one mention per claim, in ``found``'s order."""
    clusters = _column(frame, "cluster_id")
    articles = _column(frame, "url", blank_is_missing=True) if params.resolve_pronouns else {}
    canon = Canonicaliser(lexicon_for(params), dict(iter_texts(frame)), clusters, articles, collection)
    return canon, _mentions(found, clusters)


def named_claims(found: pd.DataFrame, mentions: list[Mention]) -> pd.DataFrame:
    """The ``claims`` table: ``found``'s claims with their mentions' canonical names and kinds."""
    claims = found.drop(columns=["antecedent_start", "antecedent_end"])
    claims["speaker_canonical"] = pd.array([m.canonical for m in mentions], dtype="string")
    claims["speaker_type"] = pd.array([m.kind for m in mentions], dtype="string")
    return claims[list(CLAIMS_COLUMNS)].reset_index(drop=True)


def _mentions(found: pd.DataFrame, clusters: Mapping[str, str]) -> list[Mention]:
    """One mention per claim: the antecedent a pronoun was resolved to in its snippet, else the
    speaker as written."""
    out = []
    for sp, ant, sid, st, ant_st in zip(
        found["speaker"].tolist(),
        found["antecedent"].tolist(),
        found["snippet_id"].tolist(),
        found["speaker_start"].tolist(),
        found["antecedent_start"].tolist(),
        strict=True,
    ):
        named = ant if isinstance(ant, str) else sp
        start = int(ant_st) if isinstance(ant, str) else int(st)
        pronoun = sp.lower() if isinstance(ant, str) else ""
        out.append(Mention(speaker=named, snippet=sid, cluster=clusters.get(sid), start=start, pronoun=pronoun))
    return out


def extract_attributions(frame: pd.DataFrame, params: AttributionParams, context: Context) -> Output:
    """Extract the claims of every snippet, then name every speaker across the collection."""
    return combine_claims(frame, params, context, extract_claims(frame, params, context))


def speakers_table(claims: pd.DataFrame, sources: Mapping[str, str]) -> pd.DataFrame:
    """One row per canonical speaker: the names it was written as (a pronoun's antecedent rather
    than the pronoun), how many claims and snippets, distinct outlets."""
    read = ["antecedent", "speaker", "speaker_canonical", "snippet_id", "speaker_type"]  # only these are taken
    named = claims[read][claims["speaker_canonical"].notna()]
    if named.empty:
        return empty_table(SPEAKERS_COLUMNS)
    written = named["antecedent"].fillna(named["speaker"]).astype(str).tolist()
    canon = named["speaker_canonical"].astype(str).tolist()
    sids = named["snippet_id"].astype(str).tolist()
    kinds = named["speaker_type"].astype(str).tolist()
    groups: dict[str, dict[str, Any]] = {}
    for name, alias, sid, kind in zip(canon, written, sids, kinds, strict=True):
        g = groups.get(name)
        if g is None:
            g = groups[name] = {"aliases": set(), "n": 0, "snippets": {}, "kinds": Counter()}
        g["aliases"].add(alias)
        g["n"] += 1
        g["snippets"].setdefault(sid, None)
        g["kinds"][kind] += 1
    rows: dict[str, list[Any]] = {c: [] for c in SPEAKERS_COLUMNS}
    for name in sorted(groups, key=lambda k: (-groups[k]["n"], k)):
        g = groups[name]
        outlets = {sources[s] for s in g["snippets"] if s in sources}
        rows["speaker_canonical"].append(name)
        rows["aliases"].append(sorted(g["aliases"]))
        rows["n_claims"].append(g["n"])
        rows["n_snippets"].append(len(g["snippets"]))
        # no snippet of the speaker has a known outlet: unknown (NA), not zero outlets
        rows["n_sources"].append(len(outlets) if outlets else None)
        rows["snippet_id"].append(next(iter(g["snippets"])))
        rows["speaker_type"].append(min(g["kinds"].items(), key=lambda kv: (-kv[1], kv[0]))[0])
    return _table(rows, SPEAKERS_COLUMNS)
