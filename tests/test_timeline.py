"""The timeline plugin: each family of expressions, tense rules, missing references, exclusions,
bad input and the tables' contract. Growth on hostile input (no clock) is in test_timeline_growth.py,
issue 15's families in test_timeline_families.py, the plugin's shape and events in test_timeline_template.py."""

from __future__ import annotations

import itertools
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
               "fiscal", "right", "these", "recently", "end-", "3rd", "on the", "postponed", "to", "9/11",
               "earlier", "later", "day", "ahead of", "deadline", "and", "that", "same", "morning", "following",
               "THE", "Olympics", "World Cup", "10000", "by", "Euro",
               # what the trigger's conditions look at (issue 14.1): digits and what follows them, number
               # words, ordinals, holidays of several words, "in the", "the day", "end"
               "12", "of", "June", "2.5", "10.30", "pm", "th", "century", "two", "weeks", "half", "New",
               "Year's", "Eve", "St.", "Patrick's", "past", "future", "near", "before", "day", "end",
               "Recent", "years", "-", "–", "14:30", "s", "’", "ſ", "K", "ı",
               # a.m. / pm after a digit, and words that only start like them (the trigger's _AM_PM)
               "P.M.", "AM", "p", "m", "points", "are", "Pm", "aM",
               # what the digit conditions look at after four digits and after a count and its unit
               "0800", "1990", "5000", "4605.22", "750000", ".5", ",5", "from now", "hence", "years",
               "old"]  # fmt: skip


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
        ("Voters head to the polls next Sunday.", "2024-12-29"),  # the first one after tomorrow
        ("Voters head to the polls next Saturday.", "2025-01-04"),  # tomorrow would be "tomorrow"
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
# Real news sentences, each read against its own publication day


