"""The core's own overhead at scale: reading + validating snippets, and a no-op pipeline run.

    .venv/bin/python benchmarks/bench_core.py [--n 1000000] [--repeat 3]

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
from pathlib import Path

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
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
