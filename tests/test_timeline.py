"""The timeline plugin: each family of expressions, tense rules, missing references, exclusions,
bad input, the tables' contract, and linear time on hostile input."""

from __future__ import annotations

import time
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_timeline import EVENTS_COLUMNS, TIMELINE_COLUMNS, TimelineParams, extract_timeline
from toolkit_timeline.extract import Extractor, Options
from toolkit_timeline.grammar import grammar

import toolkit
from toolkit import Context
from toolkit.testing import check_analysis

FRIDAY = date(2024, 12, 27)  # a Friday


def found(text: str, ref: date | None = FRIDAY, **options) -> list[tuple[str, str | None]]:
    """(surface, value) for every expression in ``text``."""
    ex = Extractor(grammar(), Options(**options))
    return [(text[m.start : m.end], m.value) for m in ex.extract(text, ref)]


def value_of(text: str, surface: str, ref: date | None = FRIDAY) -> str | None:
    pairs = dict(found(text, ref))
    assert surface in pairs, f"{surface!r} not found in {found(text, ref)}"
    return pairs[surface]


PIECES_SCAN = [" ", ", ", ". ", "(", "'", "-", "/", ":", "1", "7", "26", "2024", "the", "The", "in", "a", "May",
               "Dec.", "Sept", "Friday", "Sun", "last", "week", "ago", "early", "mid", "quarter", "first", "now",
               "today", "a.m.", "GMT", "noon", "at", "spring", "Christmas", "three", "days", "1990s", "'90s", "Q3",
               "fiscal", "right", "these", "recently", "end-", "3rd", "on the"]  # fmt: skip


def frame(rows: list[dict]) -> pd.DataFrame:
    return toolkit.snippet_frame(pd.DataFrame(rows))


# ---------------------------------------------------------------------------------------------
# Absolute dates in news forms


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("The soldier captured alive on December 26th has died.", "December 26th", "2024-12-26"),
        ("The vote, set for Dec. 26, was postponed.", "Dec. 26", "2024-12-26"),
        ("The ceasefire took effect on 26 December 2024 in the north.", "26 December 2024", "2024-12-26"),
        ("Troops withdrew on Sept 18 after talks.", "Sept 18", "2024-09-18"),
        ("The filing is dated 2024-12-26 and signed by the minister.", "2024-12-26", "2024-12-26"),
        ("The decree, dated 2024/12/26, was published.", "2024/12/26", "2024-12-26"),
        ("The permit expired on 12/26/2024, records show.", "12/26/2024", "2024-12-26"),
        ("The contract was signed March 01, 2008 in Paris.", "March 01, 2008", "2008-03-01"),
        ("The plant closed in March 2020 during the lockdown.", "March 2020", "2020-03"),
        ("Output fell in 2023 for the first time.", "2023", "2023"),
        ("Inflation was lower in the 1990s than now.", "the 1990s", "199X"),
        ("The treaty was signed on Friday, Jan. 10, 2020.", "Friday, Jan. 10, 2020", "2020-01-10"),
        ("Shares rose in the first quarter of 2024, the bank said.", "the first quarter of 2024", "2024-Q1"),
        ("The swine flu pandemic of 2009-2010 killed 348 children.", "2009", "2009"),
        ("Results for Q3 2023 beat forecasts.", "Q3 2023", "2023-Q3"),
        ("Mining boomed in the 19th century.", "the 19th century", "18"),
        ("Sales peaked at Christmas, retailers said.", "Christmas", "2024-12-25"),
    ],
)
def test_absolute_dates(text, surface, value):
    assert value_of(text, surface) == value


def test_second_year_of_a_range_and_two_digit_ends():
    assert found("The 2009-2010 season and the 1957-58 season.") == [
        ("2009", "2009"),
        ("2010", "2010"),
        ("1957", "1957"),
        ("58", "1958"),
    ]


def test_dateline_takes_the_year_closest_to_the_publication():
    text = "WASHINGTON, Sept 18 (Reuters) - The Federal Reserve cut rates by half a point."
    assert found(text, date(2024, 9, 18)) == [("Sept 18", "2024-09-18")]
    # a January snippet about December 30 is about the previous December
    assert value_of("Officials met on December 30 to review the plan.", "December 30", date(2025, 1, 3)) == "2024-12-30"


def test_day_first_numeric_dates():
    assert value_of("Filed on 26.12.2024 in Berlin.", "26.12.2024") == "2024-12-26"
    assert value_of("Filed on 03/04/2024 in Boston.", "03/04/2024") == "2024-03-04"
    ex = Extractor(grammar(), Options(day_first=True))
    text = "Filed on 03/04/2024 in London."
    assert [m.value for m in ex.extract(text, FRIDAY)] == ["2024-04-03"]


