"""Connected components, representatives and the chaining guard, vectorised with NumPy."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def value_components(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Components of edges ``a[i]``–``b[i]`` between nodes named by any sortable values (hashes, ids):
    the distinct nodes in sorted order, and each one's label, the smallest node of its component."""
    nodes, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    labels = components(len(nodes), inverse[: len(a)], inverse[len(a) :])
    return nodes, nodes[labels]


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Label of every node 0..n-1: the smallest node index of its connected component.

    Union-find as hook-and-compress rounds over the whole edge list (no per-edge Python), so it
    runs the same on a driver or, edge lists shuffled by band, as min-label propagation.
    """
    parent = np.arange(n, dtype=np.int64)
    if n == 0 or len(a) == 0:
        return parent
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    while True:
        pa_, pb_ = parent[a], parent[b]
        diff = pa_ != pb_
        if not diff.any():
            return parent
        a, b, pa_, pb_ = a[diff], b[diff], pa_[diff], pb_[diff]
        lo, hi = np.minimum(pa_, pb_), np.maximum(pa_, pb_)
        np.minimum.at(parent, hi, lo)
        while True:  # pointer jumping until every node points at its root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand


def pick_first(groups: np.ndarray, *keys: np.ndarray) -> np.ndarray:
    """For each node, the node that sorts first within its group by ``keys`` (ascending, in order)."""
    n = len(groups)
    order = np.lexsort((np.arange(n), *reversed(keys), groups))
    g_sorted = groups[order]
    start = np.ones(n, dtype=bool)
    start[1:] = g_sorted[1:] != g_sorted[:-1]
    head = order[np.maximum.accumulate(np.where(start, np.arange(n), 0))]
    out = np.empty(n, dtype=np.int64)
    out[order] = head
    return out


def guarded_clusters(
    n: int,
    a: np.ndarray,
    b: np.ndarray,
    choose_rep: Callable[[np.ndarray], np.ndarray],
    similarity: Callable[[np.ndarray, np.ndarray], np.ndarray],
    guard: float,
    rounds: int = 6,
) -> tuple[np.ndarray, np.ndarray]:
    """Components whose every member stays ``guard``-similar to the component's representative.

    ``choose_rep(labels)`` gives each node's representative for a labelling; ``similarity(x, y)``
    scores node pairs. Members below the guard are detached and clustered again among themselves
    (only edges between detached nodes count), for a few rounds; what is left becomes singletons.
    This stops one bridge snippet from chaining two unrelated stories into one cluster.

    Returns ``(rep, sim)``: each node's representative and its similarity to it.
    """
    rep = np.arange(n, dtype=np.int64)
    sim = np.ones(n, dtype=np.float64)
    todo = np.ones(n, dtype=bool)
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    for _ in range(rounds):
        keep = todo[a] & todo[b]
        a, b = a[keep], b[keep]
        if len(a) == 0:
            break
        labels = components(n, a, b)
        labels = np.where(todo, labels, np.arange(n))
        r = choose_rep(labels)
        nodes = np.flatnonzero(todo & (r != np.arange(n)))
        s = similarity(nodes, r[nodes]) if len(nodes) else np.zeros(0)
        ok = s >= guard
        rep[nodes[ok]] = r[nodes[ok]]
        sim[nodes[ok]] = s[ok]
        settled = np.zeros(n, dtype=bool)
        settled[nodes[ok]] = True
        # A representative with members is settled; so is a node alone in its component.
        has_members = np.zeros(n, dtype=bool)
        has_members[r[nodes[ok]]] = True
        settled |= has_members
        alone = todo & (r == np.arange(n))
        settled |= alone
        todo &= ~settled
        if not todo.any():
            break
    return rep, sim
