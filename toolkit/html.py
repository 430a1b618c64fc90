"""HTML for notebooks and reports. Snippet text comes from the web: every cell is escaped."""

from __future__ import annotations

import html

import pandas as pd


def escape(value: object) -> str:
    """Escape any value for HTML text or attribute content ("<script>" shows as text)."""
    if value is None or value is pd.NA:
        return ""
    return html.escape(str(value), quote=True)


def plain(value: object, limit: int | None = None) -> str:
    """Any table cell as display text: "" for a missing value (None, NA, NaN, NaT), lists joined
    with commas, cut to ``limit`` characters with "…". Views use it before ``escape``."""
    if value is None or value is pd.NA:
        return ""
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        text = ", ".join(plain(v) for v in value)
    else:
        try:
            if pd.isna(value):
                return ""
        except (TypeError, ValueError):
            pass
        text = str(value)
    if limit is not None and len(text) > limit:
        return text[: limit - 1] + "…"
    return text


def frame_to_html(frame: pd.DataFrame, max_rows: int = 20, max_chars: int = 300) -> str:
    """A plain HTML table of the first ``max_rows`` rows, every cell escaped and cut to ``max_chars``."""
    head = frame.head(max_rows)
    show_index = head.index.name is not None
    cols = ([head.index.name] if show_index else []) + [str(c) for c in head.columns]
    out = ["<table class='snippet-toolkit'><thead><tr>"]
    out += [f"<th>{escape(c)}</th>" for c in cols]
    out.append("</tr></thead><tbody>")
    for idx, row in zip(head.index, head.itertuples(index=False), strict=True):
        cells = ([idx] if show_index else []) + list(row)
        out.append("<tr>" + "".join(f"<td>{escape(_cut(c, max_chars))}</td>" for c in cells) + "</tr>")
    out.append("</tbody></table>")
    if len(frame) > max_rows:
        out.append(f"<p>… {len(frame) - max_rows} more rows</p>")
    return "".join(out)


def _cut(value: object, limit: int) -> object:
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return value
