"""Find, load and isolate plugins.

Built-ins and third-party plugins are found the same way: entry points in the
``snippet_toolkit`` group. Loading is lazy (nothing happens at ``import toolkit``) and each plugin
is loaded on its own: one that fails to import, implements an unknown hook, registers a bad spec
or reuses a name is recorded with status ``failed`` and its reason, a warning names it, and the
others load. ``TOOLKIT_STRICT_PLUGINS=1`` turns those failures into exceptions (for plugin
authors and CI).

Environment:
    ``TOOLKIT_LOAD_PLUGINS=a,b``   allow-list of entry-point or distribution names ('' = none)
    ``TOOLKIT_DISABLE_PLUGINS=a,b`` block-list, same names
"""

from __future__ import annotations

import importlib.metadata as md
import os
import threading
import warnings
from dataclasses import dataclass, field
from typing import Any, cast

import pandas as pd
import pluggy

from toolkit import hookspecs
from toolkit.errors import PluginError, SpecError, ToolkitError, UnknownAnalysisError
from toolkit.specs import AnalysisSpec, ReaderSpec, ViewSpec

GROUP = "snippet_toolkit"
DISTRIBUTION = "snippet-toolkit"
HOOKS = ("register_analyses", "register_readers", "register_views")
_SINGULAR = {"analyses": "analysis", "readers": "reader", "views": "view"}


class PluginLoadWarning(UserWarning):
    """A plugin could not be loaded; the others were."""


@dataclass
class PluginInfo:
    """What ``toolkit.list_plugins()`` shows for one plugin."""

    name: str
    distribution: str = ""
    version: str = ""
    builtin: bool = False
    status: str = "loaded"  # loaded | failed | disabled
    error: str = ""
    hooks: list[str] = field(default_factory=list)
    analyses: list[str] = field(default_factory=list)
    readers: list[str] = field(default_factory=list)
    views: list[str] = field(default_factory=list)


