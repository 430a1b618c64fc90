"""Issue 16.10-16.13 and 11.4: what a result folder holds, and that it reads back exactly or not at all."""

from __future__ import annotations

import json
import math
import os
import warnings

import hostile_files as hf
import pandas as pd
import pytest

import toolkit
from toolkit import Result
from toolkit.cli import main
from toolkit.storage import ResultReadError


def result_with(texts, **tables):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "1 snippet.s. have no text", toolkit.SnippetInputWarning)
        frame = toolkit.snippet_frame(pd.DataFrame({"text": pd.Series(texts, dtype="object")}))
    return Result(frame, tables)


@pytest.fixture
def word_count(fake_dists, monkeypatch):
    """A plugin of the test's own, and only it loaded (the built-ins have their own tests)."""
    from conftest import GOOD_PLUGIN

    fake_dists({"toolkit-wordcount": ("wordcount", "tk_wordcount", GOOD_PLUGIN)})
    monkeypatch.setenv("TOOLKIT_LOAD_PLUGINS", "wordcount")
    toolkit.reset_registry()


# 16.10 -----------------------------------------------------------------------------------------
def test_csv_cells_that_start_a_formula_get_an_apostrophe_and_come_back_exactly(tmp_path):
    result = result_with(hf.FORMULA_TEXTS)
    out = result.to_dir(tmp_path / "out", format="csv")
    cells = pd.read_csv(out / "snippets.csv", keep_default_na=False)["text"].tolist()
    assert cells == ["'" + t if t[0] in "=+-@\t\r'" else t for t in hf.FORMULA_TEXTS]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    pd.testing.assert_frame_equal(Result.from_dir(out).snippets, result.snippets)


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_other_formats_keep_formula_text_exact(tmp_path, fmt):
    result = result_with(hf.FORMULA_TEXTS)
    out = result.to_dir(tmp_path / "out", format=fmt)
    if fmt == "jsonl":
        written = [json.loads(line)["text"] for line in (out / "snippets.jsonl").read_text().splitlines()]
        assert written == hf.FORMULA_TEXTS
    pd.testing.assert_frame_equal(Result.from_dir(out).snippets, result.snippets)


def test_formula_escape_covers_column_names_and_every_text_table(tmp_path):
    table = pd.DataFrame({"snippet_id": ["s1"], "=cmd": pd.array(["@x"], dtype="string")})
    out = result_with(["a"], stuff=table).to_dir(tmp_path / "out", format="csv")
    assert (out / "stuff.csv").read_text().splitlines() == ['"snippet_id","\'=cmd"', '"s1","\'@x"']
    pd.testing.assert_frame_equal(Result.from_dir(out)["stuff"], table)


# 16.11 + 11.4 ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_tricky_values_round_trip_in_every_format(tmp_path, fmt):
    texts = [*hf.TRICKY_TEXTS, None]
    values = pd.DataFrame(
        {
            "snippet_id": [f"s{i}" for i in range(1, 5)],
            "value": pd.array([math.inf, -math.inf, None, 1e-300], dtype="Float64"),
            "raw": [math.inf, -math.inf, math.nan, 0.1 + 0.2],
            "count": pd.array([2**62, None, 0, -1], dtype="Int64"),
        }
    )
    result = result_with(texts, values=values)
    back = Result.from_dir(result.to_dir(tmp_path / "out", format=fmt))
    pd.testing.assert_frame_equal(back.snippets, result.snippets)
    pd.testing.assert_frame_equal(back["values"], values)
    assert back.snippets.loc["s1", "text"] == "\\N" and back.snippets.loc["s2", "text"] == ""
    assert pd.isna(back.snippets.loc[f"s{len(texts)}", "text"])


def test_csv_missing_is_an_empty_cell_and_an_empty_string_is_quoted(tmp_path):
    out = result_with(["", None, "\\N"]).to_dir(tmp_path / "out", format="csv")
    raw = (out / "snippets.csv").read_text()
    assert raw.splitlines()[1:] == ['"s1","",,,,', '"s2",,,,,', '"s3","\\N",,,,']
    plain = pd.read_csv(out / "snippets.csv")  # what a user's plain pandas shows
    assert "\\N" not in plain.drop(index=2).astype(str).to_numpy().ravel().tolist()
    assert plain["source"].isna().all() and plain.loc[2, "text"] == "\\N"
    back = Result.from_dir(out).snippets["text"]
    assert back.iloc[0] == "" and pd.isna(back.iloc[1]) and back.iloc[2] == "\\N"


def test_a_row_whose_only_cell_is_missing_is_kept_in_csv(tmp_path):
    """Found by the property test over declared tables: such a row is an empty line, which CSV readers skip."""
    table = pd.DataFrame({"snippet_id": pd.array([None, "s1", None], dtype="string")})
    out = result_with(["a"], one_column=table).to_dir(tmp_path / "out", format="csv")
    pd.testing.assert_frame_equal(Result.from_dir(out)["one_column"], table)


