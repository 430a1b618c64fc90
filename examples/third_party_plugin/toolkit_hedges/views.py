"""The notebook view: the hedged snippets, their phrases highlighted by the core's highlighter.

The plugin writes no marking code of its own: it declares the highlight on its spec
(:data:`HEDGE_HIGHLIGHT`), so the core's snippet view and the story report mark hedges too, and
this view asks the core's highlighter for the hedged snippets only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from toolkit.html import plain
from toolkit.specs import Highlight


def hedge_tooltip(row: Mapping[str, Any]) -> str:
    return f"hedge: {plain(row.get('term'))}"


HEDGE_HIGHLIGHT = Highlight("hedges", "start", "end", "hedge", "#ffd8b5", hedge_tooltip)


def hedges_view(result: Any) -> str:
    """Escaped HTML: each hedged snippet with its hedging phrases highlighted."""
    from toolkit.widgets.highlight import highlight_snippets

    table = result["hedges"]
    ids = list(dict.fromkeys(str(s) for s in table["snippet_id"].dropna()))
    return "<h4>Hedged snippets</h4>" + highlight_snippets(result, ids, highlights=[HEDGE_HIGHLIGHT])
