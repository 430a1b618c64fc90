"""Score the answers about the *pile* on a multi-outlet, multi-story test set.

    python benchmarks/score_multi_outlet.py                          # default analyses
    python benchmarks/score_multi_outlet.py --set dedup.level=fact   # the same-fact level
    python benchmarks/score_multi_outlet.py --json out.json

The set is ``tests/data/multi_outlet/`` (written for this project in the style of wire and web copy;
six stories, 3–10 outlets each: an earthquake with a rising toll, an election call, a WHO
emergency, a battle with rival casualty claims, a rate cut, floods with two people called Smith).
It needs nothing outside the repository. It prints:

- ``fact_ari`` / ``fact_pairs``: dedup's ``cluster_id`` against the gold same-fact groups
  ("the toll rose to 69" and "the toll rose to 72" are different facts);
- ``story_ari``: the ``story_id`` snippet column (from the ``stories`` analysis) against the gold stories;
- ``canonical_links``: over every pair of gold attributions matched to a predicted claim (the speaker
  span overlaps), "same canonical speaker" as a link, P/R/F1 — across outlets, with "Sunak" /
  "Rishi Sunak", "Tedros" / "Tedros Adhanom Ghebreyesus", and the two Smiths kept apart;
- ``cross_story_conflicts``: ``figure_comparison`` conflicts between figures of different gold
  stories (goal 0), and ``within_story_conflicts`` (the Kremlin's 300 soldiers vs Ukraine's 3,000
  troops should be one).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from itertools import combinations
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data" / "multi_outlet"


def ari(truth: list[str], pred: list[str]) -> float:
    """Adjusted Rand index (Hubert and Arabie), without a scikit-learn dependency."""
    from math import comb

    n = len(truth)
    if n < 2:
        return 1.0
    cont: dict[tuple[str, str], int] = {}
    for t, p in zip(truth, pred, strict=True):
        cont[(t, p)] = cont.get((t, p), 0) + 1
    a: dict[str, int] = {}
    b: dict[str, int] = {}
    for (t, p), c in cont.items():
        a[t] = a.get(t, 0) + c
        b[p] = b.get(p, 0) + c
    index = sum(comb(c, 2) for c in cont.values())
    sum_a = sum(comb(c, 2) for c in a.values())
    sum_b = sum(comb(c, 2) for c in b.values())
    expected = sum_a * sum_b / comb(n, 2)
    maximum = (sum_a + sum_b) / 2
    return 1.0 if maximum == expected else round((index - expected) / (maximum - expected), 4)


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "pred": n_pred, "gold": n_gold}


def pair_prf(truth: list[str], pred: list[str]) -> dict[str, float]:
    tp = n_pred = n_gold = 0
    for (t1, p1), (t2, p2) in combinations(zip(truth, pred, strict=True), 2):
        tp += t1 == t2 and p1 == p2
        n_pred += p1 == p2
        n_gold += t1 == t2
    return prf(tp, n_pred, n_gold)


def canonical_links(frame: pd.DataFrame, gold: dict[str, dict], claims: pd.DataFrame | None) -> dict[str, float]:
    """Link P/R/F1 over matched gold attributions (matched when the speaker spans overlap)."""
    pairs: list[tuple[str, str]] = []
    by_snippet = {} if claims is None else {k: g for k, g in claims.groupby("snippet_id", sort=False)}
    for sid, text in frame["text"].items():
        for att in gold[str(sid)]["attributions"]:
            start = text.find(att["speaker"])
            if start < 0:
                continue
            end = start + len(att["speaker"])
            rows = by_snippet.get(sid)
            predicted = ""
            if rows is not None:
                for row in rows.to_dict("records"):
                    s, e = row.get("speaker_start"), row.get("speaker_end")
                    if pd.notna(s) and pd.notna(e) and int(s) < end and int(e) > start:
                        predicted = "" if pd.isna(row.get("speaker_canonical")) else str(row["speaker_canonical"])
                        break
            pairs.append((att["speaker_canonical"], predicted))
    tp = n_pred = n_gold = 0
    for (g1, p1), (g2, p2) in combinations(pairs, 2):
        same_gold = g1 == g2
        same_pred = p1 == p2 and p1 != ""
        tp += same_gold and same_pred
        n_pred += same_pred
        n_gold += same_gold
    return prf(tp, n_pred, n_gold)


def figure_conflicts(result: object, gold: dict[str, dict]) -> dict[str, int]:
    table = result.tables.get("figure_comparison") if hasattr(result, "tables") else None
    if table is None or not len(table) or "conflicts_with" not in table.columns:
        return {"cross_story_conflicts": 0, "within_story_conflicts": 0}
    story_of_figure = {
        str(f): gold[str(s)]["story"] for f, s in zip(table["figure_id"], table["snippet_id"], strict=True)
    }
    cross = within = 0
    seen: set[tuple[str, str]] = set()
    for fid, others in zip(table["figure_id"], table["conflicts_with"], strict=True):
        for other in list(others) if others is not None and not isinstance(others, float) else []:
            key = tuple(sorted((str(fid), str(other))))
            if key in seen or str(other) not in story_of_figure:
                continue
            seen.add(key)  # type: ignore[arg-type]
            if story_of_figure[str(fid)] == story_of_figure[str(other)]:
                within += 1
            else:
                cross += 1
    return {"cross_story_conflicts": cross, "within_story_conflicts": within}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--analyses", default=None, help="comma-separated; default: every default analysis")
    ap.add_argument("--set", action="append", default=[], metavar="ANALYSIS.PARAM=VALUE")
    ap.add_argument("--json")
    args = ap.parse_args(argv)

    import toolkit

    config: dict[str, dict[str, str]] = {}
    for item in args.set:
        key, _, value = item.partition("=")
        analysis, _, param = key.partition(".")
        config.setdefault(analysis, {})[param] = value
    gold = {
        str(r["id"]): r
        for r in (json.loads(line) for line in (DATA / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line)
    }
    frame = toolkit.read_snippets(DATA / "snippets.jsonl")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = toolkit.run(frame, args.analyses.split(",") if args.analyses else None, config=config)
    snippets = result.snippets
    ids = [str(i) for i in snippets.index]
    out: dict[str, object] = {"snippets": len(ids)}
    if "cluster_id" in snippets.columns:
        truth = [gold[i]["cluster"] for i in ids]
        pred = [str(v) for v in snippets["cluster_id"].astype("string").fillna("<NA>")]
        out["fact_ari"] = ari(truth, pred)
        out["fact_pairs"] = pair_prf(truth, pred)
    if "story_id" in snippets.columns:
        truth = [gold[i]["story"] for i in ids]
        pred = [str(v) for v in snippets["story_id"].astype("string").fillna("<NA>")]
        out["story_ari"] = ari(truth, pred)
        out["story_pairs"] = pair_prf(truth, pred)
    if "claims" in result.tables:
        out["canonical_links"] = canonical_links(snippets, gold, result.tables["claims"])
    out.update(figure_conflicts(result, gold))
    text = json.dumps(out, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
