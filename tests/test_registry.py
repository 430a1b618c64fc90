"""Plugin discovery through entry points, isolation of broken plugins, allow/deny lists."""

from __future__ import annotations

import pytest
from conftest import GOOD_PLUGIN

import toolkit
from toolkit import PluginError, PluginLoadWarning
from toolkit.registry import PluginRegistry

BUILTINS = {"dedup", "attribution", "figures", "timeline"}


def statuses(registry: PluginRegistry) -> dict[str, str]:
    return {name: info.status for name, info in registry.plugins.items()}


def test_builtins_are_found_through_entry_points_like_any_plugin():
    table = toolkit.list_plugins()
    builtin = table[table["builtin"]]
    assert set(builtin["name"]) == BUILTINS
    assert set(builtin["distribution"]) == {"snippet-toolkit"}
    assert (builtin["status"] == "loaded").all()


def test_third_party_plugin_loads_next_to_builtins(fake_dists):
    fake_dists({"toolkit-wordcount": ("wordcount", "tk_wordcount", GOOD_PLUGIN)})
    registry = PluginRegistry()
    info = registry.plugins["wordcount"]
    assert (info.status, info.distribution, info.version, info.builtin) == ("loaded", "toolkit-wordcount", "1.0", False)
    assert info.analyses == ["word_count"] and info.hooks == ["register_analyses"]
    assert set(registry.plugins) >= BUILTINS
    result = toolkit.run(["He said she said.", "Nothing."], ["word_count"], registry=registry)
    assert result.snippets["word_count"].tolist() == [2, 0]


def test_plugin_that_fails_to_import_is_reported_and_others_load(fake_dists):
    fake_dists(
        {
            "toolkit-broken": ("broken", "tk_broken", "raise RuntimeError('boom at import')"),
            "toolkit-wordcount": ("wordcount", "tk_wordcount", GOOD_PLUGIN),
        }
    )
    with pytest.warns(PluginLoadWarning, match="plugin 'broken' skipped: failed to import.*boom at import"):
        registry = PluginRegistry()
    assert statuses(registry)["broken"] == "failed"
    assert statuses(registry)["wordcount"] == "loaded"
    assert "boom at import" in toolkit.list_plugins(registry).set_index("name").loc["broken", "error"]


def test_unknown_hook_is_reported_and_the_plugin_skipped(fake_dists):
    source = "from toolkit import hookimpl\n@hookimpl\ndef register_step(register):\n    pass\n"
    fake_dists({"toolkit-typo": ("typo", "tk_typo", source)})
    with pytest.warns(PluginLoadWarning, match="unknown hook\\(s\\) register_step"):
        registry = PluginRegistry()
    assert statuses(registry)["typo"] == "failed"


def test_bad_spec_is_reported_and_nothing_of_that_plugin_is_kept(fake_dists):
    source = GOOD_PLUGIN + (
        "\n@hookimpl(specname='register_analyses')\n"
        "def more(register):\n"
        "    register(AnalysisSpec(name='Bad Name', func=count_word))\n"
    )
    fake_dists({"toolkit-badspec": ("badspec", "tk_badspec", source)})
    with pytest.warns(PluginLoadWarning, match="must be a lower-case identifier"):
        registry = PluginRegistry()
    assert statuses(registry)["badspec"] == "failed"
    assert "word_count" not in registry.analyses


def test_reused_analysis_name_is_reported_and_the_first_kept(fake_dists):
    fake_dists(
        {
            "toolkit-first": ("aaa_first", "tk_first", GOOD_PLUGIN),
            "toolkit-second": ("zzz_second", "tk_second", GOOD_PLUGIN),
        }
    )
    with pytest.warns(PluginLoadWarning, match="analysis name 'word_count' is already registered by 'aaa_first'"):
        registry = PluginRegistry()
    assert statuses(registry)["zzz_second"] == "failed"
    assert registry.plugin_of("word_count") == "aaa_first"


def test_reused_entry_point_name_is_reported(fake_dists):
    fake_dists({"toolkit-other-dedup": ("dedup", "tk_other", GOOD_PLUGIN)})
    with pytest.warns(PluginLoadWarning, match="entry point name 'dedup' is already taken by snippet-toolkit"):
        registry = PluginRegistry()
    assert registry.plugins["dedup"].distribution == "snippet-toolkit"
    assert "word_count" not in registry.analyses


def test_hook_implementation_that_raises_is_isolated(fake_dists):
    source = "from toolkit import hookimpl\n@hookimpl\ndef register_analyses(register):\n    1 / 0\n"
    fake_dists({"toolkit-raiser": ("raiser", "tk_raiser", source)})
    with pytest.warns(PluginLoadWarning, match="raised while registering: ZeroDivisionError"):
        registry = PluginRegistry()
    assert statuses(registry)["raiser"] == "failed"


