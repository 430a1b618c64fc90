"""Rule-based extraction of attributed statements from one snippet.

No model, no normalised copy: every regex runs on the original text (curly and straight quotes
and apostrophes are matched as they are), so every span is an offset into it. Each step is linear
in the text: quote marks are paired in one pass, cues are found with one trie-shaped regex, and
the speaker and content rules look at a bounded window around each cue.

The rules, in order:

* a reporting verb from the lexicon with its speaker on the left (``X said``, ``X has confirmed``,
  ``"Q," X said``, ``Y, X said on Friday``) or on the right (``"Q," said X``, ``Y, added X``),
  then the content: a quote after it (``X said: "Q"``), a ``that``-clause, a bare clause for
  verbs that allow one, an infinitive for verbs of promise and appeal (``vowed to rebuild``,
  ``urged both sides to return``), a noun phrase for verbs like *highlighted*, or the text
  before it;
* participles: ``…, with X saying …``, ``…, X saying …`` (an absolute construction), ``…, adding
  that …`` (the sentence's previous speaker or its subject), ``was quoted (by Y) as saying``;
* sourcing phrases: ``according to X``, ``as reported by X``, ``citing X``, ``quoting X``;
* quotes introduced by a colon (``X: "Q"``) or followed by a dash (``"Q" — X``), and the second
  half of a split quote (its own claim, same speaker and cue);
* double quotes straight or curly, « », and British single quotes (‘…’, apostrophes inside
  kept); an unpaired opening mark runs to the end of the snippet (``truncated``), a stray closing
  mark is ignored or, first in the snippet, closes a quote cut off at its start;
* pronoun speakers (he / she / it / they) resolved to the nearest earlier speaker or name in the
  same snippet (never a street or building such as 'Downing Street'); the speaker stays the
  pronoun as written and the name is kept as the claim's antecedent.

A wire dateline opening the snippet (``BRUSSELS, March 3 (Reuters) - ``, ``WASHINGTON (AP) — ``) is
no part of the first sentence: contents start after it (offsets still into the original text).
Organisation names joined by 'and' stay whole ('the Food and Drug Administration'), and so do
anonymous sources with their modifier ('people familiar with the matter') and documents with their
locator ('a filing with the Securities and Exchange Commission (SEC)').

Cues inside quoted speech are not extracted (the quote is already the claim), and a report nested
in another speaker's indirect content stays in that content, except under a sourcing phrase.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, NamedTuple

from toolkit_attribution.lexicon import Lexicon, Verb, build_lexicon
from toolkit_attribution.lexicon import fold as fold_place
from toolkit_attribution.prefilter import Regions, find_cues
from toolkit_attribution.words import (
    ABBREV,
    AFTER_SPEAKER,
    ASIDES,
    AUX,
    BE,
    CLAUSE_STOP,
    DETS,
    DOC_NOUNS,
    FINITE,
    IRREGULAR_PAST,
    LEAD_DROP,
    NEGATED_AUX,
    NOT_ADVERB_LY,
    NP_INNER_PREPS,
    NP_OBJECTS,
    OBJ_PRON,
    PERSON_PRON,
    PLACE_HEADS,
    PREPS,
    SOURCE_ADJ,
    SUBJ_PRON,
    TIME_NOUNS,
    VERB_STOP,
    WEEKDAYS,
    WH_WORDS,
)

OPEN_Q = "“«„‟"
CLOSE_Q = "”»"
#: A reporting verb and a comma right before a straight quote mark: the quote opens there.
SAID_COMMA_RE = re.compile(r"\b(?:said|says|added|adds|told|stated|wrote|explained|declared|asked),[ \t]*\Z")
QUOTE_CHARS = '"“”«»„‟'
QUOTE_RE = re.compile("[" + QUOTE_CHARS + "]")
SINGLE_RE = re.compile("[‘’]")
TOKEN_RE = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:[’'\-&.]\w+)*(?:[’'](?:s\b)?)?|[^\w\s]")

# Sentence ends: . ! ? or an ellipsis, closing marks, space, then something that starts a sentence.
SENT_MARKS = ".!?…"
SENT_RE = re.compile("[" + SENT_MARKS + r"]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")

# A wire dateline opening a snippet: 'BRUSSELS, March 3 (Reuters) - ', 'WASHINGTON (AP) — ',
# 'KYIV, Ukraine (AP) — ', 'LONDON, Sept 18 (Reuters) -', '(Reuters) - '. A city in capitals
# (optionally a region and a date after commas) and/or an agency in brackets, then a dash. It is
# anchored at the start and every part is bounded, so it costs a few dozen steps at most.
DATELINE_RE = re.compile(
    r"\s{0,4}(?:"
    r"[A-Z][A-Z.'’-]{1,20}(?:[ \t][A-Z][A-Z.'’-]{1,20}){0,3}"  # the city, in capitals
    r"(?:,[ \t]{1,3}[A-Z][\w.'’-]{1,20}(?:[ \t][A-Z][\w.'’-]{1,20}){0,2}){0,2}"  # ', Ukraine', ', Calif.'
    r"(?:,?[ \t]{1,3}[A-Z][a-z]{2,8}\.?[ \t]{1,3}\d{1,2})?"  # ', March 3'
    r"(?:[ \t]{1,3}\([A-Z][\w .&/-]{0,40}\))?"  # ' (Reuters)'
    r"|\([A-Z][\w .&/-]{0,40}\)"
    r")[ \t]{0,3}(?:—|–|--|-)[ \t]{0,3}(?=\S)"
)
# After a cue: adverbials that may sit between the verb and its content.
_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MEDIUM = (
    r"(?:statement|interview|post|posting|letter|report|tweet|speech|briefing|message|remarks|"
    r"address|note|email|e-mail|video|broadcast|press\s+release|release|op-ed|article|column|"
    r"blog\s+post|blog|filing|document|memo|conversation|call|podcast|telegram|announcement|"
    r"ruling|opinion|decision|judgment|judgement|order|lawsuit|complaint|testimony|affidavit|newsletter|"
    r"update|notice|submission|editorial|sermon|speech)"
)
ADVERBIAL_RE = re.compile(
    r"(?:,?\s+(?:"
    r"(?:on|last|this|next|late|early)\s+" + _DAYS + r"(?:\s+(?:morning|afternoon|evening|night))?"
    r"|" + _DAYS + r"(?:\s+(?:morning|afternoon|evening|night))?"
    r"|(?:earlier|later)(?:\s+(?:this|on|in|that|last)(?:\s+(?:week|month|year|day|morning|evening))?)?"
    r"|(?:last|this|next)\s+(?:week|month|year|weekend|morning|night)"
    r"|yesterday|today|tonight|recently|previously|again|also|repeatedly|publicly|privately|separately"
    r"|in\s+(?:a|an|the|his|her|their|its|our|one)\s+(?:[\w'’-]+\s+){0,3}?"
    + _MEDIUM
    + r"(?:\s+(?:on|to|with|posted\s+on|published\s+(?:on|in)|released\s+on)"
    r"\s+(?:the\s+)?[\w.'’-]+(?:\s+(?:(?:of|for|and|&)\s+)?[A-Z][\w.'’-]*){0,5})?"
    r"|in\s+remarks\s+to\s+(?:the\s+)?[\w.'’-]+(?:\s+[\w.'’-]+){0,3}?(?=,)"
    r"|in\s+(?:court|legal)\s+(?:papers|documents|filings?|records)(?:\s+filed(?:\s+(?:on|in|with)\s+"
    r"(?:the\s+)?[\w.'’-]+(?:\s+[A-Z][\w.'’-]*){0,3})?)?"
    r"|(?:on|via)\s+(?:Twitter|X|Facebook|Telegram|Instagram|TikTok|YouTube|Weibo|social\s+media|"
    r"Truth\s+Social|Threads|Bluesky|LinkedIn|Substack|Reddit|WeChat|VK|WhatsApp|"
    r"state\s+television|state\s+TV|television|TV|radio)"
    r"|at\s+(?:a|an|the)\s+(?:[\w'’-]+\s+){0,3}?(?:press\s+conference|news\s+conference|briefing|"
    r"meeting|summit|rally|event|hearing|forum|session)"
    r"|to\s+(?:reporters|journalists|the\s+press|the\s+media|lawmakers|parliament|state\s+media)"
    r"|(?:speaking\s+)?on\s+(?:the\s+)?condition\s+of\s+anonymity"
    r"|to\s+(?:the\s+)?[A-Z][\w.'’-]*(?:\s+(?:of\s+)?[A-Z][\w.'’-]*){0,3}"
    r"|in\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?(?=\s*(?:,|that\b|:))"
    r"))",
)
MEDIUM_RE = re.compile(r",?\s+in\s+(?:a|an|the|his|her|their|its|our|one)\s+(?:[\w'’-]+\s+){0,3}?" + _MEDIUM)
THAT_RE = re.compile(r"\s*,?\s*that\b\s*")
# Where an indirect content stops before the end of its sentence (``content_cut`` finds the same).
_CUT_WORDS = (
    r"\s*(?:according\s+to|as\s+reported\s+by|as\s+quoted\s+by|citing|quoting|adding|saying|"
    r"(?:he|she|they|it|we)\s+(?:said|added|told|warned|says|adds))\b"
)
CONTENT_CUT_RE = re.compile(r";|(?:,|(?<=,[”\"’]))" + _CUT_WORDS + r"|\s[—–]\s|\s--\s")
#: The report words of ``CONTENT_CUT_RE`` after a comma (or a comma and a closing quote mark).
CUT_WORDS_RE = re.compile(_CUT_WORDS)
TO_QUOTE_RE = re.compile(r"[ \t]*[,:][ \t]*")
DASH_RE = re.compile(r"[ \t,]{0,4}(?:—|–|--|-)[ \t]{0,4}")
ASIDE_RE = re.compile(r",\s+[^,;:\"“”]{1,60},\s*(?=that\b|[\"“])")
# 'told a briefing that ...', 'told the state broadcaster on Monday that ...': the addressee ends at 'that'
OBJECT_THAT_RE = re.compile(r"(\s+(?:[\w'’.&-]+\s+){0,5}?[\w'’.&-]+)(?:\s+that\b|\s*[:,]\s*[\"“‘])")
INTERRUPTED_RE = re.compile(r",\s+(?!(?:but|and|adding|saying|according|citing|as|while|when|which|who)\b)[a-z]")
#: The addressee of *told* / *warned*: 'told reporters', 'told the BBC', 'told LA Weekly'.
ADDRESSEE_RE = re.compile(
    r"\s+(?:(?:the|a|an|his|her|their|its)\s+)?(?:[A-Z][\w.'’&-]*(?:\s+(?:of\s+|for\s+)?[A-Z][\w.'’&-]*){0,4}"
    r"|(?:reporters|journalists|press|media|court|jury|parliament|lawmakers|congress|senate|"
    r"committee|audience|crowd|students|supporters|residents|me|him|her|them|us|listeners|"
    r"viewers|readers|investors|police|officials|broadcaster|newspaper|outlet|agency|station|"
    r"channel|network|radio|television|magazine|paper|website|site|daily))"
)
COORD_END_RE = re.compile(r"[,;]\s*(?:(?:but|and|while|whereas|yet)\s+)?\Z")
#: No claim part reaches further than this from its cue (news sentences are far shorter), which
#: keeps the work per cue bounded on hostile input (a megabyte without a full stop).
MAX_SPAN = 1500
#: Heads no speaker phrase ends on: a determiner, a preposition, a clause word, an object pronoun.
NO_SPEAKER_HEADS = DETS | PREPS | CLAUSE_STOP | OBJ_PRON
#: Pronoun-like heads that name no speaker ('there', 'someone'); 'one' only after a word ('no one').
PRONOUN_HEADS = frozenset(
    ["there", "here", "this", "it's", "what", "all", "one", "none", "nobody", "everyone", "someone", "anyone",
     "something", "nothing", "everything", "which", "who"]
)  # fmt: skip
#: Words of a phrase that addresses the reader or quotes a speaker's own words, not a speaker.
ADDRESSING_WORDS = frozenset(["you", "you'd", "you've", "they've", "i'm", "we're"])
#: Words that end a noun phrase read leftwards (unless an acronym or a possessive 'her').
LEFT_STOPS = CLAUSE_STOP | VERB_STOP | OBJ_PRON
#: The first, short window the walk left from a cue reads (see ``Extractor.left_np``).
SHORT_WINDOW = 48
WHITESPACE_RE = re.compile(r"\s")
#: The first window the rightward reads (``right_np``, ``clause_follows``) tokenise.
SHORT_WINDOW_RIGHT = 80
#: How far past its current token one step of ``right_np`` may read (``org_and_right``: six).
RIGHT_READ_AHEAD = 7
#: How many neighbouring claims the post-processing compares a claim with.
NEAR = 24
NAME_AFTER_RE = re.compile(r",\s+((?:[A-Z][\w'’.-]+\s+){1,3}[A-Z][\w'’.-]+)\s*,")
ROLE_AFTER_RE = re.compile(r",\s+((?:the\s+|a\s+|an\s+)?[a-z][^,.;:\"“”]{2,80}?)(?=[,.;]|$)")
NP_CONTENT_CUT_RE = re.compile(r"(?:,(?!\d{3}\b)|[;:])|\s[—–-]\s|\s(?:with|while|as|after|before|because|and\s+said)\s")


@dataclass
class Claim:
    speaker_start: int
    speaker_end: int
    cue_start: int
    cue_end: int
    content_start: int
    content_end: int
    kind: str
    confidence: float
    role: str | None = None
    quote: int = -1  # index of the quote the content is, for direct claims
    truncated: bool = False
    pronoun: str | None = None  # the pronoun as written when the speaker was resolved from one
    nested_in: int = -1  # the quote this claim sits in (a claim inside quoted speech)
    #: the span of the name a pronoun speaker refers to (-1: none). While the rules run, a
    #: resolved claim's speaker span is the antecedent's (they compare speakers by position); the
    #: last step puts the pronoun back as the speaker and keeps the antecedent here.
    antecedent_start: int = -1
    antecedent_end: int = -1
    pronoun_start: int = -1
    pronoun_end: int = -1


class _Retry:
    """The walk left ran off a short window: read further back."""


_RETRY = _Retry()

#: Paired quote marks: ``(open, close, truncated)`` (see :func:`pair_quotes`).
Quotes = list[tuple[int, int, bool]]
#: A content span, its kind and the index of the quote it is (-1: none).
Content = tuple[tuple[int, int], str, int]
NoContent = tuple[tuple[int, int] | None, str, int]
#: 'to rebuild ...', 'both sides to return ...': an infinitive, after at most a short object.
#: ', saying ...' right after a noun-phrase content: the participle carries what was said.
PARTICIPLE_AFTER_RE = re.compile(r"\s*,\s*(?:saying|adding|insisting|arguing|explaining|stressing|claiming)\b")
#: The object before a quote a verb like *called* names: 'called the plan "a disaster"'.
QUOTE_OBJECT_RE = re.compile(r"\s+(?:[\w'’-]+\s+){1,4}?(?=[\"“‘'])")
#: 'a disaster' in straight single quotes after such an object: letters inside, no apostrophe end.
SINGLE_QUOTED_RE = re.compile(r"'([A-Za-z][^'\n]{0,100}?[\w.!?])'(?![A-Za-z])")
#: Generational suffixes that end a name ('Maria Santos IV'), not acronyms.
NAME_SUFFIXES = frozenset(["II", "III", "IV", "VI", "VII", "VIII", "JR", "SR"])
#: Participles that carry a document's phrase on to who holds it: 'court documents seen by the BBC'.
DOC_PARTICIPLES = frozenset(["seen", "obtained", "reviewed", "cited", "filed", "released", "published", "issued"])
#: A preposition or determiner a phrase read rightwards must not end on.
DOC_PREPS = frozenset(["with", "by", "from", "to", "in", "at"])
NP_TAIL_RE = re.compile(r"(?:\s+(?:of|for|to|at|in|on|by|the|a|an))+$")
#: 'was quoted by local media as' right before 'saying': the subject before it is the speaker.
QUOTED_BY_RE = re.compile(r"\s(?:was|were|is|are|been|being)\s+quoted\s+by\s+[^,.;:\"“”]{1,60}?\s+as\s*\Z")
INFINITIVE_RE = re.compile(
    r"(?:(?!(?:to|of|for|in|on|at|with|from|by|about)\b)[\w'’.-]+\s+){0,5}?"
    r"to\s+[\"“‘]?(?!(?:the|a|an|his|her|their|its|this|that|these|those|my|our|your)\b)[a-z]"
)


class CueSite(NamedTuple):
    """One reporting verb in a snippet and what its rules read: the text and its paired quotes,
    the cue span, the window its claim may occupy (``u0``..``u1``: its sentence, at most
    ``MAX_SPAN`` either side), and where the speaker's phrase may start (``lo``: the sentence
    start, or just after a quote that closes before the cue, whose index is ``prev_quote``).

    A named tuple, not a frozen dataclass: one is built per cue, and a frozen dataclass's
    ``__init__`` (a guarded ``object.__setattr__`` per field) cost more than the rules it feeds."""

    text: str
    verb: Verb
    cs: int
    ce: int
    u0: int
    u1: int
    quotes: Quotes
    qstarts: list[int]
    lo: int  # the sentence start ``u0`` unless a quote closes before the cue (see ``left_limit``)
    prev_quote: int = -1


POSTPOSED_NEXT_RE = re.compile(r"(?:but|and|adding|before|after|as|while|when|which|though|although)\b")


def ends_report(rest: str) -> bool:
    """Does nothing that could be content follow the cue ('Y, X said.' / 'Y, X said, but ...')?"""
    rest_s = rest.lstrip(" ,")
    return (
        not rest_s
        or rest_s[0] in ".!?;)"
        or rest_s.startswith(("...", "…"))
        or rest.startswith(("—", " —", " –", " -"))
        or (rest.startswith(",") and (not rest_s[:1].isalpha() and rest_s[:1] not in '"“«'))
        or (rest.startswith(",") and POSTPOSED_NEXT_RE.match(rest_s) is not None)
    )


class LeftPhrase(NamedTuple):
    """A noun phrase read leftwards from a cue (empty when ``start == end``)."""

    start: int
    end: int
    stop_pos: int  # where the walk stopped
    stop_tok: str  # the token it stopped on ('' at the window's start)
    passive: bool  # a form of *be* sat between the phrase and the verb


#: A token: ``(start, end, text, lower-case text)``, read by the field indexes below. A plain
#: tuple, as ``zip`` builds it: the rules make and read tens of thousands per 10,000 snippets, and
#: a named tuple cost a copy per token to build and a descriptor call per field read.
Tok = tuple[int, int, str, str]
START: Final = 0
END: Final = 1
TEXT: Final = 2
LOW: Final = 3
_START, _END, _GROUP = re.Match.start, re.Match.end, re.Match.group


ACRONYM_RE = re.compile(r"\(\s*([A-Z][A-Za-z&]{1,9})\s*\)")
WORD_RE = re.compile(r"[\w][\w'’.&-]*")
ACRONYM_GLUE = frozenset(["of", "for", "and", "the", "on", "in", "de", "du", "&", "des", "la"])


def content_cut(text: str, p: int, hi: int) -> int:
    """Where ``CONTENT_CUT_RE.search(text, p, hi)`` starts (``hi`` when it finds nothing), found
    from the marks each of its alternatives needs (';', a comma, a dash) with ``str.find``: ``re``
    would try the whole alternation at every character of the content.

    The leftmost start of any alternative is the search's: a ';'; a comma, or a comma and a closing
    quote mark before ``q`` (the look-behind reads before ``p`` too), then the report words
    (``CUT_WORDS_RE``, read with the same end ``hi``); a dash between whitespace.
    """
    best = text.find(";", p, hi)
    best = hi if best < 0 else best
    c = text.find(",", p, best)
    while c >= 0:
        if CUT_WORDS_RE.match(text, c + 1, hi):
            best = c
            break
        c = text.find(",", c + 1, best)
    for closing in '”"’':
        i = text.find("," + closing, max(0, p - 2), best)
        while i >= 0:
            if i + 2 >= p and CUT_WORDS_RE.match(text, i + 2, hi):
                best = min(best, i + 2)
                break
            i = text.find("," + closing, i + 1, best)
    for dash in ("—", "–", "--"):  # a whitespace before it (from ``p`` on), one after it (before ``hi``)
        i = text.find(dash, p + 1, best + len(dash))
        while i >= 0:
            after = i + len(dash)
            if after < hi and text[i - 1].isspace() and text[after].isspace():
                best = min(best, i - 1)
                break
            i = text.find(dash, i + 1, best + len(dash))
    return best


def safe_prefix(text: str, toks: list[Tok], lo: int, hi: int) -> int:
    """How many of the tokens of ``text[lo:hi]`` every longer window from ``lo`` gives alike: those
    that start before the window's last space (no token spans a space, and none is read past one)."""
    space = text.rfind(" ", lo, hi)
    n = len(toks)
    while n and toks[n - 1][START] >= space:
        n -= 1
    return n


