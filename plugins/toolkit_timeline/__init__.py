"""Built-in timeline plugin: every date and time expression of a snippet, normalised against its
publication date (or a reference date), and ordered into a timeline of events with their sources.

Tables: ``timeline`` (one row per temporal expression, the contract of shared/DESIGN.md) and
``events`` (one row per date and story, ordered by date, with snippets, sources and, when the
attribution analysis ran, who says so).
"""

from __future__ import annotations

from toolkit import AnalysisSpec, hookimpl
from toolkit_timeline.analysis import TimelineParams, extract_timeline
from toolkit_timeline.schema import EVENTS_COLUMNS, TIMELINE_COLUMNS
from toolkit_timeline.views import register_views  # the notebook view (hook found on this module)

__all__ = [
    "EVENTS_COLUMNS",
    "TIMELINE_COLUMNS",
    "TimelineParams",
    "extract_timeline",
    "register_analyses",
    "register_views",
]


@hookimpl
def register_analyses(register):
    register(
        AnalysisSpec(
            name="timeline",
            func=extract_timeline,
            params=TimelineParams,
            requires=("text",),
            uses=("attribution", "dedup"),
            columns={},
            tables={"timeline": TIMELINE_COLUMNS, "events": EVENTS_COLUMNS},
            scope="collection",
            description="Date and time expressions normalised against each snippet's publication date "
            "(TIMEX3 values, intervals), ordered into events with their sources and speakers.",
        )
    )
