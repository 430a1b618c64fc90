"""Notebook widgets: the :class:`Workbench`, the snippet highlighter and helpers for plugin views.

Needs ``ipywidgets`` (a dependency of the toolkit); tables use ``itables`` + ``anywidget`` when
installed (the ``notebook`` extra), an escaped HTML table otherwise.
"""

from __future__ import annotations

from toolkit.widgets.display import HTMLView, as_widget, error_card, itables_available, mimebundle, table_widget
from toolkit.widgets.forms import params_form
from toolkit.widgets.highlight import collect_spans, highlight_snippets, highlight_text
from toolkit.widgets.progress import ProgressReporter
from toolkit.widgets.views import available_views, render_view, snippet_view
from toolkit.widgets.workbench import Workbench

__all__ = [
    "HTMLView",
    "ProgressReporter",
    "Workbench",
    "as_widget",
    "available_views",
    "collect_spans",
    "error_card",
    "highlight_snippets",
    "highlight_text",
    "itables_available",
    "mimebundle",
    "params_form",
    "render_view",
    "snippet_view",
    "table_widget",
]
