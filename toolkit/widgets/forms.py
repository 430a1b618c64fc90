"""Parameter forms generated from an analysis's parameter dataclass.

Each field becomes one widget chosen from its annotation: ``bool`` a Checkbox, ``int`` an IntText,
``float`` a FloatText, ``Literal[...]`` a Dropdown, ``str`` / ``Optional[str]`` a Text, a tuple or
list a Text of comma-separated items. Anything else (or an ``Optional`` number) is a Text whose
content is converted by the core exactly as ``--set analysis.param=value`` is on the command
line, so a form and the CLI can never disagree about what a value means.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

import ipywidgets as w

_STYLE = {"description_width": "initial"}
_LAYOUT = {"width": "auto", "min_width": "320px"}


@dataclass
class FieldWidget:
    """One parameter: its name, the widget and how the widget's value maps back to a setting."""

    name: str
    widget: w.Widget
    kind: str  # bool | int | float | choice | text | list | optional
    default: Any

    def value(self) -> Any:
        """The value to hand to the core (a Python value, or a string the core converts)."""
        return self.widget.value

    def changed(self) -> bool:
        """True when the widget no longer shows the default."""
        return self.widget.value != _display_value(self.kind, self.default)

    def reset(self) -> None:
        self.widget.value = _display_value(self.kind, self.default)


def _strip_optional(annotation: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            return args[0], optional
    return annotation, False


def _kind(annotation: Any) -> tuple[str, Any]:
    inner, optional = _strip_optional(annotation)
    origin = typing.get_origin(inner)
    if origin is Literal:
        return ("choice" if not optional else "text"), inner
    if optional:
        return ("text" if inner is str else "optional"), inner
    if inner is bool:
        return "bool", inner
    if inner is int:
        return "int", inner
    if inner is float:
        return "float", inner
    if origin in (tuple, list) or inner in (tuple, list):
        return "list", inner
    return "text", inner


def _display_value(kind: str, default: Any) -> Any:
    if kind in ("bool", "int", "float", "choice"):
        return default
    if kind == "list":
        return ", ".join(str(v) for v in (default or ()))
    if default is None:
        return ""
    return str(default)


def field_widget(field: dataclasses.Field, annotation: Any, default: Any) -> FieldWidget:
    """The widget for one dataclass field (``default`` is its default value)."""
    kind, inner = _kind(annotation)
    help_text = str(field.metadata.get("help", "")) if field.metadata else ""
    common: dict[str, Any] = {"description": field.name, "style": _STYLE, "layout": _LAYOUT}
    if help_text:
        common["tooltip"] = help_text
    value = _display_value(kind, default)
    widget: w.Widget
    if kind == "bool":
        widget = w.Checkbox(value=bool(default), indent=False, **common)
    elif kind == "int":
        widget = w.IntText(value=int(default), **common)
    elif kind == "float":
        widget = w.FloatText(value=float(default), **common)
    elif kind == "choice":
        options = list(typing.get_args(inner))
        widget = w.Dropdown(options=[(str(o), o) for o in options], value=default, **common)
    else:
        placeholder = {"list": "comma-separated", "optional": "none"}.get(kind, "")
        if kind == "text" and default is None:
            placeholder = "none"
        widget = w.Text(value=value, placeholder=placeholder, continuous_update=False, **common)
    return FieldWidget(field.name, widget, kind, default)


def params_form(params_cls: type) -> tuple[w.VBox, dict[str, FieldWidget]]:
    """A VBox with one widget per init field of the dataclass ``params_cls``, and the widgets by name."""
    try:
        hints = typing.get_type_hints(params_cls)
    except Exception:  # an annotation that cannot be resolved: treat every field as text
        hints = {}
    defaults = params_cls()
    fields: dict[str, FieldWidget] = {}
    for f in dataclasses.fields(params_cls):
        if not f.init:
            continue
        fields[f.name] = field_widget(f, hints.get(f.name, Any), getattr(defaults, f.name))
    box = w.VBox([w.HTML("<i>no parameters</i>")]) if not fields else w.VBox([fw.widget for fw in fields.values()])
    return box, fields


def form_values(fields: dict[str, FieldWidget]) -> dict[str, Any]:
    """The settings that differ from the defaults, ready for ``Pipeline(config=...)``."""
    return {name: fw.value() for name, fw in fields.items() if fw.changed()}
