"""The same pipeline on Dask partitions gives the same rows as on one pandas frame."""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit
from toolkit.testing import SAMPLE_TEXTS

dd = pytest.importorskip("dask.dataframe")

from toolkit.distributed import run_dask  # noqa: E402

TEXTS = [t for t in SAMPLE_TEXTS if t] + [
    'Health officials said 35 people were killed on Tuesday. "It is a tragedy," the mayor said.',
    "Around 2,000 troops were moved to the border last week, according to the defence ministry.",
    "Health officials said 35 people were killed on Tuesday.",
    "The company reported a 12% rise in profit for 2023, its chief executive told reporters.",
]


def frame() -> pd.DataFrame:
    n = len(TEXTS)
    return toolkit.snippet_frame(
        pd.DataFrame(
            {
                "snippet_id": [f"d{i}" for i in range(n)],
                "text": TEXTS,
                "source": [f"outlet{i % 3}" for i in range(n)],
                "published_at": ["2024-03-05T08:00:00Z"] * n,
            }
        )
    )


def same_rows(a: pd.DataFrame, b: pd.DataFrame, key: str) -> None:
    a = a.sort_values(key).reset_index(drop=True)
    b = b.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)


@pytest.mark.parametrize("npartitions", [1, 3, 7])
@pytest.mark.parametrize("analyses", [["figures"], ["timeline"], ["attribution", "figures"], ["dedup"]])
def test_dask_matches_pandas_for_builtins(analyses, npartitions):
    registry = toolkit.default_registry()
    missing = [a for a in analyses if a not in registry.analyses]
    if missing:
        pytest.skip(f"not installed: {missing}")
    pdf = frame()
    config = {"timeline": {"reference_date": "2024-03-05"}} if "timeline" in analyses else None
    expected = toolkit.run(pdf, analyses, config=config)
    got = run_dask(dd.from_pandas(pdf, npartitions=npartitions), analyses, config=config).compute()
    pd.testing.assert_frame_equal(got.snippets.sort_index(), expected.snippets.sort_index(), check_dtype=False)
    assert set(got.tables) == set(expected.tables)
    for name, table in expected.tables.items():
        key = table.columns[0]
        same_rows(got.tables[name][table.columns], table, key)


def test_dask_needs_ids():
    pdf = pd.DataFrame({"text": ["a", "b"]})
    with pytest.raises(toolkit.SnippetInputError, match="needs snippet ids"):
        run_dask(dd.from_pandas(pdf, npartitions=2), ["figures"])


def test_ids_repeated_across_partitions_are_an_error_naming_them():
    pdf = pd.DataFrame({"snippet_id": ["a", "b", "c", "a", "d", "c"], "text": ["x y"] * 6})
    lazy = run_dask(dd.from_pandas(pdf, npartitions=3, sort=False), ["figures"])
    with pytest.raises(toolkit.SnippetInputError, match=r"2 snippet id\(s\) occur in more than one partition.*'a'"):
        lazy.compute()


SEEN_BY_EXTRACT: list[int] = []


def words_extract(frame, params, context):
    SEEN_BY_EXTRACT.append(len(frame))
    rows = [(sid, w) for sid, text in frame["text"].dropna().items() for w in text.split()]
    return toolkit.Output(tables={"_words": pd.DataFrame(rows, columns=["snippet_id", "word"])})


def words_combine(frame, params, context, extracted):
    words = extracted.tables["_words"]
    n = words.groupby("word").size()
    table = words.drop_duplicates("word").assign(n=lambda t: t["word"].map(n).astype("Int64"))
    return toolkit.Output(tables={"vocabulary": table.reset_index(drop=True)})


SPLIT = toolkit.AnalysisSpec(
    "vocabulary",
    extract=words_extract,
    combine=words_combine,
    scope="collection",
    tables={"vocabulary": {"snippet_id": "string", "word": "string", "n": "Int64"}},
)


@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_a_split_analysis_extracts_per_partition_and_equals_pandas(npartitions):
    dask = pytest.importorskip("dask")
    pdf = frame()
    expected = toolkit.Pipeline([SPLIT]).run(pdf)
    lazy = run_dask(dd.from_pandas(pdf, npartitions=npartitions), [SPLIT])
    SEEN_BY_EXTRACT.clear()  # building the graph ran it once on an empty frame (for the output shapes)
    with dask.config.set(scheduler="sync"):
        got = lazy.compute()
    assert len(SEEN_BY_EXTRACT) == npartitions and sum(SEEN_BY_EXTRACT) == len(pdf)
    assert 1 in SEEN_BY_EXTRACT or npartitions < 7  # 7 partitions of 11 rows: some hold one row
    same_rows(got.tables["vocabulary"], expected["vocabulary"], "word")


def test_an_empty_partition_changes_nothing():
    dask = pytest.importorskip("dask")
    pdf = frame()
    expected = toolkit.run(pdf, ["attribution", "figures"])
    parts = [pdf.iloc[:4], pdf.iloc[0:0], pdf.iloc[4:5], pdf.iloc[5:]]
    ddf = dd.from_delayed([dask.delayed(p) for p in parts], meta=pdf.iloc[0:0], verify_meta=False)
    got = run_dask(ddf, ["attribution", "figures"]).compute()
    pd.testing.assert_frame_equal(got.snippets.sort_index(), expected.snippets.sort_index(), check_dtype=False)
    for name, table in expected.tables.items():
        same_rows(got.tables[name][table.columns], table, table.columns[0])
