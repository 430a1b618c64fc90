"""People's name keys: the transliteration-tolerant surname skeleton, a full name's key, and which
full names of a collection name one person. Pure functions of names (no text, no collection
state), shared by the canonical rules and the collection-level name tables they are decided from."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

from toolkit_attribution.extract import NAME_SUFFIXES

INITIALS_RE = re.compile(r"(?:[A-Z]\.)+")  # 'K.C.' in 'K.C. Maurer' is initials, not an acronym


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of two short strings, or ``limit + 1`` once it is certainly larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def typo_limit(surname: str) -> int:
    """How many edits a misspelt surname may be from the full name it joins (0: none allowed)."""
    return 0 if len(surname) < 5 else 1 if len(surname) < 8 else 2


_SKELETON_END_RE = re.compile(r"(?:iy|yy|ij|yi|ii)$")
_REPEATS_RE = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)
def skeleton(name: str) -> str:
    """A transliteration-tolerant key for a surname: Zelenskyy, Zelensky, Zelenskiy -> 'zelensky'.

    Memoised (a pure function of a name; names repeat across a collection far more than texts)."""
    s = unicodedata.normalize("NFKD", name.lower())
    s = "".join(ch for ch in s if ch.isalpha())
    s = _SKELETON_END_RE.sub("y", s)
    s = _REPEATS_RE.sub(r"\1", s)
    return s.replace("kh", "h").replace("ph", "f")


#: A person's key: (first name's key, surname's skeleton). An initial's key is its letter and a
#: period ('K.C.' -> 'k.'), so 'J. Smith' can join 'John Smith' but 'Jane' never joins 'John'.
PersonKey = tuple[str, str]


def person_key(name: tuple[str, ...]) -> PersonKey:
    if len(name) > 2 and name[-1].rstrip(".").upper() in NAME_SUFFIXES:
        name = name[:-1]  # 'Maria Santos IV': the surname is Santos
    first = name[0]
    letters = first.replace(".", "")
    initial = bool(INITIALS_RE.fullmatch(first)) or len(letters) == 1
    return ((letters[:1].lower() + ".") if initial else skeleton(first), skeleton(name[-1]))


def first_names_compatible(a: str, b: str) -> bool:
    """One first name abbreviates the other: an initial ('j.' / 'john') or a short form ('cres' /
    'creswell'). Two different full first names ('john' / 'jane') are not compatible."""
    if a == b:
        return True
    if a.endswith(".") or b.endswith("."):
        return a[:1] == b[:1]
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 3 and long_.startswith(short)


def merge_person_keys(names: dict[PersonKey, tuple[str, ...]]) -> dict[PersonKey, PersonKey]:
    """Which full names of the collection name one person: ``{key: the key it joins}``.

    A name joins another when, among all the collection's names, that one alone extends it:
    the same surname with a first name it abbreviates ('J. Smith' -> 'John Smith' when there is
    no other J. Smith), or the same words followed by more ('Tedros Adhanom' -> 'Tedros Adhanom
    Ghebreyesus'). Two candidates: no merge. Keys are visited in sorted order: deterministic,
    whatever the row order. Candidates come from indexes (surname and first letter; every
    leading run of words), so the work grows with the names, not with their pairs.
    """
    by_letter: dict[tuple[str, str], list[PersonKey]] = defaultdict(list)
    by_prefix: dict[tuple[str, ...], list[PersonKey]] = defaultdict(list)
    words_of = {key: tuple(skeleton(w) for w in names[key]) for key in names}
    for key in sorted(names):
        by_letter[(key[1], key[0][:1])].append(key)
        words = words_of[key]
        for n in range(2, len(words)):
            by_prefix[words[:n]].append(key)
    out: dict[PersonKey, PersonKey] = {}
    for key in sorted(names):
        first, last = key
        same_surname = [k for k in by_letter[(last, first[:1])] if k != key and first_names_compatible(first, k[0])]
        if len(same_surname) == 1 and len(same_surname[0][0].rstrip(".")) > len(first.rstrip(".")):
            out[key] = same_surname[0]
            continue
        extended = by_prefix.get(words_of[key], [])
        if len(extended) == 1:
            out[key] = extended[0]
    for key in list(out):  # follow chains to their end (each step lengthens the name: no cycles)
        seen = {key}
        while out[key] in out and out[out[key]] not in seen:
            seen.add(out[key])
            out[key] = out[out[key]]
    return out
