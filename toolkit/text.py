"""The text machinery every analysis shares: word-list regexes, package data, sentences, English words.

Plugins used to carry their own copy of each of these; one copy here keeps them consistent and
lets a fix reach every analysis at once. Everything in this module is immutable once imported
(frozensets, read-only mappings, compiled patterns), so it is safe to use from several threads
and processes at once.

- :func:`trie_regex` — one regex alternation of a word list, written as a trie (linear scan).
- :func:`read_json`, :func:`read_lines` — a package's data files under ``<package>/data/``.
- :func:`sentence_spans` — one news-aware sentence splitter.
- :data:`MONTHS`, :data:`WEEKDAYS`, :data:`NUMBER_WORDS`, :data:`TITLES`, :data:`ABBREVIATIONS` —
  plain English word data (``toolkit/data/english.json``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

__all__ = [
    "ABBREVIATIONS",
    "MONTHS",
    "NUMBER_WORDS",
    "TITLES",
    "WEEKDAYS",
    "read_json",
    "read_lines",
    "sentence_spans",
    "trie_regex",
]

# ---------------------------------------------------------------------------------------------
# Word lists as one regex

_Trie = dict[str, Any]  # char -> child node; the key "" marks the end of a word
_NEVER = "(?!)"  # matches nothing: the regex of an empty word list


def trie_regex(words: Iterable[str], *, space: str | None = None, ignore_case: bool = False) -> str:
    """A regex matching exactly ``words``, written as a trie (``t(?:wo|hree|en)``).

    Why a trie: the regex engine settles each position with one character test per level instead
    of trying every word in turn, so a scan stays linear however long the list is. At every branch
    the longer continuation is tried first, so at a given position the longest word wins
    ("per cent" over "per") — add the word boundary you need around it (``\\b(?:...)\\b``).

    :param space: the regex a space inside a word stands for (``r"\\s+"`` lets "per  cent" match);
        by default a space matches one literal space.
    :param ignore_case: match each cased letter in either case, with ``[xX]`` classes (cheaper
        than ``re.IGNORECASE`` for the engine and local to this alternation).
    :returns: a pattern without capturing groups; ``(?!)`` (matches nothing) for no words.
    """
    trie: _Trie = {}
    empty = True
    for word in words:
        empty = False
        node = trie
        for ch in word:
            node = node.setdefault(_fold(ch) if ignore_case else ch, {})
        node[""] = {}
    if empty:
        return _NEVER
    return _emit(trie, lambda ch: _piece(ch, space, ignore_case))


def _cased(ch: str) -> bool:
    """Whether ``ch`` is a letter with one lower-case and one upper-case form, itself one of them."""
    low, up = ch.lower(), ch.upper()
    return len(low) == 1 and len(up) == 1 and low != up and ch in (low, up)


def _fold(ch: str) -> str:
    """The trie key of ``ch`` when case is ignored ("A" and "a" share a branch)."""
    return ch.lower() if _cased(ch) else ch


def _piece(ch: str, space: str | None, ignore_case: bool) -> str:
    if ch == " " and space is not None:
        return space
    if ignore_case and _cased(ch):
        return f"[{ch.lower()}{ch.upper()}]"
    return re.escape(ch)


def _emit(root: _Trie, piece: Callable[[str], str]) -> str:
    """The regex of a trie, built bottom-up without recursion (a long word must not hit the stack limit)."""
    done: dict[int, str] = {}
    stack: list[tuple[_Trie, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        keys = sorted(k for k in node if k)
        if not children_done:
            stack.append((node, True))
            stack.extend((node[k], False) for k in keys)
            continue
        alts = [piece(k) + done.pop(id(node[k])) for k in keys]
        if not alts:
            done[id(node)] = ""
            continue
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        done[id(node)] = "(?:" + body + ")?" if "" in node else body
    return done[id(root)]


# ---------------------------------------------------------------------------------------------
# Package data


@lru_cache(maxsize=256)
def _read_text(package: str, name: str) -> str:
    # One joinpath per part: Python 3.10's Traversable.joinpath takes a single child.
    return resources.files(package).joinpath("data").joinpath(name).read_text(encoding="utf-8")


def read_json(package: str, name: str) -> Any:
    """The parsed JSON file ``<package>/data/<name>``, a fresh object on every call.

    The file's text is read once per process; each call parses it anew, so a caller may change
    what it gets back without touching any other caller's copy.
    """
    return json.loads(_read_text(package, name))


def read_lines(package: str, name: str) -> list[str]:
    """The lines of the word list ``<package>/data/<name>``, stripped.

    Blank lines and comment lines (``# `` — a hash and a space — at the start) are dropped; a lone
    ``#`` is a word (figures' code prefix in "#5"). Case is kept: lower-case it if the list is
    matched without case.
    """
    out = []
    for line in _read_text(package, name).splitlines():
        word = line.strip()
        if word and not word.startswith("# "):
            out.append(word)
    return out


# ---------------------------------------------------------------------------------------------
# Shared English words (toolkit/data/english.json)


def _english() -> dict[str, Any]:
    return dict(read_json("toolkit", "english.json"))


_DATA = _english()
#: Month names and abbreviations, lower case -> 1..12 ("jan", "sept", "september").
MONTHS: Mapping[str, int] = MappingProxyType(dict(_DATA["months"]))
#: Weekday names and abbreviations, lower case -> 0..6, Monday = 0 (as ``date.weekday()``).
WEEKDAYS: Mapping[str, int] = MappingProxyType(dict(_DATA["weekdays"]))
#: Cardinal number words, lower case -> the value the word names on its own ("twelve" -> 12,
#: "million" -> 1000000).
NUMBER_WORDS: Mapping[str, int] = MappingProxyType(dict(_DATA["number_words"]))
#: Honorifics and offices written in front of a name, lower case, without the dot.
TITLES: frozenset[str] = frozenset(_DATA["titles"])
#: Words a period follows without ending the sentence, lower case, final dot dropped ("u.s").
ABBREVIATIONS: frozenset[str] = frozenset(_DATA["abbreviations"])
del _DATA

# ---------------------------------------------------------------------------------------------
# Sentences

_OPENERS = "\"“‘'([«"
# A sentence ends at a run of . ! ? … (plus closing quotes and brackets) before a space, or at a
# line break. The look-behind starts a match only at the first mark of a run, so a long run of
# marks is scanned once: every pattern here runs in linear time.
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]+[\"”’')\]»]*(?=\s)|\r\n?|[\n\u2028\u2029]")
_NEXT_START = re.compile(r"\s+[" + re.escape(_OPENERS) + r"]?")
_NON_SPACE = re.compile(r"\S")
# Abbreviations that are also everyday words ("sun", "sat", "no") only block a sentence end when
# written the abbreviating way: capitalised, with inner dots, or (for the numbering ones) before a
# number. These two are abbreviations in any case.
_ANY_CASE = frozenset({"vs", "approx"})
_BEFORE_NUMBER = frozenset({"no", "nos"})
_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS)) + 4  # room for opening quotes and brackets


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences of ``text``, in order, whitespace trimmed off.

    News-aware: a period after an abbreviation ("Mr.", "U.S.", "Jan.", "Gen.") or after an initial
    ("J. Smith") does not end a sentence, and a mark only ends one when the next sentence starts
    with a capital letter or a digit (possibly after an opening quote or bracket): "'Stop!' he
    said" stays whole. A line break always ends a sentence (headlines, datelines, paragraphs).
    Linear in the length of the text; ``text[start:end]`` is never empty.
    """
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _BOUNDARY.finditer(text):
        if m.group()[0] in "\r\n\u2028\u2029":
            _add_span(spans, text, begin, m.start())
            begin = m.end()
        elif _ends_sentence(text, m):
            _add_span(spans, text, begin, m.end())
            begin = m.end()
    _add_span(spans, text, begin, len(text))
    return spans


def _add_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    first = _NON_SPACE.search(text, start, end)
    if first is None:
        return
    start = first.start()
    while text[end - 1].isspace():
        end -= 1
    spans.append((start, end))


def _ends_sentence(text: str, m: re.Match[str]) -> bool:
    """Whether the marks matched by ``m`` end a sentence: what follows starts one, what precedes
    is no abbreviation."""
    after = _NEXT_START.match(text, m.end())
    nxt = text[after.end()] if after is not None and after.end() < len(text) else ""
    if not (nxt.isupper() or nxt.isdigit()):
        return False
    if m.group()[0] != "." or m.group().startswith(".."):
        return True
    return not _is_abbreviation(text, m.start(), nxt)


def _is_abbreviation(text: str, dot: int, nxt: str) -> bool:
    window = text[max(0, dot - _LONGEST_ABBREVIATION) : dot]
    tokens = window.split()
    if not tokens or window[-1].isspace():
        return False
    word = tokens[-1]
    if len(word) == len(window) and dot > len(window):  # longer than any abbreviation
        return False
    word = word.lstrip(_OPENERS)
    key = word.lower()
    if len(word) == 1:
        return word.isupper()  # an initial: "J. Smith"
    if key not in ABBREVIATIONS:
        return False
    if key in _BEFORE_NUMBER:
        return nxt.isdigit()
    return key in _ANY_CASE or word[0].isupper() or "." in word
