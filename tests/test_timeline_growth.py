"""The timeline plugin at scale, without the clock: memory and work grow linearly with the text
(measured by allocation peaks and ratios within one run), the claim linking agrees with a brute-force
oracle, one extractor is safe to share between threads, and extract per partition + combine gives
the same tables as one call (issue 16.8, 13.6, 14.2, 12.1)."""

from __future__ import annotations

import gc
import math
import re
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_timeline import TimelineParams, combine_events, extract_mentions, extract_timeline
from toolkit_timeline.extract import Extractor, Options
from toolkit_timeline.grammar import grammar
from toolkit_timeline.link import NEAR, link_claims

import toolkit
from toolkit import Context, Output

FRIDAY = date(2024, 12, 27)


def frame(rows: list[dict]) -> pd.DataFrame:
    return toolkit.snippet_frame(pd.DataFrame(rows))


# ---------------------------------------------------------------------------------------------
# Claim linking: linear memory (issue 16.8) and the same answer as the obvious quadratic rule


def brute_force(snippet_ids, starts, ends, claims: pd.DataFrame) -> list[object]:
    """The rule as the README states it, one claim against one expression at a time."""
    out: list[object] = []
    for sid, s, e in zip(snippet_ids, starts, ends, strict=True):
        best, best_key = None, None
        for order, c in enumerate(claims.to_dict("records")):
            if c["snippet_id"] != sid:
                continue
            cs, ce, ss, se = (float(c[k]) if pd.notna(c[k]) else math.nan for k in
                              ("content_start", "content_end", "speaker_start", "speaker_end"))  # fmt: skip
            lo = min((x for x in (cs, ss) if not math.isnan(x)), default=math.nan)
            hi = max((x for x in (ce, se) if not math.isnan(x)), default=math.nan)
            gap = min((abs(x) for x in (s - se, ss - e) if not math.isnan(x)), default=math.nan)
            tier = 0 if cs <= s and e <= ce else 1 if lo <= s and e <= hi else 2 if gap <= NEAR else 3
            key = (tier, 1e9 if math.isnan(gap) else gap, order)
            if tier < 3 and (best_key is None or key < best_key):
                best, best_key = c["claim_id"], key
        out.append(best)
    return out


offsets = st.one_of(st.none(), st.integers(0, 300))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 290), st.integers(1, 12)), max_size=12),
    st.lists(
        st.tuples(st.sampled_from("ab"), offsets, st.integers(0, 120), offsets, st.integers(0, 30)),
        min_size=1,
        max_size=8,
    ),
)
def test_linking_agrees_with_the_brute_force_rule(mentions, raw_claims):
    claims = pd.DataFrame(
        {
            "claim_id": [f"c{i}" for i in range(len(raw_claims))],
            "snippet_id": [c[0] for c in raw_claims],
            "content_start": pd.array([c[1] for c in raw_claims], dtype="Int64"),
            "content_end": pd.array([None if c[1] is None else c[1] + c[2] for c in raw_claims], dtype="Int64"),
            "speaker_start": pd.array([c[3] for c in raw_claims], dtype="Int64"),
            "speaker_end": pd.array([None if c[3] is None else c[3] + c[4] for c in raw_claims], dtype="Int64"),
            "speaker_canonical": [f"S{i}" for i in range(len(raw_claims))],
        }
    )
    sids = [m[0] for m in mentions]
    starts = [m[1] for m in mentions]
    ends = [m[1] + m[2] for m in mentions]
    got, speakers = link_claims(sids, starts, ends, claims)
    want = brute_force(sids, starts, ends, claims)
    assert [None if pd.isna(x) else x for x in got] == want
    assert [None if pd.isna(x) else "S" + x[1:] for x in got] == [None if pd.isna(x) else x for x in speakers]


def one_long_snippet(n: int) -> tuple[list[str], list[int], list[int], pd.DataFrame]:
    """``n`` dates and ``n`` claims in one snippet: the case that needed 7.3 GB at 1 MB of prose."""
    starts = [100 * i + 50 for i in range(n)]
    claims = pd.DataFrame(
        {
            "claim_id": [f"s:c{i}" for i in range(n)],
            "snippet_id": ["s"] * n,
            "speaker_start": [100 * i for i in range(n)],
            "speaker_end": [100 * i + 10 for i in range(n)],
            "content_start": [100 * i + 20 for i in range(n)],
            "content_end": [100 * i + 90 for i in range(n)],
            "speaker_canonical": ["NIS"] * n,
        }
    )
    return ["s"] * n, starts, [s + 8 for s in starts], claims


