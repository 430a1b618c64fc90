"""The core's own overhead at scale: reading + validating snippets, and a no-op pipeline run.

    .venv/bin/python benchmarks/bench_core.py [--n 1000000] [--repeat 3]
    .venv/bin/python benchmarks/bench_core.py --part ops [--repeat 5]       # the executor's operations
    .venv/bin/python benchmarks/bench_core.py --part workers [--n 20000]   # workers=1 vs workers=N
    .venv/bin/python benchmarks/bench_core.py --part small [--n 300]       # two-snippet runs (pair scoring)

``--part ops`` times, interleaved in one process, the snippet-id membership test of the output
check (``Series.isin`` as before vs ``toolkit.executor.is_member``) at 100k and 1M ids, the whole
output check of a figures-sized table, and the cost of handing an analysis read-only tables
(shallow copies in a ``MappingProxyType`` vs deep copies). ``--part workers`` measures a process
pool's start-up per start method and the default analyses with ``workers=1`` vs ``workers=N``
(news sentences from ``/work/shared/benchmarks`` when present, else generated text — it says which).
``--part small`` measures the fixed cost of a small run: CPU milliseconds per two-snippet
``toolkit.run(toolkit.snippet_frame(pair), ["dedup"])`` (what scoring sentence pairs does, one run per
pair), medians of interleaved rounds per dedup level, with the share of ``snippet_frame``. To compare
two versions, run it under each (``PYTHONPATH=<other tree>:<other tree>/plugins``).

Each measurement runs in a fresh subprocess (so peak RSS is its own) and is repeated; the
report gives medians, and the ratio to what a user would write instead with plain pandas
(``pd.read_json(lines=True)`` / ``pd.read_parquet``), which does no validation at all.
Needs nothing outside the repository: the snippets are generated.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

WORDS = [
    "officials",
    "said",
    "the",
    "soldier",
    "was",
    "captured",
    "by",
    "forces",
    "near",
    "the",
    "border",
    "on",
    "Friday",
    "according",
    "to",
    "intelligence",
    "agency",
    "reports",
    "casualties",
    "troops",
    "Ukraine",
    "Russia",
    "Korea",
    "ministry",
    "statement",
]

CASES = {
    "toolkit.read_snippets(jsonl)": "import toolkit; f = toolkit.read_snippets(PATH_JSONL)",
    "pandas.read_json(lines=True)": "import pandas as pd; f = pd.read_json(PATH_JSONL, lines=True)",
    "toolkit.read_snippets(parquet)": "import toolkit; f = toolkit.read_snippets(PATH_PARQUET)",
    "pandas.read_parquet": "import pandas as pd; f = pd.read_parquet(PATH_PARQUET)",
    "toolkit.run(no-op analysis)": (
        "import toolkit, pandas as pd\n"
        "f = toolkit.read_snippets(PATH_PARQUET)\n"
        "spec = toolkit.AnalysisSpec('noop', lambda frame, p, c: toolkit.Output())\n"
        "t0 = time.perf_counter(); toolkit.Pipeline([spec]).run(f); T = time.perf_counter() - t0"
    ),
}

RUNNER = """
import sys, time, warnings
warnings.simplefilter("ignore")
PATH_JSONL, PATH_PARQUET = sys.argv[1], sys.argv[2]
import pandas, pyarrow.parquet, toolkit  # imports are not what we measure
toolkit.default_registry()
T = None
t0 = time.perf_counter()
{code}
elapsed = T if T is not None else time.perf_counter() - t0
# VmHWM (peak RSS of this process image); ru_maxrss would carry over the parent's peak across exec
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0].split()[1]
print(elapsed, int(hwm) / 1024)
"""


def make_data(n: int, folder: Path) -> tuple[Path, Path]:
    import pandas as pd

    rng = random.Random(0)
    jsonl = folder / "snippets.jsonl"
    with open(jsonl, "w", encoding="utf-8") as f:
        for i in range(n):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40)))
            day = rng.randint(1, 28)
            record = {
                "id": f"n{i}",
                "text": text,
                "source": f"outlet{i % 500}",
                "url": f"https://example.org/{i}",
                "published_at": f"2024-12-{day:02d}T10:00:00Z",
            }
            f.write(json.dumps(record) + "\n")
    parquet = folder / "snippets.parquet"
    pd.read_json(jsonl, lines=True, dtype={"id": str}).to_parquet(parquet)
    return jsonl, parquet


def measure(code: str, jsonl: Path, parquet: Path) -> tuple[float, float]:
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER.format(code=code), str(jsonl), str(parquet)],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, peak_mb = proc.stdout.split()
    return float(seconds), float(peak_mb)


def _interleaved(cases: dict[str, Any], repeat: int) -> dict[str, float]:
    """Median seconds of each case, the cases run in turn ``repeat`` times (noise hits all alike)."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(t) for name, t in times.items()}


def bench_ops(repeat: int) -> None:
    for n in (100_000, 1_000_000):
        _bench_ops_at(n, repeat)


