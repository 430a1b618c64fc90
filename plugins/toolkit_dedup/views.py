"""Notebook view of the dedup plugin: a cluster browser (representative, members, outlets).

Registered through ``register_views``; needs the ``clusters`` table and reads the snippet columns
``cluster_id``, ``representative``, ``duplicate_of`` and ``similarity`` when present. Every
optional column may be missing. All text is escaped.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from toolkit import ViewSpec, hookimpl
from toolkit.html import escape, plain

MAX_CLUSTERS = 50
MAX_CHARS = 240


def _cut(value: Any, limit: int = MAX_CHARS) -> str:
    return plain(value, limit)


def _num(value: Any, fmt: str = "{}") -> str:
    if value is None or value is pd.NA or pd.isna(value):
        return "–"
    return fmt.format(value)


def cluster_browser(result: Any, max_clusters: int = MAX_CLUSTERS) -> str:
    """Escaped HTML: clusters of more than one snippet, largest first, each with its members."""
    clusters: pd.DataFrame = result["clusters"]
    snippets: pd.DataFrame = result.snippets
    if "cluster_id" not in snippets.columns:
        return "<p>No <code>cluster_id</code> column: run dedup to browse clusters.</p>"
    members = snippets[snippets["cluster_id"].notna()]
    groups = members.groupby("cluster_id", sort=False)
    sizes = groups.size()
    multi = sizes[sizes > 1]
    info = clusters.set_index("cluster_id") if "cluster_id" in clusters.columns else pd.DataFrame()
    sort = pd.DataFrame({"size": multi})
    if "n_sources" in info.columns:
        sort["n_sources"] = info["n_sources"].reindex(multi.index).fillna(0).astype("int64")
    else:
        sort["n_sources"] = 0
    order = sort.sort_values(["size", "n_sources"], ascending=False, kind="stable").index
    out = [
        f"<p class='stk-muted'>{len(sizes)} clusters: {len(multi)} with more than one snippet "
        f"({int(multi.sum()) if len(multi) else 0} snippets), {int((sizes == 1).sum())} single"
        f"{'; showing ' + str(max_clusters) if len(multi) > max_clusters else ''}</p>"
    ]
    has_rep = "representative" in members.columns
    for cluster_id in order[:max_clusters]:
        group = groups.get_group(cluster_id)
        row = info.loc[cluster_id] if cluster_id in info.index else pd.Series(dtype=object)
        rep_id = row.get("representative_id") if "representative_id" in row.index else None
        if (rep_id is None or pd.isna(rep_id)) and has_rep:
            reps = group.index[group["representative"].fillna(False).astype(bool)]
            rep_id = reps[0] if len(reps) else None
        if rep_id is None or pd.isna(rep_id) or rep_id not in group.index:
            rep_id = group.index[0]
        outlets = sorted({str(s) for s in group["source"].dropna()}) if "source" in group.columns else []
        n_sources = row.get("n_sources") if "n_sources" in row.index else None
        if n_sources is None or pd.isna(n_sources):
            n_sources = len(outlets)
        dates = ""
        if "first_published" in row.index and not pd.isna(row.get("first_published")):
            first, last = row.get("first_published"), row.get("last_published")
            dates = f" · {escape(_fmt_date(first))}" + (f" – {escape(_fmt_date(last))}" if last is not None else "")
        rows = []
        for sid, member in zip(group.index, group.to_dict("records"), strict=True):
            sim = member.get("similarity")
            bold = " style='font-weight:600'" if sid == rep_id else ""
            rows.append(
                f"<tr{bold}><td>{escape(sid)}</td>"
                f"<td>{escape(_cut(member.get('source'), 60))}</td>"
                f"<td>{_num(sim, '{:.2f}') if sim is not None else '–'}</td>"
                f"<td>{escape(_cut(member.get('duplicate_of'), 40))}</td>"
                f"<td>{escape(_cut(member.get('text')))}</td></tr>"
            )
        out.append(
            f"<details class='stk-card stk-cluster' data-cluster-id='{escape(cluster_id)}'><summary>"
            f"<span class='stk-badge'>{len(group)} snippets</span><span class='stk-badge'>{escape(n_sources)} "
            f"outlet(s)</span>{dates} <b>{escape(_cut(group.loc[rep_id].get('text'), 160))}</b></summary>"
            f"<p class='stk-muted'>cluster {escape(cluster_id)} · representative {escape(rep_id)}"
            f"{' · outlets: ' + escape(', '.join(outlets)) if outlets else ''}</p>"
            "<table class='snippet-toolkit'><thead><tr><th>snippet</th><th>source</th><th>similarity</th>"
            f"<th>duplicate of</th><th>text</th></tr></thead><tbody>{''.join(rows)}</tbody></table></details>"
        )
    if not len(multi):
        out.append("<p>No duplicates found: every snippet is its own cluster.</p>")
    return "".join(out)


def _fmt_date(value: Any) -> str:
    if value is None or value is pd.NA or pd.isna(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


@hookimpl
def register_views(register):
    register(
        ViewSpec(
            name="clusters",
            func=cluster_browser,
            tables=("clusters",),
            title="Clusters",
            description="Duplicate clusters: representative, members, outlets",
        )
    )
