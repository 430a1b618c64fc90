"""The pieces of ``figure_comparison``: stories, topics by meaning, intervals, conflicts.

A figure is read as the interval of values it allows (:func:`figure_intervals`); two figures about
the same thing in the same story conflict when their intervals are disjoint, so compatible
statements ("at least 1,000" and "1,200"; "900 to 1,500" and "around 1,100") never do. Topics are
the meaning of the counted thing (``data/counted_meanings.json``): "troops" and "soldiers" are one
topic, "the death toll", "fatalities" and "69 people were killed" another.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from toolkit.tables import snippet_ids
from toolkit.text import read_json, trie_regex
from toolkit_figures.context import singular
from toolkit_figures.params import ComparisonParams
from toolkit_figures.schema import COMPARISON_COLUMNS

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
    # the meaning of a counted phrase depends on the phrase alone: read once per distinct phrase in
    # this call (local to the call; few phrases recur across any news, "people", "percent")
    known: dict[tuple[str, str], str | None] = {}
    for (
        counted,
        head,
        unit,
        sid,
        start,
        counted_end,
    ) in rows:
        phrase = (counted if isinstance(counted, str) else "", head)
        if phrase in known:
            name = known[phrase]
        else:
            name = known[phrase] = meaning(phrase[0], head, table)
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


#: The per-snippet half's table (``extract`` of ``figure_comparison``): each comparable figure with
#: what the comparison needs of it, its topic and the interval of values it allows.
TOPICS_TABLE = "figure_topics"
#: The figure columns a comparison row repeats (typed as in the comparison table).
_ROW_COLUMNS = ("figure_id", "snippet_id", "text", "value", "low", "high", "qualifier", "unit", "counted",
                "speaker_canonical")  # fmt: skip
TOPICS_COLUMNS: dict[str, str] = {c: COMPARISON_COLUMNS[c] for c in _ROW_COLUMNS} | {
    "topic": "string",
    "lo": "float64",
    "hi": "float64",
}


def _missing(x: object) -> bool:
    """Whether a cell read with ``tolist()`` is missing (None, ``pd.NA`` or NaN)."""
    return x is None or x is pd.NA or (isinstance(x, float) and x != x)


def comparable_figures(figs: pd.DataFrame | None, frame: pd.DataFrame, params: ComparisonParams) -> pd.DataFrame:
    """The per-snippet half: the figures that can be compared (they count something; with a unit
    only when ``include_units``), each with its topic and interval (:data:`TOPICS_COLUMNS`).

    Reads only each figure's own snippet (its text, for an event word), so it runs on any
    partition of the snippets with that partition's figures."""
    if figs is None or figs.empty or "counted_head" not in figs.columns:
        return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in TOPICS_COLUMNS.items()})
    f = figs[figs["counted_head"].notna()]
    if not params.include_units and "unit" in f.columns:
        f = f[f["unit"].isna()]
    lo, hi = figure_intervals(f, params.approx_tolerance)
    out = {c: f[c].tolist() if c in f.columns else [None] * len(f) for c in _ROW_COLUMNS}
    out["topic"] = topics(f, frame, params)
    data = {c: pd.Series(out[c], dtype=d) for c, d in TOPICS_COLUMNS.items() if c in out}
    return pd.DataFrame({**data, "lo": pd.Series(lo, dtype="float64"), "hi": pd.Series(hi, dtype="float64")})


def story_keys(frame: pd.DataFrame, figure_snippets: list[str]) -> tuple[list, list[str]]:
    """Each figure's story (the ``story_id`` the table shows) and the key it is compared under.

    Figures are compared within their story (the ``story_id`` snippet column, made by the
    ``stories`` analysis). Snippets with no story are one story together, apart from every other:
    the whole collection when there is no ``story_id`` column at all. So the comparison of one
    story never depends on another, and it can run story by story (``combine_by="story_id"``,
    which groups the snippets with no story together too) with the same result."""
    n = len(figure_snippets)
    if "story_id" not in frame.columns:
        return [pd.NA] * n, [_NO_STORY] * n
    story = dict(zip(snippet_ids(frame), frame["story_id"].astype("string").tolist(), strict=True))
    stories = [story.get(sid, pd.NA) for sid in figure_snippets]
    return stories, [_NO_STORY if _missing(s) else s for s in stories]


#: The comparison key of the figures whose snippet has no story (no story id is this string).
_NO_STORY = "\0"


