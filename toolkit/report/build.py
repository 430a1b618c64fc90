"""Build a :class:`~toolkit.report.model.Report` from a result's tables, and nothing else.

It reads whatever the result has (a fresh run, ``Result.from_dir``, any subset of analyses) and
every column defensively: a missing table leaves its part out with a note saying which analysis
would fill it; a missing column falls back to what the others say (``speaker`` when there is no
``speaker_canonical``, the snippet's story when a table has no ``story_id``). Stories come from the
snippet column ``story_id`` (the ``stories`` analysis); without it the whole pile is one story.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from toolkit.html import plain
from toolkit.report.dates import date_label
from toolkit.report.model import (
    FigureTopic,
    FigureValue,
    Quote,
    Report,
    SameFact,
    SnippetRef,
    SpeakerEntry,
    StatedFigure,
    Story,
    TimelineEvent,
)
from toolkit.specs import Highlight
from toolkit.tables import snippet_ids

ONE_STORY = "all"
NO_STORY = "(no story)"
UNKNOWN_SPEAKER = "(unknown speaker)"
_TEXT_TIP = 280  # characters of a snippet's text kept for its link's tooltip


def _str(value: Any) -> str | None:
    """A cell as text, None when missing or empty (the common cases first: this runs per cell)."""
    if type(value) is str:
        return value or None
    if value is None or value is pd.NA:
        return None
    text = plain(value)
    return text or None


def _records(table: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """The rows as dicts of only ``columns`` (those the table has): cheaper than ``to_dict`` on all."""
    present = [c for c in columns if c in table.columns]
    values = [table[c].tolist() for c in present]
    return [dict(zip(present, row, strict=True)) for row in zip(*values, strict=True)] if present else []


def _ts(value: Any) -> pd.Timestamp | None:
    if value is None or value is pd.NA:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp


_LAST = 2**63  # sorts after every timestamp


def _order(stamp: pd.Timestamp | None) -> int:
    """A timestamp as a sort key (nanoseconds since the epoch); missing ones last."""
    return _LAST if stamp is None else int(stamp.value)


def _as_list(value: Any) -> list[Any]:
    """A list cell (list, tuple, numpy array) as a list; a scalar as [scalar]; missing as []."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [v for v in list(value) if _str(v) is not None]
    return [] if _str(value) is None else [value]


def _column(table: pd.DataFrame, name: str) -> list[Any]:
    """A column as a plain list (Nones where the table lacks it)."""
    if name in table.columns:
        return table[name].tolist()
    return [None] * len(table)


def _ordered(values: Iterable[Any]) -> list[str]:
    """The distinct non-missing values as text, in first-seen order."""
    return list(dict.fromkeys(s for v in values if (s := _str(v)) is not None))


def _by_count(values: Iterable[str]) -> list[str]:
    """Distinct values, most frequent first (ties in first-seen order)."""
    counts = Counter(values)
    return [v for v, _ in sorted(counts.items(), key=lambda kv: -kv[1])]


@dataclass
class _Snippets:
    """Fast per-snippet lookups (plain dicts, built once)."""

    source: dict[str, str | None]
    url: dict[str, str | None]
    published: dict[str, pd.Timestamp | None]
    text: dict[str, str | None]
    story: dict[str, str]
    made: dict[str, SnippetRef] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)  # publication time as a sort key

    stories: set[str] = field(default_factory=set)  # the distinct story keys

    def __post_init__(self) -> None:
        self.order = {i: _order(t) for i, t in self.published.items()}
        self.stories = set(self.story.values())

    @classmethod
    def of(cls, snippets: pd.DataFrame, story: dict[str, str]) -> _Snippets:
        ids = snippet_ids(snippets)

        def lookup(col: str, convert: Any = _str) -> dict[str, Any]:
            if col not in snippets.columns:
                return dict.fromkeys(ids)
            return dict(zip(ids, map(convert, snippets[col].tolist()), strict=True))

        return cls(lookup("source"), lookup("url"), lookup("published_at", _ts), lookup("text"), story)

    def ref(self, snippet_id: str) -> SnippetRef:
        """The snippet's ref, made once per snippet (a snippet is cited by several items)."""
        ref = self.made.get(snippet_id)
        if ref is None:
            text = self.text.get(snippet_id)
            ref = SnippetRef(
                snippet_id,
                self.source.get(snippet_id),
                self.url.get(snippet_id),
                self.published.get(snippet_id),
                None if text is None else text[:_TEXT_TIP],
            )
            self.made[snippet_id] = ref
        return ref

    def refs(self, snippet_ids: Iterable[str]) -> list[SnippetRef]:
        """Refs of the distinct ids, earliest published first (undated last)."""
        ids = list(dict.fromkeys(snippet_ids))
        ids.sort(key=lambda i: self.order.get(i, _LAST))
        return [self.ref(i) for i in ids]

    def outlets(self, snippet_ids: Iterable[str]) -> list[str]:
        """The distinct outlets of the snippets, in their order (sources are clean text already)."""
        source = self.source
        return list(dict.fromkeys(s for i in snippet_ids if (s := source.get(i))))

    def span(self, snippet_ids: Iterable[str]) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        stamps = [t for i in snippet_ids if (t := self.published.get(i)) is not None]
        return (min(stamps), max(stamps)) if stamps else (None, None)


