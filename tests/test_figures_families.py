"""Issue 15 (figures) and 16.9 / 16.19: the families of news phrasing a reporter notices first.

Every sentence here was written for these tests, in the style of wire and web copy.
"""

from __future__ import annotations

import math
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_figures import FiguresParams, figures_from_text
from toolkit_figures.extract import FiguresWarning, extract


def only(text: str, **params) -> dict:
    """The single figure in ``text``; its span must slice the text."""
    figs = figures_from_text(text, FiguresParams(**params) if params else None)
    assert len(figs) == 1, [(f["text"], f["value"]) for f in figs]
    f = figs[0]
    assert text[f["start"] : f["end"]] == f["text"]
    if f["counted"] is not None:
        assert text[f["counted_start"] : f["counted_end"]] == f["counted"]
    return f


def test_the_engine_reads_a_plain_string():
    (f,) = extract("Officials said up to 15,000 troops could be sent.")
    assert (f["text"], f["value"], f["qualifier"], f["counted"]) == ("up to 15,000", 15000, "at_most", "troops")


# --- the counted thing stated before the number ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "counted"),
    [
        ("The death toll rose to 69 on Tuesday, the health ministry said.", "69", "death toll"),
        ("The toll climbed past 11,000 as rescuers reached the worst-hit villages.", "11,000", "toll"),
        ("Unemployment stood at 4.2% in March, the statistics office said.", "4.2%", "Unemployment"),
        ("Turnout was 71.8 per cent, the highest since 1992.", "71.8 per cent", "Turnout"),
        ("The death toll from Monday's earthquake has risen to 72.", "72", "death toll"),
        ("Officials said the death toll had climbed to 45 by nightfall.", "45", "death toll"),
        ("The number of dead rose to 118 overnight.", "118", "dead"),
        ("Inflation fell to 3.2 per cent in October.", "3.2 per cent", "Inflation"),
        ("Head of hospital fired as Mers toll hits 117", "117", "Mers toll"),
        ("The company's annual revenue rose to $5bn.", "$5bn", "annual revenue"),
    ],
)
def test_counted_thing_before_the_number(text, surface, counted):
    f = only(text)
    assert (f["text"], f["counted"]) == (surface, counted)


def test_nine_of_the_dead_counts_the_dead():
    f = only("Nine of the dead were children, the governor said.")
    assert (f["text"], f["value"], f["counted"]) == ("Nine", 9, "dead")
    figs = figures_from_text("The blast left 69 dead and more than 200 injured.")
    assert [(g["value"] or g["low"], g["counted"]) for g in figs] == [(69, "dead"), (200, "injured")]


@pytest.mark.parametrize(
    "text",
    [
        "Biden was 81 when he announced his decision.",  # a name before "was": an age, not a thing counted
        "It was 69 at the last count.",  # a pronoun
        "Shares rose 5% on Tuesday.",  # a change, not a level: no counted thing before it
        "The number is from 200 to 300.",  # a container noun with nothing after "of"
        "The storm killed 69 dead cattle.",  # "dead" before a noun is an adjective
    ],
)
def test_no_counted_thing_when_the_subject_is_not_one(text):
    assert all(f["counted"] is None for f in figures_from_text(text))


# --- durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit", "counted"),
    [
        ("Ghana declared a seven-day mourning period for the victims.", "seven-day", 7, "day", "mourning period"),
        ("The vote ended 14 years of Conservative rule.", "14 years", 14, "years", "Conservative rule"),
        ("Surgeons completed a 40-minute operation on Friday.", "40-minute", 40, "minute", "operation"),
        ("The firm signed a 27-year contract with the ministry.", "27-year", 27, "year", "contract"),
    ],
)
def test_durations_that_measure_a_thing_are_figures_by_default(text, surface, value, unit, counted):
    f = only(text)
    assert (f["text"], f["value"], f["unit"], f["kind"], f["counted"]) == (surface, value, unit, "measure", counted)
    assert figures_from_text(text, FiguresParams(include_measured_durations=False)) == []


@pytest.mark.parametrize(
    "text",
    [
        "A 50-year-old man was arrested.",
        "The talks lasted three days.",
        "The ceasefire collapsed three days ago.",
        "Stocks hit a five-year high on Monday.",
        "He was 14 years of age at the time.",
    ],
)
def test_times_ages_and_records_stay_the_timelines(text):
    assert figures_from_text(text) == []
    assert figures_from_text(text, FiguresParams(include_durations=True)) or "five-year high" in text


# --- vague quantities ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Thousands of people fled the city overnight.", "Thousands of"),
        ("Hundreds were arrested in the capital.", "Hundreds"),
        ("Scores of homes were destroyed by the fire.", "Scores of"),
        ("Millions of viewers tuned in for the final.", "Millions of"),
        ("Tens of thousands marched through Madrid.", "Tens of thousands"),
        ("Several hundred protesters gathered outside.", "Several hundred"),
    ],
)
def test_vague_quantities_have_their_own_qualifier_and_no_value(text, surface):
    f = only(text)
    assert (f["text"], f["qualifier"]) == (surface, "vague")
    assert f["value"] is None and f["low"] is None and f["high"] is None


# --- numbers cut off by the snippet ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "low", "unit"),
    [
        ("Company revenue of 16.14 ...", "16.14", 16.14, None),
        ("The regulator fined the bank $21 ...", "$21", 21, "USD"),
        ("Quarterly profit reached 3.2 …", "3.2", 3.2, None),
    ],
)
def test_a_number_cut_by_the_ellipsis_is_truncated_with_no_value(text, surface, low, unit):
    f = only(text)
    assert (f["text"], f["truncated"], f["value"], f["low"], f["unit"]) == (surface, True, None, low, unit)


