"""Every default analysis is safe to run from several threads and processes at once (issue 12.1).

Each installed default analysis (with the analyses providing the tables it requires) runs over
~200 news-like snippets (``toolkit.testing.news_frame``: varied figures, quotes, dates, repeated
wire reports) from 8 threads started together, and every thread's tables must equal a
single-threaded run's, row for row. The same pipeline then runs through ``run_dask`` under Dask's
threaded and processes schedulers and on a ``distributed`` LocalCluster (when installed), equal
up to row order. A shared,
cached extractor that keeps per-call state in ``self`` loses or mixes rows here.
"""

from __future__ import annotations

import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

import toolkit
from toolkit.testing import news_frame, pipeline_for

THREADS = 8
ROUNDS = 3
CONFIG = {"timeline": {"reference_date": "2024-03-15"}}


def default_analyses() -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        registry = toolkit.default_registry()
    return sorted(name for name, spec in registry.analyses.items() if spec.run_by_default)


# Analyses known to fail this check today, with the reason; strict, so a fix turns the case red
# until its entry is removed here.
KNOWN_UNSAFE: dict[str, str] = {}


def cases() -> list:
    return [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_UNSAFE[name]))
        if name in KNOWN_UNSAFE
        else name
        for name in default_analyses()
    ]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return news_frame(200)


def run(frame: pd.DataFrame, names: list) -> toolkit.Result:
    config = {k: v for k, v in CONFIG.items() if k in names}
    return toolkit.run(frame, names, config=config)


def assert_same_tables(got: toolkit.Result, expected: toolkit.Result, who: str) -> None:
    pd.testing.assert_frame_equal(got.snippets, expected.snippets, obj=f"{who}: snippets")
    assert list(got.tables) == list(expected.tables), who
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(got.tables[name], table, obj=f"{who}: table {name}")


@pytest.fixture
def frequent_thread_switches():
    """Switch threads every microsecond (default: 5 ms), so that a race shows up in a short test.

    With it, the shared figures extractor of the baseline mixed rows in ~2 of 3 rounds of 8 threads
    over these snippets (without it in ~1 of 6).
    """
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def in_threads(frame: pd.DataFrame, names: list) -> list[toolkit.Result]:
    """``ROUNDS`` x ``THREADS`` runs of the same pipeline, each round's threads started together."""
    results = []
    for _ in range(ROUNDS):
        start = threading.Barrier(THREADS)

        def one_thread(_: int, start: threading.Barrier = start) -> toolkit.Result:
            start.wait()  # all threads enter the analyses together
            return run(frame, names)

        with ThreadPoolExecutor(THREADS) as pool:
            results.extend(pool.map(one_thread, range(THREADS)))
    return results


@pytest.mark.parametrize("name", cases())
def test_eight_threads_at_once_give_the_single_threaded_tables(name, frame, frequent_thread_switches):
    names = pipeline_for(name)
    expected = run(frame, names)
    assert sum(len(t) for t in expected.tables.values()) + len(expected.snippets.columns) > 0
    for i, got in enumerate(in_threads(frame, names)):
        assert_same_tables(got, expected, f"{name}, run {i} (round {i // THREADS}, thread {i % THREADS})")


class SharedExtractor:
    """What the harness must catch: one cached object keeping the current snippet in ``self``."""

    def __init__(self) -> None:
        self.current = ""

    def lengths(self, frame: pd.DataFrame) -> list[int]:
        out = []
        for text in frame["text"].fillna("").tolist():
            self.current = text
            time.sleep(0.0005)  # another thread runs here and overwrites self.current
            out.append(len(self.current))
        return out


SHARED = SharedExtractor()
UNSAFE = toolkit.AnalysisSpec(
    "unsafe_lengths",
    lambda frame, params, context: toolkit.Output(
        columns=pd.DataFrame({"length": SHARED.lengths(frame)}, index=frame.index)
    ),
    columns={"length": "Int64"},
)


def test_the_harness_catches_an_extractor_that_keeps_state_in_self(frame, frequent_thread_switches):
    expected = run(frame.iloc[:60], [UNSAFE])
    results = in_threads(frame.iloc[:60], [UNSAFE])
    assert any(not got.snippets.equals(expected.snippets) for got in results)


def canonical(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` in a row order that does not depend on how it was computed."""
    keys = ["\x1f".join(map(repr, row)) for row in table.itertuples(index=False)]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return table.iloc[order].reset_index(drop=True)


@pytest.fixture(scope="module")
def local_cluster():
    """A ``distributed`` LocalCluster of 2 worker processes with 2 threads each (for the module)."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=2, dashboard_address=None) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        yield client


@pytest.mark.parametrize(
    "scheduler",
    ["threads", pytest.param("processes", marks=pytest.mark.slow), pytest.param("distributed", marks=pytest.mark.slow)],
)
@pytest.mark.parametrize("name", cases())
def test_dask_schedulers_give_the_pandas_tables(name, scheduler, frame, request):
    dask = pytest.importorskip("dask")
    dd = pytest.importorskip("dask.dataframe")
    names = pipeline_for(name)
    expected = run(frame, names)
    config = {k: v for k, v in CONFIG.items() if k in names}
    lazy = toolkit.run_dask(dd.from_pandas(frame, npartitions=4), names, config=config)
    chosen = request.getfixturevalue("local_cluster") if scheduler == "distributed" else scheduler
    with dask.config.set(scheduler=chosen):
        got = lazy.compute()
    pd.testing.assert_frame_equal(got.snippets.loc[expected.snippets.index], expected.snippets, check_dtype=False)
    assert set(got.tables) == set(expected.tables)
    for table_name, table in expected.tables.items():
        pd.testing.assert_frame_equal(
            canonical(got.tables[table_name][table.columns]),
            canonical(table),
            check_dtype=False,
            obj=f"{name} on dask {scheduler}: table {table_name}",
        )


def test_the_default_registry_is_loaded_once_when_threads_ask_together():
    toolkit.reset_registry()
    start = threading.Barrier(THREADS)

    def ask(_: int) -> int:
        start.wait()
        return id(toolkit.default_registry())

    with ThreadPoolExecutor(THREADS) as pool:
        assert len(set(pool.map(ask, range(THREADS)))) == 1
