"""The contract kit over every installed analysis (built-ins and any installed third-party plugin).

Each analysis gets the tables it requires from a run of the analyses that provide them; one that
needs an extra which is not installed is skipped with the reason.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import toolkit
from toolkit.errors import AnalysisError
from toolkit.testing import check_analysis, news_frame, sample_frame


def installed() -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sorted(toolkit.default_registry().analyses)


def providers_of(name: str) -> list[str]:
    """The analyses that make the tables ``name`` requires, and theirs (in no particular order)."""
    registry = toolkit.default_registry()
    found: list[str] = []
    todo = [name]
    while todo:
        for table in registry.analysis(todo.pop()).requires_tables:
            provider = registry.providers(table, table=True)[0]
            if provider not in found:
                found.append(provider)
                todo.append(provider)
    return found


def skip_if_an_extra_is_missing(name: str, error: AnalysisError) -> None:
    if isinstance(error.cause, ImportError):
        pytest.skip(f"{name} needs an extra that is not installed: {error.cause}")


FRAMES = {"sample": sample_frame, "news": lambda: news_frame(40)}


@pytest.mark.parametrize("frame_kind", list(FRAMES))
@pytest.mark.parametrize("name", installed())
def test_every_installed_analysis_follows_the_contract(name, frame_kind):
    registry = toolkit.default_registry()
    spec = registry.analysis(name)
    frame = FRAMES[frame_kind]()
    tables: dict[str, pd.DataFrame] = {}
    try:
        providers = providers_of(name)
        if providers:
            tables = dict(toolkit.run(frame, providers, registry=registry).tables)
        check_analysis(spec, frame, tables=tables)
    except AnalysisError as error:
        skip_if_an_extra_is_missing(name, error)
        raise
