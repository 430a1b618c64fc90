"""The pair arithmetic of the fact/paraphrase levels: candidate pairs, pair cosines, shared words.

All three are computed in bulk for speed (row blocks over the upper triangle; pair chunks; sorted
term keys instead of one set intersection per pair); these tests hold them to the computation
they replace. Pure NumPy: no model needed.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_dedup import embeddings, semantic
from toolkit_dedup.embeddings import cosine_pairs
from toolkit_dedup.semantic import TermIndex, _term_sets, fact_scores, indexed_fact_scores, row_dots


def unit_rows(n: int, d: int, seed: int, clusters: int = 0) -> np.ndarray:
    """``n`` L2-normalised float32 rows; with ``clusters``, rows near a few centres (many close pairs)."""
    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((n, d)).astype(np.float32)
    if clusters:
        centres = rng.standard_normal((clusters, d)).astype(np.float32) * 3
        vecs += centres[rng.integers(0, clusters, n)]
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def square_pairs(vecs: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair ``a < b`` at cosine >= threshold from the whole similarity matrix, row-major."""
    sims = vecs @ vecs.T
    a, b = np.nonzero(np.triu(sims >= threshold, k=1))
    return a, b, sims[a, b].astype(np.float64)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(0, 90),
    block=st.sampled_from([1, 2, 7, 32, 1024]),
    threshold=st.sampled_from([-1.0, 0.0, 0.3, 0.6, 0.95]),
    seed=st.integers(0, 2**16),
)
def test_upper_triangle_blocks_find_exactly_the_pairs_of_the_whole_matrix(n, block, threshold, seed):
    vecs = unit_rows(n, 16, seed, clusters=3)
    a, b, c = embeddings._pairs_within(vecs, np.arange(n), threshold, block=block) if n else ([], [], [])
    ea, eb, ec = square_pairs(vecs, threshold)
    assert np.array_equal(a, ea) and np.array_equal(b, eb)
    assert np.allclose(c, ec, atol=1e-6)
    assert all(x < y for x, y in zip(np.asarray(a).tolist(), np.asarray(b).tolist(), strict=True))


def test_members_are_mapped_back_to_their_own_rows():
    vecs = unit_rows(40, 8, 3, clusters=2)
    members = np.array([5, 9, 11, 20, 21, 33, 38])
    a, b, _ = embeddings._pairs_within(vecs, members, 0.2, block=3)
    ea, eb, _ = square_pairs(vecs[members], 0.2)
    assert np.array_equal(a, members[ea]) and np.array_equal(b, members[eb])


def test_blocked_and_inverted_file_paths_agree_on_planted_duplicates():
    vecs = unit_rows(300, 24, 11)
    vecs[150:] = vecs[:150] + 0.01 * unit_rows(150, 24, 12)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    exact = set(zip(*(x.tolist() for x in cosine_pairs(vecs, 0.9)[:2]), strict=True))
    ivf = set(zip(*(x.tolist() for x in cosine_pairs(vecs, 0.9, exact_limit=10)[:2]), strict=True))
    assert {(i, i + 150) for i in range(150)} <= exact
    assert ivf <= exact and len(ivf) >= 140


@pytest.mark.parametrize("pairs", [0, 1, 5, 16, 17, 100])
def test_row_dots_in_chunks_equal_the_one_shot_einsum_bit_for_bit(monkeypatch, pairs):
    monkeypatch.setattr(semantic, "DOT_CHUNK", 4)
    vecs = unit_rows(30, 384, 7)
    rng = np.random.default_rng(pairs)
    i, j = rng.integers(0, 30, pairs), rng.integers(0, 30, pairs)
    got = row_dots(vecs, i, j)
    want = np.einsum("ij,ij->i", vecs[i], vecs[j]).astype(np.float64)
    assert got.dtype == np.float64 and got.shape == (pairs,)
    assert np.array_equal(got, want)


term_sets = st.lists(
    st.tuples(
        st.frozensets(
            st.sampled_from(["storm", "flood", "toll", "rose", "dead", "city", "port", "bank", "rate", "cut"]),
            max_size=6,
        ),
        st.frozensets(st.sampled_from(["@athens", "@crete", "@reuters", "@fed"]), max_size=3),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(sets=term_sets, data=st.data())
def test_indexed_fact_scores_equal_the_per_pair_loop_bit_for_bit(sets, data):
    n = len(sets)
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))
    i = np.array([a for a, _ in pairs], dtype=np.int64)
    j = np.array([b for _, b in pairs], dtype=np.int64)
    cos = np.array(data.draw(st.lists(st.floats(-1, 1), min_size=len(pairs), max_size=len(pairs))))
    words, names = TermIndex([w for w, _ in sets]), TermIndex([m for _, m in sets])
    want = fact_scores(cos, [sets[k] for k in i.tolist()], [sets[k] for k in j.tolist()])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(semantic, "TERM_CHUNK", 3)  # several chunks per call
        got = indexed_fact_scores(cos, words, names, i, j)
    assert np.array_equal(got, want)


def test_term_index_counts_shared_terms_of_real_headlines():
    texts = [
        "Greek coast guard rescues twelve crew after cargo ship sinks off Crete",
        "Twelve crew rescued as cargo ship sinks near Crete, coast guard says",
        "Central bank cuts its main interest rate by a quarter point",
        "",
    ]
    sets = [_term_sets(t) for t in texts]
    words = TermIndex([w for w, _ in sets])
    i, j = np.array([0, 0, 1, 3, 2]), np.array([1, 2, 0, 0, 2])
    want = [len(sets[a][0] & sets[b][0]) for a, b in zip(i.tolist(), j.tolist(), strict=True)]
    assert words.shared(i, j).tolist() == want
    assert want[0] >= 4 and want[1] == 0 and want[3] == 0 and want[4] == len(sets[2][0])
