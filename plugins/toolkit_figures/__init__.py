"""Built-in figures plugin: every numeric claim in the snippets, and how the claims compare.

Registration only; see ``README.md`` in this folder for what it finds and its conventions.

- ``figures`` (row scope): one row per numeric claim (:mod:`toolkit_figures.analysis`), read by
  the per-snippet engine :func:`toolkit_figures.extract.extract`, usable on a plain string.
- ``figure_comparison`` (collection scope, needs the ``figures`` table): figures about the same
  counted thing within a story side by side, with conflicts (:mod:`toolkit_figures.compare`).
  Split: ``extract`` (per snippet: topic and interval of each comparable figure) and ``combine``
  (per story: ``combine_by="story_id"``, so Dask runs it story by story).
"""

from __future__ import annotations

from toolkit import AnalysisSpec, hookimpl
from toolkit.specs import Highlight
from toolkit_figures.analysis import (
    ComparisonParams,
    FiguresParams,
    combine_comparison,
    compare_figures,
    extract_comparable,
    extract_figures,
    figures_from_text,
)
from toolkit_figures.schema import COMPARISON_COLUMNS, COMPARISON_DOCS, FIGURES_COLUMNS, FIGURES_DOCS
from toolkit_figures.views import figure_tooltip, register_views  # the notebook view (hook found on this module)

__all__ = [
    "COMPARISON_COLUMNS",
    "COMPARISON_DOCS",
    "FIGURES_COLUMNS",
    "FIGURES_DOCS",
    "ComparisonParams",
    "FiguresParams",
    "combine_comparison",
    "compare_figures",
    "extract_comparable",
    "extract_figures",
    "figures_from_text",
    "register_analyses",
    "register_views",
]


@hookimpl
def register_analyses(register):
    register(
        AnalysisSpec(
            name="figures",
            func=extract_figures,
            params=FiguresParams,
            requires=("text",),
            uses=("attribution",),
            tables={"figures": FIGURES_COLUMNS},
            scope="row",
            description="Numeric claims: value or range, qualifier, unit, counted thing, truncation, speaker.",
            highlights=(Highlight("figures", "start", "end", "figure", color="#dafbe1", tooltip=figure_tooltip),),
        )
    )
    register(
        AnalysisSpec(
            name="figure_comparison",
            func=compare_figures,
            extract=extract_comparable,
            combine=combine_comparison,
            combine_by="story_id",
            params=ComparisonParams,
            requires=(),
            requires_tables=("figures",),
            uses=("stories", "figures", "attribution"),
            tables={"figure_comparison": COMPARISON_COLUMNS},
            scope="collection",
            description="Figures about the same counted thing within a story side by side: who claims which "
            "value, conflicts.",
        )
    )
