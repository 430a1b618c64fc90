"""Tests of the dedup plugin's exact and near levels, clusters table, guard and bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_dedup import minhash
from toolkit_dedup.analysis import DedupParams, StoryParams, dedup, stories
from toolkit_dedup.graph import components, guarded_clusters
from toolkit_dedup.normalize import normalise
from toolkit_dedup.numbers import figures_conflict, number_masks
from toolkit_dedup.schema import CLUSTERS_COLUMNS, DEDUP_COLUMNS
from toolkit_dedup.stories import star_clusters

from toolkit import Context


def frame(texts, ids=None, sources=None, published=None):
    ids = ids or [f"n{i}" for i in range(len(texts))]
    data = {"text": pd.array(texts, dtype="string")}
    if sources is not None:
        data["source"] = pd.array(sources, dtype="string")
    if published is not None:
        data["published_at"] = pd.to_datetime(pd.Series(published), utc=True).to_numpy()
        data["published_at"] = pd.to_datetime(published, utc=True)
    return pd.DataFrame(data, index=pd.Index(ids, dtype="string", name="snippet_id"))


def run(texts, **kw):
    fr = kw.pop("fr", None)
    fr = frame(texts) if fr is None else fr
    return dedup(fr, DedupParams(**kw), Context())


def groups(out):
    cid = out.columns["cluster_id"]
    return sorted(sorted(g.index.tolist()) for _, g in cid.groupby(cid) if len(g) > 1)


WIRE = "North Korean soldier captured by Ukraine dies of his wounds, Seoul's spy agency says"
OTHER = "Central bank raises interest rates by half a point to fight stubborn inflation"


# --- normalisation ------------------------------------------------------------------------------


def test_normalise_strips_wire_boilerplate_quotes_case_and_ellipsis():
    norm = normalise(
        [
            "WASHINGTON, Sept 18 (Reuters) - The U.S. said it’s ready",
            "UPDATE 2-The US said it's READY",
            "BREAKING: The US said it’s ready - Fox News",
            "The US said it's ready and willing to announ…",
            "ＦＵＬＬ width “quotes”",
            None,
            "",
        ]
    )
    keys = norm.keys.to_pylist()
    assert keys[:3] == ["the us said its ready"] * 3
    assert keys[3] == "the us said its ready and willing to"  # cut-off word dropped
    assert keys[4] == "full width quotes"
    assert keys[5] is None and keys[6] == ""
    assert norm.cut_off.tolist() == [False, False, False, True, False, False, False]
    assert norm.is_na.tolist() == [False] * 5 + [True, False]


def test_normalise_is_linear_on_hostile_input():
    # Every pattern is RE2 (linear by construction); inputs that make backtracking engines explode
    # finish and give sensible keys.
    hostile = ["(" * 300_000 + "Reuters" + " -" * 200_000, "a" * 1_000_000 + "...", " - x" * 250_000]
    norm = normalise(hostile)
    keys = norm.keys.to_pylist()
    assert keys[0] == "reuters" and keys[1] == "" and keys[2].startswith("x x x")
    assert norm.cut_off.tolist() == [True, True, False]


# --- exact level --------------------------------------------------------------------------------


def test_exact_level_groups_normalised_copies_only():
    texts = [
        WIRE,
        "UPDATE 1-" + WIRE.upper(),
        WIRE.replace("'", "’") + " - Reuters",
        WIRE.replace("dies of his wounds", "has died"),  # an edit: not exact
        OTHER,
    ]
    out = run(texts, level="exact")
    assert groups(out) == [["n0", "n1", "n2"]]
    assert out.columns.loc["n3", "representative"]


def test_identical_texts_with_different_ids_are_one_cluster():
    out = run(["Stocks rally", "Stocks rally", "Stocks rally"], fr=frame(["Stocks rally"] * 3, ids=["a", "b", "c"]))
    assert out.columns["cluster_id"].nunique() == 1
    assert out.columns["representative"].sum() == 1
    assert out.tables["clusters"]["size"].tolist() == [3]


# --- near level ---------------------------------------------------------------------------------


def test_near_level_groups_edited_wire_copies():
    texts = [
        WIRE,
        "Seoul (Reuters) - " + WIRE.replace("captured by Ukraine ", "captured by Ukrainian forces "),
        WIRE.replace("his wounds", "wounds") + " | The Guardian",
        WIRE[:60] + "...",
        OTHER,
        OTHER.replace("half a point", "50 basis points"),
        "Heavy rain floods the city centre as rivers burst their banks overnight",
    ]
    out = run(texts)
    assert groups(out) == [["n0", "n1", "n2", "n3"], ["n4", "n5"]]
    assert out.columns.loc["n3", "match"] in ("prefix", "near")
    sims = out.columns["similarity"]
    assert ((sims > 0) & (sims <= 1)).all()


def test_near_copies_that_disagree_on_a_figure_stay_apart():
    texts = [
        "Recap: Mad Men season 7, episode 4 'The Monolith' leaves Don Draper adrift",
        "Recap: Mad Men season 7, episode 5 'The Monolith' leaves Don Draper adrift",
        "Average gas prices in Ohio fall 7 cents over the past week, survey says",
        "Average gas prices in Ohio fall 17 cents over the past week, survey says",
        "ECB holds rates at 0.25% as inflation stays at 0.5% in the euro zone, economists say",
        "ECB holds rates at 0.25% as inflation stays at 0.7% in the euro zone, economists say",
    ]
    assert groups(run(texts)) == []
    # Without the rule they are near-copies.
    assert groups(run(texts, figures=False)) == [["n0", "n1"], ["n2", "n3"], ["n4", "n5"]]


def test_a_figure_dropped_stripped_or_cut_is_no_disagreement():
    base = "Octopus mother guards her eggs for 4.5 years, a record 53 months without food, scientists say"
    texts = [
        base,
        base.replace(".", "").replace(",", ""),  # punctuation stripped: "45 years"
        base.replace("a record 53 months ", "a record "),  # a figure dropped
        "UPDATE 2-" + base,  # the wire tag's figure is not part of the text
        base[: base.index("53") + 1] + " ...",  # cut inside "53": the last figure may be shortened
        "Octopus mother guards her eggs for 4.5 years, a record 55 months without food, scientists say",
    ]
    assert groups(run(texts)) == [["n0", "n1", "n2", "n3", "n4"]]


def test_number_masks_read_figures_both_ways():
    keys = ["season 7 episode 5", "s07e05", "4 5 years", "45 years", "june 13 14", "no figures", "", None]
    cut = np.array([False, False, False, False, True, False, False, False])
    m = number_masks(keys, cut)
    assert m.shape == (8, 2) and m.dtype == np.uint64
    assert (m[0] == m[1]).all()  # leading zeros dropped
    assert m[2, 0] == m[3, 0] and m[2, 1] != m[3, 1]  # one figure joined, two digit runs apart
    assert (m[4:] == 0).all()  # a cut-off key's trailing figure is dropped
    conflict = figures_conflict(m[[0, 2, 0]], m[[1, 3, 5]])
    assert conflict.tolist() == [False, False, False]
    ep4 = number_masks(["season 7 episode 4"])
    assert figures_conflict(m[[0]], ep4).tolist() == [True]


def test_cut_off_prefix_joins_the_longer_snippet():
    long = "The first North Korean soldier taken prisoner by Ukrainian forces has died of his injuries today"
    out = run([long, "The first North Korean soldier taken prisoner by Ukrai...", OTHER])
    assert groups(out) == [["n0", "n1"]]
    assert out.columns.loc["n1", "duplicate_of"] == "n0"
    assert out.columns.loc["n1", "match"] in ("prefix", "near")


def test_short_cut_off_prefix_does_not_join():
    out = run(["Stocks fall...", "Stocks fall sharply as oil prices surge in Asian trading", OTHER])
    assert groups(out) == []


def test_representative_is_earliest_then_complete_then_longest():
    texts = [
        WIRE + " - Reuters extra words here",  # longest
        WIRE[:70] + "...",  # cut off
        WIRE,
        WIRE.replace("'s", "s"),
    ]
    # Same time: the complete, longest one wins, ties broken by the smaller snippet id.
    fr = frame(texts, published=["2024-12-27T10:00Z"] * 4)
    out = run(texts, fr=fr)
    assert out.columns["representative"].tolist() == [True, False, False, False]
    # The earliest published wins even when it is cut off.
    fr = frame(texts, published=["2024-12-27T10:00Z", "2024-12-27T09:00Z", None, "2024-12-27T10:00Z"])
    out = run(texts, fr=fr)
    assert out.columns["representative"].tolist() == [False, True, False, False]
    assert out.columns["duplicate_of"].tolist()[0] == "n1"
    # Missing dates sort last; among complete ones the longest wins.
    fr = frame(texts[2:], published=[None, None])
    out = run(texts[2:], fr=fr)
    assert out.columns["representative"].tolist() == [True, False]


def test_clusters_table_contract():
    texts = [WIRE, "UPDATE 1-" + WIRE, WIRE + " - AP", OTHER]
    fr = frame(
        texts,
        sources=["Reuters", "Reuters", "AP", None],
        published=["2024-12-27T10:00Z", "2024-12-27T12:00Z", "2024-12-26T08:00Z", None],
    )
    out = run(texts, fr=fr)
    table = out.tables["clusters"]
    assert list(table.columns) == list(CLUSTERS_COLUMNS)
    assert list(table.columns)[:6] == [
        "cluster_id",
        "size",
        "representative_id",
        "n_sources",
        "first_published",
        "last_published",
    ]
    row = table.set_index("representative_id").loc["n2"]
    assert row["size"] == 3 and row["n_sources"] == 2
    assert row["first_published"] == pd.Timestamp("2024-12-26T08:00Z")
    assert row["last_published"] == pd.Timestamp("2024-12-27T12:00Z")
    other = table.set_index("representative_id").loc["n3"]
    assert other["size"] == 1 and pd.isna(other["n_sources"]) and pd.isna(other["first_published"])
    for col, dtype in CLUSTERS_COLUMNS.items():
        assert str(table[col].dtype) == str(pd.api.types.pandas_dtype(dtype)), col
    for col, dtype in DEDUP_COLUMNS.items():
        assert str(out.columns[col].dtype) == str(pd.api.types.pandas_dtype(dtype)), col


# --- chaining guard -----------------------------------------------------------------------------


def test_chaining_guard_detaches_members_far_from_the_representative():
    # A path 0-1-2-3 of pairwise similar nodes; 3 is far from 0.
    sim = np.array(
        [
            [1.0, 0.8, 0.6, 0.2],
            [0.8, 1.0, 0.8, 0.5],
            [0.6, 0.8, 1.0, 0.8],
            [0.2, 0.5, 0.8, 1.0],
        ]
    )
    a, b = np.array([0, 1, 2]), np.array([1, 2, 3])

    def choose(labels):  # the smallest node of each component represents it
        return labels

    rep, s = guarded_clusters(4, a, b, choose, lambda x, y: sim[x, y], guard=0.5)
    assert rep.tolist() == [0, 0, 0, 3]
    assert s.tolist() == [1.0, 0.8, 0.6, 1.0]


def test_near_level_does_not_chain_two_stories_through_a_bridge():
    a = "Apple agrees to buy Beats Electronics for three billion dollars in its largest deal"
    b = "Apple agrees to buy Beats Electronics for three billion dollars, shares of Apple fell"
    bridge = "Apple agrees to buy Beats, shares of Apple fell as investors weigh the cost of the deal"
    c = "Shares of Apple fell as investors weigh the cost of the deal with Beats Electronics"
    out = run([a, b, bridge, c], threshold=0.3, guard=0.5)
    cid = out.columns["cluster_id"]
    assert cid["n0"] == cid["n1"]
    assert cid["n3"] != cid["n0"]


def test_components_match_a_reference_union_find():
    rng = np.random.default_rng(3)
    n = 500
    a, b = rng.integers(0, n, 400), rng.integers(0, n, 400)
    labels = components(n, a, b)
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        rx, ry = find(x), find(y)
        parent[max(rx, ry)] = min(rx, ry)
    assert labels.tolist() == [min(i for i in range(n) if find(i) == find(j)) for j in range(n)]


# --- bad input ----------------------------------------------------------------------------------


def test_empty_na_and_one_word_snippets_never_merge_everything():
    texts = ["", "   ", None, "Breaking", "Update", "...", "Breaking", WIRE, None]
    out = run(texts)
    cid = out.columns["cluster_id"]
    assert groups(out) == [["n3", "n6"]]  # only the identical one-word snippets
    assert cid.nunique() == len(texts) - 1
    assert out.columns.loc["n2", "representative"] and pd.isna(out.columns.loc["n2", "similarity"])
    assert out.columns.loc["n8", "cluster_id"] != out.columns.loc["n2", "cluster_id"]


def test_empty_frame_gives_empty_tables_with_all_columns():
    out = dedup(frame([]), DedupParams(), Context())
    assert list(out.columns.columns) == list(DEDUP_COLUMNS)
    assert list(out.tables["clusters"].columns) == list(CLUSTERS_COLUMNS)
    assert len(out.tables["clusters"]) == 0


def test_frame_is_not_mutated_and_missing_columns_are_fine():
    fr = frame([WIRE, WIRE + " - AP"])
    before = fr.copy()
    out = dedup(fr, DedupParams(), Context())
    pd.testing.assert_frame_equal(fr, before)
    assert out.columns["cluster_id"].nunique() == 1


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=80)), min_size=1, max_size=30))
def test_never_crashes_and_every_snippet_has_one_cluster(texts):
    out = run(texts)
    cols = out.columns
    assert cols["cluster_id"].notna().all()
    assert int(cols["representative"].sum()) == cols["cluster_id"].nunique()
    assert out.tables["clusters"]["size"].sum() == len(texts)
    dup = cols["duplicate_of"].dropna()
    assert set(dup) <= set(cols.index[cols["representative"].to_numpy(bool)])


# --- determinism --------------------------------------------------------------------------------


def _noisy_corpus(n=600, seed=5):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(400)]
    bases = [" ".join(rng.choice(words, 14)) for _ in range(n // 6)]
    texts = []
    for _ in range(n):
        t = bases[int(rng.integers(0, len(bases)))].split()
        if rng.random() < 0.5:
            del t[int(rng.integers(0, len(t)))]
        texts.append(" ".join(t))
    return texts


def test_deterministic_across_runs_and_row_order():
    texts = _noisy_corpus()
    one = run(texts).columns["cluster_id"]
    two = run(texts).columns["cluster_id"]
    pd.testing.assert_series_equal(one, two)
    # Shuffled input: the same partition of ids (cluster names may follow the representative).
    perm = np.random.default_rng(1).permutation(len(texts))
    fr = frame([texts[i] for i in perm], ids=[f"n{i}" for i in perm])
    three = dedup(fr, DedupParams(), Context()).columns["cluster_id"]
    part = lambda s: sorted(sorted(g.index) for _, g in s.groupby(s))  # noqa: E731
    assert part(one) == part(three)


def test_signatures_estimate_jaccard():
    keys = normalise(
        ["the quick brown fox jumps over the lazy dog today", "the quick brown fox jumped over the lazy dog today"]
    ).keys
    sig, counts = minhash.signatures(keys)
    est = minhash.estimated_jaccard(sig, np.array([0]), np.array([1]))[0]
    a, b = keys.to_pylist()
    sa = {a[i : i + 5] for i in range(len(a) - 4)}
    sb = {b[i : i + 5] for i in range(len(b) - 4)}
    assert abs(est - len(sa & sb) / len(sa | sb)) < 0.15
    assert counts.tolist() == [len(sa), len(sb)]


_SHORT_WORDS = ["quake", "toll", "rises", "to", "69", "72", "in", "nepal", "a", "é", "ß"]


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.lists(st.sampled_from(_SHORT_WORDS), max_size=8).map(" ".join), min_size=1, max_size=8),
    pairs=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=20),
    chunk=st.integers(1, 40),
)
def test_exact_containment_in_chunks_equals_python_sets(texts, pairs, chunk):
    """The guard's exact check, done a few shingles at a time, is the plain set computation per pair."""
    keys = pa.array(texts, type=pa.large_string())
    pairs = [(a % len(texts), b % len(texts)) for a, b in pairs]
    x = np.array([p[0] for p in pairs], dtype=np.int64)
    y = np.array([p[1] for p in pairs], dtype=np.int64)

    def shingles(i):
        return set(minhash.shingle_hashes(keys.take(pa.array([i])))[1].tolist())

    want = [len(shingles(a) & shingles(b)) / len(shingles(a)) if shingles(a) else 0.0 for a, b in pairs]
    assert minhash.exact_containment(keys, x, y, chunk=chunk).tolist() == want
    assert minhash.exact_containment(keys, x, y).tolist() == want