def _tables(result: Any) -> dict[str, pd.DataFrame]:
    tables = getattr(result, "tables", result)
    return {str(k): v for k, v in dict(tables).items() if isinstance(v, pd.DataFrame) and k != "snippets"}


def _story_of(snippets: pd.DataFrame) -> tuple[dict[str, str], str]:
    ids = snippet_ids(snippets)
    if "story_id" in snippets.columns and snippets["story_id"].notna().any():
        stories = [_str(v) or NO_STORY for v in snippets["story_id"].tolist()]
        return dict(zip(ids, stories, strict=True)), "story_id"
    return dict.fromkeys(ids, ONE_STORY), ""


def _row_story(row: Mapping[str, Any], snippet_id: str, look: _Snippets) -> str:
    """The story of a table row: its own ``story_id`` when it names one of the snippets' stories
    (a table made in another run could name others), else its snippet's."""
    own = _str(row.get("story_id"))
    return own if own is not None and own in look.stories else look.story.get(snippet_id, NO_STORY)


# -- same-fact reports -------------------------------------------------------------------------------
def _speakers_by_snippet(claims: pd.DataFrame | None) -> dict[str, list[str]]:
    if claims is None or "snippet_id" not in claims.columns:
        return {}
    out: dict[str, list[str]] = {}
    names = _column(claims, "speaker_canonical")
    written = _column(claims, "speaker")
    for sid, name, raw in zip(claims["snippet_id"].tolist(), names, written, strict=True):
        who = _str(name) or _str(raw)
        if who and _str(sid):
            out.setdefault(str(sid), []).append(who)
    return out


