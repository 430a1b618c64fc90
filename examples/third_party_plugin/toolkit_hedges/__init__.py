"""Hedged reporting: words that mark a claim as unverified ("reportedly", "allegedly", ...).

A complete third-party plugin laid out like the built-ins: registration only in this module; the
parameters and analysis in :mod:`toolkit_hedges.analysis`; the per-snippet engine, usable on a
plain string, in :mod:`toolkit_hedges.extract`; the phrase list in ``data/``; the table's columns
and their meanings in :mod:`toolkit_hedges.schema`; the notebook view in :mod:`toolkit_hedges.views`.
"""

from __future__ import annotations

from collections.abc import Callable

from toolkit import AnalysisSpec, ViewSpec, hookimpl
from toolkit_hedges.analysis import HedgeParams, find_hedges
from toolkit_hedges.extract import HEDGES, find_hedges_in
from toolkit_hedges.schema import HEDGED_COLUMNS, HEDGES_COLUMNS
from toolkit_hedges.views import HEDGE_HIGHLIGHT, hedges_view

__all__ = ["HEDGES", "HedgeParams", "find_hedges", "find_hedges_in", "hedges_view", "register_analyses"]


@hookimpl
def register_analyses(register: Callable[[AnalysisSpec], None]) -> None:
    register(
        AnalysisSpec(
            name="hedges",
            func=find_hedges,
            params=HedgeParams,
            columns=HEDGED_COLUMNS,
            tables={"hedges": HEDGES_COLUMNS},
            scope="row",
            highlights=(HEDGE_HIGHLIGHT,),
            description="Hedging words that mark a claim as unverified",
        )
    )


@hookimpl
def register_views(register: Callable[[ViewSpec], None]) -> None:
    register(ViewSpec(name="hedges", func=hedges_view, tables=("hedges",), title="Hedged reporting"))