NEWS = [  # (publication day, text, [(surface, value, granularity)])
    (
        "2025-11-14",
        "WASHINGTON, Nov 14 (Reuters) - The Senate on Tuesday passed a stopgap funding bill that keeps the "
        "government open until Jan. 30, sending it to the House.",
        [("Nov 14", "2025-11-14", "day"), ("Tuesday", "2025-11-11", "day"), ("Jan. 30", "2026-01-30", "day")],
    ),
    (
        "2025-09-12",
        "The central bank will announce its decision on Tuesday, and most economists expect a quarter-point cut.",
        [("Tuesday", "2025-09-16", "day")],
    ),
    (
        "2025-09-16",
        "Shares of the company are trading lower on Tuesday after the earnings miss.",
        [("Tuesday", "2025-09-16", "day")],
    ),
    (
        "2025-09-18",
        "Finance ministers met this week to discuss the budget, and the ministry said earlier this month "
        "that exports had fallen.",
        [("this week", "2025-W38", "week"), ("earlier this month", "2025-09", "month")],
    ),
    (
        "2025-02-10",
        "Unemployment rose last year to its highest level since 2019.",
        [("last year", "2024", "year"), ("2019", "2019", "year")],
    ),
    (
        "2025-03-03",
        "Heavy rain over the weekend flooded dozens of homes in the north.",
        [("the weekend", "2025-W09-WE", "weekend")],
    ),
    (
        "2025-06-09",
        "The blast happened late Sunday near the port, police said.",
        [("late Sunday", "2025-06-08", "day")],
    ),
    (
        "2025-06-09",
        "More than 300 rockets were fired in the past 24 hours, the army said.",
        [("the past 24 hours", "PT24H", "duration")],
    ),
    (
        "2025-05-02",
        "Prices have risen 30% since 2019, and between 2010 and 2015 the firm tripled its revenue.",
        [("2019", "2019", "year"), ("2010", "2010", "year"), ("2015", "2015", "year")],
    ),
    ("2024-03-01", "He lost the 2020 election but has refused to concede.", [("2020", "2020", "year")]),
    ("2024-11-20", "The company expects revenue to grow 8% in fiscal 2025.", [("fiscal 2025", "2025", "year")]),
    (
        "2025-10-30",
        "Revenue rose 12% in Q3, the company said on Thursday.",
        [("Q3", "2025-Q3", "quarter"), ("Thursday", "2025-10-30", "day")],
    ),
    ("2025-11-14", "A final vote is expected in mid-December.", [("mid-December", "2025-12", "month")]),
    ("2025-11-14", "The audit report is due at the end of the month.", [("the end of the month", "2025-11", "month")]),
    (
        "2025-11-14",
        "The acquisition will close two weeks from now, the chief executive said.",
        [("two weeks from now", "2025-11-28", "day")],
    ),
    (
        "2025-06-08",
        "The explosion happened shortly before 9 p.m. local time (1800 GMT) on Saturday, witnesses said.",
        [
            ("9 p.m.", "2025-06-07T21:00", "time"),
            ("1800 GMT", "2025-06-07T18:00Z", "time"),
            ("Saturday", "2025-06-07", "day"),
        ],
    ),
    ("2025-06-08", "The COVID-19 pandemic killed millions, and a Boeing 737 MAX 9 lost a door plug mid-flight.", []),
    ("2025-06-08", "Call the 24/7 hotline on 1-800-273-8255 or 020 7946 0958 for help.", []),
    ("2025-06-08", "Arsenal sealed a 4-2 win as the Pentagon said it would send 1,100 troops.", []),
    ("2025-06-08", "Talks were held in Room 101 while traffic on Highway 1 was halted before the G20 summit.", []),
    (
        "2025-06-08",
        "NATO invoked Article 5 for the first time after the 9/11 attacks.",
        [("9/11", "2001-09-11", "day")],
    ),
    (
        "2025-11-14",
        "The 30-year-old suspect was arrested at 2:30 a.m. on Friday.",
        [("2:30 a.m. on Friday", "2025-11-14T02:30", "time")],
    ),
    ("2025-11-14", "The G7 summit will take place in June in Evian.", [("June", "2026-06", "month")]),
    ("2025-11-14", "The carmaker said it would cut 2,000 jobs by 2027.", [("2027", "2027", "year")]),
    (
        "2025-06-09",
        "The ceasefire, which took effect at midnight on Sunday, appeared to be holding on Monday.",
        [("midnight on Sunday", "2025-06-08T00:00", "time"), ("Monday", "2025-06-09", "day")],
    ),
    ("2025-11-13", "The match was postponed to Saturday because of the storm.", [("Saturday", "2025-11-15", "day")]),
    ("2025-12-01", "The hearing has been moved to Jan. 5, the court said.", [("Jan. 5", "2026-01-05", "day")]),
    ("2025-08-20", "The launch was pushed back to March 10, the agency said.", [("March 10", "2026-03-10", "day")]),
    (
        "2025-05-20",
        "The summit, scheduled for Oct. 2, was delayed until Nov. 18.",
        [("Oct. 2", "2025-10-02", "day"), ("Nov. 18", "2025-11-18", "day")],
    ),
    ("2025-11-12", "Bidders have until Friday to submit offers.", [("Friday", "2025-11-14", "day")]),
    ("2025-11-11", "Residents were told to leave no later than Thursday.", [("Thursday", "2025-11-13", "day")]),
    ("2025-05-01", "Officials said the bridge would reopen by Dec. 20.", [("Dec. 20", "2025-12-20", "day")]),
    (
        "2025-07-10",
        "The fire had burned roughly 12,000 acres by Wednesday morning.",
        [("Wednesday morning", "2025-07-09TMO", "day")],
    ),
    ("2025-03-03", "Voters go to the polls next Thursday.", [("next Thursday", "2025-03-06", "day")]),
    ("2025-03-03", "The deal was signed last Thursday.", [("last Thursday", "2025-02-27", "day")]),
    (
        "2025-06-09",
        "The plant was shut in late 2023 and will reopen in the first half of next year.",
        [("late 2023", "2023", "year"), ("the first half of next year", "2026-H1", "half")],
    ),
    (
        "2025-10-20",
        "The strike, now in its third week, began on Oct. 1.",
        [("now", "PRESENT_REF", "ref"), ("Oct. 1", "2025-10-01", "day")],
    ),
    (
        "2025-05-02",
        "The index fell 2.3 percent, its worst session since April 2020.",
        [("April 2020", "2020-04", "month")],
    ),
    ("2025-10-30", "Sales were up 4% in the three months to September.", [("September", "2025-09", "month")]),
    (
        "2025-03-05",
        "The prime minister will visit Washington on Thursday, his office said on Monday.",
        [("Thursday", "2025-03-06", "day"), ("Monday", "2025-03-03", "day")],
    ),
    ("2026-01-22", "The annual meeting was held on Tuesday in Davos.", [("Tuesday", "2026-01-20", "day")]),
    ("2025-09-14", "The storm is forecast to make landfall early Tuesday.", [("early Tuesday", "2025-09-16", "day")]),
    ("2025-04-10", "Talks will resume after Easter.", [("Easter", "2025-04-20", "day")]),
    (
        "2025-10-15",
        "The figures, released at 10:30 GMT, showed inflation easing.",
        [("10:30 GMT", "2025-10-15T10:30Z", "time")],
    ),
    ("2026-01-28", "The company's fourth-quarter profit beat forecasts.", [("fourth-quarter", "2025-Q4", "quarter")]),
    (
        "2025-05-02",
        "He served as mayor from 2010 to 2015 and ran in the 1990s.",
        [("2010", "2010", "year"), ("2015", "2015", "year"), ("the 1990s", "199X", "decade")],
    ),
    ("2025-11-17", "Parliament will vote on the bill later this week.", [("later this week", "2025-W47", "week")]),
    ("2025-03-05", "Eurostat will publish the figures on March 18.", [("March 18", "2025-03-18", "day")]),
    ("2025-01-06", "Officials said the pipeline had been shut since Dec. 28.", [("Dec. 28", "2024-12-28", "day")]),
    (
        "2025-07-01",
        "The law, which takes effect on Jan. 1, was passed last month.",
        [("Jan. 1", "2026-01-01", "day"), ("last month", "2025-06", "month")],
    ),
    ("2025-07-14", "The company has set a deadline of Aug. 31 for bids.", [("Aug. 31", "2025-08-31", "day")]),
    ("2025-02-20", "The election was brought forward to April 27.", [("April 27", "2025-04-27", "day")]),
    ("2025-03-03", "The vote, set for Thursday, could be delayed again.", [("Thursday", "2025-03-06", "day")]),
    (
        "2025-09-01",
        "The trial, which was adjourned until Oct. 14 last year, resumed on Monday.",
        [("Oct. 14", "2024-10-14", "day"), ("last year", "2024", "year"), ("Monday", "2025-09-01", "day")],
    ),
    (
        "2025-03-04",
        "KYIV, March 4 (Reuters) - Russia launched 120 drones and two ballistic missiles at Ukraine overnight, "
        "the air force said on Tuesday.",
        [("March 4", "2025-03-04", "day"), ("Tuesday", "2025-03-04", "day")],
    ),
    ("2025-03-04", "Theresa May said in May that she would resign.", [("May", "2024-05", "month")]),
    (
        "2025-06-12",
        "The 2024-25 season ended with a 3-1 defeat, and the club's fiscal year runs to June 30.",
        [("2024", "2024", "year"), ("25", "2025", "year"), ("June 30", "2025-06-30", "day")],
    ),
    (
        "2025-08-01",
        "Profit rose 9% year-on-year in the first half, the bank said on Friday.",
        [("the first half", "2025-H1", "half"), ("Friday", "2025-08-01", "day")],
    ),
    (
        "2025-03-07",
        "Talks will resume on March 10 and 11 in Jeddah.",
        [("March 10", "2025-03-10", "day"), ("11", "2025-03-11", "day")],
    ),
    (
        "2025-11-05",
        "Polling stations will be open from 7 a.m. to 10 p.m. on Thursday.",
        [("7 a.m.", "2025-11-06T07:00", "time"), ("10 p.m. on Thursday", "2025-11-06T22:00", "time")],
    ),
    (
        "2025-02-12",
        "The strike began at 0600 GMT on Tuesday and will last 48 hours.",
        [("0600 GMT on Tuesday", "2025-02-11T06:00Z", "time")],
    ),
    (
        "2025-03-05",
        "The ruling party won the election held on Sunday, March 2, officials said.",
        [("Sunday, March 2", "2025-03-02", "day")],
    ),
    (
        "2025-04-15",
        "Fighting has killed at least 150 people since Saturday, and 2,300 since the war began in April 2023.",
        [("Saturday", "2025-04-12", "day"), ("April 2023", "2023-04", "month")],
    ),
    ("2025-01-20", "Trump will be sworn in at noon on Monday.", [("noon on Monday", "2025-01-20T12:00", "time")]),
    ("2025-12-29", "The new tax comes into force on Jan. 1.", [("Jan. 1", "2026-01-01", "day")]),
    ("2026-01-05", "The new tax came into force on Jan. 1.", [("Jan. 1", "2026-01-01", "day")]),
    ("2025-09-10", "The vote was pushed back a week to Sept. 24.", [("Sept. 24", "2025-09-24", "day")]),
    (
        "2025-10-01",
        "He was jailed for 10 years in 2012 and released in 2019.",
        [("2012", "2012", "year"), ("2019", "2019", "year")],
    ),
    ("2025-10-01", "The firm employs 2020 people and shipped 1999 units.", []),
    (
        "2025-10-01",
        "Police said about 150 people gathered at around 10:30 pm on Saturday.",
        [("10:30 pm on Saturday", "2025-09-27T22:30", "time")],
    ),
    (
        "2025-05-19",
        "Inflation slowed to 2.6% in April from 3.0% in March.",
        [("April", "2025-04", "month"), ("March", "2025-03", "month")],
    ),
    (
        "2025-05-19",
        "The company will report results on May 29, two weeks from now.",
        [("May 29", "2025-05-29", "day"), ("two weeks from now", "2025-06-02", "day")],
    ),
    (
        "2025-07-07",
        "Flooding over the weekend killed at least 80 people in Texas.",
        [("the weekend", "2025-W27-WE", "weekend")],
    ),
    ("2025-07-04", "Officials expect heavy traffic this weekend.", [("this weekend", "2025-W27-WE", "weekend")]),
    (
        "2025-03-03",
        "EU leaders will meet next Thursday to discuss the package, officials said on Monday.",
        [("next Thursday", "2025-03-06", "day"), ("Monday", "2025-03-03", "day")],
    ),
    ("2025-03-07", "EU leaders will meet again next Thursday.", [("next Thursday", "2025-03-13", "day")]),
    ("2025-03-07", "EU leaders met last Thursday in Brussels.", [("last Thursday", "2025-02-27", "day")]),
    ("2025-03-10", "EU leaders met last Thursday in Brussels.", [("last Thursday", "2025-03-06", "day")]),
    ("2025-10-01", "He has lived in Flat 2019 since the 1990s.", [("the 1990s", "199X", "decade")]),
    (
        "2025-10-01",
        "Bitcoin fell below $100,000 on Tuesday for the first time since June.",
        [("Tuesday", "2025-09-30", "day"), ("June", "2025-06", "month")],
    ),
    (
        "2025-12-18",
        "The central bank is expected to cut rates at its meeting in late January.",
        [("late January", "2026-01", "month")],
    ),
    ("2025-01-15", "Sales in December rose 3%.", [("December", "2024-12", "month")]),
    (
        "2025-06-20",
        "The resolution, adopted on June 18 by 14 votes to 1, demands a ceasefire by the end of the year.",
        [("June 18", "2025-06-18", "day"), ("the end of the year", "2025", "year")],
    ),
    ("2025-04-06", "He later said the event had been postponed to October 10.", [("October 10", "2025-10-10", "day")]),
    ("2025-11-17", "The curfew was extended to Sunday, officials said.", [("Sunday", "2025-11-16", "day")]),
    ("2025-06-20", "The referendum has been postponed to March.", [("March", "2026-03", "month")]),
    ("2025-06-20", "The referendum, which was postponed to May, passed narrowly.", [("May", "2025-05", "month")]),
    (
        "2025-11-12",
        "The minister said on Wednesday the summit would be moved to Dec. 3 and that talks would last until the 5th.",
        [("Wednesday", "2025-11-12", "day"), ("Dec. 3", "2025-12-03", "day"), ("5th", "2025-12-05", "day")],
    ),
    ("2025-11-12", "The final has been postponed to Sunday because of the storm.", [("Sunday", "2025-11-16", "day")]),
    ("2025-11-12", "The final was postponed to Sunday because of the storm.", [("Sunday", "2025-11-16", "day")]),
    ("2025-11-10", "The curfew, which was extended to Sunday, has been lifted.", [("Sunday", "2025-11-09", "day")]),
    (
        "2025-11-12",
        "Parliament was dissolved on Monday ahead of the Dec. 14 vote.",
        [("Monday", "2025-11-10", "day"), ("Dec. 14", "2025-12-14", "day")],
    ),
    ("2025-11-12", "The agreement aims to limit warming to 1.5C by 2100.", [("2100", "2100", "year")]),
    ("2025-11-12", "The plane took off from Heathrow at 7.45am.", [("7.45am", "2025-11-12T07:45", "time")]),
    (
        "2025-11-12",
        "The rail strike is set to go ahead next Tuesday and Wednesday.",
        [("next Tuesday", "2025-11-18", "day"), ("Wednesday", "2025-11-19", "day")],
    ),
    ("2025-11-12", "The launch has been rescheduled for the 20th.", [("20th", "2025-11-20", "day")]),
    ("2025-11-12", "A 1800-mile border, a 2000-strong force and a 2000-year-old temple.", []),
    ("2025-11-12", "The rally took place on a Saturday in June.", [("June", "2025-06", "month")]),
    (
        "2025-11-12",
        "Police were called at 9pm on Tuesday (0100 GMT Wednesday).",
        [("9pm on Tuesday", "2025-11-11T21:00", "time"), ("0100 GMT Wednesday", "2025-11-12T01:00Z", "time")],
    ),
    (
        "2025-11-12",
        "The Fed meets on Dec. 9-10 and is widely expected to hold rates.",
        [("Dec. 9", "2025-12-09", "day"), ("10", "2025-12-10", "day")],
    ),
    (
        "2025-11-12",
        "The company has until Dec. 31 to respond, the regulator said in a letter dated Oct. 3.",
        [("Dec. 31", "2025-12-31", "day"), ("Oct. 3", "2025-10-03", "day")],
    ),
    ("2025-11-12", "The court gave the government until Friday to respond.", [("Friday", "2025-11-14", "day")]),
    ("2025-11-12", "The bill passed 218-214, and callers can ring 911, 999 or the 24-hour helpline 0800 1111.", []),
    ("2025-11-12", "Trump unveiled a peace plan on Monday.", [("Monday", "2025-11-10", "day")]),
    ("2025-11-12", "Officials said they had moved to Plan B on Monday.", [("Monday", "2025-11-10", "day")]),
    ("2025-11-12", "The company announced plans on Monday to cut 2,000 jobs.", [("Monday", "2025-11-10", "day")]),
    ("2025-11-12", "Ministers plan to meet on Friday in Rome.", [("Friday", "2025-11-14", "day")]),
    ("2025-11-12", "The government moved to ban the app on Friday.", [("Friday", "2025-11-07", "day")]),
    ("2025-11-12", "The hearing was postponed on Tuesday, the court said.", [("Tuesday", "2025-11-11", "day")]),
    ("2025-11-12", "Tips can be sent to 2024 5678, and the hotline number is 1800 2020 333.", []),
    ("2025-11-12", "In 2024 500 people died on the roads.", [("2024", "2024", "year")]),
    # counted from the date mentioned before them; with none, nothing is guessed
    (
        "2025-10-30",
        "The company posted a net loss of $1.2bn in the third quarter, down 15% from a year earlier.",
        [("the third quarter", "2025-Q3", "quarter"), ("a year earlier", "2024-Q3", "quarter")],
    ),
    (
        "2025-04-15",
        "Exports fell 3% in March from a year earlier.",
        [("March", "2025-03", "month"), ("a year earlier", "2024-03", "month")],
    ),
    (
        "2025-11-12",
        "He was arrested on Monday and released two days later.",
        [("Monday", "2025-11-10", "day"), ("two days later", "2025-11-12", "day")],
    ),
    (
        "2025-11-12",
        "The protest began on Oct. 3; police had been warned the previous day.",
        [("Oct. 3", "2025-10-03", "day"), ("the previous day", "2025-10-02", "day")],
    ),
    (
        "2025-11-12",
        "Talks collapsed in 2019 and resumed three years later.",
        [("2019", "2019", "year"), ("three years later", "2022", "year")],
    ),
    (
        "2025-11-12",
        "The ceasefire took effect at 6 a.m. on Sunday, and fighting resumed the day after.",
        [("6 a.m. on Sunday", "2025-11-09T06:00", "time"), ("the day after", "2025-11-10", "day")],
    ),
    ("2025-11-12", "Profit fell 20% from a year earlier, the bank said.", []),
    ("2025-11-12", "The day after the election, markets fell.", []),
    ("2025-11-12", "The season started a month earlier than usual.", []),
]


