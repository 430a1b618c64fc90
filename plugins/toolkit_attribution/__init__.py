"""Built-in attribution plugin: who says what, with one canonical name per speaker.

``toolkit.run(frame, ["attribution"])`` fills two tables:

* ``claims``: one row per attributed statement (speaker as written, canonical speaker, cue,
  content, kind ``direct`` / ``indirect`` / ``according_to``, spans into the original text);
* ``speakers``: one row per canonical speaker with every alias seen and how many claims,
  snippets and outlets it has.

The default mode needs no model and no network: compiled rules over the text with lexicons
shipped as data in ``data/`` (reporting verbs, titles and roles, group and body words, an alias
table of well-known bodies), which the parameters extend or replace.

Scope: ``collection``. Extraction is per snippet, but ``speaker_canonical`` (a contract column of
``claims``) needs the whole collection: an acronym is defined in one snippet and used in another,
a surname joins the full name another outlet printed, a description joins the body its dedup
cluster names, a pronoun opening a sentence names the speaker of the sentence before it in the
same article (snippets sharing a ``url``). Splitting into a row-wise extraction plus a
collection-wide naming analysis would leave ``claims`` without its canonical column (or make a
second analysis rewrite the first's table), so one analysis declared ``collection`` is the honest
declaration. When dedup runs first its ``cluster_id`` column is used as extra evidence
(``uses=("dedup",)``).

There is no model-backed mode yet: an optional spaCy mode (parse-based speaker boundaries) is left
for later, so nothing here imports spaCy or needs a network.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from toolkit import AnalysisSpec, Context, Output, hookimpl

from .canonical import Canonicaliser, Mention
from .extract import Extractor
from .lexicon import build_lexicon
from .schema import CLAIMS_COLUMNS, SPEAKERS_COLUMNS
from .views import register_views  # the notebook view of claims by speaker (a register_views hookimpl)

__all__ = [
    "CLAIMS_COLUMNS",
    "SPEAKERS_COLUMNS",
    "AttributionParams",
    "extract_attributions",
    "register_analyses",
    "register_views",
]


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
    :param resolve_pronouns: resolve he / she / it / they to a speaker or name in the snippet, or,
        for a pronoun opening a sentence, in the snippets just before it from the same article
        (same ``url``, frame order).
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


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in columns.items()})


def extract_attributions(frame: pd.DataFrame, params: AttributionParams, context: Context) -> Output:
    """Extract the claims of every snippet, then name every speaker across the collection."""
    lex = build_lexicon(
        cues=tuple(params.cues),
        cues_file=params.cues_file,
        titles=tuple(params.titles),
        aliases=tuple(params.aliases),
        aliases_file=params.aliases_file,
        replace_aliases=params.replace_aliases,
        cognitive=params.cognitive,
    )
    extractor = Extractor(lex, resolve_pronouns=params.resolve_pronouns)
    if len(frame) == 0 or "text" not in frame.columns:
        return Output(tables={"claims": _empty(CLAIMS_COLUMNS), "speakers": _empty(SPEAKERS_COLUMNS)})

    texts_s = frame["text"]
    mask = texts_s.notna()
    ids = frame.index[mask.to_numpy()].astype(str).tolist()
    texts = texts_s[mask].astype(str).tolist()
    clusters: dict[str, str] = {}
    if "cluster_id" in frame.columns:
        cl = frame["cluster_id"]
        clusters = {str(k): str(v) for k, v in cl[cl.notna()].items()}
    articles: dict[str, str] = {}  # snippet -> the article it was cut from (its url), in frame order
    if "url" in frame.columns:
        url = frame["url"]
        articles = {str(k): str(v) for k, v in url[url.notna()].items() if str(v).strip()}
    sources: dict[str, str] = {}
    if "source" in frame.columns:
        src = frame["source"]
        sources = {str(k): str(v) for k, v in src[src.notna()].items()}

    rows: dict[str, list] = defaultdict(list)
    n = len(texts)
    step = max(1, n // 20)
    for i, (sid, text) in enumerate(zip(ids, texts, strict=True)):
        if i % step == 0:
            context.progress(0.9 * i / n)
        if not text:
            continue
        for j, c in enumerate(extractor.extract(text)):
            if c.confidence < params.min_confidence:
                continue
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
    context.progress(0.9)

    if not rows:
        return Output(tables={"claims": _empty(CLAIMS_COLUMNS), "speakers": _empty(SPEAKERS_COLUMNS)})

    # Canonical speakers over the whole collection.
    text_by_id = dict(zip(ids, texts, strict=True))
    canon = Canonicaliser(lex, text_by_id, clusters, articles if params.resolve_pronouns else {})
    mentions = [
        Mention(speaker=sp, snippet=sid, cluster=clusters.get(sid), start=st)
        for sp, sid, st in zip(rows["speaker"], rows["snippet_id"], rows["speaker_start"], strict=True)
    ]
    canon.resolve(mentions)
    rows["speaker_canonical"] = [m.canonical for m in mentions]
    rows["speaker_type"] = [m.kind for m in mentions]

    claims = pd.DataFrame({c: pd.Series(rows[c], dtype=d) for c, d in CLAIMS_COLUMNS.items()})
    return Output(tables={"claims": claims, "speakers": speakers_table(claims, sources)})


def speakers_table(claims: pd.DataFrame, sources: dict[str, str]) -> pd.DataFrame:
    """One row per canonical speaker: aliases seen, claims, snippets and distinct outlets."""
    named = claims[claims["speaker_canonical"].notna()]
    if named.empty:
        return _empty(SPEAKERS_COLUMNS)
    df = pd.DataFrame(
        {
            "speaker_canonical": named["speaker_canonical"].astype(str),
            "speaker": named["speaker"].astype(str),
            "snippet_id": named["snippet_id"].astype(str),
            "speaker_type": named["speaker_type"].astype(str),
        }
    )
    df["source"] = df["snippet_id"].map(sources)
    g = df.groupby("speaker_canonical", sort=False)
    out = pd.DataFrame(
        {
            "aliases": g["speaker"].agg(lambda s: sorted(set(s))),
            "n_claims": g.size(),
            "n_snippets": g["snippet_id"].nunique(),
            # no snippet of the speaker has a known outlet: unknown (NA), not zero outlets
            "n_sources": g["source"].nunique().astype("Int64").mask(g["source"].count() == 0),
            "snippet_id": g["snippet_id"].first(),
            "speaker_type": g["speaker_type"].agg(lambda s: s.mode().iloc[0]),
        }
    ).reset_index()
    out = out.sort_values(["n_claims", "speaker_canonical"], ascending=[False, True], kind="stable")
    return pd.DataFrame({c: pd.Series(out[c].tolist(), dtype=d) for c, d in SPEAKERS_COLUMNS.items()})


@hookimpl
def register_analyses(register):
    register(
        AnalysisSpec(
            name="attribution",
            func=extract_attributions,
            params=AttributionParams,
            requires=("text",),
            uses=("dedup",),
            tables={"claims": CLAIMS_COLUMNS, "speakers": SPEAKERS_COLUMNS},
            scope="collection",
            description=(
                "Who says what: speaker, canonical speaker, cue, content and kind of every attributed "
                "statement (claims table), and one row per canonical speaker (speakers table)."
            ),
        )
    )
