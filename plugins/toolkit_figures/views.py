"""Notebook view of the figures plugin: figures about the same thing side by side, with conflicts.

Figures are grouped by what they count (``counted``, lower-cased, a plural ``s`` dropped) and
their ``unit``. Each figure is read as an interval: an exact value is a point, ``approximately``
widens it by ``tolerance``, ``at_least``/``more_than`` open it upwards, ``at_most``/``less_than``
downwards, a range uses ``low``/``high``. A group conflicts when no single number fits every
interval (for intervals on a line that is exactly: the largest lower bound exceeds the smallest
upper bound). Cut-off figures (no value and no bounds) are shown but do not count. Every optional
column may be missing; all text is escaped.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from toolkit import ViewSpec, hookimpl
from toolkit.html import escape
from toolkit.html import plain as _text

MAX_GROUPS = 30
MAX_CARDS = 8
_ARTICLE = re.compile(r"^(?:the|a|an|some|about|of)\s+")
_SPACE = re.compile(r"\s+")


def _norm(value: Any) -> str:
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = _SPACE.sub(" ", str(value).strip().lower())
    text = _ARTICLE.sub("", text)
    if len(text) > 4 and text.endswith("ies"):
        text = text[:-3] + "y"
    elif len(text) > 3 and text.endswith("s") and not text.endswith("ss"):
        text = text[:-1]
    return text


def _col(table: pd.DataFrame, name: str, dtype: str = "object") -> pd.Series:
    if name in table.columns:
        return table[name]
    return pd.Series(pd.NA, index=table.index, dtype=dtype)


def intervals(figures: pd.DataFrame, tolerance: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bound of every figure (NaN when the figure says nothing usable)."""
    value = pd.to_numeric(_col(figures, "value"), errors="coerce").astype("float64").to_numpy()
    low = pd.to_numeric(_col(figures, "low"), errors="coerce").astype("float64").to_numpy()
    high = pd.to_numeric(_col(figures, "high"), errors="coerce").astype("float64").to_numpy()
    qualifier = _col(figures, "qualifier").astype("string").fillna("exact").to_numpy()
    lo = np.where(np.isnan(low), value, low)
    hi = np.where(np.isnan(high), value, high)
    approx = qualifier == "approximately"
    lo = np.where(approx & np.isnan(low), value - np.abs(value) * tolerance, lo)
    hi = np.where(approx & np.isnan(high), value + np.abs(value) * tolerance, hi)
    up = np.isin(qualifier, ["at_least", "more_than"])
    down = np.isin(qualifier, ["at_most", "less_than"])
    hi = np.where(up & np.isnan(high) & ~np.isnan(lo), np.inf, hi)
    lo = np.where(down & np.isnan(low) & ~np.isnan(hi), -np.inf, lo)
    return lo, hi


def figure_groups(figures: pd.DataFrame, tolerance: float = 0.1) -> pd.DataFrame:
    """One row per figure with ``group`` (what it counts + unit), ``lo``/``hi`` and ``conflict`` per group."""
    out = pd.DataFrame(index=figures.index)
    counted = _col(figures, "counted").map(_norm)
    unit = _col(figures, "unit").map(_norm)
    out["counted_key"] = counted
    out["unit_key"] = unit
    out["group"] = (counted + np.where(unit != "", " (" + unit + ")", "")).str.strip()
    out["lo"], out["hi"] = intervals(figures, tolerance)
    usable = ~(np.isnan(out["lo"]) & np.isnan(out["hi"]))
    grouped = out[usable].groupby("group")
    max_lo = grouped["lo"].max()
    min_hi = grouped["hi"].min()
    conflict = (max_lo > min_hi).reindex(out["group"].unique(), fill_value=False)
    out["conflict"] = out["group"].map(conflict).fillna(False).astype(bool) & (out["group"] != "")
    return out


def _fmt(value: float) -> str:
    if value is None or math.isnan(value):
        return "?"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3g}"


