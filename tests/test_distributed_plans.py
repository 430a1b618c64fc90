"""run_dask's distributed kinds of steps (issue 12): ``combine_by``, ``combine_dask``, the layout.

Toy analyses declared here prove the framework on its own (whatever the built-in plugins declare
today): a ``combine_by`` analysis (split, reading an earlier table, order-dependent per group), a
``combine_by`` one that is not split, and a ``combine_dask`` one (shuffle by word, a document
frequency). Each must give the pandas tables, up to row order, on 1, 3 and 7 partitions with an
empty partition, a one-row partition and a snippet with every column missing, on the synchronous
scheduler and on a ``distributed`` LocalCluster. Every default analysis gets the same check.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

import toolkit
from toolkit.testing import news_frame

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")

from toolkit.dask_plan import (  # noqa: E402
    DaskOutput,
    DaskStep,
    collections_config,
    disk_shuffle_method,
    gather_small,
    join_back,
    partition_of,
    shuffle_by,
)
from toolkit.distributed import run_dask  # noqa: E402

TOPICS = ["economy", "health", None, "war", "sport"]


def topic_frame(n: int = 40) -> pd.DataFrame:
    """news_frame with a ``topic`` column (some missing) and one snippet missing every column but its id."""
    frame = news_frame(n).copy()
    frame["topic"] = pd.Series([TOPICS[i % len(TOPICS)] for i in range(n)], index=frame.index, dtype="string")
    blank = frame.iloc[:1].copy()
    blank.index = pd.Index(["blank"], name="snippet_id", dtype="string")
    for column in blank.columns:
        blank[column] = pd.Series([pd.NA], index=blank.index, dtype=frame[column].dtype)
    return pd.concat([frame.iloc[: n // 2], blank, frame.iloc[n // 2 :]])


def partitioned(frame: pd.DataFrame, n: int) -> object:
    """``n`` partitions of consecutive rows: the first holds one row, one is empty (when n > 2)."""
    if n == 1:
        parts = [frame]
    else:
        cuts = [0, 1, *np.linspace(1, len(frame), n - 1, dtype=int)[1:].tolist()]
        parts = [frame.iloc[a:b] for a, b in itertools.pairwise(cuts)]
        parts.insert(len(parts) // 2, frame.iloc[0:0])
    assert len(parts) == n and sum(map(len, parts)) == len(frame)
    with collections_config():
        return dd.from_delayed([dask.delayed(p) for p in parts], meta=frame.iloc[0:0], verify_meta=False)


def canonical(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` in a row order that does not depend on how it was computed."""
    keys = ["\x1f".join(map(repr, row)) for row in table.itertuples(index=False)]
    return table.iloc[sorted(range(len(keys)), key=keys.__getitem__)].reset_index(drop=True)


def assert_same_result(got: toolkit.Result, expected: toolkit.Result) -> None:
    pd.testing.assert_frame_equal(got.snippets.loc[expected.snippets.index], expected.snippets, check_dtype=False)
    assert set(got.tables) == set(expected.tables)
    for name, table in expected.tables.items():
        pd.testing.assert_frame_equal(
            canonical(got.tables[name][table.columns]), canonical(table), check_dtype=False, obj=f"table {name}"
        )


# -- toy analyses -----------------------------------------------------------------------------------
def letters_func(frame, params, context):
    """A row analysis: letters per snippet (a table the grouped analysis reads)."""
    n = frame["text"].fillna("").str.len()
    return toolkit.Output(tables={"letters": pd.DataFrame({"snippet_id": frame.index, "n_letters": n.to_numpy()})})


LETTERS = toolkit.AnalysisSpec(
    "letters", letters_func, tables={"letters": {"snippet_id": "string", "n_letters": "Int64"}}
)


def topic_extract(frame, params, context):
    words = frame["text"].fillna("").str.split().str.len()
    long = frame.index[words.to_numpy() > 12]
    return toolkit.Output(
        columns=pd.DataFrame({"n_words": words.astype("Int64")}, index=frame.index),
        tables={"long": pd.DataFrame({"snippet_id": long, "flag": True})},
    )


