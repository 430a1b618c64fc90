"""Events per story (issue 12): the collection half of the timeline (``combine_events``) reads only the
snippets of one story at a time, so ``run_dask`` may run it per story group (``combine_by="story_id"``).

What must hold: combining each story's snippets and mentions on their own gives the events of the whole
collection, with the same ids (``value@story_id``, or the bare value for snippets without a story), so
the pandas run and a distributed one agree up to row order.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_timeline import TimelineParams
from toolkit_timeline.analysis import combine_events, extract_mentions

import toolkit
from toolkit import Context, Output

SENTENCES = [
    "The dam burst on Friday, officials said.",
    "Rescuers reached the valley on 26 December 2024 after the dam failed.",
    "The cabinet met on Monday and will meet again next week.",
    "Ministers resigned on December 20, the prime minister said on Tuesday.",
    "The vote, set for Dec. 30, was postponed to January 6.",
    "Turnout in 2020 was the lowest since the 1990s.",
    "Talks resume tomorrow at 10 a.m. local time.",
    "Prices rose 3% in the third quarter of 2024.",
    "No date was given.",
    "Three days ago the river rose; two weeks later it fell.",
]
STORIES = ["dam", "cabinet", "vote", None]


def story_frame(stories: list[str | None]) -> pd.DataFrame:
    """One snippet per entry of ``stories`` (its story; None = no story), with clusters inside stories."""
    rows = [
        {
            "snippet_id": f"s{i:03d}",
            "text": SENTENCES[(i * 7) % len(SENTENCES)],
            "source": f"outlet{i % 4}",
            "published_at": f"2024-12-{20 + i % 8:02d}T{i % 24:02d}:00:00Z",
            "story_id": story,
            "cluster_id": f"{story or 'none'}/{i % 3}",  # a dedup cluster never spans two stories
        }
        for i, story in enumerate(stories)
    ]
    frame = toolkit.snippet_frame(pd.DataFrame(rows))
    frame["story_id"] = pd.Series([r["story_id"] for r in rows], index=frame.index, dtype="string")
    frame["cluster_id"] = pd.Series([r["cluster_id"] for r in rows], index=frame.index, dtype="string")
    return frame


def events_per_story(frame: pd.DataFrame, params: TimelineParams) -> pd.DataFrame:
    """What a ``combine_by="story_id"`` run computes: ``combine_events`` on each story's rows alone
    (snippets without a story form one group), the groups' tables put together."""
    context = Context()
    timeline = extract_mentions(frame, params, context).tables["timeline"]
    story = frame["story_id"].astype(object).where(frame["story_id"].notna(), None)
    parts = []
    for value in dict.fromkeys(story.tolist()):
        ids = story.index[story.map(lambda s, v=value: s == v)]
        part = frame.loc[ids]
        rows = timeline[timeline["snippet_id"].isin(set(ids))].reset_index(drop=True)
        parts.append(combine_events(part, params, context, Output(tables={"timeline": rows})).tables["events"])
    return pd.concat(parts, ignore_index=True)


def by_id(events: pd.DataFrame) -> pd.DataFrame:
    return events.sort_values("event_id").reset_index(drop=True)


@settings(max_examples=15, deadline=None)
@given(stories=st.lists(st.sampled_from(STORIES), min_size=1, max_size=30), by=st.sampled_from(["story", "cluster"]))
def test_events_combined_per_story_equal_events_combined_on_the_whole(stories, by):
    frame = story_frame(stories)
    params = TimelineParams(reference_date="2024-12-27", events_by=by)
    context = Context()
    whole = combine_events(frame, params, context, extract_mentions(frame, params, context)).tables["events"]
    grouped = events_per_story(frame, params)
    assert grouped["event_id"].is_unique  # ids from different stories never collide
    pd.testing.assert_frame_equal(by_id(grouped), by_id(whole))


def test_event_ids_are_derived_from_the_story():
    frame = story_frame(["dam", "cabinet", None, "dam", "cabinet", None] * 3)
    events = events_per_story(frame, TimelineParams(reference_date="2024-12-27"))
    for event_id, value, story in events[["event_id", "value", "story_id"]].itertuples(index=False):
        assert event_id == (value if pd.isna(story) else f"{value}@{story}")


def test_the_spec_combines_events_per_story_unless_events_merge_dates_across_stories():
    spec = toolkit.default_registry().analysis("timeline")
    assert spec.is_split
    assert spec.combine_column(TimelineParams(events_by="story")) == "story_id"
    assert spec.combine_column(TimelineParams(events_by="cluster")) == "story_id"
    assert spec.combine_column(TimelineParams(events_by="date")) is None


def test_run_dask_with_events_by_date_gathers_and_merges_dates_across_stories():
    pytest.importorskip("dask.dataframe")
    import dask
    import dask.dataframe as dd

    from toolkit.dask_plan import collections_config
    from toolkit.distributed import run_dask

    frame = story_frame([STORIES[(i * 5) % 4] for i in range(24)])
    config = {"timeline": {"reference_date": "2024-12-27", "events_by": "date"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = toolkit.run(frame, ["timeline"], config=config).tables["events"]
        with collections_config():
            parts = [frame.iloc[:9], frame.iloc[9:]]
            ddf = dd.from_delayed([dask.delayed(p) for p in parts], meta=frame.iloc[:0], verify_meta=False)
        with dask.config.set(scheduler="sync"):
            lazy = run_dask(ddf, ["timeline"], config=config)
            got = lazy.compute().tables["events"]
    assert lazy.gathered == ["timeline"]
    assert expected["value"].is_unique  # one event per date, whatever the story
    have = got[expected.columns].sort_values("event_id").reset_index(drop=True)
    want = expected.sort_values("event_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(have, want, check_dtype=False)


def test_run_dask_gives_the_events_of_the_pandas_run():
    pytest.importorskip("dask.dataframe")
    import dask
    import dask.dataframe as dd

    from toolkit.dask_plan import collections_config
    from toolkit.distributed import run_dask

    frame = story_frame([STORIES[(i * 5) % 4] for i in range(40)])
    config = {"timeline": {"reference_date": "2024-12-27"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = toolkit.run(frame, ["timeline"], config=config)
        with collections_config():
            parts = [frame.iloc[:13], frame.iloc[13:13], frame.iloc[13:29], frame.iloc[29:]]
            ddf = dd.from_delayed([dask.delayed(p) for p in parts], meta=frame.iloc[:0], verify_meta=False)
        with dask.config.set(scheduler="sync"):
            got = run_dask(ddf, ["timeline"], config=config).compute()
    for name in ("timeline", "events"):
        want = expected.tables[name]
        have = got.tables[name][want.columns]
        key = "mention_id" if name == "timeline" else "event_id"
        have, want = (t.sort_values(key).reset_index(drop=True) for t in (have, want))
        pd.testing.assert_frame_equal(have, want, check_dtype=False)
