"""toolkit.tables: typed empty tables, the per-snippet loop, and linking spans to claims."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.tables import PROGRESS_STEPS, empty_table, iter_texts, link_spans_to_claims, string_column

# ---------------------------------------------------------------------------------------------
# empty_table


def test_empty_table_has_the_columns_in_order_with_their_dtypes():
    columns = {
        "b_id": "string",
        "a_start": "Int64",
        "value": "float64",
        "flag": "boolean",
        "when": "datetime64[ns, UTC]",
    }
    table = empty_table(columns)
    assert len(table) == 0
    assert list(table.columns) == list(columns)
    assert {c: str(t) for c, t in table.dtypes.items()} == columns


def test_empty_tables_concatenate_without_losing_dtypes():
    columns = {"snippet_id": "string", "start": "Int64"}
    both = pd.concat([empty_table(columns), empty_table(columns)], ignore_index=True)
    assert {c: str(t) for c, t in both.dtypes.items()} == columns


# ---------------------------------------------------------------------------------------------
# iter_texts


def test_iter_texts_yields_ids_as_strings_and_skips_missing_text():
    frame = pd.DataFrame(
        {"text": pd.array(["one", None, "", "four", pd.NA], dtype="object")}, index=[10, 11, 12, 13, 14]
    )
    assert list(iter_texts(frame)) == [("10", "one"), ("13", "four")]


def test_iter_texts_on_a_string_column_and_no_text_column():
    frame = pd.DataFrame({"text": pd.array(["a", pd.NA, "c"], dtype="string")}, index=["x", "y", "z"])
    assert list(iter_texts(frame)) == [("x", "a"), ("z", "c")]
    assert list(iter_texts(pd.DataFrame({"other": [1, 2]}))) == []


@pytest.mark.parametrize("n", [0, 1, 7, 20, 21, 1000])
def test_iter_texts_reports_rising_fractions_ending_at_one(n):
    frame = pd.DataFrame({"text": [f"t{i}" for i in range(n)]})
    reports: list[float] = []
    assert len(list(iter_texts(frame, progress=reports.append))) == n
    assert reports[-1] == 1.0
    assert reports == sorted(reports)
    assert all(0 < f <= 1 for f in reports)
    assert len(reports) <= PROGRESS_STEPS + 1


# ---------------------------------------------------------------------------------------------
# link_spans_to_claims


def cross_join_reference(spans: pd.DataFrame, claims: pd.DataFrame) -> pd.Series:
    """The quadratic version the figures plugin used: merge every span with every claim of its snippet,
    keep the holders, take the narrowest (stable sort, so the first listed claim wins a tie)."""
    c = claims.dropna(subset=["snippet_id", "content_start", "content_end"]).copy()
    c["snippet_id"] = c["snippet_id"].astype(str)
    left = spans.reset_index(drop=True).rename_axis("row").reset_index()
    left = left.dropna(subset=["snippet_id", "start", "end"])
    left["snippet_id"] = left["snippet_id"].astype(str)
    m = left.merge(c, on="snippet_id", how="inner")
    m = m[(m["content_start"] <= m["start"]) & (m["end"] <= m["content_end"])]
    m = m.assign(width=m["content_end"] - m["content_start"]).sort_values(["row", "width"], kind="stable")
    best = m.drop_duplicates("row").set_index("row")["claim_id"]
    out = pd.Series(pd.NA, index=range(len(spans)), dtype="string").astype(object)
    for row, claim in best.items():
        out[row] = claim
    return pd.Series(pd.array(out.tolist(), dtype="string"), index=spans.index, name="claim_id")


OFFSET = st.integers(min_value=0, max_value=30)


@st.composite
def spans_and_claims(draw):
    snippets = ["s1", "s2", "s3"]
    claims = []
    for k in range(draw(st.integers(0, 12))):
        a, b = sorted((draw(OFFSET), draw(OFFSET)))
        claims.append({"claim_id": f"c{k}", "snippet_id": draw(st.sampled_from(snippets)), "content_start": a,
                       "content_end": b})  # fmt: skip
    spans = []
    for _ in range(draw(st.integers(0, 15))):
        a = draw(OFFSET)
        spans.append({"snippet_id": draw(st.sampled_from(snippets)), "start": a, "end": a + draw(st.integers(0, 8))})
    spans_df = pd.DataFrame(spans, columns=["snippet_id", "start", "end"])
    spans_df.index = pd.Index([f"f{i}" for i in range(len(spans_df))])  # any index, kept
    return spans_df, pd.DataFrame(claims, columns=["claim_id", "snippet_id", "content_start", "content_end"])


def brute_force(spans: pd.DataFrame, claims: pd.DataFrame) -> list:
    """Every span against every claim, in plain Python: the narrowest holder, the first listed on a tie."""
    out = []
    for sid, s, e in zip(spans["snippet_id"], spans["start"], spans["end"], strict=True):
        best = None
        for cid, csid, cs, ce in zip(
            claims["claim_id"], claims["snippet_id"], claims["content_start"], claims["content_end"], strict=True
        ):
            if csid == sid and cs <= s and e <= ce and (best is None or ce - cs < best[0]):
                best = (ce - cs, cid)
        out.append(pd.NA if best is None else best[1])
    return out


@given(spans_and_claims())
@settings(max_examples=100, deadline=None)
def test_link_matches_the_brute_force_rule(pair):
    spans, claims = pair
    got = link_spans_to_claims(spans, claims)
    assert got.index.equals(spans.index)
    assert got.tolist() == brute_force(spans, claims)


@given(spans_and_claims())
@settings(max_examples=30, deadline=None)
def test_link_matches_the_cross_join_figures_used(pair):
    spans, claims = pair
    pd.testing.assert_series_equal(link_spans_to_claims(spans, claims), cross_join_reference(spans, claims))


def test_links_are_found_not_only_consistent():
    """The properties above would pass if both sides found nothing; these inputs must link."""
    claims = pd.DataFrame({"claim_id": ["c0"], "snippet_id": ["s1"], "content_start": [0], "content_end": [30]})
    spans = pd.DataFrame({"snippet_id": ["s1"] * 3, "start": [0, 10, 30], "end": [5, 30, 30]})
    assert link_spans_to_claims(spans, claims).tolist() == ["c0", "c0", "c0"]


def test_link_examples():
    claims = pd.DataFrame({
        "claim_id": ["outer", "inner", "other_snippet", "missing"],
        "snippet_id": pd.array(["a", "a", "b", "a"], dtype="string"),
        "content_start": pd.array([0, 10, 0, pd.NA], dtype="Int64"),
        "content_end": pd.array([100, 40, 100, pd.NA], dtype="Int64"),
    })  # fmt: skip
    spans = pd.DataFrame({
        "snippet_id": ["a", "a", "a", "b", "c", "a"],
        "start": pd.array([5, 12, 35, 5, 5, pd.NA], dtype="Int64"),
        "end": pd.array([8, 20, 45, 8, 8, 9], dtype="Int64"),
    }, index=[7, 8, 9, 10, 11, 12])  # fmt: skip
    got = link_spans_to_claims(spans, claims)
    assert got.dtype == "string" and got.name == "claim_id"
    assert got.index.tolist() == [7, 8, 9, 10, 11, 12]
    assert got.tolist() == ["outer", "inner", "outer", "other_snippet", pd.NA, pd.NA]


def test_link_with_other_span_columns_and_no_claims():
    claims = pd.DataFrame({"claim_id": ["c"], "snippet_id": ["a"], "speaker_start": [0], "speaker_end": [9]})
    spans = pd.DataFrame({"snippet_id": ["a", "a"], "start": [2, 8], "end": [4, 12]})
    got = link_spans_to_claims(spans, claims, start="speaker_start", end="speaker_end")
    assert got.tolist() == ["c", pd.NA]
    none = link_spans_to_claims(spans, claims.iloc[:0], start="speaker_start", end="speaker_end")
    assert none.isna().all() and len(none) == 2


def test_link_names_a_missing_column():
    spans = pd.DataFrame({"snippet_id": ["a"], "start": [0], "end": [1]})
    with pytest.raises(ValueError, match="content_end"):
        link_spans_to_claims(spans, pd.DataFrame({"claim_id": [], "snippet_id": [], "content_start": []}))
    with pytest.raises(ValueError, match="'end'"):
        link_spans_to_claims(spans.drop(columns="end"), pd.DataFrame())


def test_link_is_linear_on_one_big_snippet():
    """Thousands of spans and disjoint claims in one snippet (a cross join would hold 25 million rows):
    each span is compared with the one claim over it, so the result comes back and is right."""
    n = 5_000
    starts = [10 * i for i in range(n)]
    claims = pd.DataFrame({"claim_id": [f"c{i}" for i in range(n)], "snippet_id": "s",
                           "content_start": starts, "content_end": [s + 9 for s in starts]})  # fmt: skip
    spans = pd.DataFrame(
        {"snippet_id": "s", "start": [10 * i + 2 for i in range(n)], "end": [10 * i + 5 for i in range(n)]}
    )
    assert link_spans_to_claims(spans, claims).tolist() == claims["claim_id"].tolist()


# ---------------------------------------------------------------------------------------------
# string_column


_CELLS = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
    st.none(),
    st.just(float("nan")),
    st.just(pd.NA),
    st.integers(),
)


@given(st.lists(_CELLS, max_size=20))
@settings(max_examples=200, deadline=None)
def test_string_column_is_what_pandas_makes_of_the_same_values(values):
    """The Arrow shortcut gives exactly ``pd.array(values, dtype="string")``: missing values of every
    kind become NA, and a number (which Arrow refuses) takes pandas' path."""
    pd.testing.assert_extension_array_equal(string_column(values), pd.array(values, dtype="string"))
