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
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from toolkit_timeline import word_automaton
from toolkit_timeline.firsts import prefixes

SEPARATOR = "\x00"
#: Texts per joined string: large enough that the per-call cost vanishes, small enough to stay a few MB.
CHUNK = 2048
#: Joined strings shorter than this are scanned with the trigger alone: the filter's gain is per
#: character, while its per-character patterns cost ~1 ms each to compile on first use (a run of a
#: few snippets, such as a test or a two-snippet comparison, would pay that for nothing).
FILTER_FROM = 50_000


def candidates(
    trigger: re.Pattern[str],
    texts: Sequence[str],
    chunk: int = CHUNK,
    start_filter: StartFilter | None = None,
    filter_from: int = FILTER_FROM,
) -> Iterator[tuple[int, list[int]]]:
    """``(i, positions)`` for each text ``texts[i]`` where an expression may start, in order;
    texts with no such position are left out. With ``start_filter`` (the grammar's :class:`StartFilter`),
    the same positions found with the trigger tried only where its first characters allow (for joined
    strings of ``filter_from`` characters or more)."""
    for lo in range(0, len(texts), chunk):
        part = texts[lo : lo + chunk]
        joined = SEPARATOR + SEPARATOR.join(part)
        found = (
            start_filter.positions(joined)
            if start_filter is not None and start_filter.enabled and len(joined) >= filter_from
            else [m.start() + 1 for m in trigger.finditer(joined)]
        )
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


#: The regex of what ``[^\w]``, ``\d`` and ``\s`` mean, asked of the engine itself for every character
#: met outside ASCII (Unicode digits and spaces), so the filter agrees with the trigger by construction.
_NONWORD, _DIGIT, _SPACE = re.compile(r"[^\w]"), re.compile(r"\d"), re.compile(r"\s")
_QUOTES = "'’"
# bits of a character's flags
_IS_NONWORD, _STARTS, _IS_QUOTE, _IS_DIGIT = 1, 2, 4, 8
#: How every condition of a small word starts (``grammar._trigger_words``: white space, then what follows).
_SPACE_LED = r"\s{1,3}"
#: How many characters the word automaton reads at most (past that, a position is kept).
_DEPTH = 8
#: The most distinct characters the filter's first table is built for (160³ int16 states: 8 MB).
_MAX_CHARS = 158


