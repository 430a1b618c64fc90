"""Turn tables and view outputs into widgets (and plain notebook displays).

Tables use itables' widget (sortable, filterable, searchable; DataTables is bundled, nothing is
fetched) when ``itables`` and ``anywidget`` are installed, and an escaped HTML table otherwise.
A view may return a widget, a mimebundle-producing object (a chart), an object with
``_repr_html_``, an escaped HTML string or a DataFrame; :func:`as_widget` accepts all of them.
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import ipywidgets as w
import pandas as pd

from toolkit.html import escape, frame_to_html

TableBackend = Literal["auto", "itables", "html"]

CSS = """<style>
.stk-card{border:1px solid #d0d7de;border-radius:6px;padding:6px 10px;margin:4px 0;background:#fff}
.stk-error{border-color:#cf222e;background:#fff5f5}
.stk-error b.stk-name{color:#cf222e}
.stk-muted{color:#57606a;font-size:90%}
.stk-badge{display:inline-block;border-radius:10px;padding:0 7px;margin-right:4px;font-size:85%;
 background:#eaeef2;color:#24292f}
.stk-badge.stk-conflict{background:#ffebe9;color:#cf222e;font-weight:bold}
.stk-row{display:flex;flex-wrap:wrap;gap:8px}
.stk-row>.stk-card{flex:1 1 220px;max-width:360px}
.stk-workbench .lm-TabBar-tab{flex:0 0 auto !important;min-width:max-content !important}
table.snippet-toolkit{border-collapse:collapse;font-size:90%}
table.snippet-toolkit td,table.snippet-toolkit th{border:1px solid #d0d7de;padding:2px 6px;text-align:left;
 vertical-align:top}
</style>"""


def itables_available() -> bool:
    try:
        import anywidget  # noqa: F401
        import itables.widget  # noqa: F401
    except Exception:
        return False
    return True


def table_widget(table: pd.DataFrame, backend: TableBackend = "auto", max_rows: int = 200) -> w.Widget:
    """A sortable/filterable itables widget when available, else an escaped HTML table."""
    use_itables = backend == "itables" or (backend == "auto" and itables_available())
    if use_itables:
        from itables.widget import ITable

        shown = _for_itables(table)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # itables warns when it downsamples a large table
            widget = ITable(shown, classes="display compact", maxBytes=2**20, allow_html=False)
        widget.add_class("stk-table")
        return widget
    note = f"<p class='stk-muted'>{len(table)} rows × {len(table.columns)} columns</p>"
    return w.HTML(CSS + note + frame_to_html(table, max_rows=max_rows), layout={"overflow": "auto"})


def _for_itables(table: pd.DataFrame) -> pd.DataFrame:
    """List cells as text (DataTables shows strings, numbers and dates; lists would be `[object]`)."""
    out = table
    for col in table.columns:
        if table[col].dtype == object:
            if out is table:
                out = table.copy()
            out[col] = [_cell_text(v) for v in table[col]]
    if table.index.name is not None:
        out = out.reset_index()
    return out


def _cell_text(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
    return value


def mimebundle(obj: Any) -> dict[str, Any]:
    """The display data of ``obj`` without needing a running IPython."""
    method = getattr(obj, "_repr_mimebundle_", None)
    if callable(method):
        bundle = method(include=None, exclude=None)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        if bundle:
            return dict(bundle)
    html_method = getattr(obj, "_repr_html_", None)
    if callable(html_method):
        rendered = html_method()
        if rendered is not None:
            return {"text/html": rendered, "text/plain": repr(obj)}
    return {"text/plain": repr(obj)}


def as_widget(obj: Any, backend: TableBackend = "auto") -> w.Widget:
    """Wrap whatever a view returned in a widget."""
    if isinstance(obj, w.Widget):
        return obj
    if isinstance(obj, pd.DataFrame):
        return table_widget(obj, backend)
    if isinstance(obj, str):
        return w.HTML(CSS + obj)
    if obj is None:
        return w.HTML("<i>nothing to show</i>")
    bundle = mimebundle(obj)
    if set(bundle) <= {"text/html", "text/plain"} and "text/html" in bundle:
        return w.HTML(CSS + bundle["text/html"])
    out = w.Output()
    out.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)
    return out


class HTMLView:
    """Escaped HTML that displays itself in any notebook (``_repr_html_``)."""

    def __init__(self, body: str, title: str = ""):
        self.body = body
        self.title = title

    def _repr_html_(self) -> str:
        return CSS + self.body

    def __repr__(self) -> str:
        return f"<{self.title or 'view'}>"


def error_card(name: str, plugin: str, message: str, detail: str = "", what: str = "analysis") -> str:
    """An escaped HTML card for a failure that names the analysis (or view) and its plugin."""
    more = (
        f"<details><summary>details</summary><pre style='white-space:pre-wrap'>{escape(detail)}</pre></details>"
        if detail
        else ""
    )
    return (
        f"<div class='stk-card stk-error' role='alert'>{escape(what)} <b class='stk-name'>{escape(name)}</b>"
        f" (plugin <code>{escape(plugin)}</code>): {escape(message)}{more}</div>"
    )
