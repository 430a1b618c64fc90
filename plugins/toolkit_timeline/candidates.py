"""Where temporal expressions may start, found for many texts with one regex call per chunk.

The grammar's trigger (:func:`toolkit_timeline.grammar.build_trigger`) is a non-word character
followed by a look-ahead on what an expression can start with; the extractor tries its full pattern
only at the positions it finds. Scanning each snippet on its own costs a regex call, a list and a
loop per snippet, most of which find nothing (issue 14.1: a third of a news pile has no candidate
at all). Here the texts are joined with NUL between them and scanned in chunks:

* NUL is a non-word character that no part of the trigger's look-ahead can match (it reads only
  digits, quotes, letters and white space), so no look-ahead reads past a text's end into the next
  text, and every condition at a text's end sees what it sees at the end of a string;
* a NUL before each text plays the part of the start of the string: the trigger fires at a text's
  first character exactly when ``trigger_at_start`` matches it.

So each text gets the same positions as ``[m.start() + 1 for m in trigger.finditer(text)]`` (plus 0
when ``trigger_at_start`` matches), and texts without any are skipped before any per-text work.
Chunks bound the joined string's memory (a few MB, whatever the number of snippets).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

import numpy as np

SEPARATOR = "\x00"
#: Texts per joined string: large enough that the per-call cost vanishes, small enough to stay a few MB.
CHUNK = 2048


def candidates(trigger: re.Pattern[str], texts: Sequence[str], chunk: int = CHUNK) -> Iterator[tuple[int, list[int]]]:
    """``(i, positions)`` for each text ``texts[i]`` where an expression may start, in order;
    texts with no such position are left out."""
    for lo in range(0, len(texts), chunk):
        part = texts[lo : lo + chunk]
        joined = SEPARATOR + SEPARATOR.join(part)
        found = [m.start() + 1 for m in trigger.finditer(joined)]
        if not found:
            continue
        lengths = np.fromiter((len(t) + 1 for t in part), dtype=np.int64, count=len(part))
        starts = np.cumsum(lengths) - lengths + 1  # where each text begins in ``joined``
        pos = np.asarray(found, dtype=np.int64)
        which = np.searchsorted(starts, pos, side="right") - 1
        local = (pos - starts[which]).tolist()
        bounds = [0, *(np.flatnonzero(np.diff(which)) + 1).tolist(), len(found)]
        owners = which.tolist()
        for a, b in itertools.pairwise(bounds):
            yield lo + owners[a], local[a:b]