class StartFilter:
    """What the first three characters of a trigger match must be, tested for every position of a
    joined chunk at once with numpy, so the trigger runs only where it may match (issue 14.1: a
    third of the regex scan's time went to the ~20 % of positions after a non-word character, most
    of them ordinary words no date starts with).

    A position ``p`` is kept when ``p - 1`` is a non-word character and ``p`` starts one of the
    trigger's branches (:func:`toolkit_timeline.grammar.build_trigger`): a digit (``\\d(...)`` and
    the spelled digit-initial entries), a quote and a digit (``['’]\\d\\d``), or a trie word — each
    character in that word's ``[xX]`` class — followed by the first characters of one of the word's
    conditions (:func:`toolkit_timeline.firsts.prefixes`: "the" needs white space and "pa"st,
    "fi"rst quarter..., "end" a dash), ``_DEPTH`` characters in all. They are read by an automaton
    (:mod:`toolkit_timeline.word_automaton`): its state after the first three characters from one
    table look-up for every position, then one numpy step per further character for the positions
    still inside a sequence. These are necessary conditions of the trigger, so the positions kept and
    then confirmed by the trigger (only its branches that can start with the position's character:
    ``trigger_for(ch)``) are exactly the trigger's positions (hypothesis tests and the corpora check
    it). Reading words and what follows them leaves a third of the positions a three-character table
    kept for the trigger to confirm ("company", "in which", "the government": issue 14.1).
    ``space_led`` is not needed any more (the conditions say it) and is kept for the signature.
    """

    __slots__ = (
        "_ascii_info",
        "_by_lower",
        "_firsts",
        "_ids",
        "_tables",
        "_trigger_for",
        "_verify",
        "_words",
        "enabled",
    )

    def __init__(
        self, words: dict[str, list[str]], space_led: set[str], spelled: list[str], trigger_for: Callable[[str], str]
    ):
        self._trigger_for = trigger_for
        self._verify: dict[str, Callable[[str, int], re.Match[str] | None]] = {}  # compiled on first use
        self._firsts = frozenset(e[0] for e in spelled)
        by_lower: dict[str, set[str]] = {}
        for w in words:
            by_lower.setdefault(w.lower(), set()).add(w)
        # ids: 0 any other character, 1 white space, 2.. the characters of the trie words
        chars = sorted({ch for low in by_lower for c in low for ch in trie_class(c)})
        #: Whether the filter is built: its first table grows with the cube of the words' characters
        #: (55 for the shipped lexicon); an extra lexicon with hundreds (another script) is scanned
        #: with the trigger alone rather than with a table of hundreds of MB.
        self.enabled = len(chars) <= _MAX_CHARS
        if not self.enabled:
            chars, by_lower = [], {}
        self._ids = {ch: k + 2 for k, ch in enumerate(chars)}
        self._words, self._by_lower = words, by_lower
        self._tables: tuple[np.ndarray, np.ndarray] | None = None  # the word automaton, built on first use
        # uint16: ids stay below 256 (``_MAX_CHARS``), flags take the low byte; half the memory traffic of uint32
        self._ascii_info = np.array([self._info(chr(c)) for c in range(128)], dtype=np.uint16)

    def _automaton(self) -> tuple[np.ndarray, np.ndarray]:
        """The word automaton's tables (:func:`toolkit_timeline.word_automaton.build`), built on first use
        (~0.06 s: runs too small for the filter never pay it). Immutable once built; two threads building
        it at once build the same tables."""
        tables = self._tables
        if tables is None:
            sequences = [seq for low, keys in self._by_lower.items() for seq in self._sequences(low, keys, self._words)]
            tables = self._tables = word_automaton.build(sequences, len(self._ids) + 2, _DEPTH)
        return tables

    def _sequences(self, low: str, keys: set[str], words: dict[str, list[str]]) -> list[list[frozenset[int]]]:
        """What a position must read to begin the lower-cased trie word ``low`` (``keys``: its spellings
        in ``words``): its ``[xX]`` classes, then the first characters of one of its conditions
        (:func:`toolkit_timeline.firsts.prefixes`, up to ``_DEPTH`` characters in all: "the" + white
        space + "pa"st, "end" + "-"). White space and characters outside the words' alphabet are
        always let through where a condition reads a character (they have no id of their own)."""
        word = [frozenset(self._ids[ch] for ch in trie_class(c)) for c in low]
        room = _DEPTH - len(word)
        if room <= 0:
            return [word]
        every = frozenset(range(len(self._ids) + 2))
        out = []
        for condition in {c for k in keys for c in words[k]}:
            for prefix in prefixes(condition, room):
                out.append(word + [every if cls is None else self._id_class(cls) for cls in prefix])
        return out or [word]

    def _id_class(self, chars: frozenset[str]) -> frozenset[int]:
        return frozenset({0, 1} | {self._ids[ch] for ch in chars if ch in self._ids})

    def _info(self, ch: str) -> int:
        """The character's id (``<< 8``) and flags."""
        return self._ids.get(ch, 1 if _SPACE.match(ch) else 0) << 8 | (
            (_IS_NONWORD if _NONWORD.match(ch) else 0)
            | (_STARTS if _DIGIT.match(ch) or ch in self._firsts else 0)
            | (_IS_QUOTE if ch in _QUOTES else 0)
            | (_IS_DIGIT if _DIGIT.match(ch) else 0)
        )

    def positions(self, joined: str) -> list[int]:
        """The positions ``p`` of ``joined`` where ``[^\\w](?=trigger)`` matches at ``p - 1``, in order."""
        kept, codes = self._kept(joined)
        if not kept.size:
            return []
        # confirmed with the trigger's branches for each first character, one character at a time
        chars = codes[kept]
        order = np.argsort(chars, kind="stable")
        kept, chars = kept[order], chars[order]
        bounds = [0, *(np.flatnonzero(np.diff(chars)) + 1).tolist(), len(kept)]
        found: list[int] = []
        for a, b in itertools.pairwise(bounds):
            match = self._matcher(chr(chars[a]))
            found += [p for p in kept[a:b].tolist() if match(joined, p)]
        found.sort()
        return found

    def kept(self, joined: str) -> list[int]:
        """The positions the filter lets through to the trigger (what :meth:`positions` confirms)."""
        return self._kept(joined)[0].tolist()

    def _kept(self, joined: str) -> tuple[np.ndarray, np.ndarray]:
        """(kept positions, the characters' code points) for :meth:`positions`."""
        # padded so that the automaton can read ``_DEPTH`` characters from the last position
        padded = joined + "\x00" * _DEPTH
        codes = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        # per character: its id << 8 | its flags (``take`` clips wide characters to 127, set just below)
        info = self._ascii_info.take(codes, mode="clip")
        wide = np.flatnonzero(codes > 127)
        if wide.size:
            uniq, inverse = np.unique(codes[wide], return_inverse=True)
            info[wide] = np.array([self._info(chr(c)) for c in uniq.tolist()], dtype=np.uint16)[inverse]
        at = np.flatnonzero(info[: len(joined) - 1] & _IS_NONWORD) + 1  # positions after a non-word character
        first, second, third = info[at], info[at + 1], info[at + 2]
        size = len(self._ids) + 2
        first3, trans = self._automaton()
        state = first3[((first >> 8).astype(np.intp) * size + (second >> 8)) * size + (third >> 8)]
        keep = ((first & _STARTS) != 0) | (((first & _IS_QUOTE) != 0) & ((second & _IS_DIGIT) != 0))
        keep |= state == word_automaton.ACCEPT
        self._walk(trans, info, at, state, keep)
        return at[keep], codes

    def _walk(self, trans: np.ndarray, info: np.ndarray, at: np.ndarray, state: np.ndarray, keep: np.ndarray) -> None:
        """Set ``keep`` where the word automaton, in ``state`` after the first three characters of the
        positions ``at``, accepts when reading on (one numpy step per character, for the positions still
        inside a word: "company", "in a", "the world" are dropped within a few characters)."""
        live = np.flatnonzero((state > word_automaton.ACCEPT) & ~keep)
        state = state[live]
        depth = 3
        while live.size:
            # at most ``_DEPTH`` characters from a position of ``joined``: within its padding
            state = trans[state, info[at[live] + depth] >> 8]
            depth += 1
            keep[live[state == word_automaton.ACCEPT]] = True
            more = state > word_automaton.ACCEPT
            live, state = live[more], state[more]

    def _matcher(self, ch: str) -> Callable[[str, int], re.Match[str] | None]:
        """``match`` of the trigger where the text goes on with ``ch`` (compiled once per character)."""
        match = self._verify.get(ch)
        if match is None:
            match = self._verify[ch] = re.compile(self._trigger_for(ch)).match
        return match


def trie_class(ch: str) -> frozenset[str]:
    """The characters the trigger's trie accepts for the lower-case letter ``ch``
    (:func:`toolkit_timeline.grammar._conditional_trie`: ``[xX]``, or ``x`` itself when uncased)."""
    return frozenset(ch) if ch.lower() == ch.upper() else frozenset(ch + ch.upper())
