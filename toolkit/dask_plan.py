"""What an analysis's own distributed plan receives and returns (``AnalysisSpec.combine_dask``).

``run_dask`` calls ``spec.combine_dask(step)`` with a :class:`DaskStep` instead of gathering the
collection into one process, and expects a :class:`DaskOutput` back::

    def my_plan(step: DaskStep) -> DaskOutput:
        signatures = step.extracted["signatures"]            # extract's table, one per partition
        pairs = shuffle_by(signatures, "band").map_partitions(candidate_pairs, meta=PAIRS)
        edges = gather_small(pairs)                            # the (small) edge table, one partition
        labels = edges.map_partitions(components, meta=LABELS) # one task
        columns = join_back(step.snippets[[]], labels, on="snippet_id")
        return DaskOutput(columns=columns, tables={"clusters": ...})

Rules of the road (a plan that breaks them is not a distributed plan):

- gather only small things into one task (:func:`gather_small`: an edge table, the distinct speaker
  names), never the snippets or a table with a row per snippet;
- ``columns`` is indexed by ``snippet_id`` (any partitioning, rows may be missing: they become NA),
  each table has a ``snippet_id`` column; the framework moves every row to the partition of its
  snippet, checks it against the spec's declaration (dtypes cast, unknown ids refused) per partition
  and merges the columns into the snippets;
- everything stays lazy: return collections, do not ``compute()`` inside a plan;
- functions handed to ``map_partitions`` must be module-level (they pickle to the workers).

The collections are built with ``dataframe.convert-string`` off, so list cells and the declared
dtypes survive; :func:`collections_config` gives the same setting to a plan that makes new ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from toolkit.specs import Context

#: How the framework and the helpers shuffle: Dask's task-based shuffle, which moves plain pandas
#: frames (list cells and nullable dtypes intact). Dask's ``p2p`` shuffle converts to Arrow and
#: gives list cells back as NumPy arrays: ``shuffle_by(..., on_disk=True)`` uses it for frames of
#: plain numbers and text only, where it gives the same partitions with bounded memory.
SHUFFLE_METHOD = "tasks"


@dataclass(frozen=True)
class DaskStep:
    """The state a distributed plan works on (all Dask DataFrames are lazy).

    :param snippets: the snippet frame so far, indexed by ``snippet_id`` (the columns of every
        earlier analysis included).
    :param tables: the earlier tables the analysis reads (its ``requires_tables`` and the tables of
        the analyses it ``uses``), each with a ``snippet_id`` column.
    :param extracted: ``"columns"``: the new snippet columns ``extract`` returned, indexed by
        ``snippet_id`` (no columns when it returned none); and each table ``extract`` returned, by
        name. Empty tables for an analysis that is not split.
    :param params: the analysis's parameters (its params dataclass).
    :param context: a :class:`~toolkit.specs.Context` without tables (they are ``tables`` here).
    :param npartitions: how many partitions the snippets have (a good default for shuffles).
    :param analysis: the analysis's name; ``plugin``: its plugin's (for messages).
    :param ranks: each snippet's position in the input (int64, ascending in the user's order),
        indexed by ``snippet_id`` and partitioned like ``snippets``: for a plan whose rules read
        snippets in input order (pandas' frame order), since a shuffle loses that order.
    """

    snippets: Any
    tables: Mapping[str, Any]
    extracted: Mapping[str, Any]
    params: Any
    context: Context
    npartitions: int
    analysis: str = ""
    plugin: str = ""
    ranks: Any = None


@dataclass
class DaskOutput:
    """What a plan returns: new snippet ``columns`` (indexed by ``snippet_id``) and new ``tables``."""

    columns: Any = None
    tables: dict[str, Any] = field(default_factory=dict)


def collections_config() -> Any:
    """``with collections_config():`` around code that makes Dask collections from pandas frames."""
    import dask

    return dask.config.set({"dataframe.convert-string": False})


def shuffle_by(ddf: Any, column: str, npartitions: int | None = None, *, on_disk: bool = False) -> Any:
    """``ddf`` with every row of one value of ``column`` in one partition (deterministic: the same value
    lands in the same partition number in every frame shuffled with the same ``npartitions``).

    Missing values all land in one partition. The rows of a partition may hold several values:
    group inside it (``map_partitions`` with a ``groupby``).

    ``on_disk=True``: use Dask's disk-backed ``p2p`` shuffle when it gives the same partitions
    (:func:`disk_shuffle_method`): a task shuffle holds every piece of the shuffled frame in the
    workers' memory until the last piece is cut, so its peak grows with the collection; ``p2p``
    writes the pieces to disk and reads one output partition at a time. The caller promises that
    the frame's object columns hold Python ``str`` only (no missing values, lists or dicts: those
    would not come back from Arrow as they went in)."""
    method = disk_shuffle_method(ddf._meta) if on_disk else SHUFFLE_METHOD
    return ddf.shuffle(on=column, npartitions=npartitions or ddf.npartitions, shuffle_method=method)


def disk_shuffle_method(meta: pd.DataFrame) -> str:
    """``"p2p"`` when a ``distributed`` client runs the graphs and ``meta`` has a numeric index and
    plain columns: NumPy integer, unsigned, float or bool, or object columns of ``str`` (the caller's
    promise, see :func:`shuffle_by`) — these cross Arrow unchanged, and ``p2p`` orders each output
    partition by input partition like the task shuffle, so the partitions are the same; else
    :data:`SHUFFLE_METHOD`. Extension dtypes (nullable, categorical, Arrow) keep the task shuffle.
    Build and compute under the same scheduler: a ``p2p`` graph needs the client."""
    index = meta.index.dtype
    plain = isinstance(index, np.dtype) and index.kind in "iu"
    plain = plain and all(isinstance(t, np.dtype) and t.kind in "biufO" for t in meta.dtypes)
    return "p2p" if plain and _distributed_scheduler() else SHUFFLE_METHOD


def _distributed_scheduler() -> bool:
    """Whether dask's current scheduler is a ``distributed`` client (not threads, processes or sync)."""
    try:
        from dask.base import get_scheduler
        from distributed import Client
    except ImportError:  # pragma: no cover - the dask extra without distributed
        return False
    return isinstance(getattr(get_scheduler(), "__self__", None), Client)


