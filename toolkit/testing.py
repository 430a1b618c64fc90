"""A conformance kit for any plugin's analyses (scikit-learn's ``check_estimator`` idea).

A plugin's own test suite calls::

    from toolkit.testing import check_analysis
    def test_my_analysis_follows_the_contract():
        check_analysis(my_spec)

Each check raises ``AssertionError`` saying which rule of the contract is broken:
input not mutated, declared columns and dtypes produced, every table joinable back to a snippet,
empty frame in gives empty output with the declared columns, missing/empty/hostile text tolerated,
for ``scope="row"`` analyses the same output whether run on the whole frame or per partition, and
for split analyses (``extract`` + ``combine``) exactly the same output when ``extract`` ran per
partition and ``combine`` over the concatenation (what ``workers=N`` and Dask do).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

from toolkit.executor import check_output, concat_outputs, execute, make_context, tables_for_chunks
from toolkit.frame import SnippetInputWarning, snippet_frame
from toolkit.specs import AnalysisSpec

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


# Real-news-like sentences for tests at a few hundred snippets (written for the kit, not copied from
# any corpus): reporting verbs, quotes in straight and curly marks, figures with qualifiers, units,
# ranges and percentages, absolute and relative dates, some reports repeated by several outlets.
_SPEAKERS = [
    ("Health Minister Ana Ruiz", "Ruiz"),
    ("Colonel Pavel Ivanov, a spokesman for the defence ministry,", "Ivanov"),
    ("the United Nations refugee agency", "the agency"),
    ("Mayor Tom Whitfield", "Whitfield"),
    ("Dr. Mei Lin of the World Health Organization", "Lin"),
    ("police", "a police spokeswoman"),
    ("the company's chief executive, Sarah O'Neill,", "O'Neill"),
    ("U.S. Secretary of State John Carver", "Carver"),
]
_PLACES = ["Kharkiv", "the capital", "northern Gaza", "Lagos", "the border region", "Manila", "Valencia", "Quito"]
_FIGURES = [
    "1,200 people",
    "up to 15,000 troops",
    "more than 40 civilians",
    "at least 35 people",
    "about 2.4 million residents",
    "between 30 and 40 vehicles",
    "nearly 300 protesters",
    "two dozen journalists",
    "$1.5 billion in aid",
    "€50 million",
    "some 800 homes",
    "12 hospitals",
]
_PERCENTS = ["3.5%", "12 percent", "0.25 percentage points", "nearly 7%", "2.9%"]
_DATES = [
    "on Monday",
    "last week",
    "on March 4, 2024",
    "earlier this month",
    "on 12 January",
    "in 2023",
    "on Tuesday night",
    "two days ago",
    "since February 2022",
    "by the end of the year",
]
_VERBS = ["said", "told reporters", "announced", "warned", "confirmed", "added"]
_TEMPLATES = [
    "{speaker} said {date} that {figure} had been evacuated from {place}.",
    '"We are doing everything we can," {speaker} said {date}, adding that {figure} were still missing.',
    "According to {speaker}, {figure} were killed in {place} {date}.",
    "{short} {verb} {date}: \u201cThe situation in {place} is getting worse every hour.\u201d",
    "Prices in {place} rose {percent} {date}, {speaker} said, up from {percent2} a year earlier.",
    "{figure} gathered in {place} {date}, according to {speaker}.",
    "{speaker} {verb} that {figure} would be sent to {place} {date}.",
    "The report, published {date}, found that {percent} of households in {place} lacked clean water.",
    "\u201cThis is not over,\u201d {short} said. \u201cWe expect {figure} to need help.\u201d",
    "Officials in {place} said {figure} had been detained {date} and {figure2} released.",
    "{speaker} denied the claims {date}, saying fewer than {figure} had been affected.",
    "Unemployment fell to {percent} {date}, the lowest since {year}, {speaker} said.",
]
_OUTLETS = ["Reuters", "AP", "AFP", "BBC News", "Al Jazeera", "The Guardian", None]


def news_texts(n: int = 200, seed: int = 0) -> list[str]:
    """``n`` news-like snippets of one to three sentences (about one in eight repeated, as outlets
    repeat a wire report)."""
    import random

    rng = random.Random(seed)
    texts: list[str] = []
    while len(texts) < n:
        if texts and rng.random() < 0.12:
            texts.append(rng.choice(texts))
        else:
            texts.append(" ".join(_sentence(rng) for _ in range(rng.choice((1, 2, 2, 3)))))
    return texts


def _sentence(rng: Any) -> str:
    speaker, short = rng.choice(_SPEAKERS)
    text = rng.choice(_TEMPLATES).format(
        speaker=speaker,
        short=short,
        verb=rng.choice(_VERBS),
        date=rng.choice(_DATES),
        place=rng.choice(_PLACES),
        figure=rng.choice(_FIGURES),
        figure2=rng.choice(_FIGURES),
        percent=rng.choice(_PERCENTS),
        percent2=rng.choice(_PERCENTS),
        year=rng.randint(1998, 2023),
    )
    return text[:1].upper() + text[1:]


def news_frame(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """A snippet frame of :func:`news_texts` with ids, outlets and publication dates (and one
    missing and one empty text), for tests that need a realistic collection of a few hundred."""
    import random

    rng = random.Random(seed + 1)
    texts: list[str | None] = list(news_texts(n, seed))
    if n >= 20:
        texts[7], texts[13] = None, ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SnippetInputWarning)  # the missing text is on purpose
        return snippet_frame(
            pd.DataFrame(
                {
                    "snippet_id": [f"n{i:04d}" for i in range(n)],
                    "text": pd.Series(texts, dtype="object"),
                    "source": [rng.choice(_OUTLETS) for _ in range(n)],
                    "published_at": [
                        f"2024-03-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z" for _ in range(n)
                    ],
                }
            )
        )


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


def pipeline_for(name: str, registry: Any = None) -> list[str]:
    """The analysis ``name`` and (transitively) the installed analyses providing the tables it
    requires: what a test must run to exercise it alone."""
    from toolkit.registry import default_registry

    registry = registry or default_registry()
    names, todo = [name], [name]
    while todo:
        for table in registry.analysis(todo.pop()).requires_tables:
            provider = registry.providers(table, table=True)[0]
            if provider not in names:
                names.append(provider)
                todo.append(provider)
    return names


def run_analysis(
    spec: AnalysisSpec, frame: pd.DataFrame, params: Any = None, tables: Mapping[str, pd.DataFrame] | None = None
) -> tuple[pd.DataFrame | None, dict[str, pd.DataFrame]]:
    """Run one analysis exactly as the pipeline does and return its checked, cast outputs."""
    params = spec.default_params() if params is None else params
    out = execute(spec, params, frame, tables or {})
    return out.columns, out.tables


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
    if spec.is_split and len(frame) > 1:
        check_split_agrees(spec, frame, params, tables)


def check_not_mutated(
    spec: AnalysisSpec, frame: pd.DataFrame, params: Any = None, tables: Mapping[str, pd.DataFrame] | None = None
) -> None:
    before = frame.copy(deep=True)
    params = spec.default_params() if params is None else params
    assert spec.func is not None, f"{spec.name}: no func (nor extract and combine)"
    spec.func(frame, params, make_context(tables or {}))
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
        if spec.scope == "row" and "text" in spec.requires and len(missing_text):
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


def partition_bounds(n: int) -> list[tuple[int, int]]:
    """Partitions of ``n`` rows as ``workers=N`` and Dask may cut them: a one-row partition first,
    then the rest in halves (and an empty partition when there are too few rows)."""
    half = 1 + (n - 1) // 2
    return [(0, min(1, n)), (min(1, n), half), (half, n)]


def check_split_agrees(
    spec: AnalysisSpec, frame: pd.DataFrame, params: Any = None, tables: Mapping[str, pd.DataFrame] | None = None
) -> None:
    """A split analysis: ``combine`` over the concatenated ``extract`` of partitions equals ``func``.

    Checked exactly (row order included): ``workers=N`` must give the same tables as one process.
    """
    assert spec.extract is not None and spec.combine is not None, f"{spec.name}: not a split analysis"
    params = spec.default_params() if params is None else params
    whole_cols, whole_tables = run_analysis(spec, frame, params, tables)
    bounds = partition_bounds(len(frame))
    part_tables = tables_for_chunks(tables or {}, frame, bounds)
    extracted = concat_outputs(
        [
            spec.extract(frame.iloc[lo:hi], params, make_context(t))
            for (lo, hi), t in zip(bounds, part_tables, strict=True)
        ],
        frame.index,
    )
    output = spec.combine(frame.copy(deep=False), params, make_context(tables or {}), extracted)
    columns, out_tables = check_output(spec, frame, output)
    if whole_cols is not None:
        assert columns is not None, f"{spec.name}: combine over partitions returned no columns"
        pd.testing.assert_frame_equal(columns, whole_cols, obj=f"{spec.name}: columns, combine over partitions")
    for name in spec.tables:
        pd.testing.assert_frame_equal(
            out_tables[name], whole_tables[name], obj=f"{spec.name}: table {name}, combine over partitions"
        )
