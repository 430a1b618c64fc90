"""Built-in attribution plugin: who says what, with one canonical name per speaker.

Registration only; the analysis is in :mod:`toolkit_attribution.analysis`, the per-snippet engine
in :mod:`toolkit_attribution.extract`, the collection's canonical names in
:mod:`toolkit_attribution.canonical`, the tables in :mod:`toolkit_attribution.schema`. See README.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from toolkit import AnalysisSpec, hookimpl
from toolkit.html import plain
from toolkit.specs import Highlight
from toolkit_attribution.analysis import (
    AttributionParams,
    combine_claims,
    extract_attributions,
    extract_claims,
    speakers_table,
)
from toolkit_attribution.dask_plan import attribution_plan  # the distributed combine (run_dask)
from toolkit_attribution.schema import CLAIMS_COLUMNS, CLAIMS_DOCS, SPEAKERS_COLUMNS, SPEAKERS_DOCS
from toolkit_attribution.views import register_views  # the notebook view of claims by speaker

__all__ = [
    "CLAIMS_COLUMNS",
    "CLAIMS_DOCS",
    "SPEAKERS_COLUMNS",
    "SPEAKERS_DOCS",
    "AttributionParams",
    "combine_claims",
    "extract_attributions",
    "extract_claims",
    "register_analyses",
    "register_views",
    "speakers_table",
]


def quote_tooltip(row: Mapping[str, Any]) -> str:
    """'indirect by Jerome Powell': the claim's kind and who made it."""
    who = plain(row.get("speaker_canonical")) or plain(row.get("speaker"))
    return f"{plain(row.get('kind')) or 'claim'}{' by ' + who if who else ''}"


def speaker_tooltip(row: Mapping[str, Any]) -> str:
    """'speaker: Jerome Powell': the canonical name of the speaker span."""
    canonical = plain(row.get("speaker_canonical"))
    return f"speaker{': ' + canonical if canonical else ''}"


HIGHLIGHTS = (
    Highlight("claims", "content_start", "content_end", "quote", "#fff8c5", quote_tooltip),
    Highlight("claims", "speaker_start", "speaker_end", "speaker", "#ddf4ff", speaker_tooltip),
)


@hookimpl
def register_analyses(register: Callable[[AnalysisSpec], None]) -> None:
    register(
        AnalysisSpec(
            name="attribution",
            extract=extract_claims,
            combine=combine_claims,
            combine_dask=attribution_plan,
            params=AttributionParams,
            requires=("text",),
            uses=("dedup",),
            tables={"claims": CLAIMS_COLUMNS, "speakers": SPEAKERS_COLUMNS},
            scope="collection",
            highlights=HIGHLIGHTS,
            description=(
                "Who says what: speaker, canonical speaker, cue, content and kind of every attributed "
                "statement (claims table), and one row per canonical speaker (speakers table)."
            ),
        )
    )