def _representatives(snippets: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    reps: dict[str, str] = {}
    clusters = tables.get("clusters")
    if clusters is not None and {"cluster_id", "representative_id"} <= set(clusters.columns):
        for cid, rid in zip(clusters["cluster_id"].tolist(), clusters["representative_id"].tolist(), strict=True):
            if _str(cid) and _str(rid):
                reps[str(cid)] = str(rid)
    if "representative" in snippets.columns and "cluster_id" in snippets.columns:
        flagged = snippets[snippets["representative"].fillna(False).astype(bool)]
        for sid, cid in zip(flagged.index, flagged["cluster_id"].tolist(), strict=True):
            if _str(cid):
                reps.setdefault(str(cid), str(sid))
    return reps


def same_facts(snippets: pd.DataFrame, tables: Mapping[str, pd.DataFrame], look: _Snippets) -> list[SameFact]:
    """One entry per dedup cluster (per snippet without dedup), most outlets first."""
    ids = np.array(snippet_ids(snippets), dtype=object)
    if "cluster_id" in snippets.columns:
        keys = np.array([_str(c) or f"snippet:{i}" for c, i in zip(snippets["cluster_id"].tolist(), ids, strict=True)])
    else:
        keys = ids
    reps = _representatives(snippets, tables)
    speakers = _speakers_by_snippet(tables.get("claims"))
    facts = []
    for key, positions in pd.Series(range(len(ids))).groupby(keys, sort=False).indices.items():
        members = [str(m) for m in ids[positions]]
        refs = look.refs(members)
        rep = reps.get(str(key))
        rep = rep if rep in members else refs[0].snippet_id
        first, last = look.span(members)
        facts.append(
            SameFact(
                cluster_id=str(key),
                representative=look.ref(rep),
                text=look.text.get(rep) or "",
                n_snippets=len(members),
                outlets=look.outlets(r.snippet_id for r in refs),
                first_published=first,
                last_published=last,
                attributed_to=_by_count(s for m in members for s in speakers.get(m, [])),
                snippets=refs,
            )
        )
    facts.sort(key=lambda f: (-f.n_outlets, -f.n_snippets, _order(f.first_published)))
    return facts


# -- who says what ------------------------------------------------------------------------------------
def speaker_entries(claims: pd.DataFrame | None, look: _Snippets) -> dict[str, list[SpeakerEntry]]:
    """Per story, its speakers (canonical name, else as written) with their claims, most outlets first."""
    if claims is None or "snippet_id" not in claims.columns or claims.empty:
        return {}
    grouped: dict[tuple[str, str], list[Quote]] = {}
    aliases: dict[tuple[str, str], list[str]] = {}
    wanted = ("snippet_id", "story_id", "claim_id", "speaker", "speaker_canonical", "content", "cue", "kind")
    for row in _records(claims, wanted):
        sid = _str(row.get("snippet_id"))
        if sid is None:
            continue
        written = _str(row.get("speaker"))
        name = _str(row.get("speaker_canonical")) or written or UNKNOWN_SPEAKER
        key = (_row_story(row, sid, look), name)
        quote = Quote(
            claim_id=_str(row.get("claim_id")) or "",
            speaker=written or name,
            content=_str(row.get("content")) or "",
            cue=_str(row.get("cue")) or "",
            kind=_str(row.get("kind")) or "",
            snippet=look.ref(sid),
        )
        grouped.setdefault(key, []).append(quote)
        if written and written != name:
            aliases.setdefault(key, []).append(written)
    out: dict[str, list[SpeakerEntry]] = {}
    for (story, name), quotes in grouped.items():
        order = look.order
        quotes.sort(key=lambda q: (order.get(q.snippet.snippet_id, _LAST), q.claim_id))
        outlets = look.outlets(q.snippet.snippet_id for q in quotes)
        spellings = _spellings(aliases.get((story, name), []), name)
        out.setdefault(story, []).append(SpeakerEntry(name, spellings, outlets, quotes))
    for entries in out.values():
        entries.sort(key=lambda e: (e.name == UNKNOWN_SPEAKER, -e.n_outlets, -e.n_claims, e.name))
    return out


def _spellings(written: Iterable[str], name: str) -> list[str]:
    """The distinct ways a speaker was written, curly and straight apostrophes or case aside."""

    def key(text: str) -> str:
        return text.replace("’", "'").casefold()

    seen = {key(name)}
    out = []
    for text in written:
        if key(text) not in seen:
            seen.add(key(text))
            out.append(text)
    return out


# -- figure conflicts ---------------------------------------------------------------------------------
_PREFIX = {
    "approximately": "≈",
    "at_least": "≥",
    "more_than": ">",
    "at_most": "≤",
    "less_than": "<",
}


def _number(x: float) -> str:
    if not math.isfinite(x):
        return "∞" if x > 0 else "−∞"
    if float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.6g}" if abs(x) >= 1e15 else f"{x:,.2f}".rstrip("0").rstrip(".")


def _unit_suffix(unit: str | None) -> str:
    if not unit:
        return ""
    return "%" if unit == "percent" else f" {unit}"


def interval(value: Any, low: Any, high: Any) -> tuple[float, float] | None:
    """The interval a figure states: [low, high] with open sides infinite; a plain value is [v, v]."""

    def num(x: Any) -> float | None:
        try:
            f = float(x)
        except (TypeError, ValueError):
            return None
        return None if math.isnan(f) else f

    lo, hi, v = num(low), num(high), num(value)
    if lo is None and hi is None:
        return None if v is None else (v, v)
    return (lo if lo is not None else -math.inf, hi if hi is not None else math.inf)


def value_label(lo: float, hi: float, qualifier: str | None, unit: str | None) -> str:
    suffix = _unit_suffix(unit)
    if lo == hi:
        return f"{_PREFIX.get(qualifier or '', '')}{_number(lo)}{suffix}"
    if math.isinf(lo):
        return f"{'<' if qualifier == 'less_than' else '≤'}{_number(hi)}{suffix}"
    if math.isinf(hi):
        return f"{'>' if qualifier == 'more_than' else '≥'}{_number(lo)}{suffix}"
    return f"{_number(lo)}–{_number(hi)}{suffix}"