class PluginRegistry:
    """The plugins, analyses, readers and views available in this process.

    :param entry_points: load the installed plugins (False gives an empty registry, for tests
        and for notebooks that register inline plugins only).
    """

    def __init__(self, *, entry_points: bool = True, group: str = GROUP):
        self.group = group
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self.analyses: dict[str, AnalysisSpec] = {}
        self.readers: dict[str, ReaderSpec] = {}
        self.views: dict[str, ViewSpec] = {}
        self.owner: dict[tuple[str, str], str] = {}  # (kind, name) -> plugin name
        if entry_points:
            self.load_entry_points()

    # -- loading -----------------------------------------------------------------------------
    def load_entry_points(self) -> None:
        allow = _env_names("TOOLKIT_LOAD_PLUGINS")
        block = _env_names("TOOLKIT_DISABLE_PLUGINS") or set()
        eps = sorted(md.entry_points(group=self.group), key=_entry_point_order)
        for ep in eps:
            dist = ep.dist.name if ep.dist is not None else ""
            version = ep.dist.version if ep.dist is not None else ""
            info = PluginInfo(name=ep.name, distribution=dist, version=version, builtin=dist == DISTRIBUTION)
            names = {ep.name, dist}
            if (allow is not None and not names & allow) or names & block:
                info.status = "disabled"
                self.plugins.setdefault(ep.name, info)
                continue
            if ep.name in self.plugins:
                self._fail(
                    PluginInfo(name=f"{ep.name} ({dist})", distribution=dist, version=version),
                    f"entry point name {ep.name!r} is already taken by "
                    f"{self.plugins[ep.name].distribution or 'another plugin'}",
                )
                continue
            try:
                module = ep.load()
            except Exception as exc:
                self._fail(info, f"failed to import {ep.value!r}: {type(exc).__name__}: {exc}")
                continue
            self.register(module, name=ep.name, info=info)

    def register(self, plugin: Any, name: str | None = None, *, info: PluginInfo | None = None) -> PluginInfo:
        """Register a plugin object (a module or any object with hook implementations).

        Used for entry points and for inline plugins in a notebook or test:
        ``registry.register(MyPlugin(), name="mine")``.
        """
        name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        info = info or PluginInfo(name=name, distribution="(inline)")
        if name in self.plugins and self.plugins[name].status == "loaded":
            return self._fail(info, f"a plugin named {name!r} is already registered")
        try:
            self.pm.register(plugin, name=name)
        except Exception as exc:
            return self._fail(info, f"cannot be registered: {exc}")
        unknown = [hc.name for hc in self.pm.get_hookcallers(plugin) or [] if hc.spec is None]
        if unknown:
            self.pm.unregister(plugin)
            return self._fail(
                info, f"implements unknown hook(s) {', '.join(sorted(unknown))}; known: {', '.join(HOOKS)}"
            )
        info.hooks = sorted(hc.name for hc in self.pm.get_hookcallers(plugin) or [])
        try:
            staged = self._collect(plugin, name)
        except ToolkitError as exc:
            self.pm.unregister(plugin)
            return self._fail(info, str(exc))
        except Exception as exc:
            self.pm.unregister(plugin)
            return self._fail(info, f"raised while registering: {type(exc).__name__}: {exc}")
        for kind, spec in staged:
            getattr(self, kind)[spec.name] = spec
            self.owner[(kind, spec.name)] = name
            getattr(info, kind).append(spec.name)
        self.plugins[name] = info
        return info

    def _collect(self, plugin: Any, plugin_name: str) -> list[tuple[str, Any]]:
        """Call this plugin's hook implementations; validate every record before keeping any."""
        staged: list[tuple[str, Any]] = []
        kinds = {
            "register_analyses": ("analyses", AnalysisSpec),
            "register_readers": ("readers", ReaderSpec),
            "register_views": ("views", ViewSpec),
        }
        for hook_name, (kind, spec_type) in kinds.items():
            hook = getattr(self.pm.hook, hook_name)
            for impl in hook.get_hookimpls():
                if impl.plugin is not plugin:
                    continue

                def register(spec: Any, _kind: str = kind, _type: type = spec_type) -> None:
                    self._stage(plugin_name, _kind, _type, spec, staged)

                kwargs = {"register": register} if "register" in impl.argnames else {}
                impl.function(**kwargs)
        return staged

    def _stage(self, plugin_name: str, kind: str, spec_type: type, spec: Any, staged: list[tuple[str, Any]]) -> None:
        """Validate one registered record and keep it aside until the whole plugin has registered."""
        if not isinstance(spec, spec_type):
            raise SpecError(f"registered a {type(spec).__name__}, expected {spec_type.__name__}")
        spec = cast(Any, spec)  # narrowed to `object` by isinstance on a runtime type
        spec.validate()
        if spec.name in getattr(self, kind) or any(k == kind and s.name == spec.name for k, s in staged):
            other = self.owner.get((kind, spec.name), plugin_name)
            raise SpecError(f"{_SINGULAR[kind]} name {spec.name!r} is already registered by {other!r}")
        if kind == "analyses":
            self._check_outputs_unclaimed(plugin_name, spec, [s for k, s in staged if k == "analyses"])
        staged.append((kind, spec))

    def _check_outputs_unclaimed(self, plugin_name: str, spec: AnalysisSpec, staged: list[AnalysisSpec]) -> None:
        """Refuse an analysis declaring a table or column that another analysis already declares.

        Two producers of one table would overwrite each other's output (one ``claims.jsonl``, the
        later writer's rows), so the second plugin is skipped with a warning naming both.
        """
        mine = {("table", t) for t in spec.tables} | {("column", c) for c in spec.columns}
        others = [(self.plugin_of(name), other) for name, other in self.analyses.items()]
        others += [(plugin_name, other) for other in staged]
        for owner, other in others:
            theirs = {("table", t) for t in other.tables} | {("column", c) for c in other.columns}
            for kind, name in sorted(mine & theirs):
                raise SpecError(
                    f"analysis {spec.name!r} declares {kind} {name!r}, which analysis {other.name!r} of plugin "
                    f"{owner!r} already declares (two producers would overwrite each other's output)"
                )

    def _fail(self, info: PluginInfo, message: str) -> PluginInfo:
        info.status = "failed"
        info.error = message
        self.plugins[info.name] = info
        if os.environ.get("TOOLKIT_STRICT_PLUGINS", "").strip() in ("1", "true", "yes"):
            raise PluginError(info.name, message)
        warnings.warn(f"plugin {info.name!r} skipped: {message}", PluginLoadWarning, stacklevel=3)
        return info

    def unregister(self, name: str) -> None:
        """Remove a plugin and everything it registered."""
        plugin = self.pm.get_plugin(name)
        if plugin is not None:
            self.pm.unregister(plugin)
        for (kind, spec_name), owner in list(self.owner.items()):
            if owner == name:
                getattr(self, kind).pop(spec_name, None)
                del self.owner[(kind, spec_name)]
        self.plugins.pop(name, None)

    # -- lookup ------------------------------------------------------------------------------
    def analysis(self, name: str) -> AnalysisSpec:
        try:
            return self.analyses[name]
        except KeyError:
            known = ", ".join(sorted(self.analyses)) or "none (no plugin loaded: is the package installed?)"
            hint = self._why_missing(name)
            raise UnknownAnalysisError(f"no analysis named {name!r}{hint}; installed: {known}") from None

    def _why_missing(self, name: str) -> str:
        info = self.plugins.get(name)
        if info and info.status == "failed":
            return f" (its plugin failed to load: {info.error})"
        if info and info.status == "disabled":
            return " (its plugin is disabled by TOOLKIT_LOAD_PLUGINS / TOOLKIT_DISABLE_PLUGINS)"
        return ""

    def plugin_of(self, analysis: str) -> str:
        return self.owner.get(("analyses", analysis), "(unregistered)")

    def providers(self, requirement: str, *, table: bool = False) -> list[str]:
        """Names of the analyses that produce the column ``requirement`` (the table, with ``table=True``).

        The old form ``providers("table:NAME")`` still means the table NAME.
        """
        if requirement.startswith("table:"):
            requirement, table = requirement.split(":", 1)[1], True
        if table:
            return [n for n, s in self.analyses.items() if requirement in s.tables]
        return [n for n, s in self.analyses.items() if requirement in s.columns]

    def list_plugins(self) -> pd.DataFrame:
        rows = [
            {
                "name": p.name,
                "distribution": p.distribution,
                "version": p.version,
                "builtin": p.builtin,
                "status": p.status,
                "hooks": ", ".join(p.hooks),
                "analyses": ", ".join(p.analyses),
                "readers": ", ".join(p.readers),
                "views": ", ".join(p.views),
                "error": p.error,
            }
            for p in self.plugins.values()
        ]
        columns = [
            "name",
            "distribution",
            "version",
            "builtin",
            "status",
            "hooks",
            "analyses",
            "readers",
            "views",
            "error",
        ]
        return pd.DataFrame(rows, columns=columns)

    def list_analyses(self) -> pd.DataFrame:
        rows = []
        for name, spec in self.analyses.items():
            produces = [f"{c}" for c in spec.columns] + [f"table:{t}" for t in spec.tables]
            rows.append(
                {
                    "analysis": name,
                    "plugin": self.plugin_of(name),
                    "scope": spec.scope,
                    "requires": ", ".join([*spec.requires, *(f"table:{t}" for t in spec.requires_tables)]),
                    "uses": ", ".join(spec.uses),
                    "produces": ", ".join(produces),
                    "parameters": ", ".join(_param_summary(spec.params)),
                    "description": spec.description,
                }
            )
        columns = ["analysis", "plugin", "scope", "requires", "uses", "produces", "parameters", "description"]
        return pd.DataFrame(rows, columns=columns)


