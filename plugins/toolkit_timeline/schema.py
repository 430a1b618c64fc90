"""The tables of the timeline plugin: contract columns (shared/DESIGN.md) first, extras after."""

from __future__ import annotations

TIMELINE_COLUMNS: dict[str, str] = {
    # contract
    "mention_id": "string",
    "snippet_id": "string",
    "text": "string",
    "value": "string",
    "granularity": "string",
    "date_start": "datetime64[ns, UTC]",
    "date_end": "datetime64[ns, UTC]",
    "relative": "boolean",
    "event": "string",
    "start": "Int64",
    "end": "Int64",
    "claim_id": "string",
    # extras
    "kind": "string",
    "mod": "string",
    "time_of_day": "string",
    "timezone": "string",
    "reference_date": "datetime64[ns, UTC]",
    "speaker_canonical": "string",
}

EVENTS_COLUMNS: dict[str, str] = {
    "event_id": "string",
    "snippet_id": "string",
    "value": "string",
    "granularity": "string",
    "date_start": "datetime64[ns, UTC]",
    "date_end": "datetime64[ns, UTC]",
    "event": "string",
    "n_mentions": "Int64",
    "n_snippets": "Int64",
    "n_sources": "Int64",
    "snippet_ids": "object",
    "sources": "object",
    "speakers": "object",
    "mention_ids": "object",
    "cluster_id": "string",
    "first_published": "datetime64[ns, UTC]",
}
