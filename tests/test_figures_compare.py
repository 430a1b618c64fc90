"""figure_comparison within a story (issue 10.2): counted things matched by meaning, no conflict
across stories, compatible statements never in conflict. News-style snippets written for the tests.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_figures import (
    COMPARISON_COLUMNS,
    ComparisonParams,
    FiguresParams,
    combine_comparison,
    compare_figures,
    extract_comparable,
    extract_figures,
)
from toolkit_figures.compare import TOPICS_TABLE, figure_intervals, meaning, meanings

import toolkit
from toolkit import Context, Output
from toolkit.registry import default_registry

pytestmark = pytest.mark.filterwarnings("ignore::toolkit.SnippetInputWarning")

SNIPPETS = {
    # story "quake"
    "q1": ("quake", "The death toll from Monday's earthquake rose to 69, the interior minister said."),
    "q2": ("quake", "At least 69 people were killed when the quake struck before dawn, officials said."),
    "q3": ("quake", "Rescuers said the toll had climbed to 72 by Tuesday evening."),
    "q4": ("quake", "Fatalities stood at 69, according to the disaster agency."),
    # story "battle"
    "b1": ("battle", "The Kremlin said 300 soldiers had been killed in the fighting near the town."),
    "b2": ("battle", "Kyiv said some 3,000 troops died in the assault."),
    "b3": ("battle", "A monitor estimated between 250 and 350 soldiers were lost."),
    # story "protest": people counted, unrelated to the quake
    "p1": ("protest", "Police arrested 27 people after the march in the capital."),
    "p2": ("protest", "Officers said they had arrested 30 people by nightfall."),
}


def frame(with_stories: bool = True) -> pd.DataFrame:
    data = {"snippet_id": list(SNIPPETS), "text": [t for _, t in SNIPPETS.values()]}
    if with_stories:
        data["story_id"] = [s for s, _ in SNIPPETS.values()]
    return toolkit.snippet_frame(pd.DataFrame(data))


def compare(f: pd.DataFrame, **params) -> pd.DataFrame:
    figs = extract_figures(f, FiguresParams(), Context()).tables["figures"]
    out = compare_figures(f, ComparisonParams(**params), Context(tables={"figures": figs}))
    return out.tables["figure_comparison"]


def test_figures_are_compared_within_their_story_by_meaning():
    out = compare(frame())
    assert list(out.columns) == list(COMPARISON_COLUMNS)
    by = out.set_index("snippet_id")
    # the death toll, people killed and fatalities are one topic; troops and soldiers another
    assert set(by.loc[["q1", "q2", "q3", "q4"], "topic"]) == {"dead"}
    assert set(by.loc[["b1", "b2", "b3"], "topic"]) == {"soldier"}
    assert set(by.loc[["p1", "p2"], "topic"]) == {"arrested"}
    assert by.loc["q1", "story_id"] == "quake" and by.loc["b1", "story_id"] == "battle"
    # 300 soldiers (Kremlin) and some 3,000 troops (Kyiv) about one battle: a conflict
    assert by.loc["b1", "conflict"] and "b2:f1" in by.loc["b1", "conflicts_with"]
    # 72 against 69: a conflict; "at least 69" is compatible with 72
    assert by.loc["q3", "conflict"] and set(by.loc["q3", "conflicts_with"]) == {"q1:f1", "q4:f1"}
    assert by.loc["q2", "n_conflicts"] == 0


def test_compatible_statements_are_not_conflicts():
    by = compare(frame()).set_index("snippet_id")
    # "between 250 and 350 soldiers" holds 300: not in conflict with the Kremlin's figure
    assert "b1:f1" not in by.loc["b3", "conflicts_with"]
    assert by.loc["b3", "conflicts_with"] == ["b2:f1"]


def test_no_conflict_crosses_a_story():
    out = compare(frame())
    story = dict(zip(out["figure_id"], out["story_id"], strict=True))
    pairs = [
        (fid, other) for fid, others in zip(out["figure_id"], out["conflicts_with"], strict=True) for other in others
    ]
    assert pairs  # there are conflicts to check
    assert all(story[a] == story[b] for a, b in pairs)


def test_without_stories_the_collection_is_one_story():
    out = compare(frame(with_stories=False))
    assert out["story_id"].isna().all()
    by = out.set_index("snippet_id")
    # the quake's 69 dead and the protest's arrests are different meanings: never compared
    assert by.loc["p1", "topic"] == "arrested" and by.loc["q2", "topic"] == "dead"


def test_the_meaning_table_is_extendable():
    f = toolkit.snippet_frame(
        pd.DataFrame(
            {
                "snippet_id": ["m1", "m2"],
                "text": ["The Pentagon said 200 marines were deployed.", "Reports said 2,000 soldiers were deployed."],
                "story_id": ["s", "s"],
            }
        )
    )
    assert compare(f).empty  # marines and soldiers differ by default
    out = compare(f, extra_meanings=("marines=soldier",))
    assert set(out["topic"]) == {"soldier"} and out["conflict"].all()


def test_meaning_looks_at_the_phrase_then_the_head():
    table = meanings()
    assert meaning("The death toll", "toll", table) == "dead"
    assert meaning("North Korean troops", "troop", table) == "soldier"
    assert meaning("wounded", "wounded", table) == "injured"
    assert meaning("apples", "apple", table) is None


def test_the_pipeline_uses_the_story_column_and_carries_it():
    result = toolkit.run(frame(), ["figures", "figure_comparison"])
    comp = result["figure_comparison"]
    assert set(comp["story_id"].dropna()) == {"quake", "battle", "protest"}


def test_intervals_of_every_qualifier():
    figs = pd.DataFrame(
        {
            "value": [10.0, 10.0, 10.0, None, None, 100.0, None],
            "low": [None, 10.0, None, 5.0, 1000.0, None, None],
            "high": [None, None, 10.0, 8.0, None, None, None],
            "qualifier": ["exact", "at_least", "at_most", "range", "at_least", "approximately", "vague"],
            "truncated": [False, False, False, False, True, False, False],
        }
    )
    lo, hi = figure_intervals(figs, 0.1)
    assert lo.tolist()[:6] == [10, 10, float("-inf"), 5, 1000, 90]
    assert hi.tolist()[:6] == [10, float("inf"), 10, 8, float("inf"), 110]
    assert (lo[6], hi[6]) == (float("-inf"), float("inf"))  # a vague quantity bounds nothing


def test_a_thousand_one_snippet_stories_compare_nothing_across_them():
    n = 1000
    f = toolkit.snippet_frame(
        pd.DataFrame(
            {
                "snippet_id": [f"u{i}" for i in range(n)],
                "text": [f"Police said {10 + i:,} people were arrested overnight." for i in range(n)],
                "story_id": [f"story-{i}" for i in range(n)],
            }
        )
    )
    assert compare(f).empty  # every story holds one figure: nothing to compare, no conflict
    one_story = f.assign(story_id="same")
    out = compare(one_story)
    assert len(out) == n and out["conflict"].all() and set(out["topic"]) == {"arrested"}


_SENTENCES = [
    "Officials said {n:,} troops were deployed.",
    "The death toll rose to {n:,} on Monday.",
    "At least {n:,} people were killed, the ministry said.",
    "Police arrested {n:,} people overnight.",
]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(2, 50_000), st.sampled_from("abc")), min_size=2, max_size=25))
def test_property_conflicts_never_cross_a_story(rows):
    f = toolkit.snippet_frame(
        pd.DataFrame(
            {
                "snippet_id": [f"r{i}" for i in range(len(rows))],
                "text": [_SENTENCES[k].format(n=n) for k, n, _ in rows],
                "story_id": [s for _, _, s in rows],
            }
        )
    )
    out = compare(f)
    topic = {0: "soldier", 1: "dead", 2: "dead", 3: "arrested"}
    groups = {(s, topic[k]) for k, _, s in rows}
    # every story holding two figures about one thing has them compared (the extractor must find them)
    expected = sum(1 for g in groups if sum(1 for k, _, s in rows if (s, topic[k]) == g) >= 2)
    assert out.groupby(["story_id", "topic"]).ngroups >= expected
    story = dict(zip(out["figure_id"], out["story_id"], strict=True))
    for a, others in zip(out["figure_id"], out["conflicts_with"], strict=True):
        assert all(story[b] == story[a] for b in others)


# ---- the split for Dask (issue 12): extract per partition, combine per story ------------------------


def _whole_and_per_story(f: pd.DataFrame, parts: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The comparison run in one piece, and run as the Dask plan runs it: ``extract`` on ``parts``
    consecutive partitions (each with its figures), then ``combine`` once per story (the snippets
    with no story together, as ``combine_by`` groups them), the stories' rows concatenated."""
    params = ComparisonParams()
    figs = extract_figures(f, FiguresParams(), Context()).tables["figures"]
    whole = compare_figures(f, params, Context(tables={"figures": figs})).tables["figure_comparison"]
    bounds = [round(i * len(f) / parts) for i in range(parts + 1)]
    pieces = []
    for lo, hi in itertools.pairwise(bounds):
        part = f.iloc[lo:hi]
        part_figs = figs[figs["snippet_id"].isin(part.index)]
        pieces.append(extract_comparable(part, params, Context(tables={"figures": part_figs})).tables[TOPICS_TABLE])
    extracted = pd.concat(pieces, ignore_index=True)
    story = f["story_id"] if "story_id" in f.columns else pd.Series(pd.NA, index=f.index, dtype="string")
    rows = []
    for _, group in f.groupby(story, dropna=False, sort=False):
        mine = extracted[extracted["snippet_id"].isin(group.index)]
        out = combine_comparison(group, params, Context(), Output(tables={TOPICS_TABLE: mine}))
        rows.append(out.tables["figure_comparison"])
    per_story = pd.concat(rows, ignore_index=True)
    return whole, per_story


