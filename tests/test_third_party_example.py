"""The example third-party plugin, installed with pip the way a user installs one."""

from __future__ import annotations

import importlib.metadata as md
import subprocess
import sys
from pathlib import Path

import pytest

import toolkit

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "third_party_plugin"


@pytest.fixture(scope="module")
def installed():
    try:
        md.distribution("snippet-toolkit-hedges")
    except md.PackageNotFoundError:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q", str(EXAMPLE)],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, proc.stderr
    toolkit.reset_registry()


def test_listed_next_to_the_builtins(installed):
    table = toolkit.list_plugins().set_index("name")
    row = table.loc["hedges"]
    assert (row["distribution"], row["status"], bool(row["builtin"])) == ("snippet-toolkit-hedges", "loaded", False)
    assert row["analyses"] == "hedges" and row["views"] == "hedges"
    assert {"dedup", "attribution", "figures", "timeline"} <= set(table.index)


def test_runs_in_a_pipeline_with_the_core(installed):
    result = toolkit.run(["The soldier reportedly died.", "Officials confirmed it."], ["hedges"])
    assert result["hedges"]["term"].tolist() == ["reportedly"]
    assert result.snippets["hedged"].tolist() == [True, False]


def test_its_own_test_suite_passes(installed):
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
