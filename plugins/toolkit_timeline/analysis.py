"""The ``timeline`` analysis: its parameters and its two halves.

* :func:`extract_mentions` (per snippet, any partition): every temporal expression of each snippet,
  normalised against the snippet's publication date, and linked to the attribution claim that holds
  it (claims are per snippet, so linking needs no other snippet). Returns the ``timeline`` table.
* :func:`combine_events` (the collection): the ``events`` table, the dated mentions grouped by story
  and date across snippets.

``extract_timeline`` is both in one call (what the pipeline runs with ``workers=1``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit import Context, Output
from toolkit.tables import iter_texts, snippet_ids
from toolkit_timeline.events import build_events
from toolkit_timeline.extract import Extractor, Options, as_reference
from toolkit_timeline.grammar import grammar
from toolkit_timeline.link import link_claims
from toolkit_timeline.schema import EVENTS_COLUMNS, TIMELINE_COLUMNS, empty


@dataclass(frozen=True)
class TimelineParams:
    """Parameters of the ``timeline`` analysis.

    :param reference_date: ISO date used for snippets whose ``published_at`` is missing. With
        neither, relative expressions keep ``X`` placeholders (``XXXX-12-26``) or a null value.
    :param default_tense: how a weekday or month is read when its clause shows no tense:
        ``past`` (the news default: "Friday" is the last Friday), ``nearest`` or ``future``.
    :param present: report "now", "currently", "at present" in the ``timeline`` table as
        ``PRESENT_REF`` (dated to the reference), as TimeML does. They never become ``events``
        whatever this says: "now" is the time of writing, not something that happened on a date.
    :param vague: also report "recently", "in the future" (``PAST_REF`` / ``FUTURE_REF``, no dates).
    :param day_first: read ambiguous numeric dates as day/month (03/04/2024 = 3 April).
    :param min_year: bare four-digit numbers below this are not years.
    :param max_year: bare four-digit numbers above this are not years.
    :param events: build the ``events`` table (date-ordered events with sources and speakers).
    :param events_by: ``story``: one event per story and date (``story_id`` from the ``stories``
        analysis; without it the collection is one story); ``date``: one per date across the whole
        collection (unrelated stories that share a date merge); ``cluster``: one per date and dedup
        cluster (``cluster_id``; the ``story`` of earlier releases).
    :param extra_lexicon: entries merged into the shipped ``data/lexicon.json`` (e.g.
        ``{"holidays_fixed": {"nakba day": "05-15"}, "count_nouns": ["sheep"]}``).
    """

    reference_date: str | None = None
    default_tense: Literal["past", "nearest", "future"] = "past"
    present: bool = True
    vague: bool = False
    day_first: bool = False
    min_year: int = 1800
    max_year: int = 2100
    events: bool = True
    events_by: Literal["story", "date", "cluster"] = "story"
    extra_lexicon: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        as_reference(self.reference_date)
        if self.min_year > self.max_year:
            raise ValueError("min_year must not exceed max_year")
        if self.events_by not in ("story", "date", "cluster"):
            raise ValueError(f"events_by must be 'story', 'date' or 'cluster', not {self.events_by!r}")


def parse_reference(value: Any) -> date | None:
    """An ISO date (or timestamp) string, a date, or None; anything else is a clear ValueError."""
    return as_reference(value)


def _references(frame: pd.DataFrame, default: date | None) -> list[date | None]:
    """Per snippet: the day of ``published_at`` (UTC), else ``default``."""
    n = len(frame)
    if "published_at" not in frame.columns:
        return [default] * n
    pub = pd.to_datetime(frame["published_at"], utc=True, errors="coerce")
    days = pub.dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize().to_numpy(dtype="datetime64[D]")
    out: list[date | None] = days.astype(object).tolist()
    if default is not None or any(d is None for d in out):
        out = [default if d is None else d for d in out]
    return out


_MIN_DAY, _MAX_DAY = date(1678, 1, 1), date(2261, 12, 31)  # what datetime64[ns] can hold


def _utc(values: list[date | None]) -> pd.Series:
    values = [v if v is not None and _MIN_DAY <= v <= _MAX_DAY else None for v in values]
    arr = np.array([np.datetime64(v, "D") if v is not None else np.datetime64("NaT") for v in values],
                   dtype="datetime64[D]")  # fmt: skip
    return pd.Series(pd.to_datetime(arr.astype("datetime64[s]"))).dt.tz_localize("UTC").astype("datetime64[ns, UTC]")


def extractor_for(params: TimelineParams) -> Extractor:
    return Extractor(
        grammar(params.extra_lexicon),
        Options(vague=params.vague, present=params.present, min_year=params.min_year, max_year=params.max_year,
                day_first=params.day_first, default_tense=params.default_tense),
    )  # fmt: skip


_FIELDS = ("value", "granularity", "date_start", "date_end", "relative", "event", "start", "end", "kind", "mod",
           "time_of_day", "timezone", "label")  # fmt: skip


def _mention_columns(frame: pd.DataFrame, params: TimelineParams, context: Context) -> dict[str, list]:
    """The timeline's columns as plain lists, one entry per expression found (snippets in frame order)."""
    ex = extractor_for(params)
    ref_of = dict(zip(snippet_ids(frame), _references(frame, parse_reference(params.reference_date)),
                      strict=True))  # fmt: skip
    cols: dict[str, list] = {c: [] for c in ("mention_id", "snippet_id", "text", *_FIELDS, "reference_date")}
    for sid, text in iter_texts(frame, context.progress):
        ref = ref_of[sid]
        for k, men in enumerate(ex.extract(text, ref)):
            cols["mention_id"].append(f"{sid}:t{k}")
            cols["snippet_id"].append(sid)
            cols["text"].append(text[men.start : men.end])
            for field in _FIELDS:
                cols[field].append(getattr(men, field))
            cols["reference_date"].append(ref)
    return cols


def extract_mentions(frame: pd.DataFrame, params: TimelineParams, context: Context) -> Output:
    """The per-snippet half: the ``timeline`` table (a snippet's rows depend on that snippet alone)."""
    cols = _mention_columns(frame, params, context)
    if not cols["mention_id"]:
        return Output(tables={"timeline": empty(TIMELINE_COLUMNS)})
    data: dict[str, Any] = dict(cols)
    for c in ("date_start", "date_end", "reference_date"):
        data[c] = _utc(cols[c])
    claim_ids, speakers = link_claims(cols["snippet_id"], cols["start"], cols["end"], context.table("claims"))
    data["claim_id"] = claim_ids
    data["speaker_canonical"] = speakers
    timeline = pd.DataFrame(data)[list(TIMELINE_COLUMNS)].astype(TIMELINE_COLUMNS)
    return Output(tables={"timeline": timeline})


def combine_events(frame: pd.DataFrame, params: TimelineParams, context: Context, extracted: Output) -> Output:
    """The collection half: the ``events`` table from the mentions of every snippet."""
    timeline = extracted.tables.get("timeline")
    timeline = empty(TIMELINE_COLUMNS) if timeline is None or timeline.empty else timeline.reset_index(drop=True)
    events = build_events(timeline, frame, by=params.events_by) if params.events else empty(EVENTS_COLUMNS)
    return Output(tables={"timeline": timeline, "events": events})


def extract_timeline(frame: pd.DataFrame, params: TimelineParams, context: Context) -> Output:
    """The analysis in one call: ``timeline`` and ``events`` tables for ``frame``."""
    return combine_events(frame, params, context, extract_mentions(frame, params, context))
