"""Peak memory of one long snippet, all four default analyses together (issue 16.8): the growth table.

    .venv/bin/python benchmarks/bench_memory.py [--sizes 10000,100000,1000000] [--analyses dedup,figures]

Each size runs in a fresh subprocess, which reports two peaks for the run alone (after the imports
and the snippet are in memory): the peak of Python/numpy allocations (``tracemalloc``, what
``tests/hostile/test_hostile_memory.py`` checks by ratio) and the growth of peak RSS (``ru_maxrss``,
which also sees Arrow's buffers; tracemalloc slows the run, so RSS is measured in a second run
without it). Linear memory shows as a constant "x input" column; quadratic memory as a column that
grows 10x per row.

The prose: Wikinews sentences (GUM corpus) from ``/work/shared/benchmarks/attribution`` when present,
else the repository's seed snippets (it says which), repeated up to each size: real news text, with
its quotes, figures and dates, in one snippet.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUM = Path("/work/shared/benchmarks/attribution/gum_news.snippets.jsonl")
SEED = ROOT / "examples" / "seed" / "snippets.txt"
DEFAULT_ANALYSES = "dedup,attribution,figures,timeline"

CHILD = r"""
import json, resource, sys, time, tracemalloc, warnings
warnings.simplefilter("ignore")
import toolkit
text, analyses, traced = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2].split(","), sys.argv[3] == "1"
frame = toolkit.snippet_frame([text])
config = {"timeline": {"reference_date": "2024-12-27"}}
toolkit.run(toolkit.snippet_frame(["warm up: Mr. Lee said 3 people died on Friday."]), analyses, config=config)
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if traced:
    tracemalloc.start()
started = time.process_time()
result = toolkit.run(frame, analyses, config=config)
seconds = time.process_time() - started
peak = tracemalloc.get_traced_memory()[1] if traced else 0
rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak": peak, "rss_growth": (rss_after - rss_before) * 1024, "seconds": seconds,
                  "rows": {k: len(v) for k, v in result.tables.items()}, "status": [r.status for r in result.records]}))
"""


def prose() -> tuple[str, str]:
    if GUM.exists():
        lines = [json.loads(line)["text"] for line in GUM.read_text(encoding="utf-8").splitlines() if line.strip()]
        return " ".join(lines), f"GUM Wikinews sentences ({GUM})"
    return " ".join(SEED.read_text(encoding="utf-8").split("\n")), f"the seed snippets ({GUM} is absent)"


def sized(text: str, size: int) -> str:
    """``text`` repeated and cut at a word boundary to ``size`` characters."""
    whole = (text + " ") * (size // (len(text) + 1) + 1)
    return whole[:size].rsplit(" ", 1)[0]


def measure(text: str, analyses: str, traced: bool, folder: Path) -> dict:
    path = folder / f"snippet-{len(text)}.txt"
    path.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), analyses, "1" if traced else "0"], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"size {len(text)}: the run failed\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="snippet sizes in characters")
    parser.add_argument("--analyses", default=DEFAULT_ANALYSES)
    args = parser.parse_args()
    text, origin = prose()
    print(f"one snippet of {origin}; analyses: {args.analyses}")
    print(f"{'size':>10} {'tracemalloc peak':>17} {'x input':>8} {'RSS growth':>11} {'x input':>8} {'CPU s':>7}  rows")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            snippet = sized(text, size)
            nbytes = len(snippet.encode("utf-8"))
            traced = measure(snippet, args.analyses, True, Path(tmp))
            plain = measure(snippet, args.analyses, False, Path(tmp))
            rows = ", ".join(f"{k}={v}" for k, v in plain["rows"].items())
            peak, rss = traced["peak"], plain["rss_growth"]
            print(
                f"{nbytes:>10,} {peak / 1e6:>14.1f} MB {peak / nbytes:>7.0f}x "
                f"{rss / 1e6:>8.1f} MB {rss / nbytes:>7.0f}x {plain['seconds']:>7.1f}  {rows}"
            )


if __name__ == "__main__":
    main()
