"""Built-in dedup plugin: copies, near-copies and paraphrases grouped, one representative each.

Registers two analyses:

- ``dedup`` adds ``cluster_id``, ``representative``, ``duplicate_of``, ``similarity`` (and
  ``match``) to the snippets and fills the ``clusters`` table;
- ``stories`` adds ``story_id``: snippets about the same event even when they report different
  facts, and fills the ``stories`` table.
"""

from __future__ import annotations

from toolkit import AnalysisSpec, hookimpl
from toolkit_dedup.core import DedupParams, dedup
from toolkit_dedup.schema import CLUSTERS_COLUMNS, DEDUP_COLUMNS, STORIES_COLUMNS, STORY_COLUMNS
from toolkit_dedup.stories import StoryParams, stories
from toolkit_dedup.views import register_views  # the cluster browser (a register_views hookimpl)

__all__ = ["DedupParams", "StoryParams", "dedup", "register_analyses", "register_views", "stories"]


@hookimpl
def register_analyses(register):
    register(
        AnalysisSpec(
            name="dedup",
            func=dedup,
            params=DedupParams,
            requires=("text",),
            columns=DEDUP_COLUMNS,
            tables={"clusters": CLUSTERS_COLUMNS},
            scope="collection",
            description="Copies, near-copies and paraphrases grouped, one representative per cluster.",
        )
    )
    register(
        AnalysisSpec(
            name="stories",
            func=stories,
            params=StoryParams,
            requires=("text",),
            uses=("dedup",),
            columns=STORY_COLUMNS,
            tables={"stories": STORIES_COLUMNS},
            scope="collection",
            # Off unless asked for: it loads a sentence-embedding model (the [embeddings] extra).
            default=False,
            description="Snippets about the same event grouped into stories, even when the facts differ.",
        )
    )
