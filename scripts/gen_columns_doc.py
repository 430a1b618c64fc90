"""Write ``docs/columns.md``: every column of the snippet frame and of every built-in analysis's
tables, with its dtype and its one-line meaning, from the declared schemas.

    python scripts/gen_columns_doc.py            # rewrite docs/columns.md
    python scripts/gen_columns_doc.py --check    # exit 1 when docs/columns.md is stale

Dtypes come from the analyses' specs (what the pipeline checks outputs against); meanings from the
``*_DOCS`` dicts next to the ``*_COLUMNS`` dicts in each plugin's ``schema.py`` (and in
``toolkit/schema.py`` for the snippet frame). A column with no meaning is listed as
``(undocumented)`` and named by :func:`undocumented`; ``tests/test_columns_doc.py`` fails on it.
Only the built-in plugins are documented, so an extra plugin installed locally does not change
the file.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "columns.md"
UNDOCUMENTED = "(undocumented)"

TERMS = """\
## Terms used above

- **offsets** — `start`/`end` (and `speaker_start`, `content_start`, `counted_start`, ...) are
  character offsets into the snippet's `text`, start inclusive, end exclusive:
  `text[start:end]` is the span exactly.
- **TIMEX3 values** (the timeline's `value`): `2024-12-26` a day; `2024-12-26T14:30Z` a time
  (Z = UTC); `2024-12-27TMO` a part of a day (MO/AF/EV/NI = morning, afternoon, evening, night);
  `2024-W51` an ISO week, `2024-W51-WE` its weekend; `2024-12` a month; `2024-Q3` a quarter;
  `2024-H2` a half-year; `2024-SU` a season (SP/SU/FA/WI = spring, summer, autumn, winter);
  `2024` a year; `199X` a decade; `19` a century (the 20th); `P10D` a duration (ten days);
  `PRESENT_REF` now. `X` stands for what the snippet does not say and no reference date could
  fill: `XXXX-12-26` is 26 December of an unknown year, `XXXX-WXX-2` a Tuesday of an unknown week.
- **granularity** — the unit of a date value: day, time, week, weekend, month, quarter, half,
  season, year, decade, century, duration, or ref (now and vague references).
- **relative** — true when a date was resolved against a reference date (the snippet's
  publication day, else the `reference_date` parameter): "Friday", "last week", "26 December"
  with no year; false for a date the text states in full ("26 December 2024").
- **speaker_type** — what kind of speaker a claim has: person, body (an organisation or
  institution), group (unnamed people: "officials"), other, or pronoun (a "he"/"she" that could
  not be resolved to a name).
- **truncated** — the snippet was cut off inside the item: a quote with no closing mark before
  the snippet's end, a number cut short ("over 1,"). Its content or value is incomplete.
- **missing values** — empty cells in CSV (the manifest keeps the dtypes), `null` in JSON Lines,
  null in Parquet.
"""


@dataclass(frozen=True)
class Section:
    title: str
    note: str
    columns: dict[str, str]  # column -> dtype
    docs: dict[str, str]  # column -> meaning


def _docs_for(schema: ModuleType, columns: Mapping[str, str], name: str) -> dict[str, str]:
    """The ``X_DOCS`` dict beside the ``X_COLUMNS`` dict equal to ``columns``, else ``<NAME>_DOCS``."""
    for attr, value in vars(schema).items():
        if attr.endswith("_COLUMNS") and isinstance(value, Mapping) and dict(value) == dict(columns):
            docs = getattr(schema, attr[: -len("_COLUMNS")] + "_DOCS", None)
            if isinstance(docs, Mapping):
                return dict(docs)
    docs = getattr(schema, f"{name.upper()}_DOCS", None)
    return dict(docs) if isinstance(docs, Mapping) else {}


def _schema_module(spec: Any) -> ModuleType | None:
    for func in (spec.combine, spec.extract, spec.func):
        module = getattr(func, "__module__", "") or ""
        if module and not module.startswith("toolkit."):
            try:
                return importlib.import_module(module.split(".")[0] + ".schema")
            except ImportError:
                return None
    return None


def sections() -> list[Section]:
    """The snippet frame, then each built-in analysis's snippet columns and tables, in registry order."""
    import toolkit
    from toolkit import schema as core

    frame_docs = _docs_for(core, core.SNIPPET_COLUMNS, "snippet")
    out = [
        Section(
            "The snippet frame",
            f"Indexed by `{core.INDEX}` (unique strings); defined in `toolkit/schema.py`.",
            dict(core.SNIPPET_COLUMNS),
            frame_docs,
        )
    ]
    registry = toolkit.default_registry()
    plugins = toolkit.list_plugins()
    builtin = set(plugins.loc[plugins["builtin"].astype(bool), "name"])
    for name, spec in registry.analyses.items():
        plugin = registry.plugin_of(name)
        if plugin not in builtin:
            continue
        schema = _schema_module(spec)
        where = f"`plugins/{schema.__name__.replace('.', '/')}.py`" if schema else "its plugin"
        if spec.columns:
            docs = _docs_for(schema, spec.columns, name) if schema else {}
            out.append(
                Section(f"`{name}`: snippet columns", f"Added to the snippet frame; {where}.", dict(spec.columns), docs)
            )
        for table, columns in spec.tables.items():
            docs = _docs_for(schema, columns, table) if schema else {}
            out.append(Section(f"`{name}`: table `{table}`", f"`{table}.*`; {where}.", dict(columns), docs))
    return out


def undocumented(found: list[Section] | None = None) -> list[str]:
    """``section: column`` for every declared column without a one-line meaning."""
    return [
        f"{s.title.replace('`', '')}: {column}"
        for s in (sections() if found is None else found)
        for column in s.columns
        if not str(s.docs.get(column, "")).strip()
    ]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render(found: list[Section] | None = None) -> str:
    lines = [
        "# Columns",
        "",
        "Every column of the snippet frame and of the built-in analyses' tables: its dtype and what it",
        "means. Generated by `scripts/gen_columns_doc.py` from the declared schemas (the `*_COLUMNS` and",
        "`*_DOCS` dicts in each `schema.py`); do not edit by hand. `tests/test_columns_doc.py` fails when",
        "a column has no meaning or this file is stale.",
        "",
    ]
    for section in sections() if found is None else found:
        lines += [f"## {section.title}", "", section.note, "", "| column | dtype | meaning |", "|---|---|---|"]
        for column, dtype in section.columns.items():
            meaning = _cell(str(section.docs.get(column, "")).strip() or UNDOCUMENTED)
            lines.append(f"| `{column}` | `{dtype}` | {meaning} |")
        lines.append("")
    return "\n".join(lines) + "\n" + TERMS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/columns.md is stale")
    args = parser.parse_args(argv)
    found = sections()
    text = render(found)
    missing = undocumented(found)
    if missing:
        print("undocumented columns:\n  " + "\n  ".join(missing), file=sys.stderr)
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is stale: run python scripts/gen_columns_doc.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET} ({sum(len(s.columns) for s in found)} columns, {len(missing)} undocumented)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
