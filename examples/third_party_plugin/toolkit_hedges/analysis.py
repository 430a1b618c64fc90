"""The ``hedges`` analysis: its parameters and the function the pipeline calls."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from toolkit import Context, Output
from toolkit.tables import iter_texts
from toolkit_hedges.extract import find_hedges_in
from toolkit_hedges.schema import HEDGES_COLUMNS


@dataclass(frozen=True)
class HedgeParams:
    """Parameters of ``hedges``.

    :param extra_terms: more hedging phrases, e.g. ``--set hedges.extra_terms="sources say,rumoured"``.
    :param case_sensitive: match the phrases' case exactly.
    """

    extra_terms: tuple[str, ...] = ()
    case_sensitive: bool = False


def find_hedges(frame: pd.DataFrame, params: HedgeParams, context: Context) -> Output:
    """A ``hedged`` flag per snippet and a ``hedges`` table with one row per phrase (row scope)."""
    rows = []
    for snippet_id, text in iter_texts(frame, context.progress):
        for n, (term, start, end) in enumerate(find_hedges_in(text, params.extra_terms, params.case_sensitive)):
            rows.append((snippet_id, f"{snippet_id}:h{n}", term, start, end))
    table = pd.DataFrame(rows, columns=list(HEDGES_COLUMNS)).astype(HEDGES_COLUMNS)
    hedged = frame.index.isin(table["snippet_id"])
    flags = pd.Series(hedged, index=frame.index, dtype="boolean").mask(frame["text"].isna())
    return Output(columns=pd.DataFrame({"hedged": flags}, index=frame.index), tables={"hedges": table})
