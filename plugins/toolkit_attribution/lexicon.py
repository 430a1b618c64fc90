"""The word lists the rules read, loaded from the package's data files and extended by parameters.

Everything a user may want to change for their corpus lives in ``data/``: reporting verbs
(``cues.json``), titles, roles, group nouns, body words and places (``lexicon.json``) and the alias
table of well-known bodies and people (``aliases.json``). :func:`build_lexicon` merges the user's
additions (or replacement files) and compiles the cue matcher once per run.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from toolkit.text import read_json, trie_regex

FRAMES = ("clause", "that", "np", "quote")


@dataclass(frozen=True)
class Verb:
    """One inflected reporting verb."""

    form: str
    cls: str  # "speech" | "cognitive"
    frame: str  # "clause" | "that" | "np" | "quote"
    takes_object: bool
    infinitive: bool = False  # the content may be an infinitive ('vowed to rebuild', 'urged them to leave')


@dataclass
class Lexicon:
    verbs: dict[str, Verb]
    phrases: tuple[str, ...]
    titles: frozenset[str]
    roles: frozenset[str]
    groups: frozenset[str]
    bodies: frozenset[str]
    places: frozenset[str]  # lower-cased, curly apostrophes folded
    ambiguous: frozenset[str]  # cue forms that are also common nouns
    aliases: dict[str, list[tuple[str, str, tuple[str, ...]]]]  # key -> [(canonical, type, context)]
    cue_re: re.Pattern[str] = field(init=False)
    #: An RE2 pattern (pyarrow's engine) that matches wherever ``cue_re`` does, and sometimes
    #: elsewhere: the cue words without their word boundaries, any run of non-letters for a space.
    #: Scanning a whole column with it first skips the snippets no cue can be in.
    cue_prefilter: str = field(init=False)

    def __post_init__(self) -> None:
        # Verbs match in lower case only ('the United States' is no cue); sourcing phrases may also
        # open a sentence ('According to ...'). One alternation built as a trie: one pass per text.
        words = set(self.verbs) | set(self.phrases) | {"quoted as saying"}
        words |= {p[:1].upper() + p[1:] for p in self.phrases}
        ordered = sorted(words, key=len, reverse=True)
        self.cue_re = re.compile(r"(?<![\w'’-])(?:" + trie_regex(ordered, space=r"\s+") + r")(?![\w'’-])")
        self.cue_prefilter = prefilter_pattern(ordered)


def prefilter_pattern(words: list[str]) -> str:
    """The RE2 pattern of :attr:`Lexicon.cue_prefilter`: it matches at every position where the cue
    regex matches (and at some others).

    The cue words as a trie with any run of non-letters for a space (Python's ``\\s`` is wider than
    RE2's), between RE2 word boundaries when every word starts (ends) with an ASCII letter, digit
    or underscore: RE2's ``\\b`` is ASCII-only, so it holds wherever the cue regex's look-arounds
    (no Unicode word character, apostrophe or hyphen beside the word) do. It spares the extractor
    the 'says' in 'essays' and the 'reported' in 'reportedly'.
    """
    ascii_word = re.compile(r"[A-Za-z0-9_]")
    lead = r"\b" if all(w and ascii_word.fullmatch(w[0]) for w in words) else ""
    tail = r"\b" if all(w and ascii_word.fullmatch(w[-1]) for w in words) else ""
    return lead + "(?:" + trie_regex(words, space="[^A-Za-z]+") + ")" + tail


def fold(s: str) -> str:
    """Lower-case, NFKC, curly apostrophes and quotes straightened, whitespace collapsed."""
    if s.isascii():  # NFKC leaves ASCII as it is, and it holds no curly mark
        return " ".join(s.lower().split())
    s = unicodedata.normalize("NFKC", s).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(s.lower().split())


def alias_key(s: str) -> str:
    """The key an alias is looked up by: folded, leading 'the' dropped, spaces around hyphens removed."""
    k = fold(s)
    k = re.sub(r"\s*-\s*", "-", k)
    if k.startswith("the "):
        k = k[4:]
    return k.strip(" .,")


def inflect(verb: str) -> list[str]:
    """Rough English inflections of a base verb a user adds (``'reiterate'`` -> reiterates, ...)."""
    v = verb.strip().lower()
    if not v:
        return []
    if " " in v:
        return [v]
    forms = {v}
    if v.endswith("e"):
        forms |= {v + "s", v + "d", v[:-1] + "ing"}
    elif v.endswith("y") and len(v) > 2 and v[-2] not in "aeiou":
        forms |= {v[:-1] + "ies", v[:-1] + "ied", v + "ing"}
    elif v.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {v + "es", v + "ed", v + "ing"}
    else:
        forms |= {v + "s", v + "ed", v + "ing"}
    return sorted(forms)


def _read_json(package_file: str, path: str | None) -> dict[str, Any]:
    if path:
        with open(Path(path).expanduser(), encoding="utf-8") as f:
            return json.load(f)
    data: dict[str, Any] = read_json("toolkit_attribution", package_file)
    return data


def _alias_entries(data: dict[str, Any]) -> list[dict[str, Any]]:
    entries = data.get("entries", data if isinstance(data, list) else [])
    out = []
    for e in entries:
        if isinstance(e, dict) and e.get("canonical"):
            out.append(e)
    return out


@lru_cache(maxsize=16)
def build_lexicon(
    cues: tuple[str, ...] = (),
    cues_file: str = "",
    titles: tuple[str, ...] = (),
    aliases: tuple[str, ...] = (),
    aliases_file: str = "",
    replace_aliases: bool = False,
    cognitive: bool = True,
) -> Lexicon:
    """Load the shipped lexicons and apply a user's additions.

    :param cues: extra reporting verbs (base forms are inflected: ``"reiterate"``), or
        ``"verb:frame"`` with frame ``clause`` / ``that`` / ``np``.
    :param cues_file: a JSON file in the shape of ``data/cues.json`` that replaces the shipped one.
    :param titles: extra title words stripped in front of names.
    :param aliases: extra aliases, each ``"alias=Canonical name"``.
    :param aliases_file: a JSON file in the shape of ``data/aliases.json`` whose entries are added
        (or replace the table when ``replace_aliases``).
    """
    cue_data = _read_json("cues.json", cues_file or None)
    verbs: dict[str, Verb] = {}
    for entry in cue_data.get("verbs", []):
        cls = entry.get("class", "speech")
        if cls == "cognitive" and not cognitive:
            continue
        frame = entry.get("frame", "that")
        for form in entry.get("forms", []):
            verb = Verb(form.lower(), cls, frame, bool(entry.get("object")), bool(entry.get("infinitive")))
            verbs.setdefault(form.lower(), verb)
    for item in cues:
        word, _, frame = item.partition(":")
        frame = frame.strip() or "clause"
        if frame not in FRAMES:
            raise ValueError(f"cue {item!r}: frame must be one of {', '.join(FRAMES)}")
        for form in inflect(word):
            verbs[form] = Verb(form, "speech", frame, False)
    phrases = tuple(p.lower() for p in cue_data.get("phrases", ()))

    lex = _read_json("lexicon.json", None)
    title_set = {t.lower() for t in lex["titles"]} | {t.lower() for t in titles}

    table: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    entries = [] if replace_aliases else _alias_entries(_read_json("aliases.json", None))
    if aliases_file:
        entries += _alias_entries(_read_json("aliases.json", aliases_file))
    for item in aliases:
        alias, sep, canonical = item.partition("=")
        if not sep or not alias.strip() or not canonical.strip():
            raise ValueError(f"alias {item!r} must look like 'alias=Canonical name'")
        entries.append({"canonical": canonical.strip(), "aliases": [alias.strip()], "_user": True})
    for e in entries:
        canonical = str(e["canonical"])
        kind = str(e.get("type", "body"))
        context = tuple(str(c) for c in e.get("context", ()))
        for alias in [canonical, *e.get("aliases", [])]:
            key = alias_key(str(alias))
            if not key:
                continue
            bucket = table.setdefault(key, [])
            if e.get("_user"):  # a user's alias wins over the shipped ones for the same key
                bucket[:] = [b for b in bucket if b[0] == canonical]
            if all(b[0] != canonical for b in bucket):
                bucket.append((canonical, kind, context))
    return Lexicon(
        verbs=verbs,
        phrases=phrases,
        titles=frozenset(title_set),
        roles=frozenset(r.lower() for r in lex["roles"]),
        groups=frozenset(g.lower() for g in lex["groups"]),
        bodies=frozenset(b.lower() for b in lex["bodies"]),
        places=frozenset(fold(p) for p in lex["places"]),
        ambiguous=frozenset(a.lower() for a in cue_data.get("ambiguous", ())),
        aliases=table,
    )
