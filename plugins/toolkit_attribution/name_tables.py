"""The collection-level name tables, as sums of per-group shares.

Canonical resolution (:class:`~toolkit_attribution.canonical.Canonicaliser`) reads the whole
collection only through a few tables keyed by names: which acronyms a speaker spells out, which
full names are one person, which body a description stands for, the most frequent written form of
each key, each person's gender, the first group named by each key. Each stage of the resolution
returns its share of the next table from the mentions it holds (one share per group of snippets:
the whole collection in the pandas run, a shuffled partition in the distributed plan); the shares
add up (``merge``, associative, so a tree reduction works) and the collection-level decision is
taken once on the sum (``decide_*``). A share is keyed by names and keys, never by snippet: its size
grows with the distinct names of the collection, not with the number of snippets.

Where the pandas rules took "the first one in the collection's order", a share keeps each
candidate's :data:`Order` (the mention's place in the collection: ``(index,)`` in pandas,
``(input rank, claim number)`` on Dask) and the decision takes the smallest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from toolkit_attribution.extract import NAME_SUFFIXES
from toolkit_attribution.lexicon import Lexicon, alias_key
from toolkit_attribution.person_keys import PersonKey, merge_person_keys

#: A mention's place in the collection's order (tuples compare element by element).
Order = tuple[Any, ...]


def _add_counters(into: dict[str, Counter[str]], part: dict[str, Counter[str]]) -> None:
    for key, counts in part.items():
        mine = into.get(key)
        if mine is None:
            into[key] = Counter(counts)
        else:
            mine.update(counts)


@dataclass
class AcronymVotes:
    """The acronyms the snippets define ('the Korean Central News Agency (KCNA)'): the votes for
    each expansion, and where each acronym is first defined."""

    votes: dict[str, Counter[str]] = field(default_factory=dict)
    first: dict[str, Order] = field(default_factory=dict)

    def add(self, acronym: str, expansion: str, order: Order) -> None:
        self.votes.setdefault(acronym, Counter())[expansion] += 1
        if acronym not in self.first or order < self.first[acronym]:
            self.first[acronym] = order

    @classmethod
    def merge(cls, parts: Iterable[AcronymVotes]) -> AcronymVotes:
        out = cls()
        for part in parts:
            _add_counters(out.votes, part.votes)
            for acronym, order in part.first.items():
                if acronym not in out.first or order < out.first[acronym]:
                    out.first[acronym] = order
        return out

    def decide(self) -> dict[str, str]:
        """Each acronym's most frequent expansion (ties: the alphabetically first), in the order the
        collection first defines them (``analysis._acronym_table`` over the whole table)."""
        return {
            acr: min(self.votes[acr].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            for acr in sorted(self.votes, key=lambda a: self.first[a])
        }


@dataclass
class SpeakerAcronyms:
    """Stage 1's share: the acronyms written as a body's speaker ('the NIS'), and for every run of
    capitalised words a speaker writes, its initials and the first such speaker."""

    speakers: set[str] = field(default_factory=set)
    spelled: dict[str, tuple[Order, str]] = field(default_factory=dict)

    def spell(self, initials: str, order: Order, expansion: str) -> None:
        old = self.spelled.get(initials)
        if old is None or order < old[0]:
            self.spelled[initials] = (order, expansion)

    @classmethod
    def merge(cls, parts: Iterable[SpeakerAcronyms]) -> SpeakerAcronyms:
        out = cls()
        for part in parts:
            out.speakers |= part.speakers
            for initials, (order, expansion) in part.spelled.items():
                out.spell(initials, order, expansion)
        return out

    def decide(self, table: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
        """The acronyms (the text's, then the speakers' own in the collection's order) and
        ``{expansion key: acronym}``: an acronym speaker and a speaker whose capitalised words it
        abbreviates name one body."""
        acronyms = dict(table)
        expansions = {alias_key(v): k for k, v in acronyms.items()}
        if not self.speakers:
            return acronyms, expansions
        for initials, (_order, expansion) in sorted(self.spelled.items(), key=lambda kv: kv[1][0]):
            if initials in self.speakers and initials not in acronyms:
                acronyms[initials] = expansion
                expansions[alias_key(expansion)] = initials
        return acronyms, expansions


@dataclass
class FullNames:
    """Stage 2's share: per full-name key, the first mention's name, how often each form is
    written, and whether any mention writes it right after a title or role."""

    first: dict[PersonKey, tuple[Order, tuple[str, ...]]] = field(default_factory=dict)
    forms: dict[PersonKey, Counter[str]] = field(default_factory=dict)
    titled: dict[PersonKey, bool] = field(default_factory=dict)

    def add(self, key: PersonKey, order: Order, name: tuple[str, ...], titled: bool) -> None:
        old = self.first.get(key)
        if old is None or order < old[0]:
            self.first[key] = (order, name)
        self.forms.setdefault(key, Counter())[" ".join(name)] += 1
        self.titled[key] = self.titled.get(key, False) or titled

    @classmethod
    def merge(cls, parts: Iterable[FullNames]) -> FullNames:
        out = cls()
        for part in parts:
            for key, (order, name) in part.first.items():
                old = out.first.get(key)
                if old is None or order < old[0]:
                    out.first[key] = (order, name)
            for key, counts in part.forms.items():
                out.forms.setdefault(key, Counter()).update(counts)
            for key, titled in part.titled.items():
                out.titled[key] = out.titled.get(key, False) or titled
        return out


@dataclass(frozen=True)
class PeopleTables:
    """Which full names are one person, and each person's name (see ``Canonicaliser._people``)."""

    root: dict[PersonKey, PersonKey]
    entity_name: dict[PersonKey, str]
    by_surname: dict[str, list[PersonKey]]
    known_by_surname: dict[str, list[PersonKey]]
    by_given: dict[str, list[PersonKey]]


def decide_people(names: FullNames, lex: Lexicon) -> PeopleTables:
    """The people of the collection from its full names: names that one alone extends merge, each
    person takes its most frequent form (or the alias table's name), surnames and given names index
    them."""
    keys = sorted(names.first)
    root = merge_person_keys({k: names.first[k][1] for k in keys})
    by_surname: dict[str, list[PersonKey]] = {}
    for key in keys:
        r = root.get(key, key)
        same = by_surname.setdefault(key[1], [])
        if r not in same:
            same.append(r)
    entity_name: dict[PersonKey, str] = {}
    for r in sorted({root.get(k, k) for k in keys}):
        name = max(names.forms[r].items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]
        table = lex.aliases.get(alias_key(name))
        entity_name[r] = table[0][0] if table else name
    for key in keys:
        entity_name.setdefault(key, entity_name[root.get(key, key)])
    known_by_surname: dict[str, list[PersonKey]] = {}
    for key in entity_name:
        known_by_surname.setdefault(key[1], []).append(key)
    # a name of three or more words whose first word is used alone ('Tedros', 'Abiy'): the given
    # name that news uses as the short form; only when one person of the collection has it
    by_given: dict[str, list[PersonKey]] = {}
    for key in keys:
        r = root.get(key, key)
        words = [w for w in names.first[key][1] if w.rstrip(".").upper() not in NAME_SUFFIXES]
        if len(words) >= 3 and names.titled[key] and r not in by_given.setdefault(key[0], []):
            by_given[key[0]].append(r)
    by_given = {k: v for k, v in by_given.items() if k not in by_surname}
    return PeopleTables(root, entity_name, by_surname, known_by_surname, by_given)


def merge_counts(parts: Iterable[dict[str, Counter[str]]]) -> dict[str, Counter[str]]:
    """The sum of per-key counters (description votes, written forms)."""
    out: dict[str, Counter[str]] = {}
    for part in parts:
        _add_counters(out, part)
    return out


def decide_descriptions(votes: dict[str, Counter[str]]) -> dict[str, str]:
    """A description's key takes the body it was voted for when that body has at least twice the
    votes of any other (a tie: none)."""
    out = {}
    for key, counts in votes.items():
        (best, n), *rest = counts.most_common()
        if not rest or n >= 2 * rest[0][1]:
            out[key] = best
    return out


def decide_forms(forms: dict[str, Counter[str]]) -> dict[str, str]:
    """Each key's most frequent written form (ties: the longer, then the larger string)."""
    return {key: max(counts.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0] for key, counts in forms.items()}


@dataclass
class PronounFacts:
    """Stage 5's share: the genders a title or role gives each person's canonical name, and per key
    the first group or body named by it (a 'they' takes the group its snippet names)."""

    genders: dict[str, set[str]] = field(default_factory=dict)
    groups: dict[str, tuple[Order, str, str]] = field(default_factory=dict)

    def name_group(self, key: str, order: Order, canonical: str, kind: str) -> None:
        old = self.groups.get(key)
        if old is None or order < old[0]:
            self.groups[key] = (order, canonical, kind)

    @classmethod
    def merge(cls, parts: Iterable[PronounFacts]) -> PronounFacts:
        out = cls()
        for part in parts:
            for canonical, genders in part.genders.items():
                out.genders.setdefault(canonical, set()).update(genders)
            for key, (order, canonical, kind) in part.groups.items():
                out.name_group(key, order, canonical, kind)
        return out

    def gender(self) -> dict[str, str]:
        """Canonical name -> 'm' / 'f' where the titles and roles agree."""
        return {c: next(iter(g)) for c, g in self.genders.items() if len(g) == 1}
