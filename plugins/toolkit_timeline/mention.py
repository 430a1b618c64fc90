"""The record the extractor returns for each temporal expression, and the extractor's options."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    value: str | None
    granularity: str
    date_start: date | None
    date_end: date | None
    relative: bool
    kind: str
    mod: str | None = None
    time_of_day: str | None = None
    timezone: str | None = None
    event: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Options:
    vague: bool = False
    present: bool = True
    min_year: int = 1800
    max_year: int = 2100
    day_first: bool = False
    default_tense: str = "past"


# ---------------------------------------------------------------------------------------------
# Context helpers
