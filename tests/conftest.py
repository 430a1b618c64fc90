"""Shared fixtures: a clean plugin environment per test, and fake installed plugins."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import toolkit


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