def test_day_ranges_give_two_dates():
    assert found("Talks ran Dec. 20-26 in Doha.") == [("Dec. 20", "2024-12-20"), ("26", "2024-12-26")]
    assert found("The fair runs between May 3 and 5, 2025.") == [("May 3", "2025-05-03"), ("5, 2025", "2025-05-05")]
    assert found("On Dec. 20 and 26 people were hurt.") == [("Dec. 20", "2024-12-20")]


def test_an_ordinal_day_alone_is_a_day_near_the_reference():
    text = "The talks resume on the 3rd, and the vote was held on the 26th."
    assert found(text) == [("3rd", "2025-01-03"), ("26th", "2024-12-26")]
    assert found("He lives on the 2nd floor; it was the 3rd time.") == []


def test_start_and_end_of_a_period_follow_the_tense():
    march = date(2025, 3, 14)
    assert found("Sales slumped at the end of the year.", march) == [("the end of the year", "2024")]
    assert found("Sales will recover by the end of the year.", march) == [("the end of the year", "2025")]
    assert found("The plant will open at the beginning of the year.") == [("the beginning of the year", "2025")]


def test_reuters_style_end_of_period():
    assert found("Debt should peak by end-2025 or end-March.") == [("end-2025", "2025"), ("end-March", "2025-03")]


def test_month_day_far_from_the_reference_follows_the_tense():
    assert found("Sales rose on March 3, the agency said.") == [("March 3", "2024-03-03")]
    assert found("The vote on March 3 will decide the race.") == [("March 3", "2025-03-03")]


def test_a_bare_month_without_tense_is_the_nearest():
    assert found("Deliveries by early January, per the schedule.") == [("early January", "2025-01")]
    assert found("Prices were up in November, the highest since April.") == [
        ("November", "2024-11"),
        ("April", "2024-04"),
    ]


# ---------------------------------------------------------------------------------------------
# Weekdays by tense


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("South Korea's spy agency said Friday it had confirmed the capture.", "2024-12-27"),
        ("The soldier was captured on Thursday, officials said.", "2024-12-26"),
        ("The ministers will meet on Monday in Brussels.", "2024-12-30"),
        ("The agency said on Monday that it had evidence.", "2024-12-23"),
        ("On Tuesday, the court rejected the appeal.", "2024-12-24"),
        ("The talks are scheduled to resume Wednesday.", "2025-01-01"),
        ("The book is due to be published on Thursday.", "2025-01-02"),
        ("Markets will remain closed until Saturday.", "2024-12-28"),
        ("Voters head to the polls next Sunday.", "2025-01-05"),
        ("He resigned last Friday.", "2024-12-20"),
        ("He resigned last Thursday.", "2024-12-19"),
        ("Voters head to the polls this Sunday.", "2024-12-29"),
    ],
)
def test_weekday_resolved_by_tense(text, value):
    [(surface, got)] = found(text)
    assert got == value, surface


def test_weekday_default_tense_is_configurable():
    text = "Storm warning for Monday in the capital."
    assert found(text) == [("Monday", "2024-12-23")]
    ex = Extractor(grammar(), Options(default_tense="nearest"))
    assert [m.value for m in ex.extract(text, FRIDAY)] == ["2024-12-30"]


def test_weekday_parts_of_day_and_times():
    assert found("Fighting resumed Tuesday night near the border.") == [("Tuesday night", "2024-12-24TNI")]
    assert found("The meeting starts on Monday at 10 a.m. in Geneva, organisers will say.") == [
        ("Monday at 10 a.m.", "2024-12-30T10:00")
    ]
    assert found("The match was postponed until 15:00 GMT Saturday.") == [("15:00 GMT Saturday", "2024-12-28T15:00Z")]


def test_times_take_the_day_next_to_them():
    assert found("Police said the attack happened at around 3:30 a.m. local time on Saturday.") == [
        ("3:30 a.m. local time on Saturday", "2024-12-21T03:30")
    ]
    assert found("In a press conference at 16:15 UTC, June 1st, he spoke.") == [
        ("16:15 UTC", "2024-06-01T16:15Z"),
        ("June 1st", "2024-06-01"),
    ]
    assert found("Polls opened at 08:00 Moscow time.") == [("08:00 Moscow time", "2024-12-27T08:00")]
    assert found("John 3:16 is a verse.") == []


