"""Run the same pipeline on a Dask DataFrame when one pandas frame is too big (extra ``[dask]``).

Every step runs through :func:`toolkit.executor.execute` (or its split halves, or
:func:`toolkit.executor.check_output` for a distributed plan's output), so plugin errors, read-only
tables and output checks are the same as in one process.

**Layout.** The snippets are kept in ``N`` partitions (``N`` = the input's partition count), snippet
``s`` in partition ``partition_of(s, N)`` (a SipHash of its id, the same in every process,
:func:`toolkit.dask_plan.partition_of`), and every table row in the partition of its ``snippet_id``
(rows without one in partition 0): the tables are co-partitioned with the snippets, so a
partition's task always has its snippets and their rows of every earlier table. The first thing the
graph does is move each input row to its partition (an all-to-all shuffle of the input); ids then
repeated anywhere meet in one partition, where they are found and reported (each partition reports
its repeats, at most a few examples, to one small task that raises :class:`SnippetInputError`).

**Per kind of analysis:**

- ``scope="row"``: each partition on its own, with its slices of the earlier tables.
- split (``extract`` + ``combine``): ``extract`` on each partition, then the collection half:

  - ``combine_by="<column>"``: each partition cuts its snippets (all columns so far), its extracted
    rows and its rows of the tables the analysis reads into ``N`` pieces by the column's value
    (``partition_of(value, N)``; missing values together); group task ``g`` concatenates piece
    ``g`` of every partition and runs the ordinary ``combine`` (or ``func``, for an analysis that
    is not split) on it: whole values, never the whole collection. Its checked output is cut by
    snippet id and each piece sent to its snippet's partition.
  - ``combine_dask=plan``: the plan gets the state as Dask collections
    (:class:`toolkit.dask_plan.DaskStep`) and returns collections
    (:class:`~toolkit.dask_plan.DaskOutput`); their rows are sent to their snippets' partitions,
    checked against the declaration there and merged.
  - neither (third-party analyses): the gather path below.

- other ``scope="collection"`` analyses without ``combine_by``/``combine_dask``: the gather path.

**What still gathers into one process (one Dask task), exactly:** for an analysis on the gather
path, the whole snippet frame (all partitions concatenated, with the columns added so far), every
earlier table concatenated and — for a split analysis — the concatenated extracted outputs; its
output is then cut along the partitions. A ``combine_by`` step gathers one group partition (about
1/N of the snippets when the values spread) per task; a ``combine_dask`` plan gathers what it
chooses (small tables, by the rules of :mod:`toolkit.dask_plan`). Nothing else: the duplicate-id
check gathers at most five examples per partition. ``DaskResult.gathered`` names the analyses of a
run that took the gather path (a ``combine_by`` analysis does too when its column is not there,
e.g. figure_comparison without stories: then it is one group, as in pandas).

Tasks are named ``<analysis>.<kind>`` (``input.place``, ``figures.row``, ``timeline.extract``,
``timeline.group``, ``timeline.combine``, ``timeline.send``, ``dedup.merge``...), so Dask's
dashboard and ``benchmarks/bench_dask.py`` show what each stage costs. The graph is built as a
plain dict of tasks (see ``_Graph``), not with ``dask.delayed``, which re-merges and culls the whole
graph on every call.

The shuffles are all-to-all between tasks (``N x N`` small pieces per shuffle): fine for hundreds of
partitions; a cluster running tens of thousands of partitions needs Dask's ``p2p`` shuffle instead
(see docs/architecture.md, "Dask"). Everything stays lazy until ``DaskResult.compute()`` or
``DaskResult.to_dir()``.

The output shapes (Dask's ``meta``) come from running the pipeline on an empty snippet frame:
the contract kit guarantees that an empty frame gives empty tables with every column.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from toolkit.dask_plan import DaskOutput, DaskStep, collections_config, partition_of
from toolkit.errors import OutputContractError, SnippetInputError, ToolkitError
from toolkit.executor import (
    StepOutput,
    call_plugin,
    check_output,
    execute,
    execute_combine,
    extract_part,
    merge_columns,
)
from toolkit.frame import validate_frame
from toolkit.pipeline import Pipeline, Step, _reads
from toolkit.registry import PluginRegistry
from toolkit.result import Result
from toolkit.specs import AnalysisSpec, Context, Output

#: How many repeated ids each partition reports (the error names a few; the count is exact).
DUPLICATE_EXAMPLES = 5
#: A snippet's rank is its input partition << RANK_BITS | its row in that partition.
RANK_BITS = 40


def _import_dask() -> Any:
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ToolkitError("running on Dask needs the [dask] extra: pip install 'snippet-toolkit[dask]'") from exc
    return dask, dd


class DaskResult:
    """Lazy outputs: ``snippets`` and ``tables`` are Dask DataFrames; ``compute()`` gives a Result,
    ``to_dir(path)`` writes partitioned Parquet without gathering anything into one process."""

    def __init__(
        self, snippets: Any, tables: Mapping[str, Any], config: Mapping[str, Any], gathered: Sequence[str] = ()
    ):
        self.snippets = snippets
        self.tables = dict(tables)
        self.config = dict(config)
        #: the analyses that run on the gathered collection (one task), see toolkit/distributed.py
        self.gathered = list(gathered)

    def __getitem__(self, name: str) -> Any:
        return self.snippets if name == "snippets" else self.tables[name]

    def compute(self) -> Result:
        dask, _ = _import_dask()
        names = list(self.tables)
        with collections_config():
            snippets, *tables = dask.compute(self.snippets, *(self.tables[n] for n in names))
        return Result(snippets, dict(zip(names, tables, strict=True)), [], self.config)

    def to_dir(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the snippets and every table as partitioned Parquet (a folder per table, a file per
        partition, written by the partitions' own tasks) plus ``manifest.json``, written last, in a
        temporary folder renamed into place: a failed or killed run leaves no folder that looks
        complete. Read back with ``toolkit.Result.from_dir`` (pandas) or
        :func:`toolkit.dask_io.read_result_dask`. Conventions as :meth:`toolkit.Result.to_dir`."""
        from toolkit.dask_io import write_partitioned

        return write_partitioned(self, Path(path), overwrite=overwrite)


