"""The whole pipeline on real news text, side by side: today's code vs the new one, 1 worker vs N.

    .venv/bin/python benchmarks/bench_pipeline.py [--sizes 10000,100000] [--repeats 3] [--json out.json]
    .venv/bin/python benchmarks/bench_pipeline.py --sizes 100000 --cases "all four,all defaults"
    .venv/bin/python benchmarks/bench_pipeline.py --sizes 100000 --profile     # cProfile of "all four"

Builds piles of 10k, 100k, 1M ... snippets from the news texts in ``/work/shared`` (see
``CORPORA``: UCI News headlines, sometimes two of one story as title + description; one to three
consecutive sentences of a Wikinews, MEANTIME or TempEval-3 article; a few Recognizers / quantulum3
test phrases), each snippet with its own id, outlet and date; the same pile every run (seeded).
Without ``/work/shared`` it says so and exits with status 2: the repository's tests never need it.

For each default analysis alone (figures with figure_comparison), "all four" (dedup, attribution,
figures + figure_comparison, timeline) and "all defaults" (when the defaults are more, e.g.
stories), in a fresh subprocess per run (so peak RSS is the run's own), it measures CPU seconds
(the process's ``time.process_time`` plus its children's: reaped ones through ``RUSAGE_CHILDREN``,
the live worker pool and its fork server through ``/proc``), wall seconds, snippets per
CPU-second and per wall-second, and peak RSS (``VmHWM``; worker processes reported apart).
Variants, run interleaved ``--repeats`` times and reported as medians:

- ``baseline``: the same measurement under ``--baseline-python`` (the code as it was, installed
  in its own environment);
- ``new w=1``: this interpreter's toolkit in one process;
- ``new w=N``: ``workers=N`` (N = ``os.cpu_count()``), when the installed ``toolkit.run`` takes
  ``workers`` (detected; the report says when it does not). The pool's start-up is part of the
  run, as in a script that runs once.

A warm-up run precedes each measured run, on a separate pile of ``WARM_UP`` snippets drawn with
another seed (imports, word lists, regexes compiled on first use: a fixed per-process cost that
both variants pay outside the window), so the numbers are the analyses' steady-state own. On a
shared machine wall time follows the load; the throughput claims use CPU seconds. The "outputs"
section compares, for the smallest pile, every table of the baseline with the new code's (rows,
rows on the shared columns found in one but not the other, and which columns differ) and
``workers=N`` with ``workers=1``. The code may change
while this runs (an editable install): each run records a digest of the source it loaded.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHARED = Path("/work/shared")
BASELINE_PYTHON = "/tmp/baseline-venv/bin/python"
#: The four default analyses of the issue (figures with its comparison table).
ALL_FOUR = ("dedup", "attribution", "figures", "figure_comparison", "timeline")
#: Analyses that only make sense together with another one.
COMPANIONS = {"figures": ("figures", "figure_comparison")}
OUTLETS = [f"outlet-{k:03d}.example" for k in range(300)]

PROBE = r"""
import inspect, json, warnings
warnings.simplefilter("ignore")
import toolkit
registry = toolkit.default_registry()
builtin = {"dedup", "attribution", "figures", "timeline"}  # not a third-party plugin installed alongside
defaults = [name for name, spec in registry.analyses.items()
            if getattr(spec, "run_by_default", getattr(spec, "default", False)) and registry.plugin_of(name) in builtin]
print(json.dumps({"defaults": defaults, "analyses": list(registry.analyses),
                  "workers": "workers" in inspect.signature(toolkit.run).parameters,
                  "file": toolkit.__file__}))
"""

CHILD = r"""
import json, os, resource, sys, time, warnings
warnings.simplefilter("ignore")
import pandas as pd
import toolkit

TICK = os.sysconf("SC_CLK_TCK")

def descendants():
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            children.setdefault(int(fields[1]), []).append((int(entry), fields))
    found, todo = [], [os.getpid()]
    while todo:
        for pid, fields in children.get(todo.pop(), []):
            found.append((pid, fields))
            todo.append(pid)
    return found

def tree_cpu():
    # utime, stime, cutime, cstime of every live descendant (the pool's workers, the fork server)
    return sum(sum(int(v) for v in fields[11:15]) for _, fields in descendants()) / TICK

def hwm(pid="self"):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0

