"""Result: table access, summaries, the to_dir/from_dir round trip and escaped HTML."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import toolkit
from toolkit import AnalysisSpec, Output


def everything(frame, params, context):
    table = pd.DataFrame(
        {
            "snippet_id": frame.index[:2],
            "n": pd.array([1, None], dtype="Int64"),
            "score": pd.array([0.5, None], dtype="Float64"),
            "flag": pd.array([True, None], dtype="boolean"),
            "label": pd.array(["<b>x</b>", None], dtype="string"),
            "when": pd.to_datetime(["2024-12-26T10:00Z", None], utc=True),
            "aliases": [["NIS", "spy agency"], []],
        }
    )
    return Output(columns=pd.DataFrame({"mark": frame["text"].str.len() > 3}), tables={"stuff": table})


SPEC = AnalysisSpec(
    "everything",
    everything,
    columns={"mark": "boolean"},
    tables={
        "stuff": {
            "snippet_id": "string",
            "n": "Int64",
            "score": "Float64",
            "flag": "boolean",
            "label": "string",
            "when": "datetime64[ns, UTC]",
            "aliases": "object",
        }
    },
)


@pytest.fixture
def result():
    frame = toolkit.snippet_frame(
        [
            {"id": "a", "text": "<script>alert(1)</script> said", "source": "AP", "published_at": "2024-12-27"},
            {"id": "b", "text": "", "source": None},
            {"id": "c", "text": 'line\nbreak, "quoted" \\N', "extra": 3},
        ]
    )
    return toolkit.Pipeline([SPEC]).run(frame)


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_to_dir_round_trips_every_dtype(tmp_path, result, fmt):
    out = result.to_dir(tmp_path / "out", format=fmt)
    assert sorted(p.name for p in out.iterdir()) == sorted(["manifest.json", f"snippets.{fmt}", f"stuff.{fmt}"])
    back = toolkit.Result.from_dir(out)
    pd.testing.assert_frame_equal(back.snippets, result.snippets)
    pd.testing.assert_frame_equal(back["stuff"], result["stuff"])
    assert [r.status for r in back.records] == ["ok"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tables"]["stuff"]["rows"] == 2


def test_unknown_format_and_non_result_dir(tmp_path, result):
    with pytest.raises(toolkit.ToolkitError, match="unknown format 'xlsx'"):
        result.to_dir(tmp_path, format="xlsx")
    with pytest.raises(toolkit.ToolkitError, match=r"no manifest.json"):
        toolkit.Result.from_dir(tmp_path)


def test_mapping_access_and_summary(result):
    assert list(result) == ["stuff"] and result["snippets"] is result.snippets
    summary = result.summary()
    assert summary.loc[0, ["analysis", "status", "rows_in", "rows_out"]].tolist() == ["everything", "ok", 3, "stuff=2"]
    with pytest.raises(KeyError, match="no table 'claims' in this result \\(tables: snippets, stuff\\)"):
        result["claims"]


def test_html_display_escapes_snippet_text(result):
    page = result._repr_html_()
    assert "<script>" not in page and "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "everything" in page


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_any_text_survives_the_round_trip(tmp_path_factory, fmt):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    # CSV writes missing values as \N (PostgreSQL's convention): a cell that is exactly "\N" is
    # the one text CSV cannot keep apart from missing; Parquet and JSON Lines keep everything.
    # Line breaks of every kind (a lone "\r" once split a CSV row in two) are drawn often on purpose.
    breaks = st.sampled_from(["\r", "\n", "\r\n", "\u2028", '"', ",", "\\N "])
    texts = st.lists(st.one_of(st.text(max_size=20), breaks), max_size=5).map("".join).filter(lambda t: t != "\\N")

    @settings(max_examples=25, deadline=None)
    @given(st.lists(st.one_of(st.none(), texts), min_size=1, max_size=6))
    def check(values):
        frame = toolkit.snippet_frame(pd.DataFrame({"text": pd.Series(values, dtype="object")}))
        result = toolkit.Result(frame)
        out = result.to_dir(tmp_path_factory.mktemp("rt"), format=fmt)
        pd.testing.assert_frame_equal(toolkit.Result.from_dir(out).snippets, frame)

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", toolkit.SnippetInputWarning)
        check()