def acronyms_in(text: str) -> list[tuple[str, str]]:
    """``[("NIS", "National Intelligence Service")]`` from 'the National Intelligence Service (NIS)':
    every parenthesised acronym whose letters open the capitalised words right before it."""
    if "(" not in text:
        return []
    out = []
    for m in ACRONYM_RE.finditer(text):
        acr = m.group(1)
        letters = [ch for ch in acr if ch.isupper()]
        if len(letters) < 2:
            continue
        exp = _expansion(WORD_RE.findall(text[max(0, m.start() - 160) : m.start()]), letters)
        if exp:
            out.append((acr, exp))
    return out


def _expansion(words: list[str], letters: list[str]) -> str | None:
    need = list(letters)
    out: list[str] = []
    for w in reversed(words):
        if not need:
            break
        if w.lower() in ACRONYM_GLUE:
            if out:
                out.append(w)
                continue
            return None
        if len(w) > 1 and w.isupper() and w.isalpha() and need[-len(w) :] == list(w):
            out.append(w)  # 'US' in 'US Geological Survey (USGS)' stands for two letters
            del need[-len(w) :]
            continue
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


def pair_quotes(text: str) -> list[tuple[int, int, bool]]:
    """Pair double quote marks in one pass: ``(open, close, truncated)`` with ``close`` the index
    of the closing mark, or ``len(text)`` for a quote left open at the end of the snippet.

    Curly marks say which side they are; a straight mark opens after a space or an opening bracket
    (or at the start) and closes otherwise. A stray closing mark is ignored, never an error.
    """
    out: list[tuple[int, int, bool]] = []
    open_at = -1
    n = len(text)
    for n_mark, i in enumerate(char_positions(text, QUOTE_CHARS)):
        ch = text[i]
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if ch in OPEN_Q:
            side = "open"
        elif ch in CLOSE_Q:
            side = "close"
        elif prev.isspace() or prev in "([{—–-/:" or i == 0:
            side = "open" if not nxt.isspace() or open_at < 0 else "close"
        else:
            side = "close"
        if side == "close" and open_at < 0 and ch == '"' and SAID_COMMA_RE.search(text, max(0, i - 24), i):
            side = "open"  # 'Wilkins said," [Warhol] liked ...': the space typed on the wrong side
        if open_at < 0:
            if side == "open":
                open_at = i
            elif n_mark == 0 and i > 12:
                # the snippet starts inside a quote: a closing mark with no opening one before it
                out.append((-1, i, True))
        elif side == "close" or (ch == '"' and text[open_at] == '"'):
            if i > open_at + 1:
                out.append((open_at, i, False))
            open_at = -1
        else:  # a second opening mark: the first was never closed
            open_at = i
    if open_at >= 0 and n - open_at > 2:
        out.append((open_at, n, True))
    if "‘" in text:  # British-style single quotes: ‘We’re done,’ he said.
        singles = [q for q in _single_quotes(text) if not any(a <= q[0] < b or q[0] <= a < q[1] for a, b, _ in out)]
        if singles:
            out = sorted(out + singles)
    return out