def test_weekday_abbreviations_and_names_that_are_not_days():
    assert found("He writes for The Sun and the Sat magazine.") == []
    assert found("Markets crashed on Black Monday.") == []
    assert value_of("Polls close Tue. at 8 p.m., officials said.", "Tue. at 8 p.m.") == "2024-12-24T20:00"


# ---------------------------------------------------------------------------------------------
# Relative expressions


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("The ambassador echoed these assessments earlier this month.", "earlier this month", "2024-12"),
        ("Six deaths were reported last week.", "last week", "2024-W51"),
        ("The summit will be held next week.", "next week", "2025-W01"),
        ("Prices rose this year.", "this year", "2024"),
        ("Exports fell last month.", "last month", "2024-11"),
        ("The law takes effect next year.", "next year", "2025"),
        ("The budget was cut last year.", "last year", "2023"),
        ("The building collapsed yesterday.", "yesterday", "2024-12-26"),
        ("The minister arrives tomorrow.", "tomorrow", "2024-12-28"),
        ("Officials met today in Seoul.", "today", "2024-12-27"),
        ("Sirens sounded tonight in Kyiv.", "tonight", "2024-12-27TNI"),
        ("Drones struck the city last night.", "last night", "2024-12-26TNI"),
        ("Parliament voted this morning.", "this morning", "2024-12-27TMO"),
        ("He was arrested three days ago.", "three days ago", "2024-12-24"),
        ("The plant shut two weeks ago.", "two weeks ago", "2024-12-13"),
        ("The deal collapsed six months ago.", "six months ago", "2024-06"),
        ("The war began 2 years ago.", "2 years ago", "2022"),
        ("The results will be known in 10 days.", "in 10 days", "2025-01-06"),
        ("Over 200 strikes were recorded in the past 10 days.", "the past 10 days", "P10D"),
        ("The fleet arrived over the weekend.", "the weekend", "2024-W51-WE"),
        ("Debt rose in the fourth quarter.", "the fourth quarter", "2024-Q4"),
        ("Harvests were poor last summer.", "last summer", "2024-SU"),
        ("Rates will fall later this year.", "later this year", "2024"),
        ("Sales slowed at the end of last year.", "the end of last year", "2023"),
        ("The company is now profitable.", "now", "PRESENT_REF"),
    ],
)
def test_relative_expressions(text, surface, value):
    assert value_of(text, surface) == value


def test_relative_intervals():
    ex = Extractor(grammar(), Options())
    [m] = ex.extract("Zelenskyy said earlier this month that losses were high.", FRIDAY)
    assert (m.date_start, m.date_end, m.granularity, m.relative) == (date(2024, 12, 1), FRIDAY, "month", True)
    [m] = ex.extract("Six deaths were reported last week.", FRIDAY)
    assert (m.date_start, m.date_end) == (date(2024, 12, 16), date(2024, 12, 22))
    [m] = ex.extract("Over 200 strikes were recorded in the past 10 days.", FRIDAY)
    assert (m.date_start, m.date_end, m.granularity) == (date(2024, 12, 17), FRIDAY, "duration")


def test_extra_lexicon_parameter():
    f = frame([{"snippet_id": "a", "text": "Protests were held on Nakba Day.", "published_at": "2024-06-01"}])
    config = {"timeline": {"extra_lexicon": {"holidays_fixed": {"nakba day": "05-15"}}}}
    tl = toolkit.run(f, ["timeline"], config=config)["timeline"]
    assert tl[["text", "value"]].values.tolist() == [["Nakba Day", "2024-05-15"]]


def test_recently_is_vague_and_off_by_default():
    text = "Troops who have recently engaged in combat suffered losses."
    assert found(text) == []
    assert found(text, vague=True) == [("recently", "PAST_REF")]


# ---------------------------------------------------------------------------------------------
# No reference date: X placeholders or null, never a guess


def test_missing_reference_keeps_placeholders():
    text = "The soldier captured on December 26th died on Friday; talks resume next week, the NIS said in 2024."
    assert found(text, ref=None) == [
        ("December 26th", "XXXX-12-26"),
        ("Friday", "XXXX-WXX-5"),
        ("next week", None),
        ("2024", "2024"),
    ]


def test_missing_reference_in_the_pipeline():
    f = frame([{"snippet_id": "a", "text": "He was captured yesterday and freed on 26 December 2024."}])
    tl = toolkit.run(f, ["timeline"])["timeline"]
    assert tl["text"].tolist() == ["yesterday", "26 December 2024"]
    assert tl["value"].isna().tolist() == [True, False]
    assert tl["value"].iloc[1] == "2024-12-26"
    assert tl["date_start"].isna().tolist() == [True, False]
    assert tl["relative"].tolist() == [True, False]


