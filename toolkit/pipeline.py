"""Compose analyses into a pipeline, validate it, and run it.

A :class:`Pipeline` is a list of steps, each an analysis spec with its parameters. It orders the
steps so that each runs after the analyses it requires or uses (keeping the user's order
otherwise), validates the whole before running anything (an unmet requirement names the analysis
that would provide it; two steps declaring the same table or column are refused), runs each step
through :func:`toolkit.executor.execute` (a shallow copy of the frame, read-only earlier tables,
the output checked against its declaration; with ``workers=N`` the per-snippet work in worker
processes), and keeps each failure its own.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, is_dataclass
from typing import Any, Literal

import pandas as pd

from toolkit.errors import AnalysisError, ConfigError, OutputContractError, PipelineValidationError, ToolkitError
from toolkit.executor import WorkerPool, check_output, chunk_modules, execute, merge_columns
from toolkit.frame import validate_frame
from toolkit.registry import PluginRegistry, default_registry
from toolkit.result import Result, StepRecord
from toolkit.specs import AnalysisSpec

__all__ = ["OnError", "Pipeline", "ProgressEvent", "Step", "check_output", "run"]

OnError = Literal["raise", "continue"]
#: A requirement or output of a step: ``("column", name)`` or ``("table", name)``.
Key = tuple[Literal["column", "table"], str]


@dataclass(frozen=True)
class ProgressEvent:
    """Sent to a ``progress`` callback: before and after each step, and as a step reports."""

    step: int  # 0-based index of the step
    n_steps: int
    analysis: str
    status: str  # "start" | "running" | "ok" | "failed" | "skipped"
    fraction: float  # of the whole pipeline, 0..1


@dataclass
class Step:
    """One analysis with its parameters; ``step(frame)`` runs it alone (so ``df.pipe(step)`` works)."""

    spec: AnalysisSpec
    params: Any
    plugin: str = "(unregistered)"

    @property
    def name(self) -> str:
        return self.spec.name

    def __call__(self, frame: pd.DataFrame) -> Result:
        return Pipeline([self]).run(frame)


class Pipeline:
    """An ordered, validated composition of analyses.

    >>> Pipeline(["dedup", "figures"]).set_params("dedup", threshold=0.8).run(frame)

    Steps are analysis names, :class:`AnalysisSpec` objects (run without registering them),
    ``(name, params_dict)`` pairs or :class:`Step` objects. ``config`` maps analysis names to
    parameter dicts, as in ``toolkit.run``.
    """

    def __init__(
        self,
        steps: Iterable[str | AnalysisSpec | Step | tuple[str, Mapping[str, Any]]] = (),
        *,
        config: Mapping[str, Mapping[str, Any]] | None = None,
        registry: PluginRegistry | None = None,
    ):
        self._registry = registry
        self.steps: list[Step] = []
        for step in steps:
            self.add(step)
        for name, values in (config or {}).items():
            if name not in self.named_steps:
                raise ConfigError(
                    f"config names {name!r}, which is not a step of this pipeline "
                    f"(steps: {', '.join(self.named_steps) or 'none'})"
                )
            self.set_params(name, **dict(values or {}))

    @property
    def registry(self) -> PluginRegistry:
        if self._registry is None:
            self._registry = default_registry()
        return self._registry

    @property
    def named_steps(self) -> dict[str, Step]:
        return {s.name: s for s in self.steps}

    def add(self, step: str | AnalysisSpec | Step | tuple[str, Mapping[str, Any]], **params: Any) -> Pipeline:
        """Append a step (by name, spec, Step or ``(name, params)``); returns the pipeline."""
        if isinstance(step, tuple):
            step, extra = step
            params = {**dict(extra or {}), **params}
        if isinstance(step, Step):
            new = Step(step.spec, step.params, step.plugin)
        elif isinstance(step, AnalysisSpec):
            step.validate()
            new = Step(step, step.default_params())
        elif isinstance(step, str):
            spec = self.registry.analysis(step.strip())
            new = Step(spec, spec.default_params(), self.registry.plugin_of(spec.name))
        else:
            raise PipelineValidationError(f"a step must be an analysis name or spec, not {type(step).__name__}")
        if new.name in self.named_steps:
            raise PipelineValidationError(f"analysis {new.name!r} is in the pipeline twice")
        self.steps.append(new)
        if params:
            self.set_params(new.name, **params)
        return self

    def set_params(self, analysis: str, **values: Any) -> Pipeline:
        """Set parameters of one step by name; strings are converted to the declared types."""
        step = self.named_steps.get(analysis)
        if step is None:
            raise ConfigError(f"no step {analysis!r} in this pipeline (steps: {', '.join(self.named_steps)})")
        current = {f.name: getattr(step.params, f.name) for f in fields(step.params)}
        default = step.spec.default_params()
        # Field by field, like ``current`` (``asdict`` deep-copies every value: ~0.1 ms a call).
        defaults = {f.name: getattr(default, f.name) for f in fields(default)}
        changed = {k: v for k, v in current.items() if v != defaults.get(k)}
        step.params = step.spec.make_params({**changed, **values})
        return self

    # -- config round trip -------------------------------------------------------------------
    def to_config(self) -> dict[str, Any]:
        """A plain dict (JSON-able) that :meth:`from_config` turns back into this pipeline."""
        return {
            "analyses": [s.name for s in self.steps],
            "config": {s.name: _params(s) for s in self.steps},
        }

    @classmethod
    def from_config(cls, config: Mapping[str, Any], *, registry: PluginRegistry | None = None) -> Pipeline:
        if not isinstance(config, Mapping) or "analyses" not in config:
            raise ConfigError("a pipeline config is a dict with an 'analyses' list and an optional 'config' dict")
        return cls(config["analyses"], config=config.get("config") or {}, registry=registry)

    # -- validation --------------------------------------------------------------------------
    def ordered(self) -> list[Step]:
        """The steps in run order: each after what it requires or uses; otherwise as given."""
        by_name = self.named_steps
        producers: dict[Key, str] = {}
        for s in self.steps:
            for out in _outputs(s.spec):
                producers.setdefault(out, s.name)
        deps: dict[str, set[str]] = {}
        for s in self.steps:
            need = {producers[r] for r in _needs(s.spec) if r in producers and producers[r] != s.name}
            need |= {u for u in s.spec.uses if u in by_name and u != s.name}
            deps[s.name] = need
        order: list[Step] = []
        done: set[str] = set()
        remaining = [s.name for s in self.steps]
        while remaining:
            ready = next((n for n in remaining if deps[n] <= done), None)
            if ready is None:
                raise PipelineValidationError(f"analyses depend on each other in a cycle: {', '.join(remaining)}")
            order.append(by_name[ready])
            done.add(ready)
            remaining.remove(ready)
        return order

    def validate(self, columns: Iterable[str] = ("text",)) -> list[Step]:
        """Check that every requirement is met by the input ``columns`` or an earlier step.

        Returns the steps in run order; raises :class:`PipelineValidationError` listing every
        unmet requirement together with the analyses that would provide it.
        """
        order = self.ordered()
        self._check_unique_outputs()
        available: set[Key] = {("column", c) for c in columns}
        problems = []
        for step in order:
            for req in _needs(step.spec):
                if req not in available:
                    kind, name = req
                    providers = self.registry.providers(name, table=kind == "table")
                    hint = (
                        f"add {' or '.join(repr(p) for p in providers)} to the pipeline"
                        if providers
                        else "no installed analysis provides it"
                    )
                    problems.append(f"analysis {step.name!r} requires {kind} {name!r}: {hint}")
            available |= set(_outputs(step.spec))
        if problems:
            raise PipelineValidationError("; ".join(problems))
        return order

    def _check_unique_outputs(self) -> None:
        """Two steps declaring the same table or column would overwrite each other's output."""
        seen: dict[Key, Step] = {}
        clashes = []
        for step in self.steps:
            for out in _outputs(step.spec):
                first = seen.setdefault(out, step)
                if first is not step:
                    clashes.append(
                        f"{out[0]} {out[1]!r} is declared by analysis {first.name!r} (plugin {first.plugin!r}) and by "
                        f"analysis {step.name!r} (plugin {step.plugin!r})"
                    )
        if clashes:
            raise PipelineValidationError("; ".join(clashes) + ": run them in separate pipelines")

    # -- running -----------------------------------------------------------------------------
    def run(
        self,
        frame: pd.DataFrame,
        *,
        on_error: OnError = "raise",
        progress: Callable[[ProgressEvent], None] | None = None,
        workers: int | str | None = None,
        chunk_size: int | None = None,
    ) -> Result:
        """Run every step on ``frame`` (a snippet frame, or anything :func:`snippet_frame` takes).

        ``workers``: processes for the per-snippet work (see :func:`toolkit.run`); the result is
        the same for any number. ``chunk_size``: snippets per chunk when ``workers > 1``.
        """
        if on_error not in ("raise", "continue"):
            raise ConfigError("on_error must be 'raise' or 'continue'")
        frame = validate_frame(frame if isinstance(frame, pd.DataFrame) else _to_frame(frame))
        order = self.validate(frame.columns)
        n_workers = _workers(workers, len(frame))
        with WorkerPool(n_workers, chunk_size, preload=chunk_modules([s.spec for s in order])) as pool:
            return self._run_steps(order, frame, on_error, progress or (lambda event: None), pool)

    def _run_steps(
        self,
        order: list[Step],
        frame: pd.DataFrame,
        on_error: OnError,
        notify: Callable[[ProgressEvent], None],
        pool: WorkerPool,
    ) -> Result:
        tables: dict[str, pd.DataFrame] = {}
        records: list[StepRecord] = []
        reads = [_reads(step, order) for step in order]
        lost: dict[Key, str] = {}  # requirement -> name of the failed analysis that would have provided it
        n = len(order)
        for i, step in enumerate(order):
            spec = step.spec
            missing = [r for r in _needs(spec) if r in lost]
            if missing:
                reason = f"skipped: {', '.join(sorted({lost[r] for r in missing}))} failed"
                records.append(
                    StepRecord(spec.name, step.plugin, "skipped", 0.0, len(frame), {}, reason, _params(step))
                )
                lost.update(dict.fromkeys(_outputs(spec), spec.name))
                notify(ProgressEvent(i, n, spec.name, "skipped", (i + 1) / n))
                continue
            notify(ProgressEvent(i, n, spec.name, "start", i / n))

            def report(fraction: float, _i: int = i, _name: str = spec.name) -> None:
                notify(ProgressEvent(_i, n, _name, "running", (_i + min(max(fraction, 0.0), 1.0)) / n))

            started = time.perf_counter()
            try:
                out = execute(
                    spec, step.params, frame, tables, plugin=step.plugin, progress=report, pool=pool, reads=reads[i]
                )
            except Exception as exc:
                error = exc if isinstance(exc, (AnalysisError, OutputContractError)) else None
                if on_error == "raise":
                    if error is None:
                        raise AnalysisError(spec.name, step.plugin, exc) from exc
                    raise
                records.append(_failed(step, time.perf_counter() - started, len(frame), error or exc))
                lost.update(dict.fromkeys(_outputs(spec), spec.name))
                notify(ProgressEvent(i, n, spec.name, "failed", (i + 1) / n))
                continue
            frame = merge_columns(frame, out.columns)
            tables.update(out.tables)
            rows = {name: len(t) for name, t in out.tables.items()}
            seconds = time.perf_counter() - started
            records.append(StepRecord(spec.name, step.plugin, "ok", seconds, len(frame), rows, "", _params(step)))
            notify(ProgressEvent(i, n, spec.name, "ok", (i + 1) / n))
        return Result(frame, tables, records, config=self.to_config())

    def __call__(self, frame: pd.DataFrame) -> Result:
        """``frame.pipe(pipeline)`` runs it."""
        return self.run(frame)

    def __repr__(self) -> str:
        return f"Pipeline({[s.name for s in self.steps]!r})"


