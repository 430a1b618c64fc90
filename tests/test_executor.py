"""The step executor: Arrow-native output checks, chunks and workers=N equal to one process."""

from __future__ import annotations

import itertools
import os
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import toolkit
from toolkit import AnalysisError, AnalysisSpec, ConfigError, Output
from toolkit.executor import WorkerPool, concat_outputs, is_member, tables_for_chunks
from toolkit.testing import news_frame, pipeline_for

# -- membership ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["string", "str", "object", pd.ArrowDtype(__import__("pyarrow").string())], ids=str)
def test_is_member_agrees_with_isin_and_treats_missing_as_absent(dtype):
    index = pd.Index(["a", "b", "c", "é", ""], dtype="string")
    values = pd.Series(["a", "x", None, "é", "", "c", "B"], dtype=dtype)
    expected = [True, False, False, True, True, True, False]
    assert is_member(values, index).tolist() == expected
    assert is_member(values.iloc[:0], index).tolist() == []


@given(ids=st.lists(st.text(max_size=4), unique=True, min_size=1, max_size=30), data=st.data())
def test_is_member_is_membership_for_any_strings(ids, data):
    values = data.draw(st.lists(st.one_of(st.none(), st.text(max_size=4), st.sampled_from(ids)), max_size=60))
    index = pd.Index(ids, dtype="string")
    got = is_member(pd.Series(values, dtype="string"), index)
    assert got.tolist() == [v is not None and v in set(ids) for v in values]


def test_is_member_on_non_string_ids():
    assert is_member(pd.Series([1, 5, 2]), pd.Index([1, 2, 3])).tolist() == [True, False, True]


def test_is_member_at_scale_equals_isin():
    rng = np.random.default_rng(0)
    index = pd.Index([f"id{i}" for i in range(5000)], dtype="string")
    values = pd.Series(rng.choice([f"id{i}" for i in range(6000)], 20000), dtype="string")
    assert (is_member(values, index) == values.isin(index).to_numpy()).all()


# -- chunks --------------------------------------------------------------------------------------


def test_tables_are_split_by_the_chunk_of_their_snippet():
    frame = toolkit.snippet_frame(["a", "b", "c", "d", "e"])
    table = pd.DataFrame({"snippet_id": pd.Series(["s5", "s1", None, "s3", "s1", "zz"], dtype="string"), "k": range(6)})
    parts = tables_for_chunks({"t": table}, frame, [(0, 2), (2, 4), (4, 5)])
    assert [p["t"]["k"].tolist() for p in parts] == [[1, 4], [3], [0]]
    assert all(p["t"].index.equals(pd.RangeIndex(len(p["t"]))) for p in parts)


def test_concatenated_parts_keep_the_dtypes_of_the_parts_with_rows():
    typed = pd.DataFrame({"snippet_id": pd.Series(["s1"], dtype="string"), "v": pd.Series([1.5], dtype="Float64")})
    empty = pd.DataFrame({"snippet_id": [], "v": []})
    out = concat_outputs([Output(tables={"t": empty}), Output(tables={"t": typed}), Output(tables={"t": typed})])
    assert out.tables["t"].dtypes.astype(str).tolist() == ["string", "Float64"]
    assert out.tables["t"].index.equals(pd.RangeIndex(2))


def test_chunk_bounds_cover_the_frame_and_leave_a_last_chunk_of_one_row():
    assert WorkerPool(2, chunk_size=8).bounds(41)[-2:] == [(32, 40), (40, 41)]
    assert WorkerPool(2).bounds(41) == [(0, 41)]  # a small frame is one chunk: it runs in process
    bounds = WorkerPool(2).bounds(20_001)
    assert len(bounds) == 8 and bounds[0] == (0, 2501) and bounds[-1] == (17507, 20001)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds)) and len(WorkerPool(2).bounds(3_000)) == 3
    assert WorkerPool(3).bounds(1) == [(0, 1)]


# -- workers=N equals workers=1 for every installed analysis ----------------------------------


def installed() -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sorted(toolkit.default_registry().analyses)


def assert_same_result(a: toolkit.Result, b: toolkit.Result) -> None:
    pd.testing.assert_frame_equal(a.snippets, b.snippets)
    assert list(a.tables) == list(b.tables)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], obj=f"table {name}")


CONFIG = {"timeline": {"reference_date": "2024-03-15"}}


@pytest.mark.parametrize("chunk_size", [8, pytest.param(20, marks=pytest.mark.slow)])
@pytest.mark.parametrize("name", installed())
def test_two_workers_give_the_same_tables_as_one_process(name, chunk_size):
    registry = toolkit.default_registry()
    if name == "stories" and registry.analysis(name).run_by_default is False:
        pytest.importorskip("sentence_transformers", reason="stories needs the [embeddings] extra")
    frame = news_frame(41)  # 41 = 5 x 8 + 1 = 2 x 20 + 1: the last chunk holds one row
    names = pipeline_for(name)
    config = {k: v for k, v in CONFIG.items() if k in names}
    one = toolkit.run(frame, names, config=config)
    two = toolkit.run(frame, names, config=config, workers=2, chunk_size=chunk_size)
    assert_same_result(one, two)


def test_all_default_analyses_with_workers_equal_one_process():
    frame = news_frame(120)
    one = toolkit.run(frame, config=CONFIG)
    two = toolkit.run(frame, config=CONFIG, workers=2, chunk_size=25)
    assert_same_result(one, two)


# -- split analyses and failures in workers -----------------------------------------------------