def test_exact_containment_hash_tables_stay_chunk_sized(monkeypatch):
    """Memory of the guard's check does not grow with the number of pairs: every hash table it
    builds holds about one chunk of shingles, for 2,000 pairs as for 20."""
    keys = pa.array([f"story {i} about the quake toll in region {i % 7}" for i in range(400)], type=pa.large_string())
    sizes = []
    real = pd.factorize

    def spy(values, *args, **kwargs):
        sizes.append(len(values))
        return real(values, *args, **kwargs)

    monkeypatch.setattr(pd, "factorize", spy)
    rng = np.random.default_rng(3)
    longest = int(minhash.shingle_counts(keys).max())
    for m in (20, 2_000):
        sizes.clear()
        x, y = rng.integers(0, 400, m), rng.integers(0, 400, m)
        minhash.exact_containment(keys, x, y, chunk=500)
        assert 0 < max(sizes) <= 500 + 2 * longest


@settings(max_examples=80, deadline=None)
@given(
    keys=st.lists(st.integers(0, 5), min_size=1, max_size=40),
    hashes=st.lists(st.integers(0, 3), min_size=40, max_size=40),
    band=st.integers(0, 31),
)
def test_bucket_heads_are_the_heads_bucket_order_puts_first(keys, hashes, band):
    key = np.array(keys, dtype=np.uint64)
    row_hash = np.array(hashes[: len(keys)], dtype=np.uint64)  # repeated hashes: ties by row
    order = minhash.bucket_order(key, row_hash, band)
    want = {}
    for r in order.tolist():
        want.setdefault(int(key[r]), r)
    size = {k: keys.count(k) for k in keys}
    rows, head = minhash.bucket_heads(key, row_hash, band)
    assert rows.tolist() == [r for r in range(len(keys)) if size[keys[r]] > 1]
    assert head.tolist() == [want[keys[r]] for r in rows.tolist()]


