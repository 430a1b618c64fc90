"""dedup's distributed plan (``combine_dask``) gives the pandas run's clusters, ids and table.

Real-looking news snippets with wire copies, outlet tails that name the collection's own sources,
cut-offs, figures that disagree, missing and empty texts; partitions of 1, 3 and 7, one empty,
one of a single row, copies of one text from 50 outlets spread over every partition.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pandas as pd
import pytest

import toolkit

dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

from toolkit_dedup import dask_plan  # noqa: E402

from toolkit.distributed import run_dask  # noqa: E402

# Missing texts are part of the input on purpose: the frame's warning about them is expected.
pytestmark = pytest.mark.filterwarnings("ignore::toolkit.frame.SnippetInputWarning")

LEADS = [
    "Quake toll rises to {n} as rescuers search collapsed buildings in the capital",
    "Central bank raises interest rates by {n} basis points to fight inflation",
    "Port workers begin strike over pay after talks with {n} employers collapse",
    "Wildfire forces {n} families to leave their homes near the coast",
    "Minister resigns after report finds {n} contracts were awarded without tender",
    "Storm cuts power to {n} homes as winds reach record speeds overnight",
]
OUTLETS = [f"Outlet {k}" for k in range(12)]


def corpus(n_stories: int = 6, seed: int = 3) -> pd.DataFrame:
    """Wire copies and their variants: outlet tails, prefixes, cut-offs, other figures, NA and empty."""
    rng = random.Random(seed)
    rows: list[tuple[str | None, str | None, str | None]] = []
    for s, lead in enumerate(LEADS[:n_stories]):
        figure = 10 + 7 * s
        text = lead.format(n=figure)
        for k in range(rng.randint(4, 9)):
            outlet = rng.choice(OUTLETS)
            variant = rng.randrange(6)
            if variant == 0:
                t = text
            elif variant == 1:
                t = f"{text} - {outlet}"  # a tail naming one of the collection's sources
            elif variant == 2:
                t = f"UPDATE {k}-{text}"
            elif variant == 3:
                t = " ".join(text.split()[: rng.randint(5, 8)]) + "..."
            elif variant == 4:
                t = text.replace(str(figure), str(figure + 3))  # another figure: never the same cluster
            else:
                t = text + ", officials said on Monday"
            rows.append((t, outlet, f"2024-03-{1 + k % 9:02d}T0{k % 10}:00:00Z"))
    rows += [(None, "Outlet 1", None), ("", "Outlet 2", "2024-03-02T00:00:00Z"), ("Hi", None, None)]
    rows += [("Unrelated snippet about a football final won on penalties", None, None)]
    rng.shuffle(rows)
    return frame(rows)


def frame(rows: list[tuple[str | None, str | None, str | None]]) -> pd.DataFrame:
    return toolkit.snippet_frame(
        pd.DataFrame(
            {
                "snippet_id": [f"n{i:03d}" for i in range(len(rows))],
                "text": [r[0] for r in rows],
                "source": [r[1] for r in rows],
                "published_at": [r[2] for r in rows],
            }
        )
    )


def partitions(pdf: pd.DataFrame, n: int) -> object:
    """``n`` partitions of consecutive rows; with n > 2 the first holds one row and the second none."""
    if n <= 2:
        return dd.from_pandas(pdf, npartitions=n, sort=False)
    cuts = [0, 1, 1, *np.linspace(1, len(pdf), n - 1).astype(int)[1:].tolist()]
    parts = [pdf.iloc[a:b] for a, b in itertools.pairwise(cuts)]
    return dd.from_delayed([dask.delayed(p) for p in parts], meta=pdf.iloc[:0], verify_meta=False)


def assert_same(pdf: pd.DataFrame, npartitions: int, config: dict | None = None) -> toolkit.Result:
    expected = toolkit.run(pdf, ["dedup"], config=config)
    with dask.config.set(scheduler="sync"):
        got = run_dask(partitions(pdf, npartitions), ["dedup"], config=config).compute()
    cols = expected.snippets.columns
    pd.testing.assert_frame_equal(got.snippets.sort_index()[cols], expected.snippets.sort_index(), check_dtype=False)
    table = expected["clusters"]
    pd.testing.assert_frame_equal(
        got["clusters"][table.columns].sort_values("cluster_id").reset_index(drop=True),
        table.sort_values("cluster_id").reset_index(drop=True),
        check_dtype=False,
    )
    return expected


@pytest.mark.parametrize("level", ["near", "exact"])
@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_dask_plan_gives_the_pandas_clusters(level, npartitions):
    result = assert_same(corpus(), npartitions, {"dedup": {"level": level}})
    sizes = result["clusters"]["size"]
    assert sizes.max() >= 4  # the corpus really has copies to group


def test_the_plan_is_used_and_each_combine_sees_whole_components(monkeypatch):
    seen: list[int] = []
    original = dask_plan._combine_part

    def spy(part, params):
        seen.append(len(part))
        return original(part, params)

    monkeypatch.setattr(dask_plan, "_combine_part", spy)
    pdf = corpus()
    assert_same(pdf, 3)
    real = [n for n in seen if n]
    assert len(real) >= 2 and sum(real) == len(pdf)  # spread over partitions, every row once


def test_identical_texts_from_50_outlets_in_every_partition_are_one_cluster():
    text = "Government announces 12 billion dollar plan to rebuild flooded towns in the north"
    rows = [(text if i % 2 else f"{text} - Outlet {i}", f"Outlet {i}", None) for i in range(50)]
    rows += [(f"Other news item number {w} about a local council vote", "Outlet 1", None) for w in "abcdef"]
    pdf = frame(rows)
    result = assert_same(pdf, 7)
    big = result["clusters"].sort_values("size").iloc[-1]
    assert big["size"] == 50 and big["n_sources"] == 50


def test_missing_and_empty_texts_stay_alone_in_every_partitioning():
    rows = [(None, None, None), ("", "A", None), (None, "B", None), ("Short", None, None)]
    rows += [("Floods close schools across the region as rivers burst their banks", s, None) for s in "CDE"]
    pdf = frame(rows)
    result = assert_same(pdf, 7)
    snippets = result.snippets
    assert snippets.loc[snippets["text"].isna(), "cluster_id"].nunique() == snippets["text"].isna().sum()


def test_a_single_row_and_an_empty_collection():
    assert_same(frame([("Floods close schools across the region", "A", None)]), 1)
    empty = frame([("x", "A", None)]).iloc[:0]
    with dask.config.set(scheduler="sync"):
        got = run_dask(dd.from_pandas(empty, npartitions=1), ["dedup"]).compute()
    assert len(got.snippets) == 0 and len(got["clusters"]) == 0


def test_candidate_components_join_prefixes_and_band_buckets():
    edges = pd.DataFrame({"a": np.array([5, 9, 7], dtype=np.uint64), "b": np.array([9, 11, 3], dtype=np.uint64)})
    labels = dask_plan.edge_components(edges).set_index(dask_plan.NODE)[dask_plan.LABEL]
    assert labels.to_dict() == {3: 3, 5: 5, 7: 3, 9: 5, 11: 5}


def assert_same_stories(pdf: pd.DataFrame, npartitions: int, analyses: list[str]) -> toolkit.Result:
    expected = toolkit.run(pdf, analyses)
    with dask.config.set(scheduler="sync"):
        got = run_dask(partitions(pdf, npartitions), analyses).compute()
    pd.testing.assert_series_equal(
        got.snippets["story_id"].sort_index(), expected.snippets["story_id"].sort_index(), check_dtype=False
    )
    table = expected["stories"]
    pd.testing.assert_frame_equal(
        got["stories"][table.columns].sort_values("story_id").reset_index(drop=True),
        table.sort_values("story_id").reset_index(drop=True),
        check_dtype=False,
    )
    return expected


def stories_corpus() -> pd.DataFrame:
    """Three events told in several ways by several outlets, copies, unrelated items, NA and empty."""
    reports = {
        "quake": [
            "Earthquake of magnitude 7.1 strikes off the coast of Sumatra, Indonesia",
            "Indonesia quake: rescuers search rubble in Sumatra after magnitude 7.1 tremor",
            "Death toll from Sumatra earthquake rises to 69, Indonesian officials say",
            "Tsunami warning lifted after Sumatra earthquake, Indonesia agency says",
        ],
        "ecb": [
            "European Central Bank cuts interest rates for the first time since 2019",
            "ECB lowers its deposit rate as inflation in the euro zone slows",
            "Lagarde says the ECB rate cut is not the start of a series of cuts",
        ],
        "strike": [
            "Dock workers in Rotterdam strike over pay, halting container traffic",
            "Rotterdam port strike enters second day as unions reject pay offer",
            "Shipping lines divert vessels as Rotterdam dock strike continues",
        ],
    }
    rows: list[tuple[str | None, str | None, str | None]] = []
    for k, texts in enumerate(reports.values()):
        for i, text in enumerate(texts):
            for outlet in OUTLETS[: 2 + (i + k) % 3]:
                rows.append((text, outlet, f"2024-05-0{1 + i}T1{k}:00:00Z"))
    rows += [("Local bakery wins prize for the best sourdough in the county", "Outlet 3", None)]
    rows += [(None, "Outlet 1", None), ("", None, None), ("Ok", "Outlet 2", None)]
    random.Random(5).shuffle(rows)
    return frame(rows)


@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_stories_plan_gives_the_pandas_stories(npartitions):
    result = assert_same_stories(stories_corpus(), npartitions, ["dedup", "stories"])
    assert result["stories"]["size"].max() >= 6  # real stories were found, not only singletons


def test_stories_plan_without_dedup_and_on_the_wire_corpus():
    assert_same_stories(stories_corpus(), 3, ["stories"])
    assert_same_stories(corpus(), 7, ["dedup", "stories"])
