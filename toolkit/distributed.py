"""Run the same pipeline on a Dask DataFrame when one pandas frame is too big (extra ``[dask]``).

An analysis declared ``scope="row"`` runs on each partition on its own, with the slices of the
earlier tables that belong to that partition's snippets. A ``scope="collection"`` analysis
(dedup, canonical speakers) is a global step: its inputs are gathered into one frame, it runs
once, and its outputs are split back along the partitions. Everything stays lazy until
``DaskResult.compute()`` (or ``.snippets.compute()``) so the graph runs each step once.

The output shapes (Dask's ``meta``) come from running the pipeline on an empty snippet frame:
the contract kit guarantees that an empty frame gives empty tables with every column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from toolkit.errors import SnippetInputError, ToolkitError
from toolkit.frame import validate_frame
from toolkit.pipeline import Pipeline, Step, check_output
from toolkit.registry import PluginRegistry
from toolkit.result import Result
from toolkit.specs import AnalysisSpec, Context


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
    numbering rows per partition would give every partition the same ids.
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
    tables: list[dict[str, Any]] = [{} for _ in frames]
    for step in order:
        if step.spec.scope == "row":
            outs = [delayed(_run_step)(step, f, t) for f, t in zip(frames, tables, strict=True)]
            frames = [delayed(_item)(o, 0) for o in outs]
            for i, out in enumerate(outs):
                tables[i] = {**tables[i], **{name: delayed(_table)(out, name) for name in step.spec.tables}}
        else:
            whole = delayed(pd.concat)(frames)
            whole_tables = {name: delayed(_concat)([t[name] for t in tables]) for name in tables[0]}
            out = delayed(_run_step)(step, whole, whole_tables)
            ids = [delayed(_index)(f) for f in frames]
            frames = [delayed(_rows)(delayed(_item)(out, 0), i) for i in ids]
            for i, part_ids in enumerate(ids):
                split = {name: delayed(_table_rows)(delayed(_table)(out, name), part_ids) for name in step.spec.tables}
                tables[i] = {**tables[i], **split}
    with dask.config.set({"dataframe.convert-string": False}):  # keep list cells and our dtypes
        snippets = dd.from_delayed(frames, meta=meta.snippets, verify_meta=False)
        out_tables = {
            name: dd.from_delayed([t[name] for t in tables], meta=meta.tables[name], verify_meta=False)
            for name in meta.tables
        }
    return DaskResult(snippets, out_tables, pipeline.to_config())


def _run_step(step: Step, frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> tuple[pd.DataFrame, dict]:
    output = step.spec.func(frame.copy(deep=False), step.params, Context(tables=dict(tables)))
    columns, new_tables = check_output(step.spec, frame, output)
    if columns is not None and len(columns.columns):
        frame = pd.concat([frame.drop(columns=[c for c in columns.columns if c in frame.columns]), columns], axis=1)
    return frame, new_tables


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


def _table_rows(table: pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    return table[table["snippet_id"].isin(ids)].reset_index(drop=True)
