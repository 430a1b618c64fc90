"""Timeline plugin vs dateparser's ``search_dates``, on the same news snippets: speed and quality.

    .venv/bin/python benchmarks/bench_timeline.py [--repeat 5] [--n 20000] [--dateparser-n 300]
        [--only speed,quality,hostile,memory] [--max-size 1000000]

Reads the suites made by ``../shared/bench/make_suites.py`` (TempEval-3 platinum, MEANTIME) and
the seed from ``../shared`` (outside this repository); says so and exits cleanly when it is absent.
Needs ``pip install dateparser`` for the comparison (skipped with a note when missing).

Speed: snippets per second on one core, median of ``--repeat`` runs, on ``--n`` snippets (the
~1,000 suite snippets repeated under new ids, so that start-up costs do not dominate), for
* ``toolkit.run(frame, ["timeline"])``: the whole analysis, tables and events included;
* the plugin's extractor alone (the per-snippet loop);
* ``dateparser.search.search_dates(text, languages=["en"], settings={"RELATIVE_BASE": dct})`` on the
  first ``--dateparser-n`` snippets (it is ~100x slower; the rate does not depend on the subset).
Quality: the value F1 of shared/bench/score.py (TempEval conventions: one-to-one overlap matching,
exact TIMEX3 value) for both, dateparser's datetimes written as days (it has no granularity).
Hostile: CPU seconds of the extractor on 100 kB and 1 MB of one repeated unit ("May ", "Friday, Dec. ",
...), and their ratio (linear: ~10x; these timings used to be asserted in tests/test_timeline.py).
Memory: the peak of Python allocations (tracemalloc) of the analysis on one snippet of 10 kB to
``--max-size`` characters with one attribution claim per sentence (issue 16.8: the per-snippet cross
join of dates and claims needed 7.3 GB at 1 MB). The hostile and memory parts need no ``../shared``.

The script runs on the code of earlier releases too (``/path/to/other/python benchmarks/bench_timeline.py``)
so two versions can be timed in alternating runs.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import statistics
import sys
import time
import tracemalloc
import warnings
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SUITES = [
    ("tempeval3_platinum", SHARED / "bench/suites/tempeval3_platinum.snippets.jsonl",
     SHARED / "bench/suites/tempeval3_platinum.gold.jsonl", None),
    ("meantime_timex", SHARED / "bench/suites/meantime_timex.snippets.jsonl",
     SHARED / "bench/suites/meantime_timex.gold.jsonl", None),
    ("seed", SHARED / "seed/snippets.jsonl", SHARED / "seed/gold.jsonl", "2024-12-27"),
]  # fmt: skip


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_scorer():
    spec = importlib.util.spec_from_file_location("te_score", SHARED / "bench/score.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def cpu_seconds(fn) -> float:
    """CPU time of this process (the machine is shared: wall time would count other people's work)."""
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def median_rate(fn, n: int, repeat: int) -> float:
    return n / statistics.median(cpu_seconds(fn) for _ in range(repeat))


def dateparser_rows(search_dates, records: list[dict], reference: str | None) -> dict[str, list[dict]]:
    """dateparser's finds as timeline rows (spans located in order, values as days)."""
    out: dict[str, list[dict]] = {}
    for r in records:
        base = r.get("published_at") or reference
        settings = {"RELATIVE_BASE": datetime.fromisoformat(str(base)[:10])} if base else {}
        found = search_dates(r["text"], languages=["en"], settings=settings) or []
        rows, pos = [], 0
        for surface, dt in found:
            start = r["text"].find(surface, pos)
            if start < 0:
                continue
            pos = start + len(surface)
            rows.append({"snippet_id": r["id"], "start": start, "end": pos, "value": dt.date().isoformat()})
        out[str(r["id"])] = rows
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dateparser-n", type=int, default=300)
    ap.add_argument("--n", type=int, default=20_000, help="snippets in the speed test (suites repeated)")
    ap.add_argument("--only", default="speed,quality,hostile,memory", help="comma-separated parts to run")
    ap.add_argument("--max-size", type=int, default=1_000_000, help="largest snippet of the memory table")
    args = ap.parse_args(argv)
    parts = set(args.only.split(","))
    warnings.simplefilter("ignore")
    if "hostile" in parts:
        hostile()
    if "memory" in parts:
        memory(args.max_size)
    if not parts & {"speed", "quality"}:
        return 0
    if not (SHARED / "bench/suites").is_dir():
        print(f"bench_timeline: {SHARED} is not here (it sits next to the repository in the team's checkout);"
              " nothing to measure.")  # fmt: skip
        return 0

    try:
        from dateparser.search import search_dates
    except ImportError:
        search_dates = None
        print("dateparser is not installed (pip install dateparser): comparison skipped\n")
    score = load_scorer()

    if "speed" in parts:
        speed(args, search_dates)
    if "quality" in parts:
        quality(score, search_dates)
    return 0


def speed(args: argparse.Namespace, search_dates) -> None:
    import pandas as pd
    from toolkit_timeline.analysis import _references, parse_reference
    from toolkit_timeline.extract import Extractor, Options
    from toolkit_timeline.grammar import grammar

    import toolkit

    records = [r for _, path, _, _ in SUITES for r in read(path)]
    copies = -(-args.n // len(records))  # the suites repeated (new ids) to measure at scale, not start-up
    scaled = [dict(r, id=f"{r['id']}#{k}") for k in range(copies) for r in records][: args.n]
    frame = toolkit.snippet_frame(pd.DataFrame(scaled).rename(columns={"id": "snippet_id"}))
    config = {"timeline": {"reference_date": "2024-12-27"}}
    toolkit.run(frame.head(20), ["timeline"], config=config)  # warm-up: plugin loading, regex compilation
    n = len(frame)
    chars = int(frame["text"].str.len().mean())
    ex = Extractor(grammar(), Options())
    refs = _references(frame, parse_reference("2024-12-27"))
    texts = frame["text"].tolist()
    # the same, with two sentences per snippet (closer to a search result's length)
    pairs = [
        dict(a, id=f"{a['id']}+", text=f"{a['text']} {b['text']}")
        for a, b in zip(scaled[::2], scaled[1::2], strict=False)
    ]
    frame2 = toolkit.snippet_frame(pd.DataFrame(pairs).rename(columns={"id": "snippet_id"}))
    chars2 = int(frame2["text"].str.len().mean())
    if search_dates is not None:
        dateparser_rows(search_dates, records[-20:], "2024-12-27")  # warm-up: loads its language data
    size = min(args.dateparser_n, len(records) // args.repeat)
    # Rounds interleave the tools, so that a busy spell on the machine hits both alike. Each
    # dateparser pass gets distinct snippets: it caches what it parsed, and repeats would flatter it.
    rates: dict[str, list[float]] = {"run": [], "loop": [], "run2": [], "dateparser": []}
    for r in range(args.repeat):
        rates["run"].append(n / cpu_seconds(lambda: toolkit.run(frame, ["timeline"], config=config)))
        rates["loop"].append(n / cpu_seconds(lambda: [ex.extract(t, f) for t, f in zip(texts, refs, strict=True)]))
        rates["run2"].append(len(frame2) / cpu_seconds(lambda: toolkit.run(frame2, ["timeline"], config=config)))
        if search_dates is not None:
            sub = records[r * size : (r + 1) * size]
            rates["dateparser"].append(
                len(sub) / cpu_seconds(lambda sub=sub: dateparser_rows(search_dates, sub, "2024-12-27"))
            )
    med = {k: statistics.median(v) for k, v in rates.items() if v}
    print(f"speed, CPU time of one process (one core), median of {args.repeat} interleaved rounds")
    print(f"  toolkit.run(['timeline']), {n} snippets (mean {chars} chars)   {med['run']:10,.0f} snippets/s")
    print(f"  extractor loop alone, same snippets                     {med['loop']:10,.0f} snippets/s")
    print(f"  toolkit.run, {len(frame2)} two-sentence snippets (mean {chars2} chars) {med['run2']:10,.0f} snippets/s")
    if "dateparser" in med:
        ratios = [a / b for a, b in zip(rates["run"], rates["dateparser"], strict=True)]
        print(f"  dateparser.search_dates, {size} distinct snippets a round     {med['dateparser']:10,.1f} snippets/s")
        print(f"  toolkit.run / dateparser: median {statistics.median(ratios):.1f}x "
              f"(rounds: {', '.join(f'{x:.1f}' for x in ratios)})")  # fmt: skip


def quality(score, search_dates) -> None:
    import pandas as pd

    import toolkit

    print("\nvalue F1 (shared/bench/score.py rules)        timeline   dateparser")
    for name, spath, gpath, reference in SUITES:
        recs = read(spath)
        gold = {str(r["id"]): r for r in read(gpath)}
        f = toolkit.snippet_frame(pd.DataFrame(recs).rename(columns={"id": "snippet_id"}))
        snips = {str(k): v for k, v in f["text"].items()}
        cfg = {"timeline": {"reference_date": reference}} if reference else {}
        table = toolkit.run(f, ["timeline"], config=cfg)["timeline"]
        ours = score.score_timeline(snips, gold, score.rows_by_snippet(table), [])["value"]["f1"]
        theirs = "-"
        if search_dates is not None:
            rows = dateparser_rows(search_dates, recs, reference)
            theirs = f"{score.score_timeline(snips, gold, rows, [])['value']['f1']:.3f}"
        print(f"  {name:<40} {ours:9.3f} {theirs:>12}")


HOSTILE_UNITS = ["1", "May ", "12/12/", "in the past ", "'9", "Friday, Dec. ", "a" * 50 + " ",
                 "postponed the vote to ", "2024 ", "Monday and ", "9 p.m. (", "a year earlier ",
                 "Thursday morning, ", "later that ", "1 January 1", "(1 May) "]  # fmt: skip


def hostile() -> None:
    from datetime import date

    from toolkit_timeline.extract import Extractor, Options
    from toolkit_timeline.grammar import grammar

    ex = Extractor(grammar(), Options())
    print("hostile input: CPU seconds of the extractor on one repeated unit")
    print(f"  {'unit':<26} {'100 kB':>8} {'1 MB':>8} {'ratio':>6}")
    for unit in HOSTILE_UNITS:
        secs = []
        for size in (100_000, 1_000_000):
            text = (unit * (size // len(unit) + 1))[:size]
            secs.append(cpu_seconds(lambda text=text: ex.extract(text, date(2024, 12, 27))))
        print(f"  {unit[:24]!r:<26} {secs[0]:8.2f} {secs[1]:8.2f} {secs[1] / max(secs[0], 1e-9):6.1f}")
    print()


def memory(max_size: int) -> None:
    import pandas as pd
    from toolkit_timeline.analysis import TimelineParams, extract_timeline

    import toolkit
    from toolkit import Context

    sentence = "The agency said on Friday that talks resume on 3 March 2025 in Geneva. "
    step = len(sentence)
    print("memory: one snippet with a claim per sentence, peak of Python allocations (tracemalloc)")
    print(f"  {'chars':>9} {'dates':>7} {'claims':>7} {'peak MB':>9} {'peak / input':>13}")
    size = 10_000
    while size <= max_size:
        n = size // step
        frame = toolkit.snippet_frame(pd.DataFrame([{"snippet_id": "s", "text": sentence * n}]))
        claims = pd.DataFrame({
            "claim_id": [f"s:c{i}" for i in range(n)], "snippet_id": ["s"] * n,
            "speaker_start": [i * step for i in range(n)], "speaker_end": [i * step + 10 for i in range(n)],
            "content_start": [i * step + 30 for i in range(n)], "content_end": [(i + 1) * step - 2 for i in range(n)],
            "speaker_canonical": ["Agency"] * n,
        })  # fmt: skip
        gc.collect()
        tracemalloc.start()
        out = extract_timeline(frame, TimelineParams(reference_date="2024-12-27"), Context(tables={"claims": claims}))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        dates = len(out.tables["timeline"])
        print(f"  {n * step:>9,} {dates:>7,} {n:>7,} {peak / 1e6:9.1f} {peak / (n * step):13.0f}")
        size *= 10
    print()


if __name__ == "__main__":
    sys.exit(main())