def code_version():
    # a digest of the toolkit's and its plugins' loaded source files: which code this run measured
    import hashlib
    digest = hashlib.sha256()
    for name in sorted(sys.modules):
        path = getattr(sys.modules[name], "__file__", None) or ""
        if name.split(".")[0].startswith("toolkit") and path.endswith(".py"):
            digest.update(open(path, "rb").read())
    return digest.hexdigest()[:12]

def main():
    pile, analyses, workers, out, profile, warm = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), *sys.argv[4:7]
    frame = toolkit.snippet_frame(pd.read_parquet(pile))
    toolkit.run(toolkit.snippet_frame(pd.read_parquet(warm)), analyses)  # imports, word lists, lazy regexes
    kwargs = {"workers": workers} if workers else {}
    if profile != "-":
        import cProfile, pstats
        profiler = cProfile.Profile()
        profiler.enable()
        result = toolkit.run(frame, analyses, **kwargs)
        profiler.disable()
        for key in ("cumulative", "tottime"):
            print(f"--- top 25 by {key} ---")
            pstats.Stats(profiler).sort_stats(key).print_stats(25)
        raise SystemExit(0)
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    tree0, cpu0, wall0 = tree_cpu(), time.process_time(), time.perf_counter()
    result = toolkit.run(frame, analyses, **kwargs)
    wall = time.perf_counter() - wall0
    cpu_self = time.process_time() - cpu0
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    reaped = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
    cpu_children = reaped + tree_cpu() - tree0
    peak = hwm()
    workers_peak = sum(hwm(pid) for pid, _ in descendants())
    rows = {name: len(table) for name, table in result.tables.items()}
    steps = {r.analysis: [r.status, round(r.seconds, 3)] for r in result.records}
    if out != "-":
        os.makedirs(out, exist_ok=True)
        result.snippets.reset_index().to_parquet(os.path.join(out, "snippets.parquet"))
        for name, table in result.tables.items():
            table.to_parquet(os.path.join(out, name + ".parquet"))
    print(json.dumps({"cpu": cpu_self + cpu_children, "cpu_self": cpu_self, "cpu_children": cpu_children,
                      "wall": wall, "peak_rss_mb": peak, "workers_peak_rss_mb": workers_peak,
                      "rows": rows, "steps": steps, "n": len(frame),
                      "code": code_version()}))


if __name__ == "__main__":  # the pool's workers import this script
    main()
