"""Benchmark the attribution plugin side by side with the alternatives a user would pick.

    python benchmarks/bench_attribution.py [--shared ../shared] [--n 20000] [--repeat 5]
    python benchmarks/bench_attribution.py --dask-tables 10000,100000 [--partitions 8]

Reads the seed and the GUM Wikinews gold set from the project's ``shared/`` folder (next to the
repository by default; ``--shared`` or ``$SNIPPET_SHARED`` to point elsewhere) and exits cleanly,
saying so, when it is absent.

Compared, on the same snippets, in one process on one core:

* ``toolkit_attribution`` (default rule mode, the whole analysis: extraction and canonical names);
* a plain five-pattern regex baseline (the floor of shared/research/attribution.md:
  ``"Q," said X`` / ``"Q," X said`` / ``according to X, Y`` / ``Y, according to X`` / ``X said (that) Y``);
* textacy's ``direct_quotations`` over spaCy ``en_core_web_sm`` when both are importable. The
  official ``en_core_web_sm`` wheel is not published on PyPI (only on GitHub releases), so on
  a machine that reaches PyPI alone it is reported as unavailable rather than faked.

``--dask-tables``: the Dask plan (``run_dask``, sync scheduler) on the bench pile of
``bench_pipeline.py`` at each size: the size of the name tables its collection-level decisions read
(they must follow the distinct names, not the snippets), and its largest resolution task.

Throughput is the median of ``--repeat`` runs over ``--n`` snippets (the gold snippets repeated);
quality is speaker P/R/F1, content token-F1 and canonical-link F1 from ``shared/bench/score.py``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

import pandas as pd
from toolkit_attribution import AttributionParams, extract_attributions

from toolkit import Context

HERE = Path(__file__).resolve()


def find_shared(arg: str | None) -> Path | None:
    cands = [arg] if arg else [os.environ.get("SNIPPET_SHARED"), HERE.parents[2] / "shared", HERE.parents[1] / "shared"]
    for cand in cands:
        if cand and (Path(cand) / "seed" / "snippets.jsonl").exists():
            return Path(cand)
    return None


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def make_frame(records: list[dict]) -> pd.DataFrame:
    """The snippet frame, with the ``url`` a record carries (the GUM records name their article,
    which lets a pronoun opening a sentence find its antecedent in the sentences before)."""
    cols = {"text": pd.array([r.get("text") or "" for r in records], dtype="string")}
    if any(r.get("url") for r in records):
        cols["url"] = pd.array([r.get("url") or None for r in records], dtype="string")
    return pd.DataFrame(cols, index=pd.Index([str(r["id"]) for r in records], dtype="string", name="snippet_id"))


# ------------------------------------------------------------------------------- regex baseline
_Q = r"[\"“”]"
_NP = r"((?:[A-Z][\w'’.-]*|the|a|an|of|[a-z]+'s)(?:\s+(?:[A-Z][\w'’.-]*|of|the|for|[a-z]+)){0,5}?)"
BASELINE = [
    (re.compile(_Q + r"([^\"“”]{3,}?),?" + _Q + r",?\s+said\s+" + _NP + r"[.,]"), "said_x", "direct"),
    (re.compile(_Q + r"([^\"“”]{3,}?),?" + _Q + r",?\s+" + _NP + r"\s+said\b"), "x_said", "direct"),
    (re.compile(r"[Aa]ccording to\s+" + _NP + r",\s+([^.]{3,})"), "acc_first", "according_to"),
    (re.compile(r"([^.]{3,}?),\s+according to\s+" + _NP + r"[.,]"), "acc_last", "according_to"),
    (re.compile(r"\b" + _NP + r"\s+said\s+(?:that\s+)?([^.]{3,})"), "x_said_that", "indirect"),
]


def regex_baseline(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for sid, text in frame["text"].items():
        taken: list[tuple[int, int]] = []
        for rx, name, kind in BASELINE:
            for m in rx.finditer(text):
                if name in ("said_x", "x_said", "acc_last"):
                    content, speaker = (1, 2)
                else:
                    speaker, content = (1, 2)
                s0, s1 = m.span(speaker)
                if any(a < s1 and s0 < b for a, b in taken):
                    continue
                taken.append((s0, s1))
                rows.append(
                    {
                        "snippet_id": sid,
                        "speaker": m.group(speaker),
                        "speaker_start": s0,
                        "speaker_end": s1,
                        "content": m.group(content),
                        "cue": "according to" if kind == "according_to" else "said",
                        "kind": kind,
                        "speaker_canonical": m.group(speaker).lower().removeprefix("the "),
                    }
                )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------- textacy
def textacy_runner():
    """A callable over a frame, or the reason it cannot run here."""
    if importlib.util.find_spec("textacy") is None or importlib.util.find_spec("spacy") is None:
        return None, "textacy/spaCy not installed (pip install textacy)"
    try:
        import spacy
        from textacy.extract import direct_quotations

        nlp = spacy.load("en_core_web_sm")
    except Exception as exc:
        return None, f"en_core_web_sm not loadable ({type(exc).__name__}); it is not published on PyPI"

    def run(frame: pd.DataFrame) -> pd.DataFrame:
        rows = []
        for sid, doc in zip(frame.index, nlp.pipe(frame["text"].tolist()), strict=True):
            try:
                quotes = list(direct_quotations(doc))
            except ValueError:  # textacy refuses an odd number of quote marks
                continue
            for q in quotes:
                if not q.speaker:
                    continue
                sp = q.speaker[0]
                rows.append(
                    {
                        "snippet_id": sid,
                        "speaker": doc[sp.i : sp.i + 1].text,
                        "speaker_start": sp.idx,
                        "speaker_end": sp.idx + len(sp.text),
                        "content": q.content.text,
                        "cue": " ".join(t.text for t in q.cue),
                        "kind": "direct",
                        "speaker_canonical": sp.text,
                    }
                )
        return pd.DataFrame(rows)

    return run, ""


# ------------------------------------------------------------------------------- harness
def ours(frame: pd.DataFrame) -> pd.DataFrame:
    return extract_attributions(frame, AttributionParams(), Context()).tables["claims"]


def throughput(fn, frame: pd.DataFrame, repeat: int) -> float:
    fn(frame.iloc[:50])  # warm-up: lexicon load and regex compilation
    times = []
    for _ in range(repeat):
        t0 = time.process_time()  # CPU time of this process: one core, robust to a shared machine
        fn(frame)
        times.append(time.process_time() - t0)
    return len(frame) / statistics.median(times)


def quality(score, fn, snippets: list[dict], gold_path: Path) -> dict:
    frame = make_frame(snippets)
    gold = {str(r["id"]): r for r in load(gold_path)}
    snips = {str(k): v for k, v in frame["text"].items()}
    claims = fn(frame)
    rep = score.score_attribution(snips, gold, score.rows_by_snippet(claims), [])
    return {
        "speaker_f1": rep["speaker"]["f1"],
        "speaker_p": rep["speaker"]["precision"],
        "speaker_r": rep["speaker"]["recall"],
        "content_token_f1": rep["content_token_f1"],
        "canonical_link_f1": rep["canonical_links"]["f1"],
    }


def dask_tables(sizes: list[int], partitions: int) -> int:
    """The Dask plan's name tables and largest group task at each pile size (see the docstring)."""
    import dask
    import dask.dataframe as dd
    from toolkit_attribution import dask_plan

    from toolkit import snippet_frame
    from toolkit.distributed import run_dask

    sys.path.insert(0, str(HERE.parent))
    import bench_pipeline  # the bench pile (reads /work/shared)

    if not bench_pipeline.SHARED.exists():
        print(f"{bench_pipeline.SHARED} not found: no bench pile to build, nothing to measure.")
        return 0
    seen: dict[str, int] = {}
    opened: list[tuple[int, int]] = []
    open_group, people, forms = dask_plan._open_group, dask_plan._decide_people, dask_plan.decide_forms

    def spy_open(rows, claims, *args):
        opened.append((len(rows), len(claims)))
        return open_group(rows, claims, *args)

    def spy_people(names, params):
        seen["full-name keys"], seen["full-name forms"] = len(names.first), sum(map(len, names.forms.values()))
        return people(names, params)

    def spy_forms(counts):
        seen["own-name keys"], seen["own-name forms"] = len(counts), sum(map(len, counts.values()))
        return forms(counts)

    dask_plan._open_group, dask_plan._decide_people, dask_plan.decide_forms = spy_open, spy_people, spy_forms
    texts = bench_pipeline.read_texts()
    print(f"Dask plan, {partitions} partitions, sync scheduler: name tables vs pile size")
    for n in sizes:
        seen.clear()
        opened.clear()
        frame = snippet_frame(pd.DataFrame(bench_pipeline.build_pile(n, texts)))
        with dask.config.set(scheduler="sync"):
            claims = run_dask(dd.from_pandas(frame, npartitions=partitions, sort=False), ["attribution"])
            table = claims["claims"].compute()
        rows, held = max(opened)
        print(
            f"{n:>9} snippets: {len(table):>7} claims, {table['speaker'].nunique():>6} distinct speakers; "
            + ", ".join(f"{k} {v}" for k, v in seen.items())
            + f"; largest group task {rows} rows / {held} claims of {sum(r for r, _ in opened)} / {len(table)}"
        )
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared")
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--dask-tables", help="comma-separated pile sizes: the Dask plan's name tables at each")
    ap.add_argument("--partitions", type=int, default=8)
    args = ap.parse_args(argv)
    if args.dask_tables:
        return dask_tables([int(x) for x in args.dask_tables.split(",")], args.partitions)
    shared = find_shared(args.shared)
    if shared is None:
        print("shared/ not found (pass --shared or set SNIPPET_SHARED): nothing to benchmark.")
        return 0
    sys.path.insert(0, str(shared / "bench"))
    import score  # the project scorer, shared/bench/score.py

    seed = load(shared / "seed" / "snippets.jsonl")
    gum_dir = shared / "benchmarks" / "attribution"
    gum = load(gum_dir / "gum_news.snippets.jsonl")
    pool = seed + gum
    records = [dict(r, id=f"{r['id']}#{i}") for i, r in enumerate(pool * (args.n // len(pool) + 1))][: args.n]
    frame = make_frame(records)
    dense = make_frame([dict(r, id=f"{r['id']}#{i}") for i, r in enumerate(seed * (args.n // len(seed) + 1))][: args.n])

    systems = {"toolkit_attribution": ours, "regex baseline (5 patterns)": regex_baseline}
    runner, why = textacy_runner()
    if runner is not None:
        systems["textacy direct_quotations + en_core_web_sm"] = runner
    else:
        print(f"textacy: skipped - {why}")

    results = {}
    for name, fn in systems.items():
        n = len(frame) if "textacy" not in name else min(len(frame), 2000)
        reps = args.repeat if "textacy" not in name else 1
        sps = throughput(fn, frame.iloc[:n], reps)
        results[name] = {
            "snippets_per_second": round(sps),
            "dense_snippets_per_second": round(throughput(fn, dense.iloc[:n], reps)),
            "seed": quality(score, fn, seed, shared / "seed" / "gold.jsonl"),
            "gum_news": quality(score, fn, gum, gum_dir / "gum_news.jsonl"),
        }
    base = results["toolkit_attribution"]["snippets_per_second"]
    dbase = results["toolkit_attribution"]["dense_snippets_per_second"]
    print(
        f"{len(frame)} snippets: 'mixed' = seed + GUM news repeated (most sentences hold no claim), "
        f"'dense' = the seed repeated (1.2 claims a snippet); median of {args.repeat} runs;\n"
        "throughput in snippets per CPU-second of one process (one core; robust to a shared machine)\n"
    )
    header = (
        f"{'system':45} {'mixed/s':>8} {'ratio':>6} {'dense/s':>8} {'ratio':>6} | "
        f"{'seed spk F1':>11} {'content F1':>10} {'links F1':>8} |"
    )
    print(header + f" {'GUM spk F1':>10} {'P':>5} {'R':>5} {'links F1':>8}")
    for name, r in results.items():
        s, g = r["seed"], r["gum_news"]
        print(
            f"{name:45} {r['snippets_per_second']:>8} {r['snippets_per_second'] / base:>6.2f} "
            f"{r['dense_snippets_per_second']:>8} {r['dense_snippets_per_second'] / dbase:>6.2f} | "
            f"{s['speaker_f1']:>11.3f} {s['content_token_f1']:>10.3f} {s['canonical_link_f1']:>8.3f} | "
            f"{g['speaker_f1']:>10.3f} {g['speaker_p']:>5.2f} {g['speaker_r']:>5.2f} {g['canonical_link_f1']:>8.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
