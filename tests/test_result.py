"""Result: table access, summaries, the to_dir/from_dir round trip and escaped HTML."""

from __future__ import annotations

import datetime as dt
import json
import math
import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit
from toolkit import AnalysisSpec, Output


def everything(frame, params, context):
    table = pd.DataFrame(
        {
            "snippet_id": frame.index[:2],
            "n": pd.array([1, None], dtype="Int64"),
            "score": pd.array([0.5, None], dtype="Float64"),
            "flag": pd.array([True, None], dtype="boolean"),
            "label": pd.array(["<b>x</b>", None], dtype="string"),
            "when": pd.to_datetime(["2024-12-26T10:00Z", None], utc=True),
            "aliases": [["NIS", "spy agency"], []],
        }
    )
    return Output(columns=pd.DataFrame({"mark": frame["text"].str.len() > 3}), tables={"stuff": table})


SPEC = AnalysisSpec(
    "everything",
    everything,
    columns={"mark": "boolean"},
    tables={
        "stuff": {
            "snippet_id": "string",
            "n": "Int64",
            "score": "Float64",
            "flag": "boolean",
            "label": "string",
            "when": "datetime64[ns, UTC]",
            "aliases": "object",
        }
    },
)


@pytest.fixture
def result():
    frame = toolkit.snippet_frame(
        [
            {"id": "a", "text": "<script>alert(1)</script> said", "source": "AP", "published_at": "2024-12-27"},
            {"id": "b", "text": "", "source": None},
            {"id": "c", "text": 'line\nbreak, "quoted" \\N', "extra": 3},
        ]
    )
    return toolkit.Pipeline([SPEC]).run(frame)


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl"])
def test_to_dir_round_trips_every_dtype(tmp_path, result, fmt):
    out = result.to_dir(tmp_path / "out", format=fmt)
    assert sorted(p.name for p in out.iterdir()) == sorted(["manifest.json", f"snippets.{fmt}", f"stuff.{fmt}"])
    back = toolkit.Result.from_dir(out)
    pd.testing.assert_frame_equal(back.snippets, result.snippets)
    pd.testing.assert_frame_equal(back["stuff"], result["stuff"])
    assert [r.status for r in back.records] == ["ok"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tables"]["stuff"]["rows"] == 2


def test_unknown_format_and_non_result_dir(tmp_path, result):
    with pytest.raises(toolkit.ToolkitError, match="unknown format 'xlsx'"):
        result.to_dir(tmp_path, format="xlsx")
    with pytest.raises(toolkit.ToolkitError, match=r"no manifest.json"):
        toolkit.Result.from_dir(tmp_path)


def test_mapping_access_and_summary(result):
    assert list(result) == ["stuff"] and result["snippets"] is result.snippets
    summary = result.summary()
    assert summary.loc[0, ["analysis", "status", "rows_in", "rows_out"]].tolist() == ["everything", "ok", 3, "stuff=2"]
    with pytest.raises(KeyError, match="no table 'claims' in this result \\(tables: snippets, stuff\\)"):
        result["claims"]


def test_html_display_escapes_snippet_text(result):
    page = result._repr_html_()
    assert "<script>" not in page and "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "everything" in page


# Text drawn often from what broke round trips: line breaks of every kind (a lone "\r" once split a
# CSV row in two), "\N" (once CSV's missing marker), cells a spreadsheet would run as a formula, and
# the apostrophe that escapes them.
TRICKY = st.sampled_from(["\r", "\n", "\r\n", "\u2028", '"', ",", "\\N", "=", "+", "-", "@", "\t", "'", "", " "])
TEXTS = st.lists(st.one_of(st.text(max_size=12), TRICKY), max_size=5).map("".join)
FLOATS = st.floats(allow_nan=False, allow_infinity=True, allow_subnormal=True)
STAMPS = st.datetimes(min_value=dt.datetime(1677, 9, 22), max_value=dt.datetime(2262, 4, 10), timezones=st.just(dt.UTC))

#: Every dtype the tables declare (and plain numpy floats/ints), each with its missing value.
COLUMNS = {
    "label": ("string", st.one_of(st.none(), TEXTS)),
    "n": ("Int64", st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1))),
    "value": ("Float64", st.one_of(st.none(), FLOATS)),
    "raw": ("float64", st.floats(allow_nan=True, allow_infinity=True)),
    "count": ("int64", st.integers(-(2**63), 2**63 - 1)),
    "flag": ("boolean", st.one_of(st.none(), st.booleans())),
    "when": ("datetime64[ns, UTC]", st.one_of(st.none(), STAMPS)),
    "aliases": ("object", st.one_of(st.none(), st.lists(TEXTS, max_size=3))),
}


