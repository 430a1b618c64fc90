"""Optional groups written as alternations: ``(?:X)?`` becomes ``(?:X|)`` and ``(X)?`` becomes
``(?:(X)|)``, the same pattern for the regex engine's purposes but cheaper to try.

Why: CPython's ``re`` (3.10, 3.11) runs an optional group that is more than one character through
its general repeat operator, which allocates a repeat context every time the group is entered. The
dispatch patterns of the grammar hold dozens of optional prefixes ("Friday, ", "the ", "early ")
tried at every candidate position, most of them failing at once; as alternations with an empty
branch they cost 15-20 % less per attempt (issue 14.1, measured on the bench pile's candidates).

The two forms match the same strings in the same order of preference: both try ``X`` first (with
all its own backtracking) and then the empty match, so the match found, its span and every group
are the same (a hypothesis test compares them position by position). Only a greedy ``?`` right after
a group is rewritten; lazy ``??``, possessive ``?+``, look-arounds and everything else is kept.
"""

from __future__ import annotations

_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")


def without_optional_groups(pattern: str) -> str:
    """``pattern`` with every greedy optional group written as an alternation with an empty branch."""
    out: list[str] = []
    opened: list[int] = []  # where each open group starts in ``out``
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif c == "[":
            end = _class_end(pattern, i)
            out.append(pattern[i:end])
            i = end
        elif c == "(":
            opened.append(len(out))
            out.append(c)
            i += 1
        elif c == ")":
            start = opened.pop()
            out.append(c)
            i += 1
            if i < n and pattern[i] == "?" and pattern[i + 1 : i + 2] not in ("?", "+"):
                group = "".join(out[start:])
                del out[start:]
                if group.startswith(_LOOKAROUND):
                    out.append(group + "?")
                elif group.startswith("(?:"):
                    out.append(group[:-1] + "|)")
                else:
                    out.append("(?:" + group + "|)")
                i += 1
        else:
            out.append(c)
            i += 1
    if opened:
        raise ValueError(f"unbalanced parentheses in {pattern!r}")
    return "".join(out)


def _class_end(pattern: str, i: int) -> int:
    """The index just past the character class that opens at ``pattern[i]`` (``[``)."""
    j = i + 1
    if pattern[j : j + 1] == "^":
        j += 1
    if pattern[j : j + 1] == "]":  # a "]" first in the class is a literal
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1