@pytest.mark.parametrize(("published", "text", "expected"), NEWS, ids=[t[:40] for _, t, _ in NEWS])
def test_news_sentences(published, text, expected):
    ex = Extractor(grammar(), Options())
    got = [(text[m.start : m.end], m.value, m.granularity) for m in ex.extract(text, date.fromisoformat(published))]
    assert got == expected


MONDAY = date(2025, 3, 3)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # "next"/"last" + weekday: the first such day after (latest before) the reference, except
        # tomorrow (yesterday), which news would call "tomorrow" ("yesterday") or name bare
        ("EU leaders will meet next Thursday, officials said on Monday.", "2025-03-06"),
        ("EU leaders met last Thursday.", "2025-02-27"),
        ("The court will rule next Monday.", "2025-03-10"),
        ("The court ruled last Monday.", "2025-02-24"),
        ("The result is due next Tuesday.", "2025-03-11"),  # not tomorrow
        ("The result came out last Sunday.", "2025-02-23"),  # not yesterday
        ("He spoke this past Friday.", "2025-02-28"),
        ("Talks resume this coming Wednesday.", "2025-03-05"),
    ],
)
def test_next_and_last_weekday_said_on_a_monday(text, value):
    [got] = [v for s, v in found(text, MONDAY) if s.lower().startswith(("next", "last", "this"))]
    assert got == value


