"""toolkit.text: the trie regex, package data, the sentence splitter and the shared English words."""

from __future__ import annotations

import calendar
import re
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import text
from toolkit.text import (
    ABBREVIATIONS,
    MONTHS,
    NUMBER_WORDS,
    TITLES,
    WEEKDAYS,
    read_json,
    read_lines,
    sentence_spans,
    trie_regex,
)

# Small alphabets make shared prefixes (the interesting case for a trie) likely; the specials
# check escaping.
WORD_CHARS = st.sampled_from(list("abcAB .-+*?()[]|\\^$é"))
WORDS = st.lists(st.text(WORD_CHARS, min_size=1, max_size=6), min_size=1, max_size=25)


def longest_first(words: list[str]) -> str:
    """The plain alternation the plugins' builders were equivalent to: longest word first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


# ---------------------------------------------------------------------------------------------
# trie_regex


@given(WORDS)
def test_trie_matches_every_word_in_full(words):
    pattern = re.compile(trie_regex(words))
    matched = [w for w in words if pattern.fullmatch(w)]
    assert matched == words


@given(WORDS, st.text(WORD_CHARS, max_size=6))
def test_trie_matches_nothing_else(words, candidate):
    assert (re.fullmatch(trie_regex(words), candidate) is not None) == (candidate in words)


@given(WORDS, st.text(WORD_CHARS, max_size=10))
def test_trie_takes_the_longest_word_at_a_position(words, probe):
    """At one position the trie finds what the longest-first alternation finds (the builders' semantics)."""
    got = re.match(trie_regex(words), probe)
    want = re.match(f"(?:{longest_first(words)})", probe)
    assert (got and got.group()) == (want and want.group())
    if want is not None:  # and that is the longest word that starts the probe
        assert want.group() == max((w for w in words if probe.startswith(w)), key=len)


@given(st.lists(st.text(st.sampled_from(list("ab c")), min_size=1, max_size=6), min_size=1, max_size=15))
def test_trie_space_pattern_matches_any_run_of_whitespace(words):
    pattern = re.compile(trie_regex(words, space=r"\s+"))
    for w in words:
        assert pattern.fullmatch(w)
        assert pattern.fullmatch(w.replace(" ", " \t\n "))


@given(st.lists(st.text(st.sampled_from(list("abcAB1 .é")), min_size=1, max_size=6), min_size=1, max_size=15))
def test_trie_ignore_case_matches_every_casing_and_nothing_more(words):
    pattern = re.compile(trie_regex(words, ignore_case=True))
    folded = {w.lower() for w in words}
    for w in words:
        assert pattern.fullmatch(w)
        assert pattern.fullmatch(w.swapcase())
        assert pattern.fullmatch(w.upper())
    for w in ("zz", "a-", "", "1a1"):
        assert (pattern.fullmatch(w) is not None) == (w.lower() in folded)


def test_trie_is_the_shape_the_plugins_wrote():
    """Byte-identical to the three builders it replaces, so switching leaves the compiled patterns alone."""
    assert trie_regex(["two", "three", "ten"]) == "t(?:en|hree|wo)"
    assert trie_regex(["per", "per cent"]) == r"per(?:\ cent)?"
    assert trie_regex(["per", "per cent"], space=r"\s+") == r"per(?:\s+cent)?"
    assert trie_regex(["may", "mar"], ignore_case=True) == "[mM][aA](?:[rR]|[yY])"


def test_trie_of_no_words_matches_nothing():
    assert re.search(trie_regex([]), "anything") is None
    assert re.search(trie_regex(iter(())), "") is None


def test_trie_accepts_any_iterable_once():
    assert re.fullmatch(trie_regex(w for w in ["a", "ab"]), "ab")
    assert re.fullmatch(trie_regex({"x": 1, "yz": 2}), "yz")


def test_trie_of_a_very_long_word_does_not_recurse():
    word = "ab" * (sys.getrecursionlimit() * 2)
    assert re.fullmatch(trie_regex([word, word[:-1]]), word)


def test_trie_scan_is_linear_in_matches_tried():
    """A hostile text of near-misses: one match attempt per position, each bounded by the longest word."""
    words = [f"a{'b' * k}c" for k in range(30)]
    hostile = "a" + "b" * 200_000  # every word's prefix, never a word
    assert re.search(trie_regex(words), hostile) is None


# ---------------------------------------------------------------------------------------------
# Package data


@pytest.fixture
def data_package(tmp_path, monkeypatch):
    package = tmp_path / "toolkit_test_words_pkg"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "data" / "words.txt").write_text(
        "# a comment line\n\n  Alpha  \n#\n#not-a-comment\n   # indented comment\nbeta gamma\n", encoding="utf-8"
    )
    (package / "data" / "table.json").write_text('{"a": [1, 2], "b": {"c": "ü"}}', encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return package.name


def test_read_lines_drops_comments_and_blanks_and_keeps_case(data_package):
    assert read_lines(data_package, "words.txt") == ["Alpha", "#", "#not-a-comment", "beta gamma"]


def test_read_json_gives_a_fresh_object_each_call(data_package):
    first = read_json(data_package, "table.json")
    assert first == {"a": [1, 2], "b": {"c": "ü"}}
    first["a"].append(3)
    assert read_json(data_package, "table.json") == {"a": [1, 2], "b": {"c": "ü"}}


def test_read_of_a_missing_file_names_it(data_package):
    with pytest.raises(FileNotFoundError, match=r"nope\.json"):
        read_json(data_package, "nope.json")


# ---------------------------------------------------------------------------------------------
# Shared English words


def test_months_agree_with_the_calendar():
    for number in range(1, 13):
        assert MONTHS[calendar.month_name[number].lower()] == number
        assert MONTHS[calendar.month_abbr[number].lower()] == number
    assert MONTHS["sept"] == 9
    assert set(MONTHS.values()) == set(range(1, 13))


def test_weekdays_count_as_date_weekday_does():
    monday = date(2024, 12, 23)
    for offset in range(7):
        day = date.fromordinal(monday.toordinal() + offset)
        assert WEEKDAYS[day.strftime("%A").lower()] == day.weekday()
        assert WEEKDAYS[day.strftime("%a").lower()] == day.weekday()
    assert WEEKDAYS["thurs"] == 3


def test_number_words():
    assert NUMBER_WORDS["zero"] == 0
    assert NUMBER_WORDS["twelve"] == 12
    assert NUMBER_WORDS["ninety"] == 90
    assert NUMBER_WORDS["million"] == 1_000_000
    assert all(isinstance(v, int) for v in NUMBER_WORDS.values())


def test_titles_and_abbreviations():
    assert {"mr", "mrs", "dr", "president", "gen"} <= TITLES
    assert {"mr", "u.s", "jan", "gen", "inc"} <= ABBREVIATIONS
    assert all(w == w.lower() and not w.endswith(".") for w in TITLES | ABBREVIATIONS)


def test_word_data_is_immutable():
    with pytest.raises(TypeError):
        MONTHS["smarch"] = 13  # type: ignore[index]
    with pytest.raises(AttributeError):
        TITLES.add("x")  # type: ignore[attr-defined]
    assert isinstance(text.ABBREVIATIONS, frozenset)


# ---------------------------------------------------------------------------------------------
# sentence_spans


def sentences(s: str) -> list[str]:
    return [s[a:b] for a, b in sentence_spans(s)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Mr. Smith said it. He left.", ["Mr. Smith said it.", "He left."]),
        (
            "The U.S. Army said on Jan. 5 it would. Gen. Lee agreed.",
            ["The U.S. Army said on Jan. 5 it would.", "Gen. Lee agreed."],
        ),
        ("J. K. Rowling wrote it. It sold.", ["J. K. Rowling wrote it.", "It sold."]),
        ("“Stop!” he said. “Why?” she asked.", ["“Stop!” he said.", "“Why?” she asked."]),
        ("Prices rose 3.5 percent. 2024 was worse.", ["Prices rose 3.5 percent.", "2024 was worse."]),
        ("We sat in the sun. The end", ["We sat in the sun.", "The end"]),
        ("No. 10 said no. Then it rained.", ["No. 10 said no.", "Then it rained."]),
        ("It was 5 vs. 3 at the end. Wait... What?", ["It was 5 vs. 3 at the end.", "Wait...", "What?"]),
        ("HEADLINE HERE\nBody text. More (yes.) done", ["HEADLINE HERE", "Body text.", "More (yes.) done"]),
        ("  leading and trailing space.  ", ["leading and trailing space."]),
        ("Acme Inc. Chief Jones spoke.", ["Acme Inc. Chief Jones spoke."]),
        ("", []),
        (" \n\t ", []),
    ],
)
def test_sentence_examples(source, expected):
    assert sentences(source) == expected


