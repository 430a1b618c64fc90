"""Speed of dedup's `fact` and `paraphrase` levels, side by side with today's slow path, in one run.

    python benchmarks/bench_fact.py                       # 10,000 UCI headlines, 3 interleaved rounds
    python benchmarks/bench_fact.py --n 3000 --repeats 3 --pairs 100
    python benchmarks/bench_fact.py --variants fact:hybrid,fact:static --json out.json
    python benchmarks/bench_fact.py --variants fact:full --threads 1 --against /path/to/other/checkout

Reads the news headlines of ``/work/shared/benchmarks/dedup/uci_news_story_clusters.jsonl`` (the
first ``--n``) and, with ``--pairs``, the first pairs of ``/work/shared/benchmarks/dedup/mrpc/val.jsonl``
(texts only, run one two-snippet ``toolkit.run`` per pair as ``score_pairs.py`` does; MRPC is used
for timing and evaluation only). Without ``/work/shared`` it says so and exits with status 2.

Variants are ``level:encoder``: ``paraphrase:full`` is today's paraphrase level (the full
all-MiniLM-L6-v2 on every near-level representative), ``fact:full`` today's fact level,
``fact:hybrid`` the opt-in two-stage encoder (static first stage, full model only near a decision bar),
``fact:static`` never the full model (``paraphrase:hybrid`` can be asked for too; it encodes most
representatives anyway, so ``paraphrase`` keeps ``full`` by default). Every measurement is a
fresh subprocess; the model load is a warm-up call reported apart (``snippets_per_fresh_wall_s``
counts the whole process instead: interpreter start, imports, model load and the level); rounds are interleaved
(variant order rotates) and medians of CPU seconds (the process's user+system) and wall seconds
are reported. ``--threads 1`` sets torch's threads in each worker (CPU seconds of a spinning thread
pool on a busy machine are no measure); ``--against DIR`` also runs every variant with the code of
another checkout ``DIR`` (its ``toolkit`` and ``plugins``, e.g. an older commit), interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SHARED = Path("/work/shared/benchmarks/dedup")
UCI = SHARED / "uci_news_story_clusters.jsonl"
MRPC_VAL = SHARED / "mrpc" / "val.jsonl"
DEFAULT_VARIANTS = "paraphrase:full,fact:full,fact:hybrid,fact:static"


def worker(level: str, encoder: str, n: int, pairs: int, threads: int = 0) -> dict[str, Any]:
    """One variant in this process: the level on ``n`` headlines, then ``pairs`` two-snippet runs."""
    import pandas as pd

    if threads:
        import torch

        torch.set_num_threads(threads)
    from toolkit_dedup import semantic
    from toolkit_dedup.analysis import DedupParams, dedup

    import toolkit
    from toolkit import Context

    recs = [json.loads(line) for line, _ in zip(UCI.open(encoding="utf-8"), range(n), strict=False)]
    frame = pd.DataFrame(
        {"text": pd.array([r["text"] for r in recs], dtype="string")},
        index=pd.Index([r["id"] for r in recs], dtype="string", name="snippet_id"),
    )
    params = DedupParams(level=level, encoder=encoder)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    dedup(frame.iloc[:8], params, Context())  # loads the encoders
    load_s = time.perf_counter() - t0
    scorers: list[Any] = []
    original = semantic.PairScorer.__init__

    def counting_init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        scorers.append(self)

    semantic.PairScorer.__init__ = counting_init  # type: ignore[method-assign]
    c0, w0 = time.process_time(), time.perf_counter()
    out = dedup(frame, params, Context())
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    semantic.PairScorer.__init__ = original  # type: ignore[method-assign]
    assert out.columns is not None
    reps = len(scorers[0].texts) if scorers else 0
    full = reps if encoder == "full" else (scorers[0].full_encoded if scorers else 0)
    result: dict[str, Any] = {
        "variant": f"{level}:{encoder}",
        "n": len(frame),
        "model_load_s": round(load_s, 2),
        "cpu_s": round(cpu, 3),
        "wall_s": round(wall, 3),
        "representatives": reps,
        "full_model_texts": full,
        "clusters": int(out.columns["cluster_id"].nunique()),
    }
    if pairs:
        rows = [json.loads(line) for line, _ in zip(MRPC_VAL.open(encoding="utf-8"), range(pairs), strict=False)]
        config = {"dedup": {"level": level, "encoder": encoder}}
        warm = toolkit.snippet_frame([{"snippet_id": "a", "text": "warm up"}, {"snippet_id": "b", "text": "warm up"}])
        toolkit.run(warm, ["dedup"], config=config)  # the registry and plugins load outside the timing
        c0, w0 = time.process_time(), time.perf_counter()
        for p in rows:
            two = toolkit.snippet_frame(
                [{"snippet_id": "1", "text": p["text1"]}, {"snippet_id": "2", "text": p["text2"]}]
            )
            toolkit.run(two, ["dedup"], config=config)
        result["pairs_cpu_s"] = round(time.process_time() - c0, 3)
        result["pairs_wall_s"] = round(time.perf_counter() - w0, 3)
        result["pairs"] = len(rows)
    # The whole process's CPU so far (interpreter start, imports, model load, the level), pairs apart.
    result["process_cpu_s"] = round(time.process_time() - result.get("pairs_cpu_s", 0.0), 3)
    return result


def run_worker(variant: str, n: int, pairs: int, threads: int = 0, code: str = "") -> dict[str, Any]:
    """``variant`` in a fresh subprocess; with ``code``, the toolkit of that checkout instead of this one."""
    level, encoder = variant.split(":")
    cmd = [sys.executable, __file__, "--worker", level, encoder, str(n), str(pairs), str(threads)]
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = os.pathsep.join([code, os.path.join(code, "plugins")])
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env, cwd="/" if code else None)
    whole = time.perf_counter() - started
    res = json.loads(done.stdout.strip().splitlines()[-1])
    # The whole process as a user's script sees it: interpreter start, imports, model load and the
    # level on the n headlines (the MRPC pairs, timed apart, left out).
    res["fresh_wall_s"] = round(whole - res.get("pairs_wall_s", 0.0), 3)
    if code:
        res["variant"] = f"{res['variant']}@{code}"
    return res


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    first = runs[0]
    cpu = statistics.median(r["cpu_s"] for r in runs)
    wall = statistics.median(r["wall_s"] for r in runs)
    row = {
        "variant": first["variant"],
        "n": first["n"],
        "rounds": len(runs),
        "median_cpu_s": round(cpu, 2),
        "median_wall_s": round(wall, 2),
        "snippets_per_cpu_s": round(first["n"] / cpu, 1),
        "snippets_per_wall_s": round(first["n"] / wall, 1),
        "representatives": first["representatives"],
        "full_model_texts": first["full_model_texts"],
        "clusters": first["clusters"],
        "model_load_s": round(statistics.median(r["model_load_s"] for r in runs), 1),
        "snippets_per_fresh_wall_s": round(first["n"] / statistics.median(r["fresh_wall_s"] for r in runs), 1),
        "median_process_cpu_s": round(statistics.median(r["process_cpu_s"] for r in runs), 2),
    }
    if "pairs" in first:
        row["pairs_per_cpu_s"] = round(first["pairs"] / statistics.median(r["pairs_cpu_s"] for r in runs), 1)
        row["pairs_per_wall_s"] = round(first["pairs"] / statistics.median(r["pairs_wall_s"] for r in runs), 1)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="UCI headlines per run")
    ap.add_argument("--repeats", type=int, default=3, help="interleaved rounds (medians reported)")
    ap.add_argument("--pairs", type=int, default=0, help="also time this many MRPC val pairs, one run each")
    ap.add_argument("--variants", default=DEFAULT_VARIANTS, help="comma-separated level:encoder")
    ap.add_argument("--json", help="write the summary here")
    ap.add_argument("--threads", type=int, default=0, help="torch threads per worker (0: torch's default)")
    ap.add_argument("--against", default="", help="also run each variant with the code of this checkout")
    ap.add_argument("--worker", nargs=5, metavar=("LEVEL", "ENCODER", "N", "PAIRS", "THREADS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        level, encoder, n, pairs, threads = args.worker
        print(json.dumps(worker(level, encoder, int(n), int(pairs), int(threads))))
        return 0
    if not UCI.exists() or (args.pairs and not MRPC_VAL.exists()):
        print(f"{SHARED} is absent: this benchmark reads the shared UCI headlines (and MRPC val for --pairs).")
        return 2
    codes = ("", args.against) if args.against else ("",)
    cells = [(v.strip(), code) for v in args.variants.split(",") if v.strip() for code in codes]
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {cell: [] for cell in cells}
    for round_ in range(args.repeats):
        order = cells[round_ % len(cells) :] + cells[: round_ % len(cells)]
        for variant, code in order:
            res = run_worker(variant, args.n, args.pairs, args.threads, code)
            runs[(variant, code)].append(res)
            print(json.dumps(res), file=sys.stderr, flush=True)
    rows = [summarise(runs[cell]) for cell in cells]
    for row in rows:
        print(json.dumps(row))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
