"""Every hook is documented in the README with its exact signature, and has a test (datasette's rule)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from toolkit import hookspecs

ROOT = Path(__file__).resolve().parent.parent


def hook_functions():
    return [f for name, f in vars(hookspecs).items() if name.startswith("register_") and callable(f)]


def test_the_hooks_are_the_three_register_hooks():
    assert sorted(f.__name__ for f in hook_functions()) == ["register_analyses", "register_readers", "register_views"]


def test_every_hook_is_documented_in_the_readme_with_its_signature():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for func in hook_functions():
        signature = f"{func.__name__}({', '.join(inspect.signature(func).parameters)})"
        assert f"### {signature}" in readme, f"README lacks a '### {signature}' heading"


def test_every_hook_has_a_docstring_with_its_parameters():
    for func in hook_functions():
        doc = inspect.getdoc(func) or ""
        for param in inspect.signature(func).parameters:
            assert f":param {param}:" in doc, f"{func.__name__} does not document {param}"


def test_every_hook_is_exercised_by_a_test():
    tests = "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py") if p.name != Path(__file__).name
    )
    for func in hook_functions():
        assert re.search(rf"def {func.__name__}\(", tests), f"no test implements {func.__name__}"