def test_band_keys_and_row_hashes_of_some_rows_equal_those_of_the_rows_taken_out():
    """Reading only the rows asked for (no copy of the matrix) gives the keys and hashes of a copy."""
    rng = np.random.default_rng(0)
    sig = rng.integers(0, 2**32, (300, 128), dtype=np.uint32)
    picked = rng.random(300) < 0.6
    for idx in (picked, np.flatnonzero(picked)):
        got = list(minhash.band_keys(sig, 32, 4, 1, idx=idx))
        want = list(minhash.band_keys(sig[picked], 32, 4, 1))
        assert len(got) == 32 and all(np.array_equal(g, w) for g, w in zip(got, want, strict=True))
        assert np.array_equal(minhash.row_hashes(sig, 1, chunk=7, idx=idx), minhash.row_hashes(sig[picked], 1))


def test_normalise_in_slices_equals_one_pass(monkeypatch):
    """A large collection is normalised a slice at a time: the same keys, flags, tails and bodies."""
    from toolkit_dedup import normalize

    rng = np.random.default_rng(7)
    pieces = [WIRE, OTHER, "WASHINGTON, Sept 18 (Reuters) -", "UPDATE 1-", " - Fox News", " | Daily Star", "...",
              "U.S.", "Korea’s", "4.5", None, "", "  ", "é", "announc..."]  # fmt: skip
    texts = [
        None if rng.random() < 0.05 else " ".join(p or "" for p in rng.choice(np.array(pieces, dtype=object), 4))
        for _ in range(450)
    ]
    whole = normalise(texts, outlets=["Daily Star"])
    monkeypatch.setattr(normalize, "_SLICE_TEXTS", 100)  # 4 slices of ~112 texts
    sliced = normalise(texts, outlets=["Daily Star"])
    for field in ("keys", "tail", "body_keys"):
        assert getattr(sliced, field).type == getattr(whole, field).type
        assert getattr(sliced, field).to_pylist() == getattr(whole, field).to_pylist()
    for field in ("cut_off", "is_na", "n_words"):
        assert getattr(sliced, field).dtype == getattr(whole, field).dtype
        assert getattr(sliced, field).tolist() == getattr(whole, field).tolist()
    assert sum(t is not None for t in whole.tail.to_pylist()) > 0  # the tails' path ran


