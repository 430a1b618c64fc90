"""Dask in and out (issue 12): snippet files as a Dask collection, ``DaskResult.to_dir`` as
partitioned Parquet read back by ``Result.from_dir`` and as Dask, ``snippets run --dask``, and a
worker killed mid-run (retried: complete output; killed every time: a loud failure, no output)."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import toolkit
from toolkit.cli import main
from toolkit.testing import news_frame

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")

from toolkit.dask_io import read_result_dask, read_snippets_dask  # noqa: E402
from toolkit.dask_plan import collections_config  # noqa: E402
from toolkit.distributed import run_dask  # noqa: E402

CONFIG = {"timeline": {"reference_date": "2024-03-15"}}
ANALYSES = ["attribution", "figures", "timeline"]


def canonical(table: pd.DataFrame) -> pd.DataFrame:
    keys = ["\x1f".join(map(repr, row)) for row in table.itertuples(index=False)]
    return table.iloc[sorted(range(len(keys)), key=keys.__getitem__)].reset_index(drop=True)


def assert_same_result(got: toolkit.Result, expected: toolkit.Result, check_dtype: bool = True) -> None:
    pd.testing.assert_frame_equal(got.snippets.loc[expected.snippets.index], expected.snippets, check_dtype=check_dtype)
    assert set(got.tables) == set(expected.tables)
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(
            canonical(got.tables[name][table.columns]), canonical(table), check_dtype=check_dtype, obj=name
        )


def installed(names: list[str]) -> list[str]:
    registry = toolkit.default_registry()
    missing = [n for n in names if n not in registry.analyses]
    if missing:
        pytest.skip(f"not installed: {missing}")
    return names


def lazy_run(frame: pd.DataFrame, n: int, analyses: list) -> object:
    with collections_config():
        ddf = dd.from_pandas(frame, npartitions=n, sort=False)
    return run_dask(ddf, analyses, config={k: v for k, v in CONFIG.items() if k in analyses})


# -- to_dir ---------------------------------------------------------------------------------------
def test_to_dir_writes_partitioned_parquet_read_back_by_pandas_and_dask(tmp_path):
    frame = news_frame(50)
    names = installed(ANALYSES)
    expected = toolkit.run(frame, names, config=CONFIG)
    out = tmp_path / "out"
    with dask.config.set(scheduler="sync"):
        written = lazy_run(frame, 3, names).to_dir(out)
        as_dask = read_result_dask(out)
        assert_same_result(as_dask.compute(), expected)
    assert written == out and sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary folder left
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["layout"] == "partitioned" and set(manifest["tables"]) == {"snippets", *expected.tables}
    for name, meta in manifest["tables"].items():
        assert len(meta["parts"]) == 3 and sum(p["rows"] for p in meta["parts"]) == meta["rows"]
        assert sorted(p.name for p in (out / name).iterdir()) == [p["file"] for p in meta["parts"]]
    assert as_dask.snippets.npartitions == 3
    assert_same_result(toolkit.Result.from_dir(out), expected)


def test_to_dir_follows_the_storage_conventions(tmp_path):
    frame = news_frame(20)
    lazy = lazy_run(frame, 2, installed(["figures"]))
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with dask.config.set(scheduler="sync"):
        with pytest.raises(toolkit.ToolkitError, match="refusing to replace"):
            lazy.to_dir(foreign)
        lazy.to_dir(foreign, overwrite=True)  # written into it; the user's file stays
        assert (foreign / "notes.txt").read_text() == "mine" and (foreign / "manifest.json").exists()
        lazy.to_dir(foreign, overwrite=True)  # and again: the previous parts are replaced
        previous = tmp_path / "previous"
        lazy.to_dir(previous)
        lazy.to_dir(previous)  # a previous output is replaced as a whole without overwrite
    assert len(toolkit.Result.from_dir(foreign).snippets) == len(frame)
    (previous / "figures" / "part.00001.parquet").write_bytes(b"changed")
    with pytest.raises(toolkit.ResultReadError, match="does not match its manifest"):
        toolkit.Result.from_dir(previous)


def failing(frame, params, context):
    if len(frame):
        raise ValueError("this analysis fails on real rows")
    return toolkit.Output(columns=pd.DataFrame({"x": pd.Series([], dtype="Int64")}, index=frame.index))


FAILING = toolkit.AnalysisSpec("failing", failing, columns={"x": "Int64"})


def test_a_failing_run_leaves_no_output_folder(tmp_path):
    lazy = lazy_run(news_frame(20), 2, [FAILING])
    with pytest.raises(toolkit.AnalysisError, match="fails on real rows"), dask.config.set(scheduler="sync"):
        lazy.to_dir(tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


# -- reading snippet files as Dask ----------------------------------------------------------------
def write_inputs(folder: Path, frame: pd.DataFrame) -> None:
    folder.mkdir()
    frame.iloc[:15].reset_index().to_parquet(folder / "a.parquet")
    frame.iloc[15:30].reset_index().to_json(folder / "b.jsonl", orient="records", lines=True, date_format="iso")
    frame.iloc[30:].reset_index().to_parquet(folder / "c.parquet")


def test_read_snippets_dask_reads_a_folder_or_a_glob_keeping_ids(tmp_path):
    frame = news_frame(40)
    write_inputs(tmp_path / "in", frame)
    (tmp_path / "in" / ".hidden").write_text("not a snippet file")
    ddf = toolkit.read_snippets_dask(tmp_path / "in")
    assert ddf.npartitions == 3
    with pytest.warns(toolkit.SnippetInputWarning, match="no text"):  # news_frame's missing text, reported once
        got = ddf.compute(scheduler="sync")
    assert sorted(got.index) == sorted(frame.index)
    pd.testing.assert_series_equal(got.loc[frame.index, "text"], frame["text"], check_dtype=False)
    assert read_snippets_dask(str(tmp_path / "in" / "*.parquet")).npartitions == 2
    with pytest.raises(toolkit.SnippetInputError, match="no snippet files"):
        read_snippets_dask(tmp_path / "nothing-*.jsonl")


def test_files_without_ids_get_ids_named_after_the_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("x.txt", "y.txt"):
        (folder / name).write_text("Officials said 3 people died.\nThe minister said 12% more.\n")
    pd.DataFrame({"text": ["Prices rose 3%."]}).to_json(folder / "z.jsonl", orient="records", lines=True)
    got = read_snippets_dask(folder).compute()
    assert list(got.index) == ["x.txt:s1", "x.txt:s2", "y.txt:s1", "y.txt:s2", "z.jsonl:1"]


# -- the command line ---------------------------------------------------------------------------------
def test_snippets_run_dask_writes_what_the_pandas_run_gives(tmp_path, capsys):
    frame = news_frame(40)
    names = installed(ANALYSES)
    write_inputs(tmp_path / "in", frame)
    out = tmp_path / "out"
    args = ["run", "--dask", "--scheduler", "synchronous", str(tmp_path / "in"), "--out", str(out)]
    code = main([*args, "--analyses", ",".join(names), "--set", "timeline.reference_date=2024-03-15"])
    assert code == 0, capsys.readouterr().err
    assert "partitioned Parquet" in capsys.readouterr().err
    expected = toolkit.run(frame, names, config=CONFIG)
    assert_same_result(toolkit.Result.from_dir(out), expected, check_dtype=False)
    assert main([*args, "--format", "csv"]) == 1
    assert "--dask writes partitioned Parquet only" in capsys.readouterr().err


# -- a worker killed mid-run --------------------------------------------------------------------------
@dataclass(frozen=True)
class KillParams:
    marker: str = ""
    every_time: bool = False


def kill_once(frame, params, context):
    """Kills its worker process the first time it sees rows (or every time)."""
    if len(frame) and (params.every_time or not os.path.exists(params.marker)):
        Path(params.marker).write_text("killed")
        os._exit(1)
    return toolkit.Output(columns=pd.DataFrame({"n_chars": frame["text"].str.len()}, index=frame.index))


KILLER = toolkit.AnalysisSpec("killer", kill_once, params=KillParams, columns={"n_chars": "Int64"})


@pytest.fixture
def process_cluster():
    distributed = pytest.importorskip("distributed")
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test file
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as client,  # the default scheduler inside (not via dask.config: a
    ):  # Client in the config cannot be pickled to the nanny restarting a killed worker)
        yield client
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def test_a_killed_worker_is_retried_and_the_output_is_complete(tmp_path, process_cluster):
    frame = news_frame(30)
    marker = tmp_path / "killed"
    config = {"killer": {"marker": str(marker)}}
    with collections_config():
        lazy = run_dask(dd.from_pandas(frame, npartitions=2, sort=False), [KILLER], config=config)
    lazy.to_dir(tmp_path / "out")
    assert marker.exists()  # a worker did die
    got = toolkit.Result.from_dir(tmp_path / "out")
    assert sorted(got.snippets.index) == sorted(frame.index)
    assert got.snippets.loc[frame.index, "n_chars"].tolist() == frame["text"].str.len().tolist()


def test_a_worker_killed_every_time_fails_loudly_and_leaves_no_output(tmp_path, process_cluster):
    distributed = pytest.importorskip("distributed")
    config = {"killer": {"marker": str(tmp_path / "killed"), "every_time": True}}
    with collections_config():
        lazy = run_dask(dd.from_pandas(news_frame(30), npartitions=2, sort=False), [KILLER], config=config)
    with pytest.raises(distributed.KilledWorker):
        lazy.to_dir(tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["killed"]  # no temporary folder either
