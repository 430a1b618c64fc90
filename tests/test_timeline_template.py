"""The timeline plugin's shape (issue 13): the explicit handler table, data files, documented
columns, the engine on a plain string, the declared highlight; and its events per story with a
readable label, charted with events on the y axis (issues 10.2 and 11)."""

from __future__ import annotations

import json
from importlib import resources

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_timeline import EVENTS_COLUMNS, EVENTS_DOCS, TIMELINE_COLUMNS, TIMELINE_DOCS, TimelineParams
from toolkit_timeline.analysis import extract_timeline
from toolkit_timeline.extract import HANDLERS, extract
from toolkit_timeline.grammar import grammar
from toolkit_timeline.views import date_tooltip, timeline_spec

import toolkit
from toolkit import Context


def test_every_alternative_of_the_grammar_has_a_handler_and_no_handler_is_orphaned():
    names = grammar().alternatives
    assert len(names) > 30
    assert set(names) == set(HANDLERS)
    extended = grammar({"holidays_fixed": {"nakba day": "05-15"}})
    assert set(extended.alternatives) == set(HANDLERS)


def test_word_lists_live_in_data():
    files = resources.files("toolkit_timeline")
    assert not files.joinpath("lexicon.json").is_file()
    lexicon = json.loads(files.joinpath("data", "lexicon.json").read_text(encoding="utf-8"))
    assert "number_words" in lexicon and "event_names" in lexicon
    assert "months" not in lexicon  # shared English data: toolkit.text.MONTHS


def test_every_column_has_a_meaning():
    for columns, docs in ((TIMELINE_COLUMNS, TIMELINE_DOCS), (EVENTS_COLUMNS, EVENTS_DOCS)):
        assert set(columns) == set(docs)
        assert all(isinstance(v, str) and len(v) > 10 for v in docs.values())
    assert "2024-SU" in TIMELINE_DOCS["value"] and "XXXX-WXX-2" in TIMELINE_DOCS["value"]
    assert "offset" in TIMELINE_DOCS["start"]


def test_the_engine_works_on_a_plain_string():
    found = extract("The soldier captured on December 26th has died, the NIS said on Friday.", "2024-12-27")
    assert [(m.value, m.label) for m in found] == [
        ("2024-12-26", "The soldier captured on December 26th has died"),
        ("2024-12-27", "the NIS said on Friday."),
    ]
    assert [m.value for m in extract("It rained on Friday.")] == ["XXXX-WXX-5"]


def test_the_spec_declares_its_split_and_its_highlight():
    spec = toolkit.default_registry().analysis("timeline")
    assert spec.is_split
    (hl,) = spec.highlights
    assert (hl.table, hl.start, hl.end, hl.label) == ("timeline", "start", "end", "date")
    assert hl.tooltip is date_tooltip
    assert date_tooltip({"value": "2024-12-26", "text": "Dec. 26"}) == "date: 2024-12-26"
    assert date_tooltip({"value": None, "text": "1 January 10000"}) == "date: 1 January 10000"


# A known date planted in arbitrary text must always be found: a property that fails when the
# extractor returns nothing.
NOISE = [" ", ", ", ". ", "(", "-", "1", "26", "2024", "the", "May", "Friday", "last", "week", "ago", "a.m.", "in",
         "Olympics", "World Cup", "that", "day", "'", "\u2014", "later", "earlier", "by", "10000"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(NOISE), max_size=20).map("".join), st.lists(st.sampled_from(NOISE), max_size=20))
def test_a_planted_date_is_always_found(before, after):
    text = f"{before}. Talks resumed on 3 March 2021. {''.join(after)}"
    found = extract(text, "2024-12-27")
    assert any(text[m.start : m.end] == "3 March 2021" and m.value == "2021-03-03" for m in found)
    for m in found:
        assert 0 <= m.start < m.end <= len(text)


# ---------------------------------------------------------------------------------------------
# Events by story (issue 10.2)

