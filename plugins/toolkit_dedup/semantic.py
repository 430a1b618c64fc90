"""The ``paraphrase`` and ``fact`` levels: near-level clusters merged by meaning.

Both encode one text per near-level cluster (its representative snippet's text), find candidate
pairs by cosine and merge them under the chaining guard (every member stays close to its
cluster's representative).

``paraphrase`` links on the cosine alone. ``fact`` decides each candidate pair with every signal
the texts carry (:func:`fact_scores`): the cosine, the content words and capitalised names the two
texts share, and the figures they state: two texts that each state a figure the other lacks
("toll rose to 69" / "toll rose to 72", "$2.5 billion" / "$1.8 billion") report different facts,
whatever their cosine.

Encoders (``encoder`` setting; ``auto`` is ``full`` for both levels: ``hybrid`` scored 3 MRPC
validation pairs fewer than ``full`` (accuracy 0.726 against 0.734), so the faster path stays a
choice, not the default):
``hybrid`` takes candidates and scores every pair with the static model
(:mod:`toolkit_dedup.static_model`, cosines mapped onto the full model's scale) and re-scores with
the full all-MiniLM-L6-v2 only the pairs whose score lies within ``margin`` of a decision bar (the
edge threshold or the guard), encoding only those pairs' texts; ``full`` is the full model on
every representative (the slow path of earlier versions, same results); ``static`` never runs the
full model.

For a distributed plan: :func:`embed_partition` (first-stage vectors of a partition's texts) and
:func:`decide_pairs` (the same-fact decision of candidate pairs), both pure functions over
process-level cached encoders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit_dedup.embeddings import cosine_pairs, embed, get_encoder
from toolkit_dedup.extract import story_terms
from toolkit_dedup.graph import guarded_clusters
from toolkit_dedup.grouping import Clustering, Nodes
from toolkit_dedup.numbers import figures_conflict
from toolkit_dedup.static_model import from_full_scale, get_static_encoder, static_embed, to_full_scale

if TYPE_CHECKING:
    from toolkit_dedup.analysis import DedupParams


@dataclass(frozen=True)
class SemanticSettings:
    """What the semantic levels read from ``DedupParams``."""

    level: str  # "paraphrase" or "fact"
    threshold: float  # least pair score for an edge
    guard: float  # least score of a member to its cluster's representative
    candidate: float  # least cosine (full model's scale) for a pair to be scored at all
    min_words: int
    model: str
    device: str
    exact_limit: int
    seed: int
    encoder: str = "hybrid"  # "hybrid", "full" or "static" (see the module docstring)
    margin: float = 0.15  # hybrid: pairs scored within this of a bar are re-scored by the full model
    static_model: str = ""


def settings_from_params(params: DedupParams) -> SemanticSettings:
    """The fact or paraphrase level's settings from the dedup parameters."""
    fact = params.level == "fact"
    return SemanticSettings(
        level=params.level,
        threshold=params.fact_threshold if fact else params.paraphrase_threshold,
        guard=params.fact_guard if fact else params.paraphrase_guard,
        candidate=params.fact_candidate if fact else params.paraphrase_threshold,
        min_words=params.min_words,
        model=params.model,
        device=params.device,
        exact_limit=params.exact_neighbours_limit,
        seed=params.seed,
        encoder=params.encoder if params.encoder != "auto" else "full",
        margin=params.encoder_margin,
        static_model=params.static_model,
    )


def load_encoders(s: SemanticSettings) -> None:
    """Load (or fetch the process-level cached) encoders the settings use, before any pair is decided.

    A missing extra is then a clear error whatever the input, and no pair pays for a model load.
    """
    if s.encoder not in ("hybrid", "full", "static"):
        raise ValueError(f"dedup encoder must be hybrid, full or static, not {s.encoder!r}")
    if s.encoder != "full":
        get_static_encoder(s.static_model)
    if s.encoder != "static":
        get_encoder(s.model, s.device)


def embed_partition(texts: pd.Series | Sequence[str | None], s: SemanticSettings) -> np.ndarray:
    """First-stage vectors of ``texts`` (one partition, any order): float32, L2-normalised, one row each.

    The static model's for ``hybrid`` / ``static`` (compare them with :func:`candidate_cosine`),
    the full model's for ``full``. A missing or empty text gets a zero row.
    """
    clean = _clean(texts.tolist() if isinstance(texts, pd.Series) else list(texts))
    load_encoders(s)
    vecs = _first_stage(clean, s)
    if len(clean):
        vecs[np.array([not t.strip() for t in clean])] = 0.0
    return vecs