def _single_quotes(text: str) -> list[tuple[int, int, bool]]:
    """Pair ‘…’: an opening mark after a space or bracket; a closing ’ before a non-letter that is
    not a plural possessive ('the players’ union')."""
    out: list[tuple[int, int, bool]] = []
    n = len(text)
    open_at = -1
    for m in SINGLE_RE.finditer(text):
        i = m.start()
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if text[i] == "‘":
            if i == 0 or prev.isspace() or prev in '([{—–-/:"“':
                open_at = i
        elif open_at >= 0 and not nxt.isalpha() and not prev.isspace():
            if prev == "s" and nxt == " " and i + 2 < n and text[i + 2].islower():
                continue  # 'the players’ union'
            if i > open_at + 1:
                out.append((open_at, i, False))
            open_at = -1
    if open_at >= 0 and n - open_at > 2:
        out.append((open_at, n, True))
    return out


def char_positions(text: str, chars: str) -> list[int]:
    """The offsets of every character of ``chars`` in ``text``, ascending: ``str.find`` per
    character (a memchr), many times faster than a regex class scanned by ``re`` (most texts hold
    none or a few of them)."""
    out: list[int] = []
    for ch in chars:
        i = text.find(ch)
        while i >= 0:
            out.append(i)
            i = text.find(ch, i + 1)
    out.sort()
    return out


def sentence_ends(text: str) -> list[re.Match[str]]:
    """``list(SENT_RE.finditer(text))``, trying the pattern only where it can start (a sentence mark:
    every match starts on one), in the order ``finditer`` tries positions, from the end of the last
    match on: the same matches."""
    out: list[re.Match[str]] = []
    end = 0
    for i in char_positions(text, SENT_MARKS):
        if i >= end:
            m = SENT_RE.match(text, i)
            if m is not None:
                out.append(m)
                end = m.end()
    return out


def sentence_units(text: str, quotes: list[tuple[int, int, bool]]) -> list[int]:
    """Start offsets of the sentences (never splitting inside a quote)."""
    starts = [0]
    qi = 0
    for m in sentence_ends(text):
        end = m.end()
        # abbreviation or initial before the period?
        j = m.start()
        if text[j] == ".":
            k = j
            while k > 0 and (text[k - 1].isalpha()):
                k -= 1
            word = text[k:j].lower()
            if word in ABBREV or (len(word) == 1 and text[k].isupper()):
                continue
        while qi < len(quotes) and quotes[qi][1] < end - 1:
            qi += 1
        if qi < len(quotes) and quotes[qi][0] < end - 1 < quotes[qi][1]:
            continue
        nxt = end
        while nxt < len(text) and text[nxt].isspace():
            nxt += 1
        starts.append(nxt)
    return starts


