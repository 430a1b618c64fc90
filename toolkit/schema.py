"""The snippet frame's columns and dtypes: the one place they are defined.

Each analysis defines the columns of its own tables in its plugin's ``schema.py``
(``plugins/toolkit_*/schema.py``); ``toolkit.list_analyses()`` shows them all.
"""

from __future__ import annotations

INDEX = "snippet_id"

#: Contract columns of the snippet frame, in order, with their pandas dtypes. Only ``text`` is
#: required in the input; the others are added (all missing) when absent.
SNIPPET_COLUMNS: dict[str, str] = {
    "text": "string",
    "source": "string",
    "url": "string",
    "published_at": "datetime64[ns, UTC]",
    "title": "string",
}

#: One line of meaning per snippet-frame column (``docs/columns.md`` is generated from it).
SNIPPET_DOCS: dict[str, str] = {
    "text": "the snippet's text as read (invalid bytes and lone surrogates replaced by U+FFFD); every span offset "
    "of every table slices this string",
    "source": "the outlet that published the snippet (as given in the input; missing when unknown)",
    "url": "the snippet's web address as given (shown as a link only when it is http or https)",
    "published_at": "publication time in UTC (naive input times are taken as UTC); the reference date for "
    "relative dates such as 'on Friday'",
    "title": "the article's headline when the input has one",
}

#: Input column names accepted for the id when none is named explicitly, in order of preference.
ID_CANDIDATES = ("snippet_id", "id")

#: Output formats ``Result.to_dir`` writes and ``Result.from_dir`` reads.
OUTPUT_FORMATS = ("parquet", "csv", "jsonl")
