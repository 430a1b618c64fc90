"""snippet-toolkit: turn a pile of news-search snippets into answers.

The public API lives here; everything else is an implementation module. Analyses are plugins
(hooks in :mod:`toolkit.hookspecs`), found through the ``snippet_toolkit`` entry-point group.

    frame = toolkit.read_snippets("snippets.jsonl")
    result = toolkit.run(frame, ["dedup", "attribution", "figures", "timeline"])
    result["claims"]
"""

from __future__ import annotations

from typing import Any

from toolkit.errors import (
    AnalysisError,
    ConfigError,
    OutputContractError,
    PipelineValidationError,
    PluginError,
    SnippetInputError,
    SpecError,
    ToolkitError,
    UnknownAnalysisError,
)
from toolkit.frame import SnippetInputWarning, empty_snippet_frame, snippet_frame
from toolkit.hookspecs import hookimpl
from toolkit.pipeline import Pipeline, ProgressEvent, Step, run
from toolkit.readers import read_snippets
from toolkit.registry import (
    PluginLoadWarning,
    PluginRegistry,
    default_registry,
    list_analyses,
    list_plugins,
    reset_registry,
)
from toolkit.report import Report, report  # the story report (toolkit/report/)
from toolkit.result import Result, StepRecord
from toolkit.specs import AnalysisSpec, Context, NoParams, Output, ReaderSpec, ViewSpec
from toolkit.storage import ResultReadError, ResultWriteWarning

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Heavier parts are imported on first use, so ``import toolkit`` stays light."""
    if name == "run_dask":
        from toolkit.distributed import run_dask

        return run_dask
    if name == "read_snippets_dask":  # a folder or glob of snippet files as a Dask collection
        from toolkit.dask_io import read_snippets_dask

        return read_snippets_dask
    if name == "Workbench":
        from toolkit.widgets import Workbench

        return Workbench
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext toolkit``: the ``%snippets`` magic and rich displays (imported lazily)."""
    from toolkit.ipython import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from toolkit.ipython import unload_ipython_extension as unload

    unload(ipython)


__all__ = [
    "AnalysisError",
    "AnalysisSpec",
    "ConfigError",
    "Context",
    "NoParams",
    "Output",
    "OutputContractError",
    "Pipeline",
    "PipelineValidationError",
    "PluginError",
    "PluginLoadWarning",
    "PluginRegistry",
    "ProgressEvent",
    "ReaderSpec",
    "Report",
    "Result",
    "ResultReadError",
    "ResultWriteWarning",
    "SnippetInputError",
    "SnippetInputWarning",
    "SpecError",
    "Step",
    "StepRecord",
    "ToolkitError",
    "UnknownAnalysisError",
    "ViewSpec",
    "Workbench",
    "__version__",
    "default_registry",
    "empty_snippet_frame",
    "hookimpl",
    "list_analyses",
    "list_plugins",
    "read_snippets",
    "read_snippets_dask",
    "report",
    "reset_registry",
    "run",
    "run_dask",
    "snippet_frame",
]
