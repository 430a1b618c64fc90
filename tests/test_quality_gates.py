"""The habits hold: ruff (lint, format, complexity ceiling) and mypy over the code, run as part of the test command."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["toolkit", "plugins", "tests", "examples", "benchmarks", "scripts"]


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]'")
    return found


def run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint():
    proc = run(tool("ruff"), "check", *PATHS)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format():
    proc = run(tool("ruff"), "format", "--check", *PATHS)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy():
    """mypy over the files ``[tool.mypy]`` names (the core and the plugins)."""
    proc = run(tool("mypy"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_slow_test_list_names_real_tests():
    """Every id in conftest's SLOW_TESTS still names a test, so the list cannot silently go stale."""
    from conftest import SLOW_TESTS

    for nodeid in SLOW_TESTS:
        path, _, name = nodeid.split("[", 1)[0].partition("::")
        source = ROOT / path
        assert source.exists(), f"SLOW_TESTS names {nodeid}: no file {path}"
        if name:
            assert f"def {name}(" in source.read_text(encoding="utf-8"), f"SLOW_TESTS names {nodeid}: no test {name}"


DOCS = ["CONTRIBUTING.md", "docs/architecture.md", "docs/contract.md"]
# A repository path in a doc: `toolkit/pipeline.py`, (../plugins/toolkit_figures/schema.py), ...
_PATH = re.compile(r"(?<![\w/.<-])(?:\.\./)?((?:toolkit|plugins|tests|examples|benchmarks|scripts|docs)/[\w./-]*\w/?)")


@pytest.mark.parametrize("doc", DOCS)
def test_docs_point_at_files_that_exist(doc):
    """The contributor docs anchor every part of the flow to a file: each path they name exists."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    templates = ("<", "*")  # plugins/toolkit_<name>/, benchmarks/bench_*.py
    paths = {m.group(1) for m in _PATH.finditer(text) if text[m.end() : m.end() + 1] not in templates}
    assert paths, f"{doc} names no file"
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"{doc} names files that do not exist: {missing}"
