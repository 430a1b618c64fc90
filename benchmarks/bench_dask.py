"""Every default analysis on a Dask LocalCluster, Parquet to Parquet, against one pandas process (issue 12).

    .venv/bin/python benchmarks/bench_dask.py --sizes 500000,2000000 [--workers 2] [--memory-limit 6GB]
        [--part-size 50000] [--pandas-max 500000] [--json out.json]
        [--analyses dedup --config '{"dedup": {"level": "fact"}}']

Builds a real-text news pile of N snippets with the pile builder of ``benchmarks/bench_pipeline.py``
(news texts from ``/work/shared``; every snippet its own id, outlet, url and date; the same pile every
run), writes it as Parquet parts of ``--part-size`` snippets (a Dask partition each), then:

- **Dask**: a ``distributed.LocalCluster`` of ``--workers`` worker processes (one thread each) with
  ``--memory-limit`` per worker runs ``read_snippets_dask`` -> ``run_dask`` (all default analyses) ->
  ``DaskResult.to_dir`` (partitioned Parquet). Reported: wall seconds; the workers' CPU seconds
  (psutil, before/after); each worker's peak RSS, sampled every 0.5 s through ``client.run``
  (and the limit); per stage (task key prefix ``<analysis>.<kind>``, see ``toolkit/distributed.py``),
  from Dask's task stream: tasks, compute seconds and the bytes their results hold (for the
  ``group``/``send``/``place`` stages, the volume that stage shuffles) and the largest single result;
  and what each worker ran and held in memory (MB of results per stage, MB spilled) at its RSS peak.
- **pandas**: one process (a fresh subprocess) reading the same parts, ``toolkit.run`` with every
  default analysis (or ``--analyses`` with ``--config``, the same for both runs) and
  ``Result.to_dir``: wall, CPU seconds, peak RSS (``VmHWM``). Only up to ``--pandas-max`` snippets
  (a single process at millions of snippets takes long; say so).

Without ``/work/shared`` it says so and exits with status 2 (the tests never need it). On a shared
machine wall time follows the load: compare CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_pipeline  # the pile builder

PANDAS_RUN = r"""
import json, resource, sys, time, warnings
from pathlib import Path
import pandas as pd
import toolkit
warnings.simplefilter("ignore")
folder, out = Path(sys.argv[1]), sys.argv[2]
analyses, config = json.loads(sys.argv[3]), json.loads(sys.argv[4])
t0, c0 = time.perf_counter(), time.process_time()
frame = pd.concat([toolkit.read_snippets(p) for p in sorted(folder.glob("*.parquet"))])
read = time.perf_counter() - t0
result = toolkit.run(frame, analyses, config=config)
ran = time.perf_counter() - t0
result.to_dir(out)
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"wall": time.perf_counter() - t0, "read": read, "run": ran - read, "cpu": time.process_time() - c0,
                  "peak_rss_mb": hwm / 1024, "steps": {r.analysis: round(r.seconds, 2) for r in result.records},
                  "rows": {k: len(v) for k, v in result.tables.items()}}))
