"""The tables of the timeline plugin: each column's dtype (contract columns first, extras after) and
its one-line meaning (``docs/columns.md`` is generated from the ``*_DOCS`` dicts)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from toolkit.tables import empty_table

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
    "label": "string",
}

TIMELINE_DOCS: dict[str, str] = {
    "mention_id": "id of the expression: `{snippet_id}:t{n}`, n counting the snippet's expressions in text order",
    "snippet_id": "the snippet the expression is in",
    "text": "the expression as written (`text[start:end]` of the snippet)",
    "value": "the normalised TIMEX3 value: `2024-12-26` (day), `2024-W51` (ISO week), `2024-12`, `2024-Q3`, "
    "`2024-H2`, `2024-SU` (summer; SP/SU/FA/WI = meteorological spring/summer/autumn/winter), `199X` (a decade), "
    "`19` (the 20th century), `2024-12-27TMO` (a part of day: MO/AF/EV/NI), `2024-12-27T14:30Z` (a time, Z = UTC), "
    "`P10D` (a duration), `PRESENT_REF` (now); with no reference date, `X` keeps what is unknown "
    "(`XXXX-12-26`: 26 December of an unknown year, `XXXX-WXX-2`: a Tuesday of an unknown week); null when "
    "nothing can be said (`yesterday` with no reference, a year out of range)",
    "granularity": "the unit of `value`: day, time, week, weekend, month, quarter, half, season, year, decade, "
    "century, duration or ref (now / vague references)",
    "date_start": "first day the expression covers (UTC midnight); null when unresolved",
    "date_end": "last day the expression covers, inclusive (UTC midnight); null when unresolved",
    "relative": "true when the value depended on the reference date (a weekday, `last week`, a month-day with no "
    "year, a time with no day); false for absolute forms such as `26 December 2024`",
    "event": "the clause the expression dates: its sentence (cut at `;`, a dateline's dash, a new line)",
    "start": "start offset of the expression in the snippet's `text` (characters)",
    "end": "end offset (exclusive) of the expression in the snippet's `text`",
    "claim_id": "the attribution claim whose content holds the expression, else whose speaker-to-content span "
    "holds it, else whose speaker is within 40 characters; null without one (or without attribution)",
    "kind": "how it was read: date (absolute or month-day), weekday, relative (`last week`, `two days later`), "
    "time, duration, reference (now), vague (recently)",
    "mod": "TIMEX3 modifier: START (early 2011), MID (mid-December), END (late 2024, the end of last year), "
    "BEFORE / AFTER (earlier / later this month)",
    "time_of_day": "the clock time `HH:MM` or the part of day (MO, AF, EV, NI) the expression names, else null",
    "timezone": "the time zone as written (GMT, ET, +02:00), else null",
    "reference_date": "the date relative expressions were resolved against: the snippet's `published_at` day, "
    "else the `reference_date` parameter",
    "speaker_canonical": "canonical speaker of the claim in `claim_id`",
    "label": "a short label of what happened: the piece of the clause around the expression (at most ~120 characters)",
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
    "story_id": "string",
    "label": "string",
}

EVENTS_DOCS: dict[str, str] = {
    "event_id": "id of the event: its `value`, then `@story_id` when grouped by story (`@cluster_id` by cluster)",
    "snippet_id": "the earliest-published snippet that dates the event (its clause is `event`)",
    "value": "the TIMEX3 value all the event's mentions share (see the timeline table's `value`)",
    "granularity": "the unit of `value` (day, week, month, ...)",
    "date_start": "first day of the event's date (UTC midnight)",
    "date_end": "last day of the event's date, inclusive (UTC midnight)",
    "event": "what happened: the clause around the date in `snippet_id` (its whole sentence)",
    "n_mentions": "number of expressions of that date in the story",
    "n_snippets": "number of distinct snippets dating the event",
    "n_sources": "number of distinct outlets (`source`) dating the event",
    "snippet_ids": "the snippets dating the event, earliest published first",
    "sources": "the distinct outlets dating the event, in the same order",
    "speakers": "canonical speakers of the attribution claims that hold the event's dates",
    "mention_ids": "the timeline rows grouped into the event",
    "cluster_id": 'the dedup cluster of the event (only with `events_by="cluster"`), else null',
    "first_published": "earliest `published_at` among the event's snippets",
    "story_id": "the story the event belongs to (from the `stories` analysis), null when stories did not run or "
    "with `events_by` other than `story`",
    "label": "a short label of what happened (the piece of `event`'s clause around the date), for charts and lists",
}


def empty(columns: Mapping[str, str]) -> pd.DataFrame:
    """A table with ``columns`` and their dtypes and no rows (:func:`toolkit.tables.empty_table`)."""
    return empty_table(columns)