def test_bad_params_are_rejected():
    with pytest.raises(ValueError):
        DedupParams(bands=40, rows=4)
    with pytest.raises(ValueError):
        DedupParams(threshold=0)


# --- stories (lexical; the embedding path is in test_dedup_embeddings.py) ------------------------


def test_star_clusters_centre_takes_its_neighbours():
    # 1 is linked to 0, 2, 3 (degree 3); 4-5 a separate pair.
    centre = star_clusters(6, np.array([0, 1, 1, 4]), np.array([1, 2, 3, 5]))
    assert centre.tolist() == [1, 1, 1, 1, 4, 4]


def test_stories_lexical_groups_and_table():
    texts = [WIRE, WIRE.replace("dies", "has died"), OTHER, OTHER + " - Reuters", "", None]
    fr = frame(texts)
    out = stories(fr, StoryParams(method="lexical"), Context())
    sid = out.columns["story_id"]
    assert sid["n0"] == sid["n1"] and sid["n2"] == sid["n3"] and sid["n0"] != sid["n2"]
    assert sid.nunique() == 4
    table = out.tables["stories"]
    assert table["size"].sum() == len(texts)
    assert set(table["method"]) == {"lexical"}


# --- through the pipeline -----------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::toolkit.SnippetInputWarning")
def test_runs_through_toolkit_run_with_string_parameters():
    import toolkit

    fr = toolkit.snippet_frame(
        [
            {"id": "a", "text": WIRE, "source": "Reuters", "published_at": "2024-12-27T10:00:00Z"},
            {"id": "b", "text": "UPDATE 1-" + WIRE, "source": "Yahoo", "published_at": "2024-12-27T11:00:00Z"},
            {"id": "c", "text": OTHER, "source": "AP", "published_at": None},
            {"id": "d", "text": None},
        ]
    )
    result = toolkit.run(fr, ["dedup"], config={"dedup": {"level": "exact", "threshold": "0.6"}})
    snips = result.snippets
    assert snips.loc["b", "duplicate_of"] == "a" and snips.loc["a", "representative"]
    clusters = result["clusters"]
    assert clusters.set_index("representative_id").loc["a", "n_sources"] == 2
    assert len(clusters) == 3


def test_dedup_and_stories_follow_the_plugin_contract():
    from toolkit_dedup import register_analyses

    from toolkit.testing import check_analysis

    specs = []
    register_analyses(register=specs.append)
    by_name = {s.name: s for s in specs}
    check_analysis(by_name["dedup"])
    check_analysis(by_name["dedup"], params=DedupParams(level="exact"))
    check_analysis(by_name["stories"], params=StoryParams(method="lexical"))
