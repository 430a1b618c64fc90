"""The IPython extension: ``%load_ext toolkit``, the ``%snippets`` magic and the frame display."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

import toolkit
from toolkit import AnalysisSpec, Output, hookimpl

IPython = pytest.importorskip("IPython")


@dataclass(frozen=True)
class CountParams:
    word: str = "said"
    ignore_case: bool = False


def count_word(frame, params, context):
    pattern = f"(?i){params.word}" if params.ignore_case else params.word
    counts = frame["text"].str.count(pattern)
    table = pd.DataFrame({"snippet_id": frame.index[counts.fillna(0) > 0], "word": params.word})
    return Output(columns=pd.DataFrame({"word_count": counts}, index=frame.index), tables={"hits": table})


def explode(frame, params, context):
    raise ValueError("no luck today")


class Plugin:
    @hookimpl
    def register_analyses(self, register):
        register(
            AnalysisSpec(
                "word_count",
                count_word,
                params=CountParams,
                columns={"word_count": "Int64"},
                tables={"hits": {"snippet_id": "string", "word": "string"}},
            )
        )
        register(AnalysisSpec("explode", explode))


@pytest.fixture
def ip(monkeypatch):
    from IPython.testing.globalipapp import get_ipython

    shell = get_ipython()
    registry = toolkit.PluginRegistry(entry_points=False)
    registry.register(Plugin(), name="counting")
    monkeypatch.setattr(toolkit.registry, "_DEFAULT", registry)
    html = shell.display_formatter.formatters["text/html"]
    monkeypatch.setattr(html, "enabled", True)  # a terminal shell formats plain text only; a notebook asks for HTML
    shell.run_line_magic("load_ext", "toolkit")
    shell.user_ns["df"] = toolkit.snippet_frame(
        [
            {"id": "n1", "text": "The mayor said the bridge would reopen. <script>x()</script>", "source": "Gazette"},
            {"id": "n2", "text": "Police SAID nothing, but a witness said she saw smoke.", "source": "Herald"},
        ]
    )
    yield shell
    shell.run_line_magic("unload_ext", "toolkit")
    shell.user_ns.pop("df", None)
    shell.user_ns.pop("res", None)


def test_run_returns_and_stores_the_result(ip):
    result = ip.run_line_magic("snippets", "run df --analyses word_count --set word_count.ignore_case=true --as res")
    assert isinstance(result, toolkit.Result)
    assert ip.user_ns["res"] is result
    assert result.snippets["word_count"].tolist() == [1, 2]
    assert result["hits"]["snippet_id"].tolist() == ["n1", "n2"]
    assert result.records[0].params == {"word": "said", "ignore_case": True}


def test_run_keeps_going_past_a_failing_analysis(ip):
    result = ip.run_line_magic("snippets", "run df -a word_count,explode")
    assert {r.analysis: r.status for r in result.records} == {"word_count": "ok", "explode": "failed"}
    assert "no luck today" in result.errors[0].error and "counting" in result.errors[0].plugin
    with pytest.raises(toolkit.AnalysisError, match="explode"):
        ip.run_line_magic("snippets", "run df -a explode --raise")


def test_run_on_a_file_and_write_out(ip, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("He said yes.\nShe said no, then said maybe.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = ip.run_line_magic("snippets", f"run {path} -a word_count --out {out} --format csv")
    assert result.snippets["word_count"].tolist() == [1, 2]
    assert (out / "manifest.json").exists() and (out / "hits.csv").exists()


def test_run_on_an_expression(ip):
    result = ip.run_line_magic("snippets", "run df.head(1) -a word_count")
    assert list(result.snippets.index) == ["n1"]


def test_usage_errors_are_one_message(ip, capsys):
    assert ip.run_line_magic("snippets", "run") is None
    assert "the following arguments are required: input" in capsys.readouterr().out
    assert ip.run_line_magic("snippets", "run no_such_thing") is None
    assert "neither a variable" in capsys.readouterr().out
    assert ip.run_line_magic("snippets", "frobnicate") is None
    assert "invalid choice" in capsys.readouterr().out


def test_plugins_lists_the_registry(ip):
    plugins = ip.run_line_magic("snippets", "plugins")
    assert plugins["name"].tolist() == ["counting"]
    analyses = ip.run_line_magic("snippets", "plugins --analyses")
    assert analyses["analysis"].tolist() == ["word_count", "explode"]
    assert "word='said'" in analyses.loc[0, "parameters"]


def test_workbench_from_the_magic(ip):
    from toolkit.widgets import Workbench

    bench = ip.run_line_magic("snippets", "workbench df")
    assert isinstance(bench, Workbench)
    assert list(bench.analysis_checks) == ["word_count", "explode"]


def test_rich_display_of_frames_and_results(ip):
    html = ip.display_formatter.formatters["text/html"]  # what a notebook front end asks for
    page = html(ip.user_ns["df"])
    assert "<b>snippet frame</b>: 2 snippets · 2 sources" in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page and "<script>" not in page
    other = html(pd.DataFrame({"a": [1]}))
    assert "snippet frame" not in other and "<table" in other
    result = ip.run_line_magic("snippets", "run df -a word_count")
    assert "snippet-toolkit result" in html(result)


def test_unload_removes_magic_and_display(ip):
    ip.run_line_magic("unload_ext", "toolkit")
    assert "snippets" not in ip.magics_manager.magics["line"]
    assert "snippet frame" not in ip.display_formatter.formatters["text/html"](ip.user_ns["df"])
    ip.run_line_magic("load_ext", "toolkit")
    assert "snippets" in ip.magics_manager.magics["line"]


def test_report_from_the_magic(ip, tmp_path):
    out = tmp_path / "report.html"
    report = ip.run_line_magic("snippets", f"report df -a word_count,explode --out {out} --title Two")
    assert isinstance(report, toolkit.Report) and report.n_snippets == 2
    assert any(note.startswith("explode failed") for note in report.notes)
    page = out.read_text(encoding="utf-8")
    assert "<title>Two</title>" in page and "&lt;script&gt;x()&lt;/script&gt;" in page and "<script>" not in page
    ip.run_line_magic("snippets", "run df -a word_count --as res")
    shown = ip.display_formatter.format(ip.run_line_magic("snippets", "report res"))[0]
    assert "class='stk-report'" in shown["text/html"] and "2 snippets from 2 outlets" in shown["text/html"]
