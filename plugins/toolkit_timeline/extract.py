"""The per-snippet engine: find the temporal expressions of one text and normalise them against a
reference date. Usable on a plain string::

    >>> from toolkit_timeline.extract import extract
    >>> [(m.value, m.granularity) for m in extract("Talks resume on Friday.", "2024-12-27")]
    [('2024-12-27', 'day')]

Resolution rules (all documented in the plugin's README):

* absolute forms (``26 December 2024``, ``2024-12-26``, ``12/26/2024``, ``March 2020``, ``2023``,
  ``the 1990s``) need no reference;
* a month and day with no year takes the year that puts it closest to the reference;
* a weekday is resolved by the tense of its clause: past → the latest such day on or before the
  reference, future → the first on or after it, present → the nearest; ``last``/``next``/``this``
  override the tense;
* with no reference, relative expressions keep ``X`` placeholders (``XXXX-12-26``,
  ``XXXX-WXX-5``) or a null value, and never a guessed date.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import pandas as pd

from toolkit_timeline.candidates import candidates
from toolkit_timeline.context import Sentences, clause, directed, tense
from toolkit_timeline.grammar import Grammar, grammar
from toolkit_timeline.handlers import HANDLERS, Scan
from toolkit_timeline.mention import Mention, Options

__all__ = ["HANDLERS", "Extractor", "Mention", "Options", "Sentences", "clause", "directed", "extract", "tense"]


class Extractor:
    """Extraction with one grammar and one set of options: immutable, so one instance can be shared
    by threads (each call keeps its state in a fresh :class:`~toolkit_timeline.handlers.Scan`)."""

    __slots__ = ("g", "o")

    def __init__(self, g: Grammar | None = None, options: Options | None = None):
        self.g = g if g is not None else grammar()
        self.o = options if options is not None else Options()

    def extract(self, text: str, ref: date | None, events: bool = True) -> list[Mention]:
        """The expressions of ``text`` resolved against ``ref`` (with their clause when ``events``)."""
        return Scan(self.g, self.o, text).run(text, ref, events)

    def extract_many(
        self, texts: Sequence[str], refs: Sequence[date | None], events: bool = True
    ) -> Iterator[tuple[int, list[Mention]]]:
        """``(i, mentions)`` for each ``texts[i]`` that has expressions (resolved against ``refs[i]``),
        in order: what :meth:`extract` gives text by text, with the trigger scanned over many texts
        per call and no per-text work for texts it finds nothing in."""
        g, o = self.g, self.o
        for i, starts in candidates(g.trigger, texts, start_filter=g.starts):
            text = texts[i]
            found = Scan(g, o, text).run(text, refs[i], events, starts)
            if found:
                yield i, found


def as_reference(value: Any) -> date | None:
    """An ISO date (or timestamp) string, a date, or None; anything else is a clear ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, date):
        return value
    try:
        ts = pd.Timestamp(str(value).strip())
    except (ValueError, TypeError) as exc:
        raise ValueError(f"reference_date {value!r} is not an ISO date (e.g. 2024-12-27)") from exc
    if pd.isna(ts):
        raise ValueError(f"reference_date {value!r} is not an ISO date (e.g. 2024-12-27)")
    return ts.date()


def extract(
    text: str, reference: date | str | None = None, *, extra_lexicon: dict[str, Any] | None = None, **options: Any
) -> list[Mention]:
    """The temporal expressions of ``text``, resolved against ``reference`` (a date or ISO string).

    ``options`` are the fields of :class:`Options` (``present``, ``vague``, ``default_tense``...).
    """
    return Extractor(grammar(extra_lexicon), Options(**options)).extract(text, as_reference(reference))