"""


@dataclass(frozen=True)
class Variant:
    """One way of running the toolkit: an interpreter and a worker count (0: the argument not passed)."""

    label: str
    python: str
    workers: int


@dataclass
class Cell:
    """The repeated measurements of one (size, case, variant)."""

    runs: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""

    def median(self, key: str) -> float:
        return statistics.median(run[key] for run in self.runs) if self.runs else float("nan")


# ---------------------------------------------------------------------------------------------
# The piles


#: The corpora a pile is drawn from, with their share of its snippets: news search results are
#: headlines and a sentence or three of the article; the Recognizers / quantulum3 test phrases
#: (numbers, ranges, dates out of context) are a small share.
CORPORA = {
    "headlines": (0.40, ["benchmarks/dedup/uci_news_story_clusters.jsonl"]),
    "news sentences": (
        0.50,
        [
            "benchmarks/attribution/gum_news.snippets.jsonl",
            "benchmarks/attribution/gum_interview.snippets.jsonl",
            "bench/suites/meantime_timex.snippets.jsonl",
            "bench/suites/tempeval3_platinum.snippets.jsonl",
        ],
    ),
    "test phrases": (
        0.10,
        [
            "bench/suites/recognizers_datetime.snippets.jsonl",
            "bench/suites/recognizers_numbers.snippets.jsonl",
            "bench/suites/recognizers_numberrange.snippets.jsonl",
            "bench/suites/quantulum3.snippets.jsonl",
        ],
    ),
}

Document = list[tuple[str, "str | None"]]


def read_texts() -> dict[str, list[Document]]:
    """The shared texts by corpus and document: ``{corpus: [[(text, published_at or None), ...]]}``.

    A document is a UCI story cluster (its headlines), a Wikinews / MEANTIME / TempEval article (its
    sentences in order), or one test phrase.
    """
    corpora: dict[str, list[Document]] = {}
    seen: set[str] = set()  # the MEANTIME suites share their texts
    for corpus, (_, files) in CORPORA.items():
        documents: dict[str, Document] = {}
        for path in (SHARED / name for name in files):
            if not path.exists():
                continue
            for number, line in enumerate(path.open(encoding="utf-8")):
                record = json.loads(line)
                text = record.get("text")
                if not isinstance(text, str) or not text.strip() or text in seen:
                    continue
                seen.add(text)
                key = record.get("cluster") or str(record.get("id", "")).rsplit("-s", 1)[0]
                key = key if corpus != "test phrases" else number
                documents.setdefault(f"{path.stem}:{key}", []).append((text, record.get("published_at")))
        if documents:
            corpora[corpus] = list(documents.values())
    return corpora


def build_pile(n: int, corpora: dict[str, list[Document]], seed: int = 0) -> list[dict[str, str]]:
    """``n`` snippets, each with its own id, outlet and date (the document's own when it has one,
    else a day of 2014–2024): a headline (sometimes with a second headline of the same story, as a
    title and description), 1–3 consecutive sentences of an article, or a test phrase."""
    rng = random.Random(seed)
    names = list(corpora)
    weights = [CORPORA[name][0] for name in names]
    pile = []
    for i in range(n):
        corpus = rng.choices(names, weights)[0]
        doc = rng.choice(corpora[corpus])
        k = rng.randrange(len(doc))
        text, date = doc[k]
        if corpus == "headlines" and len(doc) > 1 and rng.random() < 0.5:
            text = f"{text}. {doc[rng.randrange(len(doc))][0]}"
        elif corpus == "news sentences":
            text = " ".join(t for t, _ in doc[k : k + rng.randint(1, 3)])
        if date is None:
            date = f"{rng.randint(2014, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        outlet = rng.choice(OUTLETS)
        pile.append(
            {
                "id": f"p{i:07d}",
                "text": text,
                "source": outlet,
                "url": f"https://{outlet}/story/{i}",
                "published_at": f"{date[:10]}T{rng.randint(0, 23):02d}:00:00Z",
            }
        )
    return pile


#: Snippets of the warm-up pile (its own seed, so not the measured snippets).
WARM_UP = 1_000


def write_pile(n: int, corpora: dict[str, list[Document]], folder: Path, seed: int = 0) -> Path:
    import pandas as pd

    path = folder / f"pile-{n}-seed{seed}.parquet"
    pd.DataFrame(build_pile(n, corpora, seed)).to_parquet(path)
    return path


# ---------------------------------------------------------------------------------------------
# Running


def probe(python: str) -> dict[str, Any] | None:
    """What an interpreter's toolkit offers: default analyses, whether ``run`` takes ``workers``."""
    with tempfile.TemporaryDirectory() as tmp:  # cwd away from the repo: import the installed toolkit
        try:
            proc = subprocess.run([python, "-c", PROBE], capture_output=True, text=True, cwd=tmp, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"{python}: cannot probe ({exc})", file=sys.stderr)
            return None
    if proc.returncode != 0:
        print(f"{python}: cannot import toolkit:\n{proc.stderr[-1000:]}", file=sys.stderr)
        return None
    info: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return info


def measure(variant: Variant, pile: Path, analyses: tuple[str, ...], folder: Path, out: Path | None) -> dict[str, Any]:
    """One run in a fresh subprocess; raises RuntimeError with its stderr when it fails."""
    script = folder / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    warm = folder / f"pile-{WARM_UP}-seed1.parquet"
    args = [variant.python, str(script), str(pile), ",".join(analyses), str(variant.workers), str(out or "-"), "-"]
    args.append(str(warm))
    proc = subprocess.run(args, capture_output=True, text=True, cwd=folder)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip()[-1500:])
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def cases_for(defaults: list[str], available: list[str]) -> dict[str, tuple[str, ...]]:
    """Each default analysis alone (figures with figure_comparison), then all four, then all defaults."""
    cases: dict[str, tuple[str, ...]] = {}
    for name in defaults:
        if name == "figure_comparison":
            continue
        cases[name] = COMPANIONS.get(name, (name,))
    cases["all four"] = tuple(a for a in ALL_FOUR if a in available)
    if set(defaults) != set(cases["all four"]):
        cases["all defaults"] = tuple(defaults)
    return cases