def candidate_cosine(s: SemanticSettings) -> float:
    """The least first-stage cosine of a candidate pair (the static model's scale unless ``full``)."""
    if s.encoder == "full":
        return s.candidate
    slack = s.margin if s.encoder == "hybrid" else 0.0
    return from_full_scale(s.candidate - slack, s.static_model)


def decide_pairs(
    texts_a: Sequence[str | None],
    texts_b: Sequence[str | None],
    figures_a: np.ndarray,
    figures_b: np.ndarray,
    s: SemanticSettings,
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each pair ``(texts_a[i], texts_b[i])`` states the same fact (``fact``) or is a paraphrase.

    ``figures_*`` are the texts' rows of :func:`toolkit_dedup.numbers.number_masks` (``(m, 2)``
    uint64; zeros when unknown). Returns ``(score >= threshold, score)``; the score is the one the
    level's edges and chaining guard use.
    """
    m = len(texts_a)
    if len(texts_b) != m:
        raise ValueError("decide_pairs: texts_a and texts_b differ in length")
    if m == 0:
        return np.zeros(0, dtype=bool), np.zeros(0)
    load_encoders(s)
    texts = _clean(list(texts_a)) + _clean(list(texts_b))
    figures = np.vstack([np.asarray(figures_a, dtype=np.uint64), np.asarray(figures_b, dtype=np.uint64)])
    scorer = PairScorer(texts, _first_stage(texts, s), figures, s)
    score = scorer(np.arange(m), np.arange(m, 2 * m))
    return score >= s.threshold, score


def _clean(values: list[object]) -> list[str]:
    """Texts as ``str``; a missing one (None, NA, NaN) as the empty text."""
    return ["" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]


def _first_stage(texts: list[str], s: SemanticSettings) -> np.ndarray:
    if s.encoder == "full":
        return embed(texts, s.model, device=s.device)
    return static_embed(texts, s.static_model)


class PairScorer:
    """Scores pairs of rows of ``texts`` (one level run's own object, never shared or cached).

    The first-stage cosine (static, mapped onto the full model's scale, or the full model's) is
    adjusted by the fact signals; a figure conflict scores 0. With ``hybrid``, pairs scored within
    ``margin`` of the edge threshold or the guard are re-scored with the full model, whose vectors
    are computed here, once per text, only for those pairs. Pairs are scored in bulk (chunked dot
    products, :func:`row_dots`; shared terms from sorted keys, :class:`TermIndex`): no Python per pair.
    """

    def __init__(self, texts: list[str], first: np.ndarray, figures: np.ndarray, s: SemanticSettings) -> None:
        self.texts = texts
        self.first = first
        self.figures = figures
        self.s = s
        terms = [_term_sets(t) for t in texts] if s.level == "fact" else []
        self.words = TermIndex([w for w, _ in terms])
        self.names = TermIndex([n for _, n in terms])
        self.full: np.ndarray | None = first if s.encoder == "full" else None
        self.have = np.full(len(texts), s.encoder == "full")
        self.full_encoded = 0  # texts the full model encoded (hybrid), for benchmarks

    def __call__(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        s = self.s
        cos = row_dots(self.first, i, j)
        if s.encoder != "full":
            cos = to_full_scale(cos, s.static_model)
        score = self._adjust(cos, i, j)
        conflict = figures_conflict(self.figures[i], self.figures[j])
        if s.encoder == "hybrid":
            near_bar = (np.abs(score - s.threshold) < s.margin) | (np.abs(score - s.guard) < s.margin)
            band = np.flatnonzero(near_bar & ~conflict)
            if len(band):
                full = self._full_vectors(np.concatenate([i[band], j[band]]))
                cos_full = row_dots(full, i[band], j[band])
                score[band] = self._adjust(cos_full, i[band], j[band])
        # Texts that disagree on a figure are neither paraphrases nor the same fact.
        score[conflict] = 0.0
        return score

    def _adjust(self, cos: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        if self.s.level != "fact":
            return cos
        return indexed_fact_scores(cos, self.words, self.names, i, j)

    def _full_vectors(self, rows: np.ndarray) -> np.ndarray:
        missing = np.unique(rows[~self.have[rows]])
        if len(missing):
            vecs = embed([self.texts[k] for k in missing.tolist()], self.s.model, device=self.s.device)
            if self.full is None:
                self.full = np.zeros((len(self.texts), vecs.shape[1]), dtype=np.float32)
            self.full[missing] = vecs
            self.have[missing] = True
            self.full_encoded += len(missing)
        assert self.full is not None
        return self.full


#: Pairs per chunk of :func:`row_dots`: 2,048 x 384 float32 rows are 3 MB per side, reused chunk after
#: chunk (220,000 pairs: 0.065 CPU-s at 1,024-2,048, 0.09 at 8,192, 0.18 at 16,384).
DOT_CHUNK = 2048


def row_dots(vecs: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``vecs[i[k]] . vecs[j[k]]`` for every pair ``k``, as float64.

    In chunks: gathering all rows at once copies two (pairs x dim) arrays (2 x 338 MB for the
    220,000 candidate pairs of 10,000 headlines), and the page faults of those fresh copies cost
    ten times the arithmetic. Each pair's dot product is the same einsum on the same row either
    way, so the values are bit-identical.
    """
    out = np.empty(len(i), dtype=np.float64)
    for lo in range(0, len(i), DOT_CHUNK):
        hi = lo + DOT_CHUNK
        out[lo:hi] = np.einsum("ij,ij->i", vecs[i[lo:hi]], vecs[j[lo:hi]])
    return out


def semantic_level(
    nodes: Nodes,
    texts: list[str | None],
    state: Clustering,
    figures: np.ndarray,
    s: SemanticSettings,
    progress: Callable[[float], None],
) -> Clustering:
    """Merge ``state``'s clusters whose representatives state the same thing (see the module docstring)."""
    load_encoders(s)
    n_nodes = nodes.n_nodes
    reps = np.flatnonzero(state.rep == np.arange(n_nodes))
    first = nodes.first_snippet()
    eligible = reps[(nodes.node_words[reps] >= s.min_words) & (first[reps] >= 0)]
    if len(eligible) < 2:
        return Clustering(state.rep, state.sim, state.match, s.level)
    rep_texts = [str(texts[first[r]]) for r in eligible]
    scorer: PairScorer | None = None
    if every_pair_conflicts(figures[eligible]):
        # Every pair scores 0 whatever its cosine (a figure conflict), so nothing can link: the
        # encoder is not run (a two-snippet run whose texts disagree on a figure costs no model call).
        a = b = np.zeros(0, dtype=np.int64)
    else:
        scorer = PairScorer(rep_texts, _first_stage(rep_texts, s), figures[eligible], s)
    progress(0.75)
    if scorer is not None:
        a, b, _ = cosine_pairs(scorer.first, candidate_cosine(s), s.exact_limit, s.seed)
    pos = np.full(n_nodes, -1, dtype=np.int64)
    pos[eligible] = np.arange(len(eligible))

    def score(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        px, py = pos[x], pos[y]
        ok = (px >= 0) & (py >= 0)
        out = np.zeros(len(x))
        if scorer is not None:  # without a scorer there are no edges, so the guard never asks
            out[ok] = scorer(px[ok], py[ok])
        return out

    ea, eb = eligible[a], eligible[b]
    keep = score(ea, eb) >= s.threshold
    # Clusters of clusters: every node moves with its near-level representative.
    rep2, sim2 = guarded_clusters(n_nodes, ea[keep], eb[keep], nodes.node_rep, score, s.guard)
    final = rep2[state.rep]
    moved = final != state.rep
    new_sim = np.where(moved, np.minimum(state.sim, sim2[state.rep]), state.sim)
    match = state.match.copy()
    match[moved] = s.level
    return Clustering(final, new_sim, match, s.level)


#: :func:`every_pair_conflicts` looks at collections of up to this many representatives (all pairs).
CONFLICT_CHECK_LIMIT = 32


def every_pair_conflicts(figures: np.ndarray) -> bool:
    """True when every pair of these (few) representatives disagrees on a figure (see
    :func:`toolkit_dedup.numbers.figures_conflict`): every pair's score is then 0 and no pair can
    link, so nothing needs encoding. Only asked for up to :data:`CONFLICT_CHECK_LIMIT` rows (a
    larger collection is False: checking its pairs would cost more than it saves)."""
    n = len(figures)
    if n < 2 or n > CONFLICT_CHECK_LIMIT:
        return False
    i, j = np.triu_indices(n, 1)
    return bool(figures_conflict(figures[i], figures[j]).all())


def _term_sets(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """A text's content words and its capitalised names (see :func:`story_terms`)."""
    terms = story_terms(text)
    words = frozenset(t for t in terms if not t.startswith("@"))
    names = frozenset(t for t in terms if t.startswith("@") and "_" not in t)
    return words, names


#: Weights of the fact score (a principled, hand-set combination, not fitted: see README.md).
WORD_WEIGHT = 0.25
NAME_PENALTY = 0.1


def fact_scores(
    cos: np.ndarray,
    x: list[tuple[frozenset[str], frozenset[str]]],
    y: list[tuple[frozenset[str], frozenset[str]]],
) -> np.ndarray:
    """The same-fact score of each pair: the cosine, raised by the content words the two texts
    share and lowered when both name people or places and share none of them.

    ``score = cos + WORD_WEIGHT * (overlap - 0.5)``, where overlap is the share of the shorter
    text's content words found in the other (so a snippet that adds a second fact still scores on
    its lead fact); minus ``NAME_PENALTY`` when both texts carry names and none is shared.
    """
    out = np.asarray(cos, dtype=np.float64).copy()
    for i, ((wx, nx), (wy, ny)) in enumerate(zip(x, y, strict=True)):
        small = min(len(wx), len(wy))
        overlap = len(wx & wy) / small if small else 0.0
        out[i] += WORD_WEIGHT * (overlap - 0.5)
        if nx and ny and not (nx & ny):
            out[i] -= NAME_PENALTY
    return out


class TermIndex:
    """Each text's terms as sorted integer keys ``text * vocabulary + term``, so that how many terms
    two texts share is counted for a whole array of pairs at once (:meth:`shared`) instead of one
    Python set intersection per pair. Built per level run; read-only afterwards.
    """

    def __init__(self, sets: list[frozenset[str]]) -> None:
        vocab: dict[str, int] = {}
        ids = [sorted({vocab.setdefault(t, len(vocab)) for t in terms}) for terms in sets]
        self.sizes = np.array([len(x) for x in ids], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(self.sizes)]).astype(np.int64)
        self.terms = np.fromiter((t for x in ids for t in x), dtype=np.int64, count=int(self.sizes.sum()))
        self.width = max(len(vocab), 1)
        # Sorted: texts in order, each text's ids ascending.
        self.keys = np.repeat(np.arange(len(ids), dtype=np.int64), self.sizes) * self.width + self.terms

    def shared(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """How many terms texts ``i[k]`` and ``j[k]`` have in common, for every ``k``.

        The terms of the smaller text of each pair are looked up among the other's keys
        (one ``searchsorted`` over all pairs), in chunks of :data:`TERM_CHUNK` pairs.
        """
        out = np.zeros(len(i), dtype=np.int64)
        if not len(self.keys):
            return out
        for lo in range(0, len(i), TERM_CHUNK):
            out[lo : lo + TERM_CHUNK] = self._shared(i[lo : lo + TERM_CHUNK], j[lo : lo + TERM_CHUNK])
        return out

    def _shared(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        swap = self.sizes[i] > self.sizes[j]
        small, other = np.where(swap, j, i), np.where(swap, i, j)
        counts = self.sizes[small]
        total = int(counts.sum())
        pair = np.repeat(np.arange(len(i)), counts)
        offset = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        probe = other[pair] * self.width + self.terms[self.starts[small][pair] + offset]
        at = np.minimum(np.searchsorted(self.keys, probe), len(self.keys) - 1)
        return np.bincount(pair[self.keys[at] == probe], minlength=len(i))


#: Pairs per chunk of :meth:`TermIndex.shared` (a chunk expands to about ten terms per pair).
TERM_CHUNK = 65536


def indexed_fact_scores(
    cos: np.ndarray, words: TermIndex, names: TermIndex, i: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """:func:`fact_scores` of the pairs ``(i[k], j[k])`` from the texts' term indexes, all pairs at
    once; the same arithmetic in the same order, so bit-identical scores."""
    out = np.asarray(cos, dtype=np.float64).copy()
    small = np.minimum(words.sizes[i], words.sizes[j])
    overlap = np.zeros(len(out))
    some = small > 0
    overlap[some] = words.shared(i[some], j[some]) / small[some]
    out += WORD_WEIGHT * (overlap - 0.5)
    both = (names.sizes[i] > 0) & (names.sizes[j] > 0)
    disjoint = np.zeros(len(out), dtype=bool)
    disjoint[both] = names.shared(i[both], j[both]) == 0
    out[disjoint] -= NAME_PENALTY
    return out
