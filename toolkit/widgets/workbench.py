"""The notebook workbench: pick analyses, set their parameters, run, explore every table and view.

    wb = toolkit.Workbench(frame)
    wb                      # displays: analyses, parameter forms, Run, progress, result tabs
    wb.run()                # exactly what the Run button does; returns the Result (or None)
    wb.result               # the last Result
    wb.pipeline()           # the Pipeline the forms describe (compose on from there in code)

The first result tab is the story report (``toolkit.report``); then the run summary, every view,
and a table per output.

Runs use ``on_error="continue"``: a failing analysis gets an error card naming it and its plugin,
what depends on it is skipped, and every other result is kept. Result tabs are built when first
selected, so a large result does not render tables nobody looks at.
"""

from __future__ import annotations

import functools
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
import pandas as pd

from toolkit.errors import ToolkitError
from toolkit.frame import snippet_frame, validate_frame
from toolkit.html import escape, frame_to_html
from toolkit.pipeline import Pipeline
from toolkit.registry import PluginRegistry, default_registry
from toolkit.result import Result
from toolkit.widgets.display import CSS, TableBackend, as_widget, error_card, table_widget
from toolkit.widgets.forms import FieldWidget, form_values, params_form
from toolkit.widgets.progress import ProgressReporter
from toolkit.widgets.views import available_views