def staged(ddf: Any) -> Any:
    """``ddf`` as a fresh collection over its partitions' tasks: the stages of a long plan are planned
    (optimised) one at a time instead of as one ever deeper expression, whose optimisation grows
    far faster than the plan (tens of seconds for a few partitions)."""
    import dask.dataframe as dd

    return dd.from_delayed(ddf.to_delayed(), meta=ddf._meta, verify_meta=False)


def gather_small(ddf: Any) -> Any:
    """``ddf`` as one partition (one task): for small tables only (edges, distinct names)."""
    return ddf.repartition(npartitions=1)


def as_delayed(small: Any) -> Any:
    """A one-partition collection (see :func:`gather_small`) as one Delayed pandas frame, to pass to
    ``map_partitions`` of a large collection (each partition then sees the whole small frame)."""
    parts = gather_small(small).to_delayed()
    return parts[0]


def join_back(ddf: Any, small: Any, on: str = "snippet_id", how: str = "left") -> Any:
    """Each partition of ``ddf`` merged with the whole of the small collection ``small`` on ``on``
    (a column or ``ddf``'s index name), keeping ``ddf``'s index: a broadcast join, no shuffle of ``ddf``.
    """
    meta = _merge(ddf._meta, small._meta, on, how)
    return ddf.map_partitions(_merge, as_delayed(small), on, how, meta=meta)


def _merge(part: pd.DataFrame, small: pd.DataFrame, on: str, how: str) -> pd.DataFrame:
    index = part.index.name or "index"
    merged = part.rename_axis(index).reset_index().merge(small, on=on, how=how, sort=False)
    return merged.set_index(index).rename_axis(part.index.name)


def stable_hash(values: pd.Series | pd.Index) -> np.ndarray:
    """A 64-bit hash of each value, the same in every process and run (pandas' SipHash with a fixed key)."""
    series = pd.Series(np.asarray(values, dtype=object) if len(values) else [], dtype=object)
    return np.asarray(pd.util.hash_pandas_object(series, index=False), dtype=np.uint64)


def partition_of(values: pd.Series | pd.Index, npartitions: int) -> np.ndarray:
    """The partition number (0..npartitions-1) of each value, by :func:`stable_hash`; missing values: 0."""
    if npartitions <= 1 or len(values) == 0:
        return np.zeros(len(values), dtype=np.int64)
    where = (stable_hash(values) % np.uint64(npartitions)).astype(np.int64)
    where[np.asarray(pd.isna(values), dtype=bool)] = 0
    return where


__all__ = [
    "SHUFFLE_METHOD",
    "DaskOutput",
    "DaskStep",
    "as_delayed",
    "collections_config",
    "disk_shuffle_method",
    "gather_small",
    "join_back",
    "partition_of",
    "shuffle_by",
    "stable_hash",
]
