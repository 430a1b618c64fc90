"""The ``paraphrase`` and ``fact`` levels: near-level clusters merged by meaning.

Both encode one text per near-level cluster (its representative snippet's text) with the sentence
encoder (:mod:`toolkit_dedup.embeddings`), find candidate pairs by cosine and merge them under the
chaining guard (every member stays close to its cluster's representative).

``paraphrase`` links on the cosine alone. ``fact`` decides each candidate pair with every signal
the texts carry (:func:`fact_scores`): the cosine, the content words and capitalised names the two
texts share, and the figures they state: two texts that each state a figure the other lacks
("toll rose to 69" / "toll rose to 72", "$2.5 billion" / "$1.8 billion") report different facts,
whatever their cosine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from toolkit_dedup.embeddings import cosine_pairs, embed, get_encoder
from toolkit_dedup.extract import story_terms
from toolkit_dedup.graph import guarded_clusters
from toolkit_dedup.grouping import Clustering, Nodes
from toolkit_dedup.numbers import figures_conflict


@dataclass(frozen=True)
class SemanticSettings:
    """What the semantic levels read from ``DedupParams``."""

    level: str  # "paraphrase" or "fact"
    threshold: float  # least pair score for an edge
    guard: float  # least score of a member to its cluster's representative
    candidate: float  # least cosine for a pair to be scored at all
    min_words: int
    model: str
    device: str
    exact_limit: int
    seed: int


def semantic_level(
    nodes: Nodes,
    texts: list[str | None],
    state: Clustering,
    figures: np.ndarray,
    s: SemanticSettings,
    progress: Callable[[float], None],
) -> Clustering:
    """Merge ``state``'s clusters whose representatives state the same thing (see the module docstring)."""
    # Load (or fetch the cached) encoder first: a missing extra is a clear error whatever the
    # input, and the first real pair never pays for the model load.
    get_encoder(s.model, s.device)
    n_nodes = nodes.n_nodes
    reps = np.flatnonzero(state.rep == np.arange(n_nodes))
    first = nodes.first_snippet()
    eligible = reps[(nodes.node_words[reps] >= s.min_words) & (first[reps] >= 0)]
    if len(eligible) < 2:
        return Clustering(state.rep, state.sim, state.match, s.level)
    rep_texts = [str(texts[first[r]]) for r in eligible]
    vecs = embed(rep_texts, s.model, device=s.device)
    progress(0.75)
    a, b, _ = cosine_pairs(vecs, s.candidate, s.exact_limit, s.seed)
    pos = np.full(n_nodes, -1, dtype=np.int64)
    pos[eligible] = np.arange(len(eligible))
    terms = [_term_sets(t) for t in rep_texts] if s.level == "fact" else []

    def score(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        px, py = pos[x], pos[y]
        ok = (px >= 0) & (py >= 0)
        out = np.zeros(len(x))
        cos = np.einsum("ij,ij->i", vecs[px[ok]], vecs[py[ok]]).astype(np.float64)
        if s.level == "fact":
            cos = fact_scores(cos, [terms[i] for i in px[ok]], [terms[i] for i in py[ok]])
        out[ok] = cos
        # Texts that disagree on a figure are neither paraphrases nor the same fact.
        out[figures_conflict(figures[x], figures[y])] = 0.0
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
