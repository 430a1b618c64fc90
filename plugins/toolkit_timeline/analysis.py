"""The ``timeline`` analysis: parameters, the per-snippet loop, and the tables it returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit import Context, Output
from toolkit_timeline.extract import Extractor, Options
from toolkit_timeline.grammar import grammar
from toolkit_timeline.schema import EVENTS_COLUMNS, TIMELINE_COLUMNS


@dataclass(frozen=True)
class TimelineParams:
    """Parameters of the ``timeline`` analysis.

    :param reference_date: ISO date used for snippets whose ``published_at`` is missing. With
        neither, relative expressions keep ``X`` placeholders (``XXXX-12-26``) or a null value.
    :param default_tense: how a weekday or month is read when its clause shows no tense:
        ``past`` (the news default: "Friday" is the last Friday), ``nearest`` or ``future``.
    :param present: report "now", "currently" as ``PRESENT_REF`` (dated to the reference).
    :param vague: also report "recently", "in the future" (``PAST_REF`` / ``FUTURE_REF``, no dates).
    :param day_first: read ambiguous numeric dates as day/month (03/04/2024 = 3 April).
    :param min_year: bare four-digit numbers below this are not years.
    :param max_year: bare four-digit numbers above this are not years.
    :param events: build the ``events`` table (date-ordered events with sources and speakers).
    :param events_by: ``date``: one event per date value (a collection about one story, the usual
        news-search case); ``story``: one per date and dedup cluster (needs dedup to have run).
    :param extra_lexicon: entries merged into the shipped ``lexicon.json`` (e.g.
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
    events_by: Literal["date", "story"] = "date"
    extra_lexicon: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        parse_reference(self.reference_date)
        if self.min_year > self.max_year:
            raise ValueError("min_year must not exceed max_year")


def parse_reference(value: Any) -> date | None:
    """An ISO date (or timestamp) string, a date, or None; anything else is a clear ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, date):
        return value
    try:
        ts = pd.Timestamp(str(value).strip())
    except (ValueError, TypeError) as exc:
        raise ValueError(f"reference_date {value!r} is not an ISO date (e.g. 2024-12-27)") from exc
    if pd.isna(ts):
        raise ValueError(f"reference_date {value!r} is not an ISO date (e.g. 2024-12-27)")
    return ts.date()


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


def empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns.items()})


def extract_timeline(frame: pd.DataFrame, params: TimelineParams, context: Context) -> Output:
    """The analysis function: ``timeline`` and ``events`` tables for ``frame``."""
    g = grammar(params.extra_lexicon)
    ex = Extractor(
        g,
        Options(vague=params.vague, present=params.present, min_year=params.min_year, max_year=params.max_year,
                day_first=params.day_first, default_tense=params.default_tense),
    )  # fmt: skip
    refs = _references(frame, parse_reference(params.reference_date))
    texts = frame["text"].tolist() if "text" in frame.columns else [None] * len(frame)
    ids = [str(i) for i in frame.index]

    cols: dict[str, list] = {c: [] for c in ("mention_id", "snippet_id", "text", "value", "granularity",
                                             "date_start", "date_end", "relative", "event", "start", "end",
                                             "kind", "mod", "time_of_day", "timezone", "reference_date")}  # fmt: skip
    n = len(ids)
    step = max(1, n // 20)
    for i, (sid, text, ref) in enumerate(zip(ids, texts, refs, strict=True)):
        if i % step == 0 and i:
            context.progress(i / n)
        if not isinstance(text, str) or not text:
            continue
        for k, men in enumerate(ex.extract(text, ref)):
            cols["mention_id"].append(f"{sid}:t{k}")
            cols["snippet_id"].append(sid)
            cols["text"].append(text[men.start : men.end])
            cols["value"].append(men.value)
            cols["granularity"].append(men.granularity)
            cols["date_start"].append(men.date_start)
            cols["date_end"].append(men.date_end)
            cols["relative"].append(men.relative)
            cols["event"].append(men.event)
            cols["start"].append(men.start)
            cols["end"].append(men.end)
            cols["kind"].append(men.kind)
            cols["mod"].append(men.mod)
            cols["time_of_day"].append(men.time_of_day)
            cols["timezone"].append(men.timezone)
            cols["reference_date"].append(ref)
    context.progress(1.0)

    if not cols["mention_id"]:
        timeline = empty(TIMELINE_COLUMNS)
    else:
        data: dict[str, Any] = dict(cols)
        for c in ("date_start", "date_end", "reference_date"):
            data[c] = _utc(cols[c])
        timeline = pd.DataFrame(data)
        timeline["claim_id"] = pd.Series(pd.NA, index=timeline.index, dtype="string")
        timeline["speaker_canonical"] = pd.Series(pd.NA, index=timeline.index, dtype="string")
        _attach_claims(timeline, context.table("claims"))
        timeline = timeline[list(TIMELINE_COLUMNS)].astype(TIMELINE_COLUMNS)

    tables = {"timeline": timeline}
    tables["events"] = (
        build_events(timeline, frame, by_story=params.events_by == "story") if params.events else empty(EVENTS_COLUMNS)
    )
    return Output(tables=tables)


def _attach_claims(timeline: pd.DataFrame, claims: pd.DataFrame | None) -> None:
    """Fill ``claim_id`` (and ``speaker_canonical``): the claim whose content holds the expression,
    else the claim whose speaker-to-content span holds it, else one whose speaker is within 40
    characters in the same snippet ("..., the agency said on Friday")."""
    if claims is None or len(claims) == 0 or not {"snippet_id", "claim_id"} <= set(claims.columns):
        return
    c = pd.DataFrame({"snippet_id": claims["snippet_id"].astype("string"),
                      "claim_id": claims["claim_id"].astype("string")})  # fmt: skip
    for col in ("content_start", "content_end", "speaker_start", "speaker_end"):
        c[col] = pd.to_numeric(claims[col], errors="coerce").astype("Float64") if col in claims else np.nan
    c["speaker_canonical"] = claims["speaker_canonical"].astype("string") if "speaker_canonical" in claims else pd.NA
    m = (
        timeline[["mention_id", "snippet_id", "start", "end"]]
        .astype({"snippet_id": "string"})
        .merge(c, on="snippet_id", how="inner")
    )
    if m.empty:
        return
    s, e = m["start"].astype("Float64"), m["end"].astype("Float64")
    lo = m[["content_start", "speaker_start"]].min(axis=1)
    hi = m[["content_end", "speaker_end"]].max(axis=1)
    in_content = (s >= m["content_start"]) & (e <= m["content_end"])
    in_span = (s >= lo) & (e <= hi)
    gap = pd.concat([(s - m["speaker_end"]).abs(), (m["speaker_start"] - e).abs()], axis=1).min(axis=1)
    near = gap <= 40
    m["rank"] = np.select([in_content.fillna(False).to_numpy(bool), in_span.fillna(False).to_numpy(bool),
                           near.fillna(False).to_numpy(bool)], [0, 1, 2], 3)  # fmt: skip
    m["gap"] = gap.fillna(1e9).astype(float)
    best = m[m["rank"] < 3].sort_values(["mention_id", "rank", "gap"]).drop_duplicates("mention_id")
    if best.empty:
        return
    by_id = best.set_index("mention_id")
    idx = timeline["mention_id"]
    timeline["claim_id"] = idx.map(by_id["claim_id"]).astype("string")
    timeline["speaker_canonical"] = idx.map(by_id["speaker_canonical"]).astype("string")


def _lists(codes: np.ndarray, values: pd.Series, ngroups: int) -> list[list]:
    """Per group code (rows sorted by code): the distinct non-null values, in row order."""
    keep = (values.notna() & ~pd.DataFrame({"c": codes, "v": values}).duplicated()).to_numpy(bool)
    kept = values.to_numpy(dtype=object)[keep]
    counts = np.bincount(codes[keep], minlength=ngroups)
    return [part.tolist() for part in np.split(kept, np.cumsum(counts)[:-1])]


def build_events(timeline: pd.DataFrame, frame: pd.DataFrame, by_story: bool = False) -> pd.DataFrame:
    """Events ordered by date: the dated mentions grouped by value (and by dedup's story cluster when
    ``by_story`` and dedup ran), each with its snippets, sources, speakers and a representative clause."""
    if timeline.empty:
        return empty(EVENTS_COLUMNS)
    keep = timeline["date_start"].notna() & ~timeline["kind"].isin(["reference", "vague", "duration"])
    t = timeline.loc[keep, ["mention_id", "snippet_id", "value", "granularity", "date_start", "date_end", "event",
                            "speaker_canonical"]].copy()  # fmt: skip
    if t.empty:
        return empty(EVENTS_COLUMNS)
    sid = t["snippet_id"].astype(str)
    index = frame.index.astype(str)

    def look(col: str, dtype: str) -> pd.Series:
        if col not in frame.columns:
            return pd.Series(pd.NA, index=t.index, dtype=dtype)
        return pd.Series(frame[col].to_numpy(), index=index).reindex(sid.to_numpy()).set_axis(t.index).astype(dtype)

    t["source"] = look("source", "string")
    t["cluster_id"] = look("cluster_id", "string")
    t["published_at"] = pd.to_datetime(look("published_at", "object"), utc=True, errors="coerce")
    t["order"] = np.arange(len(t))
    t["key"] = t["value"].fillna("").astype(str)
    if by_story:
        t["key"] += np.where(t["cluster_id"].isna(), "", "@" + t["cluster_id"].fillna("").astype(str))
    t = t.sort_values(["key", "published_at", "order"], na_position="last").reset_index(drop=True)
    codes, keys = pd.factorize(t["key"], sort=False)  # increasing along the sorted rows
    ngroups = len(keys)
    grouped = t.groupby(codes, sort=True)
    ev = pd.DataFrame({
        "event_id": pd.Series(keys.astype(str)),
        "snippet_id": grouped["snippet_id"].first().reset_index(drop=True),
        "value": grouped["value"].first().reset_index(drop=True),
        "granularity": grouped["granularity"].first().reset_index(drop=True),
        "date_start": grouped["date_start"].min().reset_index(drop=True),
        "date_end": grouped["date_end"].max().reset_index(drop=True),
        "event": grouped["event"].first().reset_index(drop=True),
        "n_mentions": grouped.size().reset_index(drop=True),
        "n_snippets": grouped["snippet_id"].nunique().reset_index(drop=True),
        "n_sources": grouped["source"].nunique().reset_index(drop=True),
        "cluster_id": grouped["cluster_id"].first().reset_index(drop=True),
        "first_published": grouped["published_at"].min().reset_index(drop=True),
    })  # fmt: skip
    if not by_story:
        ev["cluster_id"] = pd.NA
    for out_col, col in (("snippet_ids", "snippet_id"), ("sources", "source"), ("speakers", "speaker_canonical"),
                         ("mention_ids", "mention_id")):  # fmt: skip
        ev[out_col] = pd.Series(_lists(codes, t[col], ngroups), dtype=object)
    ev = ev.sort_values(["date_start", "date_end", "value", "event_id"], kind="stable").reset_index(drop=True)
    return ev[list(EVENTS_COLUMNS)].astype(EVENTS_COLUMNS)
