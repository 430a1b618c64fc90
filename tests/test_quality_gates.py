"""The habits hold: ruff (lint and format) and mypy over the code, run as part of the test command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["toolkit", "plugins", "tests", "examples", "benchmarks"]


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


def test_mypy_on_the_core():
    proc = run(tool("mypy"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