def count_words(frame, params, context):
    """extract: one row per word (the per-snippet half)."""
    rows = [(sid, w.lower()) for sid, text in frame["text"].dropna().items() for w in text.split()]
    return Output(tables={"_words": pd.DataFrame(rows, columns=["snippet_id", "word"])})


def word_totals(frame, params, context, extracted):
    """combine: how often each word occurs in the collection, on its first snippet."""
    words = extracted.tables["_words"]
    first = words.drop_duplicates("word").set_index("word")["snippet_id"]
    counts = words.groupby("word", sort=True).size()
    table = pd.DataFrame({"snippet_id": first.loc[counts.index].to_numpy(), "word": counts.index, "n": counts.values})
    return Output(tables={"word_totals": table})


WORD_TOTALS = AnalysisSpec(
    "word_totals",
    extract=count_words,
    combine=word_totals,
    scope="collection",
    tables={"word_totals": {"snippet_id": "string", "word": "string", "n": "Int64"}},
)


def test_a_split_analysis_extracts_per_chunk_and_combines_once():
    frame = news_frame(30)
    one = toolkit.Pipeline([WORD_TOTALS]).run(frame)
    two = toolkit.Pipeline([WORD_TOTALS]).run(frame, workers=2, chunk_size=7)
    assert_same_result(one, two)
    assert one["word_totals"]["n"].sum() == sum(len(t.split()) for t in frame["text"].dropna())


def fails_on_one_snippet(frame, params, context):
    if "n0005" in frame.index:
        raise ValueError("bad snippet n0005")
    return Output(columns=pd.DataFrame({"ok": True}, index=frame.index))


def exits_in_worker(frame, params, context):
    sys.exit(3)


def dies_in_worker(frame, params, context):
    os._exit(1)


@pytest.mark.parametrize(
    ("func", "message"),
    [
        (fails_on_one_snippet, "analysis 'flaky' \\(plugin '\\(unregistered\\)'\\) failed: ValueError: bad snippet"),
        (exits_in_worker, "analysis 'flaky' .* failed: SystemExit: 3"),
        (dies_in_worker, "analysis 'flaky' .* failed: BrokenProcessPool"),
    ],
)
def test_a_failure_in_a_worker_names_the_plugin_and_continue_keeps_the_rest(func, message):
    spec = AnalysisSpec("flaky", func, columns={"ok": "boolean"})
    frame = news_frame(20)
    with pytest.raises(AnalysisError, match=message):
        toolkit.Pipeline([spec]).run(frame, workers=2, chunk_size=5)
    result = toolkit.Pipeline([spec, WORD_TOTALS]).run(frame, workers=2, chunk_size=5, on_error="continue")
    assert [(r.analysis, r.status) for r in result.records] == [("flaky", "failed"), ("word_totals", "ok")]


def test_a_function_that_cannot_be_pickled_runs_in_process_with_a_warning():
    spec = AnalysisSpec(
        "local", lambda f, p, c: Output(columns=pd.DataFrame({"n": f["text"].str.len()})), columns={"n": "Int64"}
    )
    frame = news_frame(20)
    with pytest.warns(RuntimeWarning, match="analysis 'local' runs in this process"):
        two = toolkit.Pipeline([spec]).run(frame, workers=2, chunk_size=5)
    assert_same_result(toolkit.Pipeline([spec]).run(frame), two)


@pytest.mark.parametrize("workers", [0, -1, 1.5, True, "2"])
def test_bad_workers_is_a_config_error(workers):
    with pytest.raises(ConfigError, match="workers must be"):
        toolkit.run(["a"], [WORD_TOTALS], workers=workers)


def test_auto_workers_use_every_core_only_for_big_frames(monkeypatch):
    from toolkit import pipeline

    monkeypatch.setattr(pipeline, "available_cores", lambda: 6)
    assert pipeline._workers("auto", pipeline.AUTO_WORKERS_MIN_SNIPPETS - 1) == 1
    assert pipeline._workers("auto", pipeline.AUTO_WORKERS_MIN_SNIPPETS) == 6
    assert pipeline._workers(None, 10**7) == 1
    assert pipeline._workers(4, 3) == 3  # never more processes than snippets
    # a small frame with "auto" runs in this process and gives the one-process tables
    frame = news_frame(40)
    assert_same_result(toolkit.run(frame, ["figures"]), toolkit.run(frame, ["figures"], workers="auto"))


def test_the_command_line_takes_workers(tmp_path):
    from toolkit.cli import main

    source = tmp_path / "in.jsonl"
    news_frame(30).reset_index().drop(columns="published_at").to_json(source, orient="records", lines=True)
    for workers in ("1", "2", "auto"):
        assert (
            main(
                [
                    "run",
                    str(source),
                    "-a",
                    "figures",
                    "--workers",
                    workers,
                    "-q",
                    "-f",
                    "csv",
                    "-o",
                    str(tmp_path / workers),
                ]
            )
            == 0
        )
    assert (tmp_path / "1" / "figures.csv").read_bytes() == (tmp_path / "2" / "figures.csv").read_bytes()
    assert (tmp_path / "1" / "figures.csv").read_bytes() == (tmp_path / "auto" / "figures.csv").read_bytes()
    assert main(["run", str(source), "--workers", "0", "-q", "-o", str(tmp_path / "0")]) == 1
    with pytest.raises(SystemExit):
        main(["run", str(source), "--workers", "abc", "-q", "-o", str(tmp_path / "abc")])
