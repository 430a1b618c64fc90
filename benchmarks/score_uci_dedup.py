"""Pair precision of dedup's tiers on the UCI story clusters, with the gold's own ceiling measured.

The UCI "story" ids are the aggregator's event clusters, not duplicate groups, and the aggregator
splits one event over several story ids (the README's ``xstory_dup`` flag marks headlines filed
under two ids). This script scores every tier against the gold three ways, clearly labelled:

1. ``P as given``: pair precision against the UCI story ids (``xstory_dup`` rows excluded, as the
   README prescribes);
2. ``P excl. identical``: the same with pairs of identical normalised texts left out (those pairs
   cannot be wrong for a dedup tier; the gold splits some of them);
3. ``P re-joined``: against the story ids joined when the aggregator filed one headline under
   both (connected components over the ``xstory_dup`` headlines): the precision a split-free gold
   would give, an upper reading.

It also splits the predicted false-positive pairs into pairs of identical normalised text vs pairs
of different texts (and of the latter, how many join stories the aggregator itself linked), and
gives precision by word-Jaccard band of the pair: if even near-identical pairs score well below
0.95 against the gold as given, no near-copy rule can reach 0.95 there.

    python benchmarks/score_uci_dedup.py                     # exact and near, default parameters
    python benchmarks/score_uci_dedup.py --set threshold=0.6 --set guard=0.6
    python benchmarks/score_uci_dedup.py --synthetic          # also pair F1 on synthetic_neardup_20k
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared" / "benchmarks" / "dedup"
sys.path.insert(0, str(HERE))

BANDS = [0.0, 0.3, 0.5, 0.7, 0.9, 0.999, 1.0]


def _pairs(counts) -> int:
    c = np.asarray(counts, dtype=np.int64)
    return int((c * (c - 1) // 2).sum())


def score_tier(name: str, pred, gold, rejoined, keys, bands: bool = True) -> dict:
    """Pair counts and the three precisions of one predicted grouping (see the module docstring)."""
    df = pd.DataFrame({"p": pred, "t": gold, "m": rejoined, "k": keys})
    n_pred = _pairs(df["p"].value_counts())
    tp = _pairs(df.groupby(["p", "t"]).size())
    tp_m = _pairs(df.groupby(["p", "m"]).size())
    same_key = _pairs(df.groupby(["p", "k"]).size())
    same_key_tp = _pairs(df.groupby(["p", "k", "t"]).size())
    fp = n_pred - tp
    fp_same = same_key - same_key_tp
    fp_diff = fp - fp_same
    # False positives of different texts whose two stories the aggregator itself linked.
    fp_diff_linked = (tp_m - tp) - (_pairs(df.groupby(["p", "k", "m"]).size()) - same_key_tp)
    out = {
        "tier": name,
        "pred_pairs": n_pred,
        "tp": tp,
        "fp": fp,
        "fp_identical_text": fp_same,
        "fp_different_text": fp_diff,
        "fp_different_text_linked_stories": fp_diff_linked,
        "P_as_given": round(tp / n_pred, 4) if n_pred else None,
        "P_excl_identical": round((tp - same_key_tp) / (n_pred - same_key), 4) if n_pred > same_key else None,
        "P_rejoined": round(tp_m / n_pred, 4) if n_pred else None,
        "recall_as_given": round(tp / _pairs(df["t"].value_counts()), 4),
    }
    if bands and 0 < n_pred <= 5_000_000:
        out["by_word_jaccard"] = _by_band(df)
    return out


def _by_band(df: pd.DataFrame) -> list[dict]:
    """Precision of the predicted pairs by the word Jaccard of the two normalised texts."""
    rows = []
    for _, sub in df.groupby("p", sort=False):
        if len(sub) < 2:
            continue
        words = [set(k.split()) for k in sub["k"]]
        t = sub["t"].tolist()
        m = sub["m"].tolist()
        for i in range(len(words)):
            for j in range(i + 1, len(words)):
                union = len(words[i] | words[j]) or 1
                rows.append((len(words[i] & words[j]) / union, t[i] == t[j], m[i] == m[j]))
    x = pd.DataFrame(rows, columns=["wj", "ok", "ok_m"])
    x["band"] = pd.cut(x["wj"], BANDS, include_lowest=True)
    g = x.groupby("band", observed=True)
    return [
        {
            "word_jaccard": str(b),
            "pairs": len(s),
            "P_as_given": round(s["ok"].mean(), 4),
            "P_rejoined": round(s["ok_m"].mean(), 4),
        }
        for b, s in g
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(SHARED / "uci_news_story_clusters.jsonl"))
    ap.add_argument("--set", action="append", default=[], help="a DedupParams field, e.g. threshold=0.6")
    ap.add_argument("--synthetic", action="store_true", help="also pair P/R/F1 on synthetic_neardup_20k")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args(argv)
    if not Path(args.data).exists():
        print(f"{args.data} is absent: nothing to score.")
        return 0

    from bench_dedup import _merged_stories, load_frame, pair_scores
    from toolkit_dedup.analysis import DedupParams, dedup
    from toolkit_dedup.normalize import normalise

    from toolkit import Context

    overrides = {}
    for item in args.set:
        k, v = item.split("=", 1)
        overrides[k] = json.loads(v) if v not in ("near", "exact", "paraphrase") else v
    frame, gold = load_frame(args.data)  # xstory_dup rows excluded
    story_of = _merged_stories(args.data) or {g: g for g in gold}
    rejoined = [story_of[g] for g in gold]
    keys = normalise(frame["text"]).keys.to_pylist()
    raw = frame["text"].to_numpy(dtype=object)
    print(
        f"{len(frame):,} headlines (xstory_dup rows excluded), {len(set(gold))} gold stories, "
        f"{len(set(rejoined))} after re-joining the stories the aggregator linked\n"
    )
    results = [
        score_tier("raw byte-identical", pd.factorize(raw)[0], gold, rejoined, keys),
        score_tier("normalised-identical", pd.factorize(np.asarray(keys, dtype=object))[0], gold, rejoined, keys),
    ]
    for level in ("exact", "near"):
        params = DedupParams(**{**overrides, "level": level})
        pred = dedup(frame, params, Context()).columns["cluster_id"].to_numpy(dtype=object)
        results.append(score_tier(f"dedup {level}", pred, gold, rejoined, keys))
    cols = ["tier", "pred_pairs", "fp", "fp_identical_text", "fp_different_text", "fp_different_text_linked_stories"]
    cols += ["P_as_given", "P_excl_identical", "P_rejoined", "recall_as_given"]
    print("| " + " | ".join(cols) + " |\n|" + "---|" * len(cols))
    for r in results:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    for r in results:
        if r.get("by_word_jaccard") and r["tier"].startswith("dedup near"):
            print(f"\n{r['tier']}: precision by word Jaccard of the pair")
            print("| word Jaccard | pairs | P as given | P re-joined |\n|---|---|---|---|")
            for b in r["by_word_jaccard"]:
                print(f"| {b['word_jaccard']} | {b['pairs']} | {b['P_as_given']} | {b['P_rejoined']} |")
    if args.synthetic:
        syn = SHARED / "synthetic_neardup_20k.jsonl"
        sframe, slabels = load_frame(str(syn))
        spred = dedup(sframe, DedupParams(**overrides), Context()).columns["cluster_id"].to_numpy(dtype=object)
        sres = pair_scores(slabels, spred)
        results.append({"tier": "dedup near, synthetic_neardup_20k", **sres})
        print(f"\nsynthetic_neardup_20k, near: {sres}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