@dataclass
class _State:
    """The run so far: per partition the (delayed) snippet frame and tables, plus their empty shapes."""

    frames: list[Any]
    tables: list[dict[str, Any]]
    meta: pd.DataFrame
    ranks: list[Any]  # per partition: each snippet's position in the input (partition << 40 | row), ascending
    meta_tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    gathered: list[str] = field(default_factory=list)  # analyses run on the gathered collection

    @property
    def n(self) -> int:
        return len(self.frames)


def run_dask(
    ddf: Any,
    analyses: Sequence[str | AnalysisSpec],
    *,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    registry: PluginRegistry | None = None,
) -> DaskResult:
    """Run ``analyses`` over a Dask DataFrame of snippets (one snippet frame per partition).

    The partitions must carry their ids (a ``snippet_id`` or ``id`` column, or the index):
    numbering rows per partition would give every partition the same ids. An id found more than once
    is a :class:`SnippetInputError` (raised by ``compute()``/``to_dir()``) naming some of them.
    See the module docstring for what runs per partition and what gathers into one process.
    """
    pipeline = Pipeline(analyses, config=config, registry=registry)
    if ddf._meta.index.name not in ("snippet_id", "id") and not {"snippet_id", "id"} & set(ddf.columns):
        raise SnippetInputError("run_dask needs snippet ids in the data (a snippet_id or id column)")
    meta_in = validate_frame(ddf._meta)
    order = pipeline.validate(meta_in.columns)
    graph = _Graph()
    state = _place(graph.tasks("input"), graph.absorb(ddf)[0], meta_in)
    for step in order:
        state = _run(graph, step, order, state)
    snippets = graph.collection(state.frames, state.meta)
    tables = {name: graph.collection([t[name] for t in state.tables], m) for name, m in state.meta_tables.items()}
    return DaskResult(snippets, tables, pipeline.to_config(), state.gathered)


