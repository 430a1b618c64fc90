"""The two analyses: ``figures`` (per snippet) and ``figure_comparison`` (within each story).

``figures`` runs the per-snippet engine (:mod:`toolkit_figures.extract`) over every text and links
each figure to the attribution claim whose content holds it. ``figure_comparison`` puts figures
about the same counted thing side by side, story by story, and marks the ones that cannot both be
true (:mod:`toolkit_figures.compare` holds its pieces).
"""

from __future__ import annotations

import pandas as pd

from toolkit import Context, Output
from toolkit.tables import empty_table, iter_texts, link_spans_to_claims
from toolkit_figures.compare import comparison_rows, figure_intervals, story_of, topics
from toolkit_figures.context import counted_head
from toolkit_figures.extract import extract
from toolkit_figures.params import ComparisonParams, FiguresParams
from toolkit_figures.schema import COMPARISON_COLUMNS, FIGURES_COLUMNS

__all__ = [
    "ComparisonParams",
    "FiguresParams",
    "compare_figures",
    "extract_figures",
    "figure_intervals",
    "figures_from_text",
]

#: Progress is reported only on frames larger than this (a small frame is done before a bar shows).
_PROGRESS_FROM = 2000


def figures_from_text(text: str, params: FiguresParams | None = None) -> list[dict]:
    """The figures of one text, as dicts (the table's columns without the ids). For quick use."""
    return extract(text or "", params)


def _cast(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """``df`` with exactly ``columns``, in order and with their dtypes (missing ones all null)."""
    out = {}
    for c, d in columns.items():
        col = df[c] if c in df.columns else pd.Series([None] * len(df), index=df.index)
        out[c] = col.astype(object) if d == "object" else col.astype(d)
    return pd.DataFrame(out, index=range(len(df)))


def extract_figures(frame: pd.DataFrame, params: FiguresParams, context: Context) -> Output:
    """The ``figures`` analysis: one row per numeric claim of every snippet."""
    if "text" not in frame.columns:  # the pipeline checks `requires`; a direct call gets an empty table
        return Output(tables={"figures": empty_table(FIGURES_COLUMNS)})
    progress = context.progress if context is not None and len(frame) > _PROGRESS_FROM else None
    rows: list[dict] = []
    for sid, text in iter_texts(frame, progress):
        for j, fig in enumerate(extract(text, params, snippet_id=sid), start=1):
            fig["figure_id"] = f"{sid}:f{j}"
            fig["snippet_id"] = sid
            rows.append(fig)
    if not rows:
        return Output(tables={"figures": empty_table(FIGURES_COLUMNS)})
    df = pd.DataFrame.from_records(rows)
    df["counted_head"] = [counted_head(c) for c in df["counted"].tolist()]
    df["claim_id"] = None
    df["speaker_canonical"] = None
    claims = context.table("claims") if context is not None else None
    if claims is not None and len(claims):
        df = _link_claims(df, claims)
    return Output(tables={"figures": _cast(df, FIGURES_COLUMNS)})


def _link_claims(figs: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Fill claim_id / speaker_canonical from the innermost claim whose content span holds the figure."""
    if not {"snippet_id", "claim_id", "content_start", "content_end"} <= set(claims.columns):
        return figs
    claim_id = link_spans_to_claims(figs[["snippet_id", "start", "end"]], claims)
    figs = figs.copy()
    figs["claim_id"] = claim_id.astype(object).where(claim_id.notna(), None)
    if "speaker_canonical" in claims.columns:
        speaker = claims.drop_duplicates("claim_id").set_index("claim_id")["speaker_canonical"]
        figs["speaker_canonical"] = claim_id.map(speaker)
    return figs


def compare_figures(frame: pd.DataFrame, params: ComparisonParams, context: Context) -> Output:
    """The ``figure_comparison`` analysis: within each story, figures grouped by what they count
    (by meaning: "troops" and "soldiers" together) and unit, with the figures each conflicts with."""
    figs = context.table("figures") if context is not None else None
    if figs is None or figs.empty:
        return Output(tables={"figure_comparison": empty_table(COMPARISON_COLUMNS)})
    f = figs[figs["counted_head"].notna()]
    if not params.include_units:
        f = f[f["unit"].isna()]
    if f.empty:
        return Output(tables={"figure_comparison": empty_table(COMPARISON_COLUMNS)})
    f = f.copy()
    f["story_id"] = story_of(frame, f["snippet_id"])
    f["topic"] = topics(f, frame, params)
    sizes = f.groupby(["story_id", "topic"], dropna=False)["figure_id"].transform("size")
    f = f[sizes >= params.min_figures]
    if f.empty:
        return Output(tables={"figure_comparison": empty_table(COMPARISON_COLUMNS)})
    lo, hi = figure_intervals(f, params.approx_tolerance)
    f["_lo"], f["_hi"] = lo, hi
    rows = comparison_rows(f, params.max_listed)
    return Output(tables={"figure_comparison": _cast(pd.DataFrame.from_records(rows), COMPARISON_COLUMNS)})
