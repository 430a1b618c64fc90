"""One canonical name per speaker across the whole collection.

A speaker string goes through, in order:

1. the alias table (shipped data plus the user's entries): ``"South Korea's spy agency"``,
   ``"the NIS"`` -> ``National Intelligence Service (South Korea)``. An alias shared by several
   bodies (``JCS``) is settled by the entries' context words, counted in the snippet, then its
   dedup cluster, then the collection;
2. acronyms learned from the collection's own text (``"the Korean Central News Agency (KCNA)"``),
   so an acronym and its expansion share one name even when the table knows neither;
3. people: titles and roles are stripped (``"President Zelenskyy"`` -> ``Zelenskyy``), full names
   that agree on the first name and on a transliteration-tolerant surname merge (initials such as
   ``K.C.`` are part of a name), and a bare surname joins the one full name it matches (the one
   in the same snippet, cluster or article when the collection has several people of that
   surname; else it stays apart). With no speaker carrying the full name, a surname joins the one
   full name its article's text gives (``"For Kevin Allton, a teacher, ..."`` then ``"Allton
   said"``), or, misspelt by an edit or two, the one full name a speaker of the article carries;
4. descriptions (``"South Korea's spy agency"`` when the table lacks it) join a named body when
   the same snippet or dedup cluster names exactly one compatible body among its speakers;
5. groups (``"Ukrainian officials"``) keep their own name, and are never merged into a person;
   ``"<body> officials"`` / ``"a <body> spokesperson"`` / ``"a spokeswoman for <body>"`` speak
   for the body, and so does a document by it (``"data from the ONS"``); a document lodged with a
   body (``"a filing with the SEC"``) keeps its whole phrase, since the body did not say it.
   Organisation names with 'of' / 'for' / 'and' keep their whole name (``"the Office for National
   Statistics"``, never a surname ``Statistics``). A description's canonical is lower case
   wherever its sentence starts (``"Rescuers"`` and ``"rescuers"`` -> ``rescuers``, ``"Officials
   in Gaza"`` -> ``officials in Gaza``); places, acronyms and words the collection only ever
   capitalises keep their capital (``"Israeli officials"``, ``"Scientology officials"``).

6. a pronoun speaker the snippet itself does not resolve (``"He said, ..."`` opening a
   sentence) takes its antecedent from the few snippets before it in the same article (same
   ``url``, frame order): the nearest one's speaker of a fitting kind and gender, else (he / she)
   the person its narrative names; 'they' may take a group named just before it. A pronoun whose
   own sentence names someone else first stays unresolved.

Unresolved pronouns get no canonical name (NA), so they never link to anything.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from toolkit_attribution.extract import NAME_SUFFIXES, SENT_RE, pair_quotes
from toolkit_attribution.lexicon import Lexicon, alias_key, fold
from toolkit_attribution.name_tables import (
    FullNames,
    Order,
    PeopleTables,
    PronounFacts,
    SpeakerAcronyms,
    decide_descriptions,
    decide_forms,
    decide_people,
)
from toolkit_attribution.person_keys import (
    INITIALS_RE,
    PersonKey,
    edit_distance,
    first_names_compatible,
    person_key,
    skeleton,
    typo_limit,
)
from toolkit_attribution.prefilter import re2_rows
from toolkit_attribution.words import (
    CLAUSE_STOP,
    COMMON_LEAD,
    DOC_NOUNS,
    DOCUMENTS,
    GENDER_WORDS,
    HEAD_GROUPS,
    LEAD_DROP,
    LODGED,
    NOT_NAMES,
    PLACE_HEADS,
    POST_PREPS,
    PREPS,
    PRONOUNS,
    SOURCE_ADJ,
    SPOKES,
    SPOKESPERSON,
)
from toolkit_attribution.words import DETS as DET_WORDS

DETS = ("the ", "a ", "an ")


# A run of capitalised words, lower-case name particles allowed inside ('Jaap de Hoop Scheffer').
# Every repetition starts with blanks, which no word contains, so the match is linear. The capital
# comes first and the look-behind after it ('no word character or apostrophe before the capital',
# read over two characters): the same matches as a look-behind first, but ``re`` then skips to the
# next capital letter in C instead of trying the look-behind at every position.
NAME_SEQ_RE = re.compile(
    r"[A-Z](?<![\w'’].)[\w'’.-]*(?:[ \t]+(?:(?:de|van|von|der|den|bin|al|da|del|la|le)[ \t]+)?[A-Z][\w'’.-]*)*"
)
GROUP_WORD_RE = re.compile(r"[A-Za-z][\w'’-]*")
PRONOUN_GENDER = {"he": "m", "she": "f"}
#: A person a run of capitalised words names: where the name starts in the run, the name, whether
#: a title or role precedes it, the gender the title implies.
RunPerson = tuple[int, tuple[str, ...], bool, str | None]
#: How many earlier snippets of the same article a pronoun looks back through for its antecedent.
PRONOUN_WINDOW = 3
#: How many earlier snippets of the same article a bare surname looks back through for a full name.
ARTICLE_WINDOW = 200
#: 'a spokeswoman for the State Department', 'officials at the health ministry', 'a source at the
#: company': the person speaks for the body named after the preposition.
SPEAKS_FOR_RE = re.compile(
    r"(?:[\w'-]+\s+){0,2}?(?:spokes(?:man|woman|person|people|men|women)|officials?|representatives?|"
    r"sources?|spokes-person)\s+(?:for|at|from|of|with|in)\s+(\S.*)"
)
DOC_SOURCE_RE = re.compile(
    r"(?:[\w'-]+\s+){0,2}?(?:" + "|".join(sorted(DOC_NOUNS)) + r")\s+(with|by|from|to|in|at)\s+(\S.*)",
    re.IGNORECASE,
)
#: 'Lydia Buchtmann for Food Standards Australia': a person, then the body they speak for.
AFFILIATION_RE = re.compile(r"((?:[A-Z][\w'.-]+\s+){1,2}[A-Z][\w'.-]+)\s+(?:for|of|at|from)\s+[A-Z]")
#: 'US Geological Survey (USGS)': the acronym in brackets at the end of a name.
TRAILING_ACRONYM_RE = re.compile(r"\s*\(\s*[A-Z][A-Za-z&.]{0,9}\s*\)\s*$")
#: "Cornyn's statement", "the ministry's latest report": the possessor issued the document.
POSSESSOR_RE = re.compile(r"(?:the\s+)?(.+?)'s?\s+(?:[\w-]+\s+){0,2}?[\w-]+$", re.IGNORECASE)
#: 'The ministry issued a statement on Monday': who issued the document a later sentence cites.
#: Bounded repetitions only: linear.
ISSUED_RE = re.compile(
    r"((?:[Tt]he\s+)?(?:[A-Z][\w'’.&-]*\s+){0,5}?(?:[A-Z][\w'’.&-]*|[a-z][\w'’-]*))\s+"
    r"(?:(?:has|had|have)\s+)?(?:issued|released|published|put\s+out|posted|sent|circulated|signed|unveiled)\s+"
    r"(?:a|an|the|its|his|her|their)\s+(?:[\w-]+\s+){0,2}?(" + "|".join(sorted(DOCUMENTS)) + r")\b"
)
#: "the study's authors": a document's people ('the', up to two modifiers, the document, 's).
DOCUMENT_POSSESSOR_RE = re.compile(r"(?:[Tt]he\s+)?(?:[\w-]+\s+){0,2}?([\w-]+)'s?\s+(\S.*)$")
#: 'court documents seen by the BBC', 'a memo obtained by Reuters': the document, then who holds it.
DOCUMENT_HELD_RE = re.compile(
    r"((?:[\w'’.-]+\s+){0,4}?([\w-]+))\s+(?:seen|obtained|reviewed|cited)\s+(?:by|with|in)\s+\S.*$"
)
COURT_PAPERS = frozenset(["documents", "papers", "records", "filings", "files"])
POSSESSIVE_PRONOUNS = frozenset(["his", "her", "their", "its", "my", "our"])
LOWER_WORD_RE = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*")
#: How many candidate texts :class:`LowerWordIndex` reads for all the asked words before it asks
#: again about the words not found yet (common words are answered by the first few).
FIRST_CANDIDATES = 1000
#: The shape of every ``LOWER_WORD_RE`` match, whole.
WHOLE_LOWER_WORD_RE = re.compile(r"[a-z][a-z'’-]*")
NOT_NAME_LEAD = PREPS | DET_WORDS | CLAUSE_STOP | LEAD_DROP | frozenset(["he", "she", "it", "they", "we", "i"])


def lower_words(texts: list[str], chunk: int = 50_000) -> set[str]:
    """Every word ``LOWER_WORD_RE`` finds in ``texts`` (the words written in lower case).

    Split on spaces by Arrow first and only the distinct pieces are read by the regex: news repeats
    its words, so that is a fraction of the text. Exact, because a space is neither part of a
    match nor a character the match's look-behind refuses: a match never spans a space and its
    look-behind sees a space or a piece's start alike. Chunks bound the pieces held at once.
    """
    pieces: set[str] = set()
    for i in range(0, len(texts), chunk):
        part = texts[i : i + chunk]
        try:
            split = pc.split_pattern(pa.array(part, type=pa.large_string()), " ")
        except UnicodeEncodeError:  # a lone surrogate: not UTF-8, so not Arrow; read these texts whole
            pieces.update(part)
            continue
        pieces.update(pc.unique(pc.list_flatten(split)).to_pylist())
    words: set[str] = set()
    for piece in pieces:
        if piece:
            words.update(LOWER_WORD_RE.findall(piece))
    return words


class LowerWordIndex:
    """``word in index`` is ``word in lower_words(texts)``, without building that set.

    The pandas run asks about a few dozen words at most (a description's first word), so it asks
    them together (:meth:`prefetch`): one RE2 pass over the texts finds the candidates, the texts
    where one of the words starts after an ASCII word boundary (which ``LOWER_WORD_RE``'s
    look-behind implies, the words starting with a lower-case letter: every text holding a match
    is a candidate), and ``LOWER_WORD_RE`` reads the first :data:`FIRST_CANDIDATES` of them; the
    words still unanswered (rare ones, with few candidates) are asked again the same way and every
    one of their candidates is read. A word not asked before is answered alone. Answers are memoised per word (one index
    per collection: no shared state). Texts RE2 or Arrow cannot read (a lone surrogate) are read
    with the regex alone.
    """

    def __init__(self, texts: list[str], chunk: int = 50_000):
        self._texts = texts
        self._chunk = chunk
        self._answers: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        hit = self._answers.get(word)
        if hit is None:
            self.prefetch([word])
            hit = self._answers[word]
        return hit

    def prefetch(self, words: Iterable[str]) -> None:
        """Answer ``word in index`` for all of ``words`` in one pass over the texts."""
        asked = {w for w in words if w not in self._answers}
        # every match is one lower-case letter, then letters, apostrophes, hyphens
        shaped = sorted(w for w in asked if WHOLE_LOWER_WORD_RE.fullmatch(w))
        found = self._find(shaped) if shaped else set()
        for w in asked:
            self._answers[w] = w in found

    def _find(self, words: list[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(self._texts), self._chunk):
            part = self._texts[i : i + self._chunk]
            # a few candidate texts answer the common words; then every candidate of the rest
            for limit in (FIRST_CANDIDATES, None):
                pending = [w for w in words if w not in found]
                if pending:
                    self._confirm(part, pending, found, limit)
        return found

    @staticmethod
    def _confirm(texts: list[str], words: list[str], found: set[str], limit: int | None) -> None:
        """Add to ``found`` those of ``words`` that ``LOWER_WORD_RE`` finds in the texts RE2 marks as
        candidates (the first ``limit`` of them): a text where one of the words starts after an ASCII
        word boundary, which ``LOWER_WORD_RE``'s look-behind implies (the words start with a letter)."""
        pattern = r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
        rows = re2_rows(texts, pattern)
        wanted = set(words)
        for row in (range(len(texts)) if rows is None else rows)[:limit]:
            found.update(w for w in LOWER_WORD_RE.findall(texts[row]) if w in wanted)


def context_words(lex: Lexicon) -> frozenset[str]:
    """The words whose collection-wide counts choose between an alias's readings (``alias_lookup``)."""
    return frozenset(w for cands in lex.aliases.values() if len(cands) > 1 for _c, _k, ctx in cands for w in ctx)


@dataclass(frozen=True)
class CollectionFacts:
    """What the canonical rules read from the whole collection's text, and nothing more: the words
    it writes in lower case, and how often each alias context word occurs. Both are sums over
    snippets, so they add up partition by partition (:meth:`of` then :meth:`merge`)."""

    lower_words: frozenset[str]
    word_totals: dict[str, int]

    @classmethod
    def of(cls, texts: list[str], lex: Lexicon) -> CollectionFacts:
        """The facts of some texts (one partition)."""
        totals = {w: sum(word_count(w, t) for t in texts) for w in context_words(lex)}
        return cls(frozenset(lower_words(texts)), totals)

    @classmethod
    def merge(cls, parts: Sequence[CollectionFacts]) -> CollectionFacts:
        """The facts of the union of the parts' texts."""
        lower: set[str] = set()
        totals: Counter[str] = Counter()
        for part in parts:
            lower |= part.lower_words
            totals.update(part.word_totals)
        return cls(frozenset(lower), dict(totals))


@lru_cache(maxsize=1024)
def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")


def word_count(word: str, text: str) -> int:
    """How often ``word`` occurs in ``text`` as a whole word (a substring test first: most texts
    do not hold it at all)."""
    return len(_word_pattern(word).findall(text)) if word in text else 0


def is_acronym(word: str) -> bool:
    """'UN', 'USGS' (not initials such as 'K.C.', nor a generational suffix such as 'IV')."""
    return word.isupper() and len(word) > 1 and not INITIALS_RE.fullmatch(word) and word not in NAME_SUFFIXES


def hyphenated_title(low: str, lex: Lexicon) -> str:
    """'director-general', 'officer-in-charge', 'secretary-general': a hyphenated title reads as
    its title word, so the name after it is read whole ('Director-General Tedros Adhanom
    Ghebreyesus' -> Tedros Adhanom Ghebreyesus)."""
    if "-" not in low:
        return low
    return next((part for part in low.split("-") if part in lex.titles or part in lex.roles), low)


def person_words(name: list[str], lex: Lexicon) -> list[str]:
    """The words of a capitalised run that name a person: places before the name dropped
    ('Governor of Washington Chris Gregoire'), an organisation's acronym before a full name dropped
    ('U.N. Samantha Power', 'UN envoy ...'), at most the last two of a long run, none when a month
    or weekday is in it or it ends in a street or building ('Downing Street', 'White House')."""
    while name and fold(name[0]).removesuffix("'s") in lex.places:
        name = name[1:]
    while len(name) >= 3 and (is_acronym(name[0]) or (INITIALS_RE.fullmatch(name[0]) and len(name[0]) > 2)):
        name = name[1:]
    if len(name) > 3:
        name = name[-2:]  # '... Council on American-Islamic Relations Alia Salem'
    if any(w.lower().strip(".,") in NOT_NAMES for w in name) or (name and name[-1].lower() in PLACE_HEADS):
        return []
    return name if len(name) <= 4 else []


@dataclass
class Mention:
    speaker: str
    snippet: str
    cluster: str | None
    key: str = ""
    kind: str = "other"  # person | body | group | other | pronoun
    name: tuple[str, ...] = ()  # a person's name tokens, titles stripped
    context: str = ""  # a 'Place's' prefix
    canonical: str | None = None
    start: int = -1  # where the speaker starts in its snippet (orders pronouns and antecedents)
    display: str = ""  # the name to show when it is not the speaker as written ('a spokeswoman for X' -> X)
    pronoun: str = ""  # the pronoun as written (lower case) when ``speaker`` is its antecedent in the snippet
    order: Order = ()  # the mention's place in the collection's order (set by the resolution)


@dataclass
class Canonicaliser:
    """One collection's canonical names (built per call: its caches are this call's own).

    ``texts`` must hold every snippet the rules read: the snippets of the mentions, their dedup
    clusters and their articles (all snippets of an article, in frame order). The two facts that
    span the whole collection are read from ``texts`` unless given: ``collection`` (see
    :class:`CollectionFacts`; the distributed plan sums them partition by partition).
    """

    lex: Lexicon
    texts: dict[str, str]
    clusters: dict[str, str] = field(default_factory=dict)
    articles: dict[str, str] = field(default_factory=dict)  # snippet -> its article (url)
    collection: CollectionFacts | None = None
    _ctx_cache: dict[str, int] = field(default_factory=dict)
    _classified: dict[str, tuple] = field(default_factory=dict)
    _people_cache: dict[str, list] = field(default_factory=dict)
    _run_people: dict[str, RunPerson | None] = field(default_factory=dict)  # a capitalised run -> its person
    _surname_cache: dict[tuple, str | None] = field(default_factory=dict)
    _art_snips: dict[str, list[str]] | None = None
    _art_pos: dict[str, int] = field(default_factory=dict)
    _mention_articles: set[str] | None = None  # the articles the mentions are in (set by resolve)
    _entity_name: dict[PersonKey, str] = field(default_factory=dict)
    _by_surname: dict[str, list[PersonKey]] = field(default_factory=dict)
    _known_by_surname: dict[str, list[PersonKey]] = field(default_factory=dict)  # every known key by surname
    _root: dict[PersonKey, PersonKey] = field(default_factory=dict)
    _by_given: dict[str, list[PersonKey]] = field(default_factory=dict)
    _speaker_keys: dict[str, set[PersonKey]] = field(default_factory=lambda: defaultdict(set))
    _lower: Container[str] | None = None
    table_kind: dict[str, str] = field(default_factory=dict)  # an alias table canonical -> its kind
    _members: dict[str, list[str]] = field(default_factory=dict)  # a dedup cluster -> its snippets
    _full: dict[PersonKey, list[Mention]] = field(default_factory=dict)  # the full names' mentions, by key
    _people_mentions: list[Mention] = field(default_factory=list)  # the mentions the people rules name

    def context_count(self, word: str, snippet: str, cluster_members: Sequence[str]) -> tuple[int, int, int]:
        """How often a context word occurs in the snippet, its dedup cluster and the collection."""
        in_snippet = word_count(word, self.texts.get(snippet, ""))
        in_cluster = sum(word_count(word, self.texts.get(s, "")) for s in cluster_members) if cluster_members else 0
        total = self._ctx_cache.get(word)
        if total is None and self.collection is not None:
            total = self.collection.word_totals.get(word)
            if total is None:
                raise KeyError(f"collection facts without a count of the context word {word!r}")
        if total is None:
            # text by text (no joined copy of the collection), cached per word
            total = sum(word_count(word, text) for text in self.texts.values())
            self._ctx_cache[word] = total
        return in_snippet, in_cluster, total

    # ------------------------------------------------------------------ classification
    def classify(self, m: Mention) -> None:
        """Set the mention's kind, key, name and context (memoised per speaker string)."""
        hit = self._classified.get(m.speaker)
        if hit is None:
            self._classify(m)
            self._classified[m.speaker] = (m.kind, m.key, m.name, m.context, m.display)
        else:
            m.kind, m.key, m.name, m.context, m.display = hit

    def _classify(self, m: Mention) -> None:
        """Kind, key, name and context of a speaker string, in order: a pronoun; someone who speaks
        for a body; a document (its issuer when the phrase names one); else from its words."""
        s = m.speaker.replace("’", "'").strip()
        if self._pronoun(m, s):
            return
        s = self._strip_affiliation(s)
        if self._speaks_for(m, s) or self._document(m, s):
            return
        self._from_words(m, s)
        held = DOCUMENT_POSSESSOR_RE.match(self._display(m.speaker.replace("’", "'")))
        if held and fold(held.group(1)) in DOCUMENTS and m.kind == "group":
            m.display = held.group(2)  # "the report's authors" are shown as 'authors'
        if TRAILING_ACRONYM_RE.search(m.speaker) and m.kind == "body":
            m.display = self._display(s)  # 'US Geological Survey (USGS)' is shown without its acronym

    @staticmethod
    def _pronoun(m: Mention, s: str) -> bool:
        low = fold(s)
        if low in PRONOUNS and not (len(s) > 1 and s.isupper()):  # 'WHO' is a body, 'who' a pronoun
            m.kind = "pronoun"
            return True
        if low.split()[0] in POSSESSIVE_PRONOUNS and s[len(s.split()[0]) :].islower():
            m.kind = "pronoun"  # 'her lawyer': whose depends on an antecedent the rules do not resolve
            return True
        return False

    def _strip_affiliation(self, s: str) -> str:
        """'Lydia Buchtmann for Food Standards Australia' -> the person before the preposition;
        then a leading article and a trailing parenthesised acronym go ('the US Geological Survey
        (USGS)' -> 'US Geological Survey': the acronym is learned as an alias from the text)."""
        lex = self.lex
        pp = AFFILIATION_RE.match(s)
        if pp and not any(fold(w) in lex.bodies or fold(w) in lex.titles for w in pp.group(1).split()):
            s = pp.group(1)
        low = fold(s)
        for d in DETS:
            if low.startswith(d):
                s = s[len(d) :]
                break
        bare = TRAILING_ACRONYM_RE.sub("", s)
        s = bare if bare.strip() else s
        held = DOCUMENT_POSSESSOR_RE.match(s)
        if held and fold(held.group(1)) in DOCUMENTS:
            s = held.group(2)  # "the report's authors" are the authors, not the report
        return s

    def _speaks_for(self, m: Mention, s: str) -> bool:
        """'a spokeswoman for the State Department', 'officials at the Pentagon', 'a Google
        spokesperson': they speak for the body."""
        sm = SPEAKS_FOR_RE.match(s)
        if sm:
            inner = Mention(speaker=sm.group(1), snippet=m.snippet, cluster=m.cluster)
            self._classify(inner)
            if inner.kind == "body" and inner.key:
                m.kind, m.key, m.context = "body", inner.key, inner.context
                m.display = self._display(sm.group(1))
                return True
        sw = s.split()
        if len(sw) >= 2 and sw[-1].lower() in SPOKESPERSON and not m.context:
            body = sw[:-1]
            if all(w[:1].isupper() for w in body) and not all(w.lower() in self.lex.titles for w in body):
                m.kind, m.key, m.display = "body", alias_key(" ".join(body)), " ".join(body)
                return True
        return False

    def _document(self, m: Mention, s: str) -> bool:
        """A document as the source is no speaker: its issuer is.

        'a report by the AP' / 'data from the ONS' / "Cornyn's statement" / 'a Pentagon report':
        the issuer named in the phrase is the speaker, so the canonical is the issuer's. 'a filing
        with the SEC' / 'an SEC filing': the SEC only received it (the company said it), so no
        issuer is named. A bare document ('the statement', 'projection materials', 'the latest
        situation') has kind ``document`` and no canonical here; :meth:`_document_issuers` then
        looks for its issuer in its snippet ('The ministry issued a statement. The statement
        said ...').
        """
        dm = DOC_SOURCE_RE.match(s)
        if dm:
            if dm.group(1).lower() in ("by", "from") and self._issuer(m, dm.group(2)):
                return True
            if dm.group(1).lower() not in ("by", "from"):
                m.kind, m.key = "document", ""
                return True
            return False
        held_by = DOCUMENT_HELD_RE.match(s)
        if held_by and fold(held_by.group(2)) in DOCUMENTS:
            s = held_by.group(1)  # 'documents seen by the BBC': the outlet saw them, the documents say it
        words = s.split()
        if not words or not self._is_document_head(words):
            return False
        if len(words) >= 2 and words[-2].lower() == "court" and words[-1].lower() in COURT_PAPERS:
            m.kind, m.key = "document", ""  # 'court documents': filed by the parties, not said by the court
            return True
        lead = words[:-1]
        possessor = POSSESSOR_RE.match(s)
        if possessor and self._issuer(m, possessor.group(1)):
            return True  # "Cornyn's statement", "the ministry's report"
        lead = [w for w in lead if w.lower() not in DET_WORDS]
        if lead and words[-1].lower() not in LODGED and self._body_issuer(m, lead):
            return True  # 'a Pentagon report', 'Kremlin statement', 'government data'
        m.kind, m.key = "document", ""
        return True

    def _body_issuer(self, m: Mention, lead: list[str]) -> bool:
        """The words before a document noun name its issuer when they are a body: capitalised
        ('a Pentagon report') or a body noun ('government data', 'police figures')."""
        capitalised = all(w[:1].isupper() for w in lead)
        if not capitalised and not (all(w.islower() for w in lead) and lead[-1].lower() in self.lex.bodies):
            return False
        inner = Mention(speaker=" ".join(lead), snippet=m.snippet, cluster=m.cluster)
        self._classify(inner)
        if inner.kind != "body" or not inner.key:
            return False
        m.kind, m.key, m.context, m.display = "body", inner.key, inner.context, inner.display or " ".join(lead)
        return True

    def _is_document_head(self, words: list[str]) -> bool:
        """Does the phrase end in a document noun written as a common noun ('the report', 'Recent
        reports', 'Estimates'), not as part of a name ('the US Geological Survey')?"""
        head = words[-1].lower().strip(".,")
        if head not in DOCUMENTS:
            return False
        return words[-1].islower() or len(words) == 1 or all(not w[:1].isupper() for w in words[1:])

    def _issuer(self, m: Mention, phrase: str) -> bool:
        """Take the issuer named in a document's phrase, when it is a body or a person."""
        inner = Mention(speaker=phrase, snippet=m.snippet, cluster=m.cluster)
        self._classify(inner)
        if inner.kind in ("body", "person", "place_or_person") and inner.key:
            m.kind, m.key, m.name, m.context = inner.kind, inner.key, inner.name, inner.context
            m.display = inner.display or self._display(phrase)
            return True
        return False

    def _from_words(self, m: Mention, s: str) -> None:
        """A body, a group, a person (titles and roles stripped) or a description, from the words."""
        lex = self.lex
        pm = re.match(r"(.+?)'s?\s+(.+)$", s)  # 'South Korea's spy agency' -> context 'South Korea'
        if pm and fold(pm.group(1)) in lex.places:
            m.context = pm.group(1)
        m.key = alias_key(s)
        words = s.split()
        lows = [hyphenated_title(w.lower().strip(".,").removesuffix("'s"), lex) for w in words]
        if len(words) == 1 and words[0].isupper() and len(words[0]) > 1:
            m.kind = "body"
            return
        org = self._org_name(words, lows)
        if org == 0:
            m.kind = "body"  # 'Office for National Statistics': the whole name, not 'Statistics'
            return
        if org > 0:  # 'Detective Sarah Jones of the Metropolitan Police': the person before 'of'
            words, lows = words[:org], lows[:org]
            m.key = alias_key(" ".join(words))
        if self._described(m, words, lows):
            return
        self._name_or_body(m, words, lows)

    def _described(self, m: Mention, words: list[str], lows: list[str]) -> bool:
        """'officials in Gaza', 'a federal judge in Texas', 'Ukrainian officials': a group, or an
        unnamed person described by a role."""
        lex = self.lex
        head = lows[-1] if lows else ""
        proper = len(words) > 1 and all(w[:1].isupper() for w in words) and fold(words[0]) not in lex.places
        # 'people familiar with the matter', 'a source close to the talks': the noun before the modifier
        post = next((i for i, w in enumerate(lows) if i > 0 and (w in SOURCE_ADJ or w in POST_PREPS)), -1)
        if (
            post > 0
            and (lows[post - 1] in lex.groups or lows[post - 1] in lex.roles)
            and (words[post - 1].islower() or post == 1)
        ):
            head = lows[post - 1]
            if head in lex.roles and head not in lex.groups:
                m.kind = "person"  # an unnamed person, described
                return True
        if head in lex.groups and not proper:
            m.kind = "group"
            return True
        return False

    def _name_or_body(self, m: Mention, words: list[str], lows: list[str]) -> None:
        """The trailing run of capitalised words after titles and roles: a person's name, unless it
        is a place, a body, or a street or building that stands for one ('Downing Street')."""
        lex = self.lex
        k = len(words)
        while (
            k > 0
            and words[k - 1][:1].isupper()
            and lows[k - 1] not in lex.titles
            and lows[k - 1] not in lex.bodies
            and lows[k - 1] not in lex.roles
        ):
            k -= 1
        name = words[k:]
        if len(name) == 1 and len(words) == 1 and fold(name[0]) in lex.places:
            m.kind = "place_or_person"  # 'Paris claims ...': the city, or Valeska Paris
            m.name = (name[0],)
            return
        name = person_words(name, lex)
        body_word = any(w in lex.bodies for w in lows)
        if name and not (body_word and k == 0) and not any(is_acronym(w) for w in name):
            folded = fold(" ".join(name)).removesuffix("'s")
            if folded not in lex.places and not all(fold(w).removesuffix("'s") in lex.places for w in name):
                m.kind = "person"
                m.name = tuple(w if INITIALS_RE.fullmatch(w) else w.removesuffix("'s").rstrip(",.") for w in name)
                return
            if len(name) == 1:
                m.kind = "place_or_person"
                m.name = (name[0],)
                return
        if lows[-1] in lex.roles:
            m.kind = "person"  # an unnamed person: 'a teacher', 'the team's coach'
            return
        m.kind = "body" if body_word or words[-1][:1].isupper() else "other"

    def _org_name(self, words: list[str], lows: list[str]) -> int:
        """Read a name joined by 'of' / 'for' / 'and' ('Bureau of Labor Statistics', 'Food and
        Drug Administration', 'Ukraine's Ministry of Foreign Affairs').

        Returns 0 when the whole phrase names an organisation (the noun before the first
        connector is a body word, or the last word is one and no person is named before it),
        ``k > 0`` when the first ``k`` words name a person and the rest is where they work
        ('Detective Sarah Jones of the Metropolitan Police'), -1 when the rule does not apply:
        no connector, a lower-case word, or a title and a name at the end ('Secretary of State
        Antony Blinken', 'Bank of America Chief Executive Brian Moynihan').
        """
        lex = self.lex
        conn = next((i for i, w in enumerate(lows) if w in ("of", "for", "and", "&") and 0 < i < len(lows) - 1), -1)
        if conn < 0:
            return -1
        if any(
            not w[:1].isupper() and lw not in ("of", "for", "and", "&", "the", "on")
            for w, lw in zip(words, lows, strict=True)
        ):
            return -1
        k = len(words)
        while k > conn + 1 and lows[k - 1] not in lex.titles and lows[k - 1] not in lex.roles:
            k -= 1
        if k > conn + 1 and len(words) - k >= 2:
            return -1  # a title after the connector, then a name: the existing person rules decide
        pre = lows[:conn]
        if pre[-1] in lex.bodies:
            return 0
        if pre[-1] in lex.titles or pre[-1] in lex.roles:
            return -1
        run = 0
        while run < len(pre) and pre[-1 - run] not in lex.titles and pre[-1 - run] not in lex.bodies:
            run += 1
        titled = run < len(pre) and (pre[-1 - run] in lex.titles or pre[-1 - run] in lex.roles)
        if (run >= 2 or (run == 1 and titled)) and fold(" ".join(pre[-run:])) not in lex.places:
            return conn
        return 0 if lows[-1] in lex.bodies else -1

    # ------------------------------------------------------------------ resolution
    def alias_lookup(self, key: str, m: Mention, members: Sequence[str]) -> str | None:
        cands = self.lex.aliases.get(key)
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0][0]
        best, best_score = cands[0][0], (-1, -1, -1)
        score: list[int]
        for canonical, _kind, context in cands:
            score = [0, 0, 0]
            for w in context:
                a, b, c = self.context_count(w, m.snippet, members)
                score[0] += a
                score[1] += b
                score[2] += c
            if (score[0], score[1], score[2]) > best_score:
                best, best_score = canonical, (score[0], score[1], score[2])
        return best

    def resolve(self, mentions: list[Mention], acronyms: dict[str, str]) -> None:
        """Set every mention's canonical name and kind. ``acronyms`` maps the acronyms the
        collection defines to their expansions (``{"NIS": "National Intelligence Service"}``).

        The stages below, each followed by the collection-level decision on its share (here the
        whole collection's; the distributed plan runs the stages per group of snippets and decides
        on the sum of the groups' shares, see :mod:`toolkit_attribution.name_tables`)."""
        for i, m in enumerate(mentions):
            m.order = (i,)
        acr, expansions = self.stage_classify(mentions).decide(acronyms)
        tables = decide_people(self.stage_aliases(mentions, acr, expansions), self.lex)
        chosen = decide_descriptions(self.stage_people(mentions, tables))
        names = decide_forms(self.stage_descriptions(mentions, chosen))
        self.stage_pronouns(mentions, self.stage_own_names(mentions, names))

    def stage_classify(self, mentions: list[Mention]) -> SpeakerAcronyms:
        """Stage 1: every mention's kind and key; a bare document takes the issuer its snippet
        names. Share: the acronym speakers and the initials speakers spell out."""
        self.table_kind = {c: k for cands in self.lex.aliases.values() for c, k, _ in cands}
        self._mention_articles = {a for a in (self.articles.get(m.snippet) for m in mentions) if a is not None}
        self._art_snips = None
        self._members = defaultdict(list)
        for sid, cid in self.clusters.items():
            self._members[cid].append(sid)
        for m in mentions:
            self.classify(m)
        self._document_issuers(mentions)
        return self._acronym_speakers(mentions)

    def stage_aliases(self, mentions: list[Mention], acronyms: dict[str, str], expansions: dict[str, str]) -> FullNames:
        """Stage 2: the alias table and the collection's acronyms. Share: the full names of people."""
        members = self._members
        for m in mentions:
            if m.kind != "pronoun":
                self._alias(m, acronyms, expansions, members.get(m.cluster, []) if m.cluster else [])
        self._people_mentions = [m for m in mentions if m.canonical is None and m.kind in ("person", "place_or_person")]
        self._full = defaultdict(list)
        names = FullNames()
        for m in self._people_mentions:
            if m.kind == "person" and len(m.name) >= 2:
                key = person_key(m.name)
                self._full[key].append(m)
                names.add(key, m.order, m.name, self._titled(m))
        return names

    def stage_people(self, mentions: list[Mention], tables: PeopleTables) -> dict[str, Counter[str]]:
        """Stage 3: people (full names merged, bare surnames joined). Share: the descriptions' votes."""
        self._people(tables)
        return self._description_votes(mentions)

    def stage_descriptions(self, mentions: list[Mention], chosen: dict[str, str]) -> dict[str, Counter[str]]:
        """Stage 4: descriptions joined to the body voted for. Share: the forms of the rest's keys."""
        for m in mentions:
            if m.canonical is None and m.key in chosen:
                m.canonical = chosen[m.key]
        return self._own_name_forms(mentions)

    def stage_own_names(self, mentions: list[Mention], names: dict[str, str]) -> PronounFacts:
        """Stage 5: everything else takes its key's most frequent form; spans starting together are
        one speaker. Share: the genders of names and the first group named by each key."""
        for m in mentions:
            if m.canonical is None and m.kind != "pronoun" and m.key:
                m.canonical = names[m.key]
            if m.kind == "place_or_person":
                m.kind = "body"
        self._same_start(mentions)
        facts = PronounFacts()
        for m in mentions:
            if m.canonical and m.kind == "person":
                for w in m.speaker.lower().split():
                    g = GENDER_WORDS.get(w.strip(","))
                    if g:
                        facts.genders.setdefault(m.canonical, set()).add(g)
            if m.canonical is not None and m.kind in ("group", "body"):
                facts.name_group(m.key, m.order, m.canonical, m.kind)
        return facts

    def stage_pronouns(self, mentions: list[Mention], facts: PronounFacts) -> None:
        """Stage 6: pronouns that open a snippet take the speaker they refer to earlier in the same
        article; 'he' / 'she' resolved to no person keep no name."""
        self._pronouns(mentions, facts)
        self._no_person_for_he_or_she(mentions)

    def _document_issuers(self, mentions: list[Mention]) -> None:
        """A bare document ('The statement said ...') takes the issuer its snippet names before it
        ('The ministry issued a statement on Monday.'); without one it keeps no canonical."""
        for m in mentions:
            if m.kind != "document" or m.key or m.start < 0:
                continue
            text = self.texts.get(m.snippet, "")
            head = fold(m.speaker.split()[-1]).strip(".,")
            found = None
            for hit in ISSUED_RE.finditer(text, max(0, m.start - 400), m.start):
                if fold(hit.group(2)) == head:
                    found = hit.group(1)
            if found is not None:
                self._issuer(m, found)

    @staticmethod
    def _acronym_speakers(mentions: list[Mention]) -> SpeakerAcronyms:
        """An acronym speaker and a speaker whose capitalised words it abbreviates ('the NIS' and
        'South Korea's National Intelligence Service') name one body: the acronym speakers, and the
        initials of each speaker's capitalised words (the first speaker of each, see
        :meth:`SpeakerAcronyms.decide`)."""
        share = SpeakerAcronyms()
        bodies = (m.speaker.split()[-1] for m in mentions if m.kind == "body")
        share.speakers = {last for last in bodies if last.isupper()}
        for m in mentions:
            if m.kind in ("pronoun", "group"):
                continue
            words = m.speaker.replace("’", "'").split()
            if m.context:
                words = words[len(m.context.split()) :]
            caps = [w for w in words if w[:1].isupper() and w.lower() != "the"]
            if len(caps) >= 2:
                share.spell("".join(w[0] for w in caps), m.order, " ".join(w for w in words if w.lower() != "the"))
        return share

    def _alias_keys(self, m: Mention) -> list[str]:
        """The keys a mention is looked up by: its own, without a spokes-noun ('NIS officials' ->
        'NIS'), without its place prefix ("South Korea's spy agency" -> 'spy agency')."""
        keys = [m.key]
        words = m.key.split()
        if len(words) > 1 and words[-1] in SPOKES:
            keys.append(" ".join(words[:-1]))
        if m.context:
            s = m.speaker.replace("’", "'")
            rest = alias_key(s.split("'", 1)[-1][1:].strip() if "'" in s else "")
            if rest:
                keys.append(rest)
        return keys

    def _alias(self, m: Mention, acronyms: dict[str, str], expansions: dict[str, str], mem: list[str]) -> None:
        """The alias table, then the acronyms the collection defines."""
        for key in self._alias_keys(m):
            canonical = self.alias_lookup(key, m, mem)
            if canonical is None:
                raw = key.upper()
                exp = acronyms.get(raw) if key and raw.replace("&", "").isalpha() else None
                if exp is None and key in expansions:
                    exp = acronyms[expansions[key]]
                    canonical = self.alias_lookup(alias_key(expansions[key]), m, mem)
                if exp is not None and canonical is None:
                    canonical = self.alias_lookup(alias_key(exp), m, mem) or exp
            if canonical is not None and m.kind == "group" and self.table_kind.get(canonical) == "person":
                continue  # a group never becomes a person
            if canonical is not None:
                m.canonical = canonical
                m.kind = self.table_kind.get(canonical, "body")  # 'NIS officials' speak for the NIS
                return

    def _own_name_forms(self, mentions: list[Mention]) -> dict[str, Counter[str]]:
        """Everything still unnamed takes its own name, as written without the article (lower case
        for a description): how often each key is written in each form."""
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        unnamed = [m for m in mentions if m.canonical is None and m.kind != "pronoun" and m.key]
        written = [m.display or self._display(m.speaker) for m in unnamed]
        lower = self._lower_words()
        if isinstance(lower, LowerWordIndex):  # ask the collection about every word at once
            lower.prefetch(w for s, m in zip(written, unnamed, strict=True) if (w := self._case_question(s, m.kind)))
        for m, s in zip(unnamed, written, strict=True):
            forms[m.key][self._common_case(s, m.kind)] += 1
        return dict(forms)

    @staticmethod
    def _same_start(mentions: list[Mention]) -> None:
        """One speaker read twice: 'Posts on the board theorized that ..., and wrote that ...' gives
        the second verb the head noun only; spans that start together in a snippet are one speaker."""
        longest: dict[tuple[str, int], Mention] = {}
        for m in mentions:
            if m.start >= 0 and m.canonical is not None:
                k = (m.snippet, m.start)
                o = longest.get(k)
                if o is None or len(m.speaker) > len(o.speaker):
                    longest[k] = m
        for m in mentions:
            o = longest.get((m.snippet, m.start))
            if o is None or o is m or m.kind == "pronoun" or not o.speaker.startswith(m.speaker + " "):
                continue
            if "group" in (m.kind, o.kind) and "person" in (m.kind, o.kind):
                continue  # a group never becomes a person, nor a person a group
            m.canonical, m.kind = o.canonical, o.kind

    @staticmethod
    def _no_person_for_he_or_she(mentions: list[Mention]) -> None:
        """'he' / 'she' resolved in its snippet to something that is no person ('Downing Street'):
        no canonical name, never a place or a thing."""
        for m in mentions:
            if m.pronoun in ("he", "she") and m.kind != "person":
                m.canonical, m.kind = None, "pronoun"

    def _common_case(self, s: str, kind: str) -> str:
        """A description's canonical form in lower case: 'Rescuers' / 'rescuers', 'Health officials'
        / 'health officials', 'Two people familiar with the matter' -> 'two people ...'.

        A capital that only opens a sentence is dropped when the phrase is a common-noun
        description (a group, an unnamed role, a body ending in a lower-case noun) and its first
        word is a common word: one the lexicons know, a number or quantifier, or one the
        collection also writes in lower case. Places and demonyms ('Israeli officials'), acronyms
        ('NIS officials') and words only ever capitalised ('Scientology officials') keep theirs.
        """
        first = self._case_question(s, kind)
        if first is None:
            return s
        lex = self.lex
        if not (
            first in lex.groups
            or first in lex.roles
            or first in lex.titles
            or first in lex.bodies
            or first in COMMON_LEAD
            or first in self._lower_words()
        ):
            return s
        return s.lstrip()[0].lower() + s[1:]  # the first word's first letter

    def _case_question(self, s: str, kind: str) -> str | None:
        """The first word (lower case) whose being a common word decides :meth:`_common_case`, or
        None when the phrase keeps its capital whatever that word is."""
        words = s.split()
        if not words or not words[0][:1].isupper() or words[0].isupper():
            return None
        described = kind == "person" and len(words) <= 3 and words[-1].lower() in self.lex.roles
        if (kind == "person" or (kind in ("body", "place_or_person") and not words[-1].islower())) and not described:
            return None  # a name, or a body's proper name
        cut = next((i for i, w in enumerate(words) if i > 0 and (w in POST_PREPS or w in SOURCE_ADJ)), len(words))
        if any(w[:1].isupper() for w in words[1:cut]):
            return None  # 'Food Standards Australia', 'Health Canada officials' ('officials in Gaza' is lowered)
        first = words[0].replace("’", "'").lower()
        if fold(first).removesuffix("'s") in self.lex.places or first.endswith("'s"):
            return None
        return first

    def _lower_words(self) -> Container[str]:
        """Every word the collection writes in lower case somewhere (built once, on demand)."""
        if self._lower is None:
            if self.collection is not None:
                self._lower = self.collection.lower_words
            else:
                self._lower = LowerWordIndex(list(self.texts.values()))
        return self._lower

    @staticmethod
    def _display(s: str) -> str:
        s = " ".join(s.split())
        for d in ("the ", "The ", "a ", "A ", "an ", "An "):
            if s.startswith(d):
                return s[len(d) :]
        return s

    def _people(self, tables: PeopleTables) -> None:
        """Full names merge when they name one person in the collection (``tables``, decided from
        every full name: :func:`~toolkit_attribution.name_tables.decide_people`); a bare surname
        joins the one full name it can mean."""
        self._root, self._entity_name, self._by_surname = tables.root, tables.entity_name, tables.by_surname
        self._known_by_surname, self._by_given = tables.known_by_surname, tables.by_given
        for key, ms in self._full.items():
            for m in ms:
                self._speaker_keys[m.snippet].add(key)
                m.canonical = tables.entity_name[key]
        for m in self._people_mentions:
            if m.canonical is None and len(m.name) == 1:
                self._surname_only(m, self._members)

    def _titled(self, m: Mention) -> bool:
        """Is the person's name written right after a title or role ('Director-General Tedros ...')?
        Then it is surely a person's name, not an organisation's read as one."""
        words = m.speaker.replace("’", "'").split()
        i = len(words) - len(m.name)
        if i <= 0 or [w.removesuffix("'s").rstrip(",.") for w in words[i:]] != list(m.name):
            return False
        before = hyphenated_title(words[i - 1].lower().strip(".,"), self.lex)
        return before in self.lex.titles or before in self.lex.roles

    def _surname_only(self, m: Mention, members: dict[str, list[str]]) -> None:
        """A bare surname ('Sunak') joins the one full name of the collection with that surname;
        with several ('John Smith', 'Jane Smith'), the one named in the same snippet, cluster or
        article, else none; with none, the full name its article's text gives."""
        cands = self._by_surname.get(skeleton(m.name[-1]), [])
        pick = None
        if len(cands) == 1:
            pick = cands[0]
        elif len(cands) > 1:
            # the one named in the same snippet, else in the same cluster, else earlier in the article
            scopes = [[m.snippet], members.get(m.cluster, []) if m.cluster else [], self._article_before(m.snippet)]
            for scope in scopes:
                hits = [c for c in cands if any(self._names_in(self._entity_name[c], s) for s in scope)]
                if len(hits) == 1:
                    pick = hits[0]
                    break
        if pick is not None:
            m.canonical = self._entity_name[pick]
            m.kind = "person"
            return
        if cands:  # several people of that surname and nothing to choose between them
            if m.kind == "person":
                m.canonical = m.name[-1]
            return
        given = self._by_given.get(skeleton(m.name[-1]), [])
        if m.kind == "person" and len(given) == 1:
            m.canonical = self._entity_name[given[0]]  # 'Tedros' -> Tedros Adhanom Ghebreyesus
            return
        # no speaker carries the full name: the article introduced it in its text ('For Kevin
        # Allton, a USI instructor, ...' then 'Allton said'), or misspelt it ('Maurer' / 'Mauer')
        named = self._article_full_name(m.name[-1], m.snippet, m.kind == "person")
        if named is not None:
            m.canonical = named
            m.kind = "person"
        elif m.kind == "person":
            table = self.lex.aliases.get(alias_key(m.name[-1]))
            m.canonical = table[0][0] if table else m.name[-1]

    def _known_key(self, key: PersonKey) -> PersonKey:
        """The speaker key a name in the text stands for: its own, or the one known key of the same
        surname whose first name it abbreviates or extends ('Cres' / 'Creswell'); else its own."""
        if key in self._entity_name:
            return self._root.get(key, key)
        fits = {
            self._root.get(k, k)
            for k in self._by_surname.get(key[1], ())
            if k[1] == key[1] and first_names_compatible(k[0], key[0])
        }
        return next(iter(fits)) if len(fits) == 1 else key

    # ------------------------------------------------------------------ articles
    def _article_index(self) -> None:
        """Each article's snippets in frame order — of the articles the mentions are in only (the
        rules look back in those; indexing every url of a collection costs a list per snippet)."""
        if self._art_snips is not None:
            return
        self._art_snips = {}
        self._art_pos = {}
        wanted = self._mention_articles
        for sid in self.texts:  # frame order: an article's snippets in the order they were given
            art = self.articles.get(sid)
            if art is not None and (wanted is None or art in wanted):
                self._add_to_article(art, sid)

    def _add_to_article(self, art: str, sid: str) -> None:
        assert self._art_snips is not None
        sids = self._art_snips.get(art)
        if sids is None:
            sids = self._art_snips[art] = []
        self._art_pos[sid] = len(sids)
        sids.append(sid)

    def _article_before(self, snippet: str, window: int = ARTICLE_WINDOW) -> list[str]:
        """The snippet and the ones before it in its article, nearest first (none without a url)."""
        self._article_index()
        assert self._art_snips is not None
        art = self.articles.get(snippet)
        if art is None:
            return []
        if snippet not in self._art_pos:  # an article no mention is in: index it now
            for sid in self.texts:
                if self.articles.get(sid) == art:
                    self._add_to_article(art, sid)
        sids = self._art_snips[art]
        i = self._art_pos[snippet]
        stop = i - window - 1
        return sids[i : stop if stop >= 0 else None : -1]

    def text_people(self, snippet: str) -> list[tuple[int, tuple[str, ...], bool, str | None]]:
        """People named in a snippet's text: ``(start, name, titled, gender)``.

        A name is two or more capitalised words after any title or role ('Kevin Allton',
        'Prime Minister John Key' -> John Key), or one surname after a title ('Mr Key').
        Places, bodies, groups, months and acronyms are not people.
        """
        hit = self._people_cache.get(snippet)
        if hit is not None:
            return hit
        out: list[tuple[int, tuple[str, ...], bool, str | None]] = []
        text = self.texts.get(snippet, "")
        quoted = [(a, b) for a, b, _ in pair_quotes(text)] if '"' in text or "“" in text else []
        for m in NAME_SEQ_RE.finditer(text):
            if quoted and any(a < m.start() < b for a, b in quoted):
                continue  # a name inside quoted speech is not the narrative's
            run = m.group()
            if run in self._run_people:  # the same run of capitalised words reads the same in every snippet
                person = self._run_people[run]
            else:
                person = self._run_people[run] = self._run_person(run)
            if person is not None:
                offset, clean, titled, gender = person
                out.append((m.start() + offset, clean, titled, gender))
        self._people_cache[snippet] = out
        return out

    def _run_person(self, run: str) -> RunPerson | None:
        """The person a run of capitalised words names (see :meth:`text_people`): where the name
        starts in the run, the name, whether a title or role precedes it, the gender it implies."""
        lex = self.lex
        words = run.split()
        lows = [w.lower().replace("’", "'").removesuffix("'s").rstrip(",.") for w in words]
        start = 0
        while start < len(words) and (lows[start] in NOT_NAME_LEAD or lows[start] in NOT_NAMES):
            start += 1
        titled, gender = False, None
        k = start
        for i in range(start, len(words)):
            w = lows[i]
            if w in lex.titles or w in lex.roles or fold(w) in lex.places or words[i].endswith(("'s", "’s")):
                k = i + 1
                if w in lex.titles or w in lex.roles:
                    titled = True
                    gender = GENDER_WORDS.get(w, gender)
        name = words[k:]
        nlows = lows[k:]
        if not name or (len(name) < 2 and not titled) or len(name) > 4:
            return None
        if any(w in lex.bodies or w in lex.groups or w in NOT_NAMES or w in lex.titles for w in nlows):
            return None
        if any(w.isupper() and len(w) > 1 and "." not in w for w in name):
            return None
        if fold(" ".join(nlows)) in lex.places or all(fold(w) in lex.places for w in nlows):
            return None
        clean = tuple(w.replace("’", "'").removesuffix("'s").rstrip(",.") for w in name)
        return len(" ".join(words[:k])) + (1 if k else 0), clean, titled, gender

    def _article_full_name(self, surname: str, snippet: str, typos: bool) -> str | None:
        """The one full name that the article (up to this snippet) gives for a bare surname.

        Exact surnames first; failing those, and only for a speaker known to be a person, a
        surname a few letters off (a misspelling in the copy) that starts with the same letter.
        Two candidates, or none: no name.
        """
        scope = self._article_before(snippet)
        if not scope:
            return None
        key = (self.articles.get(snippet, ""), surname, typos)
        if key in self._surname_cache:
            return self._surname_cache[key]
        sk = skeleton(surname)
        exact: set[tuple[str, str]] = set()
        near: set[tuple[str, str]] = set()
        names: dict[tuple[str, str], str] = {}
        limit = typo_limit(sk) if typos else 0
        # full names the article's speakers carry, then those in its text
        for sid in scope:
            for _pos, name, _titled, _g in self.text_people(sid):
                if len(name) >= 2:
                    fk = self._known_key(person_key(name))
                    names.setdefault(fk, self._entity_name.get(fk, " ".join(name)))
        spoken = {self._root.get(fk, fk) for sid in scope for fk in self._speaker_keys.get(sid, ())}
        # of the collection's known names only those of this surname, or carried by a speaker of the
        # article, can be picked below: look those up (an index, not a scan of every known name)
        for fk in [*self._known_by_surname.get(sk, ()), *(k for k in spoken if k in self._entity_name)]:
            nm = self._entity_name[fk]
            if fk in names or self._names_in(nm, scope[0]):
                names[fk] = nm
        for fk in names:
            if fk[1] == sk:
                exact.add(fk)
            elif limit and fk in spoken and fk[1][:1] == sk[:1] and edit_distance(fk[1], sk, limit) <= limit:
                near.add(fk)  # a misspelling joins only a full name some speaker of the article carries
        pick = exact if exact else near
        # the same person may be named with and without a middle initial: one surname, one first letter
        out = names[next(iter(pick))] if len(pick) == 1 else None
        self._surname_cache[key] = out
        return out

    def _person_canonical(self, name: tuple[str, ...], snippet: str) -> str | None:
        """The canonical name of a person named in the text (a full name, or a titled surname)."""
        if len(name) >= 2:
            hit = self._entity_name.get(self._known_key(person_key(name)))
            if hit is not None:
                return hit
            table = self.lex.aliases.get(alias_key(" ".join(name)))
            return table[0][0] if table else " ".join(name)
        cands = self._by_surname.get(skeleton(name[0]), [])
        if len(cands) == 1:
            return self._entity_name[cands[0]]
        if cands:
            hits = [
                c for c in cands if any(self._names_in(self._entity_name[c], s) for s in self._article_before(snippet))
            ]
            return self._entity_name[hits[0]] if len(hits) == 1 else None
        return self._article_full_name(name[0], snippet, False)

    def _pronouns(self, mentions: list[Mention], facts: PronounFacts) -> None:
        """A pronoun speaker left unresolved in its snippet (``'He said, ...'`` opening a sentence)
        takes the speaker it refers to from the earlier snippets of the same article.

        Snippets that share a ``url`` are taken as passages of one article, in frame order. Looking
        back at most ``PRONOUN_WINDOW`` snippets, the nearest snippet holding a speaker or a
        compatible antecedent decides (no fit there: no antecedent): a speaker of that snippet
        first (he / she: a person of no other gender; it: a body; they: a group or a body), else
        for he / she the first person its narrative names, for 'they' in its own snippet a group
        named before the pronoun ('Scientology officials went to the station, where they
        claimed ...'). Without a url nothing changes.
        """
        pending = [
            m
            for m in mentions
            if m.kind == "pronoun" and m.canonical is None and fold(m.speaker) in ("he", "she", "it", "they")
        ]
        if not pending or not self.articles:
            return
        by_snip: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            if m.canonical is not None:
                by_snip[m.snippet].append(m)
        gender = facts.gender()
        pending_snippets = {m.snippet for m in pending}
        order = {sid: i for i, sid in enumerate(self.texts) if sid in pending_snippets}
        pending.sort(key=lambda m: (order.get(m.snippet, 0), m.start))
        for m in pending:
            pron = fold(m.speaker)
            want = PRONOUN_GENDER.get(pron)
            found: tuple[str, str] | None = None
            for sid in self._article_before(m.snippet, PRONOUN_WINDOW):
                here = sid == m.snippet
                before = [o for o in by_snip.get(sid, []) if not here or o.start < m.start]
                cands = [o for o in before if self._fits(o, pron, gender.get(o.canonical or ""), want)]
                if cands:
                    o = max(cands, key=lambda o: o.start)
                    found = (o.canonical or "", o.kind)
                    break
                if want is not None:
                    for pos, name, _titled, g in self.text_people(sid):
                        if here and pos >= m.start:
                            break
                        canonical = self._person_canonical(name, sid)
                        if canonical is None or (g or gender.get(canonical, want)) != want:
                            continue
                        found = (canonical, "person")
                        break
                elif pron == "they" and here:
                    found = self._group_before(sid, m.start, facts)
                if found is None and here and self._names_before(sid, m.start):
                    break  # 'Thomas' sister pleaded with him, but he replied': someone the rules cannot name
                if found is not None or before:
                    break  # the nearest sentence with a speaker decides: none that fits, no antecedent
            if found is not None and found[0]:
                m.canonical, m.kind = found
                by_snip[m.snippet].append(m)

    def _names_before(self, snippet: str, end: int) -> bool:
        """Whether the snippet's narrative names anyone or anything before ``end``: a capitalised
        word outside quotes that does not open a sentence and is no place, title, month or acronym."""
        text = self.texts.get(snippet, "")[:end]
        if not any(ch.isupper() for ch in text):
            return False
        quoted = [(a, b) for a, b, _ in pair_quotes(text)] if '"' in text or "“" in text else []
        starts = {0} | {m.end() for m in SENT_RE.finditer(text)}
        lex = self.lex
        for w in NAME_SEQ_RE.finditer(text):
            for t in re.finditer(r"\S+", w.group()):
                pos = w.start() + t.start()
                word = t.group()
                low = word.lower().replace("’", "'").removesuffix("'s").rstrip(",.'")
                if not word[:1].isupper() or any(a < pos < b for a, b in quoted):
                    continue
                if pos in starts or text[:pos].rstrip().endswith(('"', "“", "(")) or not text[:pos].strip():
                    continue
                if (
                    low in NOT_NAME_LEAD
                    or low in NOT_NAMES
                    or low in lex.titles
                    or fold(low) in lex.places
                    or (word.isupper() and len(word) > 1)
                    or low == "i"
                ):
                    continue
                return True
        return False

    def _fits(self, o: Mention, pron: str, gender: str | None, want: str | None) -> bool:
        if want is not None:
            return o.kind == "person" and bool(o.name) and (gender is None or gender == want)
        if pron == "it":
            return o.kind == "body" and not o.speaker.lower().endswith("s")
        return o.kind == "group" or (o.kind == "body" and fold(o.speaker) not in PRONOUNS)

    def _group_before(self, snippet: str, end: int, facts: PronounFacts) -> tuple[str, str] | None:
        """The last group a snippet names before ``end`` ('Scientology officials'), as a canonical."""
        text = self.texts.get(snippet, "")
        lo = max(0, end - 300)
        words = [(w.start() + lo, w.group()) for w in GROUP_WORD_RE.finditer(text[lo:end])]
        for i in range(len(words) - 1, -1, -1):
            if words[i][1].lower() not in self.lex.groups:
                continue
            j = i
            while (
                j > 0
                and i - j < 3
                and words[j - 1][1][:1].isupper()
                and words[j - 1][1].lower() not in NOT_NAME_LEAD
                and words[j - 1][1].lower() not in NOT_NAMES
                and not text[words[j - 1][0] + len(words[j - 1][1]) : words[j][0]].strip()
            ):
                j -= 1  # 'Scientology officials': the capitalised words right before the group noun
            phrase = text[words[j][0] : words[i][0] + len(words[i][1])]
            named = facts.groups.get(alias_key(phrase))  # the collection's first group or body of that key
            if named is not None:
                return (named[1], named[2])
            return (self._display(phrase), "group")
        return None

    def _names_in(self, name: str, snippet: str) -> bool:
        text = self.texts.get(snippet, "")
        last = name.split()[-1]
        return name in text or (last in text and name.split()[0] in text)

    def _description_votes(self, mentions: list[Mention]) -> dict[str, Counter[str]]:
        """Descriptions ('the spy agency') vote for the one compatible body named among the speakers
        of their snippet, and of their dedup cluster: the votes per description key."""
        scopes: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            scopes["s:" + m.snippet].append(m)
            if m.cluster:
                scopes["c:" + m.cluster].append(m)
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for ms in scopes.values():
            named = {
                m.canonical or self._display(m.speaker)
                for m in ms
                if m.kind == "body" and (m.canonical or m.speaker.split()[-1][:1].isupper())
            }
            for m in ms:
                if m.canonical is not None or m.kind not in ("body", "other", "group"):
                    continue
                words = m.key.split()
                if not words or any(w[:1].isupper() for w in m.speaker.split()[-1:]):
                    continue
                group = next((g for g in HEAD_GROUPS if any(w in g for w in words)), frozenset())
                if not group and words[-1] not in self.lex.bodies:
                    continue
                head = words[-1]
                fits = [
                    b
                    for b in named
                    if any(w in group or w == head for w in fold(b).replace("(", " ").replace(")", " ").split())
                ]
                if len(fits) == 1:
                    votes[m.key][fits[0]] += 1
        return dict(votes)
