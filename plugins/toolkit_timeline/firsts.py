"""What the first characters of a regex's matches can be, read from the pattern's parse tree.

Why: the start filter (:class:`toolkit_timeline.candidates.StartFilter`) rules out, with numpy, the
positions where the trigger cannot match, before asking the regex engine about the others. A trigger
word needs what its conditions say after it: "the" white space and "past", "first quarter" or a
digit; "in" a count and a unit, "recent" or "the past"; "St" a dot ("St. Patrick's"). Knowing the
first few characters each condition can begin with lets the filter drop "the government", "in which"
or "stock" without a regex call (issue 14.1: most of the positions it confirmed).

:func:`prefixes` gives, for the first ``k`` characters, a set of tuples of character sets. The answer
is a superset, never a subset: zero-width assertions (``\\b``, look-arounds) are ignored, and
anything this module does not model (a negated class, a category other than digits and white space, a
back reference) counts as "any character". Only ASCII characters are listed: the filter lets every
other character through wherever a condition reads one.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import Any

# the regex parser of the standard library: ``re._parser`` from Python 3.11 (``sre_parse``, the same
# module, is deprecated there), ``sre_parse`` before
# (private modules: should a later Python move them, :func:`prefixes` answers "anything" and the start
# filter only gets less selective, never wrong)
try:
    if sys.version_info >= (3, 11):
        from re import _constants as C
        from re import _parser as P
    else:  # pragma: no cover - Python 3.10
        import sre_constants as C
        import sre_parse as P
except ImportError:  # pragma: no cover - a Python without them
    C = P = None  # type: ignore[assignment]

#: Every character: the answer when a pattern can start with something this module does not model.
ANY = frozenset(chr(c) for c in range(128))
_DIGITS = frozenset("0123456789")
_SPACES = frozenset(c for c in ANY if c.isspace() or re.match(r"\s", c))
_ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT) if C is not None else ()


#: A prefix: per character, the ASCII characters it can be (None: any character).
Prefix = tuple[frozenset[str] | None, ...]


def first_characters(pattern: str) -> frozenset[str]:
    """The ASCII characters a match of ``pattern`` can start with (all of them when it can be empty)."""
    firsts: set[str] = set()
    for prefix in prefixes(pattern, 1):
        if not prefix or prefix[0] is None:
            return ANY
        firsts |= prefix[0]
    return frozenset(firsts)


def prefixes(pattern: str, k: int) -> set[Prefix]:
    """What the first ``k`` characters of a match of ``pattern`` can be: a set of prefixes, each a tuple
    of character sets; one shorter than ``k`` is a whole match. A superset, as for the first characters."""
    try:
        return _sequence(P.parse(pattern), k, ignore_case=False)
    except Exception:  # pragma: no cover - the parser's internals changed: claim nothing
        return _anything(k)


def _anything(k: int) -> set[Prefix]:
    """Any characters, of any length up to ``k``: the answer that rules nothing out."""
    return {(None,) * n for n in range(k + 1)}


def _concat(heads: set[Prefix], tails: set[Prefix], k: int) -> set[Prefix]:
    """Each head followed by each tail, cut at ``k`` characters (a head of ``k`` is already cut)."""
    out: set[Prefix] = set()
    for head in heads:
        if len(head) >= k:
            out.add(head[:k])
        else:
            out.update((head + tail)[:k] for tail in tails)
    return out


def _sequence(items: Any, k: int, ignore_case: bool) -> set[Prefix]:
    out: set[Prefix] = {()}
    for op, av in items:
        out = _concat(out, _item(op, av, k, ignore_case), k)
        if all(len(p) >= k for p in out):
            break
    return out


def _item(op: Any, av: Any, k: int, ignore_case: bool) -> set[Prefix]:
    if op in _ZERO_WIDTH:
        return {()}
    if op is C.LITERAL:
        return {(frozenset(_cased({chr(av)}, ignore_case)),)}
    if op is C.IN:
        return {(frozenset(_in(av, ignore_case)),)}
    if op is C.ANY or op is C.NOT_LITERAL:
        return {(None,)}
    if op is C.BRANCH:
        return set().union(*(_sequence(branch, k, ignore_case) for branch in av[1]))
    if op is C.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        case = (ignore_case or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
        return _sequence(sub, k, case)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)):
        lo, hi, sub = av
        once = _sequence(sub, k, ignore_case)
        out: set[Prefix] = set()
        repeated: set[Prefix] = {()}
        for count in range(min(hi, max(lo, k)) + 1):  # past k repetitions, nothing new within k characters
            if count >= lo:
                out |= repeated
            repeated = _concat(repeated, once, k)
        return out
    if op is getattr(C, "ATOMIC_GROUP", None):
        return _sequence(av, k, ignore_case)
    # a back reference, a conditional group...: anything, of any length
    return _anything(k)


def _in(items: Any, ignore_case: bool) -> set[str]:
    """The ASCII characters of a character class."""
    out: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            out.add(chr(av))
        elif op is C.RANGE and not (ignore_case and av[1] > 127):  # (a fold may land in ASCII: K -> k)
            out.update(chr(c) for c in range(av[0], min(av[1], 127) + 1))
        elif op is C.CATEGORY and av is C.CATEGORY_DIGIT:
            out |= _DIGITS
        elif op is C.CATEGORY and av is C.CATEGORY_SPACE:
            out |= _SPACES
        else:  # a negation, another category: anything
            return set(ANY)
    return _cased(out, ignore_case)


def _cased(chars: set[str], ignore_case: bool) -> set[str]:
    """``chars`` and, when case is ignored, every ASCII character that matches one of them so (asked of
    the regex engine itself, which also folds non-ASCII letters such as the Kelvin sign onto ``k``)."""
    if not ignore_case:
        return {c for c in chars if c < "\x80"}
    return set().union(*map(_folds, chars))


@lru_cache(maxsize=4096)
def _folds(char: str) -> frozenset[str]:
    """The ASCII characters ``char`` matches when case is ignored."""
    return frozenset(a for a in ANY if re.fullmatch(re.escape(char), a, re.IGNORECASE))