SENTENCE = st.builds(
    lambda first, rest, end: first + " " + " ".join(rest) + end,
    st.sampled_from(["Officials", "The ministry", "Police", "Dr. Smith", "The U.S. Navy", "In Jan. 2024 it"]),
    st.lists(st.sampled_from(["said", "it", "was", "up", "by", "3.5", "percent", "on", "Friday"]), max_size=6),
    st.sampled_from([".", "!", "?", '."', "...", ".”"]),
)


@given(st.lists(SENTENCE, min_size=1, max_size=8), st.sampled_from([" ", "  ", "\n", " \n "]))
def test_sentences_of_joined_sentences_are_those_sentences(parts, glue):
    assert sentences(glue.join(parts)) == parts


@given(st.text(st.sampled_from(list("aB .!?\n“”'\"()1")), max_size=60))
@settings(max_examples=300)
def test_sentence_spans_are_ordered_trimmed_and_cover_the_text(source):
    spans = sentence_spans(source)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(source)
        assert not source[start].isspace() and not source[end - 1].isspace()
        previous_end = end
    covered = "".join(source[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(source.split())  # every non-space character is in a sentence


@pytest.mark.parametrize("hostile", ["." * 200_000 + "x", "!" * 100_000 + ")" * 100_000 + "a", "Mr. " * 50_000])
def test_sentence_splitter_is_linear_on_hostile_runs(hostile):
    """Runs of marks or abbreviations are scanned once (a quadratic splitter would not return here)."""
    spans = sentence_spans(hostile)
    assert spans and spans[0][0] == 0