@pytest.mark.parametrize(
    ("published", "text", "surface", "value"),
    [
        # whatever the main verb's tense, a date something is moved to, set for, or due by is ahead
        ("2024-04-06", "He later said the event had been postponed to October 10.", "October 10", "2024-10-10"),
        ("2025-08-20", "Officials said the launch was pushed back to March 10.", "March 10", "2026-03-10"),
        ("2025-08-20", "The regulator moved the hearing back to March 10.", "March 10", "2026-03-10"),
        ("2025-08-20", "The vote was rescheduled for March 10.", "March 10", "2026-03-10"),
        ("2025-08-20", "Ministers agreed a deadline of March 10 for a deal.", "March 10", "2026-03-10"),
        ("2025-08-20", "Banks had to comply no later than March 10.", "March 10", "2026-03-10"),
        ("2025-08-20", "The party met ahead of the March 10 congress.", "March 10", "2026-03-10"),
        ("2025-08-20", "The referendum had been delayed until March.", "March", "2026-03"),
        ("2025-08-20", "The talks were adjourned until the 25th.", "25th", "2025-08-25"),
        # a weekday moved to in a past clause: after the decision, reported at most a day late
        ("2025-11-12", "The final was postponed to Sunday because of the storm.", "Sunday", "2025-11-16"),
        ("2025-11-17", "The curfew, which was extended to Sunday, has been lifted.", "Sunday", "2025-11-16"),
        # not a move: "moved to London in May" keeps its past tense
        ("2025-08-20", "He moved to London in May after the election.", "May", "2025-05"),
        ("2025-08-20", "The fire had burned 12,000 acres by Wednesday morning.", "Wednesday morning", "2025-08-20TMO"),
    ],
)
def test_dates_moved_to_or_set_for_are_ahead_of_the_verb(published, text, surface, value):
    assert value_of(text, surface, date.fromisoformat(published)) == value


