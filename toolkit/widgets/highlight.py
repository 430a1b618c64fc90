"""The snippet view: the spans plugins declare (quotes, speakers, figures, dates...) highlighted in the text.

The core names no table here. Every analysis lists what to highlight in its spec
(``AnalysisSpec(highlights=(Highlight(table, start, end, label, color, tooltip), ...))``); this
module reads those declarations from the registry, collects the spans of whichever declared
tables a result has (each optional, rows with missing or bad offsets skipped), and builds the
legend and CSS from the labels and colours. The notebook view, the workbench and the story report
(``toolkit.report``) all use it. Spans may overlap and nest (a figure inside a quote): the text is
cut at every span boundary and each piece carries the classes of every span covering it. Every
piece of text, and every tooltip, is escaped.

It imports no widget library, so the report and the command line can use it without ipywidgets.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.html import escape
from toolkit.specs import Highlight

if TYPE_CHECKING:
    from toolkit.registry import PluginRegistry

Span = tuple[int, int, str, str]  # start, end, label, tooltip

_BASE_CSS = (
    ".stk-snippet{margin:6px 0 10px 0;line-height:1.6}"
    ".stk-snippet .stk-meta{color:#57606a;font-size:85%}"
    ".stk-legend span{padding:0 3px}"
)
_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|(?:rgb|hsl)a?\([0-9., %]{1,40}\)")
_NOT_CSS_NAME = re.compile(r"[^a-z0-9_-]")


def declared_highlights(registry: PluginRegistry | None = None) -> list[Highlight]:
    """Every highlight the registered analyses declare, in registry order."""
    if registry is None:
        from toolkit.registry import default_registry

        registry = default_registry()
    return [hl for spec in registry.analyses.values() for hl in spec.highlights]


def applicable(tables: Any, highlights: Sequence[Highlight]) -> list[Highlight]:
    """The highlights whose table is in ``tables`` (a mapping or a Result)."""
    return [h for h in highlights if h.table in tables]


def highlight_tables(tables: Any, highlights: Sequence[Highlight] | None = None) -> list[str]:
    """The tables among ``tables`` that some declared highlight reads."""
    hls = declared_highlights() if highlights is None else highlights
    return list(dict.fromkeys(h.table for h in applicable(tables, hls)))


def css_class(label: str) -> str:
    """The CSS class of a highlight label (``stk-`` + the label made safe as a class name)."""
    return "stk-" + (_NOT_CSS_NAME.sub("-", str(label).lower()) or "span")


def _safe_color(color: str) -> str:
    return color if isinstance(color, str) and _COLOR.fullmatch(color.strip()) else "#fff8c5"


def _is_dark(color: str) -> bool:
    """True for a dark #rgb/#rrggbb colour: it underlines the span instead of filling it."""
    digits = color.lstrip("#")
    if not color.startswith("#") or len(digits) not in (3, 6):
        return False
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.299 * r + 0.587 * g + 0.114 * b < 140


def highlight_css(highlights: Sequence[Highlight]) -> str:
    """A ``<style>`` block: one rule per label, from the declared colours (the first one wins)."""
    rules = [_BASE_CSS]
    seen: set[str] = set()
    for hl in highlights:
        cls = css_class(hl.label)
        if cls in seen:
            continue
        seen.add(cls)
        color = _safe_color(hl.color)
        if _is_dark(color):
            rules.append(f".{cls}{{border-bottom:2px solid {color};color:{color};font-weight:600}}")
        else:
            rules.append(f".{cls}{{background:{color};border-radius:2px}}")
    return "<style>" + "".join(rules) + "</style>"


def highlight_legend(highlights: Sequence[Highlight]) -> str:
    """One line naming each label in its own colours."""
    labels = dict.fromkeys(h.label for h in highlights)
    if not labels:
        return ""
    items = " · ".join(f"<span class='{css_class(label)}'>{escape(label)}</span>" for label in labels)
    return f"<p class='stk-legend'>{items}</p>"


def _tooltip(hl: Highlight, row: Mapping[str, Any]) -> str:
    if hl.tooltip is None:
        return hl.label
    try:
        return str(hl.tooltip(row))
    except Exception:  # a plugin's tooltip must not break the view of everything else
        return hl.label


def collect_spans(
    tables: Any,
    snippet_ids: Iterable[str] | None = None,
    highlights: Sequence[Highlight] | None = None,
) -> dict[str, list[Span]]:
    """Spans per snippet id from every declared highlight whose table is present.

    ``highlights`` defaults to those the installed analyses declare. Rows with missing or
    non-numeric offsets, or a missing snippet id, are skipped.
    """
    wanted = None if snippet_ids is None else set(snippet_ids)
    hls = declared_highlights() if highlights is None else highlights
    spans: dict[str, list[Span]] = {}
    for hl in applicable(tables, hls):
        table = tables[hl.table]
        if not {"snippet_id", hl.start, hl.end} <= set(table.columns):
            continue
        if wanted is not None:
            table = table[table["snippet_id"].isin(wanted)]
        starts = pd.to_numeric(table[hl.start], errors="coerce")
        ends = pd.to_numeric(table[hl.end], errors="coerce")
        ok = starts.notna() & ends.notna() & table["snippet_id"].notna()
        if not ok.any():
            continue
        sub = table[ok]
        rows = sub.to_dict("records") if hl.tooltip is not None else [{"snippet_id": s} for s in sub["snippet_id"]]
        for row, start, end in zip(rows, starts[ok], ends[ok], strict=True):
            spans.setdefault(str(row["snippet_id"]), []).append((int(start), int(end), hl.label, _tooltip(hl, row)))
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
        classes = " ".join(dict.fromkeys(css_class(k) for k, _ in active))
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
    highlights: Sequence[Highlight] | None = None,
) -> str:
    """Escaped HTML: each snippet's text with the declared spans highlighted, legend first.

    ``result`` is a :class:`toolkit.Result` (or anything with ``.snippets`` and table lookup).
    Without ``snippet_ids``, the first ``max_snippets`` snippets with at least one highlight.
    """
    hls = applicable(result, declared_highlights() if highlights is None else highlights)
    snippets: pd.DataFrame = result.snippets
    ids = list(snippet_ids) if snippet_ids is not None else None
    spans = collect_spans(result, ids, hls)
    if ids is None:
        ids = [i for i in snippets.index if not only_annotated or i in spans]
    ids = [i for i in ids if i in snippets.index]
    shown = ids[:max_snippets]
    used = list(dict.fromkeys(h.table for h in hls))
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
    return highlight_css(hls) + highlight_legend(hls) + head + "".join(body) + more
