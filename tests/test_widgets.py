"""Headless tests of the notebook workbench, the snippet highlighter and the built-in views.

Everything runs on an inline registry of small fake plugins (regex analyses producing the
contract's tables), so these tests do not depend on the real analyses' quality.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import ipywidgets as w
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from toolkit_attribution.schema import CLAIMS_COLUMNS

import toolkit
from toolkit import AnalysisSpec, Output, ViewSpec, hookimpl
from toolkit.errors import ConfigError
from toolkit.specs import Highlight
from toolkit.widgets import Workbench, highlight_snippets, highlight_text, render_view, table_widget

pytestmark = pytest.mark.filterwarnings("ignore::toolkit.SnippetInputWarning")

TEXTS = {
    "a1": "Officials said 1,200 people were evacuated on Monday, according to the fire service.",
    "a2": '"We have evacuated about 3,000 people," Fire Chief Ana Ruiz said on March 3, 2024. '
    "<script>alert(1)</script>",
    "a3": '"We have evacuated about 3,000 people," Fire Chief Ana Ruiz said on March 3, 2024.',
    "a4": None,
}
SOURCES = {"a1": "Daily <b>Bugle</b>", "a2": "Metro News", "a3": "Coast Radio", "a4": None}


def make_frame() -> pd.DataFrame:
    return toolkit.snippet_frame(
        [{"id": k, "text": v, "source": SOURCES[k]} for k, v in TEXTS.items()],
    )


# -- fake plugins producing the contract's tables --------------------------------------------
@dataclass(frozen=True)
class DedupParams:
    lowercase: bool = True
    shingle: int = 5
    threshold: float = 0.9
    level: Literal["exact", "near", "paraphrase"] = "near"
    label: str = "x"
    note: str | None = None
    stop: tuple[str, ...] = ("the", "a")


def fake_dedup(frame, params, context):
    key = frame["text"].fillna("").str.replace(r"\s*<script>.*", "", regex=True)
    if params.lowercase:
        key = key.str.lower()
    first = key.groupby(key).transform(lambda s: s.index[0])
    rep = first == frame.index.to_series()
    columns = pd.DataFrame(
        {
            "cluster_id": "c:" + first.astype(str),
            "representative": rep,
            "duplicate_of": first.where(~rep),
            "similarity": 1.0,
        },
        index=frame.index,
    )
    groups = columns.groupby("cluster_id")
    clusters = pd.DataFrame(
        {
            "cluster_id": groups.size().index,
            "size": groups.size().to_numpy(),
            "representative_id": [g.index[g["representative"]][0] for _, g in groups],
            "n_sources": [frame.loc[g.index, "source"].nunique() for _, g in groups],
            "first_published": pd.NaT,
            "last_published": pd.NaT,
        }
    )
    clusters["snippet_id"] = clusters["representative_id"]
    return Output(columns=columns, tables={"clusters": clusters})


CLAIM = re.compile(r'"([^"]{1,300}),"\s([A-Z][\w ]{1,60}?) said')
ACCORDING = re.compile(r"(\w[^.]{1,200}), according to (the [a-z ]{1,40})")


def fake_attribution(frame, params, context):
    rows = []
    for sid, text in frame["text"].dropna().items():
        for n, m in enumerate(CLAIM.finditer(text)):
            rows.append(
                (f"{sid}:c{n}", sid, m.group(2), "Ana Ruiz", "said", m.group(1), "direct", *m.span(2), *m.span(1), 0.9)
            )
        for n, m in enumerate(ACCORDING.finditer(text)):
            rows.append(
                (
                    f"{sid}:a{n}",
                    sid,
                    m.group(2),
                    "fire service",
                    "according to",
                    m.group(1),
                    "according_to",
                    *m.span(2),
                    *m.span(1),
                    0.8,
                )
            )
    cols = list(CLAIMS_COLUMNS)[:12]  # the contract's columns, in the contract's order
    claims = pd.DataFrame(rows, columns=cols)
    speakers = (
        claims.groupby("speaker_canonical")
        .agg(
            aliases=("speaker", lambda s: sorted(set(s))),
            n_claims=("claim_id", "size"),
            n_snippets=("snippet_id", "nunique"),
        )
        .reset_index()
    )
    speakers["n_sources"] = speakers["n_snippets"]
    speakers["snippet_id"] = claims.groupby("speaker_canonical")["snippet_id"].first().to_numpy()
    return Output(tables={"claims": claims, "speakers": speakers})


NUMBER = re.compile(r"(about |at least )?(\d{1,3}(?:,\d{3})*) (people)")


def fake_figures(frame, params, context):
    rows = []
    for sid, text in frame["text"].dropna().items():
        for n, m in enumerate(NUMBER.finditer(text)):
            value = float(m.group(2).replace(",", ""))
            qualifier = {"about ": "approximately", "at least ": "at_least"}.get(m.group(1) or "", "exact")
            rows.append(
                (
                    f"{sid}:f{n}",
                    sid,
                    m.group(0),
                    value,
                    None,
                    None,
                    qualifier,
                    "people",
                    "evacuated",
                    False,
                    *m.span(),
                    None,
                    None,
                )
            )
    cols = [
        "figure_id",
        "snippet_id",
        "text",
        "value",
        "low",
        "high",
        "qualifier",
        "unit",
        "counted",
        "truncated",
        "start",
        "end",
        "claim_id",
        "speaker_canonical",
    ]
    return Output(tables={"figures": pd.DataFrame(rows, columns=cols)})


DATE = re.compile(r"(March \d{1,2}, 2024|Monday)")


def fake_timeline(frame, params, context):
    rows = []
    for sid, text in frame["text"].dropna().items():
        for n, m in enumerate(DATE.finditer(text)):
            day = (
                pd.Timestamp("2024-03-03", tz="UTC") if m.group(1) != "Monday" else pd.Timestamp("2024-03-04", tz="UTC")
            )
            rows.append(
                (
                    f"{sid}:t{n}",
                    sid,
                    m.group(1),
                    day.strftime("%Y-%m-%d"),
                    "day",
                    day,
                    day + pd.Timedelta(days=1),
                    m.group(1) == "Monday",
                    "evacuation",
                    *m.span(),
                    None,
                )
            )
    cols = [
        "mention_id",
        "snippet_id",
        "text",
        "value",
        "granularity",
        "date_start",
        "date_end",
        "relative",
        "event",
        "start",
        "end",
        "claim_id",
    ]
    return Output(tables={"timeline": pd.DataFrame(rows, columns=cols)})


def fake_boom(frame, params, context):
    raise RuntimeError("kaboom <img src=x onerror=alert(1)>")


def fake_after_boom(frame, params, context):
    return Output(tables={"after": pd.DataFrame({"snippet_id": pd.Series([], dtype="string")})})


def chatty(frame, params, context):
    for i in range(20_000):
        context.progress(i / 20_000)
    return Output()


def _quote_tip(row):
    return f"{row.get('kind') or 'claim'} by {row.get('speaker_canonical')}"


FAKE_HIGHLIGHTS = {
    "attribution": (
        Highlight("claims", "content_start", "content_end", "quote", "#fff8c5", _quote_tip),
        Highlight(
            "claims",
            "speaker_start",
            "speaker_end",
            "speaker",
            "#ddf4ff",
            lambda r: f"speaker: {r['speaker_canonical']}",
        ),
    ),
    "figures": (Highlight("figures", "start", "end", "figure", "#dafbe1"),),
    "timeline": (Highlight("timeline", "start", "end", "date", "#fbefff", lambda r: f"date: {r['value']}"),),
}


class FakePlugins:
    @hookimpl
    def register_analyses(self, register):
        register(
            AnalysisSpec(
                "dedup",
                fake_dedup,
                params=DedupParams,
                scope="collection",
                columns={
                    "cluster_id": "string",
                    "representative": "boolean",
                    "duplicate_of": "string",
                    "similarity": "Float64",
                },
                tables={
                    "clusters": {
                        "cluster_id": "string",
                        "size": "Int64",
                        "representative_id": "string",
                        "snippet_id": "string",
                    }
                },
            )
        )
        register(
            AnalysisSpec(
                "attribution",
                fake_attribution,
                tables={
                    "claims": {"claim_id": "string", "snippet_id": "string"},
                    "speakers": {"speaker_canonical": "string", "snippet_id": "string"},
                },
                highlights=FAKE_HIGHLIGHTS["attribution"],
            )
        )
        register(
            AnalysisSpec(
                "figures",
                fake_figures,
                uses=("attribution",),
                tables={"figures": {"figure_id": "string", "snippet_id": "string", "value": "Float64"}},
                highlights=FAKE_HIGHLIGHTS["figures"],
            )
        )
        register(
            AnalysisSpec(
                "timeline",
                fake_timeline,
                tables={
                    "timeline": {"mention_id": "string", "snippet_id": "string", "date_start": "datetime64[ns, UTC]"}
                },
                highlights=FAKE_HIGHLIGHTS["timeline"],
            )
        )


class BrokenPlugin:
    @hookimpl
    def register_analyses(self, register):
        register(AnalysisSpec("boom", fake_boom, tables={"boom": {"snippet_id": "string"}}))
        register(
            AnalysisSpec(
                "after_boom",
                fake_after_boom,
                requires=("text", "table:boom"),
                tables={"after": {"snippet_id": "string"}},
            )
        )


class ThirdPartyViews:
    @hookimpl
    def register_views(self, register):
        register(ViewSpec("loud", lambda result: "<b>LOUD</b>", tables=("claims",), title="Loud"))
        register(ViewSpec("broken", lambda result: 1 / 0, tables=("claims",), title="Broken view"))
        register(ViewSpec("needs_missing", lambda result: "x", tables=("nope",)))


def load_views(plugin: str):
    """A built-in plugin's views.py, loaded from its file without importing the plugin's analyses."""
    name = f"_stk_test_views_{plugin}"
    if name in sys.modules:
        return sys.modules[name]
    package = importlib.util.find_spec(f"toolkit_{plugin}")
    path = Path(package.submodule_search_locations[0]) / "views.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def builtin_views():
    return [load_views(p) for p in ("dedup", "attribution", "figures", "timeline")]


@pytest.fixture
def registry():
    reg = toolkit.PluginRegistry(entry_points=False)
    reg.register(FakePlugins(), name="fakes")
    reg.register(BrokenPlugin(), name="broken_plugin")
    for module in builtin_views():
        reg.register(module, name=module.__name__)
    reg.register(ThirdPartyViews(), name="thirdparty")
    return reg


@pytest.fixture
def wb(registry):
    return Workbench(make_frame(), registry=registry, table_backend="html")


def html_of(widget) -> str:
    if isinstance(widget, w.HTML):
        return widget.value
    if isinstance(widget, w.Box):
        return "".join(html_of(c) for c in widget.children)
    return ""


# -- construction and forms ------------------------------------------------------------------
def test_workbench_lists_every_analysis_with_its_plugin(wb):
    assert list(wb.analysis_checks) == ["dedup", "attribution", "figures", "timeline", "boom", "after_boom"]
    assert wb.analysis_checks["boom"].description == "boom (broken_plugin)"
    assert all(box.value for box in wb.analysis_checks.values())
    assert wb.params_accordion.titles == tuple(wb.analysis_checks)
    assert wb.result is None and wb.tabs.children == ()


def test_forms_follow_the_parameter_annotations(wb):
    form = wb.forms["dedup"]
    kinds = {name: type(f.widget) for name, f in form.items()}
    assert kinds == {
        "lowercase": w.Checkbox,
        "shingle": w.IntText,
        "threshold": w.FloatText,
        "level": w.Dropdown,
        "label": w.Text,
        "note": w.Text,
        "stop": w.Text,
    }
    assert [v for _, v in form["level"].widget.options] == ["exact", "near", "paraphrase"]
    assert form["stop"].widget.value == "the, a"
    assert form["note"].widget.value == ""
    assert wb.config() == {}
    assert wb.forms["attribution"] == {}


def test_changed_form_values_become_typed_parameters(wb):
    form = wb.forms["dedup"]
    form["threshold"].widget.value = 0.75
    form["level"].widget.value = "exact"
    form["stop"].widget.value = "of, in , on"
    form["note"].widget.value = "hello"
    form["lowercase"].widget.value = False
    params = wb.pipeline().named_steps["dedup"].params
    assert params == DedupParams(lowercase=False, threshold=0.75, level="exact", note="hello", stop=("of", "in", "on"))


# -- running -----------------------------------------------------------------------------------
def test_click_run_gives_a_result_and_tabs(wb):
    wb.analysis_checks["boom"].value = False
    wb.analysis_checks["after_boom"].value = False
    wb.forms["dedup"]["shingle"].widget.value = 7
    wb.run_button.click()
    result = wb.result
    assert isinstance(result, toolkit.Result) and result.ok
    assert [r.analysis for r in result.records] == ["dedup", "attribution", "figures", "timeline"]
    assert result.records[0].params["shingle"] == 7
    assert result.snippets.loc["a3", "duplicate_of"] == "a2"
    assert wb.progress.value == 1.0 and "run 1 done: 4 ok" in wb.status.value
    assert wb.error_box.children == ()
    assert wb.tab_titles == [
        "Report",
        "Summary",
        "Highlights",
        "Clusters",
        "Speakers",
        "Figures",
        "Timeline",
        "Loud",
        "Broken view",
        "snippets",
        "clusters",
        "claims",
        "speakers",
        "figures",
        "timeline",
    ]
    assert not wb.run_button.disabled


def test_run_method_is_the_button_path(wb):
    wb.analysis_checks["boom"].value = False
    wb.analysis_checks["after_boom"].value = False
    first = wb.run()
    assert first is wb.result
    wb.run_button.click()
    assert wb.result is not first
    pd.testing.assert_frame_equal(wb.result["claims"], first["claims"])


def test_failing_plugin_gets_an_error_card_and_the_rest_is_kept(wb):
    result = wb.run()
    status = {r.analysis: r.status for r in result.records}
    assert status == {
        "dedup": "ok",
        "attribution": "ok",
        "figures": "ok",
        "timeline": "ok",
        "boom": "failed",
        "after_boom": "skipped",
    }
    assert {"clusters", "claims", "figures", "timeline"} <= set(result.tables)
    cards = [c.value for c in wb.error_box.children]
    assert len(cards) == 2
    assert "<b class='stk-name'>boom</b>" in cards[0] and "broken_plugin" in cards[0]
    assert "kaboom &lt;img src=x onerror=alert(1)&gt;" in cards[0] and "<img" not in cards[0]
    assert "after_boom" in cards[1] and "skipped" in cards[1]
    assert "warning" in wb.progress.bar_style and "1 failed, 1 skipped" in wb.status.value


def test_nothing_ticked_or_unmet_requirement_shows_a_card_and_does_not_run(wb):
    for box in wb.analysis_checks.values():
        box.value = False
    assert wb.run() is None
    assert "tick at least one analysis" in wb.error_box.children[0].value
    wb.analysis_checks["after_boom"].value = True
    assert wb.run() is None
    assert isinstance(wb.error, toolkit.PipelineValidationError)
    assert "add &#x27;boom&#x27; to the pipeline" in wb.error_box.children[0].value


def test_config_error_from_a_text_field(registry):
    @dataclass(frozen=True)
    class P:
        limit: int | None = None

    class Plug:
        @hookimpl
        def register_analyses(self, register):
            register(AnalysisSpec("limited", lambda f, p, c: Output(), params=P))

    reg = toolkit.PluginRegistry(entry_points=False)
    reg.register(Plug(), name="plug")
    bench = Workbench(make_frame(), registry=reg, table_backend="html")
    field = bench.forms["limited"]["limit"]
    assert isinstance(field.widget, w.Text) and field.widget.placeholder == "none"
    field.widget.value = "twelve"
    assert bench.run() is None
    assert isinstance(bench.error, ConfigError)
    assert "limited.limit" in bench.error_box.children[0].value
    field.widget.value = "12"
    assert bench.run().records[0].params == {"limit": 12}


def test_progress_updates_are_bounded(registry):
    reg = toolkit.PluginRegistry(entry_points=False)

    class Chatty:
        @hookimpl
        def register_analyses(self, register):
            register(AnalysisSpec("chatty", chatty))

    reg.register(Chatty(), name="chatty")
    bench = Workbench(make_frame(), registry=reg)
    bench.run()
    assert bench.reporter.events > 20_000
    assert bench.reporter.updates < 150


# -- result tabs and views -----------------------------------------------------------------------
@pytest.fixture
def ran(wb):
    wb.analysis_checks["boom"].value = False
    wb.analysis_checks["after_boom"].value = False
    wb.run()
    return wb


def test_tabs_are_built_when_selected(ran):
    built = ran._tab_built
    assert built[0] and not any(built[1:])
    ran.tabs.selected_index = ran.tab_titles.index("Speakers")
    assert ran._tab_built[ran.tab_titles.index("Speakers")]
    content = ran.tabs.children[ran.tab_titles.index("Speakers")].children[0]
    assert "Ana Ruiz" in content.value and "fire service" in content.value


def test_the_report_is_the_first_tab(ran):
    assert ran.tab_titles[0] == "Report" and ran._tab_built[0]
    page = ran.tab("Report").value
    assert "class='stk-report'" in page and "Same-fact reports" in page and "Who says what" in page
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "Daily &lt;b&gt;Bugle&lt;/b&gt;" in page
    assert "<span class='stk-speaker' title='speaker: Ana Ruiz'>Fire Chief Ana Ruiz</span>" in page


def test_highlight_view_filters(ran):
    browser = ran.tab("Highlights")
    assert browser.page.value.count("class='stk-snippet'") == 3
    browser.search.value = "ana ruiz"  # a speaker
    assert browser.page.value.count("class='stk-snippet'") == 2
    browser.search.value = "bugle"  # a source
    assert "data-snippet-id='a1'" in browser.page.value and browser.page.value.count("class='stk-snippet'") == 1
    browser.search.value = "nothing like this"
    assert "class='stk-snippet'" not in browser.page.value
    browser.search.value = ""
    assert browser.page.value.count("class='stk-snippet'") == 3


def test_highlight_view_escapes_and_marks_spans(ran):
    page = ran.tab("Highlights").page.value
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "Daily &lt;b&gt;Bugle&lt;/b&gt;" in page
    assert "<span class='stk-speaker' title='speaker: Ana Ruiz'>Fire Chief Ana Ruiz</span>" in page
    assert re.search(r"<span class='stk-quote stk-figure'[^>]*>about 3,000 people</span>", page)
    assert "<span class='stk-date' title='date: 2024-03-03'>March 3, 2024</span>" in page
    assert "data-snippet-id='a4'" not in page  # no text, no highlights


def test_cluster_browser(ran):
    page = ran.tab("Clusters").value
    assert "1 with more than one snippet" in page
    assert "data-cluster-id='c:a2'" in page
    assert "Coast Radio, Metro News" in page


def test_figures_view_shows_the_conflict(ran):
    page = ran.tab("Figures").value
    assert "evacuated (people)" in page
    assert "conflict: 1,200 vs 2,700 vs 3,300" in page


def test_timeline_view_is_a_vegalite_chart(ran):
    out = ran.tab("Timeline")
    assert isinstance(out, w.Output)
    bundle = out.outputs[0]["data"]
    spec = bundle["application/vnd.vegalite.v5+json"]
    json.dumps(spec)
    rows = spec["data"]["values"]
    assert len(rows) == 3
    # events on the y axis (labelled with what happened, told apart by their dates), not snippet ids
    assert {r["lane"] for r in rows} == {"evacuation (2024-03-03)", "evacuation (2024-03-04)"}
    assert {r["source"] for r in rows} == {"Daily <b>Bugle</b>", "Metro News", "Coast Radio"}
    assert {r["event"] for r in rows} == {"evacuation"}
    assert "source" in [t["field"] for t in spec["layer"][1]["encoding"]["tooltip"]]


def test_third_party_views_and_a_broken_view(ran):
    assert ran.tab("Loud").value.endswith("<b>LOUD</b>")
    broken = ran.tab("Broken view").value
    assert "view <b class='stk-name'>broken</b>" in broken and "thirdparty" in broken
    assert "division by zero" in broken
    assert "needs_missing" not in ran.tab_titles


def test_table_tabs_escape_cells(ran):
    page = ran.tab("snippets").value
    assert "&lt;script&gt;" in page and "<script>" not in page


def test_itables_table_widget_when_installed():
    pytest.importorskip("itables")
    pytest.importorskip("anywidget")
    from itables.widget import ITable

    frame = make_frame()
    frame["tags"] = [["a", "b"], [], None, ["c"]]
    widget = table_widget(frame)
    assert isinstance(widget, ITable)
    state = widget.get_state()
    assert "a, b" in json.dumps(state["_dt_args"])


def test_render_view_outside_the_workbench(registry):
    result = toolkit.run(make_frame(), ["dedup", "attribution", "figures", "timeline"], registry=registry)
    assert "stk-speaker" in render_view(result, "snippets", registry)._repr_html_()
    assert "<TimelineChart" in repr(render_view(result, "timeline", registry))
    with pytest.raises(KeyError, match="needs table"):
        render_view(result, "needs_missing", registry)
    with pytest.raises(KeyError, match="no view named"):
        render_view(result, "nonesuch", registry)


def test_views_tolerate_missing_optional_columns():
    frame = make_frame()
    sid = pd.Series(["a2"], dtype="string")
    result = toolkit.Result(
        frame.assign(cluster_id=["k1", "k2", "k2", None]),
        {
            "clusters": pd.DataFrame({"cluster_id": ["k1", "k2"]}),
            "claims": pd.DataFrame({"snippet_id": sid, "content": ["We have evacuated"]}),
            "figures": pd.DataFrame({"snippet_id": sid, "value": [3000.0]}),
            "timeline": pd.DataFrame({"snippet_id": sid, "text": ["March 3"]}),
        },
    )
    dv, av, fv, tv = builtin_views()

    assert "data-cluster-id='k2'" in dv.cluster_browser(result)
    assert "(unknown speaker)" in av.claims_by_speaker(result)
    assert "No figures" not in fv.figures_side_by_side(result)
    assert tv.timeline_spec(result)["data"]["values"] == []
    assert "a2" not in highlight_snippets(result)  # no offsets: nothing to highlight


def test_figure_groups_compatible_bounds_do_not_conflict():
    figure_groups = load_views("figures").figure_groups

    figures = pd.DataFrame(
        {
            "value": [1200.0, 1000.0, None, 5.0],
            "low": [None, 1000.0, 900.0, None],
            "high": [None, None, 1500.0, None],
            "qualifier": ["exact", "at_least", "range", "exact"],
            "unit": ["people", "people", "people", "km"],
            "counted": ["The evacuees", "evacuees", "evacuees", None],
        }
    )
    groups = figure_groups(figures)
    assert groups["group"].tolist() == ["evacuee (people)"] * 3 + ["(km)"]
    assert not groups["conflict"].any()


# -- the highlighter on arbitrary input ------------------------------------------------------------
def _strip(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", markup))


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=80),
    st.lists(
        st.tuples(st.integers(-5, 90), st.integers(-5, 90), st.sampled_from(["quote", "speaker", "figure", "date"])),
        max_size=6,
    ),
)
def test_highlight_text_keeps_the_text_and_escapes_it(text, raw):
    spans = [(s, e, k, "<t>") for s, e, k in raw]
    markup = highlight_text(text, spans)
    assert _strip(markup) == text
    assert "<t>" not in markup
    for s, e, _k, _t in spans:
        if 0 <= s < e <= len(text):
            assert "stk-" in markup


def test_views_escape_hostile_values():
    frame = toolkit.snippet_frame(
        [{"id": "x1", "text": "<script>alert(1)</script> said 5 <b>people</b>", "source": "<i>Evil</i>"}]
    )
    hostile = "<img src=x onerror=alert(1)>"
    sid = pd.Series(["x1"], dtype="string")
    result = toolkit.Result(
        frame.assign(cluster_id=[hostile], representative=[True]),
        {
            "clusters": pd.DataFrame({"cluster_id": [hostile], "representative_id": ["x1"]}),
            "claims": pd.DataFrame(
                {"snippet_id": sid, "speaker_canonical": [hostile], "content": [hostile], "kind": [hostile]}
            ),
            "speakers": pd.DataFrame({"speaker_canonical": [hostile], "aliases": [[hostile, "<svg/onload=x>"]]}),
            "figures": pd.DataFrame(
                {"snippet_id": sid, "text": [hostile], "value": [5.0], "unit": [hostile], "counted": [hostile]}
            ),
            "timeline": pd.DataFrame(
                {"snippet_id": sid, "text": [hostile], "date_start": [pd.Timestamp("2024-01-01", tz="UTC")]}
            ),
        },
    )
    dv, av, fv, tv = builtin_views()
    pages = [
        dv.cluster_browser(result),
        av.claims_by_speaker(result),
        fv.figures_side_by_side(result),
        highlight_snippets(result),
        tv.timeline_chart(result).to_html_table(),
    ]
    for page in pages:
        assert "<img" not in page and "<script>" not in page and "<svg" not in page and "<i>Evil" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in pages[1]


def test_timeline_spec_validates_against_the_vegalite_schema(registry):
    alt = pytest.importorskip("altair")
    result = toolkit.run(make_frame(), ["timeline"], registry=registry)
    chart = load_views("timeline").timeline_chart(result).to_altair()
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert len(spec["layer"]) == 2
    assert [len(rows) for rows in spec["datasets"].values()] == [3]


def test_the_core_highlight_view_names_no_builtin_table():
    """Issue 13.3: what to highlight comes from the specs' ``highlights``, never from the core's code."""
    import toolkit.widgets

    root = Path(toolkit.widgets.__file__).parent
    for name in ("highlight.py", "views.py", "workbench.py"):
        source = (root / name).read_text(encoding="utf-8")
        for word in ("claims", "figures", "timeline", "speaker_canonical", "counted", "content_start"):
            assert f'"{word}"' not in source and f"'{word}'" not in source, f"{name} names {word!r}"


def test_a_plugin_declared_highlight_is_shown_with_its_colour():
    class Marks:
        @hookimpl
        def register_analyses(self, register):
            def mark(frame, params, context):
                rows = [(sid, 0, 3) for sid, text in frame["text"].dropna().items() if len(text) >= 3]
                table = pd.DataFrame(rows, columns=["snippet_id", "a", "b"])
                return Output(tables={"marks": table})

            hl = Highlight("marks", "a", "b", "my mark!", "#123456", lambda row: f"<{row['snippet_id']}>")
            register(AnalysisSpec("marks", mark, tables={"marks": {"snippet_id": "string"}}, highlights=(hl,)))

    reg = toolkit.PluginRegistry(entry_points=False)
    reg.register(Marks(), name="marks")
    result = toolkit.run(make_frame(), ["marks"], registry=reg)
    page = render_view(result, "snippets", reg)._repr_html_()
    assert "<span class='stk-my-mark-' title='&lt;a1&gt;'>Off</span>" in page
    assert ".stk-my-mark-{border-bottom:2px solid #123456" in page  # a dark colour underlines
    assert "<span class='stk-my-mark-'>my mark!</span>" in page  # the legend