def _same_rows(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) and a.dtypes.equals(b.dtypes)
    a = a.sort_values("figure_id", kind="stable").reset_index(drop=True)
    b = b.sort_values("figure_id", kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_figure_comparison_is_split_and_combines_by_story():
    spec = default_registry().analysis("figure_comparison")
    assert spec.is_split and spec.combine_by == "story_id"


def test_combine_per_story_equals_combine_on_the_whole():
    f = frame()
    whole, per_story = _whole_and_per_story(f, parts=3)
    assert len(whole) == 9 and whole["conflict"].any()
    _same_rows(whole, per_story)


def test_snippets_without_a_story_are_one_story_apart_from_the_others():
    # two snippets with no story: compared with each other (as a collection without stories is),
    # never with the quake, so the rows do not depend on which stories run together
    data = {
        "snippet_id": ["q1", "q2", "x1", "x2"],
        "text": [SNIPPETS["q1"][1], SNIPPETS["q3"][1], "The death toll rose to 10.", "The death toll rose to 500."],
        "story_id": ["quake", "quake", None, None],
    }
    f = toolkit.snippet_frame(pd.DataFrame(data))
    whole, per_story = _whole_and_per_story(f, parts=2)
    by = whole.set_index("snippet_id")
    assert by.loc["x1", "conflicts_with"] == ["x2:f1"] and by.loc["q1", "conflicts_with"] == ["q2:f1"]
    assert by.loc[["x1", "x2"], "story_id"].isna().all()
    _same_rows(whole, per_story)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(2, 50_000), st.sampled_from(["a", "b", "c", None])),
        min_size=1,
        max_size=25,
    ),
    st.integers(1, 7),
)
def test_property_per_story_combine_equals_the_whole(rows, parts):
    f = toolkit.snippet_frame(
        pd.DataFrame(
            {
                "snippet_id": [f"r{i}" for i in range(len(rows))],
                "text": [_SENTENCES[k].format(n=n) for k, n, _ in rows],
                "story_id": pd.array([s for _, _, s in rows], dtype="string"),
            }
        )
    )
    whole, per_story = _whole_and_per_story(f, parts=min(parts, len(rows)))
    _same_rows(whole, per_story)


