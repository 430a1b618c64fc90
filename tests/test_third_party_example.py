"""The example third-party plugin, found through its entry point the way an installed plugin is.

Nothing is installed into the running environment: the test writes the distribution metadata an
installer would write (``METADATA`` and ``entry_points.txt`` in a ``.dist-info`` directory) into a
temporary directory and runs Python in a subprocess with that directory and the example's source on
``PYTHONPATH``. ``importlib.metadata`` finds distributions on ``sys.path``, so the toolkit's
entry-point discovery sees the plugin exactly as after ``pip install`` (chosen over a throwaway
venv + pip: the same discovery path in well under a second instead of a build and an install).
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "third_party_plugin"

PROBE = r"""
import json, warnings
warnings.simplefilter("ignore")  # other plugins may warn; the hedges row says how it loaded
import toolkit
from toolkit.widgets.highlight import declared_highlights
from toolkit.widgets.views import render_view

row = toolkit.list_plugins().set_index("name").loc["hedges"]
result = toolkit.run(["The soldier reportedly died.", "Officials confirmed it."], ["hedges"])
print(json.dumps({
    "plugin": {k: str(row[k]) for k in ("distribution", "status", "builtin", "analyses", "views")},
    "names": sorted(toolkit.list_plugins()["name"]),
    "terms": result["hedges"]["term"].tolist(),
    "hedged": [bool(v) for v in result.snippets["hedged"]],
    "labels": [h.label for h in declared_highlights()],
    "view": render_view(result, "snippets")._repr_html_(),
    "report": toolkit.report(result).html(),
}))
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    """The environment of a Python that sees the example as an installed distribution."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    site = tmp_path_factory.mktemp("site")
    dist = site / f"{project['name'].replace('-', '_')}-{project['version']}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n", encoding="utf-8"
    )
    points = project["entry-points"]["snippet_toolkit"]
    lines = "".join(f"{name} = {target}\n" for name, target in points.items())
    (dist / "entry_points.txt").write_text(f"[snippet_toolkit]\n{lines}", encoding="utf-8")
    environ = dict(os.environ)
    environ["PYTHONPATH"] = os.pathsep.join([str(site), str(EXAMPLE), environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    environ.pop("TOOLKIT_LOAD_PLUGINS", None)
    environ.pop("TOOLKIT_DISABLE_PLUGINS", None)
    return environ


@pytest.fixture(scope="module")
def probe(env) -> dict:
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=EXAMPLE)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_listed_next_to_the_builtins(probe):
    assert probe["plugin"] == {
        "distribution": "snippet-toolkit-hedges",
        "status": "loaded",
        "builtin": "False",
        "analyses": "hedges",
        "views": "hedges",
    }
    assert {"dedup", "attribution", "figures", "timeline"} <= set(probe["names"])


def test_runs_in_a_pipeline_with_the_core(probe):
    assert probe["terms"] == ["reportedly"]
    assert probe["hedged"] == [True, False]


def test_its_declared_highlight_reaches_the_core_views_and_the_report(probe):
    assert "hedge" in probe["labels"]
    assert "<span class='stk-hedge' title='hedge: reportedly'>reportedly</span>" in probe["view"]
    assert ".stk-hedge{background:#ffd8b5" in probe["view"]
    assert "<span class='stk-hedge' title='hedge: reportedly'>reportedly</span>" in probe["report"]


def test_its_own_test_suite_passes(env):
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_never_installed_into_the_running_environment(probe):
    with pytest.raises(md.PackageNotFoundError):
        md.distribution("snippet-toolkit-hedges")
    assert "toolkit_hedges" not in sys.modules
