"""Which views apply to a result, and showing one in a notebook cell.

A view is registered by a plugin through the ``register_views`` hook as a
:class:`toolkit.ViewSpec`; it applies to a result when every table it names is there. The core
adds one view of its own, ``snippets``: the text with the spans every analysis declares
(``AnalysisSpec.highlights``) highlighted, because it combines the tables of several plugins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.registry import PluginRegistry, default_registry
from toolkit.specs import Highlight
from toolkit.widgets.display import HTMLView
from toolkit.widgets.highlight import applicable, collect_spans, declared_highlights, highlight_snippets


@dataclass(frozen=True)
class AvailableView:
    name: str
    title: str
    plugin: str
    func: Callable[[Any], Any]
    tables: tuple[str, ...]
    #: what the workbench shows instead of ``func(result)``, when the view has an interactive form
    widget: Callable[[Any], Any] | None = None


def snippet_view(result: Any, registry: PluginRegistry | None = None) -> HTMLView:
    """The built-in snippet view (see :func:`toolkit.widgets.highlight_snippets`)."""
    return HTMLView(highlight_snippets(result, highlights=declared_highlights(registry)), title="snippets")


def available_views(result: Any, registry: PluginRegistry | None = None) -> list[AvailableView]:
    """The views that apply to ``result``: the core's snippet view, then the plugins' in registry order."""
    registry = registry or default_registry()
    views = []
    highlights = applicable(result, declared_highlights(registry))
    if highlights:
        views.append(
            AvailableView(
                "snippets",
                "Highlights",
                "toolkit",
                lambda r: snippet_view(r, registry),
                (),
                widget=lambda r: snippet_browser(r, highlights=highlights),
            )
        )
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


def snippet_browser(result: Any, max_snippets: int = 50, highlights: Sequence[Highlight] | None = None) -> Any:
    """The snippet view with a filter box: words of the text, its source or title, its snippet id,
    or what its highlights' tooltips say (a speaker's canonical name, a date's value)."""
    import ipywidgets as w
    import pandas as pd

    from toolkit.widgets.display import CSS

    hls = applicable(result, declared_highlights() if highlights is None else highlights)
    snippets = result.snippets
    spans = collect_spans(result, highlights=hls)
    annotated = [i for i in snippets.index if i in spans]
    haystack = snippets["text"].fillna("").astype(str)
    for col in ("source", "title"):
        if col in snippets.columns:
            haystack = haystack + " " + snippets[col].fillna("").astype(str)
    tips = pd.Series({sid: " ".join(t for *_, t in found) for sid, found in spans.items()}, dtype="string")
    haystack = haystack + " " + tips.reindex(snippets.index.astype(str)).fillna("").to_numpy()
    haystack = pd.Series(haystack.str.lower().to_numpy(), index=snippets.index.astype(str))
    search = w.Text(placeholder="filter: words, speaker, source or snippet id", continuous_update=False)
    search.add_class("stk-filter")
    page = w.HTML(CSS + highlight_snippets(result, annotated, max_snippets=max_snippets, highlights=hls))

    def update(change: Any = None) -> None:
        query = search.value.strip().lower()
        if not query:
            ids = annotated
        else:
            ids = [i for i in snippets.index if query in str(i).lower() or query in haystack.get(str(i), "")]
        page.value = CSS + highlight_snippets(result, ids, max_snippets=max_snippets, highlights=hls)

    search.observe(update, names="value")
    box = w.VBox([search, page])
    box.search = search
    box.page = page
    return box
