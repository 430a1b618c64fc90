"""The story report: built from a run's tables on snippets written for it, then from bad inputs.

The snippets below are written for these tests in the style of wire copy: three stories (a port
strike, a wildfire evacuation, a central-bank decision), several outlets each, syndicated copies,
a figure two sides disagree on, a pair of ranges that agree, and dates. Story ids are set by hand
where a test needs to know which story is which (the ``stories`` analysis is tested by its own
engineer); one test runs the real ``stories`` analysis.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import toolkit
from toolkit.cli import main
from toolkit.report import Report, build_report
from toolkit.report.dates import date_label
from toolkit.report.render import safe_url

pytestmark = pytest.mark.filterwarnings("ignore::toolkit.SnippetInputWarning", "ignore::toolkit.PluginLoadWarning")

PORT, FIRE, ECB = "port-strike", "wildfire", "ecb-rates"
SNIPPETS = [
    # -- the port strike: five outlets, a syndicated report, a figure the two sides disagree on
    (
        "p1",
        PORT,
        "Reuters",
        "2025-03-03T09:05:00Z",
        "Dockworkers at the Port of Antwerp walked out on Monday, halting container traffic, the ABVV union said. "
        "About 2,000 workers joined the strike, according to union officials.",
    ),
    (
        "p2",
        PORT,
        "Associated Press",
        "2025-03-03T10:40:00Z",
        "Dockworkers at the Port of Antwerp walked out on Monday, halting container traffic, the ABVV union said. "
        "About 2,000 workers joined the strike, according to union officials.",
    ),
    (
        "p3",
        PORT,
        "Brussels Times",
        "2025-03-03T12:15:00Z",
        "Dockworkers at the Port of Antwerp walked out on Monday, halting container traffic, the ABVV union said. "
        "About 2,000 workers joined the strike, according to union officials",
    ),
    (
        "p4",
        PORT,
        "De Standaard",
        "2025-03-04T08:00:00Z",
        'Port operator spokesperson Anne Peeters said only 800 workers had stopped work. "Most terminals are '
        'operating normally," Peeters said on Tuesday.',
    ),
    (
        "p5",
        PORT,
        "Politico Europe",
        "2025-03-04T15:30:00Z",
        "The strike is expected to last until March 7, Belgian Labour Minister Pierre-Yves Dermagne said on Tuesday.",
    ),
    # -- the wildfire: ranges that agree, a syndicated copy
    (
        "f1",
        FIRE,
        "El País",
        "2025-07-13T18:00:00Z",
        "More than 12,000 people were ordered to leave their homes on Sunday as a wildfire spread through the hills "
        "north of Valencia, regional authorities said.",
    ),
    (
        "f2",
        FIRE,
        "Reuters",
        "2025-07-13T19:30:00Z",
        "More than 12,000 people were ordered to leave their homes on Sunday as a wildfire spread through the hills "
        "north of Valencia, regional authorities said.",
    ),
    (
        "f3",
        FIRE,
        "The Guardian",
        "2025-07-14T07:00:00Z",
        '"We have moved between 10,000 and 15,000 people to safety," regional president Carlos Mazón told reporters '
        "on Monday.",
    ),
    # -- the central bank: one outlet, one speaker
    (
        "e1",
        ECB,
        "Financial Times",
        "2025-06-05T13:00:00Z",
        "The European Central Bank cut its deposit rate to 2% on Thursday, ECB President Christine Lagarde said, "
        "adding that inflation would average 2.3% in 2025.",
    ),
]


#: every built-in analysis but ``stories`` (the tests set story ids by hand)
ANALYSES = [
    a
    for a in ("dedup", "attribution", "figures", "figure_comparison", "timeline")
    if a in toolkit.default_registry().analyses
]


def frame(snippets=SNIPPETS) -> pd.DataFrame:
    return toolkit.snippet_frame(
        [
            {"id": i, "source": src, "published_at": at, "text": text, "url": f"https://news.example/{i}"}
            for i, _story, src, at, text in snippets
        ]
    )


def with_stories(result: toolkit.Result, snippets=SNIPPETS) -> toolkit.Result:
    """The result with the hand-written story of each snippet as its ``story_id`` column."""
    story = pd.Series({i: s for i, s, *_ in snippets}, dtype="string")
    return toolkit.Result(result.snippets.assign(story_id=story), result.tables, result.records, result.config)


@pytest.fixture(scope="module")
def ran() -> toolkit.Result:
    result = toolkit.run(frame(), ANALYSES, on_error="continue")
    return with_stories(result)


@pytest.fixture(scope="module")
def report(ran) -> Report:
    return toolkit.report(ran)


def story(report: Report, story_id: str):
    return next(s for s in report.stories if s.story_id == story_id)


# -- what the report says ---------------------------------------------------------------------------
def test_stories_most_corroborated_first(report):
    assert [s.story_id for s in report.stories] == [PORT, FIRE, ECB]
    port = story(report, PORT)
    assert port.n_snippets == 5 and port.n_outlets == 5
    assert report.n_snippets == 9 and len(report.outlets) == 8
    assert report.grouped_by == "story_id"


def test_same_fact_reports_carry_outlets_dates_and_speakers(report):
    top = story(report, PORT).reports[0]
    assert {r.snippet_id for r in top.snippets} >= {"p1", "p2"}  # the syndicated copy
    assert {"Reuters", "Associated Press"} <= set(top.outlets) and top.n_outlets == top.n_snippets
    assert top.first_published == pd.Timestamp("2025-03-03T09:05:00Z")
    assert top.last_published >= pd.Timestamp("2025-03-03T10:40:00Z")
    assert any("ABVV" in who or "union" in who for who in top.attributed_to), top.attributed_to
    assert top.text.startswith("Dockworkers at the Port of Antwerp")
    assert [r.url for r in top.snippets][:1] == ["https://news.example/p1"]  # earliest first
    # without a speaker, a report says so
    assert all(isinstance(f.attributed_to, list) for s in report.stories for f in s.reports)


def test_who_says_what(report):
    names = {e.name: e for e in story(report, PORT).speakers}
    peeters = next(e for name, e in names.items() if "Peeters" in name)
    assert peeters.n_claims >= 1 and peeters.outlets == ["De Standaard"]
    assert any("terminals are operating normally" in q.content for q in peeters.claims)
    assert all(q.snippet.snippet_id == "p4" for q in peeters.claims)
    lagarde = [e for e in story(report, ECB).speakers if "Lagarde" in e.name]
    assert lagarde and lagarde[0].outlets == ["Financial Times"]


def test_figure_conflict_within_the_story_and_agreeing_ranges(report):
    port = story(report, PORT)
    [conflict] = [t for t in port.conflicts if "worker" in t.topic.lower()]
    by_label = {v.label: v for v in conflict.values}
    assert set(by_label) == {"800", "≈2,000"}, by_label
    assert by_label["≈2,000"].n_outlets == 3 and by_label["800"].outlets == ["De Standaard"]
    assert by_label["800"].first_published == pd.Timestamp("2025-03-04T08:00:00Z")
    assert any("Peeters" in s for s in by_label["800"].speakers)
    fire = story(report, FIRE)
    people = [t for t in fire.figures if "people" in t.topic.lower()]
    assert people and not any(t.conflict for t in people)  # "more than 12,000" fits "10,000-15,000"
    assert not fire.conflicts
    assert {v.label for t in people for v in t.values} == {"10,000–15,000", ">12,000"}
    ecb = story(report, ECB)  # nothing to compare: listed as other figures, with their speaker
    assert [f.label for f in ecb.other_figures] == ["2%", "2.3%"]
    assert all(f.speaker and "Lagarde" in f.speaker and f.snippet.snippet_id == "e1" for f in ecb.other_figures)


def test_timeline_in_date_order_with_labels_and_sources(report):
    port = story(report, PORT)
    starts = [e.date_start for e in port.events if e.date_start is not None]
    assert starts == sorted(starts) and len(starts) >= 2
    monday = next(e for e in port.events if e.value == "2025-03-03")
    assert monday.date_label == "Mon 03 Mar 2025"
    assert {"Reuters", "Associated Press"} <= set(monday.outlets)
    assert monday.label and "walked out" in monday.label
    assert any(e.value == "2025-03-07" for e in port.events)  # "until March 7"


def test_every_item_links_back_to_snippets(report):
    ids = set(frame().index)
    for s in report.stories:
        items = [*s.reports, *s.events, *(v for t in s.figures for v in t.values)]
        assert all(item.snippets and {r.snippet_id for r in item.snippets} <= ids for item in items)
        assert all(q.snippet.snippet_id in ids for e in s.speakers for q in e.claims)


def test_result_report_is_toolkit_report(ran, report):
    again = ran.report()
    assert isinstance(again, Report) and again.summary().equals(report.summary())


# -- the page ---------------------------------------------------------------------------------------------
def test_page_is_self_contained_and_shows_every_part(report, tmp_path):
    path = report.to_html(tmp_path / "out" / "report.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in page
    assert "<script" not in page.lower() and "src=" not in page.lower() and "@import" not in page
    assert "http-equiv" in page and "default-src 'none'" in page
    for part in ("Same-fact reports", "Who says what", "Figure conflicts", "Other figures", "Timeline"):
        assert part in page
    assert page.count("<section class='story'") == 3
    assert re.search(
        r"At a glance:</b> \d+ reports? carried by several snippets · \d+ speakers · 1 figure conflict", page
    )
    assert "<svg class='stk-chart'" in page and "Mon 03 Mar 2025" in page
    assert "href='https://news.example/p1'" in page
    assert "<span class='stk-speaker'" in page and "<span class='stk-quote'" in page  # the core's highlighter
    fragment = report._repr_html_()
    assert "<html" not in fragment and "class='stk-report'" in fragment


HOSTILE = "<img src=x onerror=alert(1)>"


def test_hostile_text_is_escaped_and_only_http_urls_link():
    rows = [
        {
            "id": "h1",
            "text": f'{HOSTILE} "Evacuate now," {HOSTILE} said on Monday. <script>alert(2)</script>',
            "source": "<b>Evil</b> Times",
            "url": "javascript:alert(3)",
            "published_at": "2025-01-06",
        },
        {"id": "h2", "text": "Nothing here.", "source": "Ok", "url": "https://ok.example/a?b=1&c='x'"},
        {"id": "h3", "text": "Nothing either.", "source": "Ok", "url": " java\tscript:alert(4)"},
    ]
    snippets = toolkit.snippet_frame(rows)
    sid = pd.Series(["h1"], dtype="string")
    result = toolkit.Result(
        snippets.assign(story_id=pd.Series({"h1": HOSTILE, "h2": HOSTILE, "h3": "s2"}, dtype="string")),
        {
            "claims": pd.DataFrame(
                {"snippet_id": sid, "speaker": [HOSTILE], "content": [HOSTILE], "cue": ["said"], "kind": [HOSTILE]}
            ),
            "figure_comparison": pd.DataFrame(
                {
                    "snippet_id": ["h1", "h2"],
                    "topic": [HOSTILE, HOSTILE],
                    "counted": [HOSTILE, HOSTILE],
                    "text": [HOSTILE, "5"],
                    "value": [1.0, 5.0],
                    "speaker_canonical": [HOSTILE, None],
                }
            ),
            "figures": pd.DataFrame(
                {"snippet_id": sid, "text": [HOSTILE], "counted": [HOSTILE], "value": [3.0], "unit": [HOSTILE]}
            ).assign(speaker_canonical=[HOSTILE]),
            "events": pd.DataFrame(
                {
                    "snippet_id": sid,
                    "value": ["2025-01-06"],
                    "granularity": ["day"],
                    "date_start": [pd.Timestamp("2025-01-06", tz="UTC")],
                    "label": [HOSTILE],
                    "speakers": [[HOSTILE]],
                }
            ),
        },
    )
    page = toolkit.report(result).html()
    assert "Other figures" in page and "Figure conflicts" in page and "Who says what" in page
    assert "<img" not in page and "<script" not in page and "<b>Evil" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "javascript:" not in page and "alert(4)" not in page  # never a link, never shown
    hrefs = re.findall(r"href='([^']*)'", page)
    assert hrefs and all(h.startswith("https://") or h.startswith("#") for h in hrefs)
    assert "href='https://ok.example/a?b=1&amp;c=&#x27;x&#x27;'" in page


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://a.example/x", True),
        ("HTTP://a.example", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("data:text/html,<b>", False),
        ("//a.example/x", False),
        ("https://", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_url(url, safe):
    assert (safe_url(url) is not None) is safe


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60), st.text(max_size=30), st.text(max_size=30))
def test_any_text_is_escaped(text, source, speaker):
    marker = "<i id=x>"
    snippets = toolkit.snippet_frame([{"id": "a", "text": text + marker, "source": source + marker}])
    claims = pd.DataFrame({"snippet_id": ["a"], "speaker": [speaker + marker], "content": [text + marker]})
    page = toolkit.report(toolkit.Result(snippets, {"claims": claims})).html()
    assert marker not in page
    assert page.count("&lt;i id=x&gt;") >= 3  # the text, the outlet and the speaker are all shown, escaped


# -- bad and partial inputs ------------------------------------------------------------------------------
def test_empty_result_gives_a_page():
    result = toolkit.run(toolkit.empty_snippet_frame(), ["dedup", "attribution", "figures", "timeline"])
    report = toolkit.report(result)
    assert report.stories == [] and report.n_snippets == 0
    page = report.html()
    assert "0 snippets" in page and "<section" not in page


def test_dedup_only():
    result = toolkit.run(frame(), ["dedup"])
    report = toolkit.report(result)
    [only] = report.stories
    assert only.story_id == "all" and only.n_snippets == 9 and only.reports
    assert only.reports[0].n_snippets >= 2 and not only.speakers and not only.events
    assert any("no claims table" in n for n in report.notes)
    assert any("one story" in n for n in report.notes)
    assert "Same-fact reports" in report.html() and "Who says what" not in report.html()


def test_read_back_from_disk_without_the_timeline(ran, tmp_path):
    kept = {k: v for k, v in ran.tables.items() if k not in ("timeline", "events")}
    toolkit.Result(ran.snippets, kept, ran.records).to_dir(tmp_path / "run", format="csv")
    back = toolkit.Result.from_dir(tmp_path / "run")
    report = toolkit.report(back)
    assert [s.story_id for s in report.stories] == [PORT, FIRE, ECB]
    assert not any(s.events for s in report.stories)
    assert any("no timeline table" in n for n in report.notes)
    assert story(report, PORT).conflicts  # the figures survived the round trip
    assert "Timeline" not in report.html()


def test_timeline_without_events_table_is_grouped_by_date(ran):
    kept = {k: v for k, v in ran.tables.items() if k != "events"}
    report = toolkit.report(toolkit.Result(ran.snippets, kept))
    port = story(report, PORT)
    assert any(e.value == "2025-03-03" and len(e.snippets) >= 3 for e in port.events)


def test_columns_missing_and_tables_made_across_stories():
    """Hand-made tables: no canonical speaker, no conflict flag, an event spanning two stories."""
    snippets = toolkit.snippet_frame(
        [
            {"id": "a", "text": "A said 5 people died.", "source": "X"},
            {"id": "b", "text": "B said 9 people died.", "source": "Y"},
            {"id": "c", "text": "C said 100 boats sank.", "source": "Z"},
        ]
    ).assign(story_id=pd.Series({"a": "one", "b": "one", "c": "two"}, dtype="string"))
    tables = {
        "claims": pd.DataFrame({"snippet_id": ["a", "b"], "speaker": ["A", None], "content": ["5 people died", ""]}),
        "figure_comparison": pd.DataFrame(
            {
                "snippet_id": ["a", "b", "c"],
                "topic": ["people"] * 3,
                "value": [5.0, 9.0, 100.0],
                "low": [None, 8.0, None],
                "high": [None, 10.0, None],
            }
        ),
        "events": pd.DataFrame(
            {
                "snippet_id": ["a"],
                "value": ["2024-SU"],
                "snippet_ids": [["a", "c"]],
                "date_start": [pd.Timestamp("2024-06-01", tz="UTC")],
                "date_end": [pd.Timestamp("2024-08-31", tz="UTC")],
                "granularity": ["season"],
            }
        ),
    }
    tables["claims"]["story_id"] = ["from another run", None]  # a story no snippet has: the snippet's is used
    report = toolkit.report(toolkit.Result(snippets, tables))
    one, two = story(report, "one"), story(report, "two")
    assert [e.name for e in one.speakers] == ["A", "(unknown speaker)"]
    [topic] = one.figures  # "two"'s lone figure is not compared across stories
    assert topic.conflict and [v.label for v in topic.values] == ["5", "8–10"]
    assert not two.figures
    assert [e.date_label for e in one.events] == ["summer 2024"] and [e.snippets[0].snippet_id for e in two.events] == [
        "c"
    ]
    assert "<svg" in report.html()  # a season is drawn as a bar


def test_real_stories_analysis_groups_the_pile():
    result = toolkit.run(frame(), ["dedup", "stories", "attribution", "figures", "timeline"], on_error="continue")
    if "story_id" not in result.snippets.columns:
        pytest.skip("the stories analysis did not run here: " + "; ".join(r.error for r in result.errors))
    report = toolkit.report(result)
    assert report.grouped_by == "story_id"
    assert sum(s.n_snippets for s in report.stories) == 9
    # the syndicated copies are one report, whatever the story grouping
    assert any({"p1", "p2"} <= {r.snippet_id for r in f.snippets} for s in report.stories for f in s.reports)


@pytest.mark.parametrize(
    ("value", "granularity", "expected"),
    [
        ("2024-12-27", "day", "Fri 27 Dec 2024"),
        ("2024-12", "month", "December 2024"),
        ("2024-W51", "week", "week 51 of 2024"),
        ("2024-Q3", "quarter", "Q3 2024"),
        ("2024-SU", "season", "summer 2024"),
        ("199X", "decade", "the 1990s"),
        ("19", "century", "the 20th century"),
        ("XXXX-WXX-2", "day", "a Tuesday (week unknown)"),
        ("XXXX-12-26", "day", "26 December (year unknown)"),
        ("2024-12-27TMO", "time", "Fri 27 Dec 2024 morning"),
        ("PRESENT_REF", "ref", "now"),
        ("2024", "year", "2024"),
        ("", "", "(undated)"),
    ],
)
def test_date_labels(value, granularity, expected):
    start = pd.Timestamp(value[:10], tz="UTC") if re.match(r"\d{4}-\d{2}-\d{2}", value) else None
    if granularity == "month":
        start = pd.Timestamp("2024-12-01", tz="UTC")
    if granularity == "year":
        start = pd.Timestamp("2024-01-01", tz="UTC")
    assert date_label(value, granularity, start, None) == expected


# -- the command -------------------------------------------------------------------------------------------
def test_cli_report_from_a_file_and_from_a_run_directory(tmp_path, capsys):
    source = tmp_path / "snippets.jsonl"
    frame().reset_index().rename(columns={"snippet_id": "id"}).to_json(
        source, orient="records", lines=True, date_format="iso"
    )
    out = tmp_path / "report.html"
    assert main(["report", str(source), "--out", str(out), "--analyses", "dedup,attribution", "-q"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Same-fact reports" in page and "Who says what" in page and "Figure conflicts" not in page
    assert main(["run", str(source), "--out", str(tmp_path / "run"), "--analyses", "dedup,figures", "-q"]) == 0
    assert main(["report", str(tmp_path / "run"), "--out", str(tmp_path / "again.html"), "--title", "<T>"]) == 0
    again = (tmp_path / "again.html").read_text(encoding="utf-8")
    assert "<title>&lt;T&gt;</title>" in again
    assert "wrote" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "run"), "--out", str(out), "--analyses", "dedup"]) == 1
    assert "not to a finished run" in capsys.readouterr().err


def test_build_report_takes_explicit_highlights(ran):
    plain = build_report(ran, highlights=[])
    assert plain.highlights == [] and "stk-speaker" not in plain.html()


def test_caps_show_the_most_corroborated_and_count_the_rest():
    from toolkit.report import Caps

    ids = [f"s{i}" for i in range(60)]
    snippets = toolkit.snippet_frame(
        [{"id": i, "text": f"Event {i} happened.", "source": f"outlet {n % 7}"} for n, i in enumerate(ids)]
    ).assign(story_id=pd.Series({i: f"story {n % 3}" for n, i in enumerate(ids)}, dtype="string"))
    days = pd.date_range("2024-01-01", periods=60, tz="UTC")
    events = pd.DataFrame(
        {
            "snippet_id": ids,
            "value": [d.strftime("%Y-%m-%d") for d in days],
            "granularity": ["day"] * 60,
            "date_start": days,
            "event": [f"Event {n} happened." for n in range(60)],
            # event 0 of each story is dated by two snippets, so it must be among those shown
            "snippet_ids": [[i, ids[(n + 3) % 60]] if n < 3 else [i] for n, i in enumerate(ids)],
        }
    )
    report = toolkit.report(toolkit.Result(snippets, {"events": events}))
    page = report.html(caps=Caps(stories=2, story_index=0, events=5, refs=1))
    assert page.count("<section class='story'") == 2
    assert page.count("<g class='stk-event'>") == 10 and "… 15 more events" in page
    assert "the 5 dated by the most outlets shown" in page
    assert "Event 0 happened." in page and "+1 more" in page  # the two-snippet event; one link, then "+1 more"
    assert "… 1 more story (see the stories table)" in page


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_columns_missing_never_crash(ran, data):
    """Drop any tables and any columns of the rest (even snippet_id, so rows cannot join): a page, always."""
    tables = {}
    for name in data.draw(st.sets(st.sampled_from(sorted(ran.tables)))):
        table = ran.tables[name]
        dropped = data.draw(st.sets(st.sampled_from(list(table.columns))))
        tables[name] = table.drop(columns=sorted(dropped))
    snippet_cols = data.draw(st.sets(st.sampled_from([c for c in ran.snippets.columns if c != "text"])))
    result = toolkit.Result(ran.snippets.drop(columns=sorted(snippet_cols)), tables)
    report = toolkit.report(result)
    assert sum(s.n_snippets for s in report.stories) == 9
    page = report.html()
    assert page.count("<section class='story'") == len(report.stories)
