"""The story report at 50,000 snippets: a page under 10 MB that still names every story.

The pile is the report tests' nine written snippets, varied: each copy of the three stories moves
to another city, another count and another week, and its outlets are drawn from a pool of forty,
so there are thousands of stories, syndicated copies within each, and conflicts. No clock is
read in the test (sizes and counts only); run this file as a script to measure the time:

    .venv/bin/python tests/test_report_scale.py 50000
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_report import SNIPPETS

import toolkit

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::toolkit.SnippetInputWarning", "ignore::toolkit.PluginLoadWarning"),
]

_CITY_LINE = (
    "Antwerp Rotterdam Hamburg Valencia Genoa Piraeus Gdansk Marseille Felixstowe Algeciras Bremen Trieste "
    "Lisbon Bilbao Naples Barcelona Dublin Aarhus Gothenburg Riga Tallinn Constanta Koper Rijeka Bari Sines "
    "Leixoes Tangier Haifa Izmir Mersin Varna Burgas Klaipeda Szczecin Malmo Oslo Bergen Cork Ghent"
)
CITIES = tuple(_CITY_LINE.split())
OUTLETS = [
    f"{name} {kind}"
    for name in ("Daily", "Morning", "Evening", "Weekly")
    for kind in ("Post", "Star", "Herald", "Times", "Mail", "Courier", "Ledger", "Observer", "Tribune", "Gazette")
]


def pile(n: int) -> pd.DataFrame:
    """``n`` snippets: the written ones, varied copy by copy."""
    rows = []
    copy = 0
    while len(rows) < n:
        city = CITIES[copy % len(CITIES)]
        shift = pd.Timedelta(days=7 * (copy // len(CITIES)))
        for i, story, source, at, text in SNIPPETS:
            varied = (
                text.replace("Antwerp", city)
                .replace("Valencia", city)
                .replace("2,000", f"{2000 + copy:,}")
                .replace("12,000", f"{12000 + copy:,}")
            )
            rows.append(
                {
                    "id": f"{i}-{copy}",
                    "text": varied + ("" if copy % 3 else f" ({city} edition)"),
                    "source": OUTLETS[(copy * 7 + len(rows)) % len(OUTLETS)] if i not in ("p1", "f1") else source,
                    "published_at": pd.Timestamp(at) + shift,
                    "url": f"https://news.example/{copy}/{i}",
                    "story": f"{story}-{copy}",
                }
            )
            if len(rows) == n:
                break
        copy += 1
    return toolkit.snippet_frame(rows)


def without_stories() -> list[str]:
    """The default analyses but ``stories``: the pile's own story labels are the stories (known counts)."""
    return [n for n, s in toolkit.default_registry().analyses.items() if s.run_by_default and n != "stories"]


def build(n: int, analyses: list[str] | None = None) -> tuple[toolkit.Result, toolkit.Report, str]:
    frame = pile(n)
    result = toolkit.run(frame, analyses or without_stories(), on_error="continue")
    if "story_id" not in result.snippets.columns:  # no stories analysis: the pile's own story labels
        result.snippets["story_id"] = frame["story"].astype("string")
    report = toolkit.report(result)
    return result, report, report.html()


def test_report_at_50k_snippets_stays_small_and_complete():
    result, report, page = build(50_000)
    assert result.ok, result.summary()
    assert report.n_snippets == 50_000 and sum(s.n_snippets for s in report.stories) == 50_000
    assert len(page.encode("utf-8")) < 10_000_000
    assert len(report.stories) == 5_555 * 3 + 1  # three stories per copy of the nine; the last copy has 5 (one story)
    assert page.count("<section class='story'") == 30
    assert f"{len(report.stories) - 430:,} more stories" in page
    assert "<svg class='stk-chart'" in page and "<script" not in page


def test_page_size_grows_with_stories_shown_not_with_snippets():
    _, small, small_page = build(2_000)
    _, large, large_page = build(20_000)
    assert len(large.stories) > len(small.stories) > 30
    assert len(large_page) < 3 * len(small_page)


if __name__ == "__main__":  # measure: python tests/test_report_scale.py [N]
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    frame = pile(n)
    began = time.perf_counter()
    result = toolkit.run(frame, on_error="continue")
    ran = time.perf_counter() - began
    if "story_id" not in result.snippets.columns:
        result.snippets["story_id"] = frame["story"].astype("string")
    timings = []
    for _ in range(3):
        began = time.perf_counter()
        report = toolkit.report(result)
        built = time.perf_counter() - began
        began = time.perf_counter()
        page = report.html()
        timings.append((built, time.perf_counter() - began))
    built, drawn = sorted(timings)[1]
    print(result.summary()[["analysis", "status", "seconds", "rows_out"]].to_string())
    print(
        f"{n} snippets: analyses {ran:.1f}s; report build {built:.2f}s, html {drawn:.2f}s (median of 3); "
        f"{len(report.stories)} stories; page {len(page.encode('utf-8')) / 1e6:.2f} MB"
    )
