"""Reading snippet files: every format, and every bad-file decision."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import toolkit
from toolkit import SnippetInputError, SnippetInputWarning

SEED_LINES = [
    "South Korea's spy agency said Friday it had confirmed that a North Korean soldier had been captured.",
    "“Through various sources,” the JCS said — around 1,100 casualties.",
]


def test_txt_a_snippet_a_line_with_line_number_ids(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text(SEED_LINES[0] + "\n\n" + SEED_LINES[1] + "\n", encoding="utf-8")
    with pytest.warns(SnippetInputWarning, match="1 blank line"):
        frame = toolkit.read_snippets(path)
    assert frame.index.tolist() == ["s1", "s3"]
    assert frame["text"].tolist() == SEED_LINES


def test_bom_is_dropped_and_curly_quotes_kept(tmp_path):
    path = tmp_path / "s.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED_LINES[1].encode("utf-8"))
    frame = toolkit.read_snippets(path)
    assert frame.iloc[0]["text"] == SEED_LINES[1]


def test_invalid_utf8_is_replaced_and_reported_with_its_line(tmp_path):
    path = tmp_path / "s.txt"
    path.write_bytes(b"good line\nbad \xff\xfe byte\n")
    with pytest.warns(
        SnippetInputWarning, match=r"2 invalid utf-8 byte sequence\(s\) replaced by U\+FFFD \(first on line 2\)"
    ):
        frame = toolkit.read_snippets(path)
    assert frame.loc["s2", "text"] == "bad \ufffd\ufffd byte"


def test_jsonl_with_ids_sources_and_dates(tmp_path):
    path = tmp_path / "s.jsonl"
    rows = [
        {"id": "a", "text": SEED_LINES[0], "source": "Yonhap", "published_at": "2024-12-27T03:00:00Z"},
        {"id": "b", "text": SEED_LINES[1], "source": None, "published_at": None},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    frame = toolkit.read_snippets(path)
    assert frame.index.tolist() == ["a", "b"]
    assert frame.loc["a", "published_at"] == pd.Timestamp("2024-12-27T03:00Z")
    assert frame.loc["b", "text"] == SEED_LINES[1]


def test_malformed_jsonl_line_is_an_error_with_its_line_number(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"text": "ok"}\n{"text": "also ok"}\n{"text": "broken\n', encoding="utf-8")
    with pytest.raises(SnippetInputError, match="line 3 is not valid JSON"):
        toolkit.read_snippets(path)


def test_jsonl_line_that_is_not_an_object(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"text": "ok"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(SnippetInputError, match="line 2 is not a JSON object"):
        toolkit.read_snippets(path)


def test_csv_with_named_columns(tmp_path):
    path = tmp_path / "s.csv"
    pd.DataFrame({"key": ["x", "y"], "body": SEED_LINES, "outlet": ["AP", ""]}).to_csv(path, index=False)
    frame = toolkit.read_snippets(path, text="body", id="key", source="outlet")
    assert frame.index.tolist() == ["x", "y"]
    assert frame["text"].tolist() == SEED_LINES
    assert frame.loc["x", "source"] == "AP" and pd.isna(frame.loc["y", "source"])


def test_malformed_csv_row_is_an_error_with_its_line(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("id,text\n1,fine\n2,too,many,fields\n", encoding="utf-8")
    with pytest.raises(SnippetInputError, match=r"malformed CSV.*line 3"):
        toolkit.read_snippets(path)


def test_json_array_and_object_holding_one(tmp_path):
    a = tmp_path / "a.json"
    a.write_text(json.dumps(SEED_LINES), encoding="utf-8")
    assert toolkit.read_snippets(a)["text"].tolist() == SEED_LINES
    b = tmp_path / "b.json"
    b.write_text(json.dumps({"snippets": [{"id": "q", "text": SEED_LINES[0]}]}), encoding="utf-8")
    assert toolkit.read_snippets(b).index.tolist() == ["q"]
    c = tmp_path / "c.json"
    c.write_text('[{"text": "a"},\n {"text": }]', encoding="utf-8")
    with pytest.raises(SnippetInputError, match="invalid JSON at line 2"):
        toolkit.read_snippets(c)


def test_parquet_round_trip(tmp_path):
    path = tmp_path / "s.parquet"
    frame = toolkit.snippet_frame([{"id": "a", "text": SEED_LINES[0], "published_at": "2024-12-27"}])
    frame.reset_index().to_parquet(path)
    pd.testing.assert_frame_equal(toolkit.read_snippets(path), frame)


def test_corrupt_parquet_is_a_clear_error(tmp_path):
    path = tmp_path / "s.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(SnippetInputError, match="cannot read as Parquet"):
        toolkit.read_snippets(path)


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".csv", ".json"])
def test_empty_file_gives_empty_frame_and_a_warning(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_text("", encoding="utf-8")
    with pytest.warns(SnippetInputWarning, match="no snippets in the file"):
        frame = toolkit.read_snippets(path)
    assert len(frame) == 0 and "text" in frame.columns


def test_unknown_suffix_and_format_override(tmp_path):
    path = tmp_path / "s.data"
    path.write_text('{"text": "hello"}\n', encoding="utf-8")
    with pytest.raises(SnippetInputError, match=r"unknown suffix \.data"):
        toolkit.read_snippets(path)
    assert toolkit.read_snippets(path, format="jsonl")["text"].tolist() == ["hello"]


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SnippetInputError, match="no such file"):
        toolkit.read_snippets(tmp_path / "nope.txt")


def test_plugin_reader_takes_precedence(tmp_path):
    from toolkit.specs import ReaderSpec

    class TsvPlugin:
        @toolkit.hookimpl
        def register_readers(self, register):
            register(ReaderSpec("tsv", (".tsv",), lambda path, **kw: pd.read_csv(path, sep="\t")))

    registry = toolkit.PluginRegistry(entry_points=False)
    registry.register(TsvPlugin(), name="tsv")
    path = tmp_path / "s.tsv"
    path.write_text("text\thits\nhello\t3\n", encoding="utf-8")
    frame = toolkit.read_snippets(path, registry=registry)
    assert frame["text"].tolist() == ["hello"] and frame["hits"].tolist() == [3]