"""


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


def _held(dask_worker: Any) -> dict[str, Any]:
    """On a worker: its RSS, the tasks it is running and the MB of results it holds in memory, per
    stage (task key prefix): what a peak is made of."""
    from dask.utils import key_split

    def mb(keys: Any) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for key in list(keys):
            task = dask_worker.state.tasks.get(key)
            out[key_split(key)] += (task.nbytes or 0) / 2**20 if task is not None else 0.0
        return out

    held = mb(getattr(dask_worker.data, "fast", dask_worker.data).keys())
    spilled = sum(mb(getattr(dask_worker.data, "slow", {}).keys()).values())
    top = dict(sorted(((k, round(v, 1)) for k, v in held.items()), key=lambda kv: -kv[1])[:6])
    running = sorted({key_split(ts.key) for ts in dask_worker.state.executing})
    return {
        "rss": _rss(),
        "running": running,
        "held_mb": top,
        "held_total_mb": round(sum(held.values()), 1),
        "spilled_mb": round(spilled, 1),
    }


def _cpu() -> float:
    import psutil

    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def _warm() -> int:
    import toolkit

    return len(toolkit.default_registry().analyses)


def write_parts(n: int, folder: Path, part_size: int) -> list[Path]:
    import pandas as pd

    corpora = bench_pipeline.read_texts()
    pile = pd.DataFrame(bench_pipeline.build_pile(n, corpora))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k, start in enumerate(range(0, n, part_size)):
        path = folder / f"part-{k:04d}.parquet"
        pile.iloc[start : start + part_size].to_parquet(path, index=False)
        paths.append(path)
    return paths


class MemorySampler(threading.Thread):
    """Each worker's peak RSS, sampled every ``interval`` seconds through ``client.run``."""

    def __init__(self, client: Any, interval: float = 0.5, report_every: float = 60.0):
        super().__init__(daemon=True)
        self.client, self.interval, self.report_every = client, interval, report_every
        self.peaks: dict[str, int] = defaultdict(int)
        self.at_peak: dict[str, Any] = {}  # per worker: what it ran and held when its RSS peaked
        self.stopped = threading.Event()

    def run(self) -> None:
        started = last = time.perf_counter()
        while not self.stopped.is_set():
            try:
                for worker, seen in self.client.run(_held).items():
                    if seen["rss"] > self.peaks[worker]:
                        self.peaks[worker] = seen["rss"]
                        self.at_peak[worker] = {**seen, "t": round(time.perf_counter() - started)}
                if time.perf_counter() - last > self.report_every:  # how far a long run got, in case it is cut
                    last = time.perf_counter()
                    done = self.client.run_on_scheduler(_progress)
                    peaks = {w.rsplit(":", 1)[-1]: round(v / 2**20) for w, v in self.peaks.items()}
                    print(f"  [{last - started:5.0f} s] peak RSS MB {peaks}; done/total per stage {done}", flush=True)
            except Exception:  # a worker restarting: sample again next time
                pass
            self.stopped.wait(self.interval)


def _progress(dask_scheduler: Any) -> dict[str, str]:
    """On the scheduler: per task prefix with work left, tasks done (in memory, released or forgotten)/all."""
    out = {}
    for name, prefix in dask_scheduler.task_prefixes.items():
        states = dict(prefix.states)
        done = sum(states.get(k, 0) for k in ("memory", "released", "forgotten"))
        total = sum(states.values())
        if total and done < total:
            out[name] = f"{done}/{total}"
    return out