class Extractor:
    """Extracts claims from snippets with one lexicon (compile once, call per text)."""

    def __init__(self, lex: Lexicon, window: int = 200, resolve_pronouns: bool = True):
        # Only configuration lives here, set once: every call keeps its state in locals, so one
        # extractor may serve several threads at once.
        self.lex = lex
        self.window = window
        self.resolve = resolve_pronouns

    # ------------------------------------------------------------------ tokens and noun phrases
    def tokens(self, text: str, lo: int, hi: int) -> list[Tok]:
        """The tokens of ``text[lo:hi]``. The hottest loop of the extractor, so it runs as C-level
        ``map`` calls only (no Python bytecode per token): matches, then their starts, ends, texts
        and lower-case texts zipped into ``Tok`` tuples."""
        matches = list(TOKEN_RE.finditer(text, lo, hi))
        words = list(map(_GROUP, matches))
        return list(zip(map(_START, matches), map(_END, matches), words, map(str.lower, words), strict=True))

    def first_tokens(self, text: str, lo: int, hi: int, need: int) -> list[Tok]:
        """The first ``need`` tokens of ``text[lo:hi]`` (fewer when it has fewer), from the first
        ``SHORT_WINDOW_RIGHT`` characters when a whitespace there follows the ``need``-th token:
        no token spans a whitespace and none is read past one, so up to it every window
        tokenises alike."""
        head_end = min(hi, lo + SHORT_WINDOW_RIGHT)
        if head_end < hi:
            toks = self.tokens(text, lo, head_end)
            if len(toks) >= need and WHITESPACE_RE.search(text, toks[need - 1][END], head_end) is not None:
                return toks[:need]
        return self.tokens(text, lo, hi)[:need]

    def is_adverb(self, low: str) -> bool:
        return low in AUX or (low.endswith("ly") and len(low) > 4 and low not in NOT_ADVERB_LY)

    def left_np(self, text: str, lo: int, end: int) -> LeftPhrase | None:
        """See :meth:`_left_np`; tries short windows first (most walks stop within a few words).

        The first try reads only ``SHORT_WINDOW`` characters and its answer is kept only when it is
        provably the answer of the longer window (see :meth:`_short_walk_is_whole`); else the
        100-character and then the full window are read, as always.
        """
        if end - lo > SHORT_WINDOW and self.window >= 100:
            r = self._left_np(text, lo, end, SHORT_WINDOW, short=True)
            if not isinstance(r, _Retry):
                return r
        if end - lo > 100:
            r = self._left_np(text, lo, end, 100)
            if not isinstance(r, _Retry):
                return r
        r = self._left_np(text, lo, end, self.window)
        return None if isinstance(r, _Retry) else r

    def _left_np(self, text: str, lo: int, end: int, window: int, short: bool = False) -> LeftPhrase | _Retry | None:
        """The noun phrase ending just before ``end`` (after auxiliaries and adverbs).

        Returns ``(start, end, stop_index, stop_token, passive)``: the phrase span (empty when
        ``start == end``), where the walk stopped and on what, and whether a form of *be* sat
        between the phrase and the verb; None when the word before the cue is itself a verb;
        ``_RETRY`` when the walk ran off a short window (or, with ``short``, when it read a token
        a longer window could tokenise differently).
        """
        w0 = max(lo, end - window)
        toks = self.tokens(text, w0, end)
        i, passive = self.skip_back_adverbials(toks)
        touched = i - 2  # the leftmost token read so far (skip_back_adverbials and the bracket test)
        if i >= 2 and toks[i][TEXT] == ")" and toks[i - 2][TEXT] == "(":
            i -= 3  # 'The World Health Organisation (WHO) recommends'
        np_end_i = i
        if short and not self._short_walk_is_whole(text, w0, toks, min(touched, i - 1)):
            return _RETRY
        if self.verb_before_cue(text, toks, i, end):
            return None  # 'They say adding ...': the word before the cue is itself a verb
        j = self.walk_np_left(toks, np_end_i)
        if j < 0 and w0 > lo and window < self.window:
            return _RETRY  # the walk ran off a short window: read further back
        if short:
            # the walk read two tokens left of where it stopped, seven past an 'and' (org_and)
            reach = 7 if any(t[LOW] == "and" for t in toks[max(j, 0) : np_end_i + 1]) else 2
            if j < 0 or not self._short_walk_is_whole(text, w0, toks, j - reach):
                return _RETRY
        start_i = j + 1
        if start_i > np_end_i:
            stop = toks[j][TEXT] if j >= 0 else ""
            pos = toks[j][START] if j >= 0 else lo
            return LeftPhrase(end, end, pos, stop, passive)
        start_i = self.trim_np_lead(toks, start_i, np_end_i)
        if start_i < 0:  # a prepositional opener with no noun phrase after it
            return LeftPhrase(end, end, toks[-start_i - 1][START], toks[-start_i - 1][TEXT], passive)
        if start_i > np_end_i:
            return LeftPhrase(end, end, toks[np_end_i][START], toks[np_end_i][TEXT], passive)
        stop_tok = toks[j][TEXT] if j >= 0 else ""
        stop_pos = toks[j][START] if j >= 0 else lo
        return LeftPhrase(toks[start_i][START], toks[np_end_i][END], stop_pos, stop_tok, passive)

    @staticmethod
    def _short_walk_is_whole(text: str, w0: int, toks: list[Tok], touched: int) -> bool:
        """Did a walk over the tokens of a short window (from ``w0``) read only tokens that any
        longer window gives too, at least one of them before the leftmost it read (``touched``)?

        A window may cut a token ('U.S.' read from its 'S'); from the first whitespace inside the
        window on, every window tokenises alike (no token spans whitespace). So the answer of the
        short window is the longer window's answer when every token it read (and the one before
        them, for the 'is there a token before' tests) starts after that whitespace.
        """
        if touched < 1:
            return False
        ws = WHITESPACE_RE.search(text, w0 - 1 if w0 > 0 else 0)
        return ws is not None and toks[touched - 1][START] > ws.start()

    def skip_back_adverbials(self, toks: list[Tok]) -> tuple[int, bool]:
        """From the cue leftwards, past auxiliaries, adverbs, negations and time words ('has also
        said', 'on Monday said'): the index of the phrase's last token, and whether a form of *be*
        was passed."""
        i = len(toks) - 1
        passive = False
        while i >= 0:
            low = toks[i][LOW]
            if low in BE:
                passive = True
            if (
                low in AUX
                or (low.endswith("ly") and len(low) > 4 and low not in NOT_ADVERB_LY)  # ``is_adverb``, inline
                or low in ("n't", "’t")
                or low.replace("’", "'") in NEGATED_AUX
            ):
                i -= 1
                continue
            if low in WEEKDAYS and not (i > 0 and toks[i - 1][LOW] in PREPS and toks[i - 1][LOW] != "on"):
                i -= 1
                if i >= 0 and toks[i][LOW] == "on":
                    i -= 1
                continue
            if low in TIME_NOUNS and i > 0 and toks[i - 1][LOW] in ("this", "last", "next", "that"):
                i -= 2
                continue
            break
        return i, passive

    def verb_before_cue(self, text: str, toks: list[Tok], i: int, end: int) -> bool:
        """Is the word before the cue itself a reporting verb in lower case ('They say adding ...')?"""
        if i < 0 or toks[i][LOW] not in self.lex.verbs or not toks[i][TEXT].islower():
            return False
        return (
            i == 0
            or toks[i - 1][LOW] in SUBJ_PRON
            or (
                text[toks[i][END] : end].strip() == ""
                and toks[i - 1][LOW] not in DETS
                and not toks[i - 1][TEXT][0].isupper()
            )
        )

    def walk_np_left(self, toks: list[Tok], np_end_i: int) -> int:
        """Walk left from the phrase's last token while the words can belong to one noun phrase;
        returns the index of the token the walk stopped on (-1: the window's start)."""
        j = np_end_i
        while j >= 0:
            t = toks[j]
            if not (t[TEXT][0].isalnum() or t[TEXT][0] == "_"):
                if self.np_punctuation(toks, j, np_end_i):
                    j -= 1
                    continue
                break
            if t[LOW] == "and" and 0 < j < np_end_i and self.org_and(toks, j, np_end_i):
                j -= 1  # 'the Department of Health and Human Services', 'the Food and Drug Administration'
                continue
            if self.ends_np_left(toks, j, np_end_i) or np_end_i - j >= 24:
                break
            j -= 1
        return j

    @staticmethod
    def np_punctuation(toks: list[Tok], j: int, np_end_i: int) -> bool:
        """Punctuation inside a name: an abbreviation's period ('Gen.', 'U.S.'), '-', '&', '/'."""
        t = toks[j]
        if t[TEXT] == "." and j > 0 and toks[j - 1][END] == t[START]:
            return toks[j - 1][LOW] in ABBREV or len(toks[j - 1][TEXT]) == 1
        return t[TEXT] in "-&/" and 0 < j < np_end_i

    def ends_np_left(self, toks: list[Tok], j: int, np_end_i: int) -> bool:
        """Does the word at ``toks[j]`` lie outside the noun phrase that ends at ``np_end_i``?"""
        t = toks[j]
        low = t[LOW]
        if (
            low in LEFT_STOPS
            and not (len(t[TEXT]) > 1 and t[TEXT].isupper())  # an acronym
            and not (low == "her" and j < np_end_i)  # a possessive: 'Her lawyer said'
        ):
            return True
        if j >= np_end_i or not t[TEXT].islower():
            return False
        if low in self.lex.verbs:
            return not (low in SOURCE_ADJ and j > 0 and toks[j - 1][LOW] in self.lex.groups)
        if low in PREPS or low == "to":
            return not self.preposition_in_np(toks, j)
        return (
            low.endswith("ed") and len(low) > 4 and low not in SOURCE_ADJ and not (j > 0 and toks[j - 1][LOW] in DETS)
        )

    def preposition_in_np(self, toks: list[Tok], j: int) -> bool:
        """A preposition inside a noun phrase follows a noun: 'ambassador to', 'head of',
        'people familiar with the matter', 'a spokesman for the UN'."""
        low = toks[j][LOW]
        left = toks[j - 1] if j > 0 else None
        if left is None:
            return False
        lex = self.lex
        return (
            left[TEXT][0].isupper()
            or left[LOW] in SOURCE_ADJ  # 'people familiar with the matter'
            or (low == "with" and toks[j + 1][LOW] in ("knowledge", "direct", "first-hand", "firsthand"))
            or left[LOW] in lex.roles
            or left[LOW] in lex.titles
            or left[LOW] in lex.bodies
            or left[LOW] in lex.groups
            or (low in NP_INNER_PREPS and j > 1 and toks[j - 2][LOW] in DETS)
        )

    @staticmethod
    def trim_np_lead(toks: list[Tok], start_i: int, np_end_i: int) -> int:
        """Drop leading discourse words, time phrases and prepositional openers ('In 2019 the
        agency said' -> 'the agency'). Returns the new first index, or ``-(k + 1)`` when a
        preposition at ``k`` opens no noun phrase."""
        while start_i <= np_end_i:
            low = toks[start_i][LOW]
            if low in LEAD_DROP or low in WEEKDAYS or low in ("yesterday", "today", "tonight"):
                start_i += 1
                continue
            if low in ("this", "last", "next") and start_i < np_end_i and toks[start_i + 1][LOW] in TIME_NOUNS:
                start_i += 2
                continue
            if low in PREPS:
                k = start_i + 1
                while k <= np_end_i and not (toks[k][LOW] in DETS or (toks[k][TEXT][0].isupper() and k > start_i + 1)):
                    k += 1
                if k > np_end_i:
                    return -(start_i + 1)
                start_i = k
                continue
            break
        return start_i

    def org_and(self, toks: list[Tok], j: int, end: int) -> bool:
        """Is the 'and' at ``toks[j]`` inside an organisation's name? Capitalised words on both
        sides, and either a body word after it ('Food and Drug Administration') or a body word
        followed by 'of' / 'for' before it ('Department of Health and Human Services', 'Centers
        for Disease Control and Prevention'). 'Smith and Jones' or 'Britain and France' stay apart."""
        left = toks[j - 1]
        if not left[TEXT][0].isupper() or not toks[j + 1][TEXT][0].isupper():
            return False
        right = toks[j + 1 : end + 1]
        if any(not t[TEXT][0].isupper() and t[LOW] not in ("of", "for", "on", "and", "&") for t in right):
            return False
        bodies = self.lex.bodies
        if any(t[LOW] in bodies for t in right):
            return True
        k = j - 1
        while k > 0 and k >= j - 6 and (toks[k][TEXT][0].isupper() or toks[k][LOW] in ("of", "for", "on")):
            if toks[k][LOW] in ("of", "for") and toks[k - 1][LOW] in bodies and toks[k - 1][TEXT][0].isupper():
                return True
            k -= 1
        return False

    def right_np(self, text: str, p: int, hi: int) -> tuple[int, int] | None:
        """The noun phrase starting at ``p`` (a speaker after its cue: 'said the agency').

        The tokens of a ``SHORT_WINDOW_RIGHT``-character window are read first; their answer is kept
        only when the walk stopped well inside the window's safe prefix (see :meth:`_right_np`),
        else the full window is read, as always.
        """
        end = min(hi, p + self.window)
        short_end = min(end, p + SHORT_WINDOW_RIGHT)
        if short_end < end:
            toks = self.tokens(text, p, short_end)
            r = self._right_np(text, toks, safe_prefix(text, toks, p, short_end))
            if not isinstance(r, _Retry):
                return r
        toks = self.tokens(text, p, end)
        r = self._right_np(text, toks, len(toks) + RIGHT_READ_AHEAD)
        return None if isinstance(r, _Retry) else r

    def _right_np(self, text: str, toks: list[Tok], limit: int) -> tuple[int, int] | _Retry | None:
        """:meth:`right_np` over ``toks``; ``_RETRY`` as soon as a step could read a token at or past
        ``limit`` (a step at ``k`` reads up to ``toks[k + 6]``, an organisation's 'and', and asks
        whether such a token exists): ``limit`` is how many tokens any longer window gives alike, or
        past the end when ``toks`` is the full window."""
        out_end = start = skip_to = -1
        prev_low = ""
        n_words = 0
        seen_head = False
        for k, t in enumerate(toks):
            if k + RIGHT_READ_AHEAD >= limit:
                return _RETRY
            if k <= skip_to:
                continue
            low = t[LOW]
            if not (t[TEXT][0].isalnum() or t[TEXT][0] == "_"):
                step = self.np_mark_right(toks, k, start, prev_low)
                if step is None:
                    break
                if step >= 0:
                    out_end, skip_to = toks[step][END], step
                continue
            if start < 0:
                if t[TEXT].islower() and (
                    low in CLAUSE_STOP or low in VERB_STOP or low in PREPS or low in OBJ_PRON or low in self.lex.verbs
                ):
                    return None
                start = t[START]
            else:
                nxt_low = toks[k + 1][LOW] if k + 1 < len(toks) else ""
                held = low in DOC_PARTICIPLES and prev_low in DOC_NOUNS and nxt_low == "by"
                if (low in DOC_NOUNS and prev_low in DETS) or held:
                    out_end, prev_low, seen_head = t[END], low, True
                    n_words += 1
                    continue  # 'a report by ...', 'documents seen by ...': the document's phrase goes on
                if low == "and" and self.org_and_right(toks, k):
                    out_end, prev_low = t[END], low
                    continue  # 'the Securities and Exchange Commission'
                if self.ends_np_right(toks, k, prev_low, seen_head):
                    break
            if low not in DETS and low not in PREPS:
                seen_head = True
            out_end = t[END]
            prev_low = low
            n_words += 1
            if n_words >= 16:
                break
        return self.without_tail(text, start, out_end)

    @staticmethod
    def without_tail(text: str, start: int, end: int) -> tuple[int, int] | None:
        """The phrase read rightwards, not ending on a preposition or determiner (None: empty)."""
        if start < 0 or end <= start:
            return None
        m = NP_TAIL_RE.search(text, start, end)
        if m:
            end = m.start()
        return (start, end) if end > start else None

    @staticmethod
    def np_mark_right(toks: list[Tok], k: int, start: int, prev_low: str) -> int | None:
        """Punctuation read rightwards: None ends the phrase; -1 steps over it ('-', '&');
        an index takes the phrase up to that token (an abbreviation's period, '(SEC)')."""
        t = toks[k]
        if t[TEXT] == "." and prev_low and (prev_low in ABBREV or len(prev_low) == 1):
            return k
        if t[TEXT] in "-&" and start >= 0 and k + 1 < len(toks) and toks[k + 1][TEXT][0].isalnum():
            return -1
        if (
            t[TEXT] == "("
            and start >= 0
            and toks[k - 1][TEXT][0].isupper()
            and k + 2 < len(toks)
            and toks[k + 1][TEXT].isupper()
            and toks[k + 2][TEXT] == ")"
        ):
            return k + 2  # 'the Securities and Exchange Commission (SEC)'
        return None

    def org_and_right(self, toks: list[Tok], k: int) -> bool:
        """Is the 'and' at ``k`` inside an organisation's name read rightwards?"""
        if k + 1 >= len(toks) or not toks[k - 1][TEXT][0].isupper():
            return False
        e = k + 1
        while e + 1 < len(toks) and e < k + 6 and toks[e + 1][TEXT][0].isupper():
            e += 1
        return self.org_and(toks, k, e)

    def ends_np_right(self, toks: list[Tok], k: int, prev_low: str, seen_head: bool) -> bool:
        """Does the word at ``k`` lie outside the phrase read so far: a clause word or verb, a
        preposition no noun before it takes, a second determiner or a number after the head?"""
        t = toks[k]
        low = t[LOW]
        lex = self.lex
        if (
            t[TEXT].islower()
            and (low in CLAUSE_STOP or low in VERB_STOP or low in lex.verbs)
            and not (low in SOURCE_ADJ and (prev_low in lex.groups or prev_low in lex.roles))
        ):
            return True
        if low in PREPS or low == "to":
            if not self.preposition_right(toks, k, prev_low):
                return True
            return not (k + 1 < len(toks) and (toks[k + 1][TEXT][0].isupper() or toks[k + 1][LOW] in DETS))
        if (
            low in DETS and seen_head and prev_low not in PREPS and prev_low not in NP_INNER_PREPS and prev_low != "to"
        ) or (t[TEXT][0].isdigit() and seen_head):
            return True
        return (
            t[TEXT].islower()
            and prev_low not in DETS
            and low not in SOURCE_ADJ
            and ((low.endswith("ed") and len(low) > 4) or low in IRREGULAR_PAST)
        )  # a verb: 'The minister visited the site'

    def preposition_right(self, toks: list[Tok], k: int, prev_low: str) -> bool:
        """A preposition the noun before it takes: 'head of', 'spokesman for', 'a report by',
        'people briefed on', 'people with knowledge of'."""
        low = toks[k][LOW]
        lex = self.lex
        return (
            low in NP_INNER_PREPS
            or prev_low in lex.roles
            or prev_low in lex.titles
            or prev_low in lex.bodies
            or (
                (prev_low in DOC_NOUNS or prev_low in DOC_PARTICIPLES)
                and low in ("with", "by", "from", "to", "in", "at")
            )
            or prev_low in SOURCE_ADJ  # 'two people briefed on the matter'
            or (low == "with" and k + 1 < len(toks) and toks[k + 1][LOW] in ("knowledge", "direct"))
        )

    # ------------------------------------------------------------------ helpers
    def skip_adverbials(self, text: str, p: int, hi: int) -> tuple[int, int]:
        """Skip adverbials after a cue; returns (new position, end of an 'in a statement' part or -1)."""
        cue_ext = -1
        for _ in range(4):
            mm = MEDIUM_RE.match(text, p, hi)
            if mm and cue_ext < 0:
                cue_ext = mm.end()
            m = ADVERBIAL_RE.match(text, p, hi)
            if not m or m.end() == p:
                break
            p = m.end()
        return p, cue_ext

    def skip_object(self, text: str, p: int, hi: int) -> int:
        """Skip the addressee of *told* / *warned*: 'told reporters', 'told the BBC', 'told LA Weekly'."""
        m = ADDRESSEE_RE.match(text, p, hi)
        return m.end() if m else p

    def content_to_end(self, text: str, p: int, hi: int) -> tuple[int, int] | None:
        while p < hi and text[p] in " ,:\t\n":
            p += 1
        return self.trim(text, p, content_cut(text, p, hi))

    @staticmethod
    def trim(text: str, s: int, e: int) -> tuple[int, int] | None:
        while s < e and text[s] in " \t\n,:;—–-":
            s += 1
        while e > s and text[e - 1] in " \t\n,;:—–":
            e -= 1
        if e > s and text[e - 1] == "." and text[max(s, e - 3) : e] != "...":
            e -= 1
        while e > s and text[e - 1] in " \t\n,;:":
            e -= 1
        return (s, e) if e - s >= 2 else None

    def quote_at(self, quotes, qstarts, pos: int) -> int:
        """Index of the quote whose inside contains ``pos``, else -1."""
        k = bisect.bisect_right(qstarts, pos) - 1
        if k >= 0 and quotes[k][0] < pos < quotes[k][1]:
            return k
        return -1

    # ------------------------------------------------------------------ main
    def extract(self, text: str, regions: Regions = None) -> list[Claim]:
        """Every claim of one text: cues first, then quotes without a verb, then pronouns resolved
        and duplicates dropped. Work per cue is bounded (``MAX_SPAN``): linear in the text.

        ``regions``: where the column's RE2 prefilter matched in ``text``
        (:func:`~toolkit_attribution.prefilter.cue_regions`); the cue scan then searches only
        from there. None: the whole text is scanned (the same cues either way).
        """
        if not text or len(text) < 8:
            return []
        cues = find_cues(self.lex.cue_re, text, regions)
        if not cues and "‘" not in text and QUOTE_RE.search(text) is None:
            return []  # no cue and no quote mark: nothing can make a claim (most snippets)
        quotes = pair_quotes(text)
        units = sentence_units(text, quotes)
        dl = DATELINE_RE.match(text)
        if dl and not (len(units) > 1 and dl.end() >= units[1]):
            units[0] = dl.end()  # the dateline is no part of the first sentence's claims
        claims, used_quotes = self.cue_claims(text, cues, quotes, units)
        if quotes:
            self.quote_claims(text, quotes, units, claims, used_quotes)
        if not claims:
            return claims  # (the steps below only revise claims found)
        for c in claims:
            self.trim_to_pronoun(text, c)
        claims.sort(key=lambda c: (c.content_start, c.speaker_start))
        if self.resolve:
            self.resolve_pronouns(text, claims, quotes)
        if len(claims) > 1:  # one claim is never a duplicate, nor nested in another
            claims = self.dedupe(text, claims)
        for c in claims:  # the speaker as written: the pronoun, its antecedent kept beside it
            if c.pronoun_start >= 0:
                c.antecedent_start, c.antecedent_end = c.speaker_start, c.speaker_end
                c.speaker_start, c.speaker_end = c.pronoun_start, c.pronoun_end
        return claims

    def cue_claims(
        self, text: str, cues: list[re.Match[str]], quotes: Quotes, units: list[int]
    ) -> tuple[list[Claim], set[int]]:
        """The claims of every cue (``cues``: the lexicon's cue matches in the text) outside quoted
        speech, in text order, and the quotes they took as content."""
        qstarts = [q[0] for q in quotes]
        n = len(text)
        claims: list[Claim] = []
        used_quotes: set[int] = set()
        for m in cues:
            cs, ce = m.span()
            if qstarts and self.quote_at(quotes, qstarts, cs) >= 0:
                continue  # a cue inside quoted speech belongs to the quote, not to the snippet
            if claims and cs < claims[-1].cue_end:
                continue  # part of the cue before it: 'said in a blog post', 'wrote in a statement
            k = bisect.bisect_right(units, cs) - 1
            u0 = max(units[k], cs - MAX_SPAN)
            u1 = min(units[k + 1] if k + 1 < len(units) else n, ce + MAX_SPAN)
            word = " ".join(m.group().lower().split())
            if word in self.lex.phrases:
                c = self.phrase_claim(text, word, cs, ce, u0, u1, quotes, qstarts)
            else:
                verb = self.lex.verbs.get(word)
                if verb is None and word == "quoted as saying":
                    verb = Verb(word, "speech", "clause", False)
                if verb is None:
                    continue
                c = self.verb_claim(CueSite(text, verb, cs, ce, u0, u1, quotes, qstarts, u0), claims)
            if c is not None:
                claims.append(c)
                if c.quote >= 0:
                    used_quotes.add(c.quote)
        return claims, used_quotes

    # ------------------------------------------------------------------ verbs
    def noun_use(self, text: str, word: str, cs: int, ce: int, u0: int) -> bool:
        """Is this cue form used as a noun here ('privacy rules', 'the report', 'reports have')?"""
        after = text[ce : ce + 20]
        nxt = TOKEN_RE.match(text, ce + len(after) - len(after.lstrip()))
        if nxt is not None:
            nxt_low = nxt.group().lower()
            if nxt_low in FINITE and nxt_low not in ("’s", "'s"):
                return True
        if word not in self.lex.ambiguous:
            return False
        toks = self.tokens(text, max(u0, cs - 60), cs)
        if not toks:
            return True
        prev = toks[-1]
        low = prev[LOW]
        if len(toks) > 1 and toks[-2][LOW] in ("a", "an", "the") and nxt is not None and nxt.group() in self.lex.verbs:
            return True  # 'A Pentagon report said ...': a determiner, a modifier, the noun, its verb
        if low in DETS or low in PREPS:
            return True
        if not prev[TEXT][0].isalnum():
            return prev[TEXT] not in ('"', "”", "»", "’", ",")
        if prev[TEXT][0].isupper() or low in SUBJ_PRON or low in AUX:
            return False
        lex = self.lex
        base = low.removesuffix("'s").removesuffix("’s")
        if base in lex.groups or base in lex.roles or base in lex.bodies:
            return False
        if low.endswith("s") and not low.endswith("ss"):
            return False
        # 'Australian woman claims Church ... imprisoned her': a clause after it makes it a verb
        return not (THAT_RE.match(text, ce) or self.clause_follows(text, ce, min(len(text), ce + 160)))

    def verb_claim(self, site: CueSite, claims: list[Claim]) -> Claim | None:
        """The claim a reporting verb makes: its speaker on the left (or after it), then its content."""
        text, cs = site.text, site.cs
        if self.noun_use(text, site.verb.form, cs, site.ce, site.u0):
            return None
        site = self.left_limit(site)
        np = self.left_np(text, site.lo, cs)
        if np is None:
            return None
        s0, s1, stop_pos, stop_tok, passive = np
        word = site.verb.form
        if passive and word != "quoted as saying":
            return None
        if word.endswith("ing") and word != "quoted as saying":
            if s0 == s1:
                return self.participle_claim(site, stop_pos, stop_tok, claims)
            if stop_tok.lower() != "with" and not (stop_tok == "," and self.absolute_subject(text, s0, s1)):
                return None  # 'with the agency reporting that ...', ', Fed Chair Jerome Powell saying ...' only
        role = None
        if s0 == s1:  # nothing between the previous boundary and the cue
            found = self.speaker_before_boundary(site, stop_pos, stop_tok)
            if not isinstance(found, tuple):
                return found
            s0, s1, role = found
        elif stop_tok == "," and self.looks_like_name(text, s0, s1):
            role = self.role_before_comma(site, stop_pos)
        if not self.valid_speaker(text, s0, s1):
            return None
        direct = self.quote_before_speaker(site, s0, s1, role)
        if direct is not None:
            return direct
        return self.claim_after_cue(site, s0, s1, role, stop_pos, stop_tok)

    def absolute_subject(self, text: str, s0: int, s1: int) -> bool:
        """', Fed Chair Jerome Powell saying ...', ', the mayor confirming ...': a source set off by a
        comma before a participle. A phrase with a preposition is a noun the participle modifies
        ('the number of people claiming benefits'), not a speaker."""
        words = text[s0:s1].lower().split()
        return self.source_like(text, s0, s1) and not any(w in PREPS or w == "of" for w in words)

    def left_limit(self, site: CueSite) -> CueSite:
        """The sentence start, or the end of a quote that closes before the cue ('"Q," X said')."""
        text, quotes = site.text, site.quotes
        k = bisect.bisect_right(site.qstarts, site.cs) - 1
        if k >= 0 and quotes[k][1] < site.cs and quotes[k][1] >= site.u0 - 2:
            qs_, qe_ = quotes[k][0], quotes[k][1]
            after_q = text[qe_ + 1 : qe_ + 4].lstrip()
            if text[qe_ - 1] in ",.!?…—-" or after_q.startswith((",", "—", "–", "-")) or qe_ - qs_ > 60:
                return site._replace(lo=max(site.u0, qe_ + 1), prev_quote=k)
        return site

    def participle_claim(self, site: CueSite, stop_pos: int, stop_tok: str, claims: list[Claim]) -> Claim | None:
        """', adding that ...' / ', saying ...' with no subject of its own: the speaker is the
        sentence's previous speaker, or the subject that opens the sentence."""
        text, cs, ce, u0, u1, lo = site.text, site.cs, site.ce, site.u0, site.u1, site.lo
        pq = site.prev_quote
        if pq >= 0 and lo == site.quotes[pq][1] + 1 and not text[lo:cs].strip() and text[lo - 2 : lo - 1] == ",":
            stop_tok = ","  # 'X said it was "a mistake," adding that ...'
        quoted_by = QUOTED_BY_RE.search(text, u0, cs) if stop_tok.lower() == "as" else None
        if stop_tok.lower() not in (",", "while", "whilst") and quoted_by is None:
            return None  # ', saying ...' / 'whilst promising ...' / 'was quoted by X as saying ...'
        if quoted_by is not None:  # 'A police officer was quoted by local media as saying ...'
            subj = self.left_np(text, lo, quoted_by.start())
            if subj is None or subj[0] == subj[1] or not self.valid_speaker(text, subj[0], subj[1]):
                return None
            base: Claim | None = Claim(subj[0], subj[1], cs, ce, cs, cs, "indirect", 0.0)
        else:
            prev = recent_speakers(claims, u0, cs)
            base = prev[-1] if prev else self.opening_subject(site, stop_pos)
        if base is None:
            return None
        p, _ = self.skip_adverbials(text, ce, u1)
        span = self.after_cue_content(text, site.verb, p, u1, site.quotes, site.qstarts, ce)
        if span is None:
            return None
        (c0, c1), kind, qi = span
        trunc = qi >= 0 and site.quotes[qi][2]
        return Claim(base.speaker_start, base.speaker_end, cs, ce, c0, c1, kind, 0.6, base.role, qi, trunc)

    def opening_subject(self, site: CueSite, stop_pos: int) -> Claim | None:
        """'The Bank of England held rates, saying inflation was too high': the subject that opens
        the sentence, when it is one that can speak and acts (not passive); as a claim stub."""
        text, u0, u1, ce = site.text, site.u0, site.u1, site.ce
        opener = TOKEN_RE.match(text, u0)
        comma = text.find(",", u0, stop_pos)
        if opener is not None and opener.group().lower() in PREPS and 0 <= comma < stop_pos - 2:
            u0 = comma + 1  # 'During questions on Wednesday, Sunak defended ..., whilst promising ...'
            while u0 < stop_pos and text[u0].isspace():
                u0 += 1
        subj = self.right_np(text, u0, stop_pos) if site.verb.cls == "speech" else None
        if subj is None or text[u0 : subj[0]].strip() or not self.source_like(text, subj[0], subj[1]):
            return None
        nxt = TOKEN_RE.search(text, subj[1], stop_pos)
        if nxt is None or nxt.group().lower() in BE or nxt.group().lower() in CLAUSE_STOP:
            return None
        if not self.is_nameish(text, subj[0], subj[1]) or not self.valid_speaker(text, *subj):
            return None
        if text[subj[0] : subj[1]].split()[0].lower() in LEAD_DROP:
            return None  # 'However, ...': no subject
        q = ce
        while q < u1 and text[q] in " ,:":
            q += 1
        if not (THAT_RE.match(text, ce, u1) or text[q : q + 1] in '"“' or self.clause_follows(text, q, u1)):
            return None  # 'adding the words ... to the name': an object, not a report
        return Claim(subj[0], subj[1], site.cs, ce, site.cs, site.cs, "indirect", 0.0)

    def speaker_before_boundary(
        self, site: CueSite, stop_pos: int, stop_tok: str
    ) -> Claim | tuple[int, int, str | None] | None:
        """No noun phrase right before the verb: the walk stopped on a comma, a quote, 'who' or
        'and'. Returns the speaker span and role, a whole claim (an inverted one: '"Q," said X'),
        or None."""
        text, lo = site.text, site.lo
        stop = stop_tok.lower()
        if stop_tok == ",":
            app = self.appositive(text, lo, stop_pos)
            if app is not None:
                return app
            inv = self.inverted(site) if site.verb.cls == "speech" and not site.verb.takes_object else None
            if inv is not None:
                return inv
            # 'The security firm Secunia.com, has said that ...': a subject set off by a comma
            only = self.left_np(text, lo, stop_pos)
            if only is None or only[0] == only[1] or text[lo : only[0]].strip(' ,"“”'):
                return None
            return (only[0], only[1], None)
        if site.prev_quote >= 0 and stop_pos <= site.quotes[site.prev_quote][1] + 1:
            return self.inverted(site)
        if stop in ("who", "which"):
            # 'Devocht, who had told Montalvo ...': the speaker is the phrase before the comma
            before = text[lo:stop_pos].rstrip()
            if not before.endswith(","):
                return None
            inner = self.left_np(text, lo, lo + len(before) - 1)
            if inner is None or inner[0] == inner[1]:
                return None
            return (inner[0], inner[1], None)
        if stop == "and" and text[lo:stop_pos].strip():
            # 'The minister visited the site and said ...': the subject opens the sentence
            subj = self.right_np(text, lo, stop_pos)
            if (
                subj is None
                or subj[1] >= stop_pos
                or not self.is_nameish(text, subj[0], subj[1])
                or any(w.lower() in BE for w in text[subj[1] : stop_pos].split())
            ):
                return None  # 'People were encouraged ... and suggest': no active subject
            return (subj[0], subj[1], None)
        return None

    def role_before_comma(self, site: CueSite, stop_pos: int) -> str | None:
        """'Malaysia's Prime Minister, Najib Razak said' -> the role before the comma."""
        text, lo = site.text, site.lo
        r = self.left_np(text, lo, stop_pos)
        if r is not None and r[0] < r[1] and self.looks_like_role(text, r[0], r[1]) and not text[lo : r[0]].strip():
            return text[r[0] : r[1]]
        return None

    def quote_before_speaker(self, site: CueSite, s0: int, s1: int, role: str | None) -> Claim | None:
        """'"Q," X said ...': the quote right before the speaker is the content."""
        pq = site.prev_quote
        if pq < 0 or site.quotes[pq][1] >= s0:
            return None
        text = site.text
        between = text[site.quotes[pq][1] + 1 : s0]
        if role and between.strip(" ,—–-").startswith(role):
            between = between.strip(" ,—–-")[len(role) :]  # '"Q," the union's leader, Ann Lee, said'
        if between.strip(" ,—–-") != "":
            return None
        _p, cue_ext = self.skip_adverbials(text, site.ce, site.u1)
        cue_end = cue_ext if cue_ext > 0 else site.ce
        qs, qe, trunc = site.quotes[pq]
        c = self.trim(text, qs + 1, qe)
        if c is None:
            return None
        # '"Q1," X said, "Q2"': the second half of a split quote becomes its own claim
        # (same speaker and cue) in quote_claims
        return Claim(s0, s1, site.cs, cue_end, c[0], c[1], "direct", 0.9, role, pq, trunc)

    def claim_after_cue(
        self, site: CueSite, s0: int, s1: int, role: str | None, stop_pos: int, stop_tok: str
    ) -> Claim | None:
        """The right side of the cue: past its addressee and adverbials, a quote or a clause; or,
        with nothing there, the clause before the speaker ('Y, X said.')."""
        text, ce, u1, verb = site.text, site.ce, site.u1, site.verb
        p = ce
        if verb.takes_object:
            m_obj = OBJECT_THAT_RE.match(text, p, u1)
            p = m_obj.end(1) if m_obj else self.skip_object(text, p, u1)
        p, cue_ext = self.skip_adverbials(text, p, u1)
        if verb.takes_object and p == ce:
            p = self.skip_object(text, p, u1)
        m_aside = ASIDE_RE.match(text, p, u1)
        if m_aside:
            p = m_aside.end()
        if verb.frame == "quote" and verb.takes_object:
            m_named = QUOTE_OBJECT_RE.match(text, p, u1)  # 'called the plan "a disaster"'
            if m_named is None or m_named.group().split()[-1].lower() in DETS:
                return None  # 'a plan called "Way Forward"', 'what he called a "New GM"': a name, no claim
            p = m_named.end()
            single = SINGLE_QUOTED_RE.match(text, p, min(u1, p + 120))
            if single:  # "called the plan 'a disaster'": straight single quotes, read only here
                cue_end = cue_ext if cue_ext > 0 else ce
                return Claim(s0, s1, site.cs, cue_end, single.start(1), single.end(1), "direct", 0.8, role)
        cue_end = cue_ext if cue_ext > 0 else ce
        rest = text[p:u1]
        if ends_report(rest):  # post-posed: 'Y, X said.' / 'Y, X said, but ...'
            doc_subject = text[s0:s1].split()[-1].lower() in DOC_NOUNS | {"statistics", "numbers", "research"}
            if (verb.cls != "speech" and not doc_subject) or verb.frame == "quote":
                return None  # 'Y, government data showed' / 'Y, a survey found': a document reports
            return self.postposed(site, s0, s1, cue_end, stop_tok, role, 0.9)
        span = self.after_cue_content(text, verb, p, u1, site.quotes, site.qstarts, ce)
        if span is None:
            if rest.startswith(",") and stop_tok == ",":
                return self.postposed(site, s0, s1, cue_end, stop_tok, role, 0.7)
            return None
        (c0, c1), kind, qi = span
        if verb.frame == "np" and qi < 0 and PARTICIPLE_AFTER_RE.match(text, c1, u1):
            return None  # 'The Kremlin denied the report, saying ...': the object is no content
        conf = 0.9 if kind == "direct" else (0.8 if verb.cls == "speech" else 0.6)
        return Claim(s0, s1, site.cs, cue_end, c0, c1, kind, conf, role, qi, qi >= 0 and site.quotes[qi][2])

    def after_cue_content(
        self, text: str, verb: Verb, p: int, u1: int, quotes: Quotes, qstarts: list[int], ce: int
    ) -> Content | None:
        """Content after the cue at ``p``: a quote, a that-clause, an infinitive ('vowed to
        rebuild', 'urged both sides to return'), a clause or a noun phrase."""
        n = len(text)
        q = p
        while q < n and text[q] in " ,:\t\n":
            q += 1
        if q < n and text[q] in '"“«„‘':
            found = self.quote_content(text, q, u1, quotes, qstarts)
            if found is not None:
                span, kind, k = found
                return (span, kind, k) if span is not None else None
        if verb.frame == "quote":
            return None
        m = THAT_RE.match(text, p, u1)
        if m:
            return self.indirect(self.content_to_end(text, m.end(), max(u1, m.end())))
        if (q < n and text[q - 1 : q] == ":") or text[p:q].strip() == ":":
            return self.indirect(self.content_to_end(text, q, u1))
        if q >= u1:
            return None
        first = TOKEN_RE.match(text, q)
        if first is None:
            return None
        if verb.infinitive and INFINITIVE_RE.match(text, q, u1):
            return self.indirect(self.content_to_end(text, q, u1))  # 'vowed to rebuild the city'
        if not self.may_open_content(text, first, u1):
            return None
        if verb.frame == "clause":
            fl = first.group().lower()
            if q > ce and text[ce:q].strip() == "," and fl not in SUBJ_PRON and not first.group()[0].isupper():
                return None
            return self.indirect(self.content_to_end(text, q, u1))
        if self.clause_follows(text, q, u1):
            return self.indirect(self.content_to_end(text, q, u1))
        if verb.frame == "np":
            m2 = NP_CONTENT_CUT_RE.search(text, q, u1)
            return self.indirect(self.trim(text, q, m2.start() if m2 else u1))
        return None

    @staticmethod
    def indirect(span: tuple[int, int] | None) -> Content | None:
        return (span, "indirect", -1) if span else None

    def quote_content(self, text: str, q: int, u1: int, quotes: Quotes, qstarts: list[int]) -> NoContent | None:
        """A quote opening at ``q``: its inside as direct content, or, when the quote is only part
        of the clause ('said a "more general reflection" is needed'), the whole clause. None when
        no paired quote opens there; ``(None, ...)`` when one does but holds nothing."""
        n = len(text)
        k = bisect.bisect_left(qstarts, q)
        if k >= len(quotes) or quotes[k][0] != q:
            return None
        qs, qe, _trunc = quotes[k]
        after = text[qe + 1 : qe + 4] if qe < n else ""
        tail = text[qe + 1 : u1].strip() if qe < n else ""
        if tail and tail[0].isalpha() and qe + 1 < u1 and not after.startswith((",", ".")) and len(tail) > 3:
            sp = self.content_to_end(text, q, u1)
            return (sp, "indirect", -1)
        return (self.trim(text, qs + 1, qe), "direct", k)

    @staticmethod
    def may_open_content(text: str, first: re.Match[str], u1: int) -> bool:
        """A preposition or conjunction opens no content ('said of the plan', 'said to have'),
        except a quantity ('said about 300'); nor does an object that makes the verb a plain one
        ('claimed responsibility')."""
        fl = first.group().lower()
        if fl in PREPS or fl in ("to", "of", "about", "as", "so", "not", "and", "or", "but", "using", "how"):
            nxt = TOKEN_RE.match(text, first.end() + 1) if first.end() < u1 else None
            quantity = nxt is not None and (nxt.group().lower() in ("least", "most") or nxt.group()[0].isdigit())
            if not (quantity and fl in ("at", "about", "over", "under", "around", "nearly", "almost")):
                return False
        return fl not in NP_OBJECTS

    def clause_follows(self, text: str, q: int, u1: int) -> bool:
        """Does a clause without 'that' start at ``q``? ('found only a quarter of voters favoured ...')."""
        toks = self.first_tokens(text, q, min(u1, q + 160), 14)
        for k, t in enumerate(toks):
            low = t[LOW]
            if k == 0:
                if not t[TEXT][0].isalnum() and t[TEXT] not in '"“':
                    return False
                if low in WH_WORDS:
                    return True  # 'explained how ...', 'noted what began as ...'
                if t[TEXT].islower() and (low in IRREGULAR_PAST or (low.endswith("ed") and len(low) > 4)):
                    return False  # a verb with no subject: '... Wikinews observed took out their phones'
                continue
            if low in ("that", "which", "who", "where", "when", ",", ";", ":", "(", "to"):
                return False
            if low in FINITE or (low in IRREGULAR_PAST and toks[k - 1][LOW] not in DETS):
                return True
            if (
                t[TEXT].islower()
                and low.endswith("ed")
                and len(low) > 4
                and toks[k - 1][LOW] not in DETS
                and toks[k - 1][LOW] not in PREPS
                and toks[k - 1][LOW] not in FINITE
            ):
                return k > 1
        return False

    def postposed(
        self, site: CueSite, s0: int, s1: int, cue_end: int, stop_tok: str, role: str | None, conf: float
    ) -> Claim | None:
        """'Y, X said': the content is the clause before the speaker."""
        text, cs, u1, lo = site.text, site.cs, site.u1, site.lo
        if stop_tok != "," and not (role and text[lo:s0].rstrip().endswith(",")):
            return None
        comma = text.rfind(",", lo, s0)
        if comma < 0:
            return None
        if role is not None:  # 'Y, role, Name said' / 'Y, Name, role, said' -> content before both
            r0 = text.rfind(role, lo, cs)
            comma = text.rfind(",", lo, min(s0, r0) if r0 >= 0 else s0)
            if comma < 0:
                return None
        sp = self.trim(text, lo, comma)
        if not sp:
            return None
        # 'The suspect, police said, fled on foot': an interrupted clause spans the whole sentence
        m = INTERRUPTED_RE.match(text, cue_end, u1)
        if m and comma == text.rfind(",", lo, s0) and role is None:
            whole = self.content_to_end(text, lo, u1)
            if whole:
                return Claim(s0, s1, cs, cue_end, whole[0], whole[1], "indirect", conf - 0.2, role)
        return Claim(s0, s1, cs, cue_end, sp[0], sp[1], "indirect", conf - 0.05, role)

    def inverted(self, site: CueSite) -> Claim | None:
        """'"Q," said X' / 'Y, added X': the speaker follows the verb, the content precedes it."""
        text, cs, ce, u1, lo = site.text, site.cs, site.ce, site.u1, site.lo
        quotes, prev_quote = site.quotes, site.prev_quote
        p = ce
        while p < u1 and text[p].isspace():
            p += 1
        sp = self.right_np(text, p, u1)
        if sp is None:
            return None
        s0, s1 = sp
        if not self.valid_speaker(text, s0, s1):
            return None
        nxt = TOKEN_RE.match(text, s1 + len(text[s1:u1]) - len(text[s1:u1].lstrip())) if s1 < u1 else None
        if nxt is not None:
            w = nxt.group()
            if w.islower() and (w in VERB_STOP or w in self.lex.verbs or w not in PREPS | AFTER_SPEAKER):
                return None  # 'says they are ...' is a clause, not an inverted speaker
        role = None
        m = ROLE_AFTER_RE.match(text, s1, u1)
        if m and self.looks_like_role(text, m.start(1), m.end(1)):
            role = m.group(1)
        if prev_quote >= 0 and text[quotes[prev_quote][1] + 1 : cs].strip(" ,—–-") == "":
            qs, qe, trunc = quotes[prev_quote]
            c = self.trim(text, qs + 1, qe)
            if c:
                return Claim(s0, s1, cs, ce, c[0], c[1], "direct", 0.9, role, prev_quote, trunc)
            return None
        comma = text.rfind(",", lo, cs)
        if comma < 0:
            return None
        c = self.trim(text, lo, comma)
        if not c:
            return None
        # 'Institutional recipients, said Mauer, are required ...': take the longer side
        tail = text[s1:u1]
        if tail.startswith(",") and role is None:
            rest = self.trim(text, s1 + 1, u1)
            if rest and rest[1] - rest[0] > c[1] - c[0]:
                c = (c[0], rest[1])
        return Claim(s0, s1, cs, ce, c[0], c[1], "indirect", 0.75, role)

    # ------------------------------------------------------------------ phrases
    def phrase_claim(self, text, word, cs, ce, u0, u1, quotes, qstarts) -> Claim | None:
        """'according to X', 'as reported by X', 'citing X': the speaker follows the phrase."""
        before = text[u0:cs].rstrip()
        if word in ("citing", "quoting") and not before.endswith(","):
            return None  # 'Citing privacy rules, officials ...' gives a reason, not a source
        p = ce
        while p < u1 and text[p].isspace():
            p += 1
        sp = self.right_np(text, p, u1)
        if sp is None:
            return None
        s0, s1 = sp
        if not self.valid_speaker(text, s0, s1):
            return None
        if word in ("citing", "quoting") and not self.source_like(text, s0, s1):
            return None  # 'shares fell, citing concerns about demand': a reason, not a source
        role = None
        after = s1
        m = ROLE_AFTER_RE.match(text, s1, u1)
        if m and self.looks_like_role(text, m.start(1), m.end(1)) and not self.has_finite(m.group(1)):
            role = m.group(1)
            after = m.end()
        # a name after a role: 'according to the team's coach, Alireza Mehraban, ...'
        m2 = NAME_AFTER_RE.match(text, s1, u1)
        if m2 and self.looks_like_role(text, s0, s1, strict=True):
            role = text[s0:s1]
            s0, s1 = m2.start(1), m2.end(1)
            after = m2.end() - 1
        lead = before.lower().rstrip(",")
        at_start = (
            not lead
            or lead.endswith((" that", " but", " and", " so"))
            or lead in ("but", "and", "so", "that", "however")
            or before.endswith(('"', "“", "'"))
        )
        if at_start:
            q = after
            while q < u1 and text[q] in " ,":
                q += 1
            c = self.content_to_end(text, q, u1)
        else:
            c = self.trim(text, u0, cs)
            # a quote right before the phrase: the content is the quote
            k = bisect.bisect_right(qstarts, cs) - 1
            if k >= 0 and quotes[k][1] < cs and text[quotes[k][1] + 1 : cs].strip(" ,") == "":
                c = self.trim(text, quotes[k][0] + 1, quotes[k][1]) or c
            if (
                c is not None
                and word in ("citing", "quoting")
                and (self.lex.cue_re.search(text, c[0], c[1]) or len(text[c[0] : c[1]].split()) < 3)
            ):
                return None  # the clause before has its own source, or is only a subject ('X, citing Y, said')
        if c is None:
            return None
        return Claim(s0, s1, cs, ce, c[0], c[1], "according_to", 0.85, role)

    # ------------------------------------------------------------------ quotes without a verb
    def quote_claims(self, text, quotes, units, claims, used_quotes) -> None:
        n = len(text)
        unit_set = set(units)
        by_quote = {c.quote: c for c in claims if c.quote >= 0}
        for k, (qs, qe, trunc) in enumerate(quotes):
            if k in used_quotes:
                continue
            inner = self.trim(text, qs + 1, qe)
            if inner is None or inner[1] - inner[0] < 12:
                continue
            # 'X: "Q"' — a colon right before the quote
            j = qs - 1
            while j >= 0 and text[j].isspace():
                j -= 1
            if j >= 0 and text[j] == ":":
                k0 = bisect.bisect_right(units, j) - 1
                np = self.left_np(text, units[k0], j)
                head = text[np[0] : np[1]].split()[-1] if np and np[0] < np[1] else ""
                if (
                    np is not None
                    and head
                    and self.valid_speaker(text, np[0], np[1])
                    and (head[0].isupper() or head.lower() in self.lex.roles or head.lower() in self.lex.groups)
                    and np[1] - np[0] < 80
                ):
                    claims.append(Claim(np[0], np[1], j, j + 1, inner[0], inner[1], "direct", 0.6, None, k, trunc))
                    used_quotes.add(k)
                    continue
            # '"Q" — X'
            m = DASH_RE.match(text, qe + 1, min(n, qe + 40)) if qe < n else None
            if m and m.end() > qe + 1:
                sp = self.right_np(text, m.end(), n)
                if sp and text[sp[0]].isupper() and self.valid_speaker(text, sp[0], sp[1]):
                    tail = text[sp[1] : sp[1] + 2]
                    if not tail.strip() or tail[0] in ",.;)":
                        claims.append(
                            Claim(
                                sp[0],
                                sp[1],
                                m.start() + len(m.group()) - len(m.group().lstrip(" ,\t")),
                                m.start() + len(m.group().rstrip(" \t")),
                                inner[0],
                                inner[1],
                                "direct",
                                0.6,
                                None,
                                k,
                                trunc,
                            )
                        )
                        used_quotes.add(k)
                        continue
            # split quote: '"Q1," X said, "Q2."' or '"Q1," X said. "Q2."'
            prev = by_quote.get(k - 1)
            if prev is not None and (
                qs in unit_set or TO_QUOTE_RE.fullmatch(text, max(prev.cue_end, prev.speaker_end), qs)
            ):  # '"Q1," X said, "Q2"' and '"Q1," said X, "Q2"'
                gap = qs - quotes[k - 1][1] - 1
                if prev.cue_end <= qs and gap < 120 and prev.speaker_end <= qs:
                    claims.append(
                        Claim(
                            prev.speaker_start,
                            prev.speaker_end,
                            prev.cue_start,
                            prev.cue_end,
                            inner[0],
                            inner[1],
                            "direct",
                            0.55,
                            prev.role,
                            k,
                            trunc,
                        )
                    )
                    used_quotes.add(k)
                    by_quote[k] = claims[-1]

    # ------------------------------------------------------------------ checks
    def valid_speaker(self, text: str, s0: int, s1: int) -> bool:
        if s1 <= s0 or s1 - s0 > 200:
            return False
        words = text[s0:s1].split()
        if not words:
            return False
        if words[-1].isupper() and len(words[-1]) > 1 and words[-1].isalpha() and words[-1] not in NAME_SUFFIXES:
            # an acronym: 'WHO', 'the NIS', or after a preposition: 'a spokesman for the UN'
            return len(words) <= 3 or (
                len(words) <= 7 and any(w.lower() in ("of", "for", "with", "by", "from", "at") for w in words[1:-1])
            )
        head = words[-1].lower().strip(".,")
        first = words[0].lower()
        if head in NO_SPEAKER_HEADS:
            return False
        if head in PRONOUN_HEADS:
            return head == "one" and len(words) > 1
        if not (head[:1].isalpha() or any(ch.isalpha() for ch in head)):
            return False
        if first in ("to", "of", "not"):
            return False
        return ADDRESSING_WORDS.isdisjoint(map(str.lower, words))

    @staticmethod
    def has_finite(s: str) -> bool:
        """Does the phrase hold a finite verb ('the company will hire 10'), so it is a clause, not a role?"""
        return any(w.lower() in FINITE or w.lower() in VERB_STOP for w in s.split())

    def source_like(self, text: str, s0: int, s1: int) -> bool:
        """Can the phrase be a source: a name, a body, a group, a role or a document?"""
        lex = self.lex
        for w in text[s0:s1].split():
            low = w.lower().strip(".,()").replace("’", "'").removesuffix("'s")
            if w[:1].isupper() or low in lex.groups or low in lex.roles or low in lex.bodies or low in DOC_NOUNS:
                return True
        return False

    def looks_like_name(self, text: str, s0: int, s1: int) -> bool:
        words = text[s0:s1].split()
        return 0 < len(words) <= 5 and all(
            w[0].isupper() or w.lower() in ("al", "bin", "de", "van", "von", "la", "el") for w in words
        )

    def looks_like_role(self, text: str, s0: int, s1: int, strict: bool = False) -> bool:
        words = [w.lower().strip(".,").replace("’", "'").removesuffix("'s") for w in text[s0:s1].split()]
        if not words or len(words) > 14:
            return False
        lex = self.lex
        if strict:
            return words[-1] in lex.roles
        if any(w in lex.roles or w in lex.titles for w in words):
            return True
        return words[0] in ("the", "a", "an", "of", "for") and any(w in lex.bodies for w in words)

    def appositive(self, text: str, lo: int, comma: int) -> tuple[int, int, str | None] | None:
        """'Name, role, said' / 'role, Name, said' / 'Name, in remarks to TV, said'.

        ``comma`` is the comma right before the verb. Up to three comma-separated segments are
        read back from it; the first phrase that looks like a name followed by role-like or
        prepositional segments is the speaker, and those segments are its role.
        """
        segs: list[tuple[int, int]] = []
        right = comma
        first_comma = -1
        fallback: tuple[int, int, str | None] | None = None
        role_name: tuple[int, int, str | None] | None = None
        for _ in range(3):
            inner = self.left_np_until_comma(text, lo, right)
            if inner is None:
                break
            a0, a1, c2 = inner
            segs.insert(0, (a0, a1))
            first_comma = c2
            name = self.left_np(text, lo, c2)
            if name is None or name[0] == name[1]:
                right = c2
                continue
            n0, n1 = name[0], name[1]
            if (
                len(segs) == 1
                and role_name is None
                and self.looks_like_name(text, a0, a1)
                and self.looks_like_role(text, n0, n1)
                and not self.looks_like_name(text, n0, n1)
            ):
                role_name = (a0, a1, text[n0:n1])  # 'Y, the union's general secretary, Sharon Graham, said'
            ok = True
            for n_seg, (x0, x1) in enumerate(segs):
                if not self.role_or_aside(text, x0, x1, after_role=n_seg > 0):
                    ok = False
                    break
            if self.is_nameish(text, n0, n1) and ok:
                seg_text = text[segs[0][0] : segs[-1][1]]
                role: str | None = seg_text
                if not self.looks_like_role(text, segs[0][0], segs[0][1]) or seg_text.split()[0].lower() in ASIDES:
                    role = None  # an aside ('who asked not to be named', 'in remarks to TV'), not a role
                found = (n0, n1, role)
                cand = [w.lower() for w in text[n0:n1].split()]
                role_phrase = (cand[0] in self.lex.roles or cand[0] in self.lex.titles) and any(
                    w in ("of", "for", "at", "to", "in") for w in cand[1:3]
                )
                if not (role_phrase and text.rfind(",", lo, n0) >= 0):
                    return found
                # 'Name, Director of X, and Chairman of Y, says': the 'name' found is a role; read on
                if fallback is None:
                    fallback = found
            right = c2
        if fallback is not None:
            return fallback
        if role_name is not None:
            return role_name
        if len(segs) == 1 and first_comma >= 0:
            a0, a1 = segs[0]
            name = self.left_np(text, lo, first_comma)
            if (
                name
                and name[0] < name[1]
                and self.looks_like_name(text, a0, a1)
                and self.looks_like_role(text, name[0], name[1])
            ):
                return (a0, a1, text[name[0] : name[1]])
        return None

    def is_nameish(self, text: str, s0: int, s1: int) -> bool:
        words = text[s0:s1].split()
        if not words:
            return False
        head = words[-1].lower().removesuffix("'s").removesuffix("’s")
        lex = self.lex
        return not words[-1].islower() or head in lex.roles or head in lex.bodies or head in lex.groups

    def role_or_aside(self, text: str, s0: int, s1: int, after_role: bool = False) -> bool:
        seg = text[s0:s1]
        words = seg.split()
        if not words:
            return False
        first = words[0].lower()
        if first in PREPS or first in ("of", "to", "speaking", "who", "which", "and"):
            return True
        if (len(seg) <= 4 and seg.isupper()) or seg.isdigit():
            return True  # 'Tom Molomby, SC, said', 'John Carter, 45, said'
        if words[0][:1].islower() or first in DETS:
            return True
        if len(words) <= 3 and all(w[:1].isupper() for w in words) and s0 > 0 and after_role:
            return True  # 'curator at the University of Arkansas, Fayetteville,'
        return self.looks_like_role(text, s0, s1) or (
            len(words) <= 3 and all(w[:1].isupper() for w in words) and fold_place(seg) in self.lex.places
        )

    def left_np_until_comma(self, text: str, lo: int, comma: int) -> tuple[int, int, int] | None:
        c2 = text.rfind(",", lo, comma)
        if c2 < 0:
            return None
        seg = text[c2 + 1 : comma]
        if not seg.strip() or len(seg) > 120 or any(ch in seg for ch in '".;:“”'):
            return None
        a0 = c2 + 1 + (len(seg) - len(seg.lstrip()))
        a1 = comma - (len(seg) - len(seg.rstrip()))
        return (a0, a1, c2)

    # ------------------------------------------------------------------ post-processing
    def dedupe(self, text: str, claims: list[Claim]) -> list[Claim]:
        """Drop duplicates and reports nested in another speaker's indirect content.

        Claims are sorted by position and their spans are bounded (``MAX_SPAN``), so each one is
        compared with its neighbours only: linear in the number of claims.
        """
        out: list[Claim] = []
        for c in claims:
            dup = False
            for o in out[-NEAR:]:
                same_sp = o.speaker_start == c.speaker_start and o.speaker_end == c.speaker_end
                overlap = min(o.content_end, c.content_end) - max(o.content_start, c.content_start)
                if (same_sp and overlap > 0 and o.cue_start == c.cue_start) or (
                    o.cue_start == c.cue_start and o.cue_end == c.cue_end and (overlap > 0 or o.quote == c.quote)
                ):
                    dup = True
                    break
            if not dup:
                out.append(c)
        # a report inside the content of another speaker's indirect claim stays in that content
        # ('X said the results confirm Y'), except under a sourcing phrase ('according to A, B said C')
        nested = set()
        for i, c in enumerate(out):
            for o in out[max(0, i - NEAR) : i + NEAR]:
                if o is c or o.kind != "indirect":
                    continue
                written = c.pronoun_start if c.pronoun_start >= 0 else c.speaker_start  # 'but he added'
                if o.content_start < written < o.content_end:
                    # 'A said X, but B says Y': two coordinated reports, cut the first at the comma
                    m = COORD_END_RE.search(text, max(o.content_start, written - 16), written)
                    if m:
                        o.content_end = m.start()
                        while o.content_end > o.content_start and text[o.content_end - 1].isspace():
                            o.content_end -= 1
                        continue
                if c.kind == "according_to":
                    continue
                if o.content_start <= c.cue_start < o.content_end and (
                    o.content_start <= c.speaker_start < o.content_end or c.pronoun is not None
                ):
                    nested.add(i)
                    break
        return [c for i, c in enumerate(out) if i not in nested]

    @staticmethod
    def trim_to_pronoun(text: str, c: Claim) -> None:
        """A subject pronoun ends no longer noun phrase: in 'In those days I believed' or 'Well I
        think' the speaker is 'I', whatever the walk to the left picked up before it."""
        sp = text[c.speaker_start : c.speaker_end]
        cut = max(sp.rfind(" "), sp.rfind("\t"), sp.rfind("\n"))
        if cut < 0:
            return
        last = sp[cut + 1 :]
        if last == "I" or last.lower() in SUBJ_PRON - {"i", "it"}:
            c.speaker_start += cut + 1

    def resolve_pronouns(self, text: str, claims: list[Claim], quotes: Quotes) -> None:
        """Resolve a pronoun speaker to the nearest earlier speaker or name in the snippet."""
        qstarts = [q[0] for q in quotes]
        for idx, c in enumerate(claims):
            low = text[c.speaker_start : c.speaker_end].lower()
            if low not in SUBJ_PRON or low in ("i", "we"):
                continue
            person = low in PERSON_PRON
            target = None
            best = -1
            for o in claims[max(0, idx - NEAR) : idx + NEAR]:
                if (
                    o is c
                    or o.speaker_start >= c.speaker_start
                    or o.pronoun
                    or o.speaker_start < c.speaker_start - MAX_SPAN
                ):
                    continue
                o_low = text[o.speaker_start : o.speaker_end].lower()
                if o_low in SUBJ_PRON:
                    continue
                if person == self.is_person_like(text[o.speaker_start : o.speaker_end]) and o.speaker_start > best:
                    best = o.speaker_start
                    target = (o.speaker_start, o.speaker_end, o.role)
            if target is None and person:
                target = self.last_person_mention(text, c.speaker_start, quotes, qstarts)
            if target is None:
                continue
            # a pronoun inside the content of a claim by the same speaker is a nested thought
            c.pronoun = text[c.speaker_start : c.speaker_end]
            c.pronoun_start, c.pronoun_end = c.speaker_start, c.speaker_end
            c.speaker_start, c.speaker_end = target[0], target[1]
            if target[2] and not c.role:
                c.role = target[2]

    def is_person_like(self, s: str) -> bool:
        words = s.replace("’", "'").split()
        if not words:
            return False
        lows = [w.lower().strip(".,'") for w in words]
        if any(w in self.lex.bodies or w in self.lex.groups for w in lows[-2:]) or lows[-1] in PLACE_HEADS:
            return False  # a body, a group, or a street or building that stands for one ('Downing Street')
        if lows[-1] in self.lex.roles:
            return True
        caps = [w for w in words if w[:1].isupper()]
        if not caps:
            return False
        if all(w.isupper() and len(w) > 1 for w in caps[-1:]):
            return False
        return (
            " ".join(caps[-2:]).lower() not in self.lex.places
            and caps[-1].lower().removesuffix("'s") not in self.lex.places
        )

    _NAME_RE = re.compile(
        r"(?<![\w'’])(?:[A-Z][a-z'’\-]+|[A-Z]\.)(?:\s+(?:[A-Z][a-z'’\-]+|[A-Z]\.|al-[A-Z][a-z]+)){1,3}"
    )

    def last_person_mention(
        self, text: str, before: int, quotes: Quotes, qstarts: list[int]
    ) -> tuple[int, int, str | None] | None:
        best = None
        starts = qstarts
        for m in self._NAME_RE.finditer(text, max(0, before - MAX_SPAN), before):
            k = bisect.bisect_right(starts, m.start()) - 1
            if k >= 0 and quotes[k][0] < m.start() < quotes[k][1]:
                continue
            s = m.group()
            words = s.split()
            # drop a sentence-initial or title word
            while words and (
                words[0].lower().strip(".") in self.lex.titles
                or words[0].lower() in DETS
                or words[0].lower() in LEAD_DROP
            ):
                words = words[1:]
            if len(words) < 2:
                continue
            name = " ".join(words)
            if not self.is_person_like(name) or any(w.lower() in ("of", "the") for w in words):
                continue
            if name.lower() in self.lex.places or any(
                w.lower().removesuffix("'s").removesuffix("’s") in self.lex.places for w in words
            ):
                continue
            start = m.end() - len(name)
            best = (start, m.end(), None)
        return best


