"""A real browser: JupyterLab serves the walkthrough, Chromium (driven by Playwright) runs it.

It runs every cell, presses the workbench's Run button, opens the result tabs and checks that the
tables and the timeline chart are on the page; it saves what a user sees to docs/workbench.png
and docs/walkthrough-timeline.png. It also opens the story report's HTML file straight from disk
(``file://``, no server) and checks its sections, counts and SVG chart, that it runs no script and
requests nothing, and saves docs/report.png (the seed) and docs/report-stories.png (a multi-outlet
pile). Needs Debian's chromium, the ``playwright`` Python package and
JupyterLab (``.ci/browser-setup.sh`` installs them); skipped with the reason when any is missing.
Marked ``browser`` (and ``slow``): deselect with ``-m "not browser"``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DOCS = ROOT / "docs"
CHROMIUM = os.environ.get("TOOLKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--metrics-recording-only",
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _requirements_or_skip() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set TOOLKIT_CHROMIUM)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed")
    pytest.importorskip("ipykernel", reason="ipykernel is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """A JupyterLab server on 127.0.0.1 with no token, its state kept under ``root``."""

    def __init__(self, root: Path):
        self.root = root
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        for var, sub in [
            ("JUPYTER_CONFIG_DIR", "cfg"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ]:
            (root / ".jupyter" / sub).mkdir(parents=True, exist_ok=True)
            env[var] = str(root / ".jupyter" / sub)
        # no news or update checks: this machine reaches nothing but package registries
        settings = root / ".jupyter" / "settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True, exist_ok=True)
        (settings / "notification.jupyterlab-settings").write_text(
            '{"fetchNews": "false", "checkForUpdates": false, "doNotDisturbMode": true}', encoding="utf-8"
        )
        # render every cell (JupyterLab 4 only renders the cells in view by default)
        notebook = root / ".jupyter" / "settings" / "@jupyterlab" / "notebook-extension"
        notebook.mkdir(parents=True, exist_ok=True)
        (notebook / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}', encoding="utf-8")
        self.log = open(root / "jupyterlab.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                f"--port={self.port}",
                "--ip=127.0.0.1",
                "--allow-root",
                "--IdentityProvider.token=",
                "--LabApp.extension_manager=readonly",
                "--ServerApp.disable_check_xsrf=True",
                f"--ServerApp.root_dir={root}",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ],
            cwd=root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {(self.root / 'jupyterlab.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError("JupyterLab did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def run_walkthrough_in_browser(notebook: Path, workdir: Path, shots: Path) -> dict[str, str]:
    """Serve ``notebook`` from ``workdir``, run it in Chromium, click Run; return what was found."""
    from playwright.sync_api import sync_playwright

    shutil.copytree(EXAMPLES / "seed", workdir / "seed", dirs_exist_ok=True)
    shutil.copy(notebook, workdir / "walkthrough.ipynb")
    lab = JupyterLab(workdir)
    found: dict[str, str] = {}
    try:
        lab.wait()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            try:
                _drive(page, lab, found, shots)
            except Exception:
                page.screenshot(path=str(workdir / "failure.png"))
                raise
            finally:
                browser.close()
    finally:
        lab.stop()
    return found


def _drive(page, lab: JupyterLab, found: dict[str, str], shots: Path) -> None:
    """Open the notebook, Run All, press the workbench's Run, visit its tabs, take screenshots."""
    page.set_default_timeout(120_000)
    page.goto(f"{lab.url}/lab/tree/walkthrough.ipynb")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
    # the kernel is up when the status bar says so
    page.wait_for_function("() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar').innerText)")
    # Run > Run All Cells
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item:visible", has_text="Run All Cells").first.click()
    # Run All queues every cell ([*]); it is over when none is queued and the first has a number
    # (all have one, or a cell failed and Run All stopped there)
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
            return prompts.length > 0 && /\\[\\d+\\]/.test(prompts[0]) && !prompts.some(p => p.includes('*'));
        }""",
        timeout=300_000,
    )
    outputs = page.locator(".jp-Notebook .jp-OutputArea-output").all_inner_texts()
    found["cell_errors"] = "\n".join(t for t in outputs if "Traceback (most recent call last)" in t)[-3000:]
    if found["cell_errors"]:
        return
    bench = page.locator(".stk-workbench").first
    bench.wait_for()
    bench.scroll_into_view_if_needed()
    status = bench.locator(".stk-status").first
    status.filter(has_text="run 1 done").wait_for()  # the notebook's wb.run()
    bench.locator("button.stk-run").click()
    status.filter(has_text="run 2 done").wait_for(timeout=180_000)  # the button's run
    found["status"] = status.inner_text()
    tabs = bench.locator(".lm-TabBar-tab")
    found["tabs"] = ", ".join(t.strip() for t in tabs.all_inner_texts())
    # a table tab: itables (DataTables) when installed, the escaped HTML table otherwise
    bench.locator(".lm-TabBar-tab", has_text="claims").first.click()
    claims_header = page.locator("th", has_text="claim_id")
    table = bench.locator("table.dataTable:visible, table.snippet-toolkit:visible", has=claims_header).first
    table.wait_for()
    found["table_rows"] = str(table.locator("tbody tr").count())
    found["table_kind"] = table.get_attribute("class") or ""
    bench.locator(".lm-TabBar-tab", has_text="Report").first.click()
    found["report_tab"] = bench.locator(".stk-report h1:visible").first.inner_text()
    bench.locator(".lm-TabBar-tab", has_text="Highlights").first.click()
    bench.locator(".stk-snippet .stk-speaker:visible").first.wait_for()
    bench.screenshot(path=str(shots / "workbench.png"))
    # the timeline chart, drawn by JupyterLab's own Vega renderer inside the widget
    bench.locator(".lm-TabBar-tab", has_text="Timeline").first.click()
    chart = bench.locator(".vega-embed").first
    chart.wait_for()
    chart.locator("svg, canvas").first.wait_for()
    found["chart"] = chart.evaluate("e => e.querySelector('svg, canvas').tagName")
    bench.screenshot(path=str(shots / "walkthrough-timeline.png"))
    found["page_charts"] = str(page.locator(".jp-Notebook .vega-embed").count())


def test_walkthrough_in_jupyterlab(tmp_path):
    _requirements_or_skip()
    DOCS.mkdir(exist_ok=True)
    found = run_walkthrough_in_browser(EXAMPLES / "walkthrough.ipynb", tmp_path, DOCS)
    assert not found["cell_errors"], found["cell_errors"]
    assert found["status"].startswith("run 2 done"), found
    assert found["tabs"].startswith("Report") and found["report_tab"] == "Story report", found
    for title in ("Summary", "Highlights", "Clusters", "Speakers", "Figures", "Timeline", "claims", "timeline"):
        assert title in found["tabs"], found
    assert int(found["table_rows"]) > 0, found
    from toolkit.widgets import itables_available

    if itables_available():  # the kernel runs this interpreter: DataTables, sortable and searchable
        assert "dataTable" in found["table_kind"], found
    assert found["chart"].lower() in ("svg", "canvas"), found
    assert int(found["page_charts"]) >= 2, found  # the cell's chart and the workbench's
    assert (DOCS / "workbench.png").stat().st_size > 10_000


# -- the story report, opened from a file ---------------------------------------------------------------
def _browser_or_skip() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set TOOLKIT_CHROMIUM)")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def open_report(path: Path, shot: Path, height: int = 1500) -> dict[str, object]:
    """Open the report file in Chromium; return what is on the page; save a screenshot of its top."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1120, "height": height})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.resolve().as_uri())
            page.wait_for_load_state("load")
            found = {
                "title": page.title(),
                "stories": page.locator("section.story").count(),
                "parts": page.locator("section.story").first.locator("details.part > summary h3").all_inner_texts(),
                "lede": page.locator(".lede").inner_text(),
                "badges": page.locator("section.story .badges").first.inner_text(),
                "charts": page.locator("svg.stk-chart").count(),
                "marks": page.locator("svg.stk-chart circle, svg.stk-chart rect").count(),
                "chart_width": page.locator("svg.stk-chart").first.bounding_box()["width"],
                "scripts": page.evaluate("document.scripts.length"),
                "links": page.locator("a[href^='http']").count(),
                "highlights": page.locator(".stk-report .stk-speaker").count(),
            }
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    found["requests"] = [u for u in requests if not u.startswith("file://")]
    return found


