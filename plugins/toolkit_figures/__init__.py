"""Built-in figures plugin: every numeric claim in the snippets, and how the claims compare.

Two analyses:

``figures`` (row scope)
    One row per numeric claim: value or range, qualifier ("around", "up to", "over"), unit (ISO 4217
    for money), the thing counted, whether the snippet cut the number off, and, when the
    attribution analysis ran too, the claim and canonical speaker it belongs to.

``figure_comparison`` (collection scope, requires ``table:figures``)
    Figures about the same counted thing (normalised head noun, and unit) side by side, who claims
    which value, and which figures conflict (their intervals do not meet). It is a separate analysis
    because it needs the whole collection, while ``figures`` works snippet by snippet and so runs
    unchanged on any partition of a frame.

Conventions (shared/DESIGN.md): ``value`` is the number stated, null only for a two-sided range or
a number the snippet cut off ("over 1," at the end: ``truncated``, ``low`` 1000); ``low``/``high``
are the bounds a range or a one-sided qualifier sets ("up to 15,000": value 15000, high 15000).
Not figures: dates, years, times, weekdays, ordinals, codes and model names (MH17, COVID-19, F-16,
Flight 447), scores (4-2), phone numbers, numbers in URLs and addresses, number words that are not
quantities ("one of the", "no one"), and by default durations and ages ("three days",
"50-year-old"), which are the timeline's (``include_durations`` keeps them).

Rules and lexicons only: the word lists are data files in ``toolkit_figures/data`` (number words,
qualifiers, ISO 4217 currencies, units, stop words, label words); parameters extend them. No model,
no network.
"""

from __future__ import annotations

from toolkit import AnalysisSpec, hookimpl
from toolkit_figures.analysis import (
    ComparisonParams,
    FiguresParams,
    compare_figures,
    extract_figures,
    figures_from_text,
)
from toolkit_figures.schema import COMPARISON_COLUMNS, FIGURES_COLUMNS
from toolkit_figures.views import register_views  # the notebook view (hook found on this module)

__all__ = [
    "COMPARISON_COLUMNS",
    "FIGURES_COLUMNS",
    "ComparisonParams",
    "FiguresParams",
    "compare_figures",
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
        )
    )
    register(
        AnalysisSpec(
            name="figure_comparison",
            func=compare_figures,
            params=ComparisonParams,
            requires=("table:figures",),
            uses=("figures", "attribution"),
            tables={"figure_comparison": COMPARISON_COLUMNS},
            scope="collection",
            description="Figures about the same counted thing side by side: who claims which value, conflicts.",
        )
    )
