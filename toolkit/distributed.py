"""Run the same pipeline on a Dask DataFrame when one pandas frame is too big (extra ``[dask]``).

Every step runs through :func:`toolkit.executor.execute` (or its split halves), so plugin errors,
read-only tables and output checks are the same as in one process. Per kind of analysis:

- ``scope="row"``: each partition on its own, with the slices of the earlier tables that belong
  to its snippets. Nothing is gathered.
- split (``extract`` + ``combine``): ``extract`` on each partition (the expensive per-snippet
  work: regex scans, parsing), then ``combine`` once over the concatenation of the extracted
  outputs. Its outputs are split back along the partitions.
- other ``scope="collection"`` analyses: ``func`` once over the gathered collection; outputs split
  back along the partitions.

What still gathers into one process (one Dask task), exactly: (1) every partition's snippet ids,
to check that no id occurs in two partitions; (2) for each split or collection step, the whole
snippet frame (all partitions concatenated, with the columns added so far), every earlier table
concatenated, and — for a split step — the concatenated extracted outputs; the step's output is
then sent to each partition's task to be sliced. So memory for a collection step is still one
machine's; what the split moves out of that process is the per-snippet CPU work. Everything stays
lazy until ``DaskResult.compute()`` (or ``.snippets.compute()``) so the graph runs each step once.

The output shapes (Dask's ``meta``) come from running the pipeline on an empty snippet frame:
the contract kit guarantees that an empty frame gives empty tables with every column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from toolkit.errors import SnippetInputError, ToolkitError
from toolkit.executor import execute, execute_combine, extract_part, is_member, merge_columns
from toolkit.frame import validate_frame
from toolkit.pipeline import Pipeline, Step
from toolkit.registry import PluginRegistry
from toolkit.result import Result
from toolkit.specs import AnalysisSpec, Output


def _import_dask() -> Any:
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ToolkitError("running on Dask needs the [dask] extra: pip install 'snippet-toolkit[dask]'") from exc
    return dask, dd


class DaskResult:
    """Lazy outputs: ``snippets`` and ``tables`` are Dask DataFrames; ``compute()`` gives a Result."""

    def __init__(self, snippets: Any, tables: Mapping[str, Any], config: Mapping[str, Any]):
        self.snippets = snippets
        self.tables = dict(tables)
        self.config = dict(config)

    def __getitem__(self, name: str) -> Any:
        return self.snippets if name == "snippets" else self.tables[name]

    def compute(self) -> Result:
        dask, _ = _import_dask()
        names = list(self.tables)
        with dask.config.set({"dataframe.convert-string": False}):
            snippets, *tables = dask.compute(self.snippets, *(self.tables[n] for n in names))
        return Result(snippets, dict(zip(names, tables, strict=True)), [], self.config)


def run_dask(
    ddf: Any,
    analyses: Sequence[str | AnalysisSpec],
    *,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    registry: PluginRegistry | None = None,
) -> DaskResult:
    """Run ``analyses`` over a Dask DataFrame of snippets (one snippet frame per partition).

    The partitions must carry their ids (a ``snippet_id`` or ``id`` column, or the index):
    numbering rows per partition would give every partition the same ids. An id found in two
    partitions is a :class:`SnippetInputError` (raised by ``compute()``) naming some of them.
    See the module docstring for what runs per partition and what gathers into one process.
    """
    dask, dd = _import_dask()
    pipeline = Pipeline(analyses, config=config, registry=registry)
    if ddf._meta.index.name not in ("snippet_id", "id") and not {"snippet_id", "id"} & set(ddf.columns):
        raise SnippetInputError("run_dask needs snippet ids in the data (a snippet_id or id column)")
    meta_in = validate_frame(ddf._meta)
    order = pipeline.validate(meta_in.columns)
    meta = pipeline.run(meta_in)  # empty frame in, empty outputs with every column out

    delayed = dask.delayed
    frames = [delayed(validate_frame)(part) for part in ddf.to_delayed()]
    unique = delayed(_unique_ids)([delayed(_index)(f) for f in frames])
    frames = [delayed(_after)(f, unique) for f in frames]
    tables: list[dict[str, Any]] = [{} for _ in frames]
    for step in order:
        if step.spec.scope == "row" and not step.spec.is_split:
            frames, tables = _row_step(delayed, step, frames, tables)
        else:
            frames, tables = _collection_step(delayed, step, frames, tables)
    with dask.config.set({"dataframe.convert-string": False}):  # keep list cells and our dtypes
        snippets = dd.from_delayed(frames, meta=meta.snippets, verify_meta=False)
        out_tables = {
            name: dd.from_delayed([t[name] for t in tables], meta=meta.tables[name], verify_meta=False)
            for name in meta.tables
        }
    return DaskResult(snippets, out_tables, pipeline.to_config())


Parts = tuple[list[Any], list[dict[str, Any]]]  # per partition: the (delayed) frame and its tables


def _row_step(delayed: Any, step: Step, frames: list[Any], tables: list[dict[str, Any]]) -> Parts:
    """A row-wise step: each partition on its own, with its slices of the earlier tables."""
    outs = [delayed(_run_step)(step, f, t) for f, t in zip(frames, tables, strict=True)]
    new_tables = [
        {**t, **{name: delayed(_table)(out, name) for name in step.spec.tables}}
        for t, out in zip(tables, outs, strict=True)
    ]
    return [delayed(_item)(o, 0) for o in outs], new_tables


def _collection_step(delayed: Any, step: Step, frames: list[Any], tables: list[dict[str, Any]]) -> Parts:
    """A collection step: ``extract`` per partition when the analysis is split, then the collection
    half (``combine``, or the whole ``func``) once, its outputs split back along the partitions."""
    whole = delayed(_concat_frames)(frames)
    whole_tables = {name: delayed(_concat)([t[name] for t in tables]) for name in tables[0]}
    if step.spec.is_split:
        parts = [delayed(_extract)(step, f, t) for f, t in zip(frames, tables, strict=True)]
        out = delayed(_combine)(step, whole, whole_tables, parts)
    else:
        out = delayed(_run_step)(step, whole, whole_tables)
    ids = [delayed(_index)(f) for f in frames]
    new_frames = [delayed(_rows)(delayed(_item)(out, 0), i) for i in ids]
    new_tables = []
    for n, (part_tables, part_ids) in enumerate(zip(tables, ids, strict=True)):
        split = {name: delayed(_table_rows)(delayed(_table)(out, name), part_ids, n == 0) for name in step.spec.tables}
        new_tables.append({**part_tables, **split})
    return new_frames, new_tables


def _run_step(step: Step, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, dict]:
    out = execute(step.spec, step.params, frame, tables, plugin=step.plugin)
    return merge_columns(frame, out.columns), out.tables


def _extract(step: Step, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> Output:
    return extract_part(step.spec, step.params, frame, tables, plugin=step.plugin)


def _combine(
    step: Step, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame], parts: list[Output]
) -> tuple[pd.DataFrame, dict]:
    out = execute_combine(step.spec, step.params, frame, tables, parts, plugin=step.plugin)
    return merge_columns(frame, out.columns), out.tables


def _unique_ids(indexes: list[pd.Index]) -> bool:
    """Raise :class:`SnippetInputError` naming some ids that occur in more than one partition."""
    ids = pd.concat([pd.Series(i, index=index, dtype="object") for i, index in enumerate(indexes)])
    repeated = ids[ids.index.duplicated(keep=False)]
    if len(repeated):
        where = repeated.groupby(level=0, sort=False).agg(lambda parts: sorted(set(parts)))
        examples = ", ".join(f"{sid!r} (partitions {', '.join(map(str, p))})" for sid, p in where.head(5).items())
        raise SnippetInputError(f"{len(where)} snippet id(s) occur in more than one partition, e.g. {examples}")
    return True


def _after(frame: pd.DataFrame, check: bool) -> pd.DataFrame:
    """``frame``, once ``check`` (a task it must wait for) has passed."""
    return frame


def _concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames) if len(frames) > 1 else frames[0]


def _item(pair: tuple[Any, Any], i: int) -> Any:
    return pair[i]


def _table(out: tuple[pd.DataFrame, dict], name: str) -> pd.DataFrame:
    return out[1][name]


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(parts, ignore_index=True)


def _index(frame: pd.DataFrame) -> pd.Index:
    return frame.index


def _rows(frame: pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    return frame.loc[ids]


def _table_rows(table: pd.DataFrame, ids: pd.Index, first: bool) -> pd.DataFrame:
    """The rows of ``table`` for the snippets ``ids`` (rows without a snippet go to the first partition)."""
    keep = is_member(table["snippet_id"], ids)
    if first:
        keep |= table["snippet_id"].isna().to_numpy()
    return table[keep].reset_index(drop=True)