ROWS = [
    {"snippet_id": "a", "source": "Reuters", "story_id": "dam", "published_at": "2024-12-27",
     "text": "A dam burst on Friday, flooding three villages."},
    {"snippet_id": "b", "source": "AP", "story_id": "dam", "published_at": "2024-12-27",
     "text": "The dam burst on Friday, officials said."},
    {"snippet_id": "c", "source": "BBC", "story_id": "cabinet", "published_at": "2024-12-27",
     "text": "The finance minister resigned on Friday after a row over the budget."},
]  # fmt: skip


def run_events(rows: list[dict], **params) -> pd.DataFrame:
    f = toolkit.snippet_frame(pd.DataFrame(rows))
    return extract_timeline(f, TimelineParams(**params), Context()).tables["events"]


def test_unrelated_stories_that_share_a_date_stay_two_events():
    ev = run_events(ROWS)
    assert ev["event_id"].tolist() == ["2024-12-27@cabinet", "2024-12-27@dam"]
    assert ev["story_id"].tolist() == ["cabinet", "dam"]
    assert ev["snippet_ids"].tolist() == [["c"], ["a", "b"]]
    assert ev["n_sources"].tolist() == [1, 2]
    assert ev["label"].tolist() == [
        "The finance minister resigned on Friday after a row over the budget.",
        "A dam burst on Friday",
    ]


def test_without_stories_the_collection_is_one_story_and_date_merges_on_request():
    no_story = [{k: v for k, v in r.items() if k != "story_id"} for r in ROWS]
    ev = run_events(no_story)
    assert ev["event_id"].tolist() == ["2024-12-27"] and ev["story_id"].isna().all()
    merged = run_events(ROWS, events_by="date")
    assert merged["n_snippets"].tolist() == [3]


def test_the_pipeline_runs_stories_before_the_timeline():
    result = toolkit.run(toolkit.snippet_frame(pd.DataFrame(ROWS).drop(columns="story_id")), ["stories", "timeline"])
    assert "story_id" in result.snippets.columns
    ev = result["events"]
    assert ev["story_id"].notna().all()
    by_story = dict(zip(result.snippets.index, result.snippets["story_id"], strict=True))
    for sids, story in zip(ev["snippet_ids"], ev["story_id"], strict=True):
        assert {by_story[s] for s in sids} == {story}


# ---------------------------------------------------------------------------------------------
# The chart: events on the y axis (issue 11)


def test_the_chart_has_one_row_per_event_labelled_with_what_happened():
    f = toolkit.snippet_frame(pd.DataFrame(ROWS))
    result = toolkit.run(f, ["timeline"])
    spec = timeline_spec(result)
    rows = spec["data"]["values"]
    assert sorted(r["lane"] for r in rows) == [
        "A dam burst on Friday",
        "The finance minister resigned on Friday after a row over the budget.",
    ]
    assert spec["layer"][1]["encoding"]["y"]["field"] == "lane"
    assert {r["source"] for r in rows} == {"Reuters, AP", "BBC"}
    assert all(r["lane"] not in set(f.index) for r in rows)  # never snippet ids
    json.dumps(spec)


def test_bad_collections_give_sensible_events():
    same = [
        {"snippet_id": f"o{i}", "source": f"outlet {i}", "story_id": "quake", "published_at": "2024-12-27",
         "text": "A strong earthquake struck the coast on Friday."}
        for i in range(50)
    ]  # fmt: skip
    ev = run_events(same)
    assert len(ev) == 1 and ev["n_sources"].tolist() == [50] and ev["n_snippets"].tolist() == [50]
    unrelated = [
        {"snippet_id": f"u{i}", "story_id": f"story {i}", "published_at": "2024-12-27", "text": f"Item {i} on Friday."}
        for i in range(1000)
    ]
    ev = run_events(unrelated)
    assert len(ev) == 1000 and (ev["n_snippets"] == 1).all()  # never one giant merged event
    nothing = [{"snippet_id": "w", "text": "Hello"}, {"snippet_id": "x", "text": "No dates here at all."}]
    assert run_events(nothing).empty