def _failed(step: Step, seconds: float, rows: int, error: Exception) -> StepRecord:
    """The record of a step that failed: the error as one line, the cause's type and message."""
    cause = error.cause if isinstance(error, AnalysisError) else error
    detail = "".join(traceback.format_exception_only(type(cause), cause)).strip()
    message = str(error if isinstance(error, ToolkitError) else AnalysisError(step.name, step.plugin, error))
    return StepRecord(step.name, step.plugin, "failed", seconds, rows, {}, message, _params(step), detail)


#: ``workers="auto"`` uses every core only from this many snippets: below it, starting and feeding
#: the pool costs more than it saves (benchmarks/bench_pipeline.py, all four analyses, 2 cores:
#: 0.88x wall at 10,000 snippets, 1.32x at 100,000, 1.40x at 1,000,000).
AUTO_WORKERS_MIN_SNIPPETS = 50_000


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS tells, else ``os.cpu_count()``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - macOS / Windows
        return max(1, os.cpu_count() or 1)


def _workers(workers: int | str | None, n_snippets: int) -> int:
    """How many processes a run uses: ``workers`` as given (at least 1), 1 when not given, and for
    ``"auto"`` every available core once the frame is big enough to pay for the pool."""
    if workers is None:
        return 1
    if workers == "auto":
        return available_cores() if n_snippets >= AUTO_WORKERS_MIN_SNIPPETS else 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ConfigError(f"workers must be a whole number of at least 1 or 'auto', not {workers!r}")
    return min(workers, max(1, n_snippets))


