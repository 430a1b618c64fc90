"""What a plugin registers: analyses, readers and notebook views, as plain frozen records.

A plugin never subclasses anything of the core. It describes an analysis with an
:class:`AnalysisSpec` — its name, what it needs, what it produces (names and dtypes), its
parameters as a dataclass with defaults, and whether it works row by row — and hands it to the
``register`` callback of the ``register_analyses`` hook. The pipeline reads nothing else, which is
what lets it order analyses, validate a pipeline before running it, check outputs against the
declaration, and (later) hand row-wise analyses to Dask one partition at a time.
"""

from __future__ import annotations

import dataclasses
import functools
import keyword
import pickle
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from toolkit.errors import ConfigError, SpecError

#: ``row``: each snippet's output depends on that snippet alone, so the analysis may run on any
#: partition of a frame. ``collection``: it needs the whole collection (dedup, canonical speakers).
Scope = Literal["row", "collection"]

_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


@dataclass
class Context:
    """What the pipeline hands an analysis besides the frame and its parameters.

    ``tables`` holds the tables produced by the analyses that ran before (``claims`` for figures
    when attribution ran, say); ``progress`` takes a fraction in [0, 1] for long analyses.
    """

    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    progress: Callable[[float], None] = lambda fraction: None

    def table(self, name: str) -> pd.DataFrame | None:
        """The table ``name`` if an earlier analysis produced it, else None."""
        return self.tables.get(name)


@dataclass
class Output:
    """What an analysis returns.

    ``columns``: new snippet columns, indexed like the input frame (rows may be missing: they
    become NA). ``tables``: new tables by name, each with a ``snippet_id`` column.
    """

    columns: pd.DataFrame | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


AnalysisFunc = Callable[[pd.DataFrame, Any, Context], Output]

#: The collection half of a split analysis: ``combine(frame, params, context, extracted)`` where
#: ``extracted`` is the :class:`Output` of ``extract`` run on every partition and concatenated
#: (columns row-wise, each table row-wise with a fresh index).
CombineFunc = Callable[[pd.DataFrame, Any, Context, Output], Output]


@dataclass(frozen=True)
class Highlight:
    """A span a plugin wants highlighted in the snippet view (the core names no table itself).

    :param table: the table holding the spans (one of the analysis's tables).
    :param start: its column of start offsets into the snippet's ``text``.
    :param end: its column of end offsets.
    :param label: the word shown in the legend and as the span's CSS class (``stk-<label>``).
    :param color: a CSS colour for the span's background.
    :param tooltip: ``tooltip(row) -> str`` for one table row (a dict); the core escapes it.
    """

    table: str
    start: str
    end: str
    label: str
    color: str = "#fff8c5"
    tooltip: Callable[[Mapping[str, Any]], str] | None = None


@dataclass(frozen=True)
class NoParams:
    """The parameters of an analysis that takes none."""