def test_reference_date_parameter_and_published_at():
    rows = [
        {"snippet_id": "p", "text": "The agency said Friday.", "published_at": "2024-12-20T08:00:00Z"},
        {"snippet_id": "q", "text": "The agency said Friday.", "published_at": None},
    ]
    tl = toolkit.run(frame(rows), ["timeline"], config={"timeline": {"reference_date": "2024-12-27"}})["timeline"]
    assert tl.set_index("snippet_id")["value"].to_dict() == {"p": "2024-12-20", "q": "2024-12-27"}


def test_bad_reference_date_is_a_clear_config_error():
    with pytest.raises(toolkit.ConfigError, match="reference_date"):
        toolkit.run(frame([{"text": "x"}]), ["timeline"], config={"timeline": {"reference_date": "next tuesday"}})


# ---------------------------------------------------------------------------------------------
# Exclusions


@pytest.mark.parametrize(
    "text",
    [
        "The COVID-19 pandemic hit the region hard.",
        "Flight MH17 was shot down over Ukraine.",
        "The home side won 4-2 after extra time.",
        "Around 1,100 North Korean troops were killed or wounded.",
        "The hotline runs 24/7 for families.",
        "About 2000 people marched in the capital.",
        "Some 1500 soldiers crossed the river.",
        "Police said 1990 residents were evacuated.",
        "The Russell 2000 index fell 4 percent.",
        "He was born in May and died in March.",  # bare May/March need a cue: here they have one
    ][:-1],
)
def test_not_dates(text):
    assert found(text) == []


def test_may_and_march_need_a_cue():
    assert found("Officials may March on the capital.") == []
    assert found("He was born in May, records show.", date(2024, 12, 27)) == [("May", "2024-05")]


# ---------------------------------------------------------------------------------------------
# Bad input and the contract


@pytest.mark.filterwarnings("ignore:1 snippet")
def test_na_empty_and_non_text_rows_are_skipped():
    f = frame([
        {"snippet_id": "a", "text": None},
        {"snippet_id": "b", "text": ""},
        {"snippet_id": "c", "text": "   "},
        {"snippet_id": "d", "text": "It rained on 3 March 2021."},
    ])  # fmt: skip
    tl = toolkit.run(f, ["timeline"])["timeline"]
    assert tl["snippet_id"].tolist() == ["d"]
    assert tl["mention_id"].tolist() == ["d:t0"]


def test_empty_frame_gives_empty_tables_with_all_columns():
    out = extract_timeline(frame([{"text": "x"}]).iloc[:0], TimelineParams(), Context())
    assert list(out.tables["timeline"].columns) == list(TIMELINE_COLUMNS)
    assert list(out.tables["events"].columns) == list(EVENTS_COLUMNS)
    assert out.tables["timeline"].empty and out.tables["events"].empty


def test_contract_columns_come_first_and_spans_slice_back():
    contract = ["mention_id", "snippet_id", "text", "value", "granularity", "date_start", "date_end", "relative",
                "event", "start", "end", "claim_id"]  # fmt: skip
    assert list(TIMELINE_COLUMNS)[: len(contract)] == contract
    text = "Seoul, Dec. 27 (Yonhap) -- The spy agency said Friday that the soldier died; talks begin next week."
    f = frame([{"snippet_id": "s", "text": text, "published_at": "2024-12-27"}])
    tl = toolkit.run(f, ["timeline"])["timeline"]
    for row in tl.itertuples():
        assert text[row.start : row.end] == row.text
    assert tl["text"].tolist() == ["Dec. 27", "Friday", "next week"]
    assert tl["event"].tolist() == [
        "Seoul, Dec. 27 (Yonhap)",
        "The spy agency said Friday that the soldier died;",
        "talks begin next week.",
    ]


def test_follows_the_toolkit_contract():
    check_analysis(toolkit.default_registry().analysis("timeline"))


# ---------------------------------------------------------------------------------------------
# Events and attribution


