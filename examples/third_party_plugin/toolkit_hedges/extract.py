"""The per-snippet engine: hedging phrases in one plain string.

    >>> from toolkit_hedges.extract import find_hedges_in
    >>> find_hedges_in("The soldier reportedly died.")
    [('reportedly', 12, 22)]

The phrase list is ``data/hedges.txt``; the pattern is one trie-shaped alternation
(:func:`toolkit.text.trie_regex`), so a scan is linear in the text whatever the list's length.
Compiled patterns are cached per (extra terms, case) and immutable: safe from several threads.
"""

from __future__ import annotations

import re
from functools import lru_cache

from toolkit.text import read_lines, trie_regex

HEDGES: tuple[str, ...] = tuple(read_lines("toolkit_hedges", "hedges.txt"))


@lru_cache(maxsize=32)
def hedge_pattern(extra_terms: tuple[str, ...] = (), case_sensitive: bool = False) -> re.Pattern[str]:
    """The compiled pattern of the built-in phrases plus ``extra_terms``, as whole words."""
    words = {*HEDGES, *(t.strip() for t in extra_terms if t.strip())}
    return re.compile(r"\b(?:" + trie_regex(words, ignore_case=not case_sensitive) + r")\b")


def find_hedges_in(
    text: str, extra_terms: tuple[str, ...] = (), case_sensitive: bool = False
) -> list[tuple[str, int, int]]:
    """Every hedging phrase in ``text``: (phrase as written, start, end), in text order."""
    return [(m.group(0), m.start(), m.end()) for m in hedge_pattern(extra_terms, case_sensitive).finditer(text)]
