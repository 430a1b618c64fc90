"""Benchmark: the figures plugin side by side with quantulum3, on the same snippets.

    .venv/bin/python benchmarks/bench_figures.py [--repeats 5] [--q3-limit 600] [--json OUT]
                                                 [--against /tmp/baseline-venv/bin/python]

Reads the scored suites in ``../shared/bench/suites`` (MEANTIME news sentences, quantulum3's own
cases, Recognizers-Text numbers/percent/currency and number ranges) and the seed. It needs
``../shared`` (next to the repository); when that is absent it says so and exits cleanly.
quantulum3 is optional (``pip install quantulum3``): without it only our numbers are shown.

Reported, for each suite: span F1 and value F1 with the rules of ``shared/bench/score.py``
(imported from there), for us and for quantulum3. Then throughput on one core: snippets per
second of CPU time (``time.process_time``, less sensitive to a busy machine than wall time),
median of ``--repeats`` runs, and the ratio. quantulum3 is slow (milliseconds per snippet), so
both are timed on the same even sample of about ``--q3-limit`` snippets drawn across every suite,
in alternating rounds (the ratio is the median of the per-round ratios); our rate on all snippets
is shown too.

MEANTIME annotates durations as TIMEX, not as VALUE spans, so it counts our default "durations that
measure a thing" ("a 27-year contract") as extra spans; its line under its own convention
(``include_measured_durations=False``) is printed too. ``--against PYTHON`` times another install
(today's code, say) on the same snippets in the same way, in alternating rounds (each side in a
fresh subprocess), and prints the ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SUITES = ["meantime_values", "quantulum3", "recognizers_numbers", "recognizers_numberrange", "seed"]


def load_suite(name: str):
    if name == "seed":
        snippets, gold = SHARED / "seed" / "snippets.jsonl", SHARED / "seed" / "gold.jsonl"
    else:
        snippets = SHARED / "bench" / "suites" / f"{name}.snippets.jsonl"
        gold = SHARED / "bench" / "suites" / f"{name}.gold.jsonl"
    if not snippets.exists() or not gold.exists():
        return None
    recs = [json.loads(line) for line in snippets.open(encoding="utf-8") if line.strip()]
    gold_recs = {str(r["id"]): r for r in (json.loads(line) for line in gold.open(encoding="utf-8") if line.strip())}
    return {str(r["id"]): r["text"] for r in recs}, gold_recs


def ours_predict(texts: dict[str, str], params=None) -> dict[str, list[dict]]:
    from toolkit_figures import figures_from_text

    return {sid: figures_from_text(t, params) for sid, t in texts.items()}


#: what --against runs in each interpreter: snippets per CPU second of figures_from_text over a file
_TIMER = """
import json, sys, time
texts = json.load(open(sys.argv[1], encoding="utf-8"))
from toolkit_figures import figures_from_text
figures_from_text("warm up: around 1,100 casualties")
t0 = time.process_time()
for t in texts:
    figures_from_text(t)
print(len(texts) / max(time.process_time() - t0, 1e-9))
"""


def against(python: str, texts: list[str], repeats: int) -> dict:
    """Snippets per CPU-second here and with ``python``, alternating, each run in a fresh process."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(texts, fh)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(max(1, repeats)):
        for exe, out in ((sys.executable, ours), (python, theirs)):
            run = subprocess.run([exe, "-c", _TIMER, fh.name], capture_output=True, text=True, check=True)
            out.append(float(run.stdout.strip().splitlines()[-1]))
    Path(fh.name).unlink()
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    return {"ours": statistics.median(ours), "theirs": statistics.median(theirs), "ratio": statistics.median(ratios),
            "ratios": ratios}  # fmt: skip


def q3_predict(parser, texts: dict[str, str]) -> dict[str, list[dict]]:
    out = {}
    for sid, t in texts.items():
        rows = []
        try:
            quants = parser.parse(t)
        except Exception:
            quants = []
        for q in quants:
            s, e = q.span
            rows.append({"start": s, "end": e, "value": q.value, "low": None, "high": None, "qualifier": "exact",
                         "unit": q.unit.name, "counted": None, "truncated": False})  # fmt: skip
        out[sid] = rows
    return out


def score(score_mod, texts, gold, preds) -> dict:
    errors: list = []
    rep = score_mod.score_figures(texts, gold, preds, errors)
    return {"span_f1": rep["span"]["f1"], "value_f1": rep["value"]["f1"], "pred": rep["span"]["pred"],
            "gold": rep["span"]["gold"]}  # fmt: skip