def test_a_postponed_event_in_the_pipeline():
    rows = [
        {
            "id": "g",
            "text": "Mr Musk wrote on X that Tesla would unveil the robotaxi on Aug. 8. "
            "He later said the event had been postponed to October 10.",
            "published_at": "2024-04-06T16:00:00Z",
        }
    ]
    tl = toolkit.run(frame(rows), ["timeline"])["timeline"]
    assert tl[["text", "value", "granularity"]].values.tolist() == [
        ["Aug. 8", "2024-08-08", "day"],
        ["October 10", "2024-10-10", "day"],
    ]


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


def test_events_by_cluster_split_a_date_by_dedup_cluster():
    rows = [
        {"snippet_id": "a", "text": "A dam burst on Friday.", "cluster_id": "c1"},
        {"snippet_id": "b", "text": "The dam burst on Friday, officials said.", "cluster_id": "c1"},
        {"snippet_id": "c", "text": "A minister resigned on Friday.", "cluster_id": "c2"},
    ]
    f = frame(rows)
    by_date = extract_timeline(f, TimelineParams(reference_date="2024-12-27"), Context()).tables["events"]
    assert by_date["event_id"].tolist() == ["2024-12-27"]  # no story_id column: one story
    assert by_date["n_snippets"].tolist() == [3]
    by_cluster = extract_timeline(f, TimelineParams(reference_date="2024-12-27", events_by="cluster"), Context())
    ev = by_cluster.tables["events"]
    assert ev["event_id"].tolist() == ["2024-12-27@c1", "2024-12-27@c2"]
    assert ev["snippet_ids"].tolist() == [["a", "b"], ["c"]]
    assert ev["cluster_id"].tolist() == ["c1", "c2"]


