"""Chunk hints (``toolkit_figures.hints``): each bit is a necessary condition of the scan it lets
the engine skip, so reading a text with its hints gives exactly the figures read without them."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from toolkit_figures.extract import extractor_for, extractor_of
from toolkit_figures.hints import ALL, BAD, DIGITS, SIGNS, WEB, WORDS, hinted, last_digit, text_hints
from toolkit_figures.params import FiguresParams
from toolkit_figures.patterns import _BAD, _FULL_UNIT, _WEB_HINT

EX = extractor_of(None)

#: Pieces that start or stop each scan: number words in every casing, vague words, digits glued to
#: letters and separators, dates, times, ordinals, decades, phone numbers, signs, and a few
#: non-ASCII characters (which turn hints off for the whole text).
PIECES = [
    "one", "Two", "THREE", "twenty-five", "a hundred", "an eighth", "half", "Quarter", "dozen", "dz",
    "tens of", "Thousands", "several hundred", "a few thousand", "score of", "point five", "full",
    "a full percentage point", "someone", "often", "Tennis", "7", "42", "1,000", "3.5", ".5", "2014",
    "1990s", "'90s", "’08", "0s", "12th", "3 rd", "21st", "5pm", "5 p.m.", "10:30", "9/11", "2013-14",
    "5-6", "24/7", "2024-05-03", "1.2.3", "3.5", "12/05", "192.168.0.1", "+44 20 7946 0958", "(555) 123-4567",
    "555-123-4567",
    "MH17", "F-16", "3D", "4x4", "USD115", "10km", "$5", "£", "minus", "MINUS", "Negative", "negatively",
    "per cent", "%", "million", "bn", "ago", "June", "at", "up to", "or more", " ", " ", "  ", ", ", ". ",
    "-", "/", ":", "'", "(", ")", "+", "…", "...", "\n", "\t", "é", "½", "٣", "İ", "K", "ſ", "\u00a0",
    "\u2009", "–", "’", "http://", "www.", "@", ".com", ".co", ".uk", "x.comet", "mail", "example",
]  # fmt: skip

texts_strategy = st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), min_size=1, max_size=8)


def _words_found(text: str) -> bool:
    low = text.lower()
    same = len(low) == len(text)
    words = EX.words_lower if same else EX.words_any
    return bool(words.search(" " + (low if same else text)) or _FULL_UNIT.search(low if same else text))


@settings(max_examples=300, deadline=None)
@given(texts_strategy)
def test_each_hint_bit_is_a_necessary_condition_of_its_scan(texts):
    for text, bits in zip(texts, text_hints(texts, EX.lex), strict=True):
        if not text.isascii():
            assert bits == ALL
            continue
        assert bool(bits & DIGITS) == any(c in "0123456789" for c in text)
        digits_at = [i for i, c in enumerate(text) if c in "0123456789"]
        assert last_digit(bits) == (digits_at[-1] if digits_at else -1)
        assert bool(bits & SIGNS) == ("minus" in text.lower() or "negative" in text.lower())
        if not bits & WORDS:
            assert not _words_found(text), text
        if not bits & BAD:  # (the engine scans up to a limit: no match up to any limit)
            assert not any(_BAD.search(text, 0, limit) for limit in range(len(text) + 1)), text
        if not bits & WEB:
            assert not any(_WEB_HINT.search(text, 0, limit) for limit in range(len(text) + 1)), text


@settings(max_examples=300, deadline=None)
@given(texts_strategy)
def test_reading_with_hints_gives_the_figures_read_without_them(texts):
    for params in (FiguresParams(), FiguresParams(include_durations=True, include_years=True)):
        ex = extractor_for(params)
        for _, text, bits in hinted(((None, t) for t in texts), ex.lex, chunk=3):
            assert ex.read(text, bits) == ex.read(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Officials said up to 15,000 North Korean troops could be deployed to the front.",
        "Flight 447 was carrying 228 people when it crashed on June 1, 2009.",
        "Two hundred and five people were hurt; the toll rose to 69 by 5pm on 12 March.",
        "Temperatures fell to minus 5 degrees, a full percentage point below the 1990s average.",
        "Call +44 20 7946 0958 or visit www.example.com before 2024-05-03.",
        "No number here at all.",
        "",
    ],
)
def test_news_sentences_read_the_same_with_their_hints(text):
    bits = text_hints([text], EX.lex)[0]
    assert EX.read(text, bits) == EX.read(text)


@pytest.mark.parametrize(
    "text",
    ["a full percent cut", "another full basis-point rise", "a score of boats", "tens of buses", "several hundred",
     "a few thousand", "Thousands fled", "a dozen eggs", "an eighth", "at 5pm", "the 1990s", "in '08", "MH17",
     "F-16", "+44 20", "(555) 123", "3rd", "5 th", "4x4", "10:30", "9/11", "1.2.3.4", "12/05/2024", "555.123.4567",
     "see https://a.example/5 at 5", "mail 5@x.io", "visit bbc.co.uk for 5", "5 on x.comet"],
)  # fmt: skip
def test_texts_holding_only_one_trigger_are_hinted(text):
    bits = text_hints([text], EX.lex)[0]
    assert bits & WORDS if _words_found(text) else True
    assert bits & BAD if _BAD.search(text) else True
    assert EX.read(text, bits) == EX.read(text)


def test_texts_arrow_cannot_take_get_no_hints():
    texts = ["5 people", "lone \ud800 surrogate"]
    assert text_hints(texts, EX.lex) == [ALL, ALL]
    assert last_digit(ALL) == -1  # no position known: the digit scan runs to the end


def test_hinted_keeps_order_and_keys_across_chunks():
    items = [(f"s{i}", "nothing" if i % 3 else f"{i} people") for i in range(10)]
    out = list(hinted(iter(items), EX.lex, chunk=4))
    assert [(k, t) for k, t, _ in out] == items
    assert [bool(b & DIGITS) for _, _, b in out] == [i % 3 == 0 for i in range(10)]


def test_rows_hold_the_dict_values_in_figure_keys_order():
    from toolkit_figures.figure import FIGURE_KEYS

    text = "Up to 15,000 troops and $4bn in aid; 35% of voters, between 10 and 20 million viewers."
    rows, skipped = EX.read_rows(text)
    dicts, skipped_too = EX.read(text)
    assert len(rows) == 4 and skipped == skipped_too == 0
    assert [dict(zip(FIGURE_KEYS, row, strict=True)) for row in rows] == dicts


# ---- the clause read back before a figure: decided on its last tokens when they settle it ------------

CLAUSE_PIECES = ["rose", "to", "stood", "at", "was", "is", "were", "reached", "hit", "past", "the", "toll", "number",
                 "of", "dead", "Smith", "has", "now", "officially", ",", ".", "-", "'", "’", "x", "12", " ", " ", "  ",
                 "\t", "\n", "well-known", "death-toll", "é"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(CLAUSE_PIECES), max_size=40).map("".join))
@example("the toll was" + " " * 33 + "x")  # the verb before the short window, only spaces after it
@example("the toll was" + " " * 29 + "x")  # the short window starts inside "was"
def test_the_short_clause_window_only_decides_what_the_long_one_would(text):
    from toolkit_figures.patterns import _CLAUSE_TOKEN

    for start in range(len(text) + 1):
        if EX._no_level_verb_close_by(text, start):
            toks = [(m.group(), m.start()) for m in _CLAUSE_TOKEN.finditer(text, max(0, start - 100), start)]
            assert EX._level_verb_at(toks)[0] < 0, (text, start)


def test_a_verb_of_level_is_read_with_its_clause_however_long():
    text = "Officials said on Tuesday evening that the death toll in the province rose to 69"
    assert not EX._no_level_verb_close_by(text, text.index("69"))
    assert EX.read(text)[0][0]["counted"] == "death toll"  # the subject, more than 32 characters back
    assert EX._no_level_verb_close_by(text, text.index("province"))  # "toll in the": no verb of level
