"""Issue 16.1-16.7: hostile input files end in correct output, a clear error, or a documented skip with a warning."""

from __future__ import annotations

import warnings

import hostile_files as hf
import pandas as pd
import pytest

import toolkit
from toolkit import SnippetInputError, SnippetInputWarning
from toolkit.cli import main


def read_quietly(path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnippetInputWarning)
        return toolkit.read_snippets(path, **options)


# 16.1 ------------------------------------------------------------------------------------------
def test_invalid_utf8_in_jsonl_is_replaced_and_reported_on_the_fast_path_too(tmp_path):
    path = hf.write_invalid_utf8_jsonl(tmp_path)
    with pytest.warns(
        SnippetInputWarning, match=r"3 invalid utf-8 byte sequence\(s\) replaced by U\+FFFD \(first on line 1\)"
    ):
        frame = toolkit.read_snippets(path)
    assert frame.index.tolist() == ["a\ufffd", "b"]
    assert frame["text"].tolist() == ["caf\ufffd bad byte", "clean line"]
    assert frame["source"].tolist() == ["Yon\ufffdhap", "AP"]
    # what crashed dedup: Arrow's Unicode normalisation of the text
    assert frame["text"].str.normalize("NFKC").tolist() == frame["text"].tolist()


# 16.2 ------------------------------------------------------------------------------------------
def test_json_escaped_lone_surrogates_are_replaced_and_counted(tmp_path):
    path = hf.write_lone_surrogate_jsonl(tmp_path)
    with pytest.warns(SnippetInputWarning, match=r"2 lone surrogate\(s\).*replaced by U\+FFFD \(first on line 1\)"):
        frame = toolkit.read_snippets(path)
    assert frame["text"].tolist() == ["cut emoji \ufffd", "whole emoji \U0001f600", "low half first \ufffd then text"]


def test_lone_surrogate_in_a_json_array_file(tmp_path):
    with pytest.warns(SnippetInputWarning, match=r"1 lone surrogate"):
        frame = toolkit.read_snippets(hf.write_lone_surrogate_json(tmp_path))
    assert frame.loc["a", "text"] == "cut \ufffd"


def test_snippet_frame_replaces_lone_surrogates_in_every_string_column():
    with pytest.warns(SnippetInputWarning, match=r"4 lone surrogate\(s\)"):
        frame = toolkit.snippet_frame(
            [{"id": "i\udc00", "text": "\ud800 x", "source": "s\ud800", "note": "n\udfff"}, {"id": "j", "text": "ok"}]
        )
    assert frame.index.tolist() == ["i\ufffd", "j"]
    assert frame["text"].tolist() == ["\ufffd x", "ok"]
    assert frame.loc["i\ufffd", "source"] == "s\ufffd" and frame.loc["i\ufffd", "note"] == "n\ufffd"
    with pytest.warns(SnippetInputWarning, match="1 lone surrogate"):
        assert toolkit.snippet_frame(["\ud800 x"])["text"].tolist() == ["\ufffd x"]


# 16.3 ------------------------------------------------------------------------------------------
def test_txt_splits_only_at_real_line_breaks(tmp_path):
    frame = toolkit.read_snippets(hf.write_unicode_line_breaks_txt(tmp_path))
    assert frame.index.tolist() == ["s1", "s2", "s3"]
    assert frame["text"].tolist() == ["first\u2028still first", "second\x0cstill\x85second\u2029", "third\x0bend"]


def test_txt_line_endings_unix_windows_and_old_mac(tmp_path):
    frame = toolkit.read_snippets(hf.write_mixed_line_endings_txt(tmp_path))
    assert frame["text"].tolist() == ["unix", "windows", "old mac", "last"]
    assert frame.index.tolist() == ["s1", "s2", "s3", "s4"]


def test_jsonl_with_bom_and_raw_u2028_in_a_string(tmp_path):
    frame = toolkit.read_snippets(hf.write_bom_u2028_jsonl(tmp_path))
    assert frame["text"].tolist() == ["a\u2028b", "c"]