def _bench_ops_at(n: int, repeat: int) -> None:
    import numpy as np
    import pandas as pd

    import toolkit
    from toolkit.executor import check_output, is_member, read_only_tables

    frame = toolkit.snippet_frame(pd.DataFrame({"snippet_id": [f"n{i}" for i in range(n)], "text": ["x"] * n}))
    ids = pd.Series(np.random.default_rng(0).choice(frame.index.to_numpy(), n), dtype="string")
    assert (ids.isin(frame.index).to_numpy() == is_member(ids, frame.index)).all()
    t = _interleaved({"isin": lambda: ids.isin(frame.index), "is_member": lambda: is_member(ids, frame.index)}, repeat)
    print(
        f"membership of {n:,} ids: Series.isin {t['isin']:.3f} s, is_member {t['is_member']:.4f} s "
        f"({t['isin'] / t['is_member']:.0f}x)"
    )
    table = pd.DataFrame({"snippet_id": ids, "value": np.arange(n, dtype="float64"), "unit": ["people"] * n})
    declared = {"snippet_id": "string", "value": "Float64", "unit": "string"}
    spec = toolkit.AnalysisSpec("fig", lambda f, p, c: None, tables={"figs": declared})
    output = toolkit.Output(tables={"figs": table})
    t = _interleaved({"check": lambda: check_output(spec, frame, output)}, repeat)
    print(f"check_output of a {n:,}-row table: {t['check']:.3f} s")
    tables = {f"t{k}": table for k in range(4)}
    t = _interleaved(
        {
            "shallow": lambda: read_only_tables(tables),
            "deep": lambda: {k: v.copy(deep=True) for k, v in tables.items()},
        },
        repeat,
    )
    print(
        f"4 tables of {n:,} rows to an analysis: read-only shallow copies {t['shallow'] * 1e6:.0f} us, "
        f"deep copies {t['deep'] * 1e3:.1f} ms"
    )


def news_texts(n: int) -> tuple[list[str], str]:
    """``n`` news sentences: the shared benchmark snippets when present, else generated text."""
    shared = Path("/work/shared/benchmarks")
    texts: list[str] = []
    for path in sorted(shared.glob("*/*.jsonl")) if shared.is_dir() else []:
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            text = record.get("text") if isinstance(record, dict) else None
            if isinstance(text, str) and 40 <= len(text) <= 2000:
                texts.append(text)
    if not texts:
        rng = random.Random(0)
        return [" ".join(rng.choice(WORDS) for _ in range(30)) for _ in range(n)], "generated (shared texts absent)"
    return [texts[i % len(texts)] for i in range(n)], f"{len(texts):,} distinct texts from {shared}"


def bench_workers(n: int, repeat: int) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from toolkit.executor import default_workers

    workers = max(2, default_workers())
    for method in ("fork", "forkserver", "spawn"):

        def start(method: str = method) -> None:
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload(["pandas", "pyarrow", "toolkit.executor"])
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                list(pool.map(abs, range(workers)))

        t = _interleaved({method: start}, repeat)
        print(f"pool of {workers} ({method}): start + one task each + shutdown {t[method]:.2f} s")
    texts, origin = news_texts(n)
    print(f"texts: {origin}")
    per_snippet_share(texts[: min(n, 20_000)])
    started = time.perf_counter()
    _bench_workers_at(texts[:200], workers, 1, label="cold start (workers started and warmed up in the first run)")
    print(f"  (that first comparison took {time.perf_counter() - started:.1f} s in all)")
    for size in sorted({min(n, s) for s in (1_000, 5_000, 20_000, n)}):
        _bench_workers_at(texts[:size], workers, repeat)


def per_snippet_share(texts: list[str]) -> None:
    """CPU-s of each default analysis's per-snippet part (``extract``, or a row-wise ``func``) and of
    its collection part (``combine``, a collection ``func``, the output check), in one process: the
    ceiling on what ``workers=N`` can gain with N free cores (Amdahl)."""
    import pandas as pd

    import toolkit
    from toolkit.executor import check_output, make_context, merge_columns

    frame = toolkit.snippet_frame(
        pd.DataFrame(
            {
                "snippet_id": [f"n{i}" for i in range(len(texts))],
                "text": texts,
                "published_at": ["2024-03-05T08:00:00Z"] * len(texts),
            }
        )
    )
    names = [name for name, spec in toolkit.default_registry().analyses.items() if spec.run_by_default]
    tables: dict[str, Any] = {}
    per_snippet = collection = 0.0
    for step in toolkit.Pipeline(names).ordered():
        spec, params = step.spec, step.params
        started = time.process_time()
        if spec.is_split:
            extracted = spec.extract(frame, params, make_context(tables))
            middle = time.process_time()
            output = spec.combine(frame, params, make_context(tables), extracted)
        else:
            output = spec.func(frame, params, make_context(tables))
            middle = time.process_time() if spec.scope == "row" else started
        columns, new_tables = check_output(spec, frame, output)
        done = time.process_time()
        per_snippet += middle - started
        collection += done - middle
        print(f"  {spec.name:<18} per-snippet {middle - started:6.2f} CPU-s, collection {done - middle:6.2f} CPU-s")
        frame = merge_columns(frame, columns)
        tables.update(new_tables)
    total = per_snippet + collection
    print(
        f"{len(texts):,} snippets: per-snippet share {per_snippet / total:.0%}; ceiling with 2 free cores "
        f"{total / (collection + per_snippet / 2):.2f}x, with 4: {total / (collection + per_snippet / 4):.2f}x"
    )