@dataclass(frozen=True)
class AnalysisSpec:
    """One analysis a plugin provides.

    :param name: unique lower-case identifier, the name users pass to ``toolkit.run``.
    :param func: ``func(frame, params, context) -> Output``; must not mutate ``frame``.
    :param params: a dataclass type whose field defaults are the default configuration.
    :param requires: snippet columns it cannot run without (``("text",)``). The old form
        ``"table:NAME"`` in ``requires`` is still accepted and moved to ``requires_tables``.
    :param requires_tables: names of tables (made by earlier analyses) it cannot run without.
    :param uses: analysis names whose output it reads when they run too (ordered after them).
    :param columns: snippet columns it adds, ``{name: dtype}``.
    :param tables: tables it produces, ``{table: {column: dtype}}``; each has ``snippet_id``.
    :param scope: ``"row"`` or ``"collection"`` (see :data:`Scope`).
    :param run_by_default: run when no analyses are named (False for slow or optional ones, such
        as those needing a model from an extra). ``default=`` is the old name, still accepted.
    :param extract: for a ``collection`` analysis that can be split: the per-snippet half,
        ``extract(frame, params, context) -> Output``, run on any partition of the frame (in a
        process pool for ``workers=N``, per Dask partition). A module-level function, so it pickles.
    :param combine: the collection half, ``combine(frame, params, context, extracted) -> Output``.
        With both set, ``func`` may be omitted: it is ``combine(frame, p, c, extract(frame, p, c))``,
        and the contract kit checks that running ``extract`` per partition gives the same result.
    :param highlights: spans of its tables the snippet view highlights (see :class:`Highlight`).
    :param combine_by: for a ``collection`` analysis whose collection half is independent per value of
        one snippet column (``"story_id"``): on Dask, the snippets, the extracted rows and the earlier
        tables of each value are brought together by a shuffle and ``combine`` (or ``func``, when the
        analysis is not split) runs per group of values, never over the whole collection. Missing
        values of the column form one group of their own. Ids the analysis makes must be deterministic
        and unique across groups (derive them from the key). Ignored by ``toolkit.run``. When only
        some parameter values make the analysis independent per value, give a module-level function
        ``combine_by(params) -> str | None`` instead: ``None`` for a run means the gathered collection.
    :param combine_dask: for a ``collection`` analysis: its own distributed plan,
        ``combine_dask(step: toolkit.dask_plan.DaskStep) -> toolkit.dask_plan.DaskOutput``, which
        ``run_dask`` calls instead of gathering the collection (see :mod:`toolkit.dask_plan`). A
        module-level function (it must pickle). At most one of ``combine_by`` and ``combine_dask``.
    """

    name: str
    func: AnalysisFunc | None = None
    params: type = NoParams
    requires: tuple[str, ...] = ("text",)
    uses: tuple[str, ...] = ()
    columns: Mapping[str, str] = field(default_factory=dict)
    tables: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    scope: Scope = "row"
    description: str = ""
    run_by_default: bool = True
    requires_tables: tuple[str, ...] = ()
    extract: AnalysisFunc | None = None
    combine: CombineFunc | None = None
    highlights: tuple[Highlight, ...] = ()
    combine_by: str | Callable[[Any], str | None] | None = None
    combine_dask: Callable[[Any], Any] | None = None
    default: bool | None = None  # the old name of run_by_default, accepted for one release

    def __post_init__(self) -> None:
        # Normalise the old spellings once, so the rest of the core reads one form.
        if self.default is not None:
            object.__setattr__(self, "run_by_default", bool(self.default))
            object.__setattr__(self, "default", None)
        old = tuple(r for r in self.requires if isinstance(r, str) and r.startswith("table:"))
        if old:
            object.__setattr__(self, "requires", tuple(r for r in self.requires if r not in old))
            tables = tuple(dict.fromkeys((*self.requires_tables, *(r.split(":", 1)[1] for r in old))))
            object.__setattr__(self, "requires_tables", tables)
        if self.func is None and self.extract is not None and self.combine is not None:
            object.__setattr__(self, "func", _composed(self.extract, self.combine))

    @property
    def is_split(self) -> bool:
        """True when the analysis has a per-snippet half that may run on partitions."""
        return self.extract is not None and self.combine is not None

    def validate(self) -> None:
        """Raise :class:`SpecError` describing the first thing wrong with this spec."""
        self._validate_callables()
        self._validate_tables()
        self._validate_params()
        if self.scope not in ("row", "collection"):
            raise SpecError(f"analysis {self.name!r}: scope must be 'row' or 'collection'")
        for req in self.requires:
            if not isinstance(req, str) or not req:
                raise SpecError(f"analysis {self.name!r}: bad requirement {req!r}")
        self._validate_dtypes()
        self._validate_distributed()

    def combine_column(self, params: Any) -> str | None:
        """The snippet column this run's collection half is independent per value of (``combine_by``
        resolved for ``params``), or ``None``."""
        if callable(self.combine_by):
            column = self.combine_by(params)
            if column is not None and (not isinstance(column, str) or not column):
                raise SpecError(f"analysis {self.name!r}: combine_by(params) gave {column!r}, not a column name")
            return column
        return self.combine_by

    def _validate_distributed(self) -> None:
        """``combine_by`` / ``combine_dask``: only on collection analyses, one of them, a picklable plan."""
        if self.combine_by is None and self.combine_dask is None:
            return
        if self.scope != "collection":
            raise SpecError(f"analysis {self.name!r}: combine_by and combine_dask are for scope='collection' analyses")
        if self.combine_by is not None and self.combine_dask is not None:
            raise SpecError(f"analysis {self.name!r}: give combine_by or combine_dask, not both")
        bad_column = not isinstance(self.combine_by, str) or not self.combine_by
        if self.combine_by is not None and not callable(self.combine_by) and bad_column:
            raise SpecError(
                f"analysis {self.name!r}: combine_by must name a snippet column (or be a function of the "
                f"params naming one), not {self.combine_by!r}"
            )
        if self.combine_dask is not None:
            if not callable(self.combine_dask):
                raise SpecError(f"analysis {self.name!r}: combine_dask is not callable")
            try:
                pickle.dumps(self.combine_dask)
            except Exception as exc:  # a lambda or local function: Dask workers could not receive it
                raise SpecError(
                    f"analysis {self.name!r}: combine_dask must be a module-level function (it must pickle: "
                    f"{type(exc).__name__}: {exc})"
                ) from None

    def _validate_callables(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name) or keyword.iskeyword(self.name):
            raise SpecError(f"analysis name {self.name!r} must be a lower-case identifier")
        if not callable(self.func):
            raise SpecError(f"analysis {self.name!r}: func is not callable (or give both extract and combine)")
        if (self.extract is None) != (self.combine is None):
            raise SpecError(f"analysis {self.name!r}: extract and combine go together")

    def _validate_tables(self) -> None:
        for table in (*self.tables, *self.requires_tables):
            if not isinstance(table, str) or not _NAME.match(table) or table == "snippets":
                raise SpecError(
                    f"analysis {self.name!r}: table name {table!r} must be a lower-case identifier other than "
                    "'snippets' (it becomes a file name)"
                )
        for table, cols in self.tables.items():
            if "snippet_id" not in cols:
                raise SpecError(f"analysis {self.name!r}: table {table!r} must declare a snippet_id column")
        for hl in self.highlights:
            if not isinstance(hl, Highlight):
                raise SpecError(f"analysis {self.name!r}: highlights holds {type(hl).__name__}, not Highlight")
            if hl.table not in self.tables:
                raise SpecError(f"analysis {self.name!r}: highlight on table {hl.table!r}, which it does not produce")

    def _validate_params(self) -> None:
        if not (isinstance(self.params, type) and dataclasses.is_dataclass(self.params)):
            raise SpecError(f"analysis {self.name!r}: params must be a dataclass type")
        try:
            self.params()
        except TypeError as exc:
            raise SpecError(f"analysis {self.name!r}: every parameter needs a default ({exc})") from exc

    def _validate_dtypes(self) -> None:
        for col_map in (self.columns, *self.tables.values()):
            for col, dtype in col_map.items():
                try:
                    pd.api.types.pandas_dtype(dtype)
                except TypeError as exc:
                    raise SpecError(f"analysis {self.name!r}: column {col!r} has bad dtype {dtype!r}") from exc

    def default_params(self) -> Any:
        return self.params()

    def make_params(self, values: Mapping[str, Any] | None = None) -> Any:
        """Build this analysis's parameters from ``values``, converting strings to the field types."""
        return make_params(self.params, values or {}, owner=self.name)

    def required_tables(self) -> tuple[str, ...]:
        return self.requires_tables

    def required_columns(self) -> tuple[str, ...]:
        return self.requires


