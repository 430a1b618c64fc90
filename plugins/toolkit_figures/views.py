"""Notebook view of the figures plugin: figures about the same thing side by side, with conflicts.

Figures are grouped by the topics of the ``figure_comparison`` table when it ran (by story and
meaning), else by what they count (the analysis's ``counted_head``) and their ``unit``. Each
figure is read as the interval the analysis computes (:func:`toolkit_figures.compare.figure_intervals`);
a group conflicts when no single number fits every interval. Figures with no usable bound are
shown but do not count. Every optional column may be missing; all text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from toolkit import ViewSpec, hookimpl
from toolkit.html import escape
from toolkit.html import plain as _text
from toolkit_figures.compare import figure_intervals
from toolkit_figures.context import counted_head

MAX_GROUPS = 30
MAX_CARDS = 8


def figure_tooltip(row: Mapping[str, Any]) -> str:
    """The snippet view's tooltip for a figure: value (or range), unit, counted thing, qualifier."""

    def get(col: str) -> str:
        return _text(row.get(col))

    parts = [get("value") or f"{get('low')}–{get('high')}".strip("–"), get("unit"), get("counted")]
    qualifier = get("qualifier")
    return "figure: " + " ".join(p for p in parts if p) + (f" ({qualifier})" if qualifier else "")


def _heads(figures: pd.DataFrame) -> pd.Series:
    """What each figure counts: the table's ``counted_head`` (made by the analysis), else the same
    key made from ``counted`` (a table from elsewhere)."""
    if "counted_head" in figures.columns:
        heads = figures["counted_head"]
    elif "counted" in figures.columns:
        heads = figures["counted"].map(lambda c: counted_head(c) if isinstance(c, str) else None)
    else:
        heads = pd.Series(None, index=figures.index, dtype=object)
    return heads.astype(object).where(heads.notna(), "").astype(str)


def _units(figures: pd.DataFrame) -> pd.Series:
    if "unit" not in figures.columns:
        return pd.Series("", index=figures.index)
    unit = figures["unit"].astype(object)
    return unit.where(unit.notna(), "").astype(str).str.strip().str.lower()


def figure_groups(figures: pd.DataFrame, tolerance: float = 0.1) -> pd.DataFrame:
    """One row per figure with ``group`` (what it counts + unit), ``lo``/``hi`` and ``conflict`` per group.

    The bounds are the analysis's own (:func:`toolkit_figures.compare.figure_intervals`); a group
    conflicts when no single number fits every figure's interval."""
    out = pd.DataFrame(index=figures.index)
    counted = _heads(figures)
    unit = _units(figures)
    out["counted_key"] = counted
    out["unit_key"] = unit
    out["group"] = (counted + np.where(unit != "", " (" + unit + ")", "")).str.strip()
    lo, hi = figure_intervals(figures, tolerance)
    unknown = np.isnan(lo) | np.isnan(hi) | (np.isinf(lo) & np.isinf(hi))
    out["lo"] = np.where(unknown, np.nan, lo)
    out["hi"] = np.where(unknown, np.nan, hi)
    usable = ~unknown
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