def stages(task_stream: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per task key prefix: tasks, compute seconds, result bytes, transfer seconds."""
    from dask.utils import key_split

    out: dict[str, dict[str, float]] = defaultdict(
        lambda: {"tasks": 0, "compute_s": 0.0, "bytes": 0, "max_bytes": 0, "transfer_s": 0.0}
    )
    for task in task_stream:
        stage = out[key_split(task["key"])]
        stage["tasks"] += 1
        stage["bytes"] += task.get("nbytes", 0) or 0
        stage["max_bytes"] = max(stage["max_bytes"], task.get("nbytes", 0) or 0)
        for ss in task.get("startstops", ()):
            field = "compute_s" if ss["action"] == "compute" else "transfer_s" if ss["action"] == "transfer" else None
            if field:
                stage[field] += ss["stop"] - ss["start"]
    return dict(sorted(out.items(), key=lambda kv: -kv[1]["compute_s"]))


def run_dask_cluster(
    folder: Path, out: Path, workers: int, memory_limit: str, analyses: list[str] | None = None, config: Any = None
) -> dict[str, Any]:
    import distributed

    import toolkit
    from toolkit.dask_io import read_snippets_dask

    with (
        distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, memory_limit=memory_limit, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(_warm)  # imports and word lists before the clock starts, as bench_pipeline's warm-up
        cpu0 = client.run(_cpu)
        sampler = MemorySampler(client)
        sampler.start()
        error = ""
        t0 = time.perf_counter()
        try:
            with distributed.get_task_stream(client) as stream:
                lazy = toolkit.run_dask(read_snippets_dask(folder), analyses or _defaults(), config=config)
                built = time.perf_counter() - t0
                lazy.to_dir(out)
        except Exception as exc:  # report what finished: a failure is a result too
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
            built = float("nan")
        wall = time.perf_counter() - t0
        sampler.stopped.set()
        sampler.join()
        cpu1 = client.run(_cpu)
        data = stream.data if not error else []
    manifest = json.loads((out / "manifest.json").read_text()) if (out / "manifest.json").exists() else {}
    return {
        "wall": wall,
        "graph_s": built,
        "cpu": sum(cpu1.get(w, 0) - cpu0.get(w, 0) for w in cpu0),
        "peak_rss_mb": {w: round(v / 2**20) for w, v in sampler.peaks.items()},
        "at_peak": {w: {**v, "rss": round(v["rss"] / 2**20)} for w, v in sampler.at_peak.items()},
        "memory_limit": memory_limit,
        "stages": stages(data),
        "rows": {k: v["rows"] for k, v in manifest.get("tables", {}).items()},
        "error": error,
    }


def _defaults() -> list[str]:
    import toolkit

    return [name for name, spec in toolkit.default_registry().analyses.items() if spec.run_by_default]


def run_pandas(
    folder: Path, out: Path, timeout: float, analyses: list[str] | None = None, config: Any = None
) -> dict[str, Any]:
    try:
        done = subprocess.run(
            [sys.executable, "-c", PANDAS_RUN, str(folder), str(out), json.dumps(analyses), json.dumps(config)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish in {timeout:.0f} s"}
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def paths_of(args: argparse.Namespace) -> dict[str, str]:
    import toolkit

    kinds = {}
    for name in _defaults():
        spec = toolkit.default_registry().analysis(name)
        kinds[name] = (
            "row"
            if spec.scope == "row"
            else f"combine_by={spec.combine_by}"
            if spec.combine_by
            else "combine_dask"
            if spec.combine_dask
            else "gathered"
        )
    return kinds


def report(n: int, result: dict[str, Any]) -> str:
    lines = [f"== {n:,} snippets =="]
    d = result["dask"]
    rate = n / d["cpu"] if d.get("cpu") else float("nan")
    lines.append(
        f"dask: wall {d['wall']:.1f} s (graph {d['graph_s']:.1f} s), worker CPU {d['cpu']:.1f} s "
        f"({rate:,.0f} snippets/CPU-s, {n / d['wall']:,.0f}/wall-s), peak RSS per worker {d['peak_rss_mb']} MB "
        f"(limit {d['memory_limit']}){'  ERROR ' + d['error'] if d['error'] else ''}"
    )
    for stage, s in list(d["stages"].items())[:25]:
        lines.append(
            f"  {stage:<32} {int(s['tasks']):>6} tasks {s['compute_s']:9.2f} s compute "
            f"{s['bytes'] / 2**20:10.1f} MB out (largest task {s['max_bytes'] / 2**20:7.1f}) "
            f"{s['transfer_s']:7.2f} s transfer"
        )
    for worker, seen in d.get("at_peak", {}).items():
        lines.append(f"  at {worker}'s peak: {seen}")
    p = result.get("pandas")
    if p:
        if "error" in p:
            lines.append(f"pandas: {p['error']}")
        else:
            lines.append(
                f"pandas: wall {p['wall']:.1f} s, CPU {p['cpu']:.1f} s ({n / p['cpu']:,.0f} snippets/CPU-s), "
                f"peak RSS {p['peak_rss_mb']:.0f} MB; steps {p['steps']}"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500000,2000000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="6GB")
    parser.add_argument("--part-size", type=int, default=50_000)
    parser.add_argument("--pandas-max", type=int, default=500_000, help="largest pile the pandas run gets")
    parser.add_argument("--pandas-timeout", type=float, default=3600)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--tmp", type=Path, default=None, help="where to write piles and outputs")
    parser.add_argument("--analyses", default="", help="comma-separated analyses (default: every default one)")
    parser.add_argument("--config", type=json.loads, default=None, help='e.g. \'{"dedup": {"level": "fact"}}\'')
    args = parser.parse_args()
    if not bench_pipeline.SHARED.is_dir():
        print(f"{bench_pipeline.SHARED} is absent: this benchmark builds its piles from the shared news texts there.")
        sys.exit(2)
    analyses = [a for a in args.analyses.split(",") if a] or None
    print("analyses:", analyses or paths_of(args), "config:", args.config, flush=True)
    results = {}
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            folder = Path(tmp) / f"pile-{n}"
            t0 = time.perf_counter()
            write_parts(n, folder, args.part_size)
            print(f"pile of {n:,} written in {time.perf_counter() - t0:.0f} s", flush=True)
            dask_out = Path(tmp) / f"out-dask-{n}"
            result: dict[str, Any] = {
                "dask": run_dask_cluster(folder, dask_out, args.workers, args.memory_limit, analyses, args.config)
            }
            if n <= args.pandas_max:
                result["pandas"] = run_pandas(
                    folder, Path(tmp) / f"out-pandas-{n}", args.pandas_timeout, analyses, args.config
                )
            results[n] = result
            print(report(n, result), flush=True)
            if args.json:
                args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
