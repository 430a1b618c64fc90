"""The hedges plugin's outputs: each column's dtype and its one-line meaning."""

from __future__ import annotations

#: Snippet column added by the ``hedges`` analysis.
HEDGED_COLUMNS: dict[str, str] = {"hedged": "boolean"}

HEDGED_DOCS: dict[str, str] = {
    "hedged": "true when the snippet holds at least one hedging phrase; null when the snippet has no text",
}

#: One row per hedging phrase found.
HEDGES_COLUMNS: dict[str, str] = {
    "snippet_id": "string",
    "hedge_id": "string",
    "term": "string",
    "start": "Int64",
    "end": "Int64",
}

HEDGES_DOCS: dict[str, str] = {
    "snippet_id": "the snippet the phrase is in",
    "hedge_id": "id of the match: `{snippet_id}:h{n}`, n counting the snippet's matches in text order",
    "term": "the hedging phrase as written (`text[start:end]` of the snippet)",
    "start": "start offset of the phrase in the snippet's `text` (characters)",
    "end": "end offset (exclusive) of the phrase in the snippet's `text`",
}
