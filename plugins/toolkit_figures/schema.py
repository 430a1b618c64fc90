"""The tables of the figures plugin: column names and dtypes, defined here and nowhere else.

The contract columns of ``shared/DESIGN.md`` come first, in their order; extras follow.
"""

from __future__ import annotations

#: One row per numeric claim. ``value`` is the number stated (null only for a two-sided range or a
#: number the snippet cut off); ``low``/``high`` are the bounds a range or a one-sided qualifier sets.
FIGURES_COLUMNS: dict[str, str] = {
    "figure_id": "string",
    "snippet_id": "string",
    "text": "string",
    "value": "Float64",
    "low": "Float64",
    "high": "Float64",
    "qualifier": "string",  # exact approximately at_least more_than at_most less_than range
    "unit": "string",  # ISO 4217 code for money, "percent", "km", ... or null for a plain count
    "counted": "string",  # the thing counted, as written ("North Korean troops")
    "truncated": "boolean",
    "start": "Int64",
    "end": "Int64",
    "claim_id": "string",
    "speaker_canonical": "string",
    # extras
    "kind": "string",  # count, money, percent, measure, ratio
    "counted_head": "string",  # normalised head noun of `counted` ("troop"), the comparison key
    "counted_start": "Int64",
    "counted_end": "Int64",
}

#: One row per figure that shares its counted thing (head noun and unit) with at least one other
#: figure in the collection: the figures side by side, who claims which value, and the conflicts.
COMPARISON_COLUMNS: dict[str, str] = {
    "topic": "string",  # counted_head, plus the unit when there is one ("troop", "contract [USD]")
    "figure_id": "string",
    "snippet_id": "string",
    "text": "string",
    "value": "Float64",
    "low": "Float64",
    "high": "Float64",
    "qualifier": "string",
    "unit": "string",
    "counted": "string",
    "speaker_canonical": "string",
    "n_figures": "Int64",  # figures in the topic
    "n_snippets": "Int64",
    "n_speakers": "Int64",  # distinct known speakers in the topic
    "topic_low": "Float64",  # smallest and largest number any figure in the topic states
    "topic_high": "Float64",
    "conflict": "boolean",  # this figure's interval is disjoint from another figure's in the topic
    "conflicts_with": "object",  # the figure_ids it is disjoint from, nearest first (at most max_listed)
    "n_conflicts": "Int64",  # how many figures of the topic it is disjoint from
}