def conflicting(intervals: Sequence[tuple[float, float]]) -> bool:
    """True when two of the intervals are disjoint (intervals on a line all meet iff max low <= min high)."""
    return bool(intervals) and max(lo for lo, _ in intervals) > min(hi for _, hi in intervals)


def _figure_rows(tables: Mapping[str, pd.DataFrame], notes: list[str]) -> tuple[pd.DataFrame | None, bool]:
    """The rows to compare and whether the table's own ``conflict`` flag can be trusted."""
    comparison = tables.get("figure_comparison")
    if comparison is not None and {"snippet_id", "topic"} <= set(comparison.columns):
        return comparison, "conflict" in comparison.columns
    figures = tables.get("figures")
    if figures is None or "snippet_id" not in figures.columns:
        return None, False
    notes.append("figures compared by their counted thing here (no figure_comparison table)")
    heads = _column(figures, "counted_head") if "counted_head" in figures.columns else _column(figures, "counted")
    topics = []
    for head, unit in zip(heads, _column(figures, "unit"), strict=True):
        key, unit_text = _str(head), _str(unit)
        key = key.lower() if key else None
        topics.append(None if key is None else f"{key} [{unit_text}]" if unit_text else key)
    topic = pd.Series(topics, index=figures.index, dtype=object)
    return figures.assign(topic=topic)[topic.notna()], False


def figure_topics(
    tables: Mapping[str, pd.DataFrame], look: _Snippets, grouped_by: str, notes: list[str]
) -> dict[str, list[FigureTopic]]:
    """Per story, each counted thing stated by more than one figure, with its values; conflicts first."""
    rows, trusted = _figure_rows(tables, notes)
    if rows is None or rows.empty:
        return {}
    # the table's conflict flag holds within a story only when it was computed within one
    within = "story_id" in rows.columns and bool(rows["story_id"].notna().all())
    trust = trusted and (not grouped_by or within)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    wanted = ("snippet_id", "story_id", "topic", "value", "low", "high", "qualifier", "unit", "counted", "text")
    for row in _records(rows, (*wanted, "speaker_canonical", "conflict")):
        sid, topic = _str(row.get("snippet_id")), _str(row.get("topic"))
        if sid is None or topic is None or interval(row.get("value"), row.get("low"), row.get("high")) is None:
            continue
        groups.setdefault((_row_story(row, sid, look), topic), []).append(row)
    out: dict[str, list[FigureTopic]] = {}
    for (story, topic), members in groups.items():
        if len(members) < 2:
            continue
        spans = [interval(r.get("value"), r.get("low"), r.get("high")) for r in members]
        intervals = [s for s in spans if s is not None]
        flagged = any(bool(r.get("conflict")) for r in members if _str(r.get("conflict")) is not None)
        conflict = flagged if trust else conflicting(intervals)
        out.setdefault(story, []).append(_topic(topic, members, intervals, conflict, look))
    for topics in out.values():
        topics.sort(key=lambda t: (not t.conflict, -max(v.n_outlets for v in t.values), t.topic))
    return out


