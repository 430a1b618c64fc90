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


@pytest.mark.parametrize("analyses", [["figures"], ["timeline"], ["attribution", "figures"], ["dedup"]])
def test_dask_matches_pandas_for_builtins(analyses):
    registry = toolkit.default_registry()
    missing = [a for a in analyses if a not in registry.analyses]
    if missing:
        pytest.skip(f"not installed: {missing}")
    pdf = frame()
    config = {"timeline": {"reference_date": "2024-03-05"}} if "timeline" in analyses else None
    expected = toolkit.run(pdf, analyses, config=config)
    got = run_dask(dd.from_pandas(pdf, npartitions=3), analyses, config=config).compute()
    pd.testing.assert_frame_equal(got.snippets.sort_index(), expected.snippets.sort_index(), check_dtype=False)
    assert set(got.tables) == set(expected.tables)
    for name, table in expected.tables.items():
        key = table.columns[0]
        same_rows(got.tables[name][table.columns], table, key)


def test_dask_needs_ids():
    pdf = pd.DataFrame({"text": ["a", "b"]})
    with pytest.raises(toolkit.SnippetInputError, match="needs snippet ids"):
        run_dask(dd.from_pandas(pdf, npartitions=2), ["figures"])