def peak_bytes(fn) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_linking_memory_grows_linearly():
    def run(n: int) -> int:
        sids, starts, ends, claims = one_long_snippet(n)
        got: list = []
        peak = peak_bytes(lambda: got.append(link_claims(sids, starts, ends, claims)))
        assert got[0][0].tolist() == [f"s:c{i}" for i in range(n)]  # each date in its own claim
        return peak

    small, big = run(500), run(5_000)
    assert big < 20 * small  # linear: ~10x; the per-snippet cross join was ~100x


def test_timeline_with_claims_memory_grows_linearly():
    """The whole per-snippet half on one long snippet with a claim per sentence."""

    def run(n: int) -> int:
        sentence = "The agency said on Friday that talks resume on 3 March 2025. "
        text = sentence * n
        step = len(sentence)
        claims = pd.DataFrame(
            {
                "claim_id": [f"s:c{i}" for i in range(n)],
                "snippet_id": ["s"] * n,
                "speaker_start": [i * step for i in range(n)],
                "speaker_end": [i * step + 10 for i in range(n)],
                "content_start": [i * step + 30 for i in range(n)],
                "content_end": [(i + 1) * step - 2 for i in range(n)],
                "speaker_canonical": ["Agency"] * n,
            }
        )
        f = frame([{"snippet_id": "s", "text": text}])
        out: list[Output] = []
        peak = peak_bytes(lambda: out.append(extract_mentions(f, TimelineParams(reference_date="2024-12-27"),
                                                              Context(tables={"claims": claims}))))  # fmt: skip
        tl = out[0].tables["timeline"]
        assert len(tl) == 2 * n and tl["claim_id"].notna().all()
        return peak

    small, big = run(100), run(1_000)
    assert big < 20 * small


# ---------------------------------------------------------------------------------------------
# Linear time on hostile input: a ratio within one run, against a linear pass over the same text


def cpu(fn) -> float:
    best = math.inf
    for _ in range(3):
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


@pytest.mark.parametrize(
    "unit",
    ["1", "May ", "12/12/", "in the past ", "'9", "Friday, Dec. ", "a" * 50 + " ", "postponed the vote to ",
     "2024 ", "Monday and ", "9 p.m. (", "a year earlier ", "Thursday morning, ", "later that ", "1 January 1",
     "(1 May) "],
)  # fmt: skip
def test_work_grows_linearly_on_hostile_input(unit):
    """One repeated unit at 10 kB and 100 kB: no regex backtracks, no rule looks at the whole text
    per match (the work grows like the text, ~10x, not its square, ~100x). The 1 MB timings are in
    benchmarks/bench_timeline.py."""
    ex = Extractor(grammar(), Options())
    words = re.compile(r"\w+")

    def ratio(size: int) -> float:
        text = (unit * (size // len(unit) + 1))[:size]
        return cpu(lambda: ex.extract(text, FRIDAY)) / max(cpu(lambda: words.findall(text)), 1e-6)

    small, big = ratio(10_000), ratio(100_000)
    assert big < 4 * small + 1  # normalised by a linear pass: flat when linear, x10 when quadratic


# ---------------------------------------------------------------------------------------------
# Threads and partitions


NEWS = [
    "The soldier captured on December 26th has died, the NIS said on Friday.",
    "Talks will resume next week, officials said on Thursday morning, October 2, 2025.",
    "The blast happened on October 2. Earlier that same day, police had closed the road.",
    "Gold hit its highest level in 22 years on Monday; the 2024 Summer Olympics open in July.",
    "The minister will step down by October. Protests began on Monday. The following morning, troops moved in.",
]


def test_one_extractor_is_safe_to_share_between_threads():
    ex = Extractor(grammar(), Options())
    texts = NEWS * 40
    want = [[(m.start, m.end, m.value, m.event) for m in ex.extract(t, FRIDAY)] for t in texts]
    assert any(want)

    def work(t: str):
        return [(m.start, m.end, m.value, m.event) for m in ex.extract(t, FRIDAY)]

    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(work, texts))
    assert got == want


def test_extract_per_partition_then_combine_equals_one_call():
    rows = [
        {"snippet_id": f"s{i}", "text": t, "source": f"outlet{i % 3}", "story_id": f"k{i % 2}",
         "published_at": "2024-12-27"}
        for i, t in enumerate(NEWS * 3)
    ]  # fmt: skip
    f = frame(rows)
    params = TimelineParams()
    whole = extract_timeline(f, params, Context())
    parts = [extract_mentions(f.iloc[a:b], params, Context()) for a, b in ((0, 4), (4, 9), (9, len(f)))]
    joined = Output(tables={"timeline": pd.concat([p.tables["timeline"] for p in parts], ignore_index=True)})
    combined = combine_events(f, params, Context(), joined)
    assert len(whole.tables["events"]) > 3
    for name in ("timeline", "events"):
        pd.testing.assert_frame_equal(combined.tables[name], whole.tables[name])