def topic_combine(frame, params, context, extracted):
    """Per topic: the snippets' order within it, and a row naming the topic's first snippet."""
    topic = frame["topic"].astype(object).where(frame["topic"].notna(), "<none>")
    rank = topic.groupby(topic, sort=False).cumcount()
    letters = context.table("letters").set_index("snippet_id")["n_letters"]
    words = extracted.columns["n_words"]
    long = set(extracted.tables["long"]["snippet_id"])
    rows = []
    for value, ids in topic.groupby(topic, sort=False).groups.items():
        rows.append(
            {
                "topic_id": f"topic:{value}",
                "snippet_id": ids[0],
                "n_snippets": len(ids),
                "n_words": int(words.loc[ids].fillna(0).sum()),
                "n_letters": int(letters.reindex(ids).fillna(0).sum()),
                "n_long": sum(i in long for i in ids),
            }
        )
    columns = pd.DataFrame({"topic_rank": rank.astype("Int64")}, index=frame.index)
    table = pd.DataFrame(rows, columns=["topic_id", "snippet_id", "n_snippets", "n_words", "n_letters", "n_long"])
    return toolkit.Output(columns=columns, tables={"topics": table})


TOPICS_SPEC = toolkit.AnalysisSpec(
    "topics",
    extract=topic_extract,
    combine=topic_combine,
    scope="collection",
    requires=("text", "topic"),
    requires_tables=("letters",),
    combine_by="topic",
    columns={"topic_rank": "Int64"},
    tables={
        "topics": {
            "topic_id": "string",
            "snippet_id": "string",
            "n_snippets": "Int64",
            "n_words": "Int64",
            "n_letters": "Int64",
            "n_long": "Int64",
        }
    },
)


def topic_size_func(frame, params, context):
    size = frame.groupby("topic", dropna=False)["topic"].transform("size")
    return toolkit.Output(columns=pd.DataFrame({"topic_size": size.astype("Int64")}, index=frame.index))


TOPIC_SIZE = toolkit.AnalysisSpec(
    "topic_size",
    topic_size_func,
    scope="collection",
    requires=("topic",),
    combine_by="topic",
    columns={"topic_size": "Int64"},
)


def words_extract(frame, params, context):
    pairs = [(sid, w) for sid, text in frame["text"].dropna().items() for w in set(text.lower().split())]
    return toolkit.Output(tables={"words": pd.DataFrame(pairs, columns=["snippet_id", "word"])})


def vocabulary(words: pd.DataFrame) -> pd.DataFrame:
    """Per word: its document frequency and its smallest snippet id (deterministic in any order)."""
    out = words.groupby("word", sort=False).agg(n=("snippet_id", "nunique"), snippet_id=("snippet_id", "min"))
    return out.reset_index()[["word", "snippet_id", "n"]]


def rare_counts(vocab: pd.DataFrame) -> pd.DataFrame:
    """Per snippet: how many of its words occur in no other snippet (snippets without any: no row)."""
    rare = vocab[vocab["n"] == 1]
    return rare.groupby("snippet_id").size().to_frame("n_rare")


def words_combine(frame, params, context, extracted):
    vocab = vocabulary(extracted.tables["words"])
    return toolkit.Output(columns=rare_counts(vocab), tables={"vocabulary": vocab})


VOCAB_META = pd.DataFrame({"word": pd.Series([], dtype=object), "snippet_id": pd.Series([], dtype=object), "n": 0})


def words_plan(step: DaskStep) -> DaskOutput:
    """The distributed plan: words shuffled by word, counted per partition, rare ones counted by snippet."""
    vocab = shuffle_by(step.extracted["words"], "word").map_partitions(vocabulary, meta=VOCAB_META)
    rare = vocab[vocab["n"] == 1].groupby("snippet_id").size(split_out=step.npartitions)  # a shuffle, not a gather
    return DaskOutput(columns=rare.to_frame("n_rare"), tables={"vocabulary": vocab})


WORDS_SPEC = toolkit.AnalysisSpec(
    "doc_freq",
    extract=words_extract,
    combine=words_combine,
    scope="collection",
    combine_dask=words_plan,
    columns={"n_rare": "Int64"},
    tables={"vocabulary": {"word": "string", "snippet_id": "string", "n": "Int64"}},
)

TOYS = [LETTERS, TOPICS_SPEC, TOPIC_SIZE, WORDS_SPEC]


# -- the toy analyses: pandas == Dask -------------------------------------------------------------
@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_combine_by_and_combine_dask_equal_pandas(npartitions):
    frame = topic_frame()
    expected = toolkit.Pipeline(TOYS).run(frame)
    assert expected["topics"]["topic_id"].str.contains("<none>").any()  # the missing-topic group exists
    lazy = run_dask(partitioned(frame, npartitions), TOYS)
    assert lazy.gathered == []
    with dask.config.set(scheduler="sync"):
        assert_same_result(lazy.compute(), expected)


COMBINED: list[int] = []


def counting_combine(frame, params, context, extracted):
    COMBINED.append(len(frame))
    return topic_combine(frame, params, context, extracted)