def _reads(step: Step, order: list[Step]) -> set[str]:
    """The tables a step declares it reads: those it requires and those of the analyses it uses."""
    used = {t for other in order if other.name in step.spec.uses for t in other.spec.tables}
    return set(step.spec.requires_tables) | used


def _needs(spec: AnalysisSpec) -> list[Key]:
    """What a step needs: its required columns and tables."""
    return [*(("column", c) for c in spec.requires), *(("table", t) for t in spec.requires_tables)]


def _outputs(spec: AnalysisSpec) -> list[Key]:
    """What a step produces: its columns and tables."""
    return [*(("column", c) for c in spec.columns), *(("table", t) for t in spec.tables)]


def _params(step: Step) -> dict[str, Any]:
    if is_dataclass(step.params) and not isinstance(step.params, type):
        return _plain(asdict(step.params))
    return {}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _to_frame(data: Any) -> pd.DataFrame:
    from toolkit.frame import snippet_frame

    return snippet_frame(data)


def run(
    frame: Any,
    analyses: Sequence[str | AnalysisSpec] | str | None = None,
    *,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    on_error: OnError = "raise",
    progress: Callable[[ProgressEvent], None] | None = None,
    registry: PluginRegistry | None = None,
    workers: int | str | None = None,
    chunk_size: int | None = None,
) -> Result:
    """Run ``analyses`` (names; default: every installed analysis with ``run_by_default``) on ``frame``.

    ``config`` sets parameters by analysis name: ``{"timeline": {"reference_date": "2024-12-27"}}``.
    Entries for installed analyses that are not in this run are ignored (one config can serve
    many runs); a name no plugin registers is an error, so a typo does not pass silently.

    ``workers=N`` runs the per-snippet work in ``N`` processes (``scope="row"`` analyses and the
    ``extract`` half of split ones, chunk by chunk); the tables are identical to ``workers=1``.
    Default 1; ``workers="auto"`` (the command line's default) uses every available core from
    ``AUTO_WORKERS_MIN_SNIPPETS`` snippets on and one process below (see README, "Using every
    core": a script calling it needs ``if __name__ == "__main__":``). ``chunk_size`` sets the
    snippets per chunk (default: four chunks per worker).
    """
    registry = registry or default_registry()
    if analyses is None:
        analyses = [name for name, spec in registry.analyses.items() if spec.run_by_default]
    elif isinstance(analyses, str):
        analyses = [a.strip() for a in analyses.split(",") if a.strip()]
    if not analyses:
        raise PipelineValidationError("no analyses to run (none named, and no plugin is installed)")
    names = {a if isinstance(a, str) else a.name for a in analyses}
    config = dict(config or {})
    for name in list(config):
        if name not in names:
            registry.analysis(name)  # raises for a name no plugin registers
            del config[name]
    pipeline = Pipeline(analyses, config=config, registry=registry)
    return pipeline.run(frame, on_error=on_error, progress=progress, workers=workers, chunk_size=chunk_size)
