"""The `snippets` command: run, plugins, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import toolkit
from toolkit.cli import main

SEED = Path(__file__).resolve().parent.parent / "examples" / "seed" / "snippets.txt"


def test_plugins_lists_the_builtins(capsys):
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    for name in ("dedup", "attribution", "figures", "timeline"):
        assert f"{name} " in out


def test_plugins_json(capsys):
    assert main(["plugins", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {"dedup", "attribution", "figures", "timeline"} <= {r["name"] for r in records}


def test_run_writes_tables_with_a_third_party_style_plugin(tmp_path, fake_dists, capsys):
    from conftest import GOOD_PLUGIN

    fake_dists({"toolkit-wordcount": ("wordcount", "tk_wordcount", GOOD_PLUGIN)})
    out = tmp_path / "out"
    code = main(
        [
            "run",
            str(SEED),
            "--analyses",
            "word_count",
            "--set",
            "word_count.word=Korea",
            "--out",
            str(out),
            "--format",
            "csv",
            "--quiet",
        ]
    )
    assert code == 0
    result = toolkit.Result.from_dir(out)
    assert len(result.snippets) == 11
    assert result.snippets.loc["s2", "word_count"] == 2  # "South Korea's ... North Korean"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "missing.txt", "--out", "o"], "snippets: error: no such file: missing.txt"),
        (["run", str(SEED), "--analyses", "nope", "--out", "o"], "snippets: error: no analysis named 'nope'"),
        (
            ["run", str(SEED), "--set", "oops", "--out", "o"],
            "snippets: error: --set 'oops': expected ANALYSIS.PARAM=VALUE",
        ),
    ],
)
def test_errors_are_one_line_and_nonzero(tmp_path, capsys, argv, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(message)


def test_debug_shows_the_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "toolkit", "--debug", "run", str(tmp_path / "none.txt"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0 and "Traceback" in proc.stderr and "SnippetInputError" in proc.stderr


def test_no_progress_bar_lines_when_stderr_is_not_a_terminal(tmp_path):
    """A log file or a CI pipe gets the summary, not one progress line per update."""
    proc = subprocess.run(
        [sys.executable, "-m", "toolkit", "run", str(SEED), "--analyses", "figures", "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "%|" not in proc.stderr
    assert "figures" in proc.stdout + proc.stderr and (tmp_path / "o" / "figures.parquet").exists()
