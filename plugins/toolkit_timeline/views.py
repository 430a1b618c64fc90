"""Notebook view of the timeline plugin: a chart of the events (what happened, on the y axis) by date.

The chart is a Vega-Lite v5 specification displayed under the ``application/vnd.vegalite.v5+json``
mimetype, which JupyterLab, Notebook 7 and VS Code render with the Vega renderer they ship:
no server, no JavaScript fetched from a CDN, no Python charting dependency. (Altair 6 emits
Vega-Lite v6, which JupyterLab 4 does not render, and its default renderer loads JavaScript from a
CDN; ``TimelineChart.to_altair()`` still gives an Altair chart to those who want one.)

Each event of the ``events`` table is one row of the chart, labelled with what happened (its
``label``) and ordered by date: a point at its date (a bar to its end for a week, month or year),
sized by the number of outlets that date it, coloured by story (or granularity with one story).
Without an ``events`` table (``events=False``, older results) each dated mention is a row instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from toolkit import ViewSpec, hookimpl
from toolkit.html import escape

MIMETYPE = "application/vnd.vegalite.v5+json"
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
MAX_POINTS = 200  # events on the y axis: beyond this the most corroborated are shown


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


def date_tooltip(row: Mapping[str, Any]) -> str:
    """The snippet view's tooltip of a highlighted date (declared on the analysis's spec)."""
    return "date: " + (_text(row.get("value")) or _text(row.get("text")) or "")


def _span(start: Any, end: Any) -> tuple[str | None, str | None]:
    s = _iso(start)
    return s, (_iso(end) if end is not None and not pd.isna(end) and end > start else s)


def _unique_lanes(rows: list[dict[str, Any]]) -> None:
    """Give each row a distinct lane (two events with the same label get their date appended)."""
    seen: dict[str, int] = {}
    for r in rows:
        seen[r["lane"]] = seen.get(r["lane"], 0) + 1
    for r in rows:
        if seen[r["lane"]] > 1:
            r["lane"] = f"{r['lane']} ({r['value'] or (r['start'] or '')[:10]})"


def _event_rows(events: pd.DataFrame, max_points: int) -> tuple[list[dict[str, Any]], int]:
    """One row per event; beyond ``max_points`` the most corroborated events are kept."""
    dated = events[pd.to_datetime(events["date_start"], errors="coerce", utc=True).notna()]
    if len(dated) > max_points:
        by_weight = dated.sort_values(["n_sources", "n_snippets"], ascending=False, kind="stable")
        dated = dated.loc[sorted(by_weight.index[:max_points])]
    rows = []
    for rec in dated.to_dict("records"):
        start, end = _span(pd.Timestamp(rec["date_start"]), rec.get("date_end"))
        label = _text(rec.get("label"), 80) or _text(rec.get("event"), 80) or _text(rec.get("value")) or ""
        sources = [str(x) for x in (rec.get("sources") or [])]
        rows.append({
            "start": start, "end": end, "value": _text(rec.get("value")), "label": label,
            "event": _text(rec.get("event")), "source": ", ".join(sources) or None,
            "snippet_id": ", ".join(str(x) for x in (rec.get("snippet_ids") or [])),
            "speakers": ", ".join(str(x) for x in (rec.get("speakers") or [])) or None,
            "n_sources": int(rec.get("n_sources") or 0), "n_snippets": int(rec.get("n_snippets") or 0),
            "granularity": _text(rec.get("granularity")) or "unknown", "story": _text(rec.get("story_id")),
            "lane": label,
        })  # fmt: skip
    _unique_lanes(rows)
    return rows, len(events) - len(rows)


def _mention_rows(result: Any, max_points: int) -> tuple[list[dict[str, Any]], int]:
    """One row per dated mention (when the result has no ``events`` table)."""
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
    dated = timeline[start.notna()].head(max_points)
    rows = []
    for rec, s, e in zip(dated.to_dict("records"), start[dated.index], end[dated.index], strict=True):
        sid = _text(rec.get("snippet_id")) or ""
        source = None
        if "source" in snippets.columns and sid in snippets.index:
            source = _text(snippets.at[sid, "source"])
        a, b = _span(s, e)
        label = _text(rec.get("label"), 80) or _text(rec.get("event"), 80) or _text(rec.get("text")) or sid
        rows.append({
            "start": a, "end": b, "value": _text(rec.get("value")), "label": label, "event": _text(rec.get("event")),
            "source": source, "snippet_id": sid, "speakers": _text(rec.get("speaker_canonical")), "n_sources": 1,
            "n_snippets": 1, "granularity": _text(rec.get("granularity")) or "unknown", "story": None, "lane": label,
        })  # fmt: skip
    _unique_lanes(rows)
    return rows, len(timeline) - len(rows)


def chart_data(result: Any, max_points: int = MAX_POINTS) -> tuple[list[dict[str, Any]], int]:
    """The chart's rows (JSON-able), one per event (else per dated mention), and how many are not shown."""
    if "events" in result and {"date_start", "label", "n_sources"} <= set(result["events"].columns):
        return _event_rows(result["events"], max_points)
    if "timeline" not in result:
        return [], 0
    return _mention_rows(result, max_points)


