"""The figures of a normalised text as two 64-bit sets, and the test that two texts disagree on one.

Computed inside dedup from the normalised keys alone (no need for the figures analysis to run):
"toll rose to 69" / "toll rose to 72" and "episode 4" / "episode 5" disagree; "4.5" written "4 5"
or "45" once punctuation is stripped, or a figure one text simply drops, do not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

# A run of ASCII digits and the spaces between them (keys hold letters, digits and single spaces).
_RUN = re.compile(r"[0-9][0-9 ]*")
_TRAILING = "0123456789 "
_DIGIT = re.compile(r"[0-9]")


def hash_number(token: str) -> int:
    """Stable bit position (0..63) of a number token (the same across partitions and runs)."""
    h = 0
    for ch in token:
        h = (h * 131 + ord(ch)) & 0xFFFFFFFF
    return (h * 2654435761 & 0xFFFFFFFF) >> 26


def _bit(token: str) -> int:
    return 1 << hash_number(token.lstrip("0") or "0")


def _run_bits(run: str) -> tuple[int, int]:
    """The bits of one run of digits and spaces: read as one figure, and digit group by digit group."""
    run = run.rstrip(" ")
    apart = 0
    for token in run.split(" "):
        apart |= _bit(token)
    return _bit(run.replace(" ", "")), apart


def key_masks(key: str, cut_off: bool = False) -> tuple[int, int]:
    """The two figure sets of one normalised key (see :func:`number_masks`)."""
    return _key_masks(key, cut_off, {})


def _key_masks(key: str, cut_off: bool, bits_of: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """:func:`key_masks` with a memo of number runs' bits (per call of the caller, never shared:
    the same few numbers recur across different texts, so this holds when every text differs)."""
    if cut_off and key and key[-1] in _TRAILING:
        stripped = key.rstrip(_TRAILING)
        # Only a figure at the very end is dropped: "[0-9][0-9 ]*$" starts at a digit.
        key = stripped + " " if stripped != key else key
    joined = apart = 0
    for run in _RUN.findall(key):
        bits = bits_of.get(run)
        if bits is None:
            bits = bits_of[run] = _run_bits(run)
        joined |= bits[0]
        apart |= bits[1]
    return joined, apart


def number_masks(keys: Sequence[str | None], cut: Sequence[bool] | np.ndarray | None = None) -> np.ndarray:
    """The figures of every normalised key as two 64-bit sets, ``(n, 2)`` uint64.

    Column 0 reads a run of digits and spaces as one figure ("4.5", "4 5" and "45", once the
    punctuation is stripped, are all 45; "13-14-15" is 131415); column 1 reads every digit run
    on its own (4 and 5). "s04e06" holds 4 and 6 (leading zeros dropped). In a cut-off key a
    figure at the very end is dropped (the cut may have shortened it). Keys without figures get
    0. Folding figures onto 64 bits can hide a disagreement (two figures on one bit), never
    invent one.
    """
    n = len(keys)
    masks = np.zeros((n, 2), dtype=np.uint64)
    cut_list = [False] * n if cut is None else [bool(c) for c in cut]
    bits_of: dict[str, tuple[int, int]] = {}
    search = _DIGIT.search
    rows = [i for i, key in enumerate(keys) if key and search(key)]
    if rows:
        masks[rows] = np.array([_key_masks(keys[i] or "", cut_list[i], bits_of) for i in rows], dtype=np.uint64)
    return masks


def figures_conflict(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Rows of :func:`number_masks` that disagree: each text holds a figure the other lacks, read
    both ways (figures joined across spaces and digit runs apart), so a stripped "4.5" -> "45" or a
    dropped figure is no disagreement, "episode 4" / "episode 5" is."""
    one_way = ((x & ~y) != 0) & ((y & ~x) != 0)
    return one_way[:, 0] & one_way[:, 1]