# 16.4 ------------------------------------------------------------------------------------------
def test_jsonl_ids_are_kept_exactly_as_written(tmp_path):
    with pytest.warns(SnippetInputWarning, match=r"1 id\(s\) start or end with spaces \(' a '\): kept exactly"):
        frame = toolkit.read_snippets(hf.write_ids_jsonl(tmp_path))
    assert frame.index.tolist() == [*hf.BIG_IDS, hf.UNSAFE_ID, "2", "2.50", " a "]


def test_integer_ids_on_the_fast_path_stay_integers_as_written(tmp_path):
    assert toolkit.read_snippets(hf.write_int_ids_jsonl(tmp_path)).index.tolist() == ["2", "10"]


def test_csv_ids_are_kept_exactly_as_written(tmp_path):
    with pytest.warns(SnippetInputWarning, match="kept exactly as written"):
        frame = toolkit.read_snippets(hf.write_ids_csv(tmp_path))
    assert frame.index.tolist() == ["007", " a ", *hf.BIG_IDS, "2"]


def test_json_file_ids_keep_their_number_tokens(tmp_path):
    path = tmp_path / "ids.json"
    path.write_text(f'[{{"id": {hf.BIG_IDS[0]}, "text": "a"}}, {{"id": 1.0, "text": "b"}}]', encoding="utf-8")
    assert toolkit.read_snippets(path).index.tolist() == [hf.BIG_IDS[0], "1.0"]


# 16.5 ------------------------------------------------------------------------------------------
def test_snippet_id_and_id_columns_both_kept(tmp_path):
    frame = toolkit.read_snippets(hf.write_both_id_columns_csv(tmp_path))
    assert frame.index.tolist() == ["x", "y"]
    assert frame["id"].tolist() == ["101", "102"]


def test_text_column_option_keeps_the_original_text_column(tmp_path):
    with pytest.warns(SnippetInputWarning, match=r"kept 'text' as 'text_original'"):
        frame = toolkit.read_snippets(hf.write_text_and_body_csv(tmp_path), text="body")
    assert frame["text"].tolist() == ["body one", "body two"]
    assert frame["text_original"].tolist() == ["headline one", "headline two"]


def test_id_option_keeps_a_snippet_id_column_aside():
    with pytest.warns(SnippetInputWarning, match=r"kept 'snippet_id' as 'snippet_id_original'"):
        frame = toolkit.snippet_frame([{"key": "k1", "snippet_id": "old", "text": "a"}], id="key")
    assert frame.index.tolist() == ["k1"] and frame["snippet_id_original"].tolist() == ["old"]


# 16.6 ------------------------------------------------------------------------------------------
@pytest.fixture
def word_count(fake_dists, monkeypatch):
    """A plugin of the test's own (the built-ins are tested in their own files), and only it loaded."""
    from conftest import GOOD_PLUGIN

    fake_dists({"toolkit-wordcount": ("wordcount", "tk_wordcount", GOOD_PLUGIN)})
    monkeypatch.setenv("TOOLKIT_LOAD_PLUGINS", "wordcount")
    toolkit.reset_registry()


def test_mixed_type_column_never_loses_a_finished_run(tmp_path, capsys, word_count):
    path = hf.write_mixed_type_column_jsonl(tmp_path)
    out = tmp_path / "out"
    code = main(["run", str(path), "--analyses", "word_count", "--out", str(out), "--quiet"])
    assert code == 0
    assert "column(s) 'extra' mix types the parquet format cannot hold; written as strings" in capsys.readouterr().err
    back = toolkit.Result.from_dir(out)
    assert back.snippets["extra"].tolist() == ["1", "z"]
    assert back.snippets["word_count"].tolist() == [1, 0]
    assert back.records[0].status == "ok"


# 16.7 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", ["utf-16", "utf-16-be-bom", "utf-32"])
def test_byte_order_marks_say_the_encoding(tmp_path, variant):
    frame = toolkit.read_snippets(hf.write_utf16(tmp_path, variant))
    assert frame["text"].tolist() == ["Séoul said 12 people died", "Second line"]


