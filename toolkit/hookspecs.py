"""The hook specifications: the whole surface a plugin can implement.

Three hooks, all keyword-only and unprefixed in the datasette / llm style. Each receives a
``register`` callback and calls it once per thing it provides; the registry binds that callback
to the calling plugin, so every record (and every mistake in one) is traced back to its plugin.

Add arguments only at the end and only as opt-in (pluggy lets an implementation take fewer);
never rename or remove one. ``README.md`` documents each hook with its exact signature, and
``tests/test_hookspecs.py`` fails when one is not.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from toolkit.specs import AnalysisSpec, ReaderSpec, ViewSpec

PROJECT = "snippet_toolkit"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_analyses(register: Callable[[AnalysisSpec], None]) -> None:
    """Register the analyses this plugin provides.

    :param register: call ``register(AnalysisSpec(...))`` once per analysis.

    Example::

        @hookimpl
        def register_analyses(register):
            register(AnalysisSpec(name="shouting", func=shouting, columns={"shouting": "boolean"}))
    """


@hookspec
def register_readers(register: Callable[[ReaderSpec], None]) -> None:
    """Register file readers for ``toolkit.read_snippets``, chosen by file suffix.

    :param register: call ``register(ReaderSpec(name, suffixes, func))`` once per reader. A
        plugin's reader for a suffix the core already reads takes precedence over the core's.
    """


@hookspec
def register_views(register: Callable[[ViewSpec], None]) -> None:
    """Register notebook views of a result (shown by the workbench and ``Result`` displays).

    :param register: call ``register(ViewSpec(name, func, tables=(...)))`` once per view;
        ``func(result)`` returns a widget, an object with ``_repr_html_``, or escaped HTML.
    """
