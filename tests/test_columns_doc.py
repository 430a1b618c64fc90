"""``docs/columns.md`` documents every declared column and is up to date with the schemas."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "gen_columns_doc.py"

pytestmark = pytest.mark.filterwarnings("ignore::toolkit.PluginLoadWarning")


@pytest.fixture(scope="module")
def gen():
    spec = importlib.util.spec_from_file_location("gen_columns_doc", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_columns_doc"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sections(gen):
    return gen.sections()


def test_every_builtin_table_is_documented(sections):
    titles = " ".join(s.title for s in sections)
    for table in ("claims", "speakers", "clusters", "stories", "figures", "figure_comparison", "timeline", "events"):
        assert f"table `{table}`" in titles, titles
    assert sections[0].title == "The snippet frame" and "text" in sections[0].columns


def test_every_declared_column_has_a_meaning(gen, sections):
    missing = gen.undocumented(sections)
    assert not missing, "columns without a one-line meaning in their schema.py *_DOCS dict: " + ", ".join(missing)


def test_no_meaning_documents_a_column_that_is_not_declared(sections):
    extra = [f"{s.title}: {c}" for s in sections for c in s.docs if c not in s.columns]
    assert not extra, "meanings of columns no schema declares: " + ", ".join(extra)


def test_columns_md_is_up_to_date(gen, sections):
    text = gen.render(sections)
    assert gen.TARGET.read_text(encoding="utf-8") == text, "docs/columns.md is stale: run scripts/gen_columns_doc.py"


def test_the_terms_a_reader_needs_are_explained(gen, sections):
    text = gen.render(sections)
    for term in ("`2024-SU`", "`XXXX-WXX-2`", "**relative**", "**granularity**", "**speaker_type**", "**truncated**"):
        assert term in text
    assert "| `start` | `Int64` | start offset" in text  # offsets documented as such
