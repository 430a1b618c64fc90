"""Hedged reporting: words that mark a claim as unverified ("reportedly", "allegedly", ...).

A complete third-party plugin in one module: an analysis with a parameter dataclass, declared
outputs, and a notebook view, registered through snippet-toolkit's hooks.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pandas as pd

from toolkit import AnalysisSpec, Context, Output, ViewSpec, hookimpl

HEDGES = (
    "reportedly",
    "allegedly",
    "purportedly",
    "supposedly",
    "apparently",
    "unconfirmed",
    "unverified",
    "is believed to",
    "are believed to",
    "is said to",
    "are said to",
    "could not be independently verified",
    "could not immediately be verified",
)

TABLE = {"snippet_id": "string", "hedge_id": "string", "term": "string", "start": "Int64", "end": "Int64"}


@dataclass(frozen=True)
class HedgeParams:
    extra_terms: tuple[str, ...] = ()  # more hedging phrases, e.g. --set hedges.extra_terms="sources say,rumoured"
    case_sensitive: bool = False


def find_hedges(frame: pd.DataFrame, params: HedgeParams, context: Context) -> Output:
    terms = sorted({*HEDGES, *params.extra_terms}, key=len, reverse=True)
    flags = 0 if params.case_sensitive else re.IGNORECASE
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\b", flags)
    rows = []
    for snippet_id, text in frame["text"].dropna().items():
        for n, match in enumerate(pattern.finditer(text)):
            rows.append((snippet_id, f"{snippet_id}:h{n}", match.group(0), match.start(), match.end()))
    table = pd.DataFrame(rows, columns=list(TABLE))
    hedged = frame["text"].notna() & frame.index.isin(table["snippet_id"])
    hedged = hedged.astype("boolean").mask(frame["text"].isna())
    return Output(columns=pd.DataFrame({"hedged": hedged}, index=frame.index), tables={"hedges": table})


def hedges_view(result) -> str:
    """The hedged snippets with their hedge words marked (snippet text escaped)."""
    table = result["hedges"]
    parts = ["<h4>Hedged snippets</h4><ul>"]
    for snippet_id, rows in table.groupby("snippet_id", sort=True):
        text = str(result.snippets.loc[snippet_id, "text"])
        out, last = [], 0
        for start, end in sorted(zip(rows["start"], rows["end"], strict=True)):
            out += [html.escape(text[last:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
            last = end
        out.append(html.escape(text[last:]))
        parts.append(f"<li><b>{html.escape(str(snippet_id))}</b>: {''.join(out)}</li>")
    parts.append("</ul>")
    return "".join(parts)


@hookimpl
def register_analyses(register):
    register(
        AnalysisSpec(
            name="hedges",
            func=find_hedges,
            params=HedgeParams,
            columns={"hedged": "boolean"},
            tables={"hedges": TABLE},
            scope="row",
            description="Hedging words that mark a claim as unverified",
        )
    )


@hookimpl
def register_views(register):
    register(ViewSpec(name="hedges", func=hedges_view, tables=("hedges",), title="Hedged reporting"))