def test_combine_by_never_sees_the_whole_collection():
    import dataclasses

    spec = dataclasses.replace(TOPICS_SPEC, combine=counting_combine, func=None)
    frame = pd.concat([topic_frame(40)] * 1).assign(topic=lambda f: f.index.str[-1:].astype("string"))
    lazy = run_dask(partitioned(frame, 5), [LETTERS, spec])
    COMBINED.clear()
    with dask.config.set(scheduler="sync"):
        got = lazy.compute()
    assert sum(COMBINED) == len(frame) and max(COMBINED) < len(frame)  # 11 topics over 5 group partitions
    assert_same_result(got, toolkit.Pipeline([LETTERS, spec]).run(frame))


SEEN: dict[str, DaskStep] = {}


def spy_plan(step: DaskStep) -> DaskOutput:
    SEEN["step"] = step
    return words_plan(step)


def test_a_plan_gets_collections_and_its_rows_are_checked_against_the_declaration():
    import dataclasses

    spec = dataclasses.replace(WORDS_SPEC, combine_dask=spy_plan)
    lazy = run_dask(partitioned(topic_frame(), 3), [LETTERS, spec])
    step = SEEN["step"]
    assert isinstance(step, DaskStep) and step.npartitions == 3 and step.analysis == "doc_freq"
    assert step.snippets._meta.index.name == "snippet_id" and set(step.extracted) == {"columns", "words"}
    with dask.config.set(scheduler="sync"):
        got = lazy.compute()
    assert str(got["vocabulary"]["n"].dtype) == "Int64"  # cast to the declared dtype
    assert got.snippets["n_rare"].isna().any()  # snippets the plan gave no row: NA


def bad_plan(step: DaskStep) -> DaskOutput:
    with collections_config():
        wrong = dd.from_pandas(pd.DataFrame({"snippet_id": ["nope"], "word": ["x"], "n": [1]}), npartitions=1)
    return DaskOutput(columns=words_plan(step).columns, tables={"vocabulary": wrong})


def test_a_plan_naming_unknown_snippets_is_an_output_contract_error():
    import dataclasses

    spec = dataclasses.replace(WORDS_SPEC, combine_dask=bad_plan)
    lazy = run_dask(partitioned(topic_frame(), 3), [spec])
    with (
        pytest.raises(toolkit.OutputContractError, match=r"vocabulary.*not in the frame"),
        dask.config.set(scheduler="sync"),
    ):
        lazy.compute()


def size_or_topic_size(frame, params, context):
    if "topic" not in frame.columns:  # like figure_comparison without stories: one group
        return toolkit.Output(columns=pd.DataFrame({"topic_size": len(frame)}, index=frame.index, dtype="Int64"))
    return topic_size_func(frame, params, context)


def test_combine_by_a_column_nobody_made_falls_back_to_the_gathered_collection_and_says_so():
    import dataclasses

    spec = dataclasses.replace(TOPIC_SIZE, func=size_or_topic_size, requires=())
    frame = topic_frame().drop(columns=["topic"])
    expected = toolkit.Pipeline([spec]).run(frame)
    lazy = run_dask(partitioned(frame, 3), [spec])
    assert lazy.gathered == ["topic_size"]
    with dask.config.set(scheduler="sync"):
        assert_same_result(lazy.compute(), expected)


def test_the_spec_fields_are_validated():
    with pytest.raises(toolkit.SpecError, match="scope='collection'"):
        toolkit.AnalysisSpec("a", letters_func, combine_by="topic").validate()
    with pytest.raises(toolkit.SpecError, match="not both"):
        toolkit.AnalysisSpec("a", letters_func, scope="collection", combine_by="x", combine_dask=words_plan).validate()
    with pytest.raises(toolkit.SpecError, match="module-level function"):
        toolkit.AnalysisSpec("a", letters_func, scope="collection", combine_dask=lambda step: None).validate()
    with pytest.raises(toolkit.SpecError, match="must name a snippet column"):
        toolkit.AnalysisSpec("a", letters_func, scope="collection", combine_by="").validate()
    TOPICS_SPEC.validate()
    WORDS_SPEC.validate()


# -- helpers for plan authors -------------------------------------------------------------------------
def test_partition_of_is_stable_and_the_same_for_an_index_and_a_series():
    ids = ["a", "b", None, "c", "n0001"]
    where = partition_of(pd.Index(ids, dtype="string"), 7)
    assert where.tolist() == partition_of(pd.Series(ids, dtype=object), 7).tolist()
    assert where[2] == 0 and ((where >= 0) & (where < 7)).all()
    assert partition_of(pd.Index(["n0001"]), 7)[0] == where[4]


