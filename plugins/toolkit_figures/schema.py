"""The tables of the figures plugin: column names and dtypes, defined here and nowhere else.

The contract columns of the project's design come first, in their order; extras follow. Next to
each ``{column: dtype}`` dict, ``<TABLE>_DOCS`` says what every column means (``docs/columns.md``
is generated from them).
"""

from __future__ import annotations

#: One row per numeric claim. ``value`` is the number stated (null only for a two-sided range, a
#: vague quantity or a number the snippet cut off); ``low``/``high`` are the bounds a range or a
#: one-sided qualifier sets.
FIGURES_COLUMNS: dict[str, str] = {
    "figure_id": "string",
    "snippet_id": "string",
    "text": "string",
    "value": "Float64",
    "low": "Float64",
    "high": "Float64",
    "qualifier": "string",
    "unit": "string",
    "counted": "string",
    "truncated": "boolean",
    "start": "Int64",
    "end": "Int64",
    "claim_id": "string",
    "speaker_canonical": "string",
    # extras
    "kind": "string",
    "counted_head": "string",
    "counted_start": "Int64",
    "counted_end": "Int64",
}

FIGURES_DOCS: dict[str, str] = {
    "figure_id": "id of the figure: `<snippet_id>:f<n>`, numbered in text order",
    "snippet_id": "the snippet the figure was read in",
    "text": "the figure as written, qualifier, currency and unit included (`text[start:end]` of the snippet)",
    "value": 'the number stated, scale and sign applied ("$4bn" -> 4e9); null for a two-sided range, a '
    'vague quantity ("thousands of") or a number the snippet cut off',
    "low": 'lower bound a range or a qualifier sets ("more than 10" -> 10; "over 1," cut off -> 1000)',
    "high": 'upper bound a range or a qualifier sets ("up to 15,000" -> 15000)',
    "qualifier": 'exact, approximately, at_least, more_than, at_most, less_than, range, or vague ("thousands '
    'of": no value)',
    "unit": "ISO 4217 code for money, `percent`, `percentage_point`, `km`, `t`, `magnitude`, a duration unit "
    "(`day`, `year`, ...), `ratio`, ...; null for a plain count",
    "counted": 'the thing counted, as written ("North Korean troops"; "death toll" in "the death toll rose to 69")',
    "truncated": 'true when the snippet cut the number off ("over 1," or "16.14 ..." at a snippet\'s end)',
    "start": "start offset of the figure's span in the snippet's `text`",
    "end": "end offset (exclusive) of the figure's span in the snippet's `text`",
    "claim_id": "the attribution claim whose content span holds the figure (innermost), when attribution ran",
    "speaker_canonical": "canonical speaker of that claim",
    "kind": "count, money, percent, measure or ratio",
    "counted_head": 'normalised head noun of `counted` ("troop"), the comparison key',
    "counted_start": "start offset of `counted` in the snippet's `text`",
    "counted_end": "end offset (exclusive) of `counted` in the snippet's `text`",
}

#: One row per figure that shares its story, counted thing (by meaning) and unit with at least one
#: other figure: the figures side by side, who claims which value, and the conflicts.
COMPARISON_COLUMNS: dict[str, str] = {
    "story_id": "string",
    "topic": "string",
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
    "n_figures": "Int64",
    "n_snippets": "Int64",
    "n_speakers": "Int64",
    "topic_low": "Float64",
    "topic_high": "Float64",
    "conflict": "boolean",
    "conflicts_with": "object",
    "n_conflicts": "Int64",
}

COMPARISON_DOCS: dict[str, str] = {
    "story_id": "the story the figures were compared in (the `stories` analysis); null when no stories ran "
    "(the whole collection is one story)",
    "topic": 'what the figures count, by meaning ("soldier" for troops and soldiers, "dead" for the death '
    'toll, fatalities and people killed), plus the unit in brackets when there is one ("contract [USD]")',
    "figure_id": "the figure (a row of the `figures` table)",
    "snippet_id": "the snippet the figure was read in",
    "text": "the figure as written",
    "value": "the figure's value (see `figures.value`)",
    "low": "the figure's lower bound (see `figures.low`)",
    "high": "the figure's upper bound (see `figures.high`)",
    "qualifier": "the figure's qualifier (see `figures.qualifier`)",
    "unit": "the figure's unit (see `figures.unit`)",
    "counted": "the thing counted, as written in this snippet",
    "speaker_canonical": "who claims the figure (canonical speaker of its claim), when attribution ran",
    "n_figures": "figures in this story and topic",
    "n_snippets": "distinct snippets among them",
    "n_speakers": "distinct known speakers among them",
    "topic_low": "smallest number any figure of the topic states",
    "topic_high": "largest number any figure of the topic states",
    "conflict": "true when this figure's interval of values is disjoint from another figure's in the same story "
    "and topic (compatible statements such as a range and a value inside it are not conflicts)",
    "conflicts_with": "the figure_ids it is disjoint from, nearest first (at most `max_listed`)",
    "n_conflicts": "how many figures of the story and topic it is disjoint from",
}
