"""Built-in timeline plugin: every date and time expression of a snippet, normalised against its
publication date (or a reference date), and ordered into a timeline of events with their sources.

Tables: ``timeline`` (one row per temporal expression) and ``events`` (one row per story and date,
ordered by date, with snippets, sources and, when the attribution analysis ran, who says so).
The per-snippet engine works on a plain string: ``toolkit_timeline.extract.extract(text, "2024-12-27")``.
"""

from __future__ import annotations

from toolkit import AnalysisSpec, hookimpl
from toolkit.specs import Highlight
from toolkit_timeline.analysis import (
    TimelineParams,
    combine_events,
    events_group_column,
    extract_mentions,
    extract_timeline,
)
from toolkit_timeline.extract import extract
from toolkit_timeline.schema import EVENTS_COLUMNS, EVENTS_DOCS, TIMELINE_COLUMNS, TIMELINE_DOCS
from toolkit_timeline.views import date_tooltip, register_views  # the notebook view (hook found on this module)

__all__ = [
    "EVENTS_COLUMNS",
    "EVENTS_DOCS",
    "TIMELINE_COLUMNS",
    "TIMELINE_DOCS",
    "TimelineParams",
    "combine_events",
    "extract",
    "extract_mentions",
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
            extract=extract_mentions,
            combine=combine_events,
            params=TimelineParams,
            requires=("text",),
            uses=("stories", "attribution", "dedup"),
            columns={},
            tables={"timeline": TIMELINE_COLUMNS, "events": EVENTS_COLUMNS},
            scope="collection",
            combine_by=events_group_column,  # per story (on Dask, one story group at a time) unless events_by="date"
            highlights=(Highlight("timeline", "start", "end", "date", color="#fbefff", tooltip=date_tooltip),),
            description="Date and time expressions normalised against each snippet's publication date "
            "(TIMEX3 values, intervals), ordered into events per story with their sources and speakers.",
        )
    )