def _param_summary(params: type) -> list[str]:
    import dataclasses

    return [f"{f.name}={f.default!r}" for f in dataclasses.fields(params) if f.default is not dataclasses.MISSING]


def _entry_point_order(ep: md.EntryPoint) -> tuple[int, str]:
    builtin = ep.dist is not None and ep.dist.name == DISTRIBUTION
    return (0 if builtin else 1, ep.name)


def _env_names(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {v.strip() for v in value.split(",") if v.strip()}


_DEFAULT: PluginRegistry | None = None


_DEFAULT_LOCK = threading.Lock()


def default_registry() -> PluginRegistry:
    """The process-wide registry of installed plugins, loaded on first use (once, even when
    several threads ask at the same time)."""
    global _DEFAULT
    registry = _DEFAULT
    if registry is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = PluginRegistry()
            registry = _DEFAULT
    return registry


def reset_registry() -> None:
    """Forget the loaded plugins (after installing one, or changing TOOLKIT_* variables)."""
    global _DEFAULT
    _DEFAULT = None


def list_plugins(registry: PluginRegistry | None = None) -> pd.DataFrame:
    """A table of every plugin found: name, distribution, version, hooks, analyses, status, error."""
    return (registry or default_registry()).list_plugins()


def list_analyses(registry: PluginRegistry | None = None) -> pd.DataFrame:
    """A table of every analysis: plugin, scope, requirements, outputs and parameters."""
    return (registry or default_registry()).list_analyses()
