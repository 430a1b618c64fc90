"""The word lists the rules read, loaded once from ``data/grammar_words.json`` and
``data/canonical_words.json`` (frozen sets: immutable, safe to share between threads).

Each list in the data files says what it is for; the names here are the ones the rules use.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from toolkit.text import read_json


@cache
def _data(name: str) -> dict[str, Any]:
    data: dict[str, Any] = read_json("toolkit_attribution", name)
    return data


def _grammar(key: str) -> frozenset[str]:
    return frozenset(_data("grammar_words.json")[key]["words"])


def _canonical(key: str) -> frozenset[str]:
    return frozenset(_data("canonical_words.json")[key]["words"])


# extraction (extract.py)
ABBREV = _grammar("abbreviations")
AUX = _grammar("auxiliaries_and_adverbs")
BE = _grammar("be")
WEEKDAYS = _grammar("weekdays")
TIME_NOUNS = _grammar("time_nouns")
CLAUSE_STOP = _grammar("clause_stop")
VERB_STOP = _grammar("verb_stop")
OBJ_PRON = _grammar("object_pronouns")
DETS = _grammar("determiners")
PREPS = _grammar("prepositions")
NP_INNER_PREPS = _grammar("np_inner_prepositions")
SOURCE_ADJ = _grammar("source_adjectives")
DOC_NOUNS = _grammar("document_nouns")
LEAD_DROP = _grammar("lead_drop")
SUBJ_PRON = _grammar("subject_pronouns")
PERSON_PRON = _grammar("person_pronouns")
NOT_ADVERB_LY = _grammar("not_adverbs_in_ly")
FINITE = _grammar("finite_verbs")
ASIDES = _grammar("asides")
WH_WORDS = _grammar("wh_words")
IRREGULAR_PAST = _grammar("irregular_past")
NP_OBJECTS = _grammar("np_objects")
NEGATED_AUX = _grammar("negated_auxiliaries")
AFTER_SPEAKER = _grammar("after_speaker")

# canonical names (canonical.py)
PRONOUNS = _canonical("pronouns")
SPOKES = _canonical("spokes")
NOT_NAMES = _canonical("not_names")
COMMON_LEAD = _canonical("common_lead")
SPOKESPERSON = _canonical("spokesperson")
POST_PREPS = _canonical("post_prepositions")
DOCUMENTS = _canonical("documents")
LODGED = _canonical("lodged")
PLACE_HEADS = _canonical("place_heads")
HEAD_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(g) for g in _data("canonical_words.json")["head_groups"]["groups"]
)
GENDER_WORDS: Mapping[str, str] = MappingProxyType(dict(_data("canonical_words.json")["gender_words"]["words"]))