def test_declares_it_reads_stories_and_attribution():
    spec = toolkit.default_registry().analysis("timeline")
    assert {"stories", "attribution", "dedup"} <= set(spec.uses)
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
    " that ",
    " same ",
    " morning",
    " year",
    " Olympics",
    " 10000",
    " by ",
    " highest ",
    " Thursday morning, ",
    " attacks",
    "'",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_never_crashes_and_spans_slice_back(text):
    for ref in (FRIDAY, None):
        ex = Extractor(grammar(), Options(vague=True))
        found = ex.extract(text, ref)
        for m in found:
            assert 0 <= m.start < m.end <= len(text)
            assert text[m.start : m.end].strip()
        for a, b in itertools.pairwise(found):
            assert a.end <= b.start, (text[a.start : a.end], text[b.start : b.end])  # in order, never overlapping


PIECES_DIRECTED = [" ", "  ", "\n", "postponed", "moved", "it", "back", " to", " until", "TILL", " for", "set",
                   "deadline", "Deadlines", "s", " of", " is", "no later", " than", "ahead", "the", "The", "run-up",
                   "in the", "lead up", "ſ", "x", ",", "-"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES_DIRECTED), max_size=25).map("".join), st.integers(0, 80))
def test_the_quick_check_before_directed_never_changes_its_answer(text, lo):
    """``directed`` first checks the last 20 characters for how its pattern must end (issue 14.1)."""
    from toolkit_timeline import context

    for start in range(len(text) + 1):
        full = context._DIRECTED.search(text, max(min(lo, start), start - 70), start) is not None
        assert context.directed(text, start, min(lo, start)) == full


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from([*PIECES_SCAN, "\x00", "\n"]), max_size=12).map("".join), max_size=12))
def test_many_texts_at_once_give_what_each_text_gives_alone(texts):
    """``extract_many`` scans texts joined by NUL (issue 14.1): no text may see its neighbours."""
    from toolkit_timeline.analysis import extractor_for
    from toolkit_timeline.candidates import candidates

    ex = extractor_for(TimelineParams())
    alone = [[(m.start, m.end, m.value) for m in ex.extract(t, date(2024, 12, 27))] for t in texts]
    many: dict[int, list] = {i: [] for i in range(len(texts))}
    for chunk in (1, 3, 2048):
        found = dict(candidates(ex.g.trigger, texts, chunk))
        g = ex.g
        for i, t in enumerate(texts):
            own = [m.start() + 1 for m in g.trigger.finditer(t)]
            assert found.get(i, []) == ([0] if g.trigger_at_start.match(t) else []) + own
    for i, ms in ex.extract_many(texts, [date(2024, 12, 27)] * len(texts)):
        many[i] = [(m.start, m.end, m.value) for m in ms]
    assert [many[i] for i in range(len(texts))] == alone


# characters the start filter reads outside ASCII: other digits, spaces, case folds, quotes
PIECES_UNICODE = [
    "\u0663",
    "\u0660\u0661",
    "\u00a0",
    "\u2009",
    "\u3000",
    "\u212a",
    "\u017f",
    "\u0131",
    "\u0130",
    "\u00e9",
    "\u2019",
    "\u2019\u0669\u0660",
    "\u00df",
    "\u2013",
    "AT",
    "In",
    "iN",
    "tHe",
    "A",
    "an",
    "by\t",
    "\ud800",  # a lone surrogate (a str may hold one; UTF-32 encoding needs "surrogatepass")
    "\udfff",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from([*PIECES_SCAN, *PIECES_UNICODE, "\x00", "\n"]), max_size=14).map("".join),
                max_size=10), st.sampled_from([1, 3, 2048]))  # fmt: skip
def test_the_start_filter_keeps_exactly_the_trigger_positions(texts, chunk):
    """``StartFilter`` (issue 14.1) reads the words at every position with numpy and runs the trigger only
    where they allow: the same positions as the trigger alone, whatever the text."""
    from toolkit_timeline.candidates import candidates

    for g in (grammar(), grammar({"trigger_words": ["Ølympiad", "x"], "holidays_fixed": {"ß day": "01-02"}})):
        plain = list(candidates(g.trigger, texts, chunk))
        assert list(candidates(g.trigger, texts, chunk, start_filter=g.starts, filter_from=0)) == plain


