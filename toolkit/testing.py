"""A conformance kit for any plugin's analyses (scikit-learn's ``check_estimator`` idea).

A plugin's own test suite calls::

    from toolkit.testing import check_analysis
    def test_my_analysis_follows_the_contract():
        check_analysis(my_spec)

Each check raises ``AssertionError`` saying which rule of the contract is broken:
input not mutated, declared columns and dtypes produced, every table joinable back to a snippet,
empty frame in gives empty output with the declared columns, missing/empty/hostile text tolerated,
and, for ``scope="row"`` analyses, the same output whether run on the whole frame or per partition.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

from toolkit.frame import SnippetInputWarning, snippet_frame
from toolkit.pipeline import check_output
from toolkit.specs import AnalysisSpec, Context, Output

SAMPLE_TEXTS = [
    'The ministry said on Monday that 1,200 people had been evacuated. "We are ready," a spokesman said.',
    "Around 300 protesters gathered in the capital, according to police.",
    "",
    None,
    "<script>alert('x')</script> officials said nothing & left at 10 a.m.",
    "Prices rose 3.5% in March, the statistics office reported, up from 2.9% in February.",
    "Ukraine’s president said earlier this month that “up to 15,000 troops” could be …",
    "   ",
]


def sample_frame(texts: list[str | None] | None = None) -> pd.DataFrame:
    """A small snippet frame with real news forms, an empty, a missing and a hostile snippet."""
    texts = SAMPLE_TEXTS if texts is None else texts
    n = len(texts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnippetInputWarning)  # the missing text is on purpose
        return snippet_frame(
            pd.DataFrame(
                {
                    "snippet_id": [f"t{i}" for i in range(n)],
                    "text": pd.Series(texts, dtype="object"),
                    "source": [["Reuters", "AP", None][i % 3] for i in range(n)],
                    "published_at": [["2024-03-04T10:00:00Z", None][i % 2] for i in range(n)],
                }
            )
        )


def run_analysis(
    spec: AnalysisSpec, frame: pd.DataFrame, params: Any = None, tables: Mapping[str, pd.DataFrame] | None = None
) -> tuple[pd.DataFrame | None, dict[str, pd.DataFrame]]:
    """Run one analysis exactly as the pipeline does and return its checked, cast outputs."""
    params = spec.default_params() if params is None else params
    output = spec.func(frame.copy(deep=False), params, Context(tables=dict(tables or {})))
    return check_output(spec, frame, output if output is not None else Output())


def check_analysis(
    spec: AnalysisSpec,
    frame: pd.DataFrame | None = None,
    *,
    params: Any = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
) -> None:
    """Run every contract check on ``spec``; ``tables`` supplies required input tables."""
    spec.validate()
    frame = sample_frame() if frame is None else frame
    check_not_mutated(spec, frame, params, tables)
    columns, out_tables = run_analysis(spec, frame, params, tables)
    check_declared_outputs(spec, frame, columns, out_tables)
    check_empty_frame(spec, params, tables)
    if spec.scope == "row" and len(frame) > 1:
        check_partitions_agree(spec, frame, params, tables)


def check_not_mutated(
    spec: AnalysisSpec, frame: pd.DataFrame, params: Any = None, tables: Mapping[str, pd.DataFrame] | None = None
) -> None:
    before = frame.copy(deep=True)
    params = spec.default_params() if params is None else params
    spec.func(frame, params, Context(tables=dict(tables or {})))
    assert frame.columns.tolist() == before.columns.tolist(), f"{spec.name}: changed the input frame's columns"
    pd.testing.assert_frame_equal(frame, before, obj=f"{spec.name}: input frame")


def check_declared_outputs(
    spec: AnalysisSpec, frame: pd.DataFrame, columns: pd.DataFrame | None, tables: Mapping[str, pd.DataFrame]
) -> None:
    for col, dtype in spec.columns.items():
        assert columns is not None and col in columns.columns, f"{spec.name}: column {col!r} missing"
        assert str(columns[col].dtype) == str(pd.api.types.pandas_dtype(dtype)), f"{spec.name}: {col} dtype"
    for name, declared in spec.tables.items():
        table = tables[name]
        assert list(table.columns[: len(declared)]) == list(declared), f"{spec.name}: table {name} column order"
        assert table["snippet_id"].isin(frame.index).all(), f"{spec.name}: table {name} has unknown snippet ids"
    missing_text = frame.index[frame["text"].isna()]
    for name, table in tables.items():
        if spec.scope == "row" and "text" in spec.required_columns() and len(missing_text):
            rows = table["snippet_id"].isin(missing_text)
            assert not rows.any(), f"{spec.name}: rows in {name} for snippets that have no text"


def check_empty_frame(spec: AnalysisSpec, params: Any = None, tables: Mapping[str, pd.DataFrame] | None = None) -> None:
    empty = sample_frame([])
    empty_tables = {k: v.iloc[0:0] for k, v in (tables or {}).items()}
    columns, out_tables = run_analysis(spec, empty, params, empty_tables)
    for name in spec.tables:
        assert len(out_tables[name]) == 0, f"{spec.name}: rows in table {name} for an empty frame"
    if spec.columns:
        assert columns is not None and len(columns) == 0


def check_partitions_agree(
    spec: AnalysisSpec, frame: pd.DataFrame, params: Any = None, tables: Mapping[str, pd.DataFrame] | None = None
) -> None:
    """A row-scope analysis gives the same rows on two halves as on the whole (Dask-ready)."""
    whole_cols, whole_tables = run_analysis(spec, frame, params, tables)
    half = len(frame) // 2
    parts = [frame.iloc[:half], frame.iloc[half:]]
    part_outputs = []
    for part in parts:
        part_tables = {k: v[v["snippet_id"].isin(part.index)] for k, v in (tables or {}).items()}
        part_outputs.append(run_analysis(spec, part, params, part_tables))
    if whole_cols is not None:
        joined = pd.concat([p[0] for p in part_outputs if p[0] is not None])
        pd.testing.assert_frame_equal(joined, whole_cols, obj=f"{spec.name}: columns per partition")
    for name in spec.tables:
        joined = pd.concat([p[1][name] for p in part_outputs], ignore_index=True)
        a = joined.sort_values(list(joined.columns[:2])).reset_index(drop=True)
        b = whole_tables[name].sort_values(list(joined.columns[:2])).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, obj=f"{spec.name}: table {name} per partition")
