"""Pipeline composition: ordering, validation, parameters, config round trip, failure isolation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd
import pytest

import toolkit
from toolkit import AnalysisError, AnalysisSpec, ConfigError, Output, OutputContractError, PipelineValidationError
from toolkit.registry import PluginRegistry


@dataclass(frozen=True)
class TagParams:
    min_chars: int = 3
    label: str = "long"
    ratio: float = 0.5
    strict: bool = False
    mode: Literal["fast", "careful"] = "fast"
    stopwords: tuple[str, ...] = ()


def tag(frame, params, context):
    lengths = frame["text"].str.len()
    context.progress(0.5)
    return Output(
        columns=pd.DataFrame({"tag": (lengths >= params.min_chars).map({True: params.label, False: "short"})})
    )


def words(frame, params, context):
    rows = [(sid, w) for sid, text in frame["text"].dropna().items() for w in text.split()]
    return Output(tables={"words": pd.DataFrame(rows, columns=["snippet_id", "word"])})


def tagged_words(frame, params, context):
    table = context.table("words")
    merged = table.merge(frame[["tag"]], left_on="snippet_id", right_index=True)
    return Output(tables={"tagged": merged[["snippet_id", "word", "tag"]]})


def boom(frame, params, context):
    raise RuntimeError("kaboom")


TAG = AnalysisSpec("tag", tag, TagParams, columns={"tag": "string"})
WORDS = AnalysisSpec("words", words, tables={"words": {"snippet_id": "string", "word": "string"}})
TAGGED = AnalysisSpec(
    "tagged",
    tagged_words,
    requires=("tag",),
    requires_tables=("words",),
    tables={"tagged": {"snippet_id": "string", "word": "string", "tag": "string"}},
    scope="collection",
)
BOOM = AnalysisSpec("boom", boom, tables={"boomed": {"snippet_id": "string"}})
AFTER_BOOM = AnalysisSpec("after_boom", words, requires_tables=("boomed",), tables={"words": WORDS.tables["words"]})


class Plugin:
    @toolkit.hookimpl
    def register_analyses(self, register):
        for spec in (TAG, WORDS, TAGGED, BOOM):
            register(spec)


@pytest.fixture
def registry():
    reg = PluginRegistry(entry_points=False)
    reg.register(Plugin(), name="testplugin")
    return reg


@pytest.fixture
def frame():
    return toolkit.snippet_frame(["a long snippet", "hi", ""])


def test_steps_are_ordered_after_what_they_require(registry, frame):
    pipeline = toolkit.Pipeline(["tagged", "words", "tag"], registry=registry)
    assert [s.name for s in pipeline.ordered()] == ["words", "tag", "tagged"]
    result = pipeline.run(frame)
    assert result["tagged"].to_dict("records") == [
        {"snippet_id": "s1", "word": "a", "tag": "long"},
        {"snippet_id": "s1", "word": "long", "tag": "long"},
        {"snippet_id": "s1", "word": "snippet", "tag": "long"},
        {"snippet_id": "s2", "word": "hi", "tag": "short"},
    ]


def test_unmet_requirement_names_the_analysis_that_provides_it(registry):
    with pytest.raises(PipelineValidationError, match="requires table 'words': add 'words' to the pipeline"):
        toolkit.Pipeline(["tag", "tagged"], registry=registry).validate()
    with pytest.raises(PipelineValidationError, match="requires column 'tag': add 'tag'"):
        toolkit.Pipeline(["words", "tagged"], registry=registry).validate()


def test_requirement_met_by_an_input_column(registry):
    frame = toolkit.snippet_frame(pd.DataFrame({"text": ["x y"], "tag": ["given"]}))
    result = toolkit.Pipeline(["words", "tagged"], registry=registry).run(frame)
    assert result["tagged"]["tag"].tolist() == ["given", "given"]


def test_unknown_analysis_lists_the_installed_ones(registry):
    with pytest.raises(
        toolkit.UnknownAnalysisError, match=r"no analysis named 'tga'.*installed: boom, tag, tagged, words"
    ):
        toolkit.Pipeline(["tga"], registry=registry)


def test_same_analysis_twice_is_an_error(registry):
    with pytest.raises(PipelineValidationError, match="twice"):
        toolkit.Pipeline(["tag", "tag"], registry=registry)


def test_parameters_from_strings_are_converted_to_declared_types(registry):
    pipeline = toolkit.Pipeline(["tag"], registry=registry).set_params(
        "tag", min_chars="5", ratio="0.8", strict="true", mode="careful", stopwords="the, a"
    )
    params = pipeline.named_steps["tag"].params
    assert params == TagParams(
        min_chars=5, label="long", ratio=0.8, strict=True, mode="careful", stopwords=("the", "a")
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"min_chars": "many"}, "tag.min_chars"),
        ({"mode": "reckless"}, "'reckless' is not one of 'fast', 'careful'"),
        ({"strict": "perhaps"}, "not a boolean"),
        ({"colour": "red"}, "unknown parameter\\(s\\) colour; known: label, min_chars, mode, ratio, stopwords, strict"),
    ],
)
def test_bad_parameters_are_clear_errors(registry, values, message):
    with pytest.raises(ConfigError, match=message):
        toolkit.Pipeline(["tag"], registry=registry).set_params("tag", **values)


def test_config_round_trip(registry, frame):
    pipeline = toolkit.Pipeline(["words", "tag"], config={"tag": {"min_chars": 2}}, registry=registry)
    config = pipeline.to_config()
    assert config["analyses"] == ["words", "tag"]
    assert config["config"]["tag"]["min_chars"] == 2
    again = toolkit.Pipeline.from_config(config, registry=registry)
    assert again.to_config() == config
    assert again.run(frame).snippets["tag"].tolist() == pipeline.run(frame).snippets["tag"].tolist()


def test_run_config_for_an_analysis_not_in_the_run_is_ignored_but_a_typo_is_not(registry, frame):
    result = toolkit.run(frame, ["tag"], config={"words": {}}, registry=registry)
    assert result.ok
    with pytest.raises(toolkit.UnknownAnalysisError, match="no analysis named 'tgs'"):
        toolkit.run(frame, ["tag"], config={"tgs": {}}, registry=registry)


def test_failure_raises_naming_plugin_and_analysis(registry, frame):
    with pytest.raises(AnalysisError, match="analysis 'boom' \\(plugin 'testplugin'\\) failed: RuntimeError: kaboom"):
        toolkit.run(frame, ["tag", "boom"], registry=registry)


def test_continue_records_failure_skips_dependants_keeps_the_rest(frame):
    class Plugin2:
        @toolkit.hookimpl
        def register_analyses(self, register):
            for spec in (TAG, BOOM, AFTER_BOOM):
                register(spec)

    registry = PluginRegistry(entry_points=False)
    registry.register(Plugin2(), name="p2")
    result = toolkit.run(frame, ["boom", "after_boom", "tag"], on_error="continue", registry=registry)
    status = {r.analysis: r.status for r in result.records}
    assert status == {"boom": "failed", "after_boom": "skipped", "tag": "ok"}
    assert "kaboom" in result.errors[0].error
    assert result.records[1].error == "skipped: boom failed"
    assert result.snippets["tag"].tolist() == ["long", "short", "short"]
    assert not result.ok
    with pytest.raises(KeyError, match=r"no table 'boomed'.*boom failed"):
        result["boomed"]


def test_progress_events(registry, frame):
    events = []
    toolkit.run(frame, ["words", "tag"], registry=registry, progress=events.append)
    assert [(e.analysis, e.status) for e in events] == [
        ("words", "start"),
        ("words", "ok"),
        ("tag", "start"),
        ("tag", "running"),
        ("tag", "ok"),
    ]
    assert events[-1].fraction == 1.0 and events[3].fraction == 0.75


def test_input_frame_is_not_mutated(registry, frame):
    before = frame.copy()
    toolkit.run(frame, ["tag", "words"], registry=registry)
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    ("func", "message"),
    [
        (lambda f, p, c: "nope", "returned str, not toolkit.Output"),
        (lambda f, p, c: Output(), "did not produce declared column\\(s\\) \\['tag'\\]"),
        (lambda f, p, c: Output(columns=pd.DataFrame({"tag": ["x"], "other": [1]}, index=f.index[:1])), "undeclared"),
        (lambda f, p, c: Output(columns=pd.DataFrame({"tag": ["x"]}, index=["zzz"])), "unknown snippet ids"),
    ],
)
def test_output_contract_is_enforced(frame, func, message):
    spec = AnalysisSpec("tag", func, columns={"tag": "string"})
    with pytest.raises(OutputContractError, match=message):
        toolkit.Pipeline([spec]).run(frame)


def test_table_rows_must_join_back_to_snippets(frame):
    spec = AnalysisSpec(
        "w",
        lambda f, p, c: Output(tables={"w": pd.DataFrame({"snippet_id": ["ghost"]})}),
        tables={"w": {"snippet_id": "string"}},
    )
    with pytest.raises(OutputContractError, match=r"snippet_id\(s\) not in the frame, e.g. 'ghost'"):
        toolkit.Pipeline([spec]).run(frame)


def test_a_step_pipes(registry, frame):
    step = toolkit.Pipeline(["tag"], registry=registry).named_steps["tag"]
    assert frame.pipe(step).snippets["tag"].tolist() == ["long", "short", "short"]
    assert frame.pipe(toolkit.Pipeline(["words"], registry=registry))["words"].shape == (4, 2)


def test_run_accepts_a_plain_list_and_comma_string(registry):
    result = toolkit.run(["one two", "three"], "words, tag", registry=registry)
    assert len(result["words"]) == 3 and "tag" in result.snippets


def test_no_analyses_is_an_error():
    with pytest.raises(PipelineValidationError, match="no analyses"):
        toolkit.run(["x"], [], registry=PluginRegistry(entry_points=False))


def test_old_spellings_are_still_accepted():
    old = AnalysisSpec("old", words, requires=("text", "table:words"), default=False, tables={})
    assert old.requires == ("text",) and old.requires_tables == ("words",)
    assert old.run_by_default is False and old.default is None
    assert old.required_tables() == ("words",) and old.required_columns() == ("text",)
    new = AnalysisSpec("new", words, requires_tables=("words",), run_by_default=False)
    assert (new.requires, new.requires_tables, new.run_by_default) == (("text",), ("words",), False)


def test_run_by_default_decides_what_runs_when_nothing_is_named(frame):
    off = AnalysisSpec("off", boom, run_by_default=False)
    legacy_off = AnalysisSpec("legacy_off", boom, default=False)

    class Plugin3:
        @toolkit.hookimpl
        def register_analyses(self, register):
            for spec in (TAG, off, legacy_off):
                register(spec)

    registry = PluginRegistry(entry_points=False)
    registry.register(Plugin3(), name="p3")
    assert [r.analysis for r in toolkit.run(frame, registry=registry).records] == ["tag"]


def test_old_table_requirement_orders_and_validates_like_the_new_one(frame):
    legacy = AnalysisSpec(
        "legacy_tagged", tagged_words, requires=("tag", "table:words"), tables={"tagged": TAGGED.tables["tagged"]}
    )
    pipeline = toolkit.Pipeline([legacy, WORDS, TAG])
    assert [s.name for s in pipeline.ordered()] == ["words", "tag", "legacy_tagged"]
    assert len(pipeline.run(frame)["tagged"]) == 4
    with pytest.raises(PipelineValidationError, match="requires table 'words'"):
        toolkit.Pipeline([legacy, TAG]).validate()


def test_two_analyses_declaring_the_same_table_are_refused_naming_both(frame):
    fake = AnalysisSpec(
        "fake_words",
        lambda f, p, c: Output(tables={"words": pd.DataFrame({"snippet_id": ["s1"]})}),
        tables=WORDS.tables,
    )

    class Faker:
        @toolkit.hookimpl
        def register_analyses(self, register):
            register(fake)

    one, two = PluginRegistry(entry_points=False), PluginRegistry(entry_points=False)
    one.register(Plugin(), name="testplugin")
    two.register(Faker(), name="faker")
    steps = [
        toolkit.Pipeline(["words"], registry=one).steps[0],
        toolkit.Pipeline(["fake_words"], registry=two).steps[0],
    ]
    with pytest.raises(
        PipelineValidationError,
        match=r"table 'words' is declared by analysis 'words' \(plugin 'testplugin'\) and by analysis "
        r"'fake_words' \(plugin 'faker'\)",
    ):
        toolkit.Pipeline(steps).run(frame)


def test_two_analyses_declaring_the_same_column_are_refused(frame):
    other_tag = AnalysisSpec("other_tag", tag, TagParams, columns={"tag": "string"})
    with pytest.raises(PipelineValidationError, match="column 'tag' is declared by analysis 'tag'"):
        toolkit.Pipeline([TAG, other_tag]).validate()


def exits(frame, params, context):
    import sys

    sys.exit(0)


def test_a_plugin_calling_sys_exit_is_an_analysis_error(registry, frame):
    spec = AnalysisSpec("exits", exits, tables={"exited": {"snippet_id": "string"}})
    with pytest.raises(AnalysisError, match=r"analysis 'exits' \(plugin '\(unregistered\)'\) failed: SystemExit: 0"):
        toolkit.Pipeline([spec]).run(frame)
    result = toolkit.Pipeline([spec, TAG]).run(frame, on_error="continue")
    assert [(r.analysis, r.status) for r in result.records] == [("exits", "failed"), ("tag", "ok")]
    assert "SystemExit" in result.records[0].error


def test_keyboard_interrupt_is_not_swallowed(frame):
    def interrupted(frame, params, context):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        toolkit.Pipeline([AnalysisSpec("ctrl_c", interrupted)]).run(frame, on_error="continue")


def test_an_analysis_cannot_change_another_analysis_published_table(frame):
    def vandal(frame, params, context):
        table = context.tables["words"]
        table["word"] = "VANDALISED"
        table.loc[0, "snippet_id"] = "s2"
        with pytest.raises(TypeError):
            context.tables["words"] = table  # the mapping itself is read-only
        return Output()

    result = toolkit.Pipeline([WORDS, AnalysisSpec("vandal", vandal, requires_tables=("words",))]).run(frame)
    assert result["words"]["word"].tolist() == ["a", "long", "snippet", "hi"]
    assert result["words"]["snippet_id"].tolist() == ["s1", "s1", "s1", "s2"]


def test_output_contract_error_names_the_plugin(registry, frame):
    bad = AnalysisSpec("bad", lambda f, p, c: "nope", columns={"x": "string"})

    class BadPlugin:
        @toolkit.hookimpl
        def register_analyses(self, register):
            register(bad)

    reg = PluginRegistry(entry_points=False)
    reg.register(BadPlugin(), name="badplugin")
    with pytest.raises(OutputContractError, match=r"analysis 'bad' \(plugin 'badplugin'\) returned str"):
        toolkit.run(frame, ["bad"], registry=reg)


EXITING_PLUGIN = """
import sys
from toolkit import AnalysisSpec, hookimpl

def leave(frame, params, context):
    sys.exit(0)

@hookimpl
def register_analyses(register):
    register(AnalysisSpec(name="leaver", func=leave, columns={"left": "boolean"}))
"""


def test_snippets_run_with_a_plugin_calling_sys_exit_fails_loudly_or_keeps_going(fake_dists, tmp_path, capsys):
    from toolkit.cli import main

    fake_dists({"toolkit-leaver": ("leaver", "tk_leaver", EXITING_PLUGIN)})
    source = tmp_path / "in.txt"
    source.write_text("Police said 40 people were hurt.\nNothing here.\n", encoding="utf-8")
    assert main(["run", str(source), "-a", "leaver,figures", "-q", "-o", str(tmp_path / "a")]) == 1
    assert "analysis 'leaver' (plugin 'leaver') failed: SystemExit: 0" in capsys.readouterr().err
    assert main(["run", str(source), "-a", "leaver,figures", "-q", "--keep-going", "-o", str(tmp_path / "b")]) == 1
    assert (tmp_path / "b" / "figures.parquet").exists()
