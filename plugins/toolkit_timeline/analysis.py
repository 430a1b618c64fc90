"""The ``timeline`` analysis: its parameters and its two halves.

* :func:`extract_mentions` (per snippet, any partition): every temporal expression of each snippet,
  normalised against the snippet's publication date, and linked to the attribution claim that holds
  it (claims are per snippet, so linking needs no other snippet). Returns the ``timeline`` table.
* :func:`combine_events` (the collection): the ``events`` table, the dated mentions grouped by story
  and date across snippets.

``extract_timeline`` is both in one call (what the pipeline runs with ``workers=1``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit import Context, Output
from toolkit.tables import PROGRESS_STEPS, snippet_ids, string_column
from toolkit_timeline.events import build_events
from toolkit_timeline.extract import Extractor, Options, as_reference
from toolkit_timeline.grammar import grammar
from toolkit_timeline.link import link_claims
from toolkit_timeline.mention import Mention
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
        cluster (``cluster_id``; the ``story`` of earlier releases). The collection half is per story
        (``combine_by="story_id"`` on Dask); ``date`` merges across stories, so a Dask run with it
        builds the events on the gathered collection (one task).
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


_EPOCH = date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min  # NaT as an int64


def _utc(values: list[date | None]) -> pd.Series:
    """Days (or None) as UTC midnights; days ``datetime64[ns]`` cannot hold become NaT. Through day
    numbers: converting ``date`` objects one by one in numpy or pandas cost a tenth of the analysis."""
    days = np.fromiter((_NAT if v is None else v.toordinal() - _EPOCH for v in values), np.int64, len(values))
    days = days.view("datetime64[D]")
    days[(days < np.datetime64(_MIN_DAY, "D")) | (days > np.datetime64(_MAX_DAY, "D"))] = np.datetime64("NaT")
    return pd.Series(days.astype("datetime64[ns]")).dt.tz_localize("UTC")


def extractor_for(params: TimelineParams) -> Extractor:
    return Extractor(
        grammar(params.extra_lexicon),
        Options(vague=params.vague, present=params.present, min_year=params.min_year, max_year=params.max_year,
                day_first=params.day_first, default_tense=params.default_tense),
    )  # fmt: skip


_FIELDS = ("value", "granularity", "date_start", "date_end", "relative", "event", "start", "end", "kind", "mod",
           "time_of_day", "timezone", "label")  # fmt: skip


def _texts(frame: pd.DataFrame) -> list[str]:
    """The snippets' texts as a plain list, ``""`` where there is none (NA, not a string)."""
    texts = frame["text"].tolist() if "text" in frame.columns else [""] * len(frame)
    return [t if isinstance(t, str) else "" for t in texts]


def _report(progress: Callable[[float], None] | None, n: int) -> Callable[[int], None]:
    """A progress callback by snippet position: at most ``PROGRESS_STEPS`` reports, as ``iter_texts``."""
    step = max(1, n // PROGRESS_STEPS)
    due = [step]

    def report(i: int) -> None:
        if progress is not None and i >= due[0]:
            progress(i / n)
            due[0] = (i // step + 1) * step

    return report


def _mention_columns(frame: pd.DataFrame, params: TimelineParams, context: Context) -> dict[str, list]:
    """The timeline's columns as plain lists, one entry per expression found (snippets in frame order).

    Built column by column at the end (one ``map`` per field over all mentions) rather than one append
    per field and mention: on a 100k-snippet pile that loop cost more than a third of the analysis.
    """
    ex = extractor_for(params)
    ids = snippet_ids(frame)
    refs = _references(frame, parse_reference(params.reference_date))
    texts = _texts(frame)
    report = _report(context.progress, len(texts))
    mentions: list[Mention] = []
    owner: list[int] = []  # the snippet (position) of each mention
    rank: list[int] = []  # its number within the snippet
    for i, found in ex.extract_many(texts, refs):
        report(i)
        mentions += found
        owner += [i] * len(found)
        rank += range(len(found))
    if context.progress is not None:
        context.progress(1.0)
    cols: dict[str, list] = {
        "mention_id": [f"{ids[i]}:t{k}" for i, k in zip(owner, rank, strict=True)],
        "snippet_id": [ids[i] for i in owner],
        "text": [texts[i][m.start : m.end] for i, m in zip(owner, mentions, strict=True)],
    }
    for field in _FIELDS:
        cols[field] = list(map(attrgetter(field), mentions))
    cols["reference_date"] = [refs[i] for i in owner]
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
    # each list straight to its column's dtype: no object columns inferred and then converted
    typed = {
        c: data[c]
        if isinstance(data[c], pd.Series)
        else string_column(data[c])
        if t == "string"
        else pd.array(data[c], dtype=t)
        for c, t in TIMELINE_COLUMNS.items()
    }
    timeline = pd.DataFrame(typed).astype(TIMELINE_COLUMNS)
    return Output(tables={"timeline": timeline})


def events_group_column(params: TimelineParams) -> str | None:
    """The column ``combine_events`` is independent per value of (the spec's ``combine_by``): stories,
    unless ``events_by="date"`` merges dates across stories, which needs the whole collection."""
    return None if params.events_by == "date" else "story_id"


def combine_events(frame: pd.DataFrame, params: TimelineParams, context: Context, extracted: Output) -> Output:
    """The collection half: the ``events`` table from the mentions of every snippet."""
    timeline = extracted.tables.get("timeline")
    timeline = empty(TIMELINE_COLUMNS) if timeline is None or timeline.empty else timeline.reset_index(drop=True)
    events = build_events(timeline, frame, by=params.events_by) if params.events else empty(EVENTS_COLUMNS)
    return Output(tables={"timeline": timeline, "events": events})


def extract_timeline(frame: pd.DataFrame, params: TimelineParams, context: Context) -> Output:
    """The analysis in one call: ``timeline`` and ``events`` tables for ``frame``."""
    return combine_events(frame, params, context, extract_mentions(frame, params, context))
