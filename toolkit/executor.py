"""Run one analysis step: the single place where the core calls an analysis's code.

The pipeline (:mod:`toolkit.pipeline`), the Dask runner (:mod:`toolkit.distributed`) and the
contract kit (:mod:`toolkit.testing`) all run a step through :func:`execute`, so the rules are the
same everywhere:

- the analysis gets a shallow copy of the frame and read-only, copy-on-write views of the earlier
  tables (pandas >= 3 always copies on write, so a shallow copy costs O(columns), not O(rows), and
  an analysis that edits "its" copy cannot change another analysis's published table);
- anything plugin code raises — any ``BaseException`` except ``KeyboardInterrupt``, so a plugin's
  ``sys.exit(0)`` too — becomes an :class:`~toolkit.errors.AnalysisError` naming the plugin and
  the analysis;
- the output is checked against the declaration and cast to the declared dtypes
  (:func:`check_output`), with Arrow-native membership tests for the snippet ids;
- new columns are merged into the frame (:func:`merge_columns`).

With a :class:`WorkerPool` (``workers=N``), a step is cut into chunks of consecutive snippets:
a ``scope="row"`` analysis runs its ``func`` per chunk; a split analysis (``spec.is_split``) runs
``extract`` per chunk, and ``combine`` once here, over the concatenated extracted output; any
other analysis runs whole in this process. Partial outputs are concatenated as the shared design
says: columns row-wise, each table row-wise with a fresh ``RangeIndex``.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import threading
import traceback
import types
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from toolkit.errors import AnalysisError, ConfigError, OutputContractError, ToolkitError
from toolkit.specs import AnalysisSpec, Context, Output

UNREGISTERED = "(unregistered)"


@dataclass
class StepOutput:
    """A step's checked output: new snippet columns (indexed like the frame) and new tables."""

    columns: pd.DataFrame | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Calling plugin code


def call_plugin(spec: AnalysisSpec, plugin: str, func: Callable[..., Any], *args: Any) -> Any:
    """Call ``func(*args)`` (plugin code); whatever it raises becomes an AnalysisError.

    ``BaseException`` is caught, not just ``Exception``: a plugin calling ``sys.exit(0)`` would
    otherwise end the whole run with status 0 and no output. ``KeyboardInterrupt`` is the user's
    and goes through untouched.
    """
    try:
        return func(*args)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # plugin code: everything but Ctrl-C is its failure
        raise AnalysisError(spec.name, plugin, exc) from exc


def read_only_tables(tables: Mapping[str, pd.DataFrame]) -> Mapping[str, pd.DataFrame]:
    """The earlier tables as an analysis sees them: a read-only mapping of shallow copies.

    The mapping cannot be assigned to, and under pandas' Copy-on-Write (always on from pandas 3)
    writing into a shallow copy copies the written column first, so the published table never
    changes. A shallow copy shares the data: 100k-row tables cost microseconds, not a deep copy
    (``benchmarks/bench_core.py`` measures both).
    """
    return types.MappingProxyType({name: table.copy(deep=False) for name, table in tables.items()})


def make_context(tables: Mapping[str, pd.DataFrame], progress: Callable[[float], None] | None = None) -> Context:
    """The :class:`Context` handed to an analysis: read-only tables and a progress callback."""
    if progress is None:
        return Context(tables=read_only_tables(tables))
    return Context(tables=read_only_tables(tables), progress=progress)


def execute(
    spec: AnalysisSpec,
    params: Any,
    frame: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    *,
    plugin: str = UNREGISTERED,
    progress: Callable[[float], None] | None = None,
    pool: WorkerPool | None = None,
    reads: Collection[str] | None = None,
) -> StepOutput:
    """Run one analysis on ``frame`` with the earlier ``tables``; return its checked output.

    Raises :class:`AnalysisError` when the analysis fails, :class:`OutputContractError` when its
    output does not match its declaration. With ``pool``, the per-snippet work runs in chunks
    in worker processes (see the module docstring); the result is the same. ``reads``: the
    tables the analysis declares it reads (``requires_tables`` and the tables of the analyses it
    ``uses``); only their rows are sent to the workers (default: every table).
    """
    if pool is not None and pool.splits(spec, frame):
        shipped = tables if reads is None else {name: t for name, t in tables.items() if name in reads}
        output = pool.run_chunked(spec, params, frame, tables, plugin=plugin, progress=progress, shipped=shipped)
    else:
        context = make_context(tables, progress)
        output = call_plugin(spec, plugin, _whole(spec), frame.copy(deep=False), params, context)
    columns, new_tables = check_output(spec, frame, output, plugin=plugin)
    return StepOutput(columns, new_tables)