@pytest.mark.parametrize("text", ["They spent $21bn ... on the project.", "Turnout was 64% ...", "It rose 3 km ..."])
def test_a_number_with_its_multiplier_before_the_ellipsis_is_whole(text):
    f = only(text)
    assert not f["truncated"] and f["value"] is not None


# --- fractions of a unit, magnitudes --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit"),
    [
        ("The Fed made a quarter-percentage-point cut on Wednesday.", "a quarter-percentage-point", 0.25,
         "percentage_point"),
        ("The bank raised rates by another full percentage point.", "full percentage point", 1, "percentage_point"),
        ("A full percentage point was added to the rate.", "A full percentage point", 1, "percentage_point"),
        ("Rates fell by half a point in June.", "half a point", 0.5, "point"),
        ("It announced a 25-basis-point rise.", "25-basis-point", 25, "basis_point"),
        ("A magnitude-6.9 quake hit the coast at dawn.", "6.9", 6.9, "magnitude"),
    ],
)  # fmt: skip
def test_fractions_of_a_unit_and_magnitudes(text, surface, value, unit):
    f = only(text)
    assert (f["text"], f["value"], f["unit"]) == (surface, value, unit)


def test_a_code_after_a_letter_and_hyphen_is_still_a_label():
    assert figures_from_text("Two F-16 jets flew over the capital.") == [] or all(
        f["text"] != "16" for f in figures_from_text("Two F-16 jets flew over the capital.")
    )


# --- currencies on both sides ----------------------------------------------------------------------


def test_an_extra_currency_symbol_is_read_before_and_after_the_amount():
    params = {"extra_currencies": ("₵=GHS",)}
    for text, surface in (("It cost ₵50 in Accra.", "₵50"), ("It cost 50₵ in Accra.", "50₵")):
        f = only(text, **params)
        assert (f["text"], f["value"], f["unit"], f["kind"]) == (surface, 50, "GHS", "money")


# --- 16.19: overflow and mixed scripts -------------------------------------------------------------


@pytest.mark.parametrize("text", ["The value was 1e400 units.", "A debt of 1e300 billion dollars.", "2^99999 grains"])
def test_a_number_too_large_for_a_float_is_not_a_figure(text):
    for f in figures_from_text(text):
        for key in ("value", "low", "high"):
            assert f[key] is None or math.isfinite(f[key])


def test_digits_of_two_scripts_or_two_groups_are_never_one_number():
    values = [f["value"] for f in figures_from_text("The prices were ৩০ ৩০০ taka.")]
    assert 30300 not in values and values == [30, 300]
    assert all(f["value"] != 3300 for f in figures_from_text("It cost 3,৩০০ taka."))
    assert only("About 816 000 tonnes were shipped.")["value"] == 816_000  # Latin digits still group


# --- 16.9: no silent cap; linear cost ------------------------------------------------------------


def test_every_candidate_is_read_in_a_long_snippet():
    text = "Police counted 12 arrests. " * 3000  # 3,000 numbers, past the old silent cap of 2,000
    figs = figures_from_text(text)
    assert len(figs) == 3000 and figs[-1]["start"] > 80_000


def test_a_cap_when_asked_for_warns_naming_the_snippet():
    text = "Police counted 12 arrests. " * 50
    with pytest.warns(FiguresWarning, match=r"snippet 's9'.*skipped 40 more"):
        figs = extract(text, FiguresParams(max_candidates=10), snippet_id="s9")
    assert len(figs) == 10


@pytest.mark.slow
def test_memory_grows_linearly_with_a_long_snippet():
    paragraph = (
        "Officials said the death toll rose to 69 and about 1,100 people fled; the fund pledged $4bn while "
        "unemployment stood at 4.2%. Witnesses described scenes of chaos as rescuers worked through the night "
        "and the government promised more help in the coming weeks, without giving a date for it. "
    )

    def peak(size: int) -> tuple[int, int]:
        text = (paragraph * (size // len(paragraph) + 1))[:size]
        tracemalloc.start()
        n = len(figures_from_text(text))
        used = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return n, used

    (n_small, small), (n_large, large) = peak(50_000), peak(500_000)
    assert n_large > 9 * n_small > 0  # every figure is read
    assert large < 14 * small  # ten times the text, about ten times the memory (no square term)


# --- properties -------------------------------------------------------------------------------------

_AMOUNTS = st.integers(min_value=1, max_value=10**12)


@settings(max_examples=150, deadline=None)
@given(_AMOUNTS, st.sampled_from(["troops", "people", "homes", "protesters"]))
def test_property_a_stated_count_is_read_with_its_value_and_noun(n, noun):
    text = f"Officials said {n:,} {noun} were affected."
    figs = figures_from_text(text)
    assert figs, text  # the extractor must find it
    f = figs[0]
    assert (f["value"], f["counted"], text[f["start"] : f["end"]]) == (n, noun, f["text"])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["death toll", "toll", "number of dead"]), st.integers(min_value=2, max_value=99_999))
def test_property_the_counted_thing_before_rose_to(subject, n):
    text = f"The {subject} rose to {n:,} on Tuesday."
    figs = figures_from_text(text)
    assert figs, text
    assert figs[0]["value"] == n
    assert figs[0]["counted"] == ("dead" if subject == "number of dead" else subject)
