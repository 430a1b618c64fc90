"""What a story report holds: plain records, built by :mod:`toolkit.report.build`, drawn by
:mod:`toolkit.report.render`.

Every list keeps all its items; only the rendering caps what it shows (with "N more"), so a test or
a script can read the whole report from these records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from toolkit.specs import Highlight


@dataclass(frozen=True)
class SnippetRef:
    """A link back to one snippet: its id, outlet, url (kept as given; rendered as a link only when
    it is http(s)), publication time and the start of its text (for a tooltip)."""

    snippet_id: str
    source: str | None = None
    url: str | None = None
    published_at: pd.Timestamp | None = None
    text: str | None = None


@dataclass
class SameFact:
    """A group of snippets reporting the same fact (a dedup cluster; a lone snippet without dedup)."""

    cluster_id: str
    representative: SnippetRef
    text: str
    n_snippets: int
    outlets: list[str]
    first_published: pd.Timestamp | None
    last_published: pd.Timestamp | None
    attributed_to: list[str]
    snippets: list[SnippetRef]

    @property
    def n_outlets(self) -> int:
        return len(self.outlets)


@dataclass
class Quote:
    """One attributed statement: the speaker as written, what was said, how, and where."""

    claim_id: str
    speaker: str
    content: str
    cue: str
    kind: str
    snippet: SnippetRef


@dataclass
class SpeakerEntry:
    """A canonical speaker with its claims in the story and the outlets quoting it."""

    name: str
    aliases: list[str]
    outlets: list[str]
    claims: list[Quote]

    @property
    def n_claims(self) -> int:
        return len(self.claims)

    @property
    def n_outlets(self) -> int:
        return len(self.outlets)


@dataclass
class FigureValue:
    """One value or range of a counted thing, with who claims it, when, and how many outlets repeat it."""

    label: str  # "≈1,100", "1,000–1,500", "≤15,000"
    low: float  # the interval it states (-inf / inf when open)
    high: float
    as_written: list[str]
    speakers: list[str]
    outlets: list[str]
    first_published: pd.Timestamp | None
    snippets: list[SnippetRef]

    @property
    def n_outlets(self) -> int:
        return len(self.outlets)


@dataclass
class FigureTopic:
    """A counted thing stated by several snippets of the story; ``conflict`` when two values cannot
    both be true (disjoint intervals: compatible ranges are not conflicts)."""

    topic: str
    unit: str | None
    conflict: bool
    values: list[FigureValue]


@dataclass
class StatedFigure:
    """A figure of the story that no other figure states the same thing about (nothing to compare)."""

    label: str  # "≈1,100"
    counted: str  # "casualties", or "" when the snippet does not say
    as_written: str
    speaker: str | None
    truncated: bool  # the snippet cut the number off
    snippet: SnippetRef


@dataclass
class TimelineEvent:
    """A dated event of the story: what happened, its date at its granularity, its sources."""

    event_id: str
    date_label: str
    value: str
    granularity: str
    date_start: pd.Timestamp | None
    date_end: pd.Timestamp | None
    label: str
    outlets: list[str]
    speakers: list[str]
    snippets: list[SnippetRef]


@dataclass
class Story:
    """One story: its reports, who says what, its figure conflicts and its timeline."""

    story_id: str
    title: str
    n_snippets: int
    outlets: list[str]
    first_published: pd.Timestamp | None
    last_published: pd.Timestamp | None
    reports: list[SameFact] = field(default_factory=list)
    speakers: list[SpeakerEntry] = field(default_factory=list)
    figures: list[FigureTopic] = field(default_factory=list)
    other_figures: list[StatedFigure] = field(default_factory=list)
    events: list[TimelineEvent] = field(default_factory=list)

    @property
    def n_outlets(self) -> int:
        return len(self.outlets)

    @property
    def conflicts(self) -> list[FigureTopic]:
        return [t for t in self.figures if t.conflict]


@dataclass
class Report:
    """The pile's answers per story, most corroborated story first.

    ``report.stories`` holds everything; :meth:`to_html` writes one self-contained page (no
    script, no network), :meth:`html` returns it, and a notebook shows the report itself.
    ``notes`` says which parts are missing and why (a table the run did not produce).
    """

    stories: list[Story]
    n_snippets: int
    outlets: list[str]
    first_published: pd.Timestamp | None
    last_published: pd.Timestamp | None
    tables: list[str]
    notes: list[str]
    grouped_by: str  # "story_id" or "" (one story for the whole pile)
    #: the declared highlights whose table the result has, and those tables (the page highlights
    #: the snippets it shows with them, like the notebook's snippet view)
    highlights: list[Highlight] = field(default_factory=list, repr=False)
    highlight_tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    title: str = "Story report"

    def summary(self) -> pd.DataFrame:
        """One row per story: its counts, in the report's order."""
        rows = [
            {
                "story_id": s.story_id,
                "title": s.title,
                "n_snippets": s.n_snippets,
                "n_outlets": s.n_outlets,
                "n_reports": len(s.reports),
                "n_speakers": len(s.speakers),
                "n_conflicts": len(s.conflicts),
                "n_events": len(s.events),
            }
            for s in self.stories
        ]
        columns = ["story_id", "title", "n_snippets", "n_outlets", "n_reports", "n_speakers", "n_conflicts"]
        return pd.DataFrame(rows, columns=[*columns, "n_events"])

    def html(self, **options: Any) -> str:
        """The whole page as one string (see :func:`toolkit.report.render.render_page` for options)."""
        from toolkit.report.render import render_page

        return render_page(self, **options)

    def to_html(self, path: str | Path, **options: Any) -> Path:
        """Write the self-contained page to ``path`` (UTF-8); returns the path."""
        out = Path(path)
        if out.parent and not out.parent.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(self.html(**options), encoding="utf-8")
        return out

    def _repr_html_(self) -> str:
        from toolkit.report.render import render_fragment

        return render_fragment(self)

    def __repr__(self) -> str:
        return (
            f"<Report {len(self.stories)} stor{'y' if len(self.stories) == 1 else 'ies'}, {self.n_snippets} snippets, "
            f"{len(self.outlets)} outlets; tables: {', '.join(self.tables) or 'none'}>"
        )
