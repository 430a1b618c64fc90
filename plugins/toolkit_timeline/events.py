"""The ``events`` table: the dated mentions of a collection grouped by story and date.

A story is the ``story_id`` snippet column of the ``stories`` analysis: two unrelated stories that
share a date stay two events. Without that column the collection is one story (the usual
news-search case of one query). Each event keeps the clause of its earliest-published snippet
(``event``) and a short ``label`` of what happened, its snippets, sources and speakers.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from toolkit_timeline.schema import EVENTS_COLUMNS, empty

#: Mentions that are not events: "now" (the time of writing), vague references, durations.
NOT_EVENTS = ("reference", "vague", "duration")


def _lists(codes: np.ndarray, values: pd.Series, ngroups: int) -> list[list]:
    """Per group code (rows sorted by code): the distinct non-null values, in row order.

    The first row of each (group, value) pair, found on integer codes (``np.unique`` of the pairs)
    rather than with ``DataFrame.duplicated``, and the groups cut from one list (issue 14.1)."""
    value_codes, uniques = pd.factorize(values)  # -1 for a null value
    rows = np.flatnonzero(value_codes >= 0)
    pairs = codes[rows].astype(np.int64) * (len(uniques) + 1) + value_codes[rows]
    keep = np.sort(rows[np.unique(pairs, return_index=True)[1]])
    kept = values.to_numpy(dtype=object)[keep].tolist()
    ends = np.cumsum(np.bincount(codes[keep], minlength=ngroups)).tolist()
    return [kept[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]


def _snippet_rows(frame: pd.DataFrame, snippet_ids: pd.Series) -> np.ndarray:
    """The row of ``frame`` holding each of ``snippet_ids`` (-1 for an id not in it)."""
    index = frame.index if frame.index.dtype == "string" else frame.index.astype(str)
    return index.get_indexer(snippet_ids.to_numpy())


def _snippet_column(frame: pd.DataFrame, rows: np.ndarray, col: str, dtype: str) -> pd.Series:
    """``frame[col]`` at ``rows`` (NA for -1, and everywhere when the frame has no such column)."""
    if col not in frame.columns:
        return pd.Series(pd.NA, index=range(len(rows)), dtype=dtype)
    return pd.Series(frame[col].array.take(rows, allow_fill=True)).astype(dtype)


def _published(frame: pd.DataFrame, rows: np.ndarray) -> pd.Series:
    """Each row's ``published_at`` as a UTC timestamp (NaT when missing or not a date)."""
    if "published_at" not in frame.columns:
        return pd.Series(pd.NaT, index=range(len(rows)), dtype="datetime64[ns, UTC]")
    col = frame["published_at"]
    if isinstance(col.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(col.dtype):
        return pd.to_datetime(pd.Series(col.array.take(rows, allow_fill=True)), utc=True)
    values = np.full(len(rows), None, dtype=object)
    found = rows >= 0
    values[found] = col.to_numpy(dtype=object)[rows[found]]
    return pd.to_datetime(pd.Series(values, dtype=object), utc=True, errors="coerce")


def _dated_mentions(timeline: pd.DataFrame, frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """The mentions that can be events, with their snippet's source, date, story and grouping key."""
    keep = timeline["date_start"].notna() & ~timeline["kind"].isin(NOT_EVENTS)
    cols = ["mention_id", "snippet_id", "value", "granularity", "date_start", "date_end", "event", "label",
            "speaker_canonical"]  # fmt: skip
    t = timeline.loc[keep, cols].reset_index(drop=True)
    n = len(t)
    rows = _snippet_rows(frame, t["snippet_id"].astype(str))
    # the added columns gathered first and joined once (each column set on a frame costs a copy)
    added: dict[str, object] = {
        "source": _snippet_column(frame, rows, "source", "string"),
        "cluster_id": _snippet_column(frame, rows, "cluster_id", "string"),
        "story_id": _snippet_column(frame, rows, "story_id", "string")
        if by == "story"
        else pd.Series(pd.NA, index=range(n), dtype="string"),
        "published_at": _published(frame, rows),
        "order": np.arange(n),
    }
    key = t["value"].fillna("").astype(str)
    group = added["story_id"] if by == "story" else added["cluster_id"] if by == "cluster" else None
    if isinstance(group, pd.Series):
        key += np.where(group.isna(), "", "@" + group.fillna("").astype(str))
    added["key"] = key
    t = pd.concat([t, pd.DataFrame(added, index=t.index)], axis=1)
    return t.sort_values(["key", "published_at", "order"], na_position="last").reset_index(drop=True)


def build_events(
    timeline: pd.DataFrame, frame: pd.DataFrame, by: Literal["story", "date", "cluster"] = "story"
) -> pd.DataFrame:
    """Events ordered by date: the dated mentions grouped by story (``by``) and value, each with its
    snippets, sources, speakers, the clause of its earliest-published snippet and a short label."""
    if timeline.empty:
        return empty(EVENTS_COLUMNS)
    t = _dated_mentions(timeline, frame, by)
    if t.empty:
        return empty(EVENTS_COLUMNS)
    codes, keys = pd.factorize(t["key"], sort=False)  # increasing along the sorted rows
    grouped = t.groupby(codes, sort=True)

    def first(col: str) -> pd.Series:
        return grouped[col].first().reset_index(drop=True)

    ev = pd.DataFrame({
        "event_id": pd.Series(keys.astype(str)),
        "snippet_id": first("snippet_id"),
        "value": first("value"),
        "granularity": first("granularity"),
        "date_start": grouped["date_start"].min().reset_index(drop=True),
        "date_end": grouped["date_end"].max().reset_index(drop=True),
        "event": first("event"),
        "n_mentions": grouped.size().reset_index(drop=True),
        "n_snippets": grouped["snippet_id"].nunique().reset_index(drop=True),
        "n_sources": grouped["source"].nunique().reset_index(drop=True),
        "cluster_id": first("cluster_id") if by == "cluster" else pd.Series(pd.NA, index=range(len(keys))),
        "first_published": grouped["published_at"].min().reset_index(drop=True),
        "story_id": first("story_id"),
        "label": first("label"),
    })  # fmt: skip
    for out_col, col in (("snippet_ids", "snippet_id"), ("sources", "source"), ("speakers", "speaker_canonical"),
                         ("mention_ids", "mention_id")):  # fmt: skip
        ev[out_col] = pd.Series(_lists(codes, t[col], len(keys)), dtype=object)
    ev = ev.sort_values(["date_start", "date_end", "value", "event_id"], kind="stable").reset_index(drop=True)
    return ev[list(EVENTS_COLUMNS)].astype(EVENTS_COLUMNS)