def test_shuffle_by_gather_small_and_join_back():
    frame = topic_frame()
    with collections_config():
        ddf = dd.from_pandas(frame[["topic"]], npartitions=4)
        shuffled = shuffle_by(ddf.reset_index(), "topic")
        parts = [p.compute() for p in shuffled.to_delayed()]
        small = gather_small(dd.from_pandas(pd.DataFrame({"topic": ["war", "health"], "w": [1, 2]}), npartitions=2))
        joined = join_back(ddf, small, on="topic").compute()
    owners = {}
    for i, part in enumerate(parts):
        for value in part["topic"].astype(object).where(part["topic"].notna(), "<none>").unique():
            assert owners.setdefault(value, i) == i  # every value in one partition
    assert small.npartitions == 1
    assert joined.index.name == "snippet_id" and sorted(joined.index) == sorted(frame.index)
    assert (joined.loc[frame.index[frame["topic"] == "war"], "w"] == 1).all()


def test_shuffle_on_disk_gives_the_task_shuffles_partitions_under_a_distributed_client():
    """``shuffle_by(..., on_disk=True)``: Dask's ``p2p`` shuffle for plain numbers and text under a
    distributed client, the task shuffle otherwise; either way the same rows in the same partitions, in
    the same order, with the same dtypes (text stays Python ``str`` in object columns)."""
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(4)
    pdf = pd.DataFrame(
        {
            "key": rng.integers(0, 300, 5_000).astype(np.uint64),
            "b": rng.integers(0, 2**62, 5_000).astype(np.uint64),
            "q": rng.integers(-9, 9, 5_000),
            "ok": rng.random(5_000) < 0.5,
            "text": pd.Series([f"unit é{i % 97}" for i in range(5_000)], dtype=object),
        }
    )
    with collections_config():
        ddf = dd.from_pandas(pdf, npartitions=7)
        ddf = dd.concat([ddf, dd.from_pandas(pdf.iloc[:0], npartitions=1)])  # an empty partition too
    assert disk_shuffle_method(pdf) == "tasks"  # no distributed client
    tasks = dask.compute(*shuffle_by(ddf, "key").to_delayed(), scheduler="sync")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as c,
        distributed.Client(c, set_as_default=False) as client,
        dask.config.set(scheduler=client),
    ):
        assert disk_shuffle_method(pdf) == "p2p"
        assert disk_shuffle_method(pdf.astype({"q": "Int64"})) == "tasks"  # nullable: not plain numbers
        assert disk_shuffle_method(pdf.set_index(pdf["key"].astype(str))) == "tasks"  # text index
        on_disk = dask.compute(*shuffle_by(ddf, "key", on_disk=True).to_delayed())
    assert sum(len(p) for p in on_disk) == len(pdf)
    for expected, got in zip(tasks, on_disk, strict=True):
        pd.testing.assert_frame_equal(got, expected)


# -- every default analysis ---------------------------------------------------------------------------
CONFIG = {"timeline": {"reference_date": "2024-03-15"}}


def default_analyses() -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        registry = toolkit.default_registry()
    return [name for name, spec in registry.analyses.items() if spec.run_by_default]


@pytest.fixture(scope="module")
def threaded_cluster():
    """A ``distributed`` LocalCluster in this process (threads), for the module."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as c,
        distributed.Client(c, set_as_default=False) as client,
    ):
        yield client


@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_every_default_analysis_on_a_local_cluster_equals_pandas(npartitions, threaded_cluster):
    frame = topic_frame(60).drop(columns=["topic"])
    names = default_analyses()
    expected = toolkit.run(frame, names, config=CONFIG)
    lazy = run_dask(partitioned(frame, npartitions), names, config=CONFIG)
    with dask.config.set(scheduler=threaded_cluster):
        assert_same_result(lazy.compute(), expected)


# -- bad input ------------------------------------------------------------------------------------------
def test_ids_repeated_across_and_within_partitions_are_reported_with_their_partitions():
    frame = topic_frame(20)
    parts = [frame.iloc[:8], frame.iloc[5:12], frame.iloc[12:]]  # n0005..n0007 in partitions 0 and 1
    with collections_config():
        ddf = dd.from_delayed([dask.delayed(p) for p in parts], meta=frame.iloc[:0], verify_meta=False)
    lazy = run_dask(ddf, [LETTERS])
    with (
        pytest.raises(toolkit.SnippetInputError, match=r"3 snippet id\(s\).*'n0005' \(partitions 0, 1\)"),
        dask.config.set(scheduler="sync"),
    ):
        lazy.compute()


def test_one_row_and_a_single_partition_of_one_row():
    frame = topic_frame(20).iloc[:1]
    expected = toolkit.Pipeline(TOYS).run(frame)
    with dask.config.set(scheduler="sync"):
        assert_same_result(run_dask(partitioned(frame, 1), TOYS).compute(), expected)