def test_the_start_filter_reads_whole_words_and_what_follows_them():
    """Past three characters (issue 14.1): "company" or "Ford's" start no trigger word although "com"ing
    and "for"tnight do, "stock" is not "St. Patrick's", and after a small word
    only what its conditions can begin with goes to the trigger ("in which", "the government" and "in
    2024" never can: "in" needs a count and a unit; "in 3 days", "the past", "a week", "that day" can)."""
    starts = grammar().starts
    text = "\x00company, Ford's stock, in which, the government, in 2024, in 3 days, the past, a week, that day"
    kept = {text[p:].split(",")[0] for p in starts.kept(text)}
    assert not kept & {"company", "Ford's stock", "stock", "in which", "the government", "in 2024"}
    assert {"in 3 days", "the past", "a week", "that day", "3 days", "2024"} <= kept


def test_the_start_filter_keeps_every_small_word_that_what_follows_can_continue():
    """Each small word, white space and every piece of text the conditions look at (and a word after it):
    the filter keeps exactly what the trigger alone finds (the hypothesis test above rarely draws a small
    word, a space and the right continuation in a row)."""
    from toolkit_timeline.candidates import candidates
    from toolkit_timeline.grammar import _trigger_words

    g = grammar()
    _, small, _ = _trigger_words(g.lexicon)
    texts = [
        f"{word}{space}{piece}{tail}"
        for word in sorted(small)
        for space in (" ", "\u00a0", "  ")
        for piece in [*PIECES_SCAN, "couple of", "dozen", "moment", "midnight", "mid"]
        for tail in ("", " days ago", " past", " moment", " quarter")
    ]
    plain = list(candidates(g.trigger, texts))
    assert list(candidates(g.trigger, texts, start_filter=g.starts, filter_from=0)) == plain
    assert len(plain) > 1000


@pytest.mark.parametrize(
    ("pattern", "firsts"),
    [
        (r"(?i:ab)|\d", "0123456789Aa"),
        (r"x?y", "xy"),
        (r"(?:the\s)?[pP]ast", "Ppt"),
        (r"(?=q)r\b", "r"),  # zero-width parts read nothing
        (r"(?i:k)", "Kk"),  # (the Kelvin sign folds onto k as well: it is not ASCII, the filter lets it through)
        (r"\s{1,3}x", "".join(c for c in map(chr, range(128)) if c.isspace() or c in "\x1c\x1d\x1e\x1f")),
    ],
)
def test_first_characters_of_a_pattern(pattern, firsts):
    from toolkit_timeline.firsts import first_characters

    assert "".join(sorted(first_characters(pattern))) == "".join(sorted(firsts))


@pytest.mark.parametrize("pattern", [r"a*", r"[^a]b", r".x", r"(a)?\1", r"(?:)", "(?i:[\u2100-\u2200])"])
def test_first_characters_of_what_it_does_not_model_is_anything(pattern):
    from toolkit_timeline.firsts import ANY, first_characters

    assert first_characters(pattern) == ANY


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*PIECES_SCAN, *PIECES_UNICODE, "\n"]), min_size=1, max_size=6).map("".join))
def test_what_a_condition_matches_begins_with_one_of_its_prefixes(text):
    """The filter's sequences are supersets: whatever a trie word's condition matches at the start of
    ``text`` begins with one of ``prefixes(condition, k)`` (a character outside ASCII fits any set)."""
    import re

    from toolkit_timeline.firsts import prefixes
    from toolkit_timeline.grammar import _trigger_words

    def fits(prefix, s):
        return len(s) >= len(prefix) and all(
            cls is None or ch in cls or ch >= "\x80" for cls, ch in zip(prefix, s, strict=False)
        )

    words, _, _ = _trigger_words(grammar().lexicon)
    for condition in {c for conditions in words.values() for c in conditions}:
        if re.match(condition, text) is not None:
            assert any(fits(p, text) for p in _PREFIXES.setdefault(condition, prefixes(condition, 6))), condition


_PREFIXES: dict[str, set] = {}  # the conditions' prefixes, found once for all examples


def test_prefixes_of_a_pattern():
    from toolkit_timeline.firsts import prefixes

    def show(pattern, k):
        return sorted("|".join("".join(sorted(c)) if c is not None else "*" for c in p) for p in prefixes(pattern, k))

    assert show(r"(?i:ab)c?", 3) == ["Aa|Bb", "Aa|Bb|c"]
    assert show(r"x{1,3}", 2) == ["x", "x|x"]
    assert show(r"(?=q)r\b.", 3) == ["r|*"]
    assert show(r"a|", 2) == ["", "a"]


def test_the_start_filter_stands_aside_for_a_lexicon_of_hundreds_of_initial_characters():
    """Its table grows with the cube of the characters words start with: beyond ~160, the trigger alone."""
    from toolkit_timeline.candidates import candidates

    words = [chr(0x4E00 + k) + chr(0x4E00 + k + 1) + "x" for k in range(0, 200, 2)]
    g = grammar({"trigger_words": words})
    assert not g.starts.enabled and grammar().starts.enabled
    texts = [f"on {words[3]} and 26 March 2024 {words[7]}x", "the first quarter"]
    assert list(candidates(g.trigger, texts, start_filter=g.starts, filter_from=0)) == list(
        candidates(g.trigger, texts)
    )


