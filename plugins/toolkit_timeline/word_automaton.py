"""The start filter's automaton: which character sequences can begin a trigger word and what must
follow it, as tables of states that numpy walks for many positions at once.

Each trie word is a sequence of character-id sets (:class:`toolkit_timeline.candidates.StartFilter`
gives ids to characters): the word's ``[xX]`` classes, then for a small word ("the", "in", "a") white
space and the characters what follows it can start with. A position is kept when its text can begin
one of the sequences, or when it is still inside one after ``depth`` characters; it is dropped as soon
as no sequence goes on with the characters read. Every sequence is a necessary condition of its
word's branch of the trigger, so nothing the trigger would find is dropped.

The states are those of the subset construction (which items of which sequences are still open), found
from the start state character by character, so there are only as many as the words' prefixes.
"""

from __future__ import annotations

import numpy as np

#: The state no sequence goes on from, and the state where a sequence was read to its end (or past
#: ``depth``): both absorb every character.
DEAD, ACCEPT = 0, 1
_START = 2


def build(sequences: list[list[frozenset[int]]], size: int, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """``(first3, trans)``: ``first3[(a * size + b) * size + c]`` is the state after the ids ``a, b, c``
    from the start; ``trans[state, id]`` the state after one more id (ids are ``0 .. size - 1``)."""
    numbers: dict[frozenset[tuple[int, int]], int] = {}
    rows: list[list[int]] = [[DEAD] * size, [ACCEPT] * size]
    todo: list[frozenset[tuple[int, int]]] = []

    def number(items: frozenset[tuple[int, int]]) -> int:
        if not items:
            return DEAD
        if any(k == len(sequences[i]) for i, k in items) or next(iter(items))[1] >= depth:
            return ACCEPT
        if items not in numbers:
            numbers[items] = len(rows)
            rows.append([])
            todo.append(items)
        return numbers[items]

    start = number(frozenset((i, 0) for i, seq in enumerate(sequences) if seq))
    while todo:
        items = todo.pop()
        after: dict[int, list[tuple[int, int]]] = {}  # per character id, the items that read it
        for i, k in items:
            for ident in sequences[i][k]:
                after.setdefault(ident, []).append((i, k + 1))
        rows[numbers[items]] = [number(frozenset(after.get(ident, ()))) for ident in range(size)]
    trans = np.array(rows, dtype=np.int16 if len(rows) < 2**15 else np.int32)
    if start < _START:  # no sequence at all, or one that is empty: every position dead / kept
        return np.full(size**3, start, dtype=trans.dtype), trans
    first3 = trans[trans[trans[start]]]  # (size, size, size): after the first, second and third id
    return np.ascontiguousarray(first3).ravel(), trans