def _topic(
    topic: str, members: list[dict[str, Any]], intervals: list[tuple[float, float]], conflict: bool, look: _Snippets
) -> FigureTopic:
    by_value: dict[tuple[float, float, str | None], list[dict[str, Any]]] = {}
    for row, span in zip(members, intervals, strict=True):
        by_value.setdefault((*span, _str(row.get("unit"))), []).append(row)
    values = []
    for (lo, hi, unit), rows in sorted(by_value.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        ids = [str(r["snippet_id"]) for r in rows]
        first, _ = look.span(ids)
        values.append(
            FigureValue(
                label=value_label(lo, hi, _str(rows[0].get("qualifier")), unit),
                low=lo,
                high=hi,
                as_written=_ordered(r.get("text") for r in rows),
                speakers=_ordered(r.get("speaker_canonical") for r in rows),
                outlets=look.outlets(ids),
                first_published=first,
                snippets=look.refs(ids),
            )
        )
    counted = _by_count(c for r in members if (c := _str(r.get("counted"))))
    units = _ordered(r.get("unit") for r in members)
    return FigureTopic(counted[0] if counted else topic, units[0] if len(units) == 1 else None, conflict, values)


def other_figures(tables: Mapping[str, pd.DataFrame], look: _Snippets) -> dict[str, list[StatedFigure]]:
    """Per story, the figures of the ``figures`` table that no comparison row holds, in text order."""
    figures = tables.get("figures")
    if figures is None or "snippet_id" not in figures.columns:
        return {}
    comparison = tables.get("figure_comparison")
    compared: set[str] = set()
    if comparison is not None and "figure_id" in comparison.columns:
        compared = {str(f) for f in comparison["figure_id"].tolist() if _str(f)}
    wanted = ("figure_id", "snippet_id", "story_id", "value", "low", "high", "qualifier", "unit", "counted", "text")
    out: dict[str, list[StatedFigure]] = {}
    for row in _records(figures, (*wanted, "speaker_canonical", "truncated")):
        sid, fid = _str(row.get("snippet_id")), _str(row.get("figure_id"))
        span = interval(row.get("value"), row.get("low"), row.get("high"))
        if sid is None or (fid is not None and fid in compared):
            continue
        label = value_label(*span, _str(row.get("qualifier")), _str(row.get("unit"))) if span else "?"
        out.setdefault(_row_story(row, sid, look), []).append(
            StatedFigure(
                label=label,
                counted=_str(row.get("counted")) or "",
                as_written=_str(row.get("text")) or "",
                speaker=_str(row.get("speaker_canonical")),
                truncated=row.get("truncated") is True,
                snippet=look.ref(sid),
            )
        )
    return out


# -- timeline -----------------------------------------------------------------------------------------
def _event_label(row: Mapping[str, Any]) -> str:
    """What happened: the clause the date is in (``event``), else the timeline's short ``label``."""
    return _str(row.get("event")) or _str(row.get("label")) or _str(row.get("text")) or ""


def timeline_events(
    tables: Mapping[str, pd.DataFrame], look: _Snippets, notes: list[str]
) -> dict[str, list[TimelineEvent]]:
    """Per story, its dated events in date order (from ``events``; from ``timeline`` without it)."""
    events = tables.get("events")
    out: dict[str, list[TimelineEvent]] = {}
    if events is not None and "snippet_id" in events.columns:
        wanted = ("event_id", "snippet_id", "snippet_ids", "story_id", "value", "granularity", "date_start")
        for row in _records(events, (*wanted, "date_end", "label", "event", "text", "speakers")):
            sid = _str(row.get("snippet_id"))
            ids = [str(i) for i in _as_list(row.get("snippet_ids"))] or ([sid] if sid else [])
            parts: dict[str, list[str]] = {}
            for i in ids:  # an event made across stories (no story_id of its own) is split between them
                parts.setdefault(_row_story(row, i, look), []).append(i)
            for story, members in parts.items():
                out.setdefault(story, []).append(_event(row, members, _ordered(_as_list(row.get("speakers"))), look))
    else:
        timeline = tables.get("timeline")
        if timeline is None or not {"snippet_id", "value"} <= set(timeline.columns):
            return {}
        notes.append("events grouped here by story and date value (no events table)")
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        columns = ("snippet_id", "story_id", "value", "granularity", "date_start", "date_end", "label", "event")
        for row in _records(timeline, (*columns, "text", "speaker_canonical")):
            sid, value = _str(row.get("snippet_id")), _str(row.get("value"))
            if sid is not None and value is not None:
                groups.setdefault((_row_story(row, sid, look), value), []).append(row)
        for (story, _value), rows in groups.items():
            rows.sort(key=lambda r: (look.published.get(str(r["snippet_id"])) is None, str(r["snippet_id"])))
            first = dict(rows[0])
            first["date_start"] = min((t for r in rows if (t := _ts(r.get("date_start")))), default=None)
            first["date_end"] = max((t for r in rows if (t := _ts(r.get("date_end")))), default=None)
            ids = [str(r["snippet_id"]) for r in rows]
            out.setdefault(story, []).append(
                _event(first, ids, _ordered(r.get("speaker_canonical") for r in rows), look)
            )
    for items in out.values():
        items.sort(key=lambda e: (_order(e.date_start), _order(e.date_end), e.value))
    return out


def _event(row: Mapping[str, Any], ids: list[str], speakers: list[str], look: _Snippets) -> TimelineEvent:
    value = _str(row.get("value")) or ""
    granularity = _str(row.get("granularity")) or ""
    start, end = _ts(row.get("date_start")), _ts(row.get("date_end"))
    refs = look.refs(ids)
    return TimelineEvent(
        event_id=_str(row.get("event_id")) or value,
        date_label=date_label(value, granularity, start, end),
        value=value,
        granularity=granularity,
        date_start=start,
        date_end=end,
        label=_event_label(row),
        outlets=look.outlets(r.snippet_id for r in refs),
        speakers=speakers,
        snippets=refs,
    )


# -- the report ---------------------------------------------------------------------------------------
_PARTS = (
    ("clusters", "dedup", "same-fact groups"),
    ("claims", "attribution", "who says what"),
    ("figures", "figures", "figure conflicts"),
    ("timeline", "timeline", "the timeline"),
)


def _missing_notes(tables: Mapping[str, pd.DataFrame], grouped_by: str) -> list[str]:
    notes = []
    if not grouped_by:
        notes.append("no story_id column (the stories analysis did not run): the whole pile is one story")
    for table, analysis, part in _PARTS:
        if table not in tables and not (table == "timeline" and "events" in tables):
            alone = " (each snippet stands alone)" if table == "clusters" else ""
            notes.append(f"no {table} table: run {analysis} for {part}{alone}")
    return notes


def build_report(
    result: Any,
    *,
    highlights: Sequence[Highlight] | None = None,
    registry: Any = None,
    title: str = "Story report",
) -> Report:
    """The story report of ``result`` (a :class:`toolkit.Result`, fresh or read back with ``from_dir``).

    ``highlights`` defaults to those the installed analyses declare (``registry``: where to look).
    """
    from toolkit.widgets.highlight import applicable, declared_highlights

    snippets: pd.DataFrame = result.snippets
    tables = _tables(result)
    story, grouped_by = _story_of(snippets)
    look = _Snippets.of(snippets, story)
    notes = [f"{r.analysis} {r.status}: {r.error}" for r in getattr(result, "errors", [])]
    notes += _missing_notes(tables, grouped_by)
    facts = same_facts(snippets, tables, look)
    speakers = speaker_entries(tables.get("claims"), look)
    figures = figure_topics(tables, look, grouped_by, notes)
    stated = other_figures(tables, look)
    events = timeline_events(tables, look, notes)

    members: dict[str, list[str]] = {}
    for sid, key in story.items():
        members.setdefault(key, []).append(sid)
    reports: dict[str, list[SameFact]] = {}
    for fact in facts:
        reports.setdefault(look.story.get(fact.representative.snippet_id, NO_STORY), []).append(fact)
    titles = _story_representatives(tables.get("stories"))
    stories = []
    for key, ids in members.items():
        first, last = look.span(ids)
        told = reports.get(key, [])
        stories.append(
            Story(
                story_id=key,
                title=_story_title(told, titles.get(key), key, look),
                n_snippets=len(ids),
                outlets=_by_count(s for i in ids if (s := look.source.get(i))),
                first_published=first,
                last_published=last,
                reports=told,
                speakers=speakers.get(key, []),
                figures=figures.get(key, []),
                other_figures=stated.get(key, []),
                events=events.get(key, []),
            )
        )
    stories.sort(key=lambda s: (s.story_id == NO_STORY, -s.n_outlets, -s.n_snippets, s.story_id))
    hls = applicable(tables, declared_highlights(registry) if highlights is None else highlights)
    all_first, all_last = look.span(story)
    return Report(
        stories=stories,
        n_snippets=len(snippets),
        outlets=_by_count(s for s in look.source.values() if s),
        first_published=all_first,
        last_published=all_last,
        tables=list(tables),
        notes=notes,
        grouped_by=grouped_by,
        highlights=hls,
        highlight_tables={h.table: tables[h.table] for h in hls},
        title=title,
    )


def _story_representatives(stories: pd.DataFrame | None) -> dict[str, str]:
    if stories is None or not {"story_id", "representative_id"} <= set(stories.columns):
        return {}
    pairs = zip(stories["story_id"].tolist(), stories["representative_id"].tolist(), strict=True)
    return {str(k): str(v) for k, v in pairs if _str(k) and _str(v)}


def _story_title(reports: list[SameFact], representative: str | None, key: str, look: _Snippets) -> str:
    """The story's representative text (``stories`` table), else its most corroborated report's."""
    if representative and (text := look.text.get(representative)):
        return text
    return reports[0].text if reports else key