def _seed_result():
    import toolkit

    config = {"timeline": {"reference_date": "2024-12-27"}}
    try:  # the paraphrase level groups the five reports of the death (needs the embeddings extra)
        import sentence_transformers  # noqa: F401

        config["dedup"] = {"level": "paraphrase"}
    except ImportError:
        pass
    # the seed is one story: shown as one (the report's fallback without `stories`)
    analyses = [n for n, spec in toolkit.default_registry().analyses.items() if spec.run_by_default and n != "stories"]
    return toolkit.run(toolkit.read_snippets(EXAMPLES / "seed" / "snippets.jsonl"), analyses, config=config)


@pytest.mark.filterwarnings("ignore::toolkit.SnippetInputWarning")
def test_report_file_in_chromium(tmp_path):
    _browser_or_skip()
    import toolkit

    DOCS.mkdir(exist_ok=True)
    seed = toolkit.report(_seed_result(), title="Seed: a North Korean soldier dies in Ukrainian captivity")
    found = open_report(seed.to_html(tmp_path / "seed.html"), DOCS / "report.png")
    assert found["title"].startswith("Seed:")
    assert found["stories"] == len(seed.stories) == 1
    assert "11 snippets" in found["lede"] and f"{len(seed.stories)} stor" in found["lede"]
    assert found["parts"][:2] == ["Same-fact reports", "Who says what"] and "Timeline" in found["parts"]
    assert f"{seed.stories[0].n_snippets} snippets" in found["badges"]
    assert found["charts"] >= 1 and found["marks"] >= 2 and found["chart_width"] > 400
    assert found["scripts"] == 0 and found["requests"] == []  # nothing runs, nothing is fetched
    assert found["highlights"] > 0

    from test_report import ANALYSES, frame, with_stories  # the multi-outlet pile written for the report's tests

    pile = with_stories(toolkit.run(frame(), ANALYSES))
    news = toolkit.report(pile, title="Three stories, eight outlets")
    found = open_report(news.to_html(tmp_path / "news.html"), DOCS / "report-stories.png", height=1700)
    assert found["stories"] == 3 and "8 outlets" in found["lede"]
    assert "Figure conflicts" in found["parts"] and found["links"] >= 9
    assert found["scripts"] == 0 and found["requests"] == []
    assert (DOCS / "report.png").stat().st_size > 20_000