def rate(fn, items: list[str], repeats: int) -> tuple[float, float]:
    """Median snippets per CPU second and per wall second over ``repeats`` runs."""
    cpu, wall = [], []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        for t in items:
            fn(t)
        c1, w1 = time.process_time(), time.perf_counter()
        cpu.append(len(items) / max(c1 - c0, 1e-9))
        wall.append(len(items) / max(w1 - w0, 1e-9))
    return statistics.median(cpu), statistics.median(wall)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--q3-limit", type=int, default=600, help="about how many snippets both are timed on")
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--against", help="another Python with toolkit_figures installed (today's code) to time too")
    args = ap.parse_args(argv)

    if not (SHARED / "bench" / "score.py").exists():
        print(f"bench_figures: {SHARED} is not there (it sits next to the repository in the team setup); "
              "nothing to benchmark.")  # fmt: skip
        return 0
    sys.path.insert(0, str(SHARED / "bench"))
    import score as score_mod
    from toolkit_figures import FiguresParams, figures_from_text

    try:
        from quantulum3 import classifier as q3_classifier
        from quantulum3 import parser as q3

        # quantulum3's pickled unit classifier does not load with a newer scikit-learn; run it the
        # way the research measured it (rule-based disambiguation, no classifier).
        q3_classifier.USE_CLF = False
    except ImportError:
        q3 = None
        print("quantulum3 is not installed (pip install quantulum3): showing our numbers only.\n")

    results: dict = {"quality": {}, "speed": {}}
    all_texts: list[str] = []
    print(f"{'suite':26} {'n':>5} | {'ours span':>9} {'value':>6} | {'q3 span':>8} {'value':>6}")
    for name in SUITES:
        loaded = load_suite(name)
        if loaded is None:
            print(f"{name:26} (missing)")
            continue
        texts, gold = loaded
        all_texts += list(texts.values())
        ours = score(score_mod, texts, gold, ours_predict(texts))
        row = {"ours": ours}
        q3s = {"span_f1": float("nan"), "value_f1": float("nan")}
        if q3 is not None:
            q3s = score(score_mod, texts, gold, q3_predict(q3, texts))
            row["quantulum3"] = q3s
        results["quality"][name] = row
        print(f"{name:26} {len(texts):5} | {ours['span_f1']:9.3f} {ours['value_f1']:6.3f} | "
              f"{q3s['span_f1']:8.3f} {q3s['value_f1']:6.3f}")  # fmt: skip
        if name == "meantime_values":  # durations are TIMEX in MEANTIME, not VALUE spans
            conv = score(score_mod, texts, gold, ours_predict(texts, FiguresParams(include_measured_durations=False)))
            results["quality"]["meantime_values_own_convention"] = {"ours": conv}
            print(f"{'  (its convention: no durations)':26} {'':5} | {conv['span_f1']:9.3f} {conv['value_f1']:6.3f} |")

    figures_from_text("warm up: around 1,100 casualties")
    ours_cpu, ours_wall = rate(figures_from_text, all_texts, args.repeats)
    results["speed"]["ours_all"] = {"snippets": len(all_texts), "cpu_per_s": ours_cpu, "wall_per_s": ours_wall}
    print(f"\nthroughput, median of {args.repeats} runs:")
    print(f"  ours, all {len(all_texts)} snippets      {ours_cpu:8.0f} snippets/CPU-s  ({ours_wall:.0f}/wall-s)")
    if q3 is not None:
        # the same snippets for both (an even sample across every suite), timed in alternation so
        # that a change in machine load hits both alike; the ratio is the median of the per-round ratios
        step = max(1, -(-len(all_texts) // args.q3_limit))
        subset = all_texts[::step]
        q3.parse("warm up: 3 metres")
        ours_rates, q3_rates, ratios = [], [], []
        for _ in range(max(1, args.repeats)):
            o_cpu, _ = rate(figures_from_text, subset, 1)
            q_cpu, _ = rate(q3.parse, subset, 1)
            ours_rates.append(o_cpu)
            q3_rates.append(q_cpu)
            ratios.append(o_cpu / q_cpu)
        sub_cpu, q3_cpu, ratio = (statistics.median(x) for x in (ours_rates, q3_rates, ratios))
        results["speed"]["ours"] = {"snippets": len(subset), "cpu_per_s": sub_cpu}
        results["speed"]["quantulum3"] = {"snippets": len(subset), "cpu_per_s": q3_cpu}
        results["speed"]["ratio_cpu"] = ratio
        results["speed"]["ratios"] = ratios
        print(f"  ours, sample of {len(subset)} snippets   {sub_cpu:8.0f} snippets/CPU-s")
        print(f"  quantulum3, same {len(subset)}         {q3_cpu:8.0f} snippets/CPU-s")
        print(f"  ratio on the same snippets   {ratio:8.1f}x (median of {len(ratios)} alternating rounds: "
              f"{min(ratios):.1f}x to {max(ratios):.1f}x)")  # fmt: skip
    if args.against:
        cmp = against(args.against, all_texts, args.repeats)
        results["speed"]["against"] = {"python": args.against, **cmp}
        print(f"  against {args.against}: ours {cmp['ours']:.0f} vs {cmp['theirs']:.0f} snippets/CPU-s, ratio "
              f"{cmp['ratio']:.2f} (median of {len(cmp['ratios'])} alternating rounds: "
              f"{min(cmp['ratios']):.2f} to {max(cmp['ratios']):.2f})")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