def plan(args: argparse.Namespace) -> tuple[list[str], list[Variant], dict[str, tuple[str, ...]], set[str]]:
    """Notes, variants, cases, and the analyses the baseline has (empty when it is not run)."""
    new = probe(sys.executable)
    if new is None:
        raise SystemExit(2)
    base = probe(args.baseline_python) if args.baseline_python else None
    notes = [f"new: {sys.executable} (toolkit from {new['file']}); default analyses: {', '.join(new['defaults'])}"]
    variants = []
    if base is not None:
        variants.append(Variant("baseline", args.baseline_python, 0))
        notes.append(f"baseline: {args.baseline_python} (toolkit from {base['file']})")
    else:
        notes.append("baseline: not run (no --baseline-python, or it cannot import toolkit)")
    n_workers = args.workers or os.cpu_count() or 1
    if new["workers"]:
        variants += [Variant("new w=1", sys.executable, 1), Variant(f"new w={n_workers}", sys.executable, n_workers)]
    else:
        variants.append(Variant("new", sys.executable, 0))
        notes.append("workers: the installed toolkit.run takes no `workers` argument: workers=N not measured")
    cases = cases_for(new["defaults"], new["analyses"])
    if args.cases:
        unknown = set(args.cases.split(",")) - set(cases)
        if unknown:
            raise SystemExit(f"unknown case(s) {', '.join(sorted(unknown))}; the cases: {', '.join(cases)}")
        cases = {k: v for k, v in cases.items() if k in args.cases.split(",")}
    in_baseline = set(base["defaults"]) if base else set()
    if base and set(new["defaults"]) - in_baseline:
        extra = ", ".join(sorted(set(new["defaults"]) - in_baseline))
        notes.append(f"baseline: {extra} not run by default there: cases with it not measured on the baseline")
    return notes, variants, cases, in_baseline


