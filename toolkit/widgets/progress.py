"""A progress bar and a status line fed by the pipeline's ProgressEvents, without flooding.

The pipeline calls back on every step start/end and whenever an analysis reports progress; an
analysis may report thousands of times. The bar is only updated when it moves by at least
``min_step`` (1 %), or the step or status changes, so the front end gets a bounded number of
messages (at most ~100 per run plus a few per step) however chatty the analyses are.
"""

from __future__ import annotations

import time

import ipywidgets as w

from toolkit.html import escape


class ProgressReporter:
    """Callable ``progress=`` for :meth:`toolkit.Pipeline.run` driving a FloatProgress and a status HTML."""

    def __init__(self, bar: w.FloatProgress | None = None, status: w.HTML | None = None, min_step: float = 0.01):
        self.bar = bar or w.FloatProgress(value=0.0, min=0.0, max=1.0, description="", layout={"width": "240px"})
        self.status = status or w.HTML("")
        self.min_step = min_step
        self.updates = 0  # how many times the widgets were changed (tests check it is bounded)
        self.events = 0
        self._last: tuple[int, str] | None = None
        self._started = time.perf_counter()

    def start(self, n_steps: int) -> None:
        self._started = time.perf_counter()
        self._last = None
        self.bar.value = 0.0
        self.bar.bar_style = "info"
        self.set_status(f"running {n_steps} analys{'is' if n_steps == 1 else 'es'}…")

    def set_status(self, text: str) -> None:
        self.status.value = f"<span class='stk-status'>{escape(text)}</span>"
        self.updates += 1

    def __call__(self, event) -> None:
        self.events += 1
        key = (event.step, event.status)
        moved = event.fraction - self.bar.value >= self.min_step
        if key == self._last and not moved:
            return
        if moved or event.status != "running":
            self.bar.value = min(max(event.fraction, 0.0), 1.0)
        if key != self._last:
            verb = {"start": "running", "running": "running", "ok": "finished", "failed": "FAILED"}.get(
                event.status, event.status
            )
            self.set_status(f"{verb} {event.analysis} ({event.step + 1}/{event.n_steps})")
        else:
            self.updates += 1
        self._last = key

    def finish(self, text: str, failed: bool = False) -> None:
        self.bar.value = 1.0
        self.bar.bar_style = "warning" if failed else "success"
        elapsed = time.perf_counter() - self._started
        self.set_status(f"{text} in {elapsed:.2f} s")