@st.composite
def tables(draw):
    n = draw(st.integers(min_value=0, max_value=6))
    data = {"snippet_id": pd.array([f"s{i}" for i in range(n)], dtype="string")}
    for name, (dtype, values) in COLUMNS.items():
        cells = draw(st.lists(values, min_size=n, max_size=n))
        data[name] = (
            pd.Series(cells, dtype=object).astype(dtype) if dtype != "object" else pd.Series(cells, dtype=object)
        )
    return pd.DataFrame(data)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_every_value_of_every_dtype_round_trips(tmp_path_factory, fmt):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(tables(), st.lists(st.one_of(st.none(), TEXTS), min_size=1, max_size=6))
    def check(table, texts):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", toolkit.SnippetInputWarning)
            snippets = toolkit.snippet_frame(pd.DataFrame({"text": pd.Series(texts, dtype="object")}))
        result = toolkit.Result(snippets, {"stuff": table})
        back = toolkit.Result.from_dir(result.to_dir(tmp_path_factory.mktemp("rt") / "out", format=fmt))
        pd.testing.assert_frame_equal(back.snippets, snippets)
        pd.testing.assert_frame_equal(back["stuff"], table)

    check()


def test_the_strategy_draws_the_hard_values():
    """The property test above is only as good as what it draws: the hard cells do come up."""
    from hypothesis import find

    find(tables(), lambda t: len(t) and t["label"].isna().any() and (t["label"] == "").any())
    find(tables(), lambda t: len(t) and t["value"].isin([math.inf, -math.inf]).any() and t["value"].isna().any())
    find(tables(), lambda t: len(t) and t["label"].str.startswith(("=", "'", "\\N")).any())


#: A strategy per dtype the installed analyses declare (the registry says which; a new dtype fails below).
DECLARED = {dtype: values for dtype, values in COLUMNS.values() if dtype not in ("float64", "int64")}


def declared_tables() -> dict[str, dict[str, str]]:
    registry = toolkit.default_registry()
    tables = {name: dict(cols) for spec in registry.analyses.values() for name, cols in spec.tables.items()}
    for spec in registry.analyses.values():
        tables[f"{spec.name}_columns"] = {"snippet_id": "string", **spec.columns}
    return tables


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_every_declared_table_round_trips(tmp_path_factory, fmt):
    """Tables shaped exactly as the installed analyses declare them, filled with drawn values."""
    tables = declared_tables()
    assert tables, "no analysis installed"
    unknown = {d for cols in tables.values() for d in cols.values()} - set(DECLARED)
    assert not unknown, f"no strategy for declared dtype(s) {unknown}: add one to COLUMNS"

    @st.composite
    def filled(draw):
        out = {}
        for name, columns in tables.items():
            n = draw(st.integers(min_value=0, max_value=2))
            out[name] = pd.DataFrame(
                {
                    c: pd.Series(draw(st.lists(DECLARED[d], min_size=n, max_size=n)), dtype=object).astype(d)
                    if d != "object"
                    else pd.Series(draw(st.lists(DECLARED[d], min_size=n, max_size=n)), dtype=object)
                    for c, d in columns.items()
                },
                index=pd.RangeIndex(n),
            )
        return out

    snippets = toolkit.snippet_frame(["a"])

    @settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(filled())
    def check(drawn):
        result = toolkit.Result(snippets, drawn)
        back = toolkit.Result.from_dir(result.to_dir(tmp_path_factory.mktemp("decl") / "out", format=fmt))
        for name, table in drawn.items():
            pd.testing.assert_frame_equal(back[name], table)

    check()


def test_folders_written_before_manifest_version_2_still_read(tmp_path):
    """The old CSV convention (``\\N`` for missing, no quoting rule, no hashes) is read as it was written."""
    (tmp_path / "snippets.csv").write_text(
        'snippet_id,text,source,url,published_at,title\n"s1","=1+1",\\N,\\N,2024-12-27T00:00:00+00:00,\\N\n"s2","",AP,\\N,\\N,\\N\n'
    )
    (tmp_path / "stuff.csv").write_text('snippet_id,n,aliases\n"s1",3,"[""a""]"\n"s2",\\N,\\N\n')
    dtypes = {"snippet_id": "string", "text": "string", "source": "string", "url": "string"}
    dtypes |= {"published_at": "datetime64[ns, UTC]", "title": "string"}
    manifest = {
        "format": "csv",
        "tables": {
            "snippets": {"file": "snippets.csv", "rows": 2, "dtypes": dtypes},
            "stuff": {
                "file": "stuff.csv",
                "rows": 2,
                "dtypes": {"snippet_id": "string", "n": "Int64", "aliases": "object"},
            },
        },
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    back = toolkit.Result.from_dir(tmp_path)
    assert back.snippets["text"].tolist() == ["=1+1", ""]
    assert back.snippets["source"].isna().tolist() == [True, False]
    assert back["stuff"]["n"].tolist()[0] == 3 and pd.isna(back["stuff"]["n"].iloc[1])
    assert back["stuff"]["aliases"].tolist() == [["a"], None]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_text_formats_write_in_slices_without_a_seam(tmp_path, monkeypatch, fmt):
    import toolkit.storage

    monkeypatch.setattr(toolkit.storage, "WRITE_CHUNK", 2)
    frame = toolkit.snippet_frame([f"snippet {i}\r\n'={i}" for i in range(5)])
    table = pd.DataFrame({"snippet_id": frame.index, "n": pd.array([1, None, 3, 4, None], dtype="Int64")})
    out = toolkit.Result(frame, {"t": table}).to_dir(tmp_path / "out", format=fmt)
    back = toolkit.Result.from_dir(out)
    pd.testing.assert_frame_equal(back.snippets, frame)
    pd.testing.assert_frame_equal(back["t"], table)
