"""The pieces of ``figure_comparison``: stories, topics by meaning, intervals, conflicts.

A figure is read as the interval of values it allows (:func:`figure_intervals`); two figures about
the same thing in the same story conflict when their intervals are disjoint, so compatible
statements ("at least 1,000" and "1,200"; "900 to 1,500" and "around 1,100") never do. Topics are
the meaning of the counted thing (``data/counted_meanings.json``): "troops" and "soldiers" are one
topic, "the death toll", "fatalities" and "69 people were killed" another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from toolkit.tables import snippet_ids
from toolkit.text import read_json, trie_regex
from toolkit_figures.context import singular
from toolkit_figures.params import ComparisonParams

_UP = ("at_least", "more_than")
_DOWN = ("at_most", "less_than")
#: an event word after the counted phrase ("69 people were killed", "12 people, who were injured")
_AUX = (
    r"(?:[ \t]*,)?(?:[ \t]+(?:who|that))?"
    r"(?:[ \t]+(?:were|was|are|is|have|has|had|been|being|reportedly|later|all)){0,3}"
)


@dataclass(frozen=True)
class Meanings:
    """The meaning table: counted phrase -> topic name; generic heads; event words -> topic name."""

    by_phrase: dict[str, str]
    determiners: frozenset[str]
    generic: frozenset[str]
    events: dict[str, str]
    after_re: re.Pattern[str]
    before_re: re.Pattern[str]


def _norm(phrase: str, determiners: frozenset[str]) -> str:
    """Lower case, determiners dropped, the last word singular ("The death tolls" -> "death toll")."""
    words = [w for w in phrase.lower().split() if w not in determiners]
    if not words:
        return ""
    return " ".join([*words[:-1], singular(words[-1])])


@lru_cache(maxsize=8)
def meanings(extra: tuple[str, ...] = ()) -> Meanings:
    """The shipped meaning table plus ``extra`` (``"marines=soldier"``), built once per extension."""
    data = read_json("toolkit_figures", "counted_meanings.json")
    determiners = frozenset(data["determiners"])
    by_phrase = {_norm(p, determiners): name for name, phrases in data["meanings"].items() for p in phrases}
    for item in extra:
        surface, _, name = item.partition("=")
        if surface.strip() and name.strip():
            by_phrase[_norm(surface, determiners)] = name.strip().lower()
    events = {w: name for name, words in data["events"].items() for w in words}
    alternation = trie_regex(events, ignore_case=True)
    return Meanings(
        by_phrase=by_phrase,
        determiners=determiners,
        generic=frozenset(singular(w) for w in data["generic"]),
        events=events,
        after_re=re.compile(_AUX + r"[ \t]+(" + alternation + r")(?![\w-])"),
        before_re=re.compile(r"(?<![\w-])(" + alternation + r")[ \t]+\Z"),
    )


def meaning(counted: str, head: str, table: Meanings) -> str | None:
    """The topic name of a counted phrase: the whole phrase, its last two words, then its head."""
    phrase = _norm(counted, table.determiners)
    words = phrase.split()
    for key in (phrase, " ".join(words[-2:]), head):
        name = table.by_phrase.get(key)
        if name is not None:
            return name
    return None


def _event(text: str, start: int, counted_end: int, table: Meanings) -> str | None:
    """The meaning of an event word around a generic figure ("killing 69 people", "69 people died")."""
    after = table.after_re.match(text, counted_end, counted_end + 60)
    if after:
        return table.events[after.group(1).lower()]
    before = table.before_re.search(text, max(0, start - 20), start)
    return table.events[before.group(1).lower()] if before else None


def story_of(frame: pd.DataFrame, figure_snippets: pd.Series) -> pd.Series:
    """Each figure's story: the ``story_id`` snippet column (the ``stories`` analysis) when the
    frame has one, else NA (the whole collection is one story)."""
    if "story_id" not in frame.columns:
        return pd.Series(pd.NA, index=figure_snippets.index, dtype="string")
    story = frame["story_id"].astype("string")
    story.index = snippet_ids(frame)
    return pd.Series(story.reindex(figure_snippets.astype(str).tolist()).array, index=figure_snippets.index)


def topics(figs: pd.DataFrame, frame: pd.DataFrame, params: ComparisonParams) -> list[str]:
    """The comparison topic of every figure: the meaning of what it counts, plus its unit."""
    table = meanings(tuple(params.extra_meanings))
    texts = {}
    if "text" in frame.columns:
        texts = dict(zip(snippet_ids(frame), frame["text"].tolist(), strict=True))
    out = []

    def col(name: str) -> list:
        return figs[name].tolist() if name in figs.columns else [None] * len(figs)

    rows = zip(col("counted"), col("counted_head"), col("unit"), col("snippet_id"), col("start"), col("counted_end"),
               strict=True)  # fmt: skip
    for (
        counted,
        head,
        unit,
        sid,
        start,
        counted_end,
    ) in rows:
        name = meaning(counted if isinstance(counted, str) else "", head, table)
        if name is None and head in table.generic:
            text = texts.get(str(sid))
            if isinstance(text, str) and not pd.isna(counted_end) and not pd.isna(start):
                name = _event(text, int(start), int(counted_end), table)
        topic = name or head
        out.append(topic if unit is None or unit is pd.NA else f"{topic} [{unit}]")
    return out


def _floats(table: pd.DataFrame, column: str) -> np.ndarray:
    if column not in table.columns:
        return np.full(len(table), np.nan)
    return pd.to_numeric(table[column], errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def figure_intervals(figures: pd.DataFrame, tolerance: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest value each figure allows (``-inf``/``inf`` where it sets no bound).

    A range is its bounds; "at least"/"more than" (and a number the snippet cut off, which sets a
    lower bound) open upwards, "at most"/"less than" downwards; "around" widens the value by
    ``tolerance`` (relative); an exact figure is a point; a figure with no value keeps what bounds
    it has. NaN where a figure says nothing usable at all (a bound with neither value nor bound).
    """
    n = len(figures)
    v, lo, hi = _floats(figures, "value"), _floats(figures, "low"), _floats(figures, "high")
    q = figures["qualifier"].astype(object).to_numpy() if "qualifier" in figures else np.full(n, None)
    if "truncated" in figures:
        cut = figures["truncated"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    else:
        cut = np.zeros(n, dtype=bool)
    has_lo, has_hi = ~np.isnan(lo), ~np.isnan(hi)
    rng = (q == "range") & has_lo & has_hi
    up = ~rng & (np.isin(q, _UP) | (cut & has_lo))
    down = ~rng & ~up & np.isin(q, _DOWN)
    novalue = ~rng & ~up & ~down & np.isnan(v)
    approx = ~rng & ~up & ~down & ~novalue & (q == "approximately")
    conds = [rng, up, down, novalue, approx]
    with np.errstate(invalid="ignore"):
        low = np.select(conds, [lo, np.where(has_lo, lo, v), -np.inf, np.where(has_lo, lo, -np.inf),
                                v - np.abs(v) * tolerance], default=v)  # fmt: skip
        high = np.select(conds, [hi, np.inf, np.where(has_hi, hi, v), np.where(has_hi, hi, np.inf),
                                 v + np.abs(v) * tolerance], default=v)  # fmt: skip
    return low.astype("float64"), high.astype("float64")


def comparison_rows(f: pd.DataFrame, max_listed: int) -> list[dict]:
    """One row per figure of ``f`` (with ``story_id``, ``topic``, ``_lo``, ``_hi``): its topic's
    size and range, and the figures of the same story and topic whose intervals are disjoint from
    its own, nearest first."""
    out_rows: list[dict] = []
    key = f["story_id"].astype(object).where(f["story_id"].notna(), "\0" + f["snippet_id"].astype(str))
    if "story_id" in f and f["story_id"].isna().all():
        key = pd.Series("", index=f.index)  # no stories: the whole collection is one story
    for (_, topic), g in f.assign(_story=key.to_numpy()).groupby(["_story", "topic"], sort=True):
        out_rows += _topic_rows(topic, g, max_listed)
    return out_rows


def _topic_rows(topic: str, g: pd.DataFrame, k: int) -> list[dict]:
    lo = g["_lo"].to_numpy()
    hi = g["_hi"].to_numpy()
    ids = g["figure_id"].astype(str).to_numpy()
    # Figure j is disjoint from figure i when it starts above i's top or ends below i's bottom.
    # Sorted bounds find both sets with binary search: O(k log k), never a k x k matrix.
    by_lo = np.argsort(lo, kind="stable")
    by_hi = np.argsort(hi, kind="stable")
    above_from = np.searchsorted(lo[by_lo], hi, side="right")
    below_to = np.searchsorted(hi[by_hi], lo, side="left")
    stated = pd.concat([g["value"], g["low"], g["high"]]).dropna().astype(float)
    t_lo = float(stated.min()) if len(stated) else np.nan
    t_hi = float(stated.max()) if len(stated) else np.nan
    speakers = g["speaker_canonical"].dropna().nunique()
    n_snip = g["snippet_id"].nunique()
    rows = []
    for i, rec in enumerate(g.to_dict("records")):
        # the nearest disjoint figures first: those ending just below, those starting just above
        below = by_hi[max(0, below_to[i] - k) : below_to[i]][::-1]
        above = by_lo[above_from[i] : above_from[i] + k]
        n_conflicts = int(below_to[i] + (len(lo) - above_from[i]))
        rows.append({
            "story_id": rec["story_id"], "topic": topic, "figure_id": rec["figure_id"],
            "snippet_id": rec["snippet_id"], "text": rec["text"], "value": rec["value"], "low": rec["low"],
            "high": rec["high"], "qualifier": rec["qualifier"], "unit": rec["unit"], "counted": rec["counted"],
            "speaker_canonical": rec["speaker_canonical"], "n_figures": len(g), "n_snippets": n_snip,
            "n_speakers": speakers, "topic_low": t_lo, "topic_high": t_hi, "conflict": n_conflicts > 0,
            "conflicts_with": [ids[j] for j in (*below, *above)][:k], "n_conflicts": n_conflicts,
        })  # fmt: skip
    return rows