def test_optional_groups_become_alternations_with_an_empty_branch():
    from toolkit_timeline.optional import without_optional_groups as rewrite

    assert rewrite(r"(?:ab)?c") == r"(?:ab|)c"
    assert rewrite(r"(?P<x>a|b)?") == r"(?:(?P<x>a|b)|)"
    assert rewrite(r"(?i:the\s)?x") == r"(?:(?i:the\s)|)x"
    assert rewrite(r"(?:a)??(?:b)?+") == r"(?:a)??(?:b)?+"  # lazy and possessive: kept
    assert rewrite(r"x(?=y)?[(?]\(?(?:[]?)]z)?") == r"x(?=y)?[(?]\(?(?:[]?)]z|)"
    assert rewrite(r"(?:(?:a)?b)?") == r"(?:(?:a|)b|)"
    with pytest.raises(ValueError, match="unbalanced"):
        rewrite("(a")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*PIECES_SCAN, *PIECES, *PIECES_UNICODE]), max_size=30).map("".join))
def test_dispatch_patterns_match_as_the_grammar_writes_them(text):
    """The compiled dispatch patterns hold optional groups as alternations (issue 14.1): at every
    position, the same match, span, alternative and group spans as the patterns as written."""
    import re

    g = grammar()
    for pos in range(len(text)):
        new = g.dispatch.get(text[pos])
        if new is None:
            continue
        a, b = re.compile(g.dispatch.source(text[pos])).match(text, pos), new.match(text, pos)  # type: ignore[arg-type]
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert a.lastgroup == b.lastgroup
            assert [a.span(k) for k in range(a.re.groups + 1)] == [b.span(k) for k in range(b.re.groups + 1)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*".!?;\"”’')(-–— \n\t\u00a0\u2009", "ab", "Dr", "x.", "--", "—"]), max_size=40).map(
        "".join
    )
)
def test_sentence_ends_are_where_the_pattern_as_written_finds_them(text):
    """``_SENTENCE_END`` starts with one character class so the engine skips to candidates (issue 14.1)."""
    import re

    from toolkit_timeline.context import _SENTENCE_END, _SENTENCE_END_NO_DASH

    as_written = re.compile(r"[.!?;]+[\"”’')]*\s+|\n|\)\s{0,2}[-–—]{1,2}\s|\s[-–—]{2}\s")
    assert [m.span() for m in _SENTENCE_END.finditer(text)] == [m.span() for m in as_written.finditer(text)]
    no_dash = "".join(c for c in text if c not in "-–—")  # without dashes, the short form finds the same
    assert [m.span() for m in _SENTENCE_END_NO_DASH.finditer(no_dash)] == [
        m.span() for m in as_written.finditer(no_dash)
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["a", "b", "a ", "", None])), max_size=30),
       st.sampled_from(["string", "object"]))  # fmt: skip
def test_event_lists_keep_each_value_once_in_row_order(rows, dtype):
    """``events._lists`` finds the first row of each (group, value) on integer codes (issue 14.1): the
    distinct non-null values of each group in row order, as ``DataFrame.duplicated`` gives them."""
    import numpy as np
    from toolkit_timeline.events import _lists

    rows = sorted(rows, key=lambda r: r[0])
    codes = np.array([c for c, _ in rows], dtype=np.intp)
    values = pd.Series([v for _, v in rows], dtype=dtype)
    ngroups = 5
    keep = (values.notna() & ~pd.DataFrame({"c": codes, "v": values}).duplicated()).to_numpy(bool)
    expected = [[v for c, v, k in zip(codes, values.to_numpy(dtype=object), keep, strict=True) if k and c == g]
                for g in range(ngroups)]  # fmt: skip
    assert _lists(codes, values, ngroups) == expected


@pytest.mark.parametrize(
    "text", ["at 7pm", "at 10 pm", "by 10.30pm", "9 a.m. GMT", "9 P.M.", "10AM", "5:30 p.m.", "at 11 PM ET"]
)
def test_times_with_am_pm_are_still_trigger_candidates(text):
    """The trigger lets a digit through before ``a.m.`` / ``pm`` only (``_AM_PM``), and still before them."""
    g = grammar()
    spans = [m.span() for m in g.pattern.finditer(text)]
    assert spans and scan_with_triggers(g, text) == spans


def test_numbers_before_words_like_points_are_no_candidates():
    from toolkit_timeline.candidates import candidates

    g = grammar()
    text = "fell 16.03 points, or 0.9 percent, 5 are left; 4605.22 below a 5000 mark, 750000 cars, 50 years old"
    assert list(candidates(g.trigger, [text], start_filter=g.starts, filter_from=0)) == []


@pytest.mark.parametrize(
    "text",
    ["2 weeks from now", "3 days ago", "5 years hence", "10 days earlier", "4 months later", "in 2024", "the 1990s",
     "at 0800 GMT", "2009-10", "1957-58", "mid-2011", "2024-12-26", "on 12/26/2024"],
)  # fmt: skip
def test_dates_starting_with_a_digit_are_still_trigger_candidates(text):
    """The digit conditions (a year / an hour of four digits, a count with its unit and the word after
    it) still let through what ``ago``, ``anc``, ``yr``, ``iso``, ``tmil`` and ``dec`` take."""
    g = grammar()
    spans = [m.span() for m in g.pattern.finditer(text)]
    assert spans and scan_with_triggers(g, text) == spans
