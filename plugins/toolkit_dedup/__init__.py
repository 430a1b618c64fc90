"""Built-in dedup plugin: copies, near-copies and same-fact reports grouped; snippets grouped into stories.

Registration only (the template of every plugin): the analyses live in
:mod:`toolkit_dedup.analysis`, the per-snippet engine in :mod:`toolkit_dedup.extract`, the columns
in :mod:`toolkit_dedup.schema`, the notebook view in :mod:`toolkit_dedup.views`.

- ``dedup`` adds ``cluster_id``, ``representative``, ``duplicate_of``, ``similarity`` and ``match``
  to the snippets and fills the ``clusters`` table;
- ``stories`` (on by default, no model) adds ``story_id``: snippets about the same event even when
  they report different facts, and fills the ``stories`` table.
"""

from __future__ import annotations

from collections.abc import Callable

from toolkit import AnalysisSpec, hookimpl
from toolkit_dedup.analysis import (
    DedupParams,
    StoryParams,
    dedup,
    dedup_combine,
    dedup_extract,
    stories,
    stories_combine,
    stories_extract,
)
from toolkit_dedup.dask_plan import dedup_plan, stories_plan
from toolkit_dedup.schema import CLUSTERS_COLUMNS, DEDUP_COLUMNS, STORIES_COLUMNS, STORY_COLUMNS
from toolkit_dedup.views import register_views  # the cluster browser (a register_views hookimpl)

__all__ = ["DedupParams", "StoryParams", "dedup", "register_analyses", "register_views", "stories"]


@hookimpl
def register_analyses(register: Callable[[AnalysisSpec], None]) -> None:
    register(
        AnalysisSpec(
            name="dedup",
            extract=dedup_extract,
            combine=dedup_combine,
            combine_dask=dedup_plan,
            params=DedupParams,
            requires=("text",),
            columns=DEDUP_COLUMNS,
            tables={"clusters": CLUSTERS_COLUMNS},
            scope="collection",
            description="Copies, near-copies and same-fact reports grouped, one representative per cluster.",
        )
    )
    register(
        AnalysisSpec(
            name="stories",
            extract=stories_extract,
            combine=stories_combine,
            combine_dask=stories_plan,
            params=StoryParams,
            requires=("text",),
            uses=("dedup",),
            columns=STORY_COLUMNS,
            tables={"stories": STORIES_COLUMNS},
            scope="collection",
            run_by_default=True,
            description="Snippets about the same event grouped into stories (lexical, no model; embeddings optional).",
        )
    )