def figures_side_by_side(result: Any, tolerance: float = 0.1, max_groups: int = MAX_GROUPS) -> str:
    """Escaped HTML: groups of figures about the same thing, conflicting groups first."""
    figures: pd.DataFrame = result["figures"].reset_index(drop=True)
    if figures.empty:
        return "<p>No figures found.</p>"
    groups = figure_groups(figures, tolerance)
    comparison = result.get("figure_comparison", None)
    if comparison is not None and {"figure_id", "topic"} <= set(comparison.columns) and "figure_id" in figures:
        # the plugin's own comparison knows better what a figure is about and when two disagree
        topic = comparison.drop_duplicates("figure_id").set_index("figure_id")
        ids = figures["figure_id"]
        found = ids.isin(topic.index)
        groups.loc[found, "group"] = topic["topic"].reindex(ids[found]).astype(str).to_numpy()
        if "conflict" in topic.columns:
            flags = topic["conflict"].reindex(ids[found]).fillna(False).astype(bool).to_numpy()
            per_topic = pd.Series(flags, index=groups.loc[found, "group"]).groupby(level=0).any()
            groups.loc[found, "conflict"] = groups.loc[found, "group"].map(per_topic).fillna(False).astype(bool)
    named = groups[groups["group"] != ""]
    sizes = named.groupby("group").size()
    conflicts = named.groupby("group")["conflict"].first()
    order = (
        pd.DataFrame({"size": sizes, "conflict": conflicts})
        .sort_values(["conflict", "size"], ascending=False, kind="stable")
        .index
    )
    sources = result.snippets["source"] if "source" in result.snippets.columns else None
    out = [
        f"<p class='stk-muted'>{len(figures)} figures in {len(sizes)} groups; "
        f"{int(conflicts.sum())} group(s) disagree; {int((groups['group'] == '').sum())} figure(s) with no unit "
        "or thing counted are left out</p>"
    ]
    for key in order[:max_groups]:
        members = figures.loc[named.index[named["group"] == key]]
        bounds = groups.loc[members.index]
        cards = []
        for i, fig in zip(members.index[:MAX_CARDS], members.head(MAX_CARDS).to_dict("records"), strict=True):
            sid = _text(fig.get("snippet_id"))
            source = _text(sources.get(sid)) if sources is not None and sid in sources.index else ""
            speaker = _text(fig.get("speaker_canonical"))
            lo, hi = bounds.at[i, "lo"], bounds.at[i, "hi"]
            span = _fmt(lo) if lo == hi else f"{_fmt(lo)} – {_fmt(hi)}"
            cut = " <span class='stk-badge'>cut off</span>" if _text(fig.get("truncated")) == "True" else ""
            cards.append(
                f"<div class='stk-card stk-figure-card'><div style='font-size:120%'><b>{escape(_text(fig.get('text')))}"
                f"</b>{cut}</div><div class='stk-muted'>{escape(_text(fig.get('qualifier')) or 'exact')} · "
                f"{escape(span)}</div><div>{escape(speaker) if speaker else '<i>unattributed</i>'}</div>"
                f"<div class='stk-muted'>{escape(sid)}{' · ' + escape(source) if source else ''}</div></div>"
            )
        if len(members) > MAX_CARDS:
            cards.append(f"<div class='stk-muted'>… {len(members) - MAX_CARDS} more</div>")
        values = sorted({_fmt(v) for v in bounds["lo"].tolist() + bounds["hi"].tolist() if not math.isnan(v)})
        badge = (
            f"<span class='stk-badge stk-conflict'>conflict: {escape(' vs '.join(values[:6]))}</span>"
            if bool(conflicts[key])
            else ("<span class='stk-badge'>consistent</span>" if len(members) > 1 else "")
        )
        out.append(
            f"<div class='stk-card stk-figure-group' data-group='{escape(key)}'><div><b>{escape(key)}</b> "
            f"<span class='stk-badge'>{len(members)} figure(s)</span>{badge}</div>"
            f"<div class='stk-row'>{''.join(cards)}</div></div>"
        )
    if len(order) > max_groups:
        out.append(f"<p class='stk-muted'>… {len(order) - max_groups} more groups</p>")
    return "".join(out)


@hookimpl
def register_views(register):
    register(
        ViewSpec(
            name="figures",
            func=figures_side_by_side,
            tables=("figures",),
            title="Figures",
            description="Figures about the same thing side by side, conflicts first",
        )
    )
