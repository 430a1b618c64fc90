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

#: Input column names accepted for the id when none is named explicitly, in order of preference.
ID_CANDIDATES = ("snippet_id", "id")

#: Output formats ``Result.to_dir`` writes and ``Result.from_dir`` reads.
OUTPUT_FORMATS = ("parquet", "csv", "jsonl")
