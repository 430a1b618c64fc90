"""One canonical name per speaker across the whole collection.

A speaker string goes through, in order:

1. the alias table (shipped data plus the user's entries): ``"South Korea's spy agency"``,
   ``"the NIS"`` -> ``National Intelligence Service (South Korea)``. An alias shared by several
   bodies (``JCS``) is settled by the entries' context words, counted in the snippet, then its
   dedup cluster, then the collection;
2. acronyms learned from the collection's own text (``"the Korean Central News Agency (KCNA)"``),
   so an acronym and its expansion share one name even when the table knows neither;
3. people: titles and roles are stripped (``"President Zelenskyy"`` -> ``Zelenskyy``), full names
   that agree on the first name and on a transliteration-tolerant surname merge, and a bare
   surname joins the one full name it matches (the one in the same snippet or cluster when the
   collection has several people of that surname; else it stays apart);
4. descriptions (``"South Korea's spy agency"`` when the table lacks it) join a named body when
   the same snippet or dedup cluster names exactly one compatible body among its speakers;
5. groups (``"Ukrainian officials"``) keep their own name, and are never merged into a person;
   ``"<body> officials"`` / ``"a <body> spokesperson"`` speak for the body.

Unresolved pronouns get no canonical name (NA), so they never link to anything.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .lexicon import Lexicon, alias_key, fold

PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "who", "which", "you"])
DETS = ("the ", "a ", "an ")
SPOKES = frozenset(
    [
        "officials",
        "official",
        "sources",
        "source",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "spokespeople",
        "representatives",
        "representative",
        "staff",
    ]
)
ACRONYM_RE = re.compile(r"\(\s*([A-Z][A-Za-z&]{1,9})\s*\)")
WORD_RE = re.compile(r"[\w][\w'’.&-]*")
NOT_NAMES = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "today",
        "yesterday",
    ]
)
HEAD_GROUPS = (
    frozenset(["agency", "service", "services", "bureau", "directorate", "office", "intelligence", "spy"]),
    frozenset(["ministry", "department"]),
    frozenset(["military", "army", "forces", "staff", "command", "defense", "defence", "navy"]),
    frozenset(["police"]),
    frozenset(["government", "administration", "cabinet", "presidency", "kremlin"]),
    frozenset(["court", "tribunal"]),
)


def skeleton(name: str) -> str:
    """A transliteration-tolerant key for a surname: Zelenskyy, Zelensky, Zelenskiy -> 'zelensky'."""
    s = unicodedata.normalize("NFKD", name.lower())
    s = "".join(ch for ch in s if ch.isalpha())
    s = re.sub(r"(?:iy|yy|ij|yi|ii)$", "y", s)
    s = re.sub(r"(.)\1+", r"\1", s)
    return s.replace("kh", "h").replace("ph", "f")


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


@dataclass
class Canonicaliser:
    lex: Lexicon
    texts: dict[str, str]
    clusters: dict[str, str] = field(default_factory=dict)
    _ctx_cache: dict[str, int] = field(default_factory=dict)
    _joined: str | None = None
    _classified: dict[str, tuple] = field(default_factory=dict)

    # ------------------------------------------------------------------ learning from the text
    def learn_acronyms(self) -> dict[str, str]:
        """``{"NIS": "National Intelligence Service"}`` from 'the National Intelligence Service (NIS)'."""
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for text in self.texts.values():
            if "(" not in text:
                continue
            for m in ACRONYM_RE.finditer(text):
                acr = m.group(1)
                letters = [ch for ch in acr if ch.isupper()]
                if len(letters) < 2:
                    continue
                words = WORD_RE.findall(text[max(0, m.start() - 160) : m.start()])
                exp = self._expansion(words, letters)
                if exp:
                    votes[acr][exp] += 1
        return {acr: c.most_common(1)[0][0] for acr, c in votes.items()}

    @staticmethod
    def _expansion(words: list[str], letters: list[str]) -> str | None:
        need = list(letters)
        out: list[str] = []
        for w in reversed(words):
            if not need:
                break
            if w.lower() in ("of", "for", "and", "the", "on", "in", "de", "du", "&", "des", "la"):
                if out:
                    out.append(w)
                    continue
                return None
            if w[0].upper() == need[-1] and w[0].isupper():
                out.append(w)
                need.pop()
                continue
            return None
        if need or not out:
            return None
        while out and out[-1].lower() in ("of", "for", "and", "the", "on", "in", "&"):
            out.pop()
        return " ".join(reversed(out))

    def context_count(self, word: str, snippet: str, cluster_members: Sequence[str]) -> tuple[int, int, int]:
        pat = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")
        t = self.texts.get(snippet, "")
        in_snippet = len(pat.findall(t))
        in_cluster = sum(len(pat.findall(self.texts.get(s, ""))) for s in cluster_members) if cluster_members else 0
        if word not in self._ctx_cache:
            if self._joined is None:
                self._joined = "\n".join(self.texts.values())
            self._ctx_cache[word] = len(pat.findall(self._joined))
        return in_snippet, in_cluster, self._ctx_cache[word]

    # ------------------------------------------------------------------ classification
    def classify(self, m: Mention) -> None:
        """Set the mention's kind, key, name and context (memoised per speaker string)."""
        hit = self._classified.get(m.speaker)
        if hit is None:
            self._classify(m)
            self._classified[m.speaker] = (m.kind, m.key, m.name, m.context)
        else:
            m.kind, m.key, m.name, m.context = hit

    def _classify(self, m: Mention) -> None:
        lex = self.lex
        s = m.speaker.replace("’", "'").strip()
        low = fold(s)
        if low in PRONOUNS and not (len(s) > 1 and s.isupper()):  # 'WHO' is a body, 'who' a pronoun
            m.kind = "pronoun"
            return
        if low.split()[0] in ("his", "her", "their", "its", "my", "our") and s[len(s.split()[0]) :].islower():
            m.kind = "pronoun"  # 'her lawyer': whose depends on an antecedent the rules do not resolve
            return
        # 'Lydia Buchtmann for Food Standards Australia' -> the person before the preposition
        pp = re.match(r"((?:[A-Z][\w'.-]+\s+){1,2}[A-Z][\w'.-]+)\s+(?:for|of|at|from)\s+[A-Z]", s)
        if pp and not any(fold(w) in lex.bodies or fold(w) in lex.titles for w in pp.group(1).split()):
            s = pp.group(1)
            low = fold(s)
        for d in DETS:
            if low.startswith(d):
                s = s[len(d) :]
                low = low[len(d) :]
                break
        # 'South Korea's spy agency' -> context 'South Korea', rest 'spy agency'
        pm = re.match(r"(.+?)'s?\s+(.+)$", s)
        if pm and fold(pm.group(1)) in lex.places:
            m.context = pm.group(1)
        m.key = alias_key(s)
        words = s.split()
        lows = [w.lower().strip(".,").removesuffix("'s") for w in words]
        head = lows[-1] if lows else ""
        if len(words) == 1 and words[0].isupper() and len(words[0]) > 1:
            m.kind = "body"
            return
        proper = len(words) > 1 and all(w[:1].isupper() for w in words) and fold(words[0]) not in lex.places
        if head in lex.groups and not proper:
            m.kind = "group"
            return
        # trailing run of capitalised words after titles/roles: a person's name?
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
        while name and fold(name[0]).removesuffix("'s") in lex.places:
            name = name[1:]  # 'Governor of Washington Chris Gregoire'
        if len(name) > 3:
            name = name[-2:]  # '... Council on American-Islamic Relations Alia Salem'
        if any(w.lower().strip(".,") in NOT_NAMES for w in name):
            name = []
        body_word = any(w in lex.bodies for w in lows)
        if (
            name
            and 1 <= len(name) <= 4
            and not (body_word and k == 0)
            and not any(w.isupper() and len(w) > 1 for w in name)
        ):
            folded = fold(" ".join(name)).removesuffix("'s")
            if folded not in lex.places and not all(fold(w).removesuffix("'s") in lex.places for w in name):
                m.kind = "person"
                m.name = tuple(w.removesuffix("'s").rstrip(",.") for w in name)
                return
            if len(name) == 1:
                m.kind = "place_or_person"
                m.name = (name[0],)
                return
        if head in lex.roles:
            m.kind = "person"  # an unnamed person: 'a teacher', 'the team's coach'
            return
        if body_word or words[-1][:1].isupper():
            m.kind = "body"
            return
        m.kind = "other"

    # ------------------------------------------------------------------ resolution
    def alias_lookup(self, key: str, m: Mention, members: Sequence[str]) -> str | None:
        cands = self.lex.aliases.get(key)
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0][0]
        best, best_score = cands[0][0], (-1, -1, -1)
        for canonical, _kind, context in cands:
            score = [0, 0, 0]
            for w in context:
                a, b, c = self.context_count(w, m.snippet, members)
                score[0] += a
                score[1] += b
                score[2] += c
            if tuple(score) > best_score:
                best, best_score = canonical, tuple(score)
        return best

    def resolve(self, mentions: list[Mention]) -> None:
        self.table_kind = {c: k for cands in self.lex.aliases.values() for c, k, _ in cands}
        acronyms = self.learn_acronyms()
        expansions = {alias_key(v): k for k, v in acronyms.items()}
        members: dict[str, list[str]] = defaultdict(list)
        for sid, cid in self.clusters.items():
            members[cid].append(sid)

        for m in mentions:
            self.classify(m)
        # an acronym speaker and a speaker whose capitalised words it abbreviates ('the NIS' and
        # 'South Korea's National Intelligence Service') name one body
        acr_speakers = {m.speaker.split()[-1] for m in mentions if m.kind == "body" and m.speaker.split()[-1].isupper()}
        for m in mentions:
            if not acr_speakers or m.kind in ("pronoun", "group"):
                continue
            words = m.speaker.replace("’", "'").split()
            if m.context:
                words = words[len(m.context.split()) :]
            caps = [w for w in words if w[:1].isupper() and w.lower() != "the"]
            initials = "".join(w[0] for w in caps)
            if len(caps) >= 2 and initials in acr_speakers and initials not in acronyms:
                acronyms[initials] = " ".join(w for w in words if w.lower() != "the")
                expansions[alias_key(acronyms[initials])] = initials

        # 1-2. alias table and learned acronyms
        for m in mentions:
            if m.kind == "pronoun":
                continue
            mem = members.get(m.cluster, []) if m.cluster else []
            keys = [m.key]
            words = m.key.split()
            if len(words) > 1 and words[-1] in SPOKES:
                keys.append(" ".join(words[:-1]))  # 'NIS officials' -> 'NIS'
            if m.context:
                rest = alias_key(
                    m.speaker.replace("’", "'").split("'", 1)[-1][1:].strip()
                    if "'" in m.speaker.replace("’", "'")
                    else ""
                )
                if rest:
                    keys.append(rest)
            for key in keys:
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
                    canonical = None  # a group never becomes a person
                    continue
                if canonical is not None:
                    m.canonical = canonical
                    m.kind = self.table_kind.get(canonical, "body")  # 'NIS officials' speak for the NIS
                    break

        # 3. people
        self._people([m for m in mentions if m.canonical is None and m.kind in ("person", "place_or_person")], members)

        # 4. descriptions joined to a body named in the same snippet or cluster
        self._descriptions(mentions)

        # 5. everything else: its own name, as written without the article, most frequent form
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        for m in mentions:
            if m.canonical is None and m.kind != "pronoun":
                forms[m.key][self._display(m.speaker)] += 1
        for m in mentions:
            if m.canonical is None and m.kind != "pronoun" and m.key:
                m.canonical = max(forms[m.key].items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]
            if m.kind == "place_or_person":
                m.kind = "body"

    @staticmethod
    def _display(s: str) -> str:
        s = " ".join(s.split())
        for d in ("the ", "The ", "a ", "A ", "an ", "An "):
            if s.startswith(d):
                return s[len(d) :]
        return s

    def _people(self, people: list[Mention], members: dict[str, list[str]]) -> None:
        full: dict[tuple[str, str], list[Mention]] = defaultdict(list)
        for m in people:
            if m.kind == "person" and len(m.name) >= 2:
                full[(skeleton(m.name[0])[:1], skeleton(m.name[-1]))].append(m)
        by_surname: dict[str, list[tuple[str, str]]] = defaultdict(list)
        entity_name: dict[tuple[str, str], str] = {}
        for key, ms in full.items():
            by_surname[key[1]].append(key)
            forms = Counter(" ".join(m.name) for m in ms)
            name = max(forms.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]
            table = self.lex.aliases.get(alias_key(name))
            entity_name[key] = table[0][0] if table else name
        for key, ms in full.items():
            for m in ms:
                m.canonical = entity_name[key]
        for m in people:
            if m.canonical is not None or not m.name:
                continue
            if len(m.name) >= 2:
                continue
            sk = skeleton(m.name[-1])
            cands = by_surname.get(sk, [])
            pick = None
            if len(cands) == 1:
                pick = cands[0]
            elif len(cands) > 1:
                # the one named in the same snippet, else in the same cluster
                scopes = [[m.snippet], members.get(m.cluster, []) if m.cluster else []]
                for scope in scopes:
                    hits = [c for c in cands if any(self._names_in(entity_name[c], s) for s in scope)]
                    if len(hits) == 1:
                        pick = hits[0]
                        break
            if pick is not None:
                m.canonical = entity_name[pick]
                m.kind = "person"
            elif m.kind == "person":
                table = self.lex.aliases.get(alias_key(m.name[-1]))
                m.canonical = table[0][0] if table else m.name[-1]

    def _names_in(self, name: str, snippet: str) -> bool:
        text = self.texts.get(snippet, "")
        last = name.split()[-1]
        return name in text or (last in text and name.split()[0] in text)

    def _descriptions(self, mentions: list[Mention]) -> None:
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
        for m in mentions:
            if m.canonical is None and m.key in votes:
                (best, n), *rest = votes[m.key].most_common()
                if not rest or n >= 2 * rest[0][1]:
                    m.canonical = best