@pytest.mark.parametrize("parts", [1, 3, 7])
def test_run_dask_gives_the_comparison_of_the_pandas_run(parts):
    pytest.importorskip("dask.dataframe")
    import dask
    import dask.dataframe as dd

    from toolkit.dask_plan import collections_config
    from toolkit.distributed import run_dask

    # the stories of SNIPPETS, a snippet with no story, and an empty partition among the others
    data = {
        "snippet_id": [*SNIPPETS, "x1", "x2"],
        "text": [t for _, t in SNIPPETS.values()] + ["The death toll rose to 10.", "The death toll rose to 500."],
        "story_id": pd.array([s for s, _ in SNIPPETS.values()] + [None, None], dtype="string"),
    }
    f = toolkit.snippet_frame(pd.DataFrame(data))
    analyses = ["figures", "figure_comparison"]
    expected = toolkit.run(f, analyses)["figure_comparison"]
    bounds = [0, 0, *(round(i * len(f) / parts) for i in range(1, parts + 1))]
    with collections_config():
        pieces = [dask.delayed(f.iloc[lo:hi]) for lo, hi in itertools.pairwise(bounds)]
        ddf = dd.from_delayed(pieces, meta=f.iloc[:0], verify_meta=False)
    with dask.config.set(scheduler="sync"):
        got = run_dask(ddf, analyses).compute()["figure_comparison"]
    assert len(expected) == 11 and expected["conflict"].any()
    _same_rows(expected, got[list(expected.columns)].astype(expected.dtypes.to_dict()))