class Workbench(w.VBox):
    """A widget that runs the installed analyses (third-party ones included) on ``frame``.

    :param frame: a snippet frame, or anything :func:`toolkit.snippet_frame` accepts.
    :param registry: where analyses and views come from (default: the installed plugins).
    :param analyses: the analyses ticked at first (default: all).
    :param table_backend: ``"auto"`` (itables when installed), ``"itables"`` or ``"html"``.
    """

    def __init__(
        self,
        frame: Any,
        registry: PluginRegistry | None = None,
        *,
        analyses: Sequence[str] | None = None,
        table_backend: TableBackend = "auto",
    ):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = validate_frame(frame if isinstance(frame, pd.DataFrame) else snippet_frame(frame))
        for warning in caught:  # shown to the user once, here; not repeated on every run
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        self._input_warnings = {str(c.message) for c in caught}
        self.frame: pd.DataFrame = frame
        self.registry = registry or default_registry()
        self.table_backend: TableBackend = table_backend
        self.result: Result | None = None
        self.runs = 0  # how many runs finished (shown in the status line)
        self.error: BaseException | None = None
        self.warnings: list[str] = []
        names = list(self.registry.analyses)
        ticked = set(names if analyses is None else analyses)

        self.analysis_checks: dict[str, w.Checkbox] = {}
        self.forms: dict[str, dict[str, FieldWidget]] = {}
        form_boxes = []
        for name in names:
            spec = self.registry.analyses[name]
            plugin = self.registry.plugin_of(name)
            label = name if plugin == name else f"{name} ({plugin})"
            self.analysis_checks[name] = w.Checkbox(
                value=name in ticked, description=label, indent=False, tooltip=spec.description or label
            )
            box, fields = params_form(spec.params)
            self.forms[name] = fields
            form_boxes.append(box)
        self.params_accordion = w.Accordion(children=form_boxes, titles=tuple(names), selected_index=None)

        self.run_button = w.Button(description="Run", button_style="primary", icon="play", tooltip="run the analyses")
        self.run_button.add_class("stk-run")
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, layout={"width": "260px"})
        self.status = w.HTML("<span class='stk-status'>ready</span>")
        self.reporter = ProgressReporter(self.progress, self.status)
        self.error_box = w.VBox()
        # what analyses print or display while running (tqdm bars, model loading) lands here, folded
        self.run_log = w.Output(layout={"max_height": "200px", "overflow": "auto"})
        self.log_accordion = w.Accordion(children=[self.run_log], titles=("run output",), selected_index=None)
        self.tabs = w.Tab()
        self._tab_builders: list[Callable[[], w.Widget]] = []
        self._tab_built: list[bool] = []
        self.tabs.observe(self._on_tab, names="selected_index")
        self.run_button.on_click(lambda _button: self.run())

        n_sources = frame["source"].nunique() if "source" in frame.columns else 0
        header = w.HTML(
            CSS + f"<b>snippet-toolkit workbench</b> <span class='stk-muted'>{len(frame)} snippets"
            f"{f', {n_sources} sources' if n_sources else ''}, {len(names)} analyses installed</span>"
        )
        picker = w.VBox(
            [w.HTML("<b>Analyses</b>"), *self.analysis_checks.values()],
            layout={"min_width": "220px", "margin": "0 16px 0 0"},
        )
        params = w.VBox([w.HTML("<b>Parameters</b>"), self.params_accordion], layout={"flex": "1 1 auto"})
        controls = w.HBox([self.run_button, self.progress, self.status], layout={"align_items": "center"})
        super().__init__(
            children=[header, w.HBox([picker, params]), controls, self.error_box, self.log_accordion, self.tabs]
        )
        self.add_class("stk-workbench")

    # -- what the forms say ------------------------------------------------------------------
    @property
    def selected(self) -> list[str]:
        """The ticked analyses, in registry order."""
        return [name for name, box in self.analysis_checks.items() if box.value]

    def config(self) -> dict[str, dict[str, Any]]:
        """The parameters changed from their defaults in the forms, by analysis."""
        return {name: values for name in self.selected if (values := form_values(self.forms[name]))}

    def pipeline(self) -> Pipeline:
        """The :class:`toolkit.Pipeline` the forms describe (raises ConfigError for a bad value)."""
        return Pipeline(self.selected, config=self.config(), registry=self.registry)

    # -- running -----------------------------------------------------------------------------
    def run(self) -> Result | None:
        """Run the ticked analyses with the form's parameters (what the Run button does).

        Returns the :class:`Result` (also in ``self.result``), or None when the run could not
        start (bad parameter, unmet requirement): the reason is shown and kept in ``self.error``.
        """
        self.error = None
        self.warnings = []
        self.error_box.children = ()
        self.run_button.disabled = True
        try:
            if not self.selected:
                raise ToolkitError("tick at least one analysis")
            pipeline = self.pipeline()
            order = pipeline.validate(self.frame.columns)
            self.reporter.start(len(order))
            self.run_log.clear_output()
            with warnings.catch_warnings(record=True) as caught, self.run_log:
                warnings.simplefilter("always")
                result = pipeline.run(self.frame, on_error="continue", progress=self.reporter)
            messages = (str(c.message) for c in caught)
            self.warnings = [m for m in dict.fromkeys(messages) if m not in self._input_warnings]
        except Exception as exc:
            self.error = exc
            self.reporter.finish("not run", failed=True)
            detail = "" if isinstance(exc, ToolkitError) else traceback.format_exc()
            self.error_box.children = (
                w.HTML(CSS + error_card("workbench", "-", str(exc) or type(exc).__name__, detail, what="run")),
            )
            return None
        finally:
            self.run_button.disabled = False
        self.result = result
        bad = result.errors
        counts = f"{sum(r.status == 'ok' for r in result.records)} ok"
        if bad:
            counts += ", " + ", ".join(f"{sum(r.status == s for r in bad)} {s}" for s in ("failed", "skipped"))
        self.runs += 1
        self.reporter.finish(f"run {self.runs} done: {counts}", failed=bool(bad))
        self.error_box.children = tuple(self._cards(result))
        self._build_tabs(result)
        return result

    def _cards(self, result: Result) -> list[w.Widget]:
        cards = [
            w.HTML(CSS + error_card(r.analysis, r.plugin, r.error, r.detail, what=f"analysis {r.status}:"))
            for r in result.errors
        ]
        if self.warnings:
            items = "".join(f"<li>{escape(m)}</li>" for m in self.warnings[:50])
            cards.append(
                w.HTML(
                    CSS + f"<details class='stk-card'><summary>{len(self.warnings)} warning(s)</summary>"
                    f"<ul>{items}</ul></details>"
                )
            )
        return cards

    # -- result tabs -------------------------------------------------------------------------
    def _build_tabs(self, result: Result) -> None:
        entries: list[tuple[str, Callable[[], w.Widget]]] = [
            ("Report", lambda: self._report(result)),
            ("Summary", lambda: self._summary(result)),
        ]
        for view in available_views(result, self.registry):
            entries.append((view.title, functools.partial(self._view, view, result)))
        for name, table in {"snippets": result.snippets, **result.tables}.items():
            entries.append((name, functools.partial(table_widget, table, self.table_backend)))
        self._tab_builders = [build for _, build in entries]
        self._tab_built = [False] * len(entries)
        self.tabs.unobserve(self._on_tab, names="selected_index")
        self.tabs.children = [w.VBox() for _ in entries]
        self.tabs.titles = tuple(title for title, _ in entries)
        self.tabs.selected_index = 0
        self.tabs.observe(self._on_tab, names="selected_index")
        self._render(0)

    @property
    def tab_titles(self) -> list[str]:
        return list(self.tabs.titles)

    def tab(self, title: str) -> w.Widget:
        """The content of the result tab ``title`` (built now if it was not yet)."""
        i = self.tab_titles.index(title)
        self._render(i)
        return self.tabs.children[i].children[0]

    def _on_tab(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            self._render(change["new"])

    def _render(self, i: int) -> None:
        if i >= len(self._tab_built) or self._tab_built[i]:
            return
        self._tab_built[i] = True
        try:
            content = self._tab_builders[i]()
        except Exception as exc:  # a table that cannot be shown must not break the others
            content = w.HTML(CSS + error_card(self.tabs.titles[i], "-", str(exc), traceback.format_exc(), "tab"))
        self.tabs.children[i].children = (content,)

    def _summary(self, result: Result) -> w.Widget:
        summary = result.summary()
        return w.HTML(
            CSS
            + f"<p>{len(result.snippets)} snippets, {len(result.tables)} table(s)</p>"
            + frame_to_html(summary, max_rows=len(summary) or 1, max_chars=400)
        )

    def _report(self, result: Result) -> w.Widget:
        """The story report (``toolkit.report``): the first thing a run answers."""
        from toolkit.report import build_report

        return w.HTML(build_report(result, registry=self.registry)._repr_html_(), layout={"overflow": "auto"})

    def _view(self, view: Any, result: Result) -> w.Widget:
        try:
            if view.widget is not None:  # a view with an interactive form (the snippet view's filter box)
                return view.widget(result)
            return as_widget(view.func(result), self.table_backend)
        except Exception as exc:
            return w.HTML(CSS + error_card(view.name, view.plugin, str(exc), traceback.format_exc(), what="view"))