def _run(graph: _Graph, step: Step, order: list[Step], state: _State) -> _State:
    """One step over every partition, by the kind of the analysis (see the module docstring)."""
    spec = step.spec
    delayed = graph.tasks(step.name)
    meta_out = _run_step(step, state.meta, state.meta_tables)
    meta_tables = {**state.meta_tables, **meta_out[1]}
    if spec.scope == "row" and not spec.is_split:
        frames, tables = _row_step(delayed, step, state)
    elif spec.combine_dask is not None:
        frames, tables = _plan_step(graph, step, _reads(step, order), state)
    elif (key := spec.combine_column(step.params)) is not None and key in state.meta.columns:
        frames, tables = _grouped_step(delayed, step, _reads(step, order), state, key)
    else:
        state.gathered.append(spec.name)  # neither, or combine_by's column absent (no stories): one task
        frames, tables = _gathered_step(delayed, step, state)
    return _State(frames, tables, meta_out[0], state.ranks, meta_tables, state.gathered)


Parts = tuple[list[Any], list[dict[str, Any]]]  # per partition: the (delayed) frame and its tables


class _Graph:
    """The run's task graph, built as a plain dict of tasks.

    ``dask.delayed`` would merge and cull the whole graph so far on every call that receives a
    partition of a collection (quadratic: minutes of graph building for a few analyses over a few
    partitions); here every task is added once, and handed to Dask collections at the boundaries
    (:meth:`collection`, :meth:`absorb`). Keys are named ``<analysis>.<kind>`` (``figures.row``,
    ``stories.combine``...), so Dask's task stream and dashboard show what each stage costs."""

    def __init__(self) -> None:
        self.dsk: dict[Any, Any] = {}
        self.layer = f"toolkit-run-{uuid.uuid4().hex}"

    def tasks(self, analysis: str) -> _Tasks:
        return _Tasks(self, analysis)

    def add(self, name: str, func: Any, args: tuple[Any, ...], nout: int | None) -> Any:
        from dask._task_spec import Task, TaskRef, parse_input

        key = (f"{name}-{uuid.uuid4().hex}", 0)
        self.dsk[key] = Task(key, func, *(parse_input(a) for a in args))
        if nout is None:
            return TaskRef(key)
        refs = []
        for i in range(nout):
            item = (key[0], i + 1)
            self.dsk[item] = Task(item, _item, TaskRef(key), i)
            refs.append(TaskRef(item))
        return refs

    def absorb(self, *collections: Any) -> list[list[Any]]:
        """Dask collections' partitions as task references in this graph. Optimized together, so work
        they share (a plan's signatures feeding both its columns and its tables) runs once."""
        from dask._task_spec import TaskRef
        from dask.base import collections_to_expr

        expr = collections_to_expr(list(collections), True).optimize()
        self.dsk.update(dict(expr.__dask_graph__()))
        return [[TaskRef(key) for key in keys] for keys in expr.__dask_keys__()]

    def collection(self, parts: list[Any], meta: pd.DataFrame) -> Any:
        """A Dask DataFrame of these partitions (task references)."""
        from dask.delayed import Delayed
        from dask.highlevelgraph import HighLevelGraph

        _, dd = _import_dask()
        graph = HighLevelGraph({self.layer: dict(self.dsk)}, {self.layer: set()})
        with collections_config():
            delayed = [Delayed(part.key, graph, layer=self.layer) for part in parts]
            return dd.from_delayed(delayed, meta=meta, verify_meta=False)


def _rank_series(frame: pd.DataFrame, ranks: np.ndarray) -> pd.Series:
    """A partition's input positions as a Series indexed by its snippet ids (``DaskStep.ranks``)."""
    return pd.Series(np.asarray(ranks, dtype=np.int64), index=frame.index, name="rank")


class _Tasks:
    """``tasks(func, kind, nout)(*args)``: a task of ``func`` named ``<analysis>.<kind>`` (task references
    among the arguments, also inside lists and dicts, are its inputs); with ``nout``, a list of references
    to the items of its result."""

    def __init__(self, graph: _Graph, analysis: str):
        self.graph = graph
        self.analysis = analysis

    def __call__(self, func: Any, kind: str, nout: int | None = None) -> Any:
        def call(*args: Any) -> Any:
            return self.graph.add(f"{self.analysis}.{kind}", func, args, nout)

        return call


def _item(value: Any, i: int) -> Any:
    return value[i]