def timeline_spec(result: Any, width: int = 640) -> dict[str, Any]:
    """The Vega-Lite v5 specification of the timeline chart: events on the y axis, in date order."""
    rows, hidden = chart_data(result)
    lanes = [r["lane"] for r in sorted(rows, key=lambda r: (r["start"] or "", r["lane"]))]
    stories = {r["story"] for r in rows if r["story"]}
    tooltip = [
        {"field": "start", "type": "temporal", "title": "date", "format": "%Y-%m-%d"},
        {"field": "value", "type": "nominal", "title": "normalised"},
        {"field": "label", "type": "nominal", "title": "what happened"},
        {"field": "event", "type": "nominal", "title": "clause"},
        {"field": "source", "type": "nominal", "title": "sources"},
        {"field": "speakers", "type": "nominal", "title": "according to"},
        {"field": "snippet_id", "type": "nominal", "title": "snippets"},
    ]
    x = {"field": "start", "type": "temporal", "title": "date", "axis": {"format": "%Y-%m-%d", "labelAngle": -30}}
    y = {"field": "lane", "type": "nominal", "title": None, "sort": lanes, "axis": {"labelLimit": 360}}
    color = (
        {"field": "story", "type": "nominal", "title": "story"}
        if len(stories) > 1
        else {"field": "granularity", "type": "nominal", "title": "granularity"}
    )
    size = {"field": "n_sources", "type": "quantitative", "title": "outlets", "scale": {"range": [60, 300]}}
    subtitle = f"{len(rows)} event(s) by date" + (f"; {hidden} more not shown" if hidden else "")
    return {
        "$schema": SCHEMA,
        "title": {"text": "Timeline", "subtitle": subtitle},
        "width": width,
        "height": max(60, 20 * max(len(lanes), 1)),
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 6, "opacity": 0.35},
                "encoding": {"x": x, "x2": {"field": "end"}, "y": y, "color": color, "tooltip": tooltip},
            },
            {
                "mark": {"type": "point", "filled": True, "opacity": 0.85},
                "encoding": {"x": x, "y": y, "color": color, "size": size, "tooltip": tooltip},
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
        return {MIMETYPE: self.spec, "text/plain": f"<TimelineChart: {n} event(s)>"}

    def to_json(self) -> str:
        return json.dumps(self.spec)

    def to_html_table(self) -> str:
        """An escaped HTML list of the points, for places without a Vega renderer."""
        items = "".join(
            f"<li>{escape((r['start'] or '')[:10])}: {escape(r['label'])} "
            f"[{escape(r['source'] or r['snippet_id'])}]</li>"
            for r in sorted(self.spec["data"]["values"], key=lambda r: r["start"] or "")
        )
        return f"<ul>{items}</ul>"

    def to_altair(self) -> Any:
        import altair as alt

        return alt.LayerChart.from_dict({k: v for k, v in self.spec.items() if k != "$schema"})

    def __repr__(self) -> str:
        return f"<TimelineChart: {len(self.spec['data']['values'])} event(s)>"


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
            description="Events by date, labelled with what happened; sources and speakers on hover",
        )
    )
