"""Benchmark: toolkit_dedup (near level) side by side with datasketch MinHashLSH.

Both get the same input and the same shingles (character 5-grams of toolkit_dedup's normalised
text), 128 permutations and a Jaccard threshold of 0.5; datasketch inserts every snippet into a
``MinHashLSH`` index, queries every snippet and unions the hits (union-find). Each run is its own
process, so peak memory (ru_maxrss) is per method; wall time excludes reading the input.

Reported per size: wall time (median of ``--repeats`` runs for toolkit_dedup), snippets/s, peak
RSS and its increase over the loaded input, and pair precision / recall / F1 against the
generator's ground truth. datasketch is run up to ``--datasketch-max`` snippets; at larger sizes
its time is EXTRAPOLATED from its measured per-snippet rate (its query step grows faster than
linearly on wire-heavy data, so the extrapolation flatters it) and labelled as such.

Quality on the shared evaluation files (``../shared/benchmarks/dedup/``) is printed as well when
they exist; without ``../shared`` that part is skipped with a message.

    python benchmarks/bench_dedup.py                       # 100k and 1M, datasketch at 100k (~5 min)
    python benchmarks/bench_dedup.py --sizes 20000 --repeats 1 --datasketch-max 20000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared" / "benchmarks" / "dedup"
sys.path.insert(0, str(HERE))


def _rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss it does not inherit the
    parent's peak across fork + exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_frame(path: str):
    import pandas as pd

    ids, texts, labels = [], [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec.get("xstory_dup"):
                continue
            ids.append(str(rec["id"]))
            texts.append(rec["text"])
            labels.append(str(rec["cluster"]))
    frame = pd.DataFrame(
        {"text": pd.array(texts, dtype="string")},
        index=pd.Index(ids, dtype="string", name="snippet_id"),
    )
    return frame, labels


def pair_scores(truth, pred) -> dict:
    """Pairwise precision / recall / F1 from the contingency table (no O(n^2) loop)."""
    import numpy as np
    import pandas as pd

    def pairs(counts):
        c = np.asarray(counts, dtype=np.int64)
        return int((c * (c - 1) // 2).sum())

    both = pd.DataFrame({"t": truth, "p": pred})
    tp = pairs(both.groupby(["t", "p"]).size())
    n_true, n_pred = pairs(both["t"].value_counts()), pairs(both["p"].value_counts())
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_true if n_true else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    out = {"pair_precision": round(p, 4), "pair_recall": round(r, 4), "pair_f1": round(f, 4)}
    try:
        from sklearn.metrics import adjusted_rand_score

        out["ari"] = round(float(adjusted_rand_score(truth, pred)), 4)
    except ImportError:
        pass
    return out


# --- workers (one process each) ---------------------------------------------------------------------


def worker_ours(path: str, level: str) -> dict:
    from toolkit_dedup.analysis import DedupParams, dedup

    from toolkit import Context

    frame, labels = load_frame(path)
    loaded = _rss_mb()
    start = time.perf_counter()
    out = dedup(frame, DedupParams(level=level), Context())
    elapsed = time.perf_counter() - start
    pred = out.columns["cluster_id"].to_numpy(dtype=object)
    res = {"n": len(frame), "seconds": elapsed, "peak_mb": _rss_mb(), "loaded_mb": loaded}
    res.update(pair_scores(labels, pred))
    story_of = _merged_stories(path)
    if story_of is not None:  # UCI: stories the aggregator split, re-joined by a shared headline
        merged = [story_of[lab] for lab in labels]
        res["merged_story_precision"] = pair_scores(merged, pred)["pair_precision"]
    return res


def _merged_stories(path: str) -> dict | None:
    """UCI story ids joined when an ``xstory_dup`` headline is filed under both (the README's evidence
    that the aggregator split one story); None for files without that flag."""
    import re

    from toolkit_dedup.graph import components

    with open(path, encoding="utf-8") as fh:
        recs = [json.loads(line) for line in fh]
    if not any("xstory_dup" in r for r in recs):
        return None
    stories = sorted({r["cluster"] for r in recs})
    idx = {s: i for i, s in enumerate(stories)}
    first: dict[str, int] = {}
    a, b = [], []
    for r in recs:
        if r.get("xstory_dup"):
            key = re.sub(r"\W+", "", r["text"].lower())
            if key in first:
                a.append(first[key])
                b.append(idx[r["cluster"]])
            else:
                first[key] = idx[r["cluster"]]
    import numpy as np

    lab = components(len(stories), np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))
    return {s: int(lab[i]) for s, i in idx.items()}


def worker_datasketch(path: str) -> dict:
    import numpy as np
    from datasketch import MinHash, MinHashLSH
    from toolkit_dedup.graph import components
    from toolkit_dedup.normalize import normalise

    frame, labels = load_frame(path)
    loaded = _rss_mb()
    start = time.perf_counter()
    keys = normalise(frame["text"]).keys.to_pylist()
    t0 = time.perf_counter()
    hashes = []
    for key in keys:
        m = MinHash(num_perm=128, seed=1)
        if key:
            grams = {key[i : i + 5] for i in range(max(1, len(key) - 4))}
            m.update_batch([g.encode("utf-8") for g in grams])
        hashes.append(m)
    t1 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i, (key, m) in enumerate(zip(keys, hashes, strict=True)):
        if key:
            lsh.insert(i, m)
    t2 = time.perf_counter()
    src, dst = [], []
    for i, (key, m) in enumerate(zip(keys, hashes, strict=True)):
        if key:
            for j in lsh.query(m):
                if j != i:
                    src.append(i)
                    dst.append(j)
    labels_pred = components(len(keys), np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64))
    elapsed = time.perf_counter() - start
    return {
        "seconds": elapsed,
        "minhash_s": round(t1 - t0, 2),
        "insert_s": round(t2 - t1, 2),
        "query_union_s": round(time.perf_counter() - t2, 2),
        "candidate_edges": len(src),
        "peak_mb": _rss_mb(),
        "loaded_mb": loaded,
        **pair_scores(labels, labels_pred.tolist()),
    }


def _story_half(story: str) -> int:
    """A stable half (0 or 1) for a gold story id: the tuning / reporting split."""
    import zlib

    return zlib.crc32(story.encode("utf-8")) & 1


def worker_stories(path: str) -> dict:
    """Story grouping with the embedding extra on the UCI story clusters (xstory_dup rows excluded).

    The threshold and the word weight are chosen on one half of the gold stories (half 0 by a
    CRC32 of the story id: the grouping is run on that half's headlines alone, best ARI wins) and
    reported on the other half (run alone) and on the full file, next to the defaults.
    """
    import numpy as np
    from toolkit_dedup.analysis import StoryParams, stories
    from toolkit_dedup.embeddings import get_encoder, register_encoder

    from toolkit import Context

    frame, labels = load_frame(path)  # xstory_dup rows excluded
    base = get_encoder("")
    cache: dict[str, np.ndarray] = {}

    def cached(texts):  # each headline is encoded once across all the runs below
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if todo:
            cache.update(zip(todo, base(todo), strict=True))
        return np.stack([cache[t] for t in texts])

    register_encoder("bench-cached", cached)
    half = np.array([_story_half(lab) for lab in labels])
    lab = np.array(labels, dtype=object)

    def run(mask, **kw) -> dict:
        sub = frame[mask]
        start = time.perf_counter()
        out = stories(sub, StoryParams(method="embeddings", model="bench-cached", **kw), Context())
        res = pair_scores(list(lab[mask]), out.columns["story_id"].to_numpy(dtype=object))
        res["seconds"] = round(time.perf_counter() - start, 1)
        res["n_stories"] = int(out.columns["story_id"].nunique())
        return res

    everything = np.ones(len(frame), dtype=bool)
    start = time.perf_counter()
    default = run(everything)  # encodes every headline once (the cache is then warm)
    encode_s = time.perf_counter() - start
    grid = []
    for ww, ths in ((0.0, (0.36, 0.38, 0.4, 0.42, 0.44)), (0.3, (0.26, 0.28, 0.3, 0.32, 0.34))):
        for th in ths:  # embeddings alone need a higher bar than the mixed similarity
            grid.append(
                {"word_weight": ww, "threshold": th, "tune_ari": run(half == 0, word_weight=ww, threshold=th)["ari"]}
            )
    best = max(grid, key=lambda g: (g["tune_ari"], -g["threshold"]))
    chosen = {"word_weight": best["word_weight"], "threshold": best["threshold"]}
    return {
        "n": len(frame),
        "n_tune_half": int((half == 0).sum()),
        "n_report_half": int((half == 1).sum()),
        "default_full": default,
        "default_first_run_seconds_with_encoding": round(encode_s, 1),
        "grid_on_tune_half": grid,
        "chosen_on_tune_half": chosen,
        "chosen_report_half": run(half == 1, **chosen),
        "chosen_full": run(everything, **chosen),
        "single_pass_0.45_full": run(everything, grouping="single_pass", threshold=0.45, word_weight=0.0),
        "single_pass_0.45_report_half": run(half == 1, grouping="single_pass", threshold=0.45, word_weight=0.0),
    }


def worker_throughput(path: str, level: str, n: int) -> dict:
    """One level of dedup on the first ``n`` headlines of ``path``: wall time after a warm-up call
    that loads the encoder (the model load is reported separately), snippets/s and clusters."""
    from toolkit_dedup.analysis import DedupParams, dedup

    from toolkit import Context

    frame, _ = load_frame(path)
    frame = frame.iloc[:n]
    start = time.perf_counter()
    dedup(frame.iloc[:8], DedupParams(level=level), Context())  # loads the model for fact/paraphrase
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    out = dedup(frame, DedupParams(level=level), Context())
    elapsed = time.perf_counter() - start
    return {
        "level": level,
        "n": len(frame),
        "model_load_s": round(load_s, 1),
        "seconds": round(elapsed, 1),
        "snippets_per_s": round(len(frame) / elapsed, 1),
        "clusters": int(out.columns["cluster_id"].nunique()),
        "peak_mb": round(_rss_mb()),
    }


def worker_lexical_stories(path: str) -> dict:
    """The default story grouping (lexical, after the near level of dedup) on the UCI story clusters.

    ``lexical_threshold`` is chosen on one half of the gold stories (as :func:`worker_stories` does)
    and reported on the other half and on the full file.
    """
    import numpy as np
    from toolkit_dedup.analysis import DedupParams, StoryParams, dedup, stories

    from toolkit import Context

    frame, labels = load_frame(path)
    half = np.array([_story_half(lab) for lab in labels])
    lab = np.array(labels, dtype=object)

    def run(mask, **kw) -> dict:
        sub = frame[mask]
        start = time.perf_counter()
        sub = sub.join(dedup(sub, DedupParams(), Context()).columns)
        out = stories(sub, StoryParams(**kw), Context())
        res = pair_scores(list(lab[mask]), out.columns["story_id"].to_numpy(dtype=object))
        res["seconds"] = round(time.perf_counter() - start, 1)
        res["n_stories"] = int(out.columns["story_id"].nunique())
        return res

    grid = [
        {"lexical_threshold": th, "tune_ari": run(half == 0, lexical_threshold=th)["ari"]} for th in (0.05, 0.06, 0.07)
    ]
    best = max(grid, key=lambda g: (g["tune_ari"], g["lexical_threshold"]))
    chosen = {"lexical_threshold": best["lexical_threshold"]}
    return {
        "n": len(frame),
        "grid_on_tune_half": grid,
        "chosen_on_tune_half": chosen,
        "chosen_report_half": run(half == 1, **chosen),
        "chosen_full": run(half >= 0, **chosen),
    }


def run_worker(kind: str, path: str, level: str = "near", n: int = 10_000) -> dict:
    cmd = [sys.executable, __file__, "--worker", kind, "--data", path, "--level", level, "--n", str(n)]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} worker failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- driver ---------------------------------------------------------------------------------------


def fmt_row(name: str, n: int, res: dict, note: str = "") -> str:
    rate = n / res["seconds"] if res["seconds"] else float("inf")
    return (
        f"| {name} | {n:,} | {res['seconds']:.2f} | {rate:,.0f} | {res['peak_mb']:,.0f} "
        f"| {res['peak_mb'] - res['loaded_mb']:,.0f} | {res.get('pair_precision', '–')} "
        f"| {res.get('pair_recall', '–')} | {res.get('pair_f1', '–')} | {note} |"
    )


def _one_part(args: argparse.Namespace) -> int:
    """``--throughput``, ``--lexical-stories`` or ``--stories`` alone (on the shared UCI file)."""
    from make_dedup_data import UCI

    if args.throughput or args.lexical_stories:
        if not UCI.exists():
            print("../shared/benchmarks/dedup is absent: nothing to measure on.")
            return 0
        if args.lexical_stories:
            res = run_worker("lexical_stories", str(UCI))
            print("stories (lexical, the default; UCI, xstory_dup rows excluded):")
            for key, val in res.items():
                print(f"  {key}: {json.dumps(val)}")
            return 0
        for level in ("near", "fact", "paraphrase"):
            print(json.dumps(run_worker("throughput", str(UCI), level, args.n)), flush=True)
        return 0

    if args.stories:
        if not UCI.exists():
            print("../shared/benchmarks/dedup is absent: nothing to score the stories on.")
            return 0
        res = run_worker("stories", str(UCI))
        print("stories (embeddings, UCI, xstory_dup rows excluded):")
        for key, val in res.items():
            print(f"  {key}: {json.dumps(val)}")
        return 0
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="toolkit_dedup vs datasketch MinHashLSH")
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--repeats", type=int, default=3, help="toolkit_dedup runs per size below 1M (median)")
    ap.add_argument("--datasketch-max", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="write all results here")
    ap.add_argument(
        "--stories",
        action="store_true",
        help="only the story grouping with embeddings on the UCI clusters: threshold chosen on one half of the "
        "stories, reported on the other half and the full file (encodes 33k headlines once: ~3-10 min)",
    )
    ap.add_argument(
        "--throughput",
        action="store_true",
        help="only dedup's speed per level (near, fact, paraphrase) on the first --n UCI headlines, one process each",
    )
    ap.add_argument("--n", type=int, default=10_000, help="headlines for --throughput")
    ap.add_argument(
        "--lexical-stories",
        action="store_true",
        help="only the default (lexical, no model) story grouping on the UCI clusters: threshold chosen on one "
        "half of the stories, reported on the other half and the full file",
    )
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--level", default="near", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        workers = {
            "ours": lambda: worker_ours(args.data, args.level),
            "stories": lambda: worker_stories(args.data),
            "lexical_stories": lambda: worker_lexical_stories(args.data),
            "throughput": lambda: worker_throughput(args.data, args.level, args.n),
        }
        res = workers.get(args.worker, lambda: worker_datasketch(args.data))()
        print(json.dumps(res))
        return 0

    from make_dedup_data import UCI, generate

    if args.throughput or args.lexical_stories or args.stories:
        return _one_part(args)

    try:
        import datasketch  # noqa: F401

        have_ds = True
    except ImportError:
        have_ds = False
        print("datasketch is not installed (pip install datasketch): its columns are skipped.\n")
    print(
        "Headlines for the synthetic data:",
        "the shared UCI files" if UCI.exists() else "../shared is absent, a seeded word generator",
    )
    results: dict = {"synthetic": {}, "shared": {}}
    header = (
        "| method | snippets | wall s | snippets/s | peak RSS MB | over input MB | pair P | pair R | pair F1 | note |\n"
        "|---|---|---|---|---|---|---|---|---|---|"
    )
    rows = []
    ds_rate = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",") if s]:
            path = str(Path(tmp) / f"syn{n}.jsonl")
            t0 = time.perf_counter()
            with open(path, "w", encoding="utf-8") as fh:
                for rec in generate(n, args.seed):
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            print(f"generated {n:,} snippets in {time.perf_counter() - t0:.1f} s", flush=True)
            reps = args.repeats if n < 1_000_000 else 1
            runs = [run_worker("ours", path) for _ in range(reps)]
            med = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
            med = {**med, "seconds": statistics.median(r["seconds"] for r in runs), "runs": len(runs)}
            results["synthetic"][f"ours_{n}"] = med
            rows.append(fmt_row("toolkit_dedup near", n, med, f"median of {len(runs)}"))
            print(rows[-1], flush=True)
            if have_ds and n <= args.datasketch_max:
                ds = run_worker("datasketch", path)
                ds_rate = n / ds["seconds"]
                results["synthetic"][f"datasketch_{n}"] = ds
                note = f"MinHash {ds['minhash_s']} s, insert {ds['insert_s']} s, query+union {ds['query_union_s']} s"
                rows.append(fmt_row("datasketch MinHashLSH", n, ds, note))
                rows.append(f"| speed-up | {n:,} | {ds['seconds'] / med['seconds']:.1f}x | | | | | | | |")
                print(rows[-2], "\n" + rows[-1], flush=True)
            elif have_ds and ds_rate:
                est = n / ds_rate
                results["synthetic"][f"datasketch_{n}_extrapolated_s"] = est
                rows.append(
                    f"| datasketch MinHashLSH (EXTRAPOLATED, not run) | {n:,} | ~{est:,.0f} | {ds_rate:,.0f} "
                    f"| | | | | | linear from the measured rate; speed-up ~{est / med['seconds']:.0f}x |"
                )
                print(rows[-1], flush=True)

    print("\n## Synthetic near-duplicates (generator ground truth)\n")
    print(header)
    print("\n".join(rows))

    if SHARED.exists():
        print("\n## Shared evaluation files (../shared/benchmarks/dedup)\n")
        print(header)
        for name in ("synthetic_neardup_20k.jsonl", "uci_news_story_clusters.jsonl"):
            path = str(SHARED / name)
            for level in ("exact", "near"):
                res = run_worker("ours", path, level)
                results["shared"][f"{name}:{level}"] = res
                note = "xstory_dup rows excluded" if name.startswith("uci") else ""
                if "merged_story_precision" in res:
                    note += f"; precision vs re-joined split stories {res['merged_story_precision']}"
                print(fmt_row(f"toolkit_dedup {level} — {name}", res["n"], res, note), flush=True)
            if have_ds and name.startswith("synthetic"):
                res = run_worker("datasketch", path)
                results["shared"][f"{name}:datasketch"] = res
                print(fmt_row(f"datasketch — {name}", 20000, res), flush=True)
    else:
        print("\n../shared/benchmarks/dedup is absent: the shared-file quality section is skipped.")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
