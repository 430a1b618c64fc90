"""The word lists the extractor reads, shipped as data files in ``toolkit_figures/data``.

Users extend them through parameters (``extra_units``, ``extra_currencies``, ...); a
:class:`Lexicon` is built once per distinct set of extensions and cached.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def _data(name: str) -> str:
    return resources.files("toolkit_figures").joinpath("data", name).read_text(encoding="utf-8")


def _json(name: str) -> dict:
    return json.loads(_data(name))


def _lines(name: str) -> list[str]:
    """Non-empty lines of a word list, lower-cased; lines starting with '# ' are comments."""
    return [
        line.strip().lower() for line in _data(name).splitlines() if line.strip() and not line.strip().startswith("# ")
    ]


def _pairs(items: tuple[str, ...]) -> dict[str, str]:
    """``("surface=canonical", ...)`` -> dict; a bare ``surface`` maps to itself."""
    out = {}
    for item in items:
        surface, sep, canonical = item.partition("=")
        surface = surface.strip()
        if surface:
            out[surface] = canonical.strip() if sep else surface
    return out


def _alternation(words, flags_word_end: bool = True) -> str:
    """A regex alternation of literal ``words``, longest first (so 'per cent' beats 'per')."""
    ordered = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def trie_regex(words) -> str:
    """A regex matching exactly ``words``, written as a trie ("t(?:wo|hree|en)") so that the regex
    engine settles each position with one character test instead of trying every word in turn."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


@dataclass(frozen=True, eq=False)
class Lexicon:
    ones: dict
    tens: dict
    scales: dict  # thousand, million, ... lakh, crore
    dozen: dict
    fractions: dict
    vague: dict
    vague_multipliers: dict
    suffix_scales: dict
    before: dict  # phrase -> qualifier (lower case)
    after: dict
    range_open: frozenset
    currency_codes: frozenset
    currency_symbols: dict
    currency_words: dict
    currency_adjectives: dict
    units: dict  # surface -> canonical
    durations: frozenset
    stopwords: frozenset
    code_prefixes: frozenset
    not_counted: frozenset
    change_verbs: frozenset
    months: frozenset
    weekdays: frozenset
    sport_words: frozenset
    capitalised_ok: frozenset
    directions: frozenset
    length_context: frozenset
    skip_before_counted: frozenset
    np_determiners: frozenset
    predicate_adjectives: frozenset
    sign_words: frozenset
    range_words: frozenset
    of_head_skip: frozenset
    # compiled
    unit_re: re.Pattern
    currency_after_re: re.Pattern
    max_before_words: int
    before_suffixes: frozenset  # every word-suffix of every 'before' phrase ("to", "up to", "equal to", ...)


@lru_cache(maxsize=16)
def build_lexicon(
    extra_units: tuple[str, ...] = (),
    extra_currencies: tuple[str, ...] = (),
    extra_code_prefixes: tuple[str, ...] = (),
    extra_stopwords: tuple[str, ...] = (),
) -> Lexicon:
    nw = _json("number_words.json")
    q = _json("qualifiers.json")
    cur = _json("currencies.json")
    un = _json("units.json")
    ctx = {k: frozenset(v) for k, v in _json("context_words.json").items() if not k.startswith("_")}

    before: dict[str, str] = {}
    for qual, phrases in q["before"].items():
        for p in phrases:
            before[p.lower()] = qual
    after: dict[str, str] = {}
    for qual, phrases in q["after"].items():
        for p in phrases:
            after.setdefault(p.lower(), qual)

    units: dict[str, str] = {}
    for canonical, surfaces in un["units"].items():
        for s in surfaces:
            units[s] = canonical
    units.update(_pairs(extra_units))
    durations = frozenset(un["duration"])

    codes = set(cur["codes"])
    words = {k.lower(): v for k, v in cur["words"].items()}
    symbols = dict(cur["symbols"])
    for surface, iso in _pairs(extra_currencies).items():
        if surface.isupper() and len(surface) == 3 and surface.isalpha():
            codes.add(surface)
        elif surface.isalpha():
            words[surface.lower()] = iso or surface
        else:
            symbols[surface] = iso or surface

    # Units written after a number (multi-word first). Single letters ("m", "g", "t") are read
    # only when glued to the digits (handled by the caller), so they are left out here.
    unit_surfaces = [s for s in units if len(s) > 1 or not s.isalpha()]
    unit_re = re.compile(r"[ \t\u00a0]{0,2}(" + trie_regex(unit_surfaces) + r")(?![\w°%])")
    adjectives = {k.lower(): v for k, v in cur["adjectives"].items()}
    currency_after_re = re.compile(
        r"[ \t\u00a0]{0,2}(?:(" + trie_regex(adjectives) + r")[ \t]+)?(" + trie_regex(words) + r")(?![\w])",
        re.IGNORECASE,
    )
    return Lexicon(
        ones=nw["ones"],
        tens=nw["tens"],
        scales=nw["scales"],
        dozen=nw["dozen"],
        fractions=nw["fractions"],
        vague={k: v for k, v in nw["vague"].items() if not k.startswith("_")},
        vague_multipliers={k: v for k, v in nw["vague_multipliers"].items() if not k.startswith("_")},
        suffix_scales={k: v for k, v in nw["suffix_scales"].items() if not k.startswith("_")},
        before=before,
        after=after,
        range_open=frozenset(q["range_open"]),
        currency_codes=frozenset(codes),
        currency_symbols=symbols,
        currency_words=words,
        currency_adjectives=adjectives,
        units=units,
        durations=durations,
        stopwords=frozenset(_lines("stopwords.txt")) | {w.lower() for w in extra_stopwords},
        code_prefixes=frozenset(_lines("code_prefixes.txt")) | {w.lower() for w in extra_code_prefixes},
        not_counted=frozenset(_lines("not_counted.txt")),
        change_verbs=ctx["change_verbs"],
        months=ctx["months"],
        weekdays=ctx["weekdays"],
        sport_words=ctx["sport_words"],
        capitalised_ok=ctx["capitalised_ok"],
        directions=ctx["directions"],
        length_context=ctx["length_context"],
        skip_before_counted=ctx["skip_before_counted"],
        np_determiners=ctx["np_determiners"],
        predicate_adjectives=ctx["predicate_adjectives"],
        sign_words=ctx["sign_words"],
        range_words=ctx["range_words"],
        of_head_skip=ctx["of_head_skip"],
        unit_re=unit_re,
        currency_after_re=currency_after_re,
        max_before_words=max(len(p.split()) for p in before),
        before_suffixes=frozenset(" ".join(p.split()[i:]) for p in before for i in range(len(p.split()))),
    )
