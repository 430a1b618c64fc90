"""Word context around a number: the words before it, a qualifier phrase ending at it, head nouns."""

from __future__ import annotations

from toolkit.text import read_json
from toolkit_figures.lexicon import Lexicon
from toolkit_figures.patterns import (
    _TOKEN_BEFORE,
)


def _words_before(text: str, pos: int, lex: Lexicon, limit: int = 48) -> list[tuple[str, int]]:
    """The last few tokens before ``pos`` (lower-case) with their start offsets, nearest last."""
    lo = max(0, pos - limit)
    window = text[lo:pos]
    return [(m.group().lower(), lo + m.start()) for m in _TOKEN_BEFORE.finditer(window)][-(lex.max_before_words + 2) :]


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.'’")

_SYMBOL_CHARS = frozenset("<>=≤≥~")


def _prev_word(
    text: str, pos: int, skip: str = " \t\u00a0", memo: dict[int, tuple[str, int]] | None = None
) -> tuple[str, int]:
    """The word (or comparison symbol run) ending right before ``pos`` after skipping spaces,
    lower-cased, with its start; ("", pos) when there is none. Looks back at most 30 characters.

    ``memo``: the words already read in this text, by the offset they end at (what is read past
    the skipped spaces depends on that offset alone). The steps that look back from one number
    ask for the same word two or three times; the memo lives on the per-call ``_Snippet`` (no
    module-level memo: that would be state shared by every thread)."""
    j = pos
    while j > 0 and text[j - 1] in skip and pos - j < 4:
        j -= 1
    if memo is not None:
        known = memo.get(j)
        if known is None:
            known = memo[j] = _word_ending_at(text, j)
        return known
    return _word_ending_at(text, j)


def _word_ending_at(text: str, j: int) -> tuple[str, int]:
    """:func:`_prev_word` once the spaces are skipped: the word ending at ``j``."""
    k = j
    chars = _WORD_CHARS if j > 0 and text[j - 1] not in _SYMBOL_CHARS else _SYMBOL_CHARS
    while k > 0 and text[k - 1] in chars and j - k < 30:
        k -= 1
    while k < j and text[k] in ".'’":
        k += 1
    return text[k:j].lower(), k


def _qualifier_before(
    text: str, pos: int, lex: Lexicon, memo: dict[int, tuple[str, int]] | None = None
) -> tuple[str, int] | None:
    """A qualifier phrase ending right before ``pos`` (only spaces between): (qualifier, start).

    Walks back one word at a time while the words read so far end some qualifier phrase, and keeps
    the longest phrase that is one ("less than or equal to" beats "equal to")."""
    j = pos
    while j > 0 and text[j - 1] in " \t\u00a0":
        j -= 1
    if j == 0:
        return None
    w, ws = _prev_word(text, j, "", memo)
    if w not in lex.before_suffixes:  # the common case: the word before ends no qualifier phrase
        return (lex.before[w], ws) if w and w in lex.before and not w[0].isalpha() else None
    words: list[str] = []
    best = None
    k = j
    skip = ""
    for _ in range(lex.max_before_words + 1):
        w, ws = _prev_word(text, k, skip, memo)
        if not w:
            break
        skip = " \t\u00a0"
        words.insert(0, w)
        phrase = " ".join(words)
        if phrase not in lex.before_suffixes:
            glued = "".join(words)  # "< =" written with a space
            if glued in lex.before and not w[0].isalpha():
                best = (lex.before[glued], ws)
            break
        if phrase in lex.before:
            before_char = text[ws - 1] if ws > 0 else ""
            if before_char.isalnum() and w[0].isalpha():
                break
            if before_char.isdigit() and not w[0].isalpha():
                break  # 20~100: a dash between two numbers
            best = (lex.before[phrase], ws)
        k = ws
    return best


_IRREGULAR: dict[str, str] = read_json("toolkit_figures", "plurals.json")["irregular"]


def singular(word: str) -> str:
    """The singular of a head noun, lower-cased ("casualties" -> "casualty", "troops" -> "troop")."""
    w = word.lower().strip("'’")
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _participle(word: str) -> bool:
    """A past participle or past tense ("pledged", "earmarked"; not "speed" or "seed")."""
    return len(word) > 4 and word.endswith("ed") and not (len(word) == 5 and word.endswith("eed"))


def counted_head(counted: str | None) -> str | None:
    """The comparison key of a counted phrase: its last word, singular ("North Korean troops" -> "troop")."""
    if not isinstance(counted, str) or not counted:
        return None
    return singular(counted.split()[-1])
