"""The two analyses: ``figures`` (per snippet) and ``figure_comparison`` (within each story).

``figures`` runs the per-snippet engine (:mod:`toolkit_figures.extract`) over every text and links
each figure to the attribution claim whose content holds it. ``figure_comparison`` puts figures
about the same counted thing side by side, story by story, and marks the ones that cannot both be
true (:mod:`toolkit_figures.compare` holds its pieces).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from toolkit import Context, Output
from toolkit.tables import empty_table, iter_texts, link_spans_to_claims
from toolkit_figures.compare import TOPICS_TABLE, comparable_figures, comparison_table, figure_intervals
from toolkit_figures.context import counted_head
from toolkit_figures.extract import extract, extractor_of, warn_skipped
from toolkit_figures.figure import FIGURE_KEYS
from toolkit_figures.hints import DIGITS, WORDS, hinted
from toolkit_figures.params import ComparisonParams, FiguresParams
from toolkit_figures.schema import COMPARISON_COLUMNS, FIGURES_COLUMNS

__all__ = [
    "ComparisonParams",
    "FiguresParams",
    "combine_comparison",
    "compare_figures",
    "extract_comparable",
    "extract_figures",
    "figure_intervals",
    "figures_from_text",
]

#: Progress is reported only on frames larger than this (a small frame is done before a bar shows).
_PROGRESS_FROM = 2000


def figures_from_text(text: str, params: FiguresParams | None = None) -> list[dict]:
    """The figures of one text, as dicts (the table's columns without the ids). For quick use."""
    return extract(text or "", params)


#: The Arrow type each table dtype is built from (pyarrow reads a Python list in C, much faster than
#: pandas' element-wise constructors); other dtypes are built by pandas.
_ARROW_TYPES = {"string": pa.large_string(), "Float64": pa.float64(), "Int64": pa.int64(), "boolean": pa.bool_()}


def _array(values: list, dtype: str) -> pd.Series:
    """``values`` as a column of ``dtype`` (None and NaN missing), the same as ``pd.Series(values, dtype=dtype)``."""
    arrow = _ARROW_TYPES.get(dtype)
    if arrow is not None:
        try:
            return pd.Series(
                pd.api.types.pandas_dtype(dtype).__from_arrow__(pa.array(values, type=arrow, from_pandas=True))
            )
        except (pa.ArrowException, TypeError, ValueError):
            pass  # a value Arrow will not read as that type: pandas decides (and says why it cannot)
    return pd.Series(values, dtype=object if dtype == "object" else dtype)


def _typed(columns: dict[str, list], schema: dict[str, str], n: int) -> pd.DataFrame:
    """A table with exactly ``schema``'s columns, in order and with their dtypes, made from plain
    lists (one typed array per column: no record-by-record frame to infer and cast again); a
    column missing from ``columns`` is all null."""
    return pd.DataFrame({c: _array(columns[c] if c in columns else [None] * n, d) for c, d in schema.items()})


#: Where a figure's kind is in its row (``Extractor.read_rows``).
_KIND = FIGURE_KEYS.index("kind")


def extract_figures(frame: pd.DataFrame, params: FiguresParams, context: Context) -> Output:
    """The ``figures`` analysis: one row per numeric claim of every snippet."""
    if "text" not in frame.columns:  # the pipeline checks `requires`; a direct call gets an empty table
        return Output(tables={"figures": empty_table(FIGURES_COLUMNS)})
    progress = context.progress if context is not None and len(frame) > _PROGRESS_FROM else None
    rows: list[tuple] = []
    ids: list[str] = []
    sids: list[str] = []
    ex = extractor_of(params)  # once: looking it up per text would hash the parameters every time
    kinds = params.kinds if params is not None else ()
    for sid, text, hints in hinted(iter_texts(frame, progress), ex.lex):
        if not hints & (DIGITS | WORDS):
            continue  # neither a digit nor a number word: nothing to read (most texts)
        figs, skipped = ex.read_rows(text, hints)  # (read_figures' steps, with rows instead of dicts)
        if skipped:
            warn_skipped(ex, text, skipped, sid, stacklevel=1)
        if kinds:
            figs = [r for r in figs if r[_KIND] in kinds]
        for j, row in enumerate(figs, start=1):
            ids.append(f"{sid}:f{j}")
            sids.append(sid)
            rows.append(row)
    if not rows:
        return Output(tables={"figures": empty_table(FIGURES_COLUMNS)})
    columns = {key: list(values) for key, values in zip(FIGURE_KEYS, zip(*rows, strict=True), strict=True)}
    columns["figure_id"], columns["snippet_id"] = ids, sids
    # the head of each distinct counted phrase, read once ("people", "troops" recur across texts)
    heads = {c: counted_head(c) for c in set(columns["counted"])}
    columns["counted_head"] = [heads[c] for c in columns["counted"]]
    claims = context.table("claims") if context is not None else None
    if claims is not None and len(claims):
        _link_claims(columns, claims)
    return Output(tables={"figures": _typed(columns, FIGURES_COLUMNS, len(rows))})


def _link_claims(columns: dict[str, list], claims: pd.DataFrame) -> None:
    """Fill claim_id / speaker_canonical from the innermost claim whose content span holds the figure."""
    if not {"snippet_id", "claim_id", "content_start", "content_end"} <= set(claims.columns):
        return
    spans = pd.DataFrame({"snippet_id": columns["snippet_id"], "start": columns["start"], "end": columns["end"]})
    claim_id = link_spans_to_claims(spans, claims)
    columns["claim_id"] = claim_id.astype(object).where(claim_id.notna(), None).tolist()
    if "speaker_canonical" in claims.columns:
        speaker = claims.drop_duplicates("claim_id").set_index("claim_id")["speaker_canonical"]
        columns["speaker_canonical"] = claim_id.map(speaker).tolist()


def extract_comparable(frame: pd.DataFrame, params: ComparisonParams, context: Context) -> Output:
    """The per-snippet half of ``figure_comparison`` (runs on any partition): the figures that can
    be compared, each with its topic by meaning and the interval of values it allows."""
    figs = context.table("figures") if context is not None else None
    return Output(tables={TOPICS_TABLE: comparable_figures(figs, frame, params)})


def combine_comparison(frame: pd.DataFrame, params: ComparisonParams, context: Context, extracted: Output) -> Output:
    """The collection half of ``figure_comparison``: figures of one story and topic side by side.

    Independent per story (``combine_by="story_id"``): run on any set of whole stories, it gives
    those stories' rows. It makes no ids of its own (rows carry the figures' ids), so the rows of
    every story are the same whichever stories run together."""
    f = extracted.tables.get(TOPICS_TABLE)
    if f is None or f.empty:
        return Output(tables={"figure_comparison": empty_table(COMPARISON_COLUMNS)})
    table = comparison_table(f, frame, params)
    if table.empty:
        return Output(tables={"figure_comparison": empty_table(COMPARISON_COLUMNS)})
    return Output(tables={"figure_comparison": table[list(COMPARISON_COLUMNS)].astype(COMPARISON_COLUMNS)})


def compare_figures(frame: pd.DataFrame, params: ComparisonParams, context: Context) -> Output:
    """The ``figure_comparison`` analysis: within each story, figures grouped by what they count
    (by meaning: "troops" and "soldiers" together) and unit, with the figures each conflicts with
    (:func:`extract_comparable`, then :func:`combine_comparison`)."""
    return combine_comparison(frame, params, context, extract_comparable(frame, params, context))