def test_utf16_without_bom_is_detected_with_a_warning(tmp_path):
    with pytest.warns(SnippetInputWarning, match="read as UTF-16-LE"):
        frame = toolkit.read_snippets(hf.write_utf16(tmp_path, "utf-16-le"))
    assert frame.index.tolist() == ["a", "b"]


def test_encoding_option_in_python_and_on_the_command_line(tmp_path, capsys, word_count):
    path = hf.write_latin1_txt(tmp_path)
    assert toolkit.read_snippets(path, encoding="latin-1")["text"].tolist() == ["Café in Zürich", "Naïve"]
    out = tmp_path / "out"
    args = ["run", str(path), "--encoding", "latin-1", "--analyses", "word_count", "--out", str(out), "--quiet"]
    assert main(args) == 0
    assert toolkit.Result.from_dir(out).snippets["text"].tolist() == ["Café in Zürich", "Naïve"]
    with pytest.raises(SnippetInputError, match="unknown encoding 'klingon'"):
        toolkit.read_snippets(path, encoding="klingon")


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "txt", "json"])
def test_gzipped_files_are_read_transparently(tmp_path, suffix):
    frame = toolkit.read_snippets(hf.write_gzipped(tmp_path, suffix))
    assert frame["text"].tolist() == ["first", "second"]


def test_parquet_is_unaffected(tmp_path):
    assert toolkit.read_snippets(hf.write_parquet(tmp_path)).index.tolist() == ["a", "b"]


def test_blank_jsonl_lines_are_counted(tmp_path):
    with pytest.warns(SnippetInputWarning, match=r"3 blank line\(s\) skipped"):
        frame = toolkit.read_snippets(hf.write_blank_lines_jsonl(tmp_path))
    assert frame["text"].tolist() == ["a", "b"]


def test_symlink_loop_and_broken_link_are_clear_errors(tmp_path, capsys, word_count):
    with pytest.raises(SnippetInputError, match="symbolic link loop"):
        toolkit.read_snippets(hf.write_symlink_loop(tmp_path))
    with pytest.raises(SnippetInputError, match="broken symbolic link"):
        toolkit.read_snippets(hf.write_broken_symlink(tmp_path))
    assert main(["run", str(tmp_path / "loop.jsonl"), "--out", str(tmp_path / "o")]) == 1
    assert "symbolic link loop" in capsys.readouterr().err


def test_a_device_is_refused():
    with pytest.raises(SnippetInputError, match="not a regular file"):
        toolkit.read_snippets("/dev/null", format="txt")


def test_every_row_kept_through_a_hostile_mix(tmp_path):
    """All the hostile files at once: no row lost, every text a valid UTF-8 string."""
    paths = [
        hf.write_invalid_utf8_jsonl(tmp_path),
        hf.write_lone_surrogate_jsonl(tmp_path),
        hf.write_unicode_line_breaks_txt(tmp_path),
        hf.write_ids_jsonl(tmp_path),
    ]
    frames = [read_quietly(p) for p in paths]
    assert [len(f) for f in frames] == [2, 3, 3, 6]
    for frame in frames:
        assert all(t.encode("utf-8") for t in frame["text"])
        assert isinstance(frame["text"].dtype, pd.StringDtype)


def test_csv_row_longer_than_the_header_is_an_error_not_an_index(tmp_path):
    with pytest.raises(SnippetInputError, match="malformed CSV: line 2 has 3 fields; the header has 2"):
        toolkit.read_snippets(hf.write_csv_first_row_longer_than_header(tmp_path))


def test_a_gz_name_without_gzip_data_is_a_clear_error(tmp_path):
    """Found by scripts/fuzz.py: a damaged .txt.gz was read as text, a few garbage snippets and a warning."""
    path = tmp_path / "damaged.txt.gz"
    path.write_bytes(b"\x1f\x83" + hf.write_gzipped(tmp_path, "txt").read_bytes()[2:])
    with pytest.raises(SnippetInputError, match=r"named \.gz but not gzip data"):
        toolkit.read_snippets(path)