def recent_speakers(claims: list[Claim], u0: int, cs: int) -> list[Claim]:
    """The claims found so far whose speaker stands between ``u0`` and the cue at ``cs``, in order.

    Claims are appended in cue order and no speaker lies more than ``MAX_SPAN`` before its cue,
    so the scan walks back only over claims whose cue is near: constant work per cue, however many
    claims the snippet has.
    """
    out = []
    for c in reversed(claims):
        if c.cue_start < u0 - MAX_SPAN:
            break
        if u0 <= c.speaker_start < cs and c.cue_start < cs:
            out.append(c)
    out.reverse()
    return out


@lru_cache(maxsize=8)
def default_extractor(resolve_pronouns: bool = True) -> Extractor:
    """The extractor with the shipped lexicons (cached: it holds no per-call state)."""
    return Extractor(build_lexicon(), resolve_pronouns=resolve_pronouns)


def extract(text: str, resolve_pronouns: bool = True) -> list[Claim]:
    """The claims of one plain string, with the shipped lexicons.

    >>> [(c.kind, c.speaker_start, c.speaker_end) for c in extract('"We are ready," the minister said.')]
    [('direct', 16, 28)]

    Canonical names need the collection: use ``toolkit.run(frame, ["attribution"])`` for them.
    """
    return default_extractor(resolve_pronouns).extract(text)
