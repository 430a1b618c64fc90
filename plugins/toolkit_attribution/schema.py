"""The tables the attribution plugin produces: column -> dtype, contract columns first.

``speakers.n_sources`` counts the distinct outlets (``source``) of a speaker's snippets and is
``<NA>`` (nullable ``Int64``) when none of those snippets has a known source: a frame without a
``source`` column, or only missing values, says nothing about outlets, so it is not 0.
"""

from __future__ import annotations

#: One row per attributed statement. The first twelve columns are the contract of DESIGN.md.
CLAIMS_COLUMNS: dict[str, str] = {
    "claim_id": "string",
    "snippet_id": "string",
    "speaker": "string",
    "speaker_canonical": "string",
    "cue": "string",
    "content": "string",
    "kind": "string",  # direct | indirect | according_to
    "speaker_start": "Int64",
    "speaker_end": "Int64",
    "content_start": "Int64",
    "content_end": "Int64",
    "confidence": "Float64",
    # extras
    "speaker_role": "string",  # the role set off next to the name: "Ukraine's ambassador to South Korea"
    "speaker_type": "string",  # person | body | group | other | pronoun (an unresolved one)
    "cue_start": "Int64",
    "cue_end": "Int64",
    "resolved_from": "string",  # the pronoun as written when the speaker was resolved from one
    "truncated": "boolean",  # the quoted content runs to the snippet's end without a closing mark
}

#: One row per canonical speaker.
SPEAKERS_COLUMNS: dict[str, str] = {
    "speaker_canonical": "string",
    "aliases": "object",  # list of every speaker string seen for it
    "n_claims": "Int64",
    "n_snippets": "Int64",
    # distinct outlets (the snippet frame's `source`) among its snippets; <NA> when none of them
    # has a known source (no `source` column, or only missing values), like dedup's "unknown"
    "n_sources": "Int64",
    # extras
    "snippet_id": "string",  # the first snippet it speaks in (every table joins back to a snippet)
    "speaker_type": "string",
}