# -- placing the input ----------------------------------------------------------------------------
def _place(delayed: Any, parts: list[Any], meta: pd.DataFrame) -> _State:
    """Each input row moved to its id's partition; ids repeated anywhere found there and reported.

    Each partition keeps its rows in input order, and their input positions (``ranks``), so that a
    collection step sees the snippets in the order the user gave them, as ``toolkit.run`` does."""
    n = len(parts)
    frames = [delayed(validate_frame, "read")(p) for p in parts]
    pieces = [delayed(_cut_input, "place", n)(f, i, n) for i, f in enumerate(frames)]
    placed = [delayed(_join_pieces, "place", 3)([pieces[i][j] for i in range(n)]) for j in range(n)]
    check = delayed(_raise_repeats, "check_ids")([p[2] for p in placed])
    return _State(
        [delayed(_after, "checked")(p[0], check) for p in placed], [{} for _ in range(n)], meta, [p[1] for p in placed]
    )


def _cut_input(frame: pd.DataFrame, source: int, n: int) -> list[tuple[pd.DataFrame, np.ndarray, int]]:
    """Input partition ``source`` cut by the partition of each id: ``(rows, their ranks, source)``."""
    ranks = (np.int64(source) << np.int64(RANK_BITS)) + np.arange(len(frame), dtype=np.int64)
    rows = _positions_by_piece(partition_of(frame.index, n), n)
    return [(frame.iloc[r], ranks[r], source) for r in rows]