# 16.12 -----------------------------------------------------------------------------------------
def test_refuses_a_folder_that_is_not_a_previous_output(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.docx").write_text("years of work")
    with pytest.raises(toolkit.ToolkitError, match=r"refusing to replace .*not a previous output \(thesis.docx\)"):
        result_with(["a"]).to_dir(folder)
    assert os.listdir(folder) == ["thesis.docx"]
    result_with(["a"], t=pd.DataFrame({"snippet_id": ["s1"]})).to_dir(folder, overwrite=True)
    assert sorted(os.listdir(folder)) == ["manifest.json", "snippets.parquet", "t.parquet", "thesis.docx"]
    # told again: the earlier output's tables go (no stale t.parquet), the user's file never does
    result_with(["b"]).to_dir(folder, format="csv", overwrite=True)
    assert sorted(os.listdir(folder)) == ["manifest.json", "snippets.csv", "thesis.docx"]
    assert Result.from_dir(folder).snippets["text"].tolist() == ["b"]


def test_writing_into_the_empty_working_directory_keeps_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = result_with(["a"]).to_dir(".")
    assert out == tmp_path and sorted(os.listdir(".")) == ["manifest.json", "snippets.parquet"]
    assert Result.from_dir(".").snippets["text"].tolist() == ["a"]


def test_refuses_a_previous_output_with_files_added_to_it(tmp_path):
    out = result_with(["a"]).to_dir(tmp_path / "out")
    (out / "notes.txt").write_text("mine")
    with pytest.raises(toolkit.ToolkitError, match=r"files the manifest does not list \(notes.txt\)"):
        result_with(["a"]).to_dir(out)


def test_replacing_a_previous_output_leaves_no_stale_tables(tmp_path):
    table = pd.DataFrame({"snippet_id": ["s1"], "n": pd.array([1], dtype="Int64")})
    out = result_with(["a"], old_table=table).to_dir(tmp_path / "out", format="csv")
    result_with(["b"]).to_dir(out, format="jsonl")
    assert sorted(os.listdir(out)) == ["manifest.json", "snippets.jsonl"]
    assert [p for p in os.listdir(tmp_path) if p != "out"] == []  # no temporary folder left
    assert Result.from_dir(out).snippets["text"].tolist() == ["b"]


def test_killed_mid_write_leaves_the_previous_output_whole(tmp_path, monkeypatch):
    import toolkit.storage as storage

    out = result_with(["old"]).to_dir(tmp_path / "out", format="csv")
    before = {p: (out / p).read_bytes() for p in os.listdir(out)}
    real = storage._write_table
    calls = []

    def dies_on_the_second_table(table, file, fmt, name):
        calls.append(name)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(table, file, fmt, name)

    monkeypatch.setattr(storage, "_write_table", dies_on_the_second_table)
    extra = pd.DataFrame({"snippet_id": ["s1"]})
    with pytest.raises(KeyboardInterrupt):
        result_with(["new"], extra=extra).to_dir(out, format="csv")
    assert {p: (out / p).read_bytes() for p in os.listdir(out)} == before
    assert sorted(os.listdir(tmp_path)) == ["out"]
    assert Result.from_dir(out).snippets["text"].tolist() == ["old"]


def test_a_changed_file_or_row_count_is_a_clear_error(tmp_path):
    out = result_with(["first", "second"]).to_dir(tmp_path / "out", format="jsonl")
    data = (out / "snippets.jsonl").read_text()
    (out / "snippets.jsonl").write_text(data.replace("second", "SECOND"))
    with pytest.raises(ResultReadError, match=r"snippets\.jsonl .* does not match its manifest"):
        Result.from_dir(out)
    (out / "snippets.jsonl").write_text(data)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["tables"]["snippets"]["rows"] = 3
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ResultReadError, match="has 2 rows; its manifest says 3"):
        Result.from_dir(out)


def test_cli_refuses_before_running_and_overwrites_when_told(tmp_path, capsys, word_count):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "keep.txt").write_text("x")
    seed = tmp_path / "s.txt"
    seed.write_text("one\ntwo\n")
    assert main(["run", str(seed), "--analyses", "nope", "--out", str(folder)]) == 1
    assert "refusing to replace" in capsys.readouterr().err  # checked before the analyses are even looked up
    assert main(["run", str(seed), "--analyses", "word_count", "--out", str(folder), "--overwrite", "--quiet"]) == 0
    assert Result.from_dir(folder).snippets["text"].tolist() == ["one", "two"]
    assert (folder / "keep.txt").read_text() == "x"


# 16.13 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["../../escaped", "snippets", "Upper", "a/b", "", "with space", "1abc"])
def test_table_names_must_be_identifiers(tmp_path, name):
    with pytest.raises(toolkit.ToolkitError, match="must be a lower-case identifier"):
        result_with(["a"], **{name: pd.DataFrame({"snippet_id": ["s1"]})}).to_dir(tmp_path / "out")
    assert not (tmp_path / "out").exists() and not (tmp_path.parent / "escaped.parquet").exists()


@pytest.mark.parametrize("file", ["../../etc/hostname", "/etc/hostname", "..", "sub/x.parquet"])
def test_manifest_paths_stay_inside_the_folder(tmp_path, file):
    out = result_with(["a"], t=pd.DataFrame({"snippet_id": ["s1"]})).to_dir(tmp_path / "out")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["tables"]["t"]["file"] = file
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ResultReadError, match="outside the folder"):
        Result.from_dir(out)


def test_a_symlinked_table_file_pointing_outside_is_refused(tmp_path):
    out = result_with(["a"], t=pd.DataFrame({"snippet_id": ["s1"]})).to_dir(tmp_path / "out")
    (out / "t.parquet").rename(tmp_path / "elsewhere.parquet")
    (out / "t.parquet").symlink_to(tmp_path / "elsewhere.parquet")
    with pytest.raises(ResultReadError, match="resolves outside the folder"):
        Result.from_dir(out)
