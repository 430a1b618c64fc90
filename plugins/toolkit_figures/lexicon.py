"""The word lists the extractor reads, shipped as data files in ``toolkit_figures/data``.

Users extend them through parameters (``extra_units``, ``extra_currencies``, ...); a
:class:`Lexicon` is built once per distinct set of extensions and cached.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from toolkit.text import MONTHS, WEEKDAYS, read_json, read_lines, trie_regex

_PACKAGE = "toolkit_figures"


def _json(name: str) -> dict:
    return read_json(_PACKAGE, name)


def _lines(name: str) -> list[str]:
    """The words of a word list, lower-cased (blank lines and '# ' comments dropped)."""
    return [line.lower() for line in read_lines(_PACKAGE, name)]


def _pairs(items: tuple[str, ...]) -> dict[str, str]:
    """``("surface=canonical", ...)`` -> dict; a bare ``surface`` maps to itself."""
    out = {}
    for item in items:
        surface, sep, canonical = item.partition("=")
        surface = surface.strip()
        if surface:
            out[surface] = canonical.strip() if sep else surface
    return out


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
    level_verbs: frozenset
    direct_level_verbs: frozenset
    copulas: frozenset
    not_measured: frozenset
    one_pronoun_before: frozenset
    context: Mapping[str, frozenset]  # every list of context_words.json by name
    currency_words_before: frozenset  # currency words read before the amount ("dollar 22.5")
    level_prepositions: frozenset
    level_auxiliaries: frozenset
    subject_prepositions: frozenset
    container_nouns: frozenset
    not_subjects: frozenset
    nominal_adjectives: frozenset
    # compiled
    unit_re: re.Pattern
    currency_after_re: re.Pattern
    max_before_words: int
    before_suffixes: frozenset  # every word-suffix of every 'before' phrase ("to", "up to", "equal to", ...)
    symbol_after_re: re.Pattern  # a currency symbol written after the amount ("50 €", "50₵")
    symbol_after_first: frozenset  # the characters such a symbol starts with (a cheap gate)
    lower_case_codes: frozenset  # codes also read in lower case ("usd 200")
    currency_word_ends: tuple  # lower-case currency words an amount may follow ("dollars 22.5")
    decimal_currencies: frozenset  # amounts that take cents after the unit word ("15 dollars 50")
    ambiguous_currency_words: frozenset  # "won", "real", "mark": money only in lower case or after an adjective
    national_currency_words: frozenset  # "dollar", "franc": an adjective before them picks the ISO code


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
    symbols_after = list(cur["symbols_after"])
    for surface, iso in _pairs(extra_currencies).items():
        if surface.isupper() and len(surface) == 3 and surface.isalpha():
            codes.add(surface)
        elif surface.isalpha():
            words[surface.lower()] = iso or surface
        else:
            symbols[surface] = iso or surface
            if not surface[0].isalpha():  # "₵": read before the amount ("₵50") and after it ("50₵")
                symbols_after.append(surface)

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
        months=frozenset(MONTHS),
        weekdays=frozenset(WEEKDAYS),
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
        level_verbs=ctx["level_verbs"],
        direct_level_verbs=ctx["direct_level_verbs"],
        copulas=ctx["copulas"],
        not_measured=ctx["not_measured"],
        one_pronoun_before=ctx["one_pronoun_before"],
        context=MappingProxyType(ctx),
        currency_words_before=frozenset(cur["words_before"]),
        level_prepositions=ctx["level_prepositions"],
        level_auxiliaries=ctx["level_auxiliaries"],
        subject_prepositions=ctx["subject_prepositions"],
        container_nouns=ctx["container_nouns"],
        not_subjects=ctx["not_subjects"],
        nominal_adjectives=ctx["nominal_adjectives"],
        unit_re=unit_re,
        currency_after_re=currency_after_re,
        max_before_words=max(len(p.split()) for p in before),
        before_suffixes=frozenset(" ".join(p.split()[i:]) for p in before for i in range(len(p.split()))),
        symbol_after_re=re.compile(r"[ \t\u00a0]{0,2}(" + trie_regex(symbols_after) + r")(?![ \t]?\d)"),
        symbol_after_first=frozenset(sym[0] for sym in symbols_after),
        lower_case_codes=frozenset(cur["lower_case_codes"]),
        currency_word_ends=tuple(cur["word_ends"]),
        decimal_currencies=frozenset(cur["decimal"]),
        ambiguous_currency_words=frozenset(cur["ambiguous_words"]),
        national_currency_words=frozenset(cur["national_words"]),
    )
