"""Which views apply to a result, and showing one in a notebook cell.

A view is registered by a plugin through the ``register_views`` hook as a
:class:`toolkit.ViewSpec`; it applies to a result when every table it names is there. The core
adds one view of its own, ``snippets`` (text with speakers, quotes, figures and dates
highlighted), because it combines the tables of several plugins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from toolkit.registry import PluginRegistry, default_registry
from toolkit.widgets.display import HTMLView
from toolkit.widgets.highlight import highlight_snippets, highlight_tables


@dataclass(frozen=True)
class AvailableView:
    name: str
    title: str
    plugin: str
    func: Callable[[Any], Any]
    tables: tuple[str, ...]


def snippet_view(result: Any) -> HTMLView:
    """The built-in snippet view (see :func:`toolkit.widgets.highlight_snippets`)."""
    return HTMLView(highlight_snippets(result), title="snippets")


def available_views(result: Any, registry: PluginRegistry | None = None) -> list[AvailableView]:
    """The views that apply to ``result``: the core's snippet view, then the plugins' in registry order."""
    registry = registry or default_registry()
    views = []
    if highlight_tables(result):
        views.append(AvailableView("snippets", "Highlights", "toolkit", snippet_view, ()))
    for name, spec in registry.views.items():
        if all(t in result for t in spec.tables):
            plugin = registry.owner.get(("views", name), "(unregistered)")
            views.append(AvailableView(name, spec.title or name, plugin, spec.func, tuple(spec.tables)))
    return views


def render_view(result: Any, name: str, registry: PluginRegistry | None = None) -> Any:
    """What view ``name`` shows for ``result``, ready to display in a cell (HTML strings are wrapped)."""
    views = {v.name: v for v in available_views(result, registry)}
    if name not in views:
        registry = registry or default_registry()
        spec = registry.views.get(name)
        if spec is None:
            known = ", ".join(["snippets", *registry.views]) or "none"
            raise KeyError(f"no view named {name!r}; registered: {known}")
        missing = [t for t in spec.tables if t not in result]
        raise KeyError(f"view {name!r} needs table(s) {', '.join(missing)}, which this result lacks")
    shown = views[name].func(result)
    if isinstance(shown, str):
        return HTMLView(shown, title=name)
    return shown


def snippet_browser(result: Any, max_snippets: int = 50) -> Any:
    """The snippet view with a filter box (words in the text, a speaker, a snippet id or source)."""
    import ipywidgets as w
    import pandas as pd

    from toolkit.widgets.display import CSS
    from toolkit.widgets.highlight import collect_spans

    snippets = result.snippets
    annotated = [i for i in snippets.index if i in collect_spans(result)]
    haystack = snippets["text"].fillna("").astype(str)
    for col in ("source", "title"):
        if col in snippets.columns:
            haystack = haystack + " " + snippets[col].fillna("").astype(str)
    if "claims" in result and "snippet_id" in result["claims"].columns:
        claims = result["claims"]
        who = [c for c in ("speaker", "speaker_canonical") if c in claims.columns]
        if who:
            names = claims[["snippet_id", *who]].astype("string").fillna("")
            joined = names[who].agg(" ".join, axis=1).groupby(names["snippet_id"]).agg(" ".join)
            haystack = haystack + " " + joined.reindex(snippets.index).fillna("")
    haystack = pd.Series(haystack.str.lower().to_numpy(), index=snippets.index.astype(str))
    search = w.Text(placeholder="filter: words, speaker, source or snippet id", continuous_update=False)
    search.add_class("stk-filter")
    page = w.HTML(CSS + highlight_snippets(result, annotated, max_snippets=max_snippets))

    def update(change: Any = None) -> None:
        query = search.value.strip().lower()
        if not query:
            ids = annotated
        else:
            ids = [i for i in snippets.index if query in str(i).lower() or query in haystack.get(str(i), "")]
        page.value = CSS + highlight_snippets(result, ids, max_snippets=max_snippets)

    search.observe(update, names="value")
    box = w.VBox([search, page])
    box.search = search
    box.page = page
    return box