def _bench_workers_at(texts: list[str], workers: int, repeat: int, label: str = "") -> None:
    import pandas as pd

    import toolkit

    size = len(texts)
    frame = toolkit.snippet_frame(
        pd.DataFrame(
            {
                "snippet_id": [f"n{i}" for i in range(size)],
                "text": texts,
                "published_at": ["2024-03-05T08:00:00Z"] * size,
            }
        )
    )
    names = [name for name, spec in toolkit.default_registry().analyses.items() if spec.run_by_default]
    results = {}

    def run(w: int) -> None:
        results[w] = toolkit.run(frame, names, workers=w)

    t = _interleaved({"n": lambda: run(workers), "1": lambda: run(1)}, repeat)
    same = all(results[1].tables[k].equals(results[workers].tables[k]) for k in results[1].tables)
    same = same and results[1].snippets.equals(results[workers].snippets)
    print(
        f"{size:>7,} snippets, {', '.join(names)}: workers=1 {t['1']:.2f} s, workers={workers} "
        f"{t['n']:.2f} s ({t['1'] / t['n']:.2f}x), identical output: {same} {label}"
    )


#: News sentence pairs (same fact in other words, near copies, different facts) for ``--part small``.
PAIRS = [
    (
        "Amrozi accused his brother, whom he called the witness, of deliberately distorting his evidence.",
        "Referring to him as only the witness, Amrozi accused his brother of deliberately distorting his evidence.",
    ),
    (
        "UPDATE 1-Quake toll rises to 69 in western Nepal - Reuters",
        "Quake toll rises to 72 in western Nepal, officials say",
    ),
    (
        "WASHINGTON, Sept 18 (Reuters) - The U.S. central bank raised interest rates by half a point.",
        "The U.S. central bank raised interest rates by half a point on Wednesday.",
    ),
    (
        "North Korean soldier captured by Ukraine dies of his wounds...",
        "Seoul's spy agency says a captured soldier died",
    ),
]


def bench_small(n: int, repeat: int) -> None:
    """CPU ms per two-snippet dedup run (``--part small``)."""
    import toolkit

    records = [
        [{"snippet_id": "1", "text": a}, {"snippet_id": "2", "text": b}] for a, b in (PAIRS * (n // len(PAIRS) + 1))[:n]
    ]
    print(f"toolkit from {toolkit.__file__}; {n} pairs per round, {repeat} interleaved rounds (CPU ms per pair)")
    for level in ("exact", "near"):
        config = {"dedup": {"level": level}}
        toolkit.run(toolkit.snippet_frame(records[0]), ["dedup"], config=config)  # imports, word lists, probes

        def frames() -> None:
            for rec in records:
                toolkit.snippet_frame(rec)

        def pairs(config: dict[str, Any] = config) -> None:
            for rec in records:
                toolkit.run(toolkit.snippet_frame(rec), ["dedup"], config=config).snippets["cluster_id"].tolist()

        cpu: dict[str, list[float]] = {"frame": [], "pair": []}
        for _ in range(repeat):
            for name, fn in (("frame", frames), ("pair", pairs)):
                started = time.process_time()
                fn()
                cpu[name].append((time.process_time() - started) / n * 1000)
        pair, frame = statistics.median(cpu["pair"]), statistics.median(cpu["frame"])
        print(
            f"dedup level={level:<6} {pair:6.2f} ms CPU per pair ({1000 / pair:5.0f} pairs/CPU-s), "
            f"of which snippet_frame {frame:5.2f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--part", choices=("io", "ops", "workers", "small"), default="io")
    args = parser.parse_args()
    if args.part == "small":
        bench_small(min(args.n, 2_000), args.repeat)
        return 0
    if args.part == "ops":
        bench_ops(args.repeat)
        return 0
    if args.part == "workers":
        bench_workers(args.n, args.repeat)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        jsonl, parquet = make_data(args.n, Path(tmp))
        sizes = f"jsonl {jsonl.stat().st_size / 1e6:.0f} MB, parquet {parquet.stat().st_size / 1e6:.0f} MB"
        print(f"{args.n:,} snippets; {sizes}")
        results = {}
        for name, code in CASES.items():
            runs = [measure(code, jsonl, parquet) for _ in range(args.repeat)]
            results[name] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
            print(f"{name:<34} median {results[name][0]:7.2f} s   peak RSS {results[name][1]:7.0f} MB")
    for ours, theirs in (
        ("toolkit.read_snippets(jsonl)", "pandas.read_json(lines=True)"),
        ("toolkit.read_snippets(parquet)", "pandas.read_parquet"),
    ):
        ratio = results[theirs][0] / results[ours][0]
        print(f"{ours} vs {theirs}: {ratio:.2f}x the speed (>1 = faster), with validation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
