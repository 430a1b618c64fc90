"""Notebook view of the attribution plugin: claims grouped by canonical speaker.

Registered through ``register_views``; needs the ``claims`` table, uses ``speakers`` (aliases,
outlet counts) when present. Every optional column may be missing. All text is escaped.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from toolkit import ViewSpec, hookimpl
from toolkit.html import escape
from toolkit.html import plain as _text

MAX_SPEAKERS = 40
MAX_CLAIMS = 25


def claims_by_speaker(result: Any, max_speakers: int = MAX_SPEAKERS, max_claims: int = MAX_CLAIMS) -> str:
    """Escaped HTML: one block per canonical speaker (most claims first) listing what they said."""
    claims: pd.DataFrame = result["claims"]
    if claims.empty:
        return "<p>No attributed statements found.</p>"
    who = pd.Series("(unknown speaker)", index=claims.index, dtype="string")
    for col in ("speaker", "speaker_canonical"):  # canonical wins where present
        if col in claims.columns:
            who = claims[col].astype("string").where(claims[col].notna() & (claims[col].astype("string") != ""), who)
    speakers = result.get("speakers", None)
    info: dict[str, dict[str, Any]] = {}
    if speakers is not None and "speaker_canonical" in speakers.columns:
        info = {str(r["speaker_canonical"]): r for r in speakers.to_dict("records")}
    sources = result.snippets["source"] if "source" in result.snippets.columns else None
    counts = who.value_counts(sort=True)
    out = [f"<p class='stk-muted'>{len(claims)} claims by {len(counts)} speakers</p>"]
    for rank, (speaker, n) in enumerate(counts.head(max_speakers).items()):
        rows = claims[who == speaker]
        meta = info.get(str(speaker), {})
        aliases = _text(meta.get("aliases"))
        if not aliases and "speaker" in rows.columns:
            aliases = ", ".join(sorted({str(s) for s in rows["speaker"].dropna()} - {str(speaker)}))
        n_snippets = _text(meta.get("n_snippets")) or str(rows["snippet_id"].nunique())
        n_sources = _text(meta.get("n_sources"))
        if n_sources in ("0", "0.0"):
            n_sources = ""
        items = []
        for claim in rows.head(max_claims).to_dict("records"):
            sid = _text(claim.get("snippet_id"))
            source = _text(sources.get(sid)) if sources is not None and sid in sources.index else ""
            kind = _text(claim.get("kind"))
            cue = _text(claim.get("cue"))
            quote = (
                "“{}”".format(escape(_text(claim.get("content"))))
                if kind == "direct"
                else escape(_text(claim.get("content")))
            )
            items.append(
                f"<li>{f'<span class=stk-badge>{escape(kind)}</span>' if kind else ''}"
                f"{f'<i>{escape(cue)}</i>: ' if cue else ''}{quote} "
                f"<span class='stk-muted'>[{escape(sid)}{' · ' + escape(source) if source else ''}]</span></li>"
            )
        more = f"<li class='stk-muted'>… {len(rows) - max_claims} more</li>" if len(rows) > max_claims else ""
        out.append(
            f"<details class='stk-card stk-speaker-group' {'open' if rank < 5 else ''}><summary><b>"
            f"{escape(speaker)}</b> <span class='stk-badge'>{n} claim(s)</span>"
            f"<span class='stk-badge'>{escape(n_snippets)} snippet(s)</span>"
            f"{f'<span class=stk-badge>{escape(n_sources)} outlet(s)</span>' if n_sources else ''}</summary>"
            f"{f'<p class=stk-muted>aliases: {escape(aliases)}</p>' if aliases else ''}"
            f"<ul>{''.join(items)}{more}</ul></details>"
        )
    if len(counts) > max_speakers:
        out.append(f"<p class='stk-muted'>… {len(counts) - max_speakers} more speakers</p>")
    return "".join(out)


@hookimpl
def register_views(register):
    register(
        ViewSpec(
            name="speakers",
            func=claims_by_speaker,
            tables=("claims",),
            title="Speakers",
            description="Claims grouped by canonical speaker",
        )
    )
