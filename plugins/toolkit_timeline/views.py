"""Notebook view of the timeline plugin: a chart of dated mentions (events and sources on hover).

The chart is a Vega-Lite v5 specification displayed under the ``application/vnd.vegalite.v5+json``
mimetype, which JupyterLab, Notebook 7 and VS Code render with the Vega renderer they ship:
no server, no JavaScript fetched from a CDN, no Python charting dependency. (Altair 6 emits
Vega-Lite v6, which JupyterLab 4 does not render, and its default renderer loads JavaScript from a
CDN; ``TimelineChart.to_altair()`` still gives an Altair chart to those who want one.)

Each mention with a date is a point at its start (a bar to its end for a week, month or year),
one lane per outlet (or per snippet when sources are unknown), coloured by granularity.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from toolkit import ViewSpec, hookimpl
from toolkit.html import escape

MIMETYPE = "application/vnd.vegalite.v5+json"
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
MAX_POINTS = 5000


def _text(value: Any, limit: int = 200) -> str | None:
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _iso(value: Any) -> str | None:
    if value is None or value is pd.NA or pd.isna(value):
        return None
    return pd.Timestamp(value).strftime("%Y-%m-%dT%H:%M:%S")


def chart_data(result: Any, max_points: int = MAX_POINTS) -> tuple[list[dict[str, Any]], int]:
    """The chart's rows (JSON-able) and how many mentions had no date to plot."""
    timeline: pd.DataFrame = result["timeline"]
    snippets: pd.DataFrame = result.snippets
    if "date_start" not in timeline.columns or timeline.empty:
        return [], len(timeline)
    start = pd.to_datetime(timeline["date_start"], errors="coerce", utc=True)
    end = (
        pd.to_datetime(timeline["date_end"], errors="coerce", utc=True)
        if "date_end" in timeline.columns
        else pd.Series(pd.NaT, index=timeline.index)
    )
    dated = timeline[start.notna()]
    undated = len(timeline) - len(dated)
    dated = dated.head(max_points)
    rows = []
    for rec, s, e in zip(dated.to_dict("records"), start[dated.index], end[dated.index], strict=True):
        sid = _text(rec.get("snippet_id")) or ""
        snippet = snippets.loc[sid] if sid in snippets.index else None
        source = _text(snippet.get("source")) if snippet is not None and "source" in snippet.index else None
        title = _text(snippet.get("title")) if snippet is not None and "title" in snippet.index else None
        rows.append(
            {
                "start": _iso(s),
                "end": _iso(e) if e is not None and not pd.isna(e) and e > s else _iso(s),
                "value": _text(rec.get("value")),
                "mention": _text(rec.get("text")),
                "event": _text(rec.get("event")),
                "granularity": _text(rec.get("granularity")) or "unknown",
                "relative": bool(rec.get("relative")) if _text(rec.get("relative")) is not None else None,
                "snippet_id": sid,
                "source": source,
                "lane": source or sid,
                "title": title,
                "snippet": _text(snippet.get("text"), 160) if snippet is not None else None,
            }
        )
    return rows, undated


def timeline_spec(result: Any, width: int = 640) -> dict[str, Any]:
    """The Vega-Lite v5 specification of the timeline chart."""
    rows, undated = chart_data(result)
    first: dict[str, str] = {}
    for r in rows:  # lanes ordered by their earliest mention, so the chart reads top-down in time
        first[r["lane"]] = min(first.get(r["lane"], r["start"]), r["start"])
    lanes = sorted(first, key=lambda lane: (first[lane], lane))
    has_sources = any(r["source"] for r in rows)
    tooltip = [
        {"field": "start", "type": "temporal", "title": "date", "format": "%Y-%m-%d"},
        {"field": "value", "type": "nominal", "title": "normalised"},
        {"field": "mention", "type": "nominal", "title": "as written"},
        {"field": "event", "type": "nominal", "title": "event"},
        {"field": "source", "type": "nominal", "title": "source"},
        {"field": "snippet_id", "type": "nominal", "title": "snippet"},
        {"field": "snippet", "type": "nominal", "title": "text"},
    ]
    x = {"field": "start", "type": "temporal", "title": "date", "axis": {"format": "%Y-%m-%d", "labelAngle": -30}}
    y = {"field": "lane", "type": "nominal", "title": "source" if has_sources else "snippet", "sort": lanes}
    color = {"field": "granularity", "type": "nominal", "title": "granularity"}
    subtitle = f"{len(rows)} dated mention(s)" + (f"; {undated} without a date not shown" if undated else "")
    return {
        "$schema": SCHEMA,
        "title": {"text": "Timeline", "subtitle": subtitle},
        "width": width,
        "height": max(60, min(22 * max(len(lanes), 1), 600)),
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 6, "opacity": 0.35},
                "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "color": color, "tooltip": tooltip},
            },
            {
                "mark": {"type": "point", "filled": True, "size": 90, "opacity": 0.85},
                "encoding": {"x": x, "y": y, "color": color, "tooltip": tooltip},
            },
        ],
        "config": {"view": {"stroke": None}},
    }


class TimelineChart:
    """A Vega-Lite chart that displays itself in JupyterLab, Notebook 7 and VS Code (``spec`` is the dict)."""

    def __init__(self, spec: dict[str, Any]):
        self.spec = spec

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        n = len(self.spec["data"]["values"])
        return {MIMETYPE: self.spec, "text/plain": f"<TimelineChart: {n} dated mention(s)>"}

    def to_json(self) -> str:
        return json.dumps(self.spec)

    def to_html_table(self) -> str:
        """An escaped HTML list of the points, for places without a Vega renderer."""
        items = "".join(
            f"<li>{escape((r['start'] or '')[:10])}: {escape(r['mention'])} [{escape(r['lane'])}]</li>"
            for r in sorted(self.spec["data"]["values"], key=lambda r: r["start"] or "")
        )
        return f"<ul>{items}</ul>"

    def to_altair(self) -> Any:
        import altair as alt

        return alt.LayerChart.from_dict({k: v for k, v in self.spec.items() if k != "$schema"})

    def __repr__(self) -> str:
        return f"<TimelineChart: {len(self.spec['data']['values'])} dated mention(s)>"


def timeline_chart(result: Any) -> TimelineChart:
    """The ``timeline`` view."""
    return TimelineChart(timeline_spec(result))


@hookimpl
def register_views(register):
    register(
        ViewSpec(
            name="timeline",
            func=timeline_chart,
            tables=("timeline",),
            title="Timeline",
            description="Dated mentions on a time axis; events and sources on hover",
        )
    )
