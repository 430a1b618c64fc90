"""The example notebooks, executed top to bottom by a real Jupyter kernel (nbclient + ipykernel)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def _kernel_or_skip() -> None:
    pytest.importorskip("nbformat", reason="nbformat is not installed (pip install 'snippet-toolkit[notebook]')")
    pytest.importorskip("nbclient", reason="nbclient is not installed (pip install 'snippet-toolkit[notebook]')")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed: no Jupyter kernel to run notebooks")
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.skip("no 'python3' Jupyter kernel is installed")


def execute(path: Path, workdir: Path):
    """Execute a copy of notebook ``path`` (with the seed beside it) in ``workdir``; return it."""
    import nbformat
    from nbclient import NotebookClient

    shutil.copytree(EXAMPLES / "seed", workdir / "seed", dirs_exist_ok=True)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}})
    client.execute()
    return nb


def outputs(cell) -> list[dict]:
    return [o for o in cell.get("outputs", []) if o.get("output_type") in ("execute_result", "display_data")]


def cell_with(nb, text: str):
    return next(c for c in nb.cells if c.cell_type == "code" and text in c.source)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_example_notebook_runs_top_to_bottom(path, tmp_path):
    _kernel_or_skip()
    nb = execute(path, tmp_path)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    if path.name != "walkthrough.ipynb":
        return
    # the workbench is a widget, each view shows what it should
    [bench] = outputs(cell_with(nb, "wb = Workbench(frame)"))
    assert "application/vnd.jupyter.widget-view+json" in bench["data"]
    frame_html = outputs(cell_with(nb, 'read_snippets("seed/snippets.jsonl")'))[0]["data"]["text/html"]
    assert "<b>snippet frame</b>: 11 snippets" in frame_html
    highlights = outputs(cell_with(nb, 'render_view(result, "snippets")'))[0]["data"]["text/html"]
    assert "class='stk-speaker'" in highlights and "class='stk-date'" in highlights
    assert "11 clusters:" in outputs(cell_with(nb, 'render_view(result, "clusters")'))[0]["data"]["text/html"]
    assert "stk-speaker-group" in outputs(cell_with(nb, 'render_view(result, "speakers")'))[0]["data"]["text/html"]
    assert "stk-figure-group" in outputs(cell_with(nb, 'render_view(result, "figures")'))[0]["data"]["text/html"]
    chart = outputs(cell_with(nb, 'render_view(result, "timeline")'))[0]["data"]
    spec = chart["application/vnd.vegalite.v5+json"]
    assert spec["data"]["values"], "the timeline chart has no dated mention"
    assert (tmp_path / "out" / "walkthrough" / "manifest.json").exists()