def test_strict_mode_raises(fake_dists, monkeypatch):
    fake_dists({"toolkit-broken": ("broken", "tk_broken", "raise ImportError('nope')")})
    monkeypatch.setenv("TOOLKIT_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match="plugin 'broken'"):
        PluginRegistry()


def test_allow_list_empty_means_no_plugins(monkeypatch):
    monkeypatch.setenv("TOOLKIT_LOAD_PLUGINS", "")
    registry = PluginRegistry()
    assert registry.analyses == {}
    assert set(statuses(registry).values()) == {"disabled"}
    with pytest.raises(toolkit.UnknownAnalysisError, match="disabled by TOOLKIT_LOAD_PLUGINS"):
        registry.analysis("dedup")


def test_allow_list_by_entry_point_or_distribution_name(fake_dists, monkeypatch):
    fake_dists({"toolkit-wordcount": ("wordcount", "tk_wordcount", GOOD_PLUGIN)})
    monkeypatch.setenv("TOOLKIT_LOAD_PLUGINS", "toolkit-wordcount, figures")
    registry = PluginRegistry()
    loaded = {n for n, s in statuses(registry).items() if s == "loaded"}
    assert loaded == {"wordcount", "figures"}


def test_disable_list(monkeypatch):
    monkeypatch.setenv("TOOLKIT_DISABLE_PLUGINS", "dedup")
    registry = PluginRegistry()
    assert statuses(registry)["dedup"] == "disabled"
    assert statuses(registry)["figures"] == "loaded"


def test_inline_plugin_registration_and_unregister():
    class Inline:
        @toolkit.hookimpl
        def register_analyses(self, register):
            register(toolkit.AnalysisSpec(name="noop", func=lambda f, p, c: toolkit.Output()))

    registry = PluginRegistry(entry_points=False)
    info = registry.register(Inline(), name="inline")
    assert info.status == "loaded" and registry.plugin_of("noop") == "inline"
    registry.unregister("inline")
    assert "noop" not in registry.analyses and "inline" not in registry.plugins


def test_registering_something_that_is_not_a_spec():
    class Wrong:
        @toolkit.hookimpl
        def register_analyses(self, register):
            register({"name": "x"})

    registry = PluginRegistry(entry_points=False)
    with pytest.warns(PluginLoadWarning, match="registered a dict, expected AnalysisSpec"):
        info = registry.register(Wrong(), name="wrong")
    assert info.status == "failed"


def test_hook_implementation_with_an_argument_the_spec_lacks():
    class BadArgs:
        @toolkit.hookimpl
        def register_analyses(self, register, datasette):
            pass

    registry = PluginRegistry(entry_points=False)
    with pytest.warns(PluginLoadWarning, match="cannot be registered"):
        info = registry.register(BadArgs(), name="badargs")
    assert info.status == "failed"


def test_views_are_registered_and_a_duplicate_view_name_rejected():
    class Views:
        @toolkit.hookimpl
        def register_views(self, register):
            register(toolkit.ViewSpec(name="counts", func=lambda result: "<p>n</p>", tables=("words",)))

    registry = PluginRegistry(entry_points=False)
    info = registry.register(Views(), name="views")
    assert info.views == ["counts"] and registry.views["counts"].tables == ("words",)
    with pytest.warns(PluginLoadWarning, match="view name 'counts' is already registered by 'views'"):
        again = registry.register(Views(), name="views2")
    assert again.status == "failed"


CLAIMS_THIEF = """
import pandas as pd
from toolkit import AnalysisSpec, Output, hookimpl

def fake(frame, params, context):
    return Output(tables={"claims": pd.DataFrame({"snippet_id": frame.index[:1]})})

@hookimpl
def register_analyses(register):
    register(AnalysisSpec(name="fake_claims", func=fake, tables={"claims": {"snippet_id": "string"}}))
"""


def test_a_plugin_declaring_a_table_another_plugin_declares_is_skipped_naming_both(fake_dists):
    fake_dists({"toolkit-thief": ("thief", "tk_thief", CLAIMS_THIEF)})
    with pytest.warns(
        PluginLoadWarning,
        match=r"plugin 'thief' skipped: analysis 'fake_claims' declares table 'claims', which analysis "
        r"'attribution' of plugin 'attribution' already declares",
    ):
        registry = PluginRegistry()
    assert statuses(registry)["thief"] == "failed" and "fake_claims" not in registry.analyses
    assert registry.plugin_of("attribution") == "attribution"
