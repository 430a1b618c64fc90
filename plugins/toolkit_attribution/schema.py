"""The tables the attribution plugin produces: column -> dtype (contract columns first), and
column -> one-line meaning (``CLAIMS_DOCS``, ``SPEAKERS_DOCS``; ``docs/columns.md`` is built from them).

``speakers.n_sources`` counts the distinct outlets (``source``) of a speaker's snippets and is
``<NA>`` (nullable ``Int64``) when none of those snippets has a known source: a frame without a
``source`` column, or only missing values, says nothing about outlets, so it is not 0.
"""

from __future__ import annotations

#: One row per attributed statement. The first twelve columns are the contract of docs/contract.md.
CLAIMS_COLUMNS: dict[str, str] = {
    "claim_id": "string",
    "snippet_id": "string",
    "speaker": "string",
    "speaker_canonical": "string",
    "cue": "string",
    "content": "string",
    "kind": "string",
    "speaker_start": "Int64",
    "speaker_end": "Int64",
    "content_start": "Int64",
    "content_end": "Int64",
    "confidence": "Float64",
    # extras
    "speaker_role": "string",
    "speaker_type": "string",
    "cue_start": "Int64",
    "cue_end": "Int64",
    "resolved_from": "string",
    "truncated": "boolean",
    "antecedent": "string",
}

CLAIMS_DOCS: dict[str, str] = {
    "claim_id": "id of the claim: `<snippet_id>:c<n>`, n counting the snippet's claims in text order",
    "snippet_id": "the snippet the claim is in",
    "speaker": "the speaker as written, pronouns included ('he', 'the ministry', 'Fed Chair Jerome Powell')",
    "speaker_canonical": (
        "one name per speaker across the collection ('Jerome Powell'; a pronoun's antecedent; "
        "<NA> for an unresolved pronoun or a document with no named issuer)"
    ),
    "cue": "the words that mark the report ('said', 'according to', 'said in a statement')",
    "content": "what was said: the quote without its marks, or the reported clause",
    "kind": "direct (a quote) | indirect (a reported clause) | according_to (a sourcing phrase)",
    "speaker_start": "start offset of the speaker span in `text`",
    "speaker_end": "end offset (exclusive) of the speaker span in `text`",
    "content_start": "start offset of the content span in `text`",
    "content_end": "end offset (exclusive) of the content span in `text`",
    "confidence": "how sure the rule that found the claim is, 0..1 (quotes with a verb highest)",
    "speaker_role": "the role set off next to the name ('Ukraine's ambassador to South Korea'), if any",
    "speaker_type": (
        "person | body | group | other (a description) | document (a document with no issuer named) "
        "| pronoun (unresolved)"
    ),
    "cue_start": "start offset of the cue span in `text`",
    "cue_end": "end offset (exclusive) of the cue span in `text`",
    "resolved_from": "the pronoun as written when the speaker was resolved within the snippet",
    "truncated": "the quoted content runs to the snippet's end without a closing mark",
    "antecedent": "the name a pronoun speaker refers to, as written in the same snippet (<NA> otherwise)",
}

#: One row per canonical speaker.
SPEAKERS_COLUMNS: dict[str, str] = {
    "speaker_canonical": "string",
    "aliases": "object",
    "n_claims": "Int64",
    "n_snippets": "Int64",
    "n_sources": "Int64",
    # extras
    "snippet_id": "string",
    "speaker_type": "string",
}

SPEAKERS_DOCS: dict[str, str] = {
    "speaker_canonical": "the speaker's canonical name (the claims' `speaker_canonical`)",
    "aliases": "sorted list of every way the speaker was written (a pronoun's antecedent, not the pronoun)",
    "n_claims": "how many claims it has",
    "n_snippets": "how many snippets it speaks in",
    "n_sources": "distinct outlets (`source`) among its snippets; <NA> when none of them has a known source",
    "snippet_id": "the first snippet it speaks in (every table joins back to a snippet)",
    "speaker_type": "its most frequent `speaker_type` (ties: alphabetical)",
}
