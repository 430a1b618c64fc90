"""dedup's distributed plan (``combine_dask``) gives the pandas run's clusters, ids and table.

Real-looking news snippets with wire copies, outlet tails that name the collection's own sources,
cut-offs, figures that disagree, missing and empty texts; partitions of 1, 3 and 7, one empty,
one of a single row, copies of one text from 50 outlets spread over every partition.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from toolkit_dedup.embeddings import cosine_pairs, register_encoder

import toolkit

dd = pytest.importorskip("dask.dataframe")
dask = pytest.importorskip("dask")

from toolkit_dedup import dask_plan, dask_semantic  # noqa: E402

from toolkit.dask_plan import collections_config  # noqa: E402
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


def assert_same(
    pdf: pd.DataFrame, npartitions: int, config: dict | None = None, scheduler: Any = "sync"
) -> toolkit.Result:
    expected = toolkit.run(pdf, ["dedup"], config=config)
    with dask.config.set(scheduler=scheduler):
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


def assert_same_stories(
    pdf: pd.DataFrame, npartitions: int, analyses: list[str], config: dict | None = None
) -> toolkit.Result:
    expected = toolkit.run(pdf, analyses, config=config)
    with dask.config.set(scheduler="sync"):
        got = run_dask(partitions(pdf, npartitions), analyses, config=config).compute()
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


@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_stories_plan_with_common_terms_gives_the_pandas_stories(npartitions):
    """``block_cap=2``: most terms are "common" (held by more units than the cap), so the pairs fan out
    and their cosines need both sides' heavy weights, joined by unit hash in two shuffles; a low
    threshold keeps many links, so the pairs dropped early (no heavy weights on side ``a``, below the
    threshold) and the ones kept are both exercised; 2 neighbours a unit: side ``b``'s ranking sees only
    its best links as side ``b`` (the rest cannot make its top 2)."""
    config = {"stories": {"block_cap": 2, "lexical_threshold": 0.03, "lexical_neighbours": 2}}
    result = assert_same_stories(stories_corpus(), npartitions, ["dedup", "stories"], config)
    assert result["stories"]["size"].max() >= 3


def test_stories_pairs_by_hash_refuse_a_hash_shared_by_two_units():
    sides = pd.DataFrame(
        {"key": np.array([7, 7], dtype=np.uint64), "unit": ["p1", "p2"], "heavy": [{}, {}]}, index=[0, 1]
    )
    with pytest.raises(RuntimeError, match="share a 64-bit hash"):
        dask_plan._side_rows(np.array([7], dtype=np.uint64), sides)
    with pytest.raises(RuntimeError, match="missing"):
        dask_plan._side_rows(np.array([8], dtype=np.uint64), sides.iloc[:1])


def test_stories_plan_without_dedup_and_on_the_wire_corpus():
    assert_same_stories(stories_corpus(), 3, ["stories"])
    assert_same_stories(corpus(), 7, ["dedup", "stories"])


# --- fact / paraphrase: the distributed semantic level (toolkit_dedup.dask_semantic) ----------------


def _bag_of_words(texts):
    """A deterministic stand-in for the sentence encoder (no torch): each text's vector never depends
    on the other texts of a batch, so pandas and Dask see the same bits."""
    import zlib

    out = np.zeros((len(texts), 256), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in str(t).lower().split():
            out[i, zlib.crc32(w.strip(".,:").encode()) % 256] += 1
    return out


register_encoder("bow-dask", _bag_of_words)

#: Low enough bars that the bag-of-words encoder merges reports of one event in other words.
FACT = {"level": "fact", "model": "bow-dask", "fact_threshold": 0.35, "fact_guard": 0.4, "fact_candidate": 0.2}


def fact_corpus() -> pd.DataFrame:
    """The wire corpus and the several-wordings corpus together, plus figure conflicts in other words."""
    wire, told = corpus(), stories_corpus()
    told = told.set_axis(pd.Index(["t" + str(i) for i in told.index], name=told.index.name))
    extra = frame(
        [
            ("Rescuers search collapsed buildings in the capital as the quake toll climbs to 72", "Outlet 4", None),
            ("Quake toll climbs to 72 while rescuers search collapsed buildings", "Outlet 5", None),
            ("Central bank lifts interest rates by 17 basis points in a fight against inflation", "Outlet 6", None),
            ("Record winds cut power to homes across the north as the storm reaches the coast", "Outlet 7", None),
            ("As the storm reaches the coast, record winds cut power to homes across the north", "Outlet 8", None),
            ("Dock strike: unions reject the new pay offer from port employers", "Outlet 9", None),
            ("Port employers see their new pay offer rejected by unions in the dock strike", "Outlet 10", None),
        ]
    )
    extra = extra.set_axis(pd.Index(["x" + str(i) for i in extra.index], name=extra.index.name))
    return pd.concat([wire, told, extra])


@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_fact_level_on_dask_gives_the_pandas_clusters(npartitions):
    result = assert_same(fact_corpus(), npartitions, {"dedup": FACT})
    assert (result.snippets["match"] == "fact").sum() >= 3  # merges in other words really happen


@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_fact_level_with_the_inverted_file_gives_the_pandas_clusters(npartitions):
    # Few clusters allowed in the all-pairs block: the seeded k-means cells decide the candidates.
    config = {"dedup": {**FACT, "exact_neighbours_limit": 6, "fact_guard": 0.5}}
    result = assert_same(fact_corpus(), npartitions, config)
    assert (result.snippets["match"] == "fact").sum() >= 1


def test_paraphrase_level_and_keyless_snippets_on_dask():
    config = {"dedup": {"level": "paraphrase", "model": "bow-dask", "paraphrase_threshold": 0.6}}
    result = assert_same(fact_corpus(), 7, config)
    assert (result.snippets["match"] == "paraphrase").sum() >= 1
    # min_words=0: snippets without a key are encoded too (pandas orders them by input position).
    assert_same(fact_corpus(), 3, {"dedup": {**FACT, "min_words": 0, "fact_candidate": 0.1}})


def test_fact_level_never_gathers_and_combines_whole_groups(monkeypatch):
    seen: list[int] = []
    original = dask_semantic._fact_part

    def spy(snips, reps, edges, params):
        seen.append(len(snips))
        return original(snips, reps, edges, params)

    monkeypatch.setattr(dask_semantic, "_fact_part", spy)
    pdf = fact_corpus()
    result = assert_same(pdf, 7, {"dedup": FACT})  # warnings are errors here: no "gathered" warning
    merged = result.snippets.loc[result.snippets["match"] == "fact", "cluster_id"].unique()
    touched = result.snippets["cluster_id"].isin(merged).sum()
    assert sum(seen) >= touched  # every snippet of a merged cluster went through the guard step
    assert max(seen) < len(pdf)  # and no partition held the collection


def test_fact_level_on_dask_one_row_all_missing_and_empty():
    assert_same(frame([("Floods close schools across the region", "A", None)]), 1, {"dedup": FACT})
    assert_same(frame([(None, "A", None), ("", "B", None), ("Hi", None, None)]), 3, {"dedup": FACT})
    empty = frame([("x", "A", None)]).iloc[:0]
    with dask.config.set(scheduler="sync"):
        got = run_dask(dd.from_pandas(empty, npartitions=1), ["dedup"], config={"dedup": FACT}).compute()
    assert len(got.snippets) == 0 and len(got["clusters"]) == 0


def _vectors(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(6, 16))
    vecs = (centres[rng.integers(0, 6, n)] + 0.6 * rng.normal(size=(n, 16))).astype(np.float32)
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


@pytest.mark.parametrize(("n", "exact_limit", "npartitions"), [(50, 100, 3), (300, 40, 1), (300, 40, 4), (900, 100, 7)])
def test_neighbour_blocks_find_the_pandas_candidate_pairs(n, exact_limit, npartitions):
    vecs = _vectors(n, seed=n)
    a, b, _ = cosine_pairs(vecs, 0.5, exact_limit=exact_limit, seed=3)
    rows = pd.DataFrame({"pos": np.arange(n, dtype=np.int64), "vec": [v.tobytes() for v in vecs]})
    shuffled = rows.sample(frac=1.0, random_state=1).reset_index(drop=True)
    with collections_config():
        ddf = dd.from_pandas(shuffled, npartitions=npartitions, sort=False)
    counts = pd.DataFrame({"rng": [0], "count": [n]})
    settings = dask_semantic.settings_from_params(
        dask_semantic.DedupParams(
            level="paraphrase", paraphrase_threshold=0.5, exact_neighbours_limit=exact_limit, seed=3
        )
    )
    with dask.config.set(scheduler="sync"):
        got = dask_semantic._candidate_pairs(
            ddf, dd.from_pandas(counts, npartitions=1), settings, npartitions
        ).compute()
    got = got.drop_duplicates().sort_values(["a", "b"])
    expected = pd.DataFrame({"a": a, "b": b}).sort_values(["a", "b"])
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    keys=st.lists(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=6), unique=True, max_size=40),
    keyless=st.lists(st.integers(0, 10_000), unique=True, max_size=4),
    npartitions=st.integers(1, 6),
    seed=st.integers(0, 1000),
)
def test_sample_sort_numbers_rows_in_pandas_node_order(keys, keyless, npartitions, seed):
    import pyarrow as pa
    import pyarrow.compute as pc

    # pandas' node order: distinct keys sorted by Arrow, then keyless snippets in input order.
    arrow = pa.array(keys, type=pa.large_string())
    ordered = [keys[i] for i in pc.sort_indices(arrow).to_pylist()]
    expected = {(0, k, 0): i for i, k in enumerate(ordered)}
    expected |= {(1, "", r): len(keys) + i for i, r in enumerate(sorted(keyless))}
    rows = list(expected)
    random.Random(seed).shuffle(rows)
    meta = dask_semantic._REPS_META
    reps = pd.DataFrame({c: np.zeros(len(rows), dtype=meta[c].dtype) for c in meta.columns})
    reps["s0"], reps["skey"], reps["srank"] = ([r[i] for r in rows] for i in range(3))
    reps = reps.astype(meta.dtypes.to_dict())
    with dask.config.set(scheduler="sync"), collections_config():
        ddf = dd.from_pandas(reps, npartitions=npartitions, sort=False)
        positioned, _ = dask_semantic._positions(ddf, npartitions)
        got = positioned.compute()
    assert sorted(got["pos"].tolist()) == list(range(len(rows)))
    triples = zip(got["s0"].tolist(), got["skey"].tolist(), got["srank"].tolist(), strict=True)
    assert dict(zip(triples, got["pos"].tolist(), strict=True)) == expected


def test_fact_level_on_a_local_cluster_equals_pandas():
    distributed = pytest.importorskip("distributed")
    pdf = fact_corpus()
    config = {"dedup": {**FACT, "exact_neighbours_limit": 8}}
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as c,
        distributed.Client(c, set_as_default=False) as client,
    ):
        assert_same(pdf, 3, config, scheduler=client)


def test_near_and_stories_with_disk_shuffles_on_a_local_cluster_equal_pandas():
    """Graph built under a ``distributed`` client: the plain-number shuffles (band keys, stories' pairs)
    go through Dask's disk-backed ``p2p`` shuffle; the tables stay pandas' (common terms exercised)."""
    distributed = pytest.importorskip("distributed")
    from toolkit.dask_plan import disk_shuffle_method

    pdf = stories_corpus()
    config = {"stories": {"block_cap": 2, "lexical_threshold": 0.03}}
    expected = toolkit.run(pdf, ["dedup", "stories"], config=config)
    plain = pd.DataFrame({"a": np.zeros(1, np.uint64)})
    assert disk_shuffle_method(plain) == "tasks"  # no client: the task shuffle
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as c,
        distributed.Client(c, set_as_default=False) as client,
        dask.config.set(scheduler=client),
    ):
        assert disk_shuffle_method(plain) == "p2p"
        assert disk_shuffle_method(plain.astype("Float64")) == "tasks"  # nullable: tasks
        got = run_dask(partitions(pdf, 3), ["dedup", "stories"], config=config).compute()
    for column in ("cluster_id", "story_id"):
        pd.testing.assert_series_equal(
            got.snippets[column].sort_index(), expected.snippets[column].sort_index(), check_dtype=False
        )
    table = expected["stories"]
    pd.testing.assert_frame_equal(
        got["stories"][table.columns].sort_values("story_id").reset_index(drop=True),
        table.sort_values("story_id").reset_index(drop=True),
        check_dtype=False,
    )
