"""The dedup plugin's output columns and tables, defined once (contract names first, extras after),
each column next to a one-line meaning (``<TABLE>_DOCS``; ``docs/columns.md`` is generated from them)."""

from __future__ import annotations

#: Snippet columns added by the ``dedup`` analysis.
DEDUP_COLUMNS: dict[str, str] = {
    "cluster_id": "string",
    "representative": "boolean",
    "duplicate_of": "string",
    "similarity": "Float64",
    # extras
    "match": "string",
}
DEDUP_DOCS: dict[str, str] = {
    "cluster_id": "the snippet's dedup cluster: `c:` + the id of the cluster's representative snippet",
    "representative": "true for the one snippet that stands for its cluster",
    "duplicate_of": "the representative's snippet id (missing for representatives)",
    "similarity": "similarity to the representative: 1 for the same normalised text; near level the larger of "
    "estimated shingle Jaccard and containment; fact/paraphrase level the pair score (missing for missing text)",
    "match": "how the snippet joined its cluster: `exact`, `prefix`, `near`, `fact` or `paraphrase` "
    "(missing for representatives)",
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
    "snippet_id": "string",
    "min_similarity": "Float64",
    "level": "string",
}
CLUSTERS_DOCS: dict[str, str] = {
    "cluster_id": "the cluster (`c:` + its representative's snippet id)",
    "size": "number of snippets in the cluster",
    "representative_id": "snippet id of the representative (earliest published, then complete, then longest, "
    "then smallest id)",
    "n_sources": "distinct outlets among the members (missing when no member has a source)",
    "first_published": "earliest publication time among the members",
    "last_published": "latest publication time among the members",
    "snippet_id": "the representative's snippet id, so the table joins back to the snippets",
    "min_similarity": "lowest member similarity to the representative",
    "level": "the dedup level that made the cluster: `exact`, `near`, `fact` or `paraphrase`",
}

#: Snippet column added by the ``stories`` analysis.
STORY_COLUMNS: dict[str, str] = {"story_id": "string"}
STORY_DOCS: dict[str, str] = {
    "story_id": "the snippet's story (same event or topic): `s:` + the id of the story's representative snippet",
}

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
STORIES_DOCS: dict[str, str] = {
    "story_id": "the story (`s:` + its representative's snippet id)",
    "size": "number of snippets in the story",
    "representative_id": "snippet id of the story's representative (earliest published, then complete, then "
    "longest, then smallest id)",
    "n_clusters": "number of dedup clusters (or distinct texts) in the story",
    "n_sources": "distinct outlets in the story (missing when no snippet has a source)",
    "first_published": "earliest publication time in the story",
    "last_published": "latest publication time in the story",
    "snippet_id": "the representative's snippet id, so the table joins back to the snippets",
    "method": "how the stories were grouped: `lexical` or `embeddings`",
}