def comparison_table(f: pd.DataFrame, frame: pd.DataFrame, params: ComparisonParams) -> pd.DataFrame:
    """The collection half: the ``figure_comparison`` rows (an empty frame when no group has
    ``min_figures``) for the comparable figures ``f`` (:func:`comparable_figures`' table).

    Figures are grouped by story and topic (a group needs ``min_figures``); groups come in sorted
    (story, topic) order, figures in ``f``'s. The groups are found in one pass over plain lists;
    the figures' own columns are taken in that order in one typed ``take``; the per-topic counts and
    bounds are computed over all groups at once. Only the conflict lists are made per figure."""
    stories, keys = story_keys(frame, [str(s) for s in f["snippet_id"].tolist()])
    groups: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(zip(keys, f["topic"].tolist(), strict=True)):
        groups.setdefault(key, []).append(i)
    order: list[int] = []
    sizes: list[int] = []
    names: list[str] = []
    for key in sorted(groups):
        members = groups[key]
        if len(members) >= params.min_figures:
            order += members
            sizes.append(len(members))
            names.append(key[1])
    if not order:
        return pd.DataFrame()
    rows = f.take(order).reset_index(drop=True)
    size = np.asarray(sizes, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    group = np.repeat(np.arange(len(size)), size)
    n_conflicts, conflicts_with = _conflicts(rows, starts, size, params.max_listed)
    stated = np.column_stack(
        [rows[c].astype("Float64").to_numpy(dtype="float64", na_value=np.nan) for c in ("value", "low", "high")]
    )
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a row or group stating no number at all: NaN
        row_low, row_high = np.nanmin(stated, axis=1), np.nanmax(stated, axis=1)
    out = {
        "story_id": pd.array(stories, dtype="string").take(order),
        "topic": pd.array(np.repeat(np.asarray(names, dtype=object), size), dtype="string"),
        **{c: rows[c].array for c in _ROW_COLUMNS},
        "n_figures": pd.array(np.repeat(size, size), dtype="Int64"),
        "n_snippets": pd.array(_distinct_per_group(rows["snippet_id"], group, size), dtype="Int64"),
        "n_speakers": pd.array(_distinct_per_group(rows["speaker_canonical"], group, size), dtype="Int64"),
        "topic_low": pd.array(np.repeat(np.fmin.reduceat(row_low, starts), size), dtype="Float64"),
        "topic_high": pd.array(np.repeat(np.fmax.reduceat(row_high, starts), size), dtype="Float64"),
        "conflict": pd.array(n_conflicts > 0, dtype="boolean"),
        "conflicts_with": conflicts_with,
        "n_conflicts": pd.array(n_conflicts, dtype="Int64"),
    }
    return pd.DataFrame(out)


def _distinct_per_group(values: pd.Series, group: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Per row: how many distinct non-missing ``values`` its group (``group``, sizes ``size``) holds."""
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    seen = np.unique(np.stack([group, codes])[:, codes >= 0], axis=1)
    return np.repeat(np.bincount(seen[0], minlength=len(size)), size)


def _conflicts(rows: pd.DataFrame, starts: np.ndarray, size: np.ndarray, k: int) -> tuple[np.ndarray, list]:
    """Per figure: how many figures of its group its interval is disjoint from, and the ids of the
    nearest ``k`` of them (those ending just below, then those starting just above)."""
    lo_all, hi_all = rows["lo"].to_numpy(dtype="float64"), rows["hi"].to_numpy(dtype="float64")
    ids_all = [str(x) for x in rows["figure_id"].tolist()]
    counts = np.zeros(len(rows), dtype=np.int64)
    lists: list[list[str]] = []
    for start, n in zip(starts.tolist(), size.tolist(), strict=True):
        lo, hi, ids = lo_all[start : start + n], hi_all[start : start + n], ids_all[start : start + n]
        # Figure j is disjoint from figure i when it starts above i's top or ends below i's bottom.
        # Sorted bounds find both sets with binary search: O(n log n), never an n x n matrix.
        by_lo = np.argsort(lo, kind="stable")
        by_hi = np.argsort(hi, kind="stable")
        above_from = np.searchsorted(lo[by_lo], hi, side="right")
        below_to = np.searchsorted(hi[by_hi], lo, side="left")
        counts[start : start + n] = below_to + (n - above_from)
        by_lo_ids = [ids[j] for j in by_lo.tolist()]
        by_hi_ids = [ids[j] for j in by_hi.tolist()]
        for b, a in zip(below_to.tolist(), above_from.tolist(), strict=True):
            lists.append((by_hi_ids[max(0, b - k) : b][::-1] + by_lo_ids[a : a + k])[:k])
    return counts, lists