def _whole(spec: AnalysisSpec) -> Callable[..., Any]:
    if spec.func is None:  # validate() refuses such a spec; this is for the type checker
        raise OutputContractError(f"analysis {spec.name!r} has no func (nor extract and combine)")
    return spec.func


def extract_part(
    spec: AnalysisSpec, params: Any, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame], *, plugin: str
) -> Output:
    """A split analysis's ``extract`` on one partition (and its slices of the tables), unchecked."""
    if spec.extract is None:
        raise OutputContractError(f"analysis {spec.name!r} (plugin {plugin!r}) has no extract")
    value = call_plugin(spec, plugin, spec.extract, frame.copy(deep=False), params, make_context(tables))
    return _as_output(spec, plugin, value)


def combine_parts(
    spec: AnalysisSpec,
    params: Any,
    frame: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    parts: Sequence[Output],
    *,
    plugin: str,
) -> Output:
    """A split analysis's ``combine`` over the concatenated ``extract`` outputs of consecutive parts."""
    if spec.combine is None:
        raise OutputContractError(f"analysis {spec.name!r} (plugin {plugin!r}) has no combine")
    extracted = concat_outputs(parts, frame.index)
    return call_plugin(spec, plugin, spec.combine, frame.copy(deep=False), params, make_context(tables), extracted)


def execute_combine(
    spec: AnalysisSpec,
    params: Any,
    frame: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    parts: Sequence[Output],
    *,
    plugin: str = UNREGISTERED,
) -> StepOutput:
    """:func:`combine_parts`, checked against the declaration (the collection half of a split step)."""
    output = combine_parts(spec, params, frame, tables, parts, plugin=plugin)
    columns, new_tables = check_output(spec, frame, output, plugin=plugin)
    return StepOutput(columns, new_tables)


