"""The two analyses: ``figures`` (per snippet) and ``figure_comparison`` (across the collection)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from toolkit import Context, Output
from toolkit_figures.extract import counted_head, get_extractor
from toolkit_figures.lexicon import build_lexicon
from toolkit_figures.schema import COMPARISON_COLUMNS, FIGURES_COLUMNS


@dataclass(frozen=True)
class FiguresParams:
    """Parameters of the ``figures`` analysis.

    :param include_durations: also report durations and ages ("three days", "15 years",
        "50-year-old"); off by default, since they are the timeline's business.
    :param include_years: also report bare years ("in 2008"); off by default.
    :param max_counted_words: the longest counted noun phrase read after a number.
    :param default_dollar: the ISO code a bare "$" stands for.
    :param extra_units: more units, as ``"surface=canonical"`` (``"furlongs=furlong"``).
    :param extra_currencies: more currencies, as ``"surface=ISO"`` (``"Ksh=KES"``, ``"quatloos=QTL"``).
    :param extra_code_prefixes: more words that make the next number a label (``"gate"``).
    :param extra_stopwords: more words that end a counted noun phrase.
    :param kinds: keep only figures of these kinds (``count``, ``money``, ``percent``, ``measure``,
        ``ratio``); empty keeps all.
    :param max_candidates: the most number candidates read in one snippet. A news snippet has a
        handful; the cap keeps a pathological input (a megabyte of "1,1,1,...") to a bounded cost.
        Candidates past it are not read.
    """

    include_durations: bool = False
    include_years: bool = False
    max_counted_words: int = 5
    default_dollar: str = "USD"
    extra_units: tuple[str, ...] = ()
    extra_currencies: tuple[str, ...] = ()
    extra_code_prefixes: tuple[str, ...] = ()
    extra_stopwords: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    max_candidates: int = 2000


@dataclass(frozen=True)
class ComparisonParams:
    """Parameters of the ``figure_comparison`` analysis.

    :param approx_tolerance: how far (relative) an "around"/"about" figure may stretch when deciding
        whether two figures conflict (0.1: "around 1,100" covers 990..1,210).
    :param min_figures: the fewest figures a topic needs to be listed.
    :param include_units: group money/percent/measure figures by the noun after "of" as well
        (always with their unit in the topic); counts are always compared.
    :param max_listed: the most conflicting figure ids listed per figure (the nearest first);
        ``n_conflicts`` has the full count.
    """

    approx_tolerance: float = 0.1
    min_figures: int = 2
    include_units: bool = True
    max_listed: int = 20


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in columns.items()})


def _cast(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    out = {}
    for c, d in columns.items():
        col = df[c] if c in df.columns else pd.Series([None] * len(df), index=df.index)
        if d == "object":
            out[c] = col.astype(object)
        else:
            out[c] = col.astype(d)
    return pd.DataFrame(out, index=range(len(df)))


def figures_from_text(text: str, params: FiguresParams | None = None) -> list[dict]:
    """The figures of one text, as dicts (the table's columns without the ids). For quick use."""
    ex = _default_extractor() if params is None or params is _DEFAULT_PARAMS else _extractor(params)
    params = params or _DEFAULT_PARAMS
    figs = ex.extract(text or "")
    return [f for f in figs if f["kind"] in params.kinds] if params.kinds else figs


_DEFAULT_PARAMS = FiguresParams()


@lru_cache(maxsize=1)
def _default_extractor():
    """The extractor for the default parameters (no hashing of the parameters on every call)."""
    return _extractor(_DEFAULT_PARAMS)


@lru_cache(maxsize=32)
def _extractor(params: FiguresParams):
    lex = build_lexicon(
        tuple(params.extra_units),
        tuple(params.extra_currencies),
        tuple(params.extra_code_prefixes),
        tuple(params.extra_stopwords),
    )
    return get_extractor(
        lex,
        params.include_durations,
        params.include_years,
        params.max_counted_words,
        params.default_dollar,
        params.max_candidates,
    )


def extract_figures(frame: pd.DataFrame, params: FiguresParams, context: Context) -> Output:
    """The ``figures`` analysis: one row per numeric claim of every snippet."""
    ex = _extractor(params)
    if "text" not in frame.columns:  # the pipeline checks `requires`; a direct call gets an empty table
        return Output(tables={"figures": _empty(FIGURES_COLUMNS)})
    texts = frame["text"]
    n = len(texts)
    rows: list[dict] = []
    step = max(1, n // 20)
    ids = [str(i) for i in frame.index]
    for k, (sid, text) in enumerate(zip(ids, texts.array, strict=True)):
        if k % step == 0 and n > 2000:
            context.progress(k / n)
        if text is None or text is pd.NA or not isinstance(text, str) or not text:
            continue
        figs = ex.extract(text)
        if params.kinds:
            figs = [f for f in figs if f["kind"] in params.kinds]
        for j, fig in enumerate(figs, start=1):
            fig["figure_id"] = f"{sid}:f{j}"
            fig["snippet_id"] = sid
            rows.append(fig)
    if n > 2000:
        context.progress(1.0)
    if not rows:
        return Output(tables={"figures": _empty(FIGURES_COLUMNS)})
    df = pd.DataFrame.from_records(rows)
    df["counted_head"] = [counted_head(c) for c in df["counted"]]
    df["claim_id"] = None
    df["speaker_canonical"] = None
    claims = context.table("claims") if context is not None else None
    if claims is not None and len(claims):
        df = _link_claims(df, claims)
    return Output(tables={"figures": _cast(df, FIGURES_COLUMNS)})


def _link_claims(figs: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Fill claim_id / speaker_canonical from the innermost claim whose content span holds the figure."""
    need = {"snippet_id", "claim_id", "content_start", "content_end"}
    if not need <= set(claims.columns):
        return figs
    c = claims[[col for col in ("snippet_id", "claim_id", "speaker_canonical", "content_start", "content_end")
                if col in claims.columns]].copy()  # fmt: skip
    c = c.dropna(subset=["content_start", "content_end"])
    if c.empty:
        return figs
    c["snippet_id"] = c["snippet_id"].astype(str)
    c["content_start"] = c["content_start"].astype("float64")
    c["content_end"] = c["content_end"].astype("float64")
    left = figs[["figure_id", "snippet_id", "start", "end"]].copy()
    left["snippet_id"] = left["snippet_id"].astype(str)
    m = left.merge(c, on="snippet_id", how="inner")
    inside = (m["content_start"] <= m["start"].astype("float64")) & (m["end"].astype("float64") <= m["content_end"])
    m = m[inside]
    if m.empty:
        return figs
    m = m.assign(width=m["content_end"] - m["content_start"]).sort_values(["figure_id", "width"])
    best = m.drop_duplicates("figure_id").set_index("figure_id")
    figs = figs.copy()
    figs["claim_id"] = figs["figure_id"].map(best["claim_id"])
    if "speaker_canonical" in best.columns:
        figs["speaker_canonical"] = figs["figure_id"].map(best["speaker_canonical"])
    return figs


# ------------------------------------------------------------------------------------------------
# figure_comparison


def _interval(row, tol: float) -> tuple[float, float]:
    v, lo, hi, q = row["value"], row["low"], row["high"], row["qualifier"]
    isna = pd.isna
    if q == "range" and not isna(lo) and not isna(hi):
        return float(lo), float(hi)
    if q in ("at_least", "more_than") or (row.get("truncated") is True and not isna(lo)):
        return float(lo if not isna(lo) else v), math.inf
    if q in ("at_most", "less_than"):
        return -math.inf, float(hi if not isna(hi) else v)
    if isna(v):
        return (float(lo) if not isna(lo) else -math.inf), (float(hi) if not isna(hi) else math.inf)
    v = float(v)
    if q == "approximately":
        d = abs(v) * tol
        return v - d, v + d
    return v, v


def compare_figures(frame: pd.DataFrame, params: ComparisonParams, context: Context) -> Output:
    """The ``figure_comparison`` analysis: figures grouped by what they count, with conflicts."""
    figs = context.table("figures") if context is not None else None
    if figs is None or figs.empty:
        return Output(tables={"figure_comparison": _empty(COMPARISON_COLUMNS)})
    f = figs[figs["counted_head"].notna()].copy()
    if not params.include_units:
        f = f[f["unit"].isna()]
    if f.empty:
        return Output(tables={"figure_comparison": _empty(COMPARISON_COLUMNS)})
    unit = f["unit"].astype(object).where(f["unit"].notna(), None)
    f["topic"] = [h if u is None else f"{h} [{u}]" for h, u in zip(f["counted_head"], unit, strict=True)]
    sizes = f.groupby("topic")["figure_id"].transform("size")
    f = f[sizes >= params.min_figures]
    if f.empty:
        return Output(tables={"figure_comparison": _empty(COMPARISON_COLUMNS)})
    tol = params.approx_tolerance
    ivs = [_interval(r, tol) for r in f[["value", "low", "high", "qualifier", "truncated"]].to_dict("records")]
    f["_lo"] = [a for a, _ in ivs]
    f["_hi"] = [b for _, b in ivs]
    out_rows = []
    for topic, g in f.groupby("topic", sort=True):
        lo = g["_lo"].to_numpy()
        hi = g["_hi"].to_numpy()
        ids = g["figure_id"].astype(str).to_numpy()
        # Figure j is disjoint from figure i when it starts above i's top or ends below i's bottom.
        # Sorted bounds find both sets with binary search: O(k log k), never a k x k matrix.
        by_lo = np.argsort(lo, kind="stable")
        by_hi = np.argsort(hi, kind="stable")
        lo_sorted, hi_sorted = lo[by_lo], hi[by_hi]
        above_from = np.searchsorted(lo_sorted, hi, side="right")
        below_to = np.searchsorted(hi_sorted, lo, side="left")
        stated = pd.concat([g["value"], g["low"], g["high"]]).dropna().astype(float)
        t_lo = float(stated.min()) if len(stated) else np.nan
        t_hi = float(stated.max()) if len(stated) else np.nan
        speakers = g["speaker_canonical"].dropna().nunique()
        n_snip = g["snippet_id"].nunique()
        k = params.max_listed
        for i, rec in enumerate(g.to_dict("records")):
            # the nearest disjoint figures first: those ending just below, those starting just above
            below = by_hi[max(0, below_to[i] - k) : below_to[i]][::-1]
            above = by_lo[above_from[i] : above_from[i] + k]
            n_conflicts = int(below_to[i] + (len(lo) - above_from[i]))
            others = [ids[j] for j in (*below, *above)][:k]
            out_rows.append({
                "topic": topic, "figure_id": rec["figure_id"], "snippet_id": rec["snippet_id"],
                "text": rec["text"], "value": rec["value"], "low": rec["low"], "high": rec["high"],
                "qualifier": rec["qualifier"], "unit": rec["unit"], "counted": rec["counted"],
                "speaker_canonical": rec["speaker_canonical"], "n_figures": len(g), "n_snippets": n_snip,
                "n_speakers": speakers, "topic_low": t_lo, "topic_high": t_hi,
                "conflict": n_conflicts > 0, "conflicts_with": others, "n_conflicts": n_conflicts,
            })  # fmt: skip
    df = pd.DataFrame.from_records(out_rows)
    return Output(tables={"figure_comparison": _cast(df, COMPARISON_COLUMNS)})