def _composed(extract: AnalysisFunc, combine: CombineFunc) -> AnalysisFunc:
    """``func`` of a split analysis run in one piece: extract over the whole frame, then combine."""

    def func(frame: pd.DataFrame, params: Any, context: Context) -> Output:
        return combine(frame, params, context, extract(frame, params, context))

    func.__name__ = getattr(combine, "__name__", "combine")
    func.__doc__ = getattr(combine, "__doc__", None)
    return func


@dataclass(frozen=True)
class ReaderSpec:
    """A file reader: ``func(path, **options) -> DataFrame`` for files ending in one of ``suffixes``.

    The returned frame is passed through :func:`toolkit.snippet_frame`, so a reader only has to get
    the records out of the file.
    """

    name: str
    suffixes: tuple[str, ...]
    func: Callable[..., pd.DataFrame]
    description: str = ""

    def validate(self) -> None:
        if not self.suffixes or not all(isinstance(s, str) and s.startswith(".") for s in self.suffixes):
            raise SpecError(f"reader {self.name!r}: suffixes must be like ('.csv',)")
        if not callable(self.func):
            raise SpecError(f"reader {self.name!r}: func is not callable")


@dataclass(frozen=True)
class ViewSpec:
    """A notebook view: ``func(result) -> object`` shown when every table in ``tables`` exists.

    The returned object may be an ipywidget, anything with ``_repr_html_``, or an HTML string
    (which the view must have escaped).
    """

    name: str
    func: Callable[[Any], Any]
    tables: tuple[str, ...] = ()
    title: str = ""
    description: str = ""

    def validate(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise SpecError("a view needs a name")
        if not callable(self.func):
            raise SpecError(f"view {self.name!r}: func is not callable")


# ---------------------------------------------------------------------------------------------
# Parameters: dataclass fields set by name, strings from the command line converted to the type.

_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f"}


def make_params(cls: type, values: Mapping[str, Any], owner: str = "") -> Any:
    """Instantiate dataclass ``cls`` from ``values``; unknown names and bad values raise ConfigError."""
    if isinstance(values, cls):
        return values
    if not isinstance(values, Mapping):
        raise ConfigError(f"{owner}: parameters must be a mapping, not {type(values).__name__}")
    hints, fields = _field_types(cls)
    unknown = sorted(set(values) - set(fields))
    if unknown:
        known = ", ".join(sorted(fields)) or "none"
        raise ConfigError(f"{owner}: unknown parameter(s) {', '.join(unknown)}; known: {known}")
    kwargs = {}
    for name, raw in values.items():
        try:
            kwargs[name] = convert(raw, hints.get(name, Any))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{owner}.{name}: {exc}") from None
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{owner}: {exc}") from None


@functools.lru_cache(maxsize=256)
def _field_types(cls: type) -> tuple[Mapping[str, Any], Mapping[str, dataclasses.Field[Any]]]:
    """The resolved type hints and the init fields of dataclass ``cls``, read once per class.

    ``typing.get_type_hints`` evaluates every string annotation (``from __future__ import
    annotations``) with ``compile`` on each call: ~0.2 ms per parameters class, twice per run, which
    is a tenth of a two-snippet run. A class's annotations do not change, so they are kept (read-only
    views: the cache is shared by every thread).
    """
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    return types.MappingProxyType(hints), types.MappingProxyType(fields)


def convert(value: Any, annotation: Any) -> Any:
    """Convert ``value`` to ``annotation`` when it is a string or a JSON-ish stand-in for it."""
    if annotation is Any:
        return value
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return _convert_union(value, args)
    if origin is Literal:
        return _convert_literal(value, args)
    if origin in (tuple, list):
        items = [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else list(value)
        inner = args[0] if args else Any
        converted = [convert(v, inner) for v in items]
        return tuple(converted) if origin is tuple else converted
    if origin in (dict, Mapping) or annotation in (dict,):
        if not isinstance(value, Mapping):
            raise ValueError(f"expected a mapping, got {value!r}")
        return dict(value)
    scalar = _SCALARS.get(annotation) if isinstance(annotation, type) else None
    if scalar is not None:
        return scalar(value)
    if isinstance(annotation, type) and not isinstance(value, annotation):
        raise ValueError(f"expected {annotation.__name__}, got {value!r}")
    return value


def _convert_union(value: Any, args: tuple[Any, ...]) -> Any:
    empty = value is None or (isinstance(value, str) and value.strip().lower() in {"none", "null", ""})
    if empty and type(None) in args:
        return None
    errors = []
    for arg in args:
        if arg is type(None):
            continue
        try:
            return convert(value, arg)
        except (TypeError, ValueError) as exc:
            errors.append(str(exc))
    raise ValueError("; ".join(errors) or f"cannot convert {value!r}")


def _convert_literal(value: Any, choices: tuple[Any, ...]) -> Any:
    for choice in choices:
        if value == choice or (isinstance(value, str) and str(choice) == value.strip()):
            return choice
    raise ValueError(f"{value!r} is not one of {', '.join(map(repr, choices))}")


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError(f"{value!r} is not a boolean")


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return int(value.strip())
    raise ValueError(f"{value!r} is not an integer")


def _to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    return float(value.strip() if isinstance(value, str) else value)


def _to_str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    return value


_SCALARS: dict[Any, Callable[[Any], Any]] = {bool: _to_bool, int: _to_int, float: _to_float, str: _to_str}