def _positions_by_piece(where: np.ndarray, n: int) -> list[np.ndarray]:
    """For each piece ``g`` the positions of the rows with ``where == g``, in their order."""
    if n == 1:
        return [np.arange(len(where))]
    order = np.argsort(where, kind="stable")
    bounds = np.searchsorted(where[order], np.arange(n + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(n)]


def _cut(frame: pd.DataFrame, where: np.ndarray, n: int) -> list[pd.DataFrame]:
    """``frame`` cut into ``n`` pieces: row ``r`` into piece ``where[r]`` (empty pieces keep the columns)."""
    if n == 1:
        return [frame]
    return [frame.iloc[rows] for rows in _positions_by_piece(where, n)]


def _join_pieces(pieces: list[tuple[pd.DataFrame, np.ndarray, int]]) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """The pieces of one partition as one frame in input order, its ranks, and its repeated ids with the
    input partitions they came from."""
    frame = _concat_rows([p[0] for p in pieces], keep_index=True)
    ranks = np.concatenate([p[1] for p in pieces]) if pieces else np.zeros(0, dtype=np.int64)
    if frame.index.is_unique:
        return frame, ranks, _NO_REPEATS
    source = np.concatenate([np.full(len(p[0]), p[2]) for p in pieces])
    repeated = frame.index.duplicated(keep=False)
    found = pd.DataFrame({"snippet_id": np.asarray(frame.index[repeated], dtype=object), "part": source[repeated]})
    return frame, ranks, found


_NO_REPEATS = pd.DataFrame({"snippet_id": pd.Series([], dtype=object), "part": pd.Series([], dtype="int64")})


def _raise_repeats(reports: list[pd.DataFrame]) -> bool:
    """Raise :class:`SnippetInputError` naming some ids that occur more than once (and where)."""
    found = [r for r in reports if len(r)]
    if not found:
        return True
    where = pd.concat(found).groupby("snippet_id", sort=True)["part"].agg(lambda p: sorted(set(p)))
    examples = ", ".join(
        f"{sid!r} (partitions {', '.join(map(str, p))})" for sid, p in where.head(DUPLICATE_EXAMPLES).items()
    )
    raise SnippetInputError(f"{len(where)} snippet id(s) occur in more than one partition, e.g. {examples}")


def _after(frame: pd.DataFrame, check: bool) -> pd.DataFrame:
    """``frame``, once ``check`` (a task it must wait for) has passed."""
    return frame


# -- the kinds of steps ----------------------------------------------------------------------------
def _row_step(delayed: Any, step: Step, state: _State) -> Parts:
    """A row-wise step: each partition on its own, with its slices of the earlier tables."""
    outs = [delayed(_run_step, "row", 2)(step, f, t) for f, t in zip(state.frames, state.tables, strict=True)]
    new_tables = [
        {**t, **{name: delayed(_table, "table")(out[1], name) for name in step.spec.tables}}
        for t, out in zip(state.tables, outs, strict=True)
    ]
    return [out[0] for out in outs], new_tables


def _gathered_step(delayed: Any, step: Step, state: _State) -> Parts:
    """The gather path: ``extract`` per partition when split, then ``combine`` (or ``func``) once over
    the gathered collection and every earlier table; its output cut back along the partitions."""
    parts = None
    if step.spec.is_split:
        parts = [delayed(_extract, "extract")(step, f, t) for f, t in zip(state.frames, state.tables, strict=True)]
    bundles = [
        delayed(_Bundle, "bundle")(f, r, p, t)
        for f, r, p, t in zip(state.frames, state.ranks, parts or [None] * state.n, state.tables, strict=True)
    ]
    out = delayed(_combine_group, "combine")(step, bundles)
    return _send_back(delayed, step, [delayed(_cut_output, "send", state.n)(out, state.n)], state)


def _grouped_step(delayed: Any, step: Step, reads: set[str], state: _State, key: str) -> Parts:
    """``combine_by``: rows brought together by the ``key`` column's value, the pandas combine per group
    partition."""
    n = state.n
    bundles = []
    for frame, ranks, tables in zip(state.frames, state.ranks, state.tables, strict=True):
        read = {name: t for name, t in tables.items() if name in reads}
        extracted = delayed(_extract, "extract")(step, frame, read) if step.spec.is_split else None
        bundles.append(delayed(_cut_bundle, "group", n)(frame, ranks, read, extracted, key, n))
    outs = [delayed(_combine_group, "combine")(step, [bundles[i][g] for i in range(n)]) for g in range(n)]
    return _send_back(delayed, step, [delayed(_cut_output, "send", n)(out, n) for out in outs], state)


def _plan_step(graph: _Graph, step: Step, reads: set[str], state: _State) -> Parts:
    """``combine_dask``: the analysis's own plan over Dask collections; its rows sent to their partitions."""
    spec = step.spec
    n = state.n
    delayed = graph.tasks(step.name)
    read = {name: m for name, m in state.meta_tables.items() if name in reads}
    meta_extracted = _extract(step, state.meta, read) if spec.is_split else Output()
    extracted: dict[str, Any] = {}
    if spec.is_split:
        parts = [
            delayed(_extract, "extract")(step, f, {k: v for k, v in t.items() if k in reads})
            for f, t in zip(state.frames, state.tables, strict=True)
        ]
        extracted["columns"] = graph.collection(
            [delayed(_extracted_columns, "extracted")(p, f) for p, f in zip(parts, state.frames, strict=True)],
            _extracted_columns(meta_extracted, state.meta),
        )
        for name, meta in meta_extracted.tables.items():
            extracted[name] = graph.collection(
                [delayed(_extracted_table, "extracted")(p, name, meta) for p in parts], meta
            )
    else:
        extracted["columns"] = graph.collection(
            [delayed(_no_columns, "extracted")(f) for f in state.frames], state.meta[[]]
        )
    dask_step = DaskStep(
        snippets=graph.collection(state.frames, state.meta),
        tables={name: graph.collection([t[name] for t in state.tables], m) for name, m in read.items()},
        extracted=extracted,
        params=step.params,
        context=Context(),
        npartitions=n,
        analysis=spec.name,
        plugin=step.plugin,
        ranks=graph.collection(
            [delayed(_rank_series, "ranks")(f, r) for f, r in zip(state.frames, state.ranks, strict=True)],
            _rank_series(state.meta, np.zeros(0, dtype=np.int64)),
        ),
    )
    plan = spec.combine_dask
    assert plan is not None  # _run sends only such steps here
    with collections_config():
        out = call_plugin(spec, step.plugin, plan, dask_step)
    if not isinstance(out, DaskOutput):
        raise OutputContractError(
            f"analysis {spec.name!r} (plugin {step.plugin!r}): combine_dask returned {type(out).__name__}, "
            "not toolkit.dask_plan.DaskOutput"
        )
    names = list(out.tables)
    refs = graph.absorb(*([] if out.columns is None else [out.columns]), *(out.tables[name] for name in names))
    cut = []
    if out.columns is not None:
        cut += [delayed(_cut_columns, "send", n)(p, n) for p in refs.pop(0)]
    for name, parts in zip(names, refs, strict=True):
        cut += [delayed(_cut_table, "send", n)(p, name, n) for p in parts]
    frames, tables = [], []
    for i, (frame, part_tables) in enumerate(zip(state.frames, state.tables, strict=True)):
        checked = delayed(_check_plan_output, "merge", 2)(step, frame, [c[i] for c in cut])
        frames.append(checked[0])
        tables.append({**part_tables, **{name: delayed(_table, "table")(checked[1], name) for name in spec.tables}})
    return frames, tables


def _send_back(delayed: Any, step: Step, cut: list[Any], state: _State) -> Parts:
    """Checked outputs cut by snippet partition (``cut[k][i]``: piece ``i`` of output ``k``) merged into
    partition ``i``'s frame and tables."""
    frames, tables = [], []
    for i, (frame, part_tables) in enumerate(zip(state.frames, state.tables, strict=True)):
        merged = delayed(_absorb, "merge", 2)(step, frame, [c[i] for c in cut])
        frames.append(merged[0])
        tables.append({**part_tables, **{name: delayed(_table, "table")(merged[1], name) for name in step.spec.tables}})
    return frames, tables


# -- what the tasks run ------------------------------------------------------------------------------
def _run_step(step: Step, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, dict]:
    out = execute(step.spec, step.params, frame, tables, plugin=step.plugin)
    return merge_columns(frame, out.columns), out.tables


def _execute(step: Step, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> StepOutput:
    return execute(step.spec, step.params, frame, tables, plugin=step.plugin)


def _extract(step: Step, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> Output:
    return extract_part(step.spec, step.params, frame, tables, plugin=step.plugin)


def _combine(step: Step, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame], parts: list[Output]) -> StepOutput:
    return execute_combine(step.spec, step.params, frame, tables, parts, plugin=step.plugin)


@dataclass
class _Bundle:
    """Rows of one partition bound for one collection task: snippets (with their input ranks), their
    extracted output (None when the analysis is not split) and their rows of the earlier tables."""

    frame: pd.DataFrame
    ranks: np.ndarray
    extracted: Output | None
    tables: Mapping[str, pd.DataFrame]


def _cut_bundle(
    frame: pd.DataFrame,
    ranks: np.ndarray,
    tables: Mapping[str, pd.DataFrame],
    extracted: Output | None,
    key: str,
    n: int,
) -> list[_Bundle]:
    """A partition's snippets, extracted rows and table rows cut by the group of their snippet's ``key``."""
    group = partition_of(frame[key], n)

    def of(ids: pd.Series | pd.Index) -> np.ndarray:
        position = frame.index.get_indexer(pd.Index(ids))
        return np.where(position >= 0, group[position], 0)  # unknown or missing ids: the missing-key group

    rows = _positions_by_piece(group, n)
    table_pieces = {name: _cut(t, of(t["snippet_id"]), n) for name, t in tables.items()}
    ex_columns: list[pd.DataFrame | None] = [None] * n
    ex_tables: dict[str, list[pd.DataFrame]] = {}
    if extracted is not None:
        if extracted.columns is not None:
            ex_columns = list(_cut(extracted.columns, of(extracted.columns.index), n))
        for name, t in extracted.tables.items():
            if "snippet_id" not in t.columns:
                raise OutputContractError(
                    f"extract returned table {name!r} without a snippet_id column: combine_by cannot group its rows"
                )
            ex_tables[name] = _cut(t, of(t["snippet_id"]), n)
    return [
        _Bundle(
            frame.iloc[rows[g]],
            ranks[rows[g]],
            None if extracted is None else Output(ex_columns[g], {k: v[g] for k, v in ex_tables.items()}),
            {k: v[g] for k, v in table_pieces.items()},
        )
        for g in range(n)
    ]


def _combine_group(step: Step, bundles: list[_Bundle]) -> StepOutput:
    """The pandas collection half over the bundles' rows (a group partition, or everything on the
    gather path), with the snippets in input order and every table's rows in the order of their
    snippets (as ``toolkit.run`` would hand them over)."""
    frame = _concat_rows([b.frame for b in bundles], keep_index=True)
    order = np.argsort(np.concatenate([b.ranks for b in bundles]), kind="stable") if bundles else np.zeros(0, int)
    frame = frame.iloc[order]
    names = list(dict.fromkeys(name for b in bundles for name in b.tables))
    tables = {name: _in_snippet_order(_concat_rows([b.tables[name] for b in bundles]), frame) for name in names}
    if not step.spec.is_split:
        return _execute(step, frame, tables)
    parts = [b.extracted for b in bundles if b.extracted is not None]
    names = list(dict.fromkeys(name for p in parts for name in p.tables))
    columns = [p.columns for p in parts if p.columns is not None]
    extracted = Output(
        columns=_concat_rows(columns, keep_index=True).reindex(frame.index) if columns else None,
        tables={
            name: _in_snippet_order(_concat_rows([p.tables[name] for p in parts if name in p.tables]), frame)
            for name in names
        },
    )
    return _combine(step, frame, tables, [extracted])


def _in_snippet_order(table: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """``table``'s rows ordered by their snippet's row in ``frame`` (stable; rows of no snippet last)."""
    if "snippet_id" not in table.columns or len(table) < 2:
        return table
    position = frame.index.get_indexer(pd.Index(table["snippet_id"]))
    position = np.where(position >= 0, position, len(frame))
    return table.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)


def _cut_output(out: StepOutput, n: int) -> list[StepOutput]:
    """A checked output cut by the partition of each row's snippet."""
    columns = _cut_columns(out.columns, n) if out.columns is not None else [None] * n
    tables = {name: _cut(t, partition_of(t["snippet_id"], n), n) for name, t in out.tables.items()}
    return [StepOutput(columns[i], {name: pieces[i] for name, pieces in tables.items()}) for i in range(n)]


def _cut_columns(columns: pd.DataFrame, n: int) -> list[Any]:
    return _cut(columns, partition_of(columns.index, n), n)


def _cut_table(table: pd.DataFrame, name: str, n: int) -> list[tuple[str, pd.DataFrame]]:
    if "snippet_id" not in table.columns:
        raise OutputContractError(f"combine_dask returned table {name!r} without a snippet_id column")
    return [(name, piece) for piece in _cut(table, partition_of(table["snippet_id"], n), n)]


def _absorb(step: Step, frame: pd.DataFrame, pieces: list[StepOutput]) -> tuple[pd.DataFrame, dict]:
    """Partition ``frame`` with its pieces of a step's (checked) output merged in."""
    columns = [p.columns for p in pieces if p.columns is not None]
    if columns:
        frame = merge_columns(frame, _concat_rows(columns, keep_index=True).reindex(frame.index))
    tables = {name: _concat_rows([p.tables[name] for p in pieces]) for name in step.spec.tables}
    return frame, tables


def _check_plan_output(step: Step, frame: pd.DataFrame, pieces: list[Any]) -> tuple[pd.DataFrame, dict]:
    """A plan's rows for one partition, checked against the declaration like any output, then merged."""
    columns = [p for p in pieces if isinstance(p, pd.DataFrame)]
    named: dict[str, list[pd.DataFrame]] = {}
    for piece in pieces:
        if isinstance(piece, tuple):
            named.setdefault(piece[0], []).append(piece[1])
    output = Output(
        columns=_concat_rows(columns, keep_index=True) if columns else None,
        tables={name: _concat_rows(parts) for name, parts in named.items()},
    )
    if output.columns is not None and not output.columns.index.is_unique:
        repeated = output.columns.index[output.columns.index.duplicated()][0]
        raise OutputContractError(
            f"analysis {step.spec.name!r} (plugin {step.plugin!r}): combine_dask returned several column rows "
            f"for snippet {repeated!r} (aggregate them per snippet_id)"
        )
    checked_columns, tables = check_output(step.spec, frame, output, plugin=step.plugin)
    return merge_columns(frame, checked_columns), tables


def _extracted_columns(extracted: Output, frame: pd.DataFrame) -> pd.DataFrame:
    if extracted.columns is None:
        return frame[[]]
    return extracted.columns


def _extracted_table(extracted: Output, name: str, meta: pd.DataFrame) -> pd.DataFrame:
    return extracted.tables.get(name, meta)


def _no_columns(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[[]]


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    return tables[name]


def _concat_rows(parts: Sequence[pd.DataFrame], keep_index: bool = False) -> pd.DataFrame:
    """Row-wise concatenation; empty parts are left out when any part has rows (an untyped empty part
    cannot change the dtypes); tables get a fresh RangeIndex, snippet frames keep their ids."""
    full = [p for p in parts if len(p)] or list(parts[:1])
    if len(full) == 1:
        return full[0] if keep_index else full[0].reset_index(drop=True)
    return pd.concat(full, ignore_index=not keep_index)


__all__ = ["DaskResult", "run_dask"]
