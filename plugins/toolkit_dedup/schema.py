"""The dedup plugin's output columns and tables, defined once (contract names first, extras after)."""

from __future__ import annotations

#: Snippet columns added by the ``dedup`` analysis.
DEDUP_COLUMNS: dict[str, str] = {
    "cluster_id": "string",
    "representative": "boolean",
    "duplicate_of": "string",
    "similarity": "Float64",
    # extras
    "match": "string",  # how the snippet joined its cluster: exact, prefix, near, paraphrase
}

#: One row per dedup group (singletons included).
CLUSTERS_COLUMNS: dict[str, str] = {
    "cluster_id": "string",
    "size": "Int64",
    "representative_id": "string",
    "n_sources": "Int64",
    "first_published": "datetime64[ns, UTC]",
    "last_published": "datetime64[ns, UTC]",
    # extras
    "snippet_id": "string",  # the representative, so the table joins back to the snippets
    "min_similarity": "Float64",
    "level": "string",
}

#: Snippet column added by the ``stories`` analysis.
STORY_COLUMNS: dict[str, str] = {"story_id": "string"}

#: One row per story.
STORIES_COLUMNS: dict[str, str] = {
    "story_id": "string",
    "size": "Int64",
    "representative_id": "string",
    "n_clusters": "Int64",
    "n_sources": "Int64",
    "first_published": "datetime64[ns, UTC]",
    "last_published": "datetime64[ns, UTC]",
    "snippet_id": "string",
    "method": "string",
}
