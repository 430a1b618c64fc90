"""Shared fixtures: a clean plugin environment per test, and fake installed plugins."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import toolkit

# No wall-clock limits in tests (CONTRIBUTING.md): hypothesis's default per-example deadline of
# 200 ms, and its health check on slow data generation, fail property tests for nothing on a busy
# machine, so both are off for the whole suite (a test may still set its own settings).
settings.register_profile("snippet-toolkit", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("snippet-toolkit")

#: Tests marked ``slow`` here rather than in their files: each takes more than ~2 s on this
#: project's 2-core machine under load (``pytest --durations=0``; the value is the seconds measured
#: on 2026-12-03, all parametrisations together), so ``pytest -m "not slow"`` (the inner loop,
#: CONTRIBUTING.md) stays under a minute. An entry is a test file (every test in it), a test
#: function (every parametrisation) or one parametrised id. Tests with the ``embeddings`` marker
#: are slow too (loading the model costs ~10 s). Slow tests still run in the full suite. Remove an
#: entry when its test gets faster; ``tests/test_quality_gates.py`` fails on an entry that names no test.
SLOW_TESTS: dict[str, float] = {
    "tests/test_quality_gates.py::test_mypy": 11.0,  # mypy over toolkit/ and plugins/, cold cache
    "tests/test_attribution.py::test_huge_hostile_input_is_linear": 11.0,  # megabyte inputs
    "tests/test_attribution_properties.py::test_spans_always_slice_back_and_are_ordered": 6.0,
    "tests/test_timeline_growth.py::test_work_grows_linearly_on_hostile_input": 20.0,  # 13 hostile inputs
    "tests/test_timeline_growth.py::test_linking_memory_grows_linearly": 2.5,
    "tests/test_timeline_growth.py::test_timeline_with_claims_memory_grows_linearly": 2.4,
    "tests/test_timeline_growth.py::test_linking_agrees_with_the_brute_force_rule": 3.5,
    # events per story vs on the whole (hypothesis, pandas per example) and a run_dask run, sync scheduler
    "tests/test_timeline_dask.py::test_events_combined_per_story_equal_events_combined_on_the_whole": 16.0,
    "tests/test_timeline_dask.py::test_run_dask_gives_the_events_of_the_pandas_run": 7.2,
    "tests/test_figures.py::test_linear_time_on_one_megabyte_of_hostile_input": 30.0,  # ~15 megabyte inputs
    "tests/test_figures_threads.py": 5.2,
    # chunk hints vs the scans they skip (hypothesis, 300 examples each, every limit / two parameter sets)
    "tests/test_figures_hints.py::test_reading_with_hints_gives_the_figures_read_without_them": 4.5,
    "tests/test_figures_hints.py::test_each_hint_bit_is_a_necessary_condition_of_its_scan": 2.8,
    # figure_comparison per story vs on the whole (hypothesis, two runs per example) and run_dask, sync scheduler
    "tests/test_figures_compare.py::test_property_per_story_combine_equals_the_whole": 9.2,
    "tests/test_figures_compare.py::test_property_conflicts_never_cross_a_story": 6.7,
    "tests/test_figures_compare.py::test_run_dask_gives_the_comparison_of_the_pandas_run": 18.2,
    # the static model's first load (model2vec import) and shuffled / threaded dedup runs
    "tests/test_dedup_fact.py::test_static_model_is_bundled_offline_normalised_and_deterministic": 3.9,
    "tests/test_dedup_fact_encoder.py::test_load_direct_refuses_what_it_does_not_reproduce": 8.3,
    "tests/test_dedup_fact_encoder.py::test_conflict_shortcut_gives_what_the_encoder_path_gives": 4.8,
    "tests/test_dedup_fact.py::test_hybrid_level_is_the_same_in_any_row_order": 9.0,
    "tests/test_dedup_fact.py::test_bad_input_gives_singletons_or_one_cluster_never_a_crash": 5.5,
    "tests/test_dedup_fact.py::test_concurrent_runs_give_the_same_clusters_as_one_at_a_time": 4.5,
    "tests/test_dedup_fact.py::test_static_model_loads_once_however_many_threads_ask": 2.9,
    "tests/test_thread_safety.py": 32.0,  # every analysis from eight threads
    "tests/test_executor.py::test_all_default_analyses_with_workers_equal_one_process": 6.3,  # process pools
    "tests/test_executor.py::test_a_failure_in_a_worker_names_the_plugin_and_continue_keeps_the_rest": 9.5,
    "tests/test_executor.py::test_two_workers_give_the_same_tables_as_one_process": 4.0,
    "tests/test_widgets.py::test_timeline_spec_validates_against_the_vegalite_schema": 5.1,
    "tests/test_dedup.py::test_never_crashes_and_every_snippet_has_one_cluster": 2.1,
    "tests/test_dedup_stories.py::test_dedup_same_clusters_and_ids_in_any_row_order": 3.3,
    "tests/test_dedup_stories.py::test_stories_same_ids_in_any_row_order": 2.0,
    "tests/test_dedup_dask.py": 90.0,  # dedup's and stories' Dask plans vs pandas, 1/3/7 partitions
    # hypothesis: the small-run fast paths equal the general ones (pyarrow regex compiled per example);
    # times at load ~2 (the first five) and ~9 (the last four)
    "tests/test_small_frames.py::test_normalise_small_path_equals_pyarrow": 4.2,
    "tests/test_small_frames.py::test_small_dedup_and_stories_runs_equal_the_general_paths": 4.1,
    "tests/test_small_frames.py::test_clusters_table_equals_the_groupby": 4.0,
    "tests/test_small_frames.py::test_snippet_frame_plain_records_equal_the_general_path": 2.5,
    "tests/test_small_frames.py::test_stories_table_equals_the_groupby": 2.4,
    "tests/test_small_frames.py::test_word_gaps_pattern_replaces_like_every_non_word_run": 4.4,
    "tests/test_small_frames.py::test_regex_kernels_equal_pyarrow": 5.1,
    "tests/test_small_frames.py::test_regex_kernels_equal_pyarrow_on_every_pair_of_pieces": 2.4,
    "tests/test_small_frames.py::test_representatives_by_rank_equal_pick_first": 2.2,
    "tests/test_attribution_dask.py": 36.0,  # attribution's Dask plan vs pandas, 1/3/7 partitions + hypothesis
    "tests/test_attribution_speed.py": 8.0,  # hypothesis: the fast path's shortcuts equal the long way
    "tests/test_attribution_scan.py": 10.8,  # hypothesis: the RE2 / str.find scans equal the re scans
    "tests/test_result.py::test_every_value_of_every_dtype_round_trips": 6.7,
    "tests/test_cli.py::test_no_progress_bar_lines_when_stderr_is_not_a_terminal": 2.9,  # a subprocess
    "tests/test_cli.py::test_debug_shows_the_traceback": 2.1,  # a subprocess
    "tests/test_third_party_example.py": 5.5,  # the example plugin's own suite, in a subprocess
    "tests/test_attribution_collection.py::test_memory_grows_linearly_with_the_snippet": 3.9,
    "tests/test_executor.py::test_a_split_analysis_extracts_per_chunk_and_combines_once": 3.2,  # a process pool
    "tests/test_dedup_embeddings.py::test_missing_extra_names_the_extra": 3.2,
    "tests/test_result.py::test_every_declared_table_round_trips": 6.3,
    "tests/hostile/test_hostile_memory.py::test_peak_memory_grows_linearly_with_snippet_size": 24.4,
    "tests/test_report_scale.py": 31.4,  # reports over 50k snippets
    "tests/test_distributed_plans.py::test_every_default_analysis_on_a_local_cluster_equals_pandas": 50.0,
    "tests/test_distributed_plans.py::test_combine_by_and_combine_dask_equal_pandas": 15.0,  # 1, 3, 7 partitions
    "tests/test_dask_io.py::test_a_killed_worker_is_retried_and_the_output_is_complete": 15.0,  # worker processes
    "tests/test_dask_io.py::test_a_worker_killed_every_time_fails_loudly_and_leaves_no_output": 15.0,
}


def is_slow(nodeid: str, markers: set[str]) -> bool:
    """Whether a test is slow: its file, function or id is in :data:`SLOW_TESTS`, or it needs the
    embeddings model."""
    function = nodeid.split("[", 1)[0]
    return bool({nodeid, function, function.split("::", 1)[0]} & SLOW_TESTS.keys()) or "embeddings" in markers


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if is_slow(item.nodeid, {m.name for m in item.iter_markers()}):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def clean_plugin_env(monkeypatch):
    """Each test starts with no TOOLKIT_* variables and a registry loaded afresh."""
    for var in ("TOOLKIT_LOAD_PLUGINS", "TOOLKIT_DISABLE_PLUGINS", "TOOLKIT_STRICT_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    toolkit.reset_registry()
    yield
    toolkit.reset_registry()


@pytest.fixture
def fake_dists(tmp_path, monkeypatch):
    """Install fake third-party plugins (a dist-info with entry points plus a module) on sys.path.

    ``fake_dists({"dist-name": ("ep_name", "module_name", "module source")})`` — the same
    mechanism pip's real installs use, without running pip.
    """

    def install(plugins: dict[str, tuple[str, str, str]]) -> Path:
        for dist, (ep_name, module, source) in plugins.items():
            info = tmp_path / f"{dist.replace('-', '_')}-1.0.dist-info"
            info.mkdir()
            (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
            (info / "entry_points.txt").write_text(f"[snippet_toolkit]\n{ep_name} = {module}\n")
            (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
        monkeypatch.syspath_prepend(str(tmp_path))
        toolkit.reset_registry()
        return tmp_path

    return install


GOOD_PLUGIN = """
from dataclasses import dataclass
import pandas as pd
from toolkit import AnalysisSpec, Output, hookimpl

@dataclass(frozen=True)
class Params:
    word: str = "said"

def count_word(frame, params, context):
    counts = frame["text"].str.count(params.word)
    return Output(columns=pd.DataFrame({"word_count": counts}, index=frame.index))

@hookimpl
def register_analyses(register):
    register(AnalysisSpec(name="word_count", func=count_word, params=Params, columns={"word_count": "Int64"}))
"""
