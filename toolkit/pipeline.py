"""Compose analyses into a pipeline, validate it, and run it.

A :class:`Pipeline` is a list of steps, each an analysis spec with its parameters. It orders the
steps so that each runs after the analyses it requires or uses (keeping the user's order
otherwise), validates the whole before running anything (an unmet requirement names the analysis
that would provide it), runs each step on a shallow copy of the frame, checks every output
against its declaration, and keeps each failure its own.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, is_dataclass
from typing import Any, Literal

import pandas as pd

from toolkit.errors import AnalysisError, ConfigError, OutputContractError, PipelineValidationError
from toolkit.frame import validate_frame
from toolkit.registry import PluginRegistry, default_registry
from toolkit.result import Result, StepRecord
from toolkit.specs import AnalysisSpec, Context, Output

OnError = Literal["raise", "continue"]


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
        defaults = asdict(step.spec.default_params())
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
        producers: dict[str, str] = {}
        for s in self.steps:
            for col in s.spec.columns:
                producers.setdefault(col, s.name)
            for table in s.spec.tables:
                producers.setdefault(f"table:{table}", s.name)
        deps: dict[str, set[str]] = {}
        for s in self.steps:
            need = {producers[r] for r in s.spec.requires if r in producers and producers[r] != s.name}
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
        available = set(columns)
        problems = []
        for step in order:
            for req in step.spec.requires:
                if req not in available:
                    providers = self.registry.providers(req)
                    hint = (
                        f"add {' or '.join(repr(p) for p in providers)} to the pipeline"
                        if providers
                        else "no installed analysis provides it"
                    )
                    what = f"table {req[6:]!r}" if req.startswith("table:") else f"column {req!r}"
                    problems.append(f"analysis {step.name!r} requires {what}: {hint}")
            available |= set(step.spec.columns) | {f"table:{t}" for t in step.spec.tables}
        if problems:
            raise PipelineValidationError("; ".join(problems))
        return order

    # -- running -----------------------------------------------------------------------------
    def run(
        self,
        frame: pd.DataFrame,
        *,
        on_error: OnError = "raise",
        progress: Callable[[ProgressEvent], None] | None = None,
    ) -> Result:
        """Run every step on ``frame`` (a snippet frame, or anything :func:`snippet_frame` takes)."""
        if on_error not in ("raise", "continue"):
            raise ConfigError("on_error must be 'raise' or 'continue'")
        frame = validate_frame(frame if isinstance(frame, pd.DataFrame) else _to_frame(frame))
        order = self.validate(frame.columns)
        tables: dict[str, pd.DataFrame] = {}
        records: list[StepRecord] = []
        lost: dict[str, str] = {}  # requirement -> name of the failed analysis that would have provided it
        n = len(order)
        notify = progress or (lambda event: None)
        for i, step in enumerate(order):
            spec = step.spec
            missing = [r for r in spec.requires if r in lost]
            if missing:
                reason = f"skipped: {', '.join(sorted({lost[r] for r in missing}))} failed"
                records.append(
                    StepRecord(spec.name, step.plugin, "skipped", 0.0, len(frame), {}, reason, _params(step))
                )
                for out in _outputs(spec):
                    lost[out] = spec.name
                notify(ProgressEvent(i, n, spec.name, "skipped", (i + 1) / n))
                continue
            notify(ProgressEvent(i, n, spec.name, "start", i / n))

            def report(fraction: float, _i: int = i, _name: str = spec.name) -> None:
                notify(ProgressEvent(_i, n, _name, "running", (_i + min(max(fraction, 0.0), 1.0)) / n))

            started = time.perf_counter()
            try:
                output = spec.func(frame.copy(deep=False), step.params, Context(tables=dict(tables), progress=report))
                new_columns, new_tables = check_output(spec, frame, output)
            except Exception as exc:
                seconds = time.perf_counter() - started
                error = exc if isinstance(exc, OutputContractError) else AnalysisError(spec.name, step.plugin, exc)
                if on_error == "raise":
                    if error is exc:
                        raise
                    raise error from exc
                detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                records.append(
                    StepRecord(
                        spec.name,
                        step.plugin,
                        "failed",
                        seconds,
                        len(frame),
                        {},
                        str(error),
                        _params(step),
                        detail,
                    )
                )
                for out in _outputs(spec):
                    lost[out] = spec.name
                notify(ProgressEvent(i, n, spec.name, "failed", (i + 1) / n))
                continue
            if new_columns is not None and len(new_columns.columns):
                frame = frame.drop(columns=[c for c in new_columns.columns if c in frame.columns])
                frame = pd.concat([frame, new_columns], axis=1)
            tables.update(new_tables)
            seconds = time.perf_counter() - started
            rows = {name: len(t) for name, t in new_tables.items()}
            records.append(StepRecord(spec.name, step.plugin, "ok", seconds, len(frame), rows, "", _params(step)))
            notify(ProgressEvent(i, n, spec.name, "ok", (i + 1) / n))
        return Result(frame, tables, records, config=self.to_config())

    def __call__(self, frame: pd.DataFrame) -> Result:
        """``frame.pipe(pipeline)`` runs it."""
        return self.run(frame)

    def __repr__(self) -> str:
        return f"Pipeline({[s.name for s in self.steps]!r})"


def check_output(spec: AnalysisSpec, frame: pd.DataFrame, output: Any) -> tuple[pd.DataFrame | None, dict]:
    """Check an analysis's output against its declaration; cast to the declared dtypes."""
    if output is None:
        output = Output()
    if isinstance(output, pd.DataFrame) and not spec.tables:
        output = Output(columns=output)
    if not isinstance(output, Output):
        raise OutputContractError(f"analysis {spec.name!r} returned {type(output).__name__}, not toolkit.Output")
    columns = None
    if spec.columns:
        got = output.columns if output.columns is not None else pd.DataFrame(index=frame.index)
        missing = [c for c in spec.columns if c not in got.columns]
        if missing:
            raise OutputContractError(f"analysis {spec.name!r} did not produce declared column(s) {missing}")
        extra = [c for c in got.columns if c not in spec.columns]
        if extra:
            raise OutputContractError(f"analysis {spec.name!r} produced undeclared column(s) {extra}")
        if not got.index.isin(frame.index).all():
            raise OutputContractError(f"analysis {spec.name!r} returned columns for unknown snippet ids")
        got = got.reindex(frame.index)
        columns = pd.DataFrame(
            {c: _cast(got[c], dtype, spec.name, c) for c, dtype in spec.columns.items()}, index=frame.index
        )
    elif output.columns is not None and len(output.columns.columns):
        raise OutputContractError(f"analysis {spec.name!r} returned columns but declares none")
    tables = {}
    for name, declared in spec.tables.items():
        table = output.tables.get(name)
        if table is None:
            raise OutputContractError(f"analysis {spec.name!r} did not produce its declared table {name!r}")
        missing = [c for c in declared if c not in table.columns]
        if missing:
            raise OutputContractError(f"analysis {spec.name!r}: table {name!r} lacks declared column(s) {missing}")
        table = table.reset_index(drop=True)
        cast = {c: _cast(table[c], dtype, spec.name, f"{name}.{c}") for c, dtype in declared.items()}
        ordered = pd.DataFrame(cast, index=table.index)
        rest = [c for c in table.columns if c not in declared]
        if rest:
            ordered = pd.concat([ordered, table[rest]], axis=1)
        unknown = ~ordered["snippet_id"].isin(frame.index) & ordered["snippet_id"].notna()
        if unknown.any():
            raise OutputContractError(
                f"analysis {spec.name!r}: table {name!r} has snippet_id(s) not in the frame, "
                f"e.g. {ordered.loc[unknown, 'snippet_id'].iloc[0]!r}"
            )
        tables[name] = ordered
    undeclared = set(output.tables) - set(spec.tables)
    if undeclared:
        raise OutputContractError(f"analysis {spec.name!r} produced undeclared table(s) {sorted(undeclared)}")
    return columns, tables


def _cast(series: pd.Series, dtype: str, analysis: str, where: str) -> pd.Series:
    if str(series.dtype) == dtype:
        return series
    try:
        if dtype.startswith("datetime64"):
            return pd.to_datetime(series, utc=True).astype(dtype)
        return series.astype(dtype)
    except (TypeError, ValueError) as exc:
        raise OutputContractError(f"analysis {analysis!r}: {where} cannot be cast to {dtype}: {exc}") from None


def _outputs(spec: AnalysisSpec) -> list[str]:
    return [*spec.columns, *(f"table:{t}" for t in spec.tables)]


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
) -> Result:
    """Run ``analyses`` (names; default: every installed analysis marked ``default``) on ``frame``.

    ``config`` sets parameters by analysis name: ``{"timeline": {"reference_date": "2024-12-27"}}``.
    Entries for installed analyses that are not in this run are ignored (one config can serve
    many runs); a name no plugin registers is an error, so a typo does not pass silently.
    """
    registry = registry or default_registry()
    if analyses is None:
        analyses = [name for name, spec in registry.analyses.items() if spec.default]
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
    return pipeline.run(frame, on_error=on_error, progress=progress)