def run_all(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """Every (size, repeat, case, variant), interleaved; the outputs compared at the smallest size."""
    notes, variants, cases, in_baseline = plan(args)
    corpora = read_texts()
    notes.append(
        "texts: "
        + "; ".join(f"{c} ({CORPORA[c][0]:.0%} of a pile): {sum(map(len, d)):,} texts" for c, d in corpora.items())
    )
    sizes = [int(s) for s in args.sizes.split(",")]
    cells: dict[tuple[int, str, str], Cell] = {}
    comparisons: list[dict[str, Any]] = []
    widest = max(cases, key=lambda case: len(cases[case]))
    compared = {"all four", widest}
    for size in sizes:
        pile = write_pile(size, corpora, folder)
        write_pile(WARM_UP, corpora, folder, seed=1)
        outs: dict[tuple[str, str], Path] = {}
        for repeat in range(args.repeats):
            for case, analyses in cases.items():
                for variant in variants:
                    cell = cells.setdefault((size, case, variant.label), Cell())
                    if variant.label == "baseline" and not set(analyses) <= in_baseline:
                        cell.error = "not a baseline default"
                    if cell.error:
                        continue
                    out = None
                    if repeat == 0 and size == min(sizes) and case in compared:
                        out = outs[case, variant.label] = folder / f"out-{len(outs)}"
                    run_cell(cell, variant, pile, analyses, folder, out, f"n={size:,} {case:<14} rep {repeat + 1}")
        comparisons += compare_pairs(outs)
    notes += code_notes(cells)
    return {
        "notes": notes,
        "cells": cells,
        "sizes": sizes,
        "cases": cases,
        "variants": variants,
        "outputs": comparisons,
    }


def code_notes(cells: dict[tuple[int, str, str], Cell]) -> list[str]:
    """Which versions of the code the runs measured (the new code may change while this runs)."""
    versions: dict[str, list[str]] = {}
    for (_, _, label), cell in cells.items():
        for run in cell.runs:
            seen = versions.setdefault(label.split(" w=")[0], [])
            if run.get("code") not in seen:
                seen.append(run.get("code", "?"))
    return [f"code measured, {label}: {len(v)} version(s) ({', '.join(v)})" for label, v in versions.items()]


def run_cell(
    cell: Cell, variant: Variant, pile: Path, analyses: tuple[str, ...], folder: Path, out: Path | None, what: str
) -> None:
    """One more run of a cell; a failure is kept (and the cell not run again)."""
    try:
        run = measure(variant, pile, analyses, folder, out)
    except RuntimeError as exc:
        cell.error = (str(exc).splitlines() or ["failed"])[-1]
        print(f"{what} {variant.label}: FAILED\n{exc}", file=sys.stderr)
        return
    cell.runs.append(run)
    print(
        f"  [{time.strftime('%H:%M:%S')}] {what} {variant.label:<9}: cpu {run['cpu']:.2f}s "
        f"wall {run['wall']:.2f}s rss {run['peak_rss_mb']:.0f}MB",
        file=sys.stderr,
        flush=True,
    )


# ---------------------------------------------------------------------------------------------
# Outputs identical?


def compare_pairs(outs: dict[tuple[str, str], Path]) -> list[dict[str, Any]]:
    """Per case whose tables were written: baseline vs new w=1, and new w=1 vs new w=N."""
    comparisons = []
    for case in dict.fromkeys(case for case, _ in outs):
        labels = [label for c, label in outs if c == case]
        for a, b in itertools.pairwise(labels):
            if a in ("baseline", "new w=1") and b.startswith("new"):
                comparisons.append(compare_outputs(outs[case, a], outs[case, b], a, b) | {"case": case})
    return comparisons


def _row_keys(table: Any, columns: list[str]) -> Counter[tuple[str, ...]]:
    """The rows as a multiset of tuples of their values' text (dtype changes do not count)."""
    text = table[columns].astype("string").fillna("<NA>")
    return Counter(zip(*(text[c].tolist() for c in columns), strict=True)) if columns else Counter()


def _columns_differing(a: Any, b: Any, shared: list[str]) -> dict[str, int]:
    """Per shared column, how many values (as a multiset) are in ``a`` but not in ``b``, or back."""
    counts = {}
    for column in shared:
        ka, kb = _row_keys(a, [column]), _row_keys(b, [column])
        differing = max(sum((ka - kb).values()), sum((kb - ka).values()))
        if differing:
            counts[column] = differing
    return counts


def compare_outputs(left: Path, right: Path, left_label: str, right_label: str) -> dict[str, Any]:
    """Per table: rows in each, columns only in one, rows (on the shared columns) found in one only."""
    import pandas as pd

    tables: list[dict[str, Any]] = []
    for name in sorted({p.stem for p in left.glob("*.parquet")} | {p.stem for p in right.glob("*.parquet")}):
        a_path, b_path = left / f"{name}.parquet", right / f"{name}.parquet"
        if not (a_path.exists() and b_path.exists()):
            tables.append({"table": name, "only_in": left_label if a_path.exists() else right_label})
            continue
        a, b = pd.read_parquet(a_path), pd.read_parquet(b_path)
        shared = [c for c in a.columns if c in b.columns]
        ka, kb = _row_keys(a, shared), _row_keys(b, shared)
        tables.append(
            {
                "table": name,
                "rows": [len(a), len(b)],
                "columns_only_left": [c for c in a.columns if c not in b.columns],
                "columns_only_right": [c for c in b.columns if c not in a.columns],
                "rows_only_left": sum((ka - kb).values()),
                "rows_only_right": sum((kb - ka).values()),
                "dtypes_differ": [c for c in shared if str(a[c].dtype) != str(b[c].dtype)],
                "values_differ": _columns_differing(a, b, shared),
            }
        )
    return {"left": left_label, "right": right_label, "tables": tables}


# ---------------------------------------------------------------------------------------------
# Report


def report(data: dict[str, Any]) -> str:
    cells, lines = data["cells"], []
    lines += [f"- {note}" for note in data["notes"]]
    lines += [
        "",
        "| snippets | case | variant | CPU s | wall s | snippets/CPU-s | snippets/wall-s | peak RSS MB | ratio |",
        "|---:|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for size in data["sizes"]:
        for case in data["cases"]:
            base = cells.get((size, case, "baseline"))
            one = cells.get((size, case, "new w=1")) or cells.get((size, case, "new"))
            for variant in data["variants"]:
                cell = cells.get((size, case, variant.label))
                if cell is None:
                    continue
                if not cell.runs:
                    lines.append(f"| {size:,} | {case} | {variant.label} | {cell.error or 'failed'} | | | | | |")
                    continue
                cpu, wall = cell.median("cpu"), cell.median("wall")
                rss = f"{cell.median('peak_rss_mb'):.0f}"
                if variant.workers > 1:
                    rss += f" (+{cell.median('workers_peak_rss_mb'):.0f} workers)"
                ratio = ""
                if cell is one and base is not None and base.runs:
                    ratio = f"{base.median('cpu') / cpu:.2f}x per CPU-s vs baseline"
                elif variant.workers > 1 and one is not None and one.runs:
                    ratio = f"{one.median('wall') / wall:.2f}x wall vs w=1"
                lines.append(
                    f"| {size:,} | {case} | {variant.label} | {cpu:.2f} | {wall:.2f} | {size / cpu:,.0f} | "
                    f"{size / wall:,.0f} | {rss} | {ratio} |"
                )
    lines.append("")
    lines.append(f"Medians of {max((len(c.runs) for c in cells.values()), default=0)} interleaved runs each.")
    for comparison in data["outputs"]:
        left, right, case = comparison["left"], comparison["right"], comparison["case"]
        lines += ["", f"Outputs of {case!r}, {left} (left) vs {right} (right), {min(data['sizes']):,} snippets:", ""]
        lines += [
            "| table | rows | rows only left | rows only right | columns only left / right | dtype changed "
            "| columns whose values differ (values) |"
        ]
        lines += ["|---|---|---:|---:|---|---|---|"]
        for t in comparison["tables"]:
            if "only_in" in t:
                lines.append(f"| {t['table']} | only in {t['only_in']} | | | | | |")
                continue
            only = f"{', '.join(t['columns_only_left']) or '-'} / {', '.join(t['columns_only_right']) or '-'}"
            values = ", ".join(f"{c} ({k:,})" for c, k in t["values_differ"].items()) or "-"
            lines.append(
                f"| {t['table']} | {t['rows'][0]:,} → {t['rows'][1]:,} | {t['rows_only_left']:,} | "
                f"{t['rows_only_right']:,} | {only} | {', '.join(t['dtypes_differ']) or '-'} | {values} |"
            )
    return "\n".join(lines)


def as_json(data: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for (size, case, label), cell in data["cells"].items():
        row: dict[str, Any] = {"snippets": size, "case": case, "variant": label, "analyses": data["cases"][case]}
        if cell.runs:
            for key in ("cpu", "wall", "peak_rss_mb", "workers_peak_rss_mb"):
                row[key] = cell.median(key)
            row["snippets_per_cpu_s"] = size / row["cpu"]
            row["snippets_per_wall_s"] = size / row["wall"]
            row["runs"] = cell.runs
        else:
            row["error"] = cell.error
        rows.append(row)
    return {"notes": data["notes"], "results": rows, "outputs": data["outputs"]}


def profile(args: argparse.Namespace, folder: Path) -> None:
    """cProfile of the widest case (all analyses) in this interpreter, one process."""
    new = probe(sys.executable)
    if new is None:
        raise SystemExit(2)
    cases = cases_for(new["defaults"], new["analyses"])
    case = args.cases if args.cases in cases else "all four"
    size = int(args.sizes.split(",")[0])
    corpora = read_texts()
    pile = write_pile(size, corpora, folder)
    warm = write_pile(WARM_UP, corpora, folder, seed=1)
    script = folder / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    print(f"cProfile, {size:,} snippets, {case}: {', '.join(cases[case])}", flush=True)
    argv = [sys.executable, str(script), str(pile), ",".join(cases[case]), "0", "-", "profile", str(warm)]
    subprocess.run(argv, cwd=folder, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="pile sizes, e.g. 10000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs per measurement (median reported)")
    parser.add_argument("--baseline-python", default=BASELINE_PYTHON, help="today's toolkit ('' to skip)")
    parser.add_argument("--workers", type=int, default=0, help="N for workers=N (default: os.cpu_count())")
    parser.add_argument("--cases", default="", help="only these cases, comma-separated (e.g. 'all four,figures')")
    parser.add_argument("--json", metavar="PATH", help="also write the medians and every run as JSON")
    parser.add_argument("--profile", action="store_true", help="instead: cProfile 'all four' at the first size")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"{SHARED} is absent: this benchmark builds its piles from the shared news texts there.", file=sys.stderr)
        raise SystemExit(2)
    if args.baseline_python and not Path(args.baseline_python).exists():
        print(f"baseline interpreter {args.baseline_python} is absent: measuring the new code only", file=sys.stderr)
        args.baseline_python = ""
    with tempfile.TemporaryDirectory(prefix="bench_pipeline-") as tmp:
        if args.profile:
            profile(args, Path(tmp))
            return
        data = run_all(args, Path(tmp))
    print(report(data))
    if args.json:
        Path(args.json).write_text(json.dumps(as_json(data), indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
