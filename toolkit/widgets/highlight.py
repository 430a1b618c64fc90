"""The snippet view: speakers, quotes, figures and dates highlighted in the text.

It combines whichever of the ``claims``, ``figures`` and ``timeline`` tables a result has (each
optional, and each optional column tolerated), so it lives in the core rather than in one plugin.
Spans may overlap and nest (a figure inside a quote): the text is cut at every span boundary and
each piece carries the classes of every span covering it. Every piece of text is escaped.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from toolkit.html import escape, plain

HIGHLIGHT_CSS = """<style>
.stk-snippet{margin:6px 0 10px 0;line-height:1.6}
.stk-snippet .stk-meta{color:#57606a;font-size:85%}
.stk-quote{background:#fff8c5}
.stk-speaker{font-weight:600;color:#0550ae;border-bottom:2px solid #0969da}
.stk-figure{background:#dafbe1;outline:1px solid #2da44e}
.stk-date{background:#fbefff;border-bottom:2px dashed #8250df}
</style>"""

LEGEND = (
    "<p class='stk-legend'><span class='stk-speaker'>speaker</span> · <span class='stk-quote'>quote / claim</span>"
    " · <span class='stk-figure'>figure</span> · <span class='stk-date'>date</span></p>"
)

#: Which table gives which highlight: (table, start column, end column, css class).
SPAN_SOURCES: tuple[tuple[str, str, str, str], ...] = (
    ("claims", "content_start", "content_end", "quote"),
    ("claims", "speaker_start", "speaker_end", "speaker"),
    ("figures", "start", "end", "figure"),
    ("timeline", "start", "end", "date"),
)

Span = tuple[int, int, str, str]  # start, end, class, tooltip


def highlight_tables(tables: Any) -> list[str]:
    """The tables this view can use among ``tables`` (a mapping or a Result)."""
    return [t for t in ("claims", "figures", "timeline") if t in tables]


def _tooltip(kind: str, row: dict[str, Any]) -> str:
    def get(col: str) -> str:
        return plain(row.get(col))

    if kind == "quote":
        who = get("speaker_canonical") or get("speaker")
        return f"{get('kind') or 'claim'}{' by ' + who if who else ''}"
    if kind == "speaker":
        canonical = get("speaker_canonical")
        return f"speaker{': ' + canonical if canonical else ''}"
    if kind == "figure":
        parts = [get("value") or f"{get('low')}–{get('high')}".strip("–"), get("unit"), get("counted")]
        qualifier = get("qualifier")
        return "figure: " + " ".join(p for p in parts if p) + (f" ({qualifier})" if qualifier else "")
    return "date: " + (get("value") or get("text"))


def collect_spans(tables: Any, snippet_ids: Iterable[str] | None = None) -> dict[str, list[Span]]:
    """Spans per snippet id from every table present; rows with missing or bad offsets are skipped."""
    wanted = None if snippet_ids is None else set(snippet_ids)
    spans: dict[str, list[Span]] = {}
    for table_name, start_col, end_col, kind in SPAN_SOURCES:
        if table_name not in tables:
            continue
        table = tables[table_name]
        if not {"snippet_id", start_col, end_col} <= set(table.columns):
            continue
        if wanted is not None:
            table = table[table["snippet_id"].isin(wanted)]
        starts = pd.to_numeric(table[start_col], errors="coerce")
        ends = pd.to_numeric(table[end_col], errors="coerce")
        ok = starts.notna() & ends.notna() & table["snippet_id"].notna()
        if not ok.any():
            continue
        sub = table[ok]
        for row, start, end in zip(sub.to_dict("records"), starts[ok], ends[ok], strict=True):
            spans.setdefault(str(row["snippet_id"]), []).append((int(start), int(end), kind, _tooltip(kind, row)))
    return spans


def highlight_text(text: Any, spans: Sequence[Span]) -> str:
    """Escaped HTML of ``text`` with each span wrapped in a classed ``<span>`` (overlaps allowed)."""
    if text is None or text is pd.NA or (isinstance(text, float) and pd.isna(text)):
        return "<i>(no text)</i>"
    text = str(text)
    n = len(text)
    good = [(s, e, k, t) for s, e, k, t in spans if 0 <= s < e <= n]
    if not good:
        return escape(text)
    cuts = sorted({0, n, *(s for s, *_ in good), *(e for _, e, *_ in good)})
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = escape(text[a:b])
        active = [(k, t) for s, e, k, t in good if s <= a and e >= b]
        if not active:
            out.append(piece)
            continue
        classes = " ".join(dict.fromkeys(f"stk-{k}" for k, _ in active))
        title = " | ".join(dict.fromkeys(t for _, t in active if t))
        out.append(f"<span class='{classes}' title='{escape(title)}'>{piece}</span>")
    return "".join(out)


def _meta(snippet_id: str, row: dict[str, Any]) -> str:
    parts = [f"<b>{escape(snippet_id)}</b>"]
    for col in ("source", "published_at", "title", "cluster_id"):
        value = row.get(col)
        if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
            continue
        if isinstance(value, pd.Timestamp):
            value = value.strftime("%Y-%m-%d %H:%M")
        parts.append(f"{escape(col)}: {escape(value)}" if col == "cluster_id" else escape(value))
    return " · ".join(parts)


def highlight_snippets(
    result: Any,
    snippet_ids: Iterable[str] | None = None,
    max_snippets: int = 50,
    only_annotated: bool = True,
) -> str:
    """Escaped HTML: each snippet's text with speakers, quotes, figures and dates highlighted.

    ``result`` is a :class:`toolkit.Result` (or anything with ``.snippets`` and table lookup).
    Without ``snippet_ids``, the first ``max_snippets`` snippets with at least one highlight.
    """
    snippets: pd.DataFrame = result.snippets
    ids = list(snippet_ids) if snippet_ids is not None else None
    spans = collect_spans(result, ids)
    if ids is None:
        ids = [i for i in snippets.index if not only_annotated or i in spans]
    ids = [i for i in ids if i in snippets.index]
    shown = ids[:max_snippets]
    used = highlight_tables(result)
    head = (
        f"<p class='stk-muted'>{len(ids)} snippet(s) with highlights from "
        f"{escape(', '.join(used) or 'no table')}; showing {len(shown)}</p>"
    )
    rows = snippets.loc[shown] if shown else snippets.iloc[:0]
    body = []
    for snippet_id, row in zip(rows.index, rows.to_dict("records"), strict=True):
        body.append(
            f"<div class='stk-snippet' data-snippet-id='{escape(snippet_id)}'>"
            f"<div class='stk-meta'>{_meta(str(snippet_id), row)}</div>"
            f"<div class='stk-text'>{highlight_text(row.get('text'), spans.get(str(snippet_id), []))}</div></div>"
        )
    more = f"<p class='stk-muted'>… {len(ids) - len(shown)} more</p>" if len(ids) > len(shown) else ""
    return HIGHLIGHT_CSS + LEGEND + head + "".join(body) + more
