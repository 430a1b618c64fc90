"""Notebook widgets: the :class:`Workbench`, the snippet highlighter and helpers for plugin views.

Needs ``ipywidgets`` (a dependency of the toolkit); tables use ``itables`` + ``anywidget`` when
installed (the ``notebook`` extra), an escaped HTML table otherwise. Names are imported on first
use, so ``toolkit.widgets.highlight`` (used by the story report and the command line) loads no
widget library.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "HTMLView": "display",
    "as_widget": "display",
    "error_card": "display",
    "itables_available": "display",
    "mimebundle": "display",
    "table_widget": "display",
    "params_form": "forms",
    "collect_spans": "highlight",
    "declared_highlights": "highlight",
    "highlight_snippets": "highlight",
    "highlight_text": "highlight",
    "ProgressReporter": "progress",
    "available_views": "views",
    "render_view": "views",
    "snippet_view": "views",
    "Workbench": "workbench",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'toolkit.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"toolkit.widgets.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


__all__ = sorted(_WHERE)
