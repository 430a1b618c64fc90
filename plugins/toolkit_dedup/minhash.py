"""Vectorised MinHash signatures, LSH banding and candidate verification (NumPy only).

Signatures are one-permutation MinHash (Li, Owen & Zhang 2012) with optimal densification
(Shrivastava 2017): every character k-gram is hashed once, the top bits pick one of ``num_perm``
bins and the bin keeps its minimum. The fraction of equal bins between two signatures estimates
their Jaccard similarity like ``num_perm`` classic permutations, at the cost of one hash per
shingle instead of ``num_perm``.

Everything here works row by row on a chunk (a partition) except :func:`band_candidates`, the
global grouping step, which only needs the signatures: a distributed run computes signatures per
partition and shuffles band keys.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_EMPTY = np.uint32(0xFFFFFFFF)


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, in place on a uint64 array (wrapping arithmetic)."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


@lru_cache(maxsize=64)
def _multipliers(k: int, seed: int) -> np.ndarray:
    """Odd 64-bit multipliers from ``seed`` (read-only: cached, shared by every call and thread)."""
    rng = np.random.default_rng(seed)
    out = rng.integers(1, 2**63, size=k, dtype=np.uint64) | np.uint64(1)
    out.setflags(write=False)
    return out


def shingle_hashes(keys: pa.Array, k: int = 5, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every byte k-gram of every (UTF-8) key: ``(doc_index, hash)``.

    Keys shorter than ``k`` bytes (but not empty) give one shingle, the whole key. Empty and
    null keys give none.
    """
    if not pa.types.is_large_string(keys.type):
        keys = keys.cast(pa.large_string())
    n = len(keys)
    offsets_buf, data_buf = keys.buffers()[1], keys.buffers()[2]
    offsets = np.frombuffer(offsets_buf, dtype=np.int64)[keys.offset : keys.offset + n + 1].copy()
    if keys.null_count:
        valid = np.asarray(keys.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        lengths = np.where(valid, np.diff(offsets), 0)
    else:
        lengths = np.diff(offsets)
    starts = offsets[:-1]
    total = int(offsets[-1] - offsets[0]) if n else 0
    base = int(offsets[0]) if n else 0
    data = np.frombuffer(data_buf, dtype=np.uint8, count=base + total)[base:] if total else None
    n_sh = np.where(lengths >= k, lengths - k + 1, np.where(lengths > 0, 1, 0)).astype(np.int64)
    doc = np.repeat(np.arange(n, dtype=np.int64), n_sh)
    if len(doc) == 0 or data is None:
        return doc, np.zeros(0, dtype=np.uint64)
    mult = _multipliers(k, seed)
    # Hash of the window starting at every byte of the buffer: k shifted slices, no gathers.
    width = max(total - k + 1, 0)
    roll = np.zeros(width, dtype=np.uint64)
    for j in range(k):
        roll ^= data[j : j + width].astype(np.uint64) * mult[j]
    first = np.cumsum(n_sh) - n_sh
    pos = np.arange(len(doc), dtype=np.int64) - np.repeat(first - (starts - base), n_sh)
    long_doc = np.repeat(lengths >= k, n_sh)
    h = np.empty(len(doc), dtype=np.uint64)
    h[long_doc] = roll[pos[long_doc]]
    short = np.flatnonzero(~long_doc)
    if len(short):  # keys of 1 to k-1 bytes: hash the bytes they have
        hs = np.zeros(len(short), dtype=np.uint64)
        sd = doc[short]
        for j in range(k - 1):
            inside = lengths[sd] > j
            byte = data[np.minimum(pos[short] + j, total - 1)].astype(np.uint64)
            hs ^= np.where(inside, byte, np.uint64(0)) * mult[j]
        h[short] = hs
    return doc, _mix64(h)


def signatures(
    keys: pa.Array, num_perm: int = 128, k: int = 5, seed: int = 1, chunk: int = 100_000
) -> tuple[np.ndarray, np.ndarray]:
    """One-permutation MinHash signatures ``(n, num_perm)`` uint32 and shingle counts per key.

    Rows of empty keys are all ``0xFFFFFFFF`` with count 0. ``num_perm`` must be a power of two.
    """
    if num_perm & (num_perm - 1) or not 8 <= num_perm <= 1024:
        raise ValueError("num_perm must be a power of two between 8 and 1024")
    n = len(keys)
    sig = np.full((n, num_perm), _EMPTY, dtype=np.uint32)
    counts = np.zeros(n, dtype=np.int64)
    bits = np.uint64(num_perm.bit_length() - 1)
    probe = _probe_table(num_perm, seed)
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        doc, h = shingle_hashes(keys.slice(lo, hi - lo), k=k, seed=seed)
        if len(doc) == 0:
            continue
        counts[lo:hi] = np.bincount(doc, minlength=hi - lo)
        bins = (h >> (np.uint64(64) - bits)).astype(np.int64)
        vals = (h & np.uint64(0xFFFFFFFE)).astype(np.uint32)  # never equal to the empty marker
        block = sig[lo:hi].reshape(-1)
        np.minimum.at(block, doc * num_perm + bins, vals)
        _densify(sig[lo:hi], probe)
    return sig, counts


@lru_cache(maxsize=16)
def _probe_table(num_perm: int, seed: int, rounds: int = 64) -> np.ndarray:
    """Densification probes (read-only: cached, shared by every call and thread)."""
    rng = np.random.default_rng(seed + 7919)
    out = rng.integers(0, num_perm, size=(rounds, num_perm), dtype=np.int64)
    out.setflags(write=False)
    return out


def _densify(sig: np.ndarray, probe: np.ndarray) -> None:
    """Fill empty bins from a pseudo-random non-empty bin of the same row, in place.

    Round ``r`` fills a still-empty cell from bin ``probe[r, col]`` of its row when that bin had a
    shingle; cells the rounds leave empty take the row's first non-empty bin. Only the cells still
    waiting are carried from round to round, as 32-bit flat positions when they fit (the row and
    column are recomputed from it), which halves the memory traffic of the first rounds.
    """
    n, m = sig.shape
    flat = sig.reshape(-1)
    empty = flat == _EMPTY
    cells = np.flatnonzero(empty)
    if len(cells) == 0:
        return
    full_rows = np.flatnonzero(empty.reshape(n, m).all(axis=1))
    if len(full_rows):  # rows without any shingle stay empty
        cells = cells[~np.isin(cells // m, full_rows)]
    itype = np.int32 if n * m < 2**31 else np.int64
    cells = cells.astype(itype)
    filled = ~empty
    probes = probe.astype(itype)
    low = itype(m - 1)
    for r in range(len(probes)):
        cols = cells & low if m & (m - 1) == 0 else cells % itype(m)
        src = cells - cols + probes[r][cols]
        ok = filled[src]
        hit = np.flatnonzero(ok)
        flat[cells[hit]] = flat[src[hit]]
        cells = cells[~ok]
        if len(cells) == 0:
            return
    # Extremely sparse rows left over: take the row's first non-empty bin.
    rows = cells - cells % m
    first = np.argmax(filled.reshape(n, m), axis=1)
    flat[cells] = flat[rows + first[rows // m]]


#: Band keys are mixed for this many (row, band) cells at once: all bands of a small collection
#: in one pass per signature row, a few bands at a time of a large one (memory stays ~32 MB).
_KEY_CELLS = 1 << 22


def band_keys(
    sig: np.ndarray, bands: int, rows: int, seed: int = 1, idx: np.ndarray | None = None
) -> Iterator[np.ndarray]:
    """One uint64 key per row (of ``idx``, default all) and band (a partition-local step)."""
    mult = _multipliers(rows, seed + 17)
    if idx is not None and idx.dtype == bool:
        idx = np.flatnonzero(idx)
    n = len(sig) if idx is None else len(idx)
    step = max(1, min(bands, _KEY_CELLS // max(n, 1)))
    for first in range(0, bands, step):
        last = min(bands, first + step)
        cols = slice(first * rows, last * rows)  # only these bands' columns of the rows asked for
        block = (sig[:, cols] if idx is None else sig[idx, cols]).reshape(n, last - first, rows)
        key = np.broadcast_to(np.arange(first + 1, last + 1, dtype=np.uint64), block.shape[:2]).copy()
        for j in range(rows):
            key ^= block[:, :, j].astype(np.uint64) * mult[j]
            key = _mix64(key)
        yield from key.T


def row_hashes(sig: np.ndarray, seed: int = 1, chunk: int = 65_536, idx: np.ndarray | None = None) -> np.ndarray:
    """A 64-bit hash of every signature row (of ``idx``, default all; of the whole row: near-copies
    differ), content only. Rows are read a chunk at a time (no copy of the whole matrix)."""
    mult = _multipliers(sig.shape[1], seed + 31)
    if idx is not None and idx.dtype == bool:
        idx = np.flatnonzero(idx)
    n = len(sig) if idx is None else len(idx)
    out = np.empty(n, dtype=np.uint64)
    for lo in range(0, n, chunk):
        block = (sig[lo : lo + chunk] if idx is None else sig[idx[lo : lo + chunk]]).astype(np.uint64)
        out[lo : lo + chunk] = _mix64(block @ mult)  # wrapping integer products
    return out


def _band_tie(row_hash: np.ndarray, band: int) -> np.ndarray:
    """The pseudo-random order of rows inside a bucket of ``band`` (from their signature hash)."""
    return _mix64(row_hash ^ np.uint64((band + 1) * 0x9E3779B97F4A7C15 % 2**64))


def bucket_order(key: np.ndarray, row_hash: np.ndarray, band: int) -> np.ndarray:
    """Rows sorted by band key, each bucket's rows in a pseudo-random order that differs per band.

    The order inside a bucket comes from the rows' content (their signature hash mixed with the
    band number; ties keep the input order, which callers keep sorted by key text), so the bucket's
    head is the same whatever else the collection holds: a bucket computed on any set of rows that
    contains it picks the same head (what lets a distributed run reproduce it per bucket).
    """
    perm = np.argsort(_band_tie(row_hash, band), kind="stable")
    return perm[np.argsort(key[perm], kind="stable")]


def bucket_heads(key: np.ndarray, row_hash: np.ndarray, band: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows in buckets of two or more, and each one's bucket head: the row :func:`bucket_order`
    puts first (least pseudo-random tie, then least row), found with a hash table and two
    per-bucket minima instead of two sorts of every row (2.4x faster on 86,000 keys x 32 bands).

    Returns ``(rows, head)``, rows ascending; a head is its own head.
    """
    codes, uniques = pd.factorize(key)
    codes = np.asarray(codes, dtype=np.int64)
    rows = np.flatnonzero(np.bincount(codes, minlength=len(uniques))[codes] > 1)
    code = codes[rows]
    tie = _band_tie(row_hash[rows], band)
    least = np.full(len(uniques), np.iinfo(np.uint64).max, dtype=np.uint64)
    np.minimum.at(least, code, tie)
    at_least = tie == least[code]
    first = np.full(len(uniques), len(key), dtype=np.int64)
    np.minimum.at(first, code[at_least], rows[at_least])
    return rows, first[code]


def band_candidates(
    sig: np.ndarray, bands: int, rows: int, active: np.ndarray | None = None, seed: int = 1
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Candidate pairs ``(a, b)`` band by band: every bucket member linked to the bucket's head.

    Star edges keep the work linear in the number of rows even for a bucket of thousands of copies.
    The head differs per band (:func:`bucket_order`), so one member that collides with everything
    but verifies against nothing cannot starve a bucket; it depends on the bucket's members alone.
    """
    n = len(sig)
    idx = np.arange(n, dtype=np.int64) if active is None else np.flatnonzero(active)
    if len(idx) < 2:
        return
    hashes = row_hashes(sig, seed, idx=None if active is None else idx)
    for band, key in enumerate(band_keys(sig, bands, rows, seed, idx=None if active is None else idx)):
        inside, head = bucket_heads(key, hashes, band)
        member = head != inside
        if member.any():
            yield idx[head[member]], idx[inside[member]]


def estimated_jaccard(sig: np.ndarray, a: np.ndarray, b: np.ndarray, batch: int = 32_768) -> np.ndarray:
    """Fraction of equal signature bins for each pair ``(a[i], b[i])``."""
    out = np.empty(len(a), dtype=np.float64)
    m = sig.shape[1]
    for lo in range(0, len(a), batch):
        hi = min(len(a), lo + batch)
        out[lo:hi] = np.count_nonzero(sig[a[lo:hi]] == sig[b[lo:hi]], axis=1) / m
    return out


def containment(jac: np.ndarray, n_small: np.ndarray, n_big: np.ndarray, min_ratio: float = 0.4) -> np.ndarray:
    """Estimated share of the smaller set inside the larger from Jaccard and the set sizes.

    The estimate amplifies the error of the Jaccard estimate by ``(1 + r) / r`` for a size ratio
    ``r``; below ``min_ratio`` it is too noisy to trust and the Jaccard estimate is returned.
    """
    n_small = np.maximum(n_small, 1)
    n_big = np.maximum(n_big, n_small)
    inter = jac * (n_small + n_big) / (1.0 + jac)
    cont = np.clip(inter / n_small, 0.0, 1.0)
    return np.where(n_small >= min_ratio * n_big, cont, jac)


#: :func:`exact_containment` checks the pairs in chunks of about this many shingles (both sides):
#: its hash tables then stay in cache and its memory bounded, whatever the number of pairs (one
#: table over all pairs was 8x slower per shingle at 6.6M shingles and the run's memory peak).
_CONTAINMENT_SHINGLES = 1 << 17


def exact_containment(
    keys: pa.Array, x: np.ndarray, y: np.ndarray, k: int = 5, seed: int = 1, chunk: int = _CONTAINMENT_SHINGLES
) -> np.ndarray:
    """Exact share of the shingles of ``keys[x[i]]`` found in ``keys[y[i]]``, for every pair ``i``.

    Pairs are independent, so they are checked ``chunk`` shingles (both sides) at a time.
    """
    m = len(x)
    out = np.zeros(m)
    if m == 0:
        return out
    counts = shingle_counts(keys, k)
    work = np.cumsum(counts[x] + counts[y])
    cuts = np.searchsorted(work, np.arange(chunk, int(work[-1]), chunk))
    bounds = np.unique(np.concatenate([[0], cuts, [m]])).tolist()
    for lo, hi in itertools.pairwise(bounds):
        out[lo:hi] = _chunk_containment(keys, x[lo:hi], y[lo:hi], k, seed)
    return out


def _chunk_containment(keys: pa.Array, x: np.ndarray, y: np.ndarray, k: int, seed: int) -> np.ndarray:
    """:func:`exact_containment` of one chunk of pairs.

    Each ``(pair, shingle)`` becomes one integer (the pair times the number of distinct shingle
    hashes, plus the hash's code); one hash table over both sides' integers (``pd.factorize``)
    then gives the distinct shingles of each pair's ``x`` side and those its ``y`` side holds too:
    linear, where sorting the pairs was not.
    """
    m = len(x)
    dx, hx = shingle_hashes(keys.take(pa.array(x)), k=k, seed=seed)
    dy, hy = shingle_hashes(keys.take(pa.array(y)), k=k, seed=seed)
    codes, uniques = pd.factorize(np.concatenate([hx, hy]))
    width = max(len(uniques), 1)
    if m > 1 and m * width >= 2**62:  # the combined integers would overflow: halve the pairs
        half = m // 2
        return np.concatenate(
            [
                _chunk_containment(keys, x[:half], y[:half], k, seed),
                _chunk_containment(keys, x[half:], y[half:], k, seed),
            ]
        )
    ids, distinct = pd.factorize(np.concatenate([dx, dy]) * width + codes)
    in_x = np.zeros(len(distinct), dtype=bool)
    in_x[ids[: len(hx)]] = True
    in_y = np.zeros(len(distinct), dtype=bool)
    in_y[ids[len(hx) :]] = True
    pair = distinct // width
    size = np.bincount(pair[in_x], minlength=m)
    inter = np.bincount(pair[in_x & in_y], minlength=m)
    return np.where(size > 0, inter / np.maximum(size, 1), 0.0)


def shingle_counts(keys: pa.Array, k: int = 5) -> np.ndarray:
    """Shingles per key as :func:`signatures` counts them: ``bytes - k + 1``, 1 for a short key, 0 for none."""
    n_bytes = pc.fill_null(pc.binary_length(keys), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    return np.where(n_bytes >= k, n_bytes - k + 1, np.where(n_bytes > 0, 1, 0)).astype(np.int64)
