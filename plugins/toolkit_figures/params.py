"""The parameters of the two analyses (re-exported by ``analysis.py``).

They live in their own module so that the per-snippet engine (``extract.py``) can take them
without importing the analyses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FiguresParams:
    """Parameters of the ``figures`` analysis.

    :param include_durations: also report durations and ages ("three days", "15 years",
        "50-year-old"); off by default, since they are the timeline's business.
    :param include_measured_durations: report durations that measure a named thing, numeric
        claims in news: "a seven-day mourning period", "a 40-minute operation", "14 years of
        Conservative rule" (unit ``day``, ``minute``, ``years``). On by default; other durations,
        times and ages stay the timeline's unless ``include_durations``.
    :param include_years: also report bare years ("in 2008"); off by default.
    :param max_counted_words: the longest counted noun phrase read after a number.
    :param default_dollar: the ISO code a bare "$" stands for.
    :param extra_units: more units, as ``"surface=canonical"`` (``"furlongs=furlong"``).
    :param extra_currencies: more currencies, as ``"surface=ISO"`` (``"Ksh=KES"``, ``"quatloos=QTL"``,
        ``"₵=GHS"``; a symbol is read before the amount and after it: "₵50", "50₵").
    :param extra_code_prefixes: more words that make the next number a label (``"gate"``).
    :param extra_stopwords: more words that end a counted noun phrase.
    :param kinds: keep only figures of these kinds (``count``, ``money``, ``percent``, ``measure``,
        ``ratio``); empty keeps all.
    :param max_candidates: the most number candidates read in one snippet; 0 (the default) reads
        them all (the cost grows linearly with the text: a megabyte of "1,1,1,..." is one pass).
        When set and a snippet has more, the rest are skipped with a ``FiguresWarning`` naming the
        snippet and how many were skipped.
    """

    include_durations: bool = False
    include_measured_durations: bool = True
    include_years: bool = False
    max_counted_words: int = 5
    default_dollar: str = "USD"
    extra_units: tuple[str, ...] = ()
    extra_currencies: tuple[str, ...] = ()
    extra_code_prefixes: tuple[str, ...] = ()
    extra_stopwords: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    max_candidates: int = 0


@dataclass(frozen=True)
class ComparisonParams:
    """Parameters of the ``figure_comparison`` analysis.

    :param approx_tolerance: how far (relative) an "around"/"about" figure may stretch when deciding
        whether two figures conflict (0.1: "around 1,100" covers 990..1,210).
    :param min_figures: the fewest figures a topic needs to be listed.
    :param include_units: group money/percent/measure figures by the noun after "of" as well
        (always with their unit in the topic); counts are always compared.
    :param max_listed: the most conflicting figure ids listed per figure (the nearest first);
        ``n_conflicts`` has the full count.
    :param extra_meanings: more counted things that mean the same, as ``"phrase=topic"``
        (``"marines=soldier"``, ``"casualties=dead"``); added to ``data/counted_meanings.json``.
    """

    approx_tolerance: float = 0.1
    min_figures: int = 2
    include_units: bool = True
    max_listed: int = 20
    extra_meanings: tuple[str, ...] = ()
