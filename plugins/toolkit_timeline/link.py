"""Which attribution claim dates what: each expression is linked to the claim whose content holds it,
else whose speaker-to-content span holds it, else whose speaker is within 40 characters (", the agency
said on Friday"). Ties go to the claim whose speaker is nearer, then to the first claim.

Linear in the number of expressions and claims (issue 16.8: the earlier version joined every
expression of a snippet with every claim of it, 7.3 GB for 1 MB of prose): per snippet, a sweep over
the expressions in text order keeps only the claims whose span is open at that point, and the claims
whose speaker is near are found by bisection. Memory is the claims and expressions themselves.

``toolkit.tables.link_spans_to_claims`` answers only the first of the three questions (content holds
the span), so the timeline keeps this three-tier version.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from toolkit.tables import string_column

NEAR = 40  # characters between an expression and a speaker that still link them


@dataclass(frozen=True, slots=True)
class _Claim:
    order: int
    claim_id: str
    speaker: object  # str or pd.NA
    content: tuple[float, float]  # NaN when unknown
    speaker_span: tuple[float, float]
    span: tuple[float, float]  # from the first to the last offset of speaker and content

    def rank(self, s: int, e: int) -> tuple[int, float, int]:
        """(0 content holds it | 1 span holds it | 2 speaker near | 3 none, distance to the speaker, order)."""
        cs, ce = self.content
        lo, hi = self.span
        ss, se = self.speaker_span
        gap = min((abs(x) for x in (s - se, ss - e) if not math.isnan(x)), default=math.nan)
        if cs <= s and e <= ce:
            tier = 0
        elif lo <= s and e <= hi:
            tier = 1
        elif gap <= NEAR:
            tier = 2
        else:
            tier = 3
        return tier, 1e9 if math.isnan(gap) else gap, self.order


def _floats(claims: pd.DataFrame, col: str) -> list[float]:
    if col not in claims.columns:
        return [math.nan] * len(claims)
    return pd.to_numeric(claims[col], errors="coerce").astype("float64").fillna(math.nan).tolist()


def _claims_by_snippet(claims: pd.DataFrame) -> dict[str, list[_Claim]]:
    sids = claims["snippet_id"].astype("string").tolist()
    ids = claims["claim_id"].astype("string").tolist()
    speakers = (
        claims["speaker_canonical"].astype("string").tolist()
        if "speaker_canonical" in claims.columns
        else [pd.NA] * len(claims)
    )
    cs, ce = _floats(claims, "content_start"), _floats(claims, "content_end")
    ss, se = _floats(claims, "speaker_start"), _floats(claims, "speaker_end")
    out: dict[str, list[_Claim]] = {}
    for k, sid in enumerate(sids):
        if sid is pd.NA or ids[k] is pd.NA:
            continue
        starts = [x for x in (cs[k], ss[k]) if not math.isnan(x)]
        ends = [x for x in (ce[k], se[k]) if not math.isnan(x)]
        span = (min(starts) if starts else math.nan, max(ends) if ends else math.nan)
        claim = _Claim(k, ids[k], speakers[k], (cs[k], ce[k]), (ss[k], se[k]), span)
        out.setdefault(sid, []).append(claim)
    return out


class _SnippetClaims:
    """The claims of one snippet, arranged for a left-to-right sweep over its expressions."""

    def __init__(self, claims: list[_Claim]):
        # open intervals (content, and speaker-to-content span), by their start
        intervals = [(c.content[0], c.content[1], c) for c in claims if not math.isnan(c.content[0])]
        intervals += [(c.span[0], c.span[1], c) for c in claims if not math.isnan(c.span[0])]
        intervals.sort(key=lambda iv: (iv[0], iv[2].order))
        self.intervals = intervals
        self.next = 0
        self.active: list[tuple[float, float, _Claim]] = []
        by_end = sorted((c.speaker_span[1], c.order, c) for c in claims if not math.isnan(c.speaker_span[1]))
        by_start = sorted((c.speaker_span[0], c.order, c) for c in claims if not math.isnan(c.speaker_span[0]))
        self.ends, self.end_claims = [x[0] for x in by_end], [x[2] for x in by_end]
        self.starts, self.start_claims = [x[0] for x in by_start], [x[2] for x in by_start]

    def candidates(self, s: int, e: int) -> list[_Claim]:
        """Claims that may hold or be near ``[s, e)``; calls come with non-decreasing ``s``."""
        while self.next < len(self.intervals) and self.intervals[self.next][0] <= s:
            self.active.append(self.intervals[self.next])
            self.next += 1
        self.active = [iv for iv in self.active if iv[1] >= s]  # closed before s: no later expression either
        found = [iv[2] for iv in self.active if iv[1] >= e]
        found += self.end_claims[bisect_left(self.ends, s - NEAR) : bisect_right(self.ends, s + NEAR)]
        found += self.start_claims[bisect_left(self.starts, e - NEAR) : bisect_right(self.starts, e + NEAR)]
        return found


def link_claims(
    snippet_ids: Sequence[str], starts: Sequence[int], ends: Sequence[int], claims: pd.DataFrame | None
) -> tuple[pd.Series, pd.Series]:
    """Per expression: the ``claim_id`` of the claim that holds or introduces it, and that claim's
    ``speaker_canonical`` (both ``string`` Series, NA without one)."""
    n = len(snippet_ids)
    claim_ids: list[object] = [pd.NA] * n
    speakers: list[object] = [pd.NA] * n
    usable = claims is not None and len(claims) > 0 and {"snippet_id", "claim_id"} <= set(claims.columns)
    if usable:
        assert claims is not None
        by_snippet = _claims_by_snippet(claims)
        order = sorted(range(n), key=lambda i: (snippet_ids[i], starts[i]))
        sweeps: dict[str, _SnippetClaims] = {}
        for i in order:
            sid = snippet_ids[i]
            if sid not in by_snippet:
                continue
            sweep = sweeps.get(sid)
            if sweep is None:
                sweeps.clear()  # one snippet at a time (rows are sorted by snippet)
                sweep = sweeps[sid] = _SnippetClaims(by_snippet[sid])
            s, e = starts[i], ends[i]
            ranked = [(*c.rank(s, e), c) for c in sweep.candidates(s, e)]
            best = min(ranked, key=lambda r: r[:3], default=None)
            if best is not None and best[0] < 3:
                claim_ids[i], speakers[i] = best[3].claim_id, best[3].speaker
    return pd.Series(string_column(claim_ids)), pd.Series(string_column(speakers))
