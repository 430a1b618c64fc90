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
import keyword
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


@dataclass(frozen=True)
class NoParams:
    """The parameters of an analysis that takes none."""


@dataclass(frozen=True)
class AnalysisSpec:
    """One analysis a plugin provides.

    :param name: unique lower-case identifier, the name users pass to ``toolkit.run``.
    :param func: ``func(frame, params, context) -> Output``; must not mutate ``frame``.
    :param params: a dataclass type whose field defaults are the default configuration.
    :param requires: snippet columns (``"text"``) or ``"table:NAME"`` entries it cannot run without.
    :param uses: analysis names whose output it reads when they run too (ordered after them).
    :param columns: snippet columns it adds, ``{name: dtype}``.
    :param tables: tables it produces, ``{table: {column: dtype}}``; each has ``snippet_id``.
    :param scope: ``"row"`` or ``"collection"`` (see :data:`Scope`).
    :param default: run when no analyses are named (False for slow or optional ones, such as
        those needing a model from an extra).
    """

    name: str
    func: AnalysisFunc
    params: type = NoParams
    requires: tuple[str, ...] = ("text",)
    uses: tuple[str, ...] = ()
    columns: Mapping[str, str] = field(default_factory=dict)
    tables: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    scope: Scope = "row"
    description: str = ""
    default: bool = True

    def validate(self) -> None:
        """Raise :class:`SpecError` describing the first thing wrong with this spec."""
        if not isinstance(self.name, str) or not _NAME.match(self.name) or keyword.iskeyword(self.name):
            raise SpecError(f"analysis name {self.name!r} must be a lower-case identifier")
        if not callable(self.func):
            raise SpecError(f"analysis {self.name!r}: func is not callable")
        if not (isinstance(self.params, type) and dataclasses.is_dataclass(self.params)):
            raise SpecError(f"analysis {self.name!r}: params must be a dataclass type")
        try:
            self.params()
        except TypeError as exc:
            raise SpecError(f"analysis {self.name!r}: every parameter needs a default ({exc})") from exc
        if self.scope not in ("row", "collection"):
            raise SpecError(f"analysis {self.name!r}: scope must be 'row' or 'collection'")
        for req in self.requires:
            if not isinstance(req, str) or not req:
                raise SpecError(f"analysis {self.name!r}: bad requirement {req!r}")
        for table, cols in self.tables.items():
            if "snippet_id" not in cols:
                raise SpecError(f"analysis {self.name!r}: table {table!r} must declare a snippet_id column")
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
        return tuple(r.split(":", 1)[1] for r in self.requires if r.startswith("table:"))

    def required_columns(self) -> tuple[str, ...]:
        return tuple(r for r in self.requires if not r.startswith("table:"))


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
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
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


def convert(value: Any, annotation: Any) -> Any:
    """Convert ``value`` to ``annotation`` when it is a string or a JSON-ish stand-in for it."""
    if annotation is Any:
        return value
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union or origin is types.UnionType:
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
    if origin is Literal:
        for choice in args:
            if value == choice or (isinstance(value, str) and str(choice) == value.strip()):
                return choice
        raise ValueError(f"{value!r} is not one of {', '.join(map(repr, args))}")
    if origin in (tuple, list):
        items = [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else list(value)
        inner = args[0] if args else Any
        converted = [convert(v, inner) for v in items]
        return tuple(converted) if origin is tuple else converted
    if origin in (dict, Mapping) or annotation in (dict,):
        if not isinstance(value, Mapping):
            raise ValueError(f"expected a mapping, got {value!r}")
        return dict(value)
    if annotation is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise ValueError(f"{value!r} is not a boolean")
    if annotation is int:
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not an integer")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            return int(value.strip())
        raise ValueError(f"{value!r} is not an integer")
    if annotation is float:
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number")
        return float(value.strip() if isinstance(value, str) else value)
    if annotation is str:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a string")
        return value
    if isinstance(annotation, type) and not isinstance(value, annotation):
        raise ValueError(f"expected {annotation.__name__}, got {value!r}")
    return value
