"""Issue 16.8: memory grows linearly with a snippet's size, all four analyses together.

Checked by allocation ratio, not by the clock: the peak of traced allocations (Python objects and
numpy arrays) for one snippet of 400 KB against one of 100 KB. Linear memory gives ~4; the quadratic
``_attach_claims`` join of the baseline gave ~16 (1 MB of prose needed 7.3 GB). The measured table for
10 KB -> 1 MB is ``benchmarks/bench_memory.py``'s.
"""

from __future__ import annotations

import tracemalloc
import warnings
from pathlib import Path

import pytest

import toolkit

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed" / "snippets.txt"
ANALYSES = ["dedup", "attribution", "figures", "timeline"]


def news_prose(size: int) -> str:
    """The seed's news text (quotes, speakers, figures, dates) repeated into one snippet of ``size`` characters."""
    text = " ".join(SEED.read_text(encoding="utf-8").split("\n"))
    whole = (text + " ") * (size // (len(text) + 1) + 1)
    return whole[:size].rsplit(" ", 1)[0]


def peak_allocation(text: str) -> tuple[int, toolkit.Result]:
    frame = toolkit.snippet_frame([text])
    config = {"timeline": {"reference_date": "2024-12-27"}}
    with warnings.catch_warnings():
        # this test measures memory only; what the analyses say about a 400 KB snippet is tested elsewhere
        warnings.simplefilter("ignore")
        tracemalloc.start()
        try:
            result = toolkit.run(frame, ANALYSES, config=config)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return peak, result


@pytest.mark.slow
def test_peak_memory_grows_linearly_with_snippet_size():
    peak_allocation(news_prose(2_000))  # imports, compiled patterns and caches are not growth
    small, small_result = peak_allocation(news_prose(100_000))
    large, large_result = peak_allocation(news_prose(400_000))
    assert [r.status for r in large_result.records] == ["ok"] * len(ANALYSES)
    # the runs did real work, growing with the text (a run that found nothing would pass any ratio)
    for table in ("claims", "timeline"):
        assert len(large_result[table]) > 3 * len(small_result[table]) > 0, table
    assert large / small < 6, f"peak {small / 1e6:.1f} MB at 100 KB, {large / 1e6:.1f} MB at 400 KB"
