"""Issue 15's timeline families and issue 16.19's out-of-range years, from sentences written for
these tests in the styles of several outlets (wire, broadcast, web headlines)."""

from __future__ import annotations

import pytest
from toolkit_timeline.extract import extract


def found(text: str, ref: str = "2025-10-03", **options) -> list[tuple[str, str | None]]:
    return [(text[m.start : m.end], m.value) for m in extract(text, ref, **options)]


# ---------------------------------------------------------------------------------------------
# Not dates


@pytest.mark.parametrize(
    "text",
    [
        "Gold prices are set to post their highest level in 22 years, analysts said.",
        "The index will climb to its highest level in 22 years, the bank forecasts.",
        "Unemployment is expected to hit its lowest point in five years.",
        "Microsoft planning biggest job cuts in five years",
        "The company will raise prices for the first time in 3 years.",
    ],
)
def test_a_superlative_in_n_years_is_a_duration_not_a_future_year(text):
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Athletes arrive for the 2024 Summer Olympics in Paris.",
        "She won gold at the 2020 Summer Games and the 2022 Winter Olympics.",
        "Fans travelled to Qatar for the 2022 World Cup.",
        "The 2026 FIFA World Cup will be held across North America.",
        "Spain beat England in the Euro 2024 final in Berlin.",
        "Conchita Wurst won Eurovision 2014 for Austria.",
        "Memorials mark the anniversary of the September 11 attacks.",
        "Lawmakers questioned witnesses about the January 6 riot.",
        "Protesters chanted 'Independence Day' outside parliament.",
        "The movie Independence Day was re-released in cinemas.",
    ],
)
def test_years_and_days_that_are_part_of_a_name_are_not_dates(text):
    assert found(text) == []


def test_the_same_words_are_dates_when_they_date_something():
    assert found("The fireworks will be on Independence Day.", "2024-07-02") == [("Independence Day", "2024-07-04")]
    assert found("He lost his brother in the September 11, 2001 attacks.") == [("September 11, 2001", "2001-09-11")]
    assert found("The summit was held in 2022 in Bali.") == [("2022", "2022")]
    assert found("Shares rose in the summer of 2024.") == [("summer of 2024", "2024-SU")]


# ---------------------------------------------------------------------------------------------
# now / currently / at present


def test_now_is_a_present_ref_mention_but_never_an_event():
    import pandas as pd
    from toolkit_timeline import TimelineParams, extract_timeline

    import toolkit
    from toolkit import Context

    text = "He is currently in hospital and now faces charges; at present no trial date is set."
    assert [v for _, v in found(text)] == ["PRESENT_REF"] * 3
    assert found(text, present=False) == []
    f = toolkit.snippet_frame(pd.DataFrame([{"snippet_id": "a", "text": text + " He was arrested on Monday."}]))
    out = extract_timeline(f, TimelineParams(reference_date="2025-10-03"), Context())
    assert out.tables["events"]["value"].tolist() == ["2025-09-29"]


# ---------------------------------------------------------------------------------------------
# Future deadlines


@pytest.mark.parametrize(
    ("ref", "text", "value"),
    [
        ("2025-06-01", "The prime minister will step down by October, aides said.", "2025-10"),
        ("2025-11-15", "Prime minister to step down by October", "2026-10"),
        ("2024-12-27", "Live tweets: Fiat Chrysler still plans IPO launch by October", "2025-10"),
        ("2025-11-15", "The ministry has until March to file its response.", "2026-03"),
        ("2025-11-15", "The bridge had been repaired by October, the council said.", "2025-10"),
    ],
)
def test_a_deadline_is_the_coming_month_unless_the_clause_is_past(ref, text, value):
    assert [v for _, v in found(text, ref)] == [value]


# ---------------------------------------------------------------------------------------------
# A date and its time of day: one mention


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("The storm hit on Thursday morning, October 2, 2025, officials said.",
         "Thursday morning, October 2, 2025", "2025-10-02TMO"),
        ("Polls close Sunday evening, Oct. 5.", "Sunday evening, Oct. 5", "2025-10-05TEV"),
        ("Police said the attack began on Wednesday night, 1 October 2025.", "Wednesday night, 1 October 2025",
         "2025-10-01TNI"),
        ("Police were called at 9 p.m. Thursday, October 2.", "9 p.m. Thursday, October 2", "2025-10-02T21:00"),
    ],
)  # fmt: skip
def test_a_date_and_its_part_of_day_are_one_mention(text, surface, value):
    assert found(text) == [(surface, value)]


# ---------------------------------------------------------------------------------------------
# Anaphora to the last date mentioned


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The blast happened on October 2. Earlier that same day, police had closed the road.",
         [("October 2", "2025-10-02"), ("Earlier that same day", "2025-10-02")]),
        ("Protests began on Monday. The following morning, troops moved in.",
         [("Monday", "2025-09-29"), ("The following morning", "2025-09-30TMO")]),
        ("The talks ended on Sept. 30; later that day the envoy left.",
         [("Sept. 30", "2025-09-30"), ("later that day", "2025-09-30")]),
        ("Fighting resumed on 28 September and that night shells hit the port.",
         [("28 September", "2025-09-28"), ("that night", "2025-09-28TNI")]),
        ("The rally on Friday drew thousands; the previous evening organisers met police.",
         [("Friday", "2025-10-03"), ("the previous evening", "2025-10-02TEV")]),
        ("The pandemic reached Italy in March 2020. Later that year, vaccines arrived.",
         [("March 2020", "2020-03"), ("Later that year", "2020")]),
        ("Car sales fell 35% in January, compared to the same month a year ago.",
         [("January", "2025-01"), ("the same month a year ago", "2024-01")]),
        ("Output fell in the third quarter, compared with the same quarter a year earlier.",
         [("the third quarter", "2025-Q3"), ("the same quarter a year earlier", "2024-Q3")]),
    ],
)  # fmt: skip
def test_anaphora_take_the_day_mentioned_before(text, expected):
    assert found(text) == expected


def test_anaphora_with_nothing_before_them_are_not_reported():
    assert found("Later that day the envoy left.") == []
    assert found("The following morning, troops moved in.") == []
    assert found("In 2019 the plant closed. That month, workers left.") == [("2019", "2019")]  # coarser anchor


def test_a_full_month_name_does_not_take_the_sentence_full_stop():
    assert found("Talks opened on 3 May. Prices fell.", "2024-12-27")[0] == ("3 May", "2024-05-03")


# ---------------------------------------------------------------------------------------------
# Years out of any calendar (issue 16.19)


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("The licence runs until 1 January 10000.", "1 January 10000"),
        ("The record is dated 1 January 0.", "1 January 0"),
        ("It expires on January 1, 10000, the filing says.", "January 1, 10000"),
        ("The seal reads January 10000.", "January 10000"),
    ],
)
def test_a_year_out_of_range_gives_a_null_value_not_a_guess(text, surface):
    for ref in ("2024-12-27", None):
        assert found(text, ref) == [(surface, None)]


def test_numbers_after_a_date_that_are_not_its_year_leave_it_alone():
    assert found("On March 3, 12 people died.", "2024-12-27") == [("March 3", "2024-03-03")]
    assert found("On March 3, 2300 troops arrived.", "2024-12-27") == [("March 3", "2024-03-03")]
    assert found("eBay hack: May 23, 3:07 am.", "2024-12-27")[0] == ("May 23", "2025-05-23")
    assert found("It happened on 1 January 2025.", "2024-12-27") == [("1 January 2025", "2025-01-01")]
