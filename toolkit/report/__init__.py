"""The story report: the pile's answers on one page, per story, most corroborated first.

    report = toolkit.report(result)        # or result.report(); works on Result.from_dir(...) too
    report.to_html("report.html")          # one self-contained file: no script, no network
    report                                 # in a notebook: the report itself
    report.stories[0].reports              # the records behind it (see toolkit.report.model)

Per story (the ``story_id`` snippet column of the ``stories`` analysis; one story without it):
the same-fact reports (dedup clusters) with their outlets, dates and speakers; who says what; the
figure conflicts; the sourced timeline as a chart and a list. Every item links back to its
snippets. It is built only from the result's tables (:mod:`toolkit.report.build`) and drawn by
:mod:`toolkit.report.render` (the chart: :mod:`toolkit.report.svg`, inline SVG).
"""

from __future__ import annotations

from toolkit.report.build import build_report
from toolkit.report.model import (
    FigureTopic,
    FigureValue,
    Quote,
    Report,
    SameFact,
    SnippetRef,
    SpeakerEntry,
    StatedFigure,
    Story,
    TimelineEvent,
)
from toolkit.report.render import Caps

report = build_report

__all__ = [
    "Caps",
    "FigureTopic",
    "FigureValue",
    "Quote",
    "Report",
    "SameFact",
    "SnippetRef",
    "SpeakerEntry",
    "StatedFigure",
    "Story",
    "TimelineEvent",
    "build_report",
    "report",
]
