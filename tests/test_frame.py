"""The snippet frame: contract columns and dtypes, ids, and every bad-input decision."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import toolkit
from toolkit import SnippetInputError, SnippetInputWarning
from toolkit.schema import SNIPPET_COLUMNS


def test_from_strings_gets_stable_ids_and_contract_dtypes():
    frame = toolkit.snippet_frame(["one", "two"])
    assert frame.index.name == "snippet_id"
    assert frame.index.tolist() == ["s1", "s2"]
    assert isinstance(frame.index.dtype, pd.StringDtype)
    assert list(frame.columns) == list(SNIPPET_COLUMNS)
    assert {c: str(frame[c].dtype) for c in frame.columns} == SNIPPET_COLUMNS
    assert toolkit.snippet_frame(["one", "two"]).index.equals(frame.index)


def test_from_dicts_keeps_user_columns_and_parses_iso_dates():
    frame = toolkit.snippet_frame(
        [
            {"id": 7, "text": "a", "source": "AP", "published_at": "2024-12-27T09:30:00+09:00", "lang": "en"},
            {"id": 8, "text": "b", "published_at": "2024-12-26"},
        ]
    )
    assert frame.index.tolist() == ["7", "8"]
    assert frame.loc["7", "published_at"] == pd.Timestamp("2024-12-27T00:30:00Z")
    assert frame.loc["8", "published_at"] == pd.Timestamp("2024-12-26T00:00:00Z")
    assert frame.loc["7", "lang"] == "en" and pd.isna(frame.loc["8", "lang"])
    assert frame.loc["7", "source"] == "AP" and pd.isna(frame.loc["8", "source"])


def test_dataframe_index_used_as_ids_and_column_names_mapped():
    df = pd.DataFrame({"body": ["x", "y"], "outlet": ["BBC", "CNN"]}, index=pd.Index(["a", "b"], name="key"))
    frame = toolkit.snippet_frame(df, text="body", source="outlet")
    assert frame.index.tolist() == ["a", "b"]
    assert frame["text"].tolist() == ["x", "y"]
    assert frame["source"].tolist() == ["BBC", "CNN"]
    assert "body" not in frame.columns


def test_missing_text_column_names_the_columns_found():
    with pytest.raises(SnippetInputError, match=r"no 'text' column \(columns found: body, outlet\)"):
        toolkit.snippet_frame(pd.DataFrame({"body": ["x"], "outlet": ["y"]}))


def test_named_column_that_does_not_exist():
    with pytest.raises(SnippetInputError, match="no column 'content' for text"):
        toolkit.snippet_frame([{"text": "a"}], text="content")


def test_missing_text_is_kept_as_na_and_counted():
    with pytest.warns(SnippetInputWarning, match="2 snippet\\(s\\) have no text"):
        frame = toolkit.snippet_frame([{"text": "a"}, {"text": None}, {"text": float("nan")}, {"text": ""}])
    assert len(frame) == 4
    assert frame["text"].isna().tolist() == [False, True, True, False]
    assert frame.loc["s4", "text"] == ""


def test_numbers_as_text_are_converted_and_counted_objects_rejected():
    with pytest.warns(SnippetInputWarning, match="1 snippet\\(s\\) had non-string text"):
        frame = toolkit.snippet_frame([{"text": "a"}, {"text": 42}])
    assert frame.loc["s2", "text"] == "42"
    with pytest.raises(SnippetInputError, match="snippet 's2': text is a dict"):
        toolkit.snippet_frame([{"text": "a"}, {"text": {"nested": 1}}])


def test_duplicate_ids_are_an_error_listing_them():
    with pytest.raises(SnippetInputError, match="1 snippet id\\(s\\) occur more than once \\('x'\\)"):
        toolkit.snippet_frame([{"id": "x", "text": "a"}, {"id": "x", "text": "b"}, {"id": "y", "text": "c"}])


def test_missing_and_blank_ids_are_errors():
    with pytest.raises(SnippetInputError, match="have no id"):
        toolkit.snippet_frame([{"id": None, "text": "a"}, {"id": "b", "text": "b"}])
    with pytest.raises(SnippetInputError, match="empty id"):
        toolkit.snippet_frame([{"id": " ", "text": "a"}])


def test_unparseable_dates_become_nat_and_are_counted():
    with pytest.warns(SnippetInputWarning, match="1 value\\(s\\) could not be read as dates"):
        frame = toolkit.snippet_frame([{"text": "a", "published_at": "yesterday-ish"}, {"text": "b"}])
    assert frame["published_at"].isna().all()


def test_naive_timestamps_are_taken_as_utc_and_counted():
    with pytest.warns(SnippetInputWarning, match="1 timestamp\\(s\\) without a time zone taken as UTC"):
        frame = toolkit.snippet_frame([{"text": "a", "published_at": "2024-12-27 10:00"}])
    assert frame.iloc[0]["published_at"] == pd.Timestamp("2024-12-27T10:00Z")


def test_mixed_date_formats_parse():
    frame = toolkit.snippet_frame(
        [{"text": "a", "published_at": "2024-12-27T10:00:00Z"}, {"text": "b", "published_at": "Dec 26, 2024"}]
    )
    assert frame["published_at"].tolist() == [pd.Timestamp("2024-12-27T10:00Z"), pd.Timestamp("2024-12-26T00:00Z")]


def test_tz_aware_datetime_column_is_converted_to_utc():
    stamps = pd.to_datetime(["2024-12-27 09:00"]).tz_localize("Asia/Seoul")
    frame = toolkit.snippet_frame(pd.DataFrame({"text": ["a"], "published_at": stamps}))
    assert frame.iloc[0]["published_at"] == pd.Timestamp("2024-12-27T00:00Z")


def test_empty_input_gives_an_empty_frame_with_contract_columns():
    frame = toolkit.snippet_frame([])
    assert len(frame) == 0 and list(frame.columns) == list(SNIPPET_COLUMNS)


def test_a_file_path_string_is_refused_with_a_hint():
    with pytest.raises(SnippetInputError, match="read_snippets"):
        toolkit.snippet_frame("snippets.txt")


def test_snippet_frame_is_idempotent():
    frame = toolkit.snippet_frame([{"id": "a", "text": "x", "published_at": "2024-01-01"}])
    again = toolkit.snippet_frame(frame)
    pd.testing.assert_frame_equal(frame, again)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=40)), max_size=12))
def test_any_list_of_texts_keeps_every_row_in_order(texts):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnippetInputWarning)
        frame = toolkit.snippet_frame(texts)
    assert len(frame) == len(texts)
    for got, given_text in zip(frame["text"].tolist(), texts, strict=True):
        assert (pd.isna(got) and given_text is None) or got == given_text
