"""Generate synthetic near-duplicate news snippets with ground truth (for bench_dedup.py).

Recipe of ``shared/benchmarks/dedup/README.md``: originals are 1-3 headlines of one story joined
as sentences (~16 words); 20 % of the records are originals and 80 % copies, with
Pareto-distributed copy counts (shape 1.2, so a few wire stories get thousands of copies; the
largest is capped near 3 % of 100k and 1.35 % of 1M, as in the draws behind the research baselines).
A copy is exact (15 %) or has 1-3 edits: drop 1-2 words, swap two adjacent words, add a wire
prefix, add an outlet suffix, truncate to 60-90 % and add "...", change case, strip punctuation,
or a common substitution (says -> said, US -> U.S., million -> mln).

Headlines come from ``../shared/benchmarks/dedup/uci_news_story_clusters.jsonl`` when it exists
(real UCI News Aggregator headlines, CC BY 4.0), otherwise from a seeded word generator.

    python benchmarks/make_dedup_data.py 100000 out.jsonl [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

UCI = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "dedup" / "uci_news_story_clusters.jsonl"
PREFIXES = ["UPDATE 1-", "UPDATE 2-", "(Reuters) - ", "BREAKING: ", "WASHINGTON (AP) — ", "EXCLUSIVE-"]
SUFFIXES = [" - Reuters", " | Fox News", " - The Guardian", " - CNN", " - ABC News", " | Bloomberg"]
SUBS = [("says", "said"), ("US", "U.S."), ("million", "mln"), ("billion", "bln"), ("percent", "%")]


def _headlines(rng: np.random.Generator) -> list[str]:
    """Distinct real headlines from the shared UCI files, or seeded fake ones when they are absent."""
    seen: set[str] = set()
    out: list[str] = []
    for path in (UCI, UCI.with_name("uci_news_story_pairs.jsonl")):
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec.get("xstory_dup"):
                    continue
                for text in (rec.get("text"), rec.get("text1"), rec.get("text2")):
                    if not text:
                        continue
                    text = re.sub(r"\s*(\.\.\.|…)\s*$", "", text).strip()
                    key = re.sub(r"\W+", "", text.lower())
                    if len(text.split()) >= 4 and key not in seen:
                        seen.add(key)
                        out.append(text)
    if not out:
        letters = list("abcdefghijklmnopqrstuvwxyz")
        vocab = ["".join(rng.choice(letters, size=rng.integers(2, 10))) for _ in range(20000)]
        out = [" ".join(rng.choice(vocab, size=rng.integers(6, 12))).capitalize() for _ in range(40000)]
    return out


def _originals(n_orig: int, rng: np.random.Generator) -> list[str]:
    """1-3 headlines joined as sentences; once the pool is used up, later rounds replace half the words."""
    pool = _headlines(rng)
    vocab = sorted({w for h in pool for w in h.split()})
    originals: list[str] = []
    generation = 0
    while len(originals) < n_orig:
        order = rng.permutation(len(pool))
        i = 0
        while i < len(order) and len(originals) < n_orig:
            k = int(rng.choice([1, 2, 3], p=[0.4, 0.4, 0.2]))
            parts = [pool[int(j)] for j in order[i : i + k]]
            i += k
            if generation:
                parts = [
                    " ".join(w if rng.random() < 0.5 else vocab[int(rng.integers(0, len(vocab)))] for w in p.split())
                    for p in parts
                ]
            originals.append(". ".join(parts) + ".")
        generation += 1
    return originals


def _edit(text: str, rng: np.random.Generator, publishers: list[str]) -> str:
    ops = rng.choice(8, size=int(rng.integers(1, 4)), replace=False)
    for op in sorted(int(o) for o in ops if o != 4) + [4] * int(4 in ops):  # distinct edits, cut last
        words = text.split()
        if op == 0 and len(words) > 5:
            for _ in range(int(rng.integers(1, 3))):
                del words[int(rng.integers(0, len(words)))]
            text = " ".join(words)
        elif op == 1 and len(words) > 3:
            i = int(rng.integers(0, len(words) - 1))
            words[i], words[i + 1] = words[i + 1], words[i]
            text = " ".join(words)
        elif op == 2:
            text = PREFIXES[int(rng.integers(0, len(PREFIXES)))] + text
        elif op == 3:
            pool = SUFFIXES + [" - " + p for p in publishers[:50]]
            text += pool[int(rng.integers(0, len(pool)))]
        elif op == 4:
            cut = int(len(text) * rng.uniform(0.6, 0.9))
            text = text[:cut].rstrip() + "..."
        elif op == 5:
            text = text.upper() if rng.random() < 0.3 else text.lower()
        elif op == 6:
            text = re.sub(r"[^\w\s]", "", text)
        else:
            a, b = SUBS[int(rng.integers(0, len(SUBS)))]
            text = re.sub(rf"\b{re.escape(a)}\b", b, text)
    return text


def generate(n: int, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    n_orig = max(1, n // 5)
    originals = _originals(n_orig, rng)
    weights = rng.pareto(1.2, size=n_orig) + 1e-9
    # Cap the largest wire story near the research baseline's draws (3,080 copies at 100k, 13,515 at 1M).
    cap = 0.03 * (100_000 / max(n, 1)) ** 0.35
    for _ in range(3):
        weights = np.minimum(weights / weights.sum(), cap)
    counts = rng.multinomial(n - n_orig, weights / weights.sum())
    publishers = ["WSMV Channel 4", "Examiner.com", "Daily Mail", "Business Insider", "NASDAQ"]
    records = [{"id": f"o{i}", "text": t, "cluster": f"base-{i}", "is_original": True} for i, t in enumerate(originals)]
    j = 0
    for i, c in enumerate(counts):
        for _ in range(int(c)):
            text = originals[i] if rng.random() < 0.15 else _edit(originals[i], rng, publishers)
            records.append({"id": f"c{j}", "text": text, "cluster": f"base-{i}", "is_original": False})
            j += 1
    order = rng.permutation(len(records))
    return [records[int(k)] for k in order]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    with open(args.out, "w", encoding="utf-8") as fh:
        for rec in generate(args.n, args.seed):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
