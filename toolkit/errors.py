"""Every error the toolkit raises on purpose.

They all derive from :class:`ToolkitError`, so a script (and the command line) can catch the
toolkit's own, explained failures apart from real bugs, and show them as one clear line.
"""

from __future__ import annotations


class ToolkitError(Exception):
    """Base class: an error the toolkit explains itself."""


class SnippetInputError(ToolkitError, ValueError):
    """The input cannot become a snippet frame (missing text column, malformed file, bad ids, ...)."""


class ConfigError(ToolkitError, ValueError):
    """An analysis parameter is unknown or cannot be converted to its declared type."""


class PluginError(ToolkitError):
    """A plugin could not be loaded or registered something invalid."""

    def __init__(self, plugin: str, message: str):
        self.plugin = plugin
        self.message = message
        super().__init__(f"plugin {plugin!r}: {message}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # pickles across processes (workers=N, Dask)
        return type(self), (self.plugin, self.message)


class SpecError(ToolkitError, ValueError):
    """A registered analysis, reader or view specification is malformed."""


class UnknownAnalysisError(ToolkitError, KeyError):
    """An analysis name that no installed plugin registers."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0])


class PipelineValidationError(ToolkitError, ValueError):
    """The pipeline cannot run as composed (unmet requirement, duplicate step, ...)."""


class AnalysisError(ToolkitError):
    """An analysis raised while running; names the plugin and analysis, chained to the cause."""

    def __init__(self, analysis: str, plugin: str, cause: BaseException):
        self.analysis = analysis
        self.plugin = plugin
        self.cause = cause
        super().__init__(f"analysis {analysis!r} (plugin {plugin!r}) failed: {type(cause).__name__}: {cause}")

    def __reduce__(self) -> tuple[type, tuple[str, str, BaseException]]:  # pickles across processes
        return type(self), (self.analysis, self.plugin, self.cause)


class OutputContractError(ToolkitError, ValueError):
    """An analysis returned something other than what it declared it produces."""