def test_events_ordered_by_date_with_sources_and_speakers():
    rows = [
        {"snippet_id": "a", "source": "Reuters", "published_at": "2024-12-27",
         "text": "The soldier captured on December 26th has died, the NIS said on Friday."},
        {"snippet_id": "b", "source": "AP", "published_at": "2024-12-27",
         "text": "South Korea's spy agency said Friday the soldier had died."},
        {"snippet_id": "c", "source": "BBC", "published_at": "2024-12-27",
         "text": "Zelenskyy said earlier this month that Russia was hiding losses."},
    ]  # fmt: skip
    claims = pd.DataFrame({
        "claim_id": ["a:c0", "b:c0"], "snippet_id": ["a", "b"], "speaker_canonical": ["NIS", "NIS"],
        "speaker_start": [49, 0], "speaker_end": [56, 23], "content_start": [0, 29], "content_end": [46, 57],
    })  # fmt: skip
    f = frame(rows)
    out = extract_timeline(f, TimelineParams(), Context(tables={"claims": claims}))
    tl, ev = out.tables["timeline"], out.tables["events"]
    claim_of = tl.set_index("mention_id")["claim_id"]
    assert claim_of[["a:t0", "a:t1", "b:t0"]].tolist() == ["a:c0", "a:c0", "b:c0"]
    assert pd.isna(claim_of["c:t0"])  # no claim in snippet c
    assert tl.set_index("mention_id")["speaker_canonical"]["b:t0"] == "NIS"
    assert ev["value"].tolist() == ["2024-12", "2024-12-26", "2024-12-27"]
    friday = ev.set_index("value").loc["2024-12-27"]
    assert friday["snippet_ids"] == ["a", "b"]
    assert friday["sources"] == ["Reuters", "AP"]
    assert friday["n_sources"] == 2
    assert friday["speakers"] == ["NIS"]


def test_events_by_story_split_a_date_by_dedup_cluster():
    rows = [
        {"snippet_id": "a", "text": "A dam burst on Friday.", "cluster_id": "c1"},
        {"snippet_id": "b", "text": "The dam burst on Friday, officials said.", "cluster_id": "c1"},
        {"snippet_id": "c", "text": "A minister resigned on Friday.", "cluster_id": "c2"},
    ]
    f = frame(rows)
    by_date = extract_timeline(f, TimelineParams(reference_date="2024-12-27"), Context()).tables["events"]
    assert by_date["event_id"].tolist() == ["2024-12-27"]
    assert by_date["n_snippets"].tolist() == [3]
    by_story = extract_timeline(f, TimelineParams(reference_date="2024-12-27", events_by="story"), Context())
    ev = by_story.tables["events"]
    assert ev["event_id"].tolist() == ["2024-12-27@c1", "2024-12-27@c2"]
    assert ev["snippet_ids"].tolist() == [["a", "b"], ["c"]]


def test_declares_it_reads_attribution():
    spec = toolkit.default_registry().analysis("timeline")
    assert "attribution" in spec.uses
    assert set(spec.tables) == {"timeline", "events"}


# ---------------------------------------------------------------------------------------------
# Robustness


def scan_with_triggers(g, text: str) -> list[tuple[int, int]]:
    """What the extractor's candidate scan matches (before any rule rejects a match)."""
    starts = [t.start() + 1 for t in g.trigger.finditer(text)]
    if g.trigger_at_start.match(text):
        starts.insert(0, 0)
    out, last = [], 0
    for pos in starts:
        pattern = g.dispatch.get(text[pos]) if pos >= last else None
        m = pattern.match(text, pos) if pattern is not None else None
        if m:
            out.append(m.span())
            last = m.end()
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES_SCAN), max_size=30).map("".join))
def test_trigger_scan_finds_what_the_full_pattern_finds(text):
    g = grammar()
    assert scan_with_triggers(g, text) == [m.span() for m in g.pattern.finditer(text)]


PIECES = [
    *"0123456789 /-.,:'’aAmMpPtTsSdDyY",
    " May ",
    " Friday ",
    " last ",
    " week ",
    " ago ",
    " 2024",
    " the ",
    " in ",
    " Dec. ",
    " 10 a.m.",
    "s",
    " quarter",
    " of ",
    " 1990s",
    " early ",
    " the past ",
    " days",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_never_crashes_and_spans_slice_back(text):
    for ref in (FRIDAY, None):
        ex = Extractor(grammar(), Options(vague=True))
        for m in ex.extract(text, ref):
            assert 0 <= m.start < m.end <= len(text)
            assert text[m.start : m.end].strip()


@pytest.mark.parametrize("unit", ["1", "May ", "12/12/", "in the past ", "'9", "Friday, Dec. ", "a" * 50 + " "])
def test_linear_time_on_hostile_input(unit):
    """1 MB of one repeated unit: no regex backtracks (time grows like the text, not its square)."""
    ex = Extractor(grammar(), Options())

    def seconds(size: int) -> float:
        text = (unit * (size // len(unit) + 1))[:size]
        t0 = time.perf_counter()
        ex.extract(text, FRIDAY)
        return time.perf_counter() - t0

    small, big = seconds(100_000), seconds(1_000_000)
    assert big < 10.0
    assert big < 25 * small + 0.5  # linear: ~10x; quadratic would be ~100x