def merge_columns(frame: pd.DataFrame, columns: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` with ``columns`` added (replacing columns of the same name)."""
    if columns is None or not len(columns.columns):
        return frame
    replaced = [c for c in columns.columns if c in frame.columns]
    kept = frame.drop(columns=replaced) if replaced else frame  # drop([]) alone costs ~0.2 ms
    return pd.concat([kept, columns], axis=1)


# ---------------------------------------------------------------------------------------------
# The output contract


def check_output(
    spec: AnalysisSpec, frame: pd.DataFrame, output: Any, *, plugin: str | None = None
) -> tuple[pd.DataFrame | None, dict[str, pd.DataFrame]]:
    """Check an analysis's output against its declaration; cast to the declared dtypes.

    Raises :class:`OutputContractError` naming the analysis and its plugin.
    """
    who = f"analysis {spec.name!r}" + (f" (plugin {plugin!r})" if plugin else "")
    if output is None:
        output = Output()
    if isinstance(output, pd.DataFrame) and not spec.tables:
        output = Output(columns=output)
    if not isinstance(output, Output):
        raise OutputContractError(f"{who} returned {type(output).__name__}, not toolkit.Output")
    columns = _checked_columns(spec, frame, output, who)
    tables = {name: _checked_table(name, declared, frame, output, who) for name, declared in spec.tables.items()}
    undeclared = set(output.tables) - set(spec.tables)
    if undeclared:
        raise OutputContractError(f"{who} produced undeclared table(s) {sorted(undeclared)}")
    return columns, tables


def _checked_columns(spec: AnalysisSpec, frame: pd.DataFrame, output: Output, who: str) -> pd.DataFrame | None:
    if not spec.columns:
        if output.columns is not None and len(output.columns.columns):
            raise OutputContractError(f"{who} returned columns but declares none")
        return None
    got = output.columns if output.columns is not None else pd.DataFrame(index=frame.index)
    have = set(got.columns)  # one hash set: `in Index` costs microseconds per label
    missing = [c for c in spec.columns if c not in have]
    if missing:
        raise OutputContractError(f"{who} did not produce declared column(s) {missing}")
    extra = [c for c in got.columns if c not in spec.columns]
    if extra:
        raise OutputContractError(f"{who} produced undeclared column(s) {extra}")
    if not got.index.equals(frame.index):
        if not is_member(got.index, frame.index).all():
            raise OutputContractError(f"{who} returned columns for unknown snippet ids")
        got = got.reindex(frame.index)
    if _as_declared(got, spec.columns) and _same_index(got.index, frame.index):
        return got.copy(deep=False)  # already what the rebuild below would make (a new frame costs ~0.2 ms)
    return pd.DataFrame({c: cast(got[c], dtype, who, c) for c, dtype in spec.columns.items()}, index=frame.index)


def _as_declared(table: pd.DataFrame, declared: Mapping[str, str]) -> bool:
    """True when ``table`` has exactly the declared columns, in order, each of its declared dtype (and
    nothing a rebuilt frame would drop: no name on the columns, no ``attrs``)."""
    if table.columns.name is not None or table.attrs:
        return False
    return list(table.columns) == list(declared) and all(
        str(dtype) == want for dtype, want in zip(table.dtypes.tolist(), declared.values(), strict=True)
    )


def _same_index(index: pd.Index, other: pd.Index) -> bool:
    """The same labels, dtype and name (what :func:`check_output` would otherwise copy over)."""
    return index is other or (index.dtype == other.dtype and index.name == other.name and index.equals(other))


def _checked_table(
    name: str, declared: Mapping[str, str], frame: pd.DataFrame, output: Output, who: str
) -> pd.DataFrame:
    table = output.tables.get(name)
    if table is None:
        raise OutputContractError(f"{who} did not produce its declared table {name!r}")
    have = set(table.columns)
    missing = [c for c in declared if c not in have]
    if missing:
        raise OutputContractError(f"{who}: table {name!r} lacks declared column(s) {missing}")
    if _as_declared(table, declared) and _is_range(table.index):
        ordered = table.copy(deep=False)  # already what the rebuild below would make
    else:
        table = table.reset_index(drop=True)
        ordered = pd.DataFrame({c: cast(table[c], dtype, who, f"{name}.{c}") for c, dtype in declared.items()})
        rest = [c for c in table.columns if c not in declared]
        if rest:
            ordered = pd.concat([ordered, table[rest]], axis=1)
    ids = ordered["snippet_id"]
    unknown = ~is_member(ids, frame.index) & ids.notna().to_numpy()
    if unknown.any():
        raise OutputContractError(
            f"{who}: table {name!r} has snippet_id(s) not in the frame, e.g. {ids[unknown].iloc[0]!r}"
        )
    return ordered


def _is_range(index: pd.Index) -> bool:
    """``RangeIndex(len)`` with no name: the index ``reset_index(drop=True)`` gives."""
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and index.name is None


def cast(series: pd.Series, dtype: str, who: str, where: str) -> pd.Series:
    """``series`` as ``dtype`` (unchanged when it already is); an OutputContractError if it cannot be."""
    if str(series.dtype) == dtype:
        return series
    try:
        if dtype.startswith("datetime64"):
            return pd.to_datetime(series, utc=True).astype(dtype)
        return series.astype(dtype)
    except (TypeError, ValueError) as exc:
        raise OutputContractError(f"{who}: {where} cannot be cast to {dtype}: {exc}") from None


def is_member(values: pd.Series | pd.Index, ids: pd.Index) -> np.ndarray:
    """A boolean array: is each of ``values`` one of ``ids``? (missing values: False).

    ``Series.isin`` on Arrow-backed strings builds one Python scalar per value (1.6 CPU-s per
    100k-row call, the largest single cost of a run); ``pyarrow.compute.is_in`` hashes the Arrow
    buffers directly. Other dtypes go through the index engine's ``get_indexer``, or ``isin``.
    """
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    left, right = _arrow(values), _arrow(ids)
    if left is not None and right is not None and left.type == right.type:
        found = pc.is_in(left, value_set=right, skip_nulls=True)
        return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)
    return np.asarray(pd.Index(values).isin(ids), dtype=bool)


def _arrow(values: pd.Series | pd.Index) -> pa.Array | pa.ChunkedArray | None:
    """The Arrow array behind ``values`` when it is Arrow-backed (zero-copy), else None.

    Strings come as ``large_string`` (what pandas' Arrow strings hold), so two string arrays
    always have the same Arrow type.
    """
    if not isinstance(values.dtype, (pd.StringDtype, pd.ArrowDtype)):
        return None
    arrow = pa.array(values.array)
    return arrow.cast(pa.large_string()) if pa.types.is_string(arrow.type) else arrow


# ---------------------------------------------------------------------------------------------
# Partial outputs


def concat_outputs(parts: Sequence[Output], index: pd.Index | None = None) -> Output:
    """The partial outputs of consecutive chunks as one: columns and each table row-wise.

    Tables get a fresh ``RangeIndex``. Empty parts are left out when any part has rows, so an
    empty chunk's untyped empty table cannot change the dtypes of the concatenation.
    """
    frames = [p.columns for p in parts if p.columns is not None]
    columns = _concat(frames, ignore_index=False) if frames else None
    if columns is not None and index is not None and not columns.index.equals(index):
        columns = columns.reindex(index)
    names = list(dict.fromkeys(name for p in parts for name in p.tables))
    tables = {name: _concat([p.tables[name] for p in parts if name in p.tables], ignore_index=True) for name in names}
    return Output(columns=columns, tables=tables)


def _concat(frames: list[pd.DataFrame], *, ignore_index: bool) -> pd.DataFrame:
    full = [f for f in frames if len(f)] or frames[:1]
    if len(full) == 1:
        return full[0].reset_index(drop=True) if ignore_index else full[0]
    return pd.concat(full, ignore_index=ignore_index)


def tables_for_chunks(
    tables: Mapping[str, pd.DataFrame], frame: pd.DataFrame, bounds: Sequence[tuple[int, int]]
) -> list[dict[str, pd.DataFrame]]:
    """Each chunk's rows of every table: those whose ``snippet_id`` is one of the chunk's snippets.

    One index lookup per table (the snippet's position in ``frame``), then a range test per
    chunk, so the cost is linear in the table size, not table size x chunks of hash lookups.
    """
    parts: list[dict[str, pd.DataFrame]] = [{} for _ in bounds]
    for name, table in tables.items():
        if "snippet_id" not in table.columns:
            continue
        position = _positions(table["snippet_id"], frame.index)
        for part, (lo, hi) in zip(parts, bounds, strict=True):
            part[name] = table[(position >= lo) & (position < hi)].reset_index(drop=True)
    return parts


def _positions(ids: pd.Series, index: pd.Index) -> np.ndarray:
    """Each id's row number in ``index`` (-1 when absent or missing)."""
    left, right = _arrow(ids), _arrow(index)
    if left is not None and right is not None and left.type == right.type:
        found = pc.index_in(left, value_set=right, skip_nulls=True)
        return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return np.asarray(index.get_indexer(pd.Index(ids)), dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# Worker processes (workers=N)

#: Worker processes are started with ``forkserver``: one clean server process (started once per
#: run, with pandas, pyarrow and the toolkit preloaded) forks each worker. ``fork`` from the main
#: process would be fastest on Linux but copies a process that may hold threads (pyarrow's and
#: numpy's thread pools, a notebook's, the caller's own), which can deadlock the child — Python
#: 3.12 warns about it and 3.14 stopped using it by default. ``spawn`` is safe but starts and
#: imports a fresh interpreter per worker. Measured with ``benchmarks/bench_core.py --workers``
#: on the 2-core development machine: see README, "Using every core".
START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
#: The smallest chunk ``workers=N`` cuts by default (see ``WorkerPool.bounds``).
MIN_CHUNK = 1000
PRELOAD = ["pandas", "pyarrow", "pyarrow.compute", "toolkit.executor"]
MAIN_GUARD = (
    'A script that runs toolkit with workers > 1 must do so under `if __name__ == "__main__":` '
    "(worker processes import the script; without the guard they would run it again)"
)


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# The worker processes outlive a run: starting them and warming them up (importing the plugins,
# building their word lists and regexes) costs seconds, more than a small run itself, so one set of
# processes per worker count serves every run of this process. They are idle between runs, and
# shut down at exit or by shutdown_workers().
_SHARED: dict[int, ProcessPoolExecutor] = {}
_SHARED_LOCK = threading.Lock()


def _shared_executor(workers: int, preload: Sequence[str]) -> ProcessPoolExecutor:
    with _SHARED_LOCK:
        executor = _SHARED.get(workers)
        if executor is None:
            if getattr(multiprocessing.current_process(), "_inheriting", False):
                # A worker importing the caller's script (forkserver and spawn do) reached its
                # toolkit.run(workers=N) again: say what to do instead of a bootstrapping error.
                raise ConfigError(MAIN_GUARD)
            context = multiprocessing.get_context(START_METHOD)
            if START_METHOD == "forkserver":
                # Imported once in the server (which lives as long as this process), not per worker.
                context.set_forkserver_preload(list(preload))
            executor = _SHARED[workers] = ProcessPoolExecutor(workers, mp_context=context)
        return executor


def shutdown_workers() -> None:
    """Stop the worker processes kept for ``workers=N`` runs (they start again when needed)."""
    with _SHARED_LOCK:
        executors = list(_SHARED.values())
        _SHARED.clear()
    for executor in executors:
        executor.shutdown(wait=True, cancel_futures=True)


def _discard(executor: ProcessPoolExecutor) -> None:
    """Forget a pool that broke (a worker died) or was interrupted, and stop what is left of it."""
    with _SHARED_LOCK:
        for workers, shared in list(_SHARED.items()):
            if shared is executor:
                del _SHARED[workers]
    executor.shutdown(wait=False, cancel_futures=True)


class WorkerPool:
    """The worker processes of one run: chunks of a step run in ``workers`` processes.

    The processes start on the first step that can be split and are kept for later runs (see
    :func:`shutdown_workers`); leaving the ``with`` block after an error or Ctrl-C cancels what
    is still queued and stops them. ``chunk_size`` is the number of snippets per chunk (default:
    the frame cut into four chunks per worker, so an uneven chunk does not leave a core idle, and
    no chunk under :data:`MIN_CHUNK` snippets). ``preload``: modules the fork server imports
    before forking workers (the analyses' modules, see :func:`chunk_modules`), so each worker
    does not import them again.
    """

    def __init__(self, workers: int, chunk_size: int | None = None, preload: Sequence[str] = ()):
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        if chunk_size is not None and chunk_size < 1:
            raise ValueError(f"chunk_size must be at least 1, not {chunk_size}")
        self.workers = workers
        self.chunk_size = chunk_size
        self.preload = [*PRELOAD, *preload]
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        # A plugin's failure leaves the processes healthy; Ctrl-C or a bug of ours stops them.
        self.close(cancel=kind is not None and not issubclass(kind, ToolkitError))

    def close(self, cancel: bool = False) -> None:
        """Let the processes go back to waiting (``cancel``: stop them, after an error or Ctrl-C)."""
        if self._executor is not None and cancel:
            _discard(self._executor)
        self._executor = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = _shared_executor(self.workers, self.preload)
        return self._executor

    def bounds(self, n: int) -> list[tuple[int, int]]:
        """``(start, stop)`` row positions of each chunk of a frame of ``n`` rows.

        By default four chunks per worker, but at least :data:`MIN_CHUNK` snippets each: a chunk's
        round trip costs tens of milliseconds, so a small frame runs in one chunk, in this process.
        """
        size = self.chunk_size or max(MIN_CHUNK, math.ceil(n / (4 * self.workers)))
        return [(lo, min(lo + size, n)) for lo in range(0, n, size)]

    def splits(self, spec: AnalysisSpec, frame: pd.DataFrame) -> bool:
        """True when this step runs in chunks: per-snippet work, more than one chunk, picklable."""
        if self.workers < 2 or not (spec.is_split or spec.scope == "row") or len(self.bounds(len(frame))) < 2:
            return False
        try:
            pickle.dumps(_per_chunk(spec))
        except Exception as exc:  # pickling a local function raises AttributeError/PicklingError/TypeError
            warnings.warn(
                f"analysis {spec.name!r} runs in this process, not in the {self.workers} workers: "
                f"its function cannot be sent to another process ({type(exc).__name__}: {exc})",
                RuntimeWarning,
                stacklevel=4,
            )
            return False
        return True

    def run_chunked(
        self,
        spec: AnalysisSpec,
        params: Any,
        frame: pd.DataFrame,
        tables: Mapping[str, pd.DataFrame],
        *,
        plugin: str,
        progress: Callable[[float], None] | None = None,
        shipped: Mapping[str, pd.DataFrame] | None = None,
    ) -> Output:
        """The step's unchecked output, computed chunk by chunk (see the module docstring).

        Each chunk gets its rows of the ``shipped`` tables (default: of all ``tables``); a split
        analysis's ``combine`` gets all ``tables``, as in one process.
        """
        bounds = self.bounds(len(frame))
        func = _per_chunk(spec)
        chunk_tables = tables_for_chunks(tables if shipped is None else shipped, frame, bounds)
        try:
            futures = [
                self._pool().submit(run_part, func, params, frame.iloc[lo:hi], part)
                for (lo, hi), part in zip(bounds, chunk_tables, strict=True)
            ]
            parts = self._gather(spec, plugin, futures, progress, share=0.9 if spec.is_split else 1.0)
        except BrokenProcessPool as exc:  # a worker died (os._exit, a crash, killed, a script without the guard)
            self.close(cancel=True)
            cause = BrokenProcessPool(
                f"{exc} (a worker process died: a crash or os._exit in the analysis, the process was killed, "
                'or a script ran toolkit with workers > 1 outside `if __name__ == "__main__":`)'
            )
            raise AnalysisError(spec.name, plugin, cause) from exc
        if not spec.is_split:
            return concat_outputs(parts, frame.index)
        return combine_parts(spec, params, frame, tables, parts, plugin=plugin)

    def _gather(
        self,
        spec: AnalysisSpec,
        plugin: str,
        futures: list[Future[Any]],
        progress: Callable[[float], None] | None,
        share: float,
    ) -> list[Output]:
        parts = []
        for done, future in enumerate(futures, 1):
            status, value = future.result()
            if status == "error":
                for rest in futures:
                    rest.cancel()
                raise AnalysisError(spec.name, plugin, value) from value
            parts.append(_as_output(spec, plugin, value))
            if progress is not None:
                progress(share * done / len(futures))
        return parts


def run_part(
    func: Callable[..., Any], params: Any, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame]
) -> tuple[str, Any]:
    """In a worker: ``func`` on one chunk. Returns ``("ok", output)`` or ``("error", exception)``.

    The failure is returned, not raised, so that it always reaches the main process: an exception
    that does not pickle is replaced by a RuntimeError carrying its type, message and traceback.
    """
    try:
        return "ok", func(frame, params, make_context(tables))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # reported to the main process as the failure
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        try:
            if hasattr(exc, "add_note"):  # Python >= 3.11: the worker's traceback travels with it
                exc.add_note(f"in the worker process:\n{detail}")
            pickle.dumps(exc)
            return "error", exc
        except Exception:
            return "error", RuntimeError(f"{type(exc).__name__}: {exc}\n{detail}")


def chunk_modules(specs: Sequence[AnalysisSpec]) -> list[str]:
    """The modules of the functions that would run in workers (to preload in the fork server)."""
    modules = []
    for spec in specs:
        if spec.is_split or spec.scope == "row":
            module = getattr(_per_chunk(spec), "__module__", None)
            if module and module != "__main__":
                modules.append(module)
    return list(dict.fromkeys(modules))


def _per_chunk(spec: AnalysisSpec) -> Callable[..., Any]:
    """What runs on each chunk: ``extract`` for a split analysis, else the row-wise ``func``."""
    return spec.extract if spec.extract is not None and spec.combine is not None else _whole(spec)


def _as_output(spec: AnalysisSpec, plugin: str, value: Any) -> Output:
    if isinstance(value, pd.DataFrame) and not spec.tables and not spec.is_split:
        return Output(columns=value)
    if value is None:
        return Output()
    if isinstance(value, Output):
        return value
    raise OutputContractError(
        f"analysis {spec.name!r} (plugin {plugin!r}) returned {type(value).__name__}, not toolkit.Output"
    )
