"""The report as HTML: one self-contained page (no script, no network) or a notebook fragment.

Everything that came from the web — snippet text, speakers, outlets, urls, event labels — goes
through :func:`toolkit.html.escape`; a url becomes a link only when it is http(s) (never
``javascript:``). The page carries a Content-Security-Policy that allows no script and no
external resource, so even a mistake in escaping could not run code or fetch anything. Large piles
stay usable: stories past the first few are collapsed ``<details>``, every list is capped with
"N more", and stories past :attr:`Caps.stories` are one line each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import pandas as pd

from toolkit.html import escape
from toolkit.report.model import (
    FigureTopic,
    Quote,
    Report,
    SameFact,
    SnippetRef,
    SpeakerEntry,
    StatedFigure,
    Story,
    TimelineEvent,
)
from toolkit.report.svg import timeline_svg


@dataclass(frozen=True)
class Caps:
    """How much of each list the page shows (the rest is counted as "N more")."""

    stories: int = 30  # stories drawn in full
    story_index: int = 400  # further stories, one line each
    open_stories: int = 3  # drawn expanded
    reports: int = 10
    speakers: int = 10
    quotes: int = 3
    figures: int = 8
    agreeing: int = 12
    events: int = 30
    refs: int = 5
    text: int = 700  # characters of a report's text


CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_CONTROL = re.compile(r"[\x00-\x20\x7f]")

CSS = """
.stk-report{font:14px/1.5 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2328;max-width:1040px}
.stk-report h1{font-size:24px;margin:0 0 4px}
.stk-report h2{font-size:18px;margin:0;display:inline}
.stk-report h3{font-size:15px;margin:0;display:inline}
.stk-report .lede{color:#57606a;margin:0 0 10px}
.stk-report .notes{background:#fff8c5;border:1px solid #d4a72c66;border-radius:6px;padding:6px 12px 6px 26px;
 font-size:13px;color:#6f5500}
.stk-report .toc{columns:2;font-size:13px;padding-left:22px}
.stk-report .toc li{break-inside:avoid}
.stk-report section.story{border:1px solid #d0d7de;border-radius:8px;margin:14px 0;background:#fff}
.stk-report section.story>details>summary{padding:10px 14px;background:#f6f8fa;border-radius:8px;cursor:pointer}
.stk-report section.story>details[open]>summary{border-bottom:1px solid #d0d7de;border-radius:8px 8px 0 0}
.stk-report .story-body{padding:4px 16px 12px}
.stk-report .rank{display:inline-block;min-width:22px;height:22px;border-radius:11px;background:#0969da;color:#fff;
 text-align:center;font-weight:600;font-size:12px;line-height:22px;margin-right:6px}
.stk-report .badges{display:block;margin:4px 0 0 30px;color:#57606a;font-size:12.5px}
.stk-report details.part{margin:10px 0 0}
.stk-report details.part>summary{cursor:pointer;padding:2px 0;border-bottom:1px solid #eaeef2}
.stk-report .count{color:#57606a;font-weight:normal;font-size:13px}
.stk-report ol.facts,.stk-report ul.speakers,.stk-report ol.events,.stk-report ul.topics{padding-left:20px}
.stk-report li{margin:6px 0}
.stk-report .fact-head{font-size:13px;color:#57606a}
.stk-report .pill{display:inline-block;border-radius:10px;padding:0 8px;margin-right:4px;font-size:12px;
 background:#eaeef2;color:#24292f;font-weight:600}
.stk-report .pill.outlets{background:#ddf4ff;color:#0550ae}
.stk-report .pill.conflict{background:#ffebe9;color:#cf222e}
.stk-report .pill.agree{background:#dafbe1;color:#116329}
.stk-report blockquote{margin:4px 0;padding:4px 10px;border-left:3px solid #d0d7de;background:#fcfcfd}
.stk-report .refs{font-size:12px;color:#57606a}
.stk-report .ref{display:inline-block;border:1px solid #d0d7de;border-radius:4px;padding:0 5px;margin:2px 3px 0 0;
 background:#fff;white-space:nowrap}
.stk-report .ref code{color:#0550ae}
.stk-report .ref a{text-decoration:none;margin-left:3px}
.stk-report .muted{color:#57606a}
.stk-report ul.quotes{padding-left:18px;font-size:13px}
.stk-report table.values{border-collapse:collapse;font-size:13px;margin:4px 0 8px}
.stk-report table.values th,.stk-report table.values td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;
 vertical-align:top}
.stk-report table.values th{background:#f6f8fa}
.stk-report td.num{font-weight:700;font-variant-numeric:tabular-nums;white-space:nowrap}
.stk-report .chart{overflow-x:auto;margin:6px 0}
.stk-report .more{color:#57606a;font-style:italic;list-style:none}
.stk-report table.others{border-collapse:collapse;font-size:13px}
.stk-report table.others td,.stk-report table.others th{border-bottom:1px solid #eaeef2;padding:2px 8px;text-align:left}
.stk-report footer{margin-top:18px;color:#57606a;font-size:12px}
"""


# -- small pieces ---------------------------------------------------------------------------------------
def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) url with a host and no control characters or spaces, else None."""
    if not url or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def when(stamp: pd.Timestamp | None, day_only: bool = False) -> str:
    if stamp is None:
        return "date unknown"
    if day_only or (stamp.hour, stamp.minute) == (0, 0):
        return stamp.strftime("%d %b %Y")
    return stamp.strftime("%d %b %Y %H:%M") + (" UTC" if stamp.tzinfo is not None else "")


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ref_chip(ref: SnippetRef) -> str:
    """A snippet's id, outlet and date, its text as the tooltip, and a link when its url is http(s)."""
    bits = [f"<code>{escape(ref.snippet_id)}</code>"]
    if ref.source:
        bits.append(escape(ref.source))
    if ref.published_at is not None:
        bits.append(escape(ref.published_at.strftime("%d %b")))
    link = safe_url(ref.url)
    anchor = (
        f"<a href='{escape(link)}' rel='noopener noreferrer nofollow' target='_blank' title='open the article'>↗</a>"
        if link
        else ""
    )
    return f"<span class='ref' title='{escape(ref.text or '')}'>{' · '.join(bits)}{anchor}</span>"


def refs_html(refs: Sequence[SnippetRef], cap: int) -> str:
    chips = "".join(ref_chip(r) for r in refs[:cap])
    rest = len(refs) - cap
    if rest > 0:
        ids = ", ".join(r.snippet_id for r in refs[cap : cap + 40])
        chips += f"<span class='ref more' title='{escape(ids)}'>+{rest:,} more</span>"
    return f"<div class='refs'>{chips}</div>"


def _more(n: int, what: str) -> str:
    return f"<li class='more'>… {n:,} more {what}</li>" if n > 0 else ""


def _names(names: Sequence[str], cap: int = 6) -> str:
    shown = ", ".join(escape(n) for n in names[:cap])
    return shown + (f" and {len(names) - cap} more" if len(names) > cap else "")


# -- the parts of a story ---------------------------------------------------------------------------------
class _Page:
    """Renders one report with its caps and highlights (spans collected once for the snippets shown)."""

    def __init__(self, report: Report, caps: Caps):
        from toolkit.widgets.highlight import collect_spans

        self.report = report
        self.caps = caps
        shown = [f.representative.snippet_id for s in report.stories[: caps.stories] for f in s.reports[: caps.reports]]
        self.spans = collect_spans(report.highlight_tables, shown, report.highlights) if report.highlights else {}

    def text(self, snippet_id: str, text: str) -> str:
        from toolkit.widgets.highlight import highlight_text

        spans = [s for s in self.spans.get(snippet_id, []) if s[1] <= self.caps.text]
        cut = _cut(text, self.caps.text)
        return highlight_text(cut, spans) if cut else "<i class='muted'>(no text)</i>"

    def fact(self, fact: SameFact) -> str:
        if fact.n_outlets:
            outlets = f"<span class='pill outlets'>{_plural(fact.n_outlets, 'outlet')}</span>"
        else:  # said once at the top when no snippet names its outlet
            outlets = "<span class='pill'>outlet unknown</span>" if self.report.outlets else ""
        dates = ""
        if fact.first_published is not None:
            dates = f" first {escape(when(fact.first_published))}"
            if fact.last_published is not None and fact.last_published != fact.first_published:
                dates += f", last {escape(when(fact.last_published))}"
        who = (
            f" · attributed to <b>{_names(fact.attributed_to, 4)}</b>"
            if fact.attributed_to
            else " · <span class='muted'>not attributed</span>"
        )
        return (
            f"<li class='fact' data-cluster-id='{escape(fact.cluster_id)}'><div class='fact-head'>{outlets}"
            f"<span class='pill'>{_plural(fact.n_snippets, 'snippet')}</span>{dates}{who}</div>"
            f"<blockquote class='stk-snippet'>{self.text(fact.representative.snippet_id, fact.text)}</blockquote>"
            f"{refs_html(fact.snippets, self.caps.refs)}</li>"
        )

    def speaker(self, entry: SpeakerEntry) -> str:
        aka = f" <span class='muted'>also written: {_names(entry.aliases, 4)}</span>" if entry.aliases else ""
        outlets = f" · quoted by {_names(entry.outlets)}" if entry.outlets else ""
        statements = _statements(entry.claims)
        quotes = "".join(self.statement(quotes) for quotes in statements[: self.caps.quotes])
        quotes += _more(len(statements) - self.caps.quotes, "statements")
        return (
            f"<li class='speaker'><b>{escape(entry.name)}</b>{aka} — {_plural(entry.n_claims, 'claim')}"
            f"{outlets}<ul class='quotes'>{quotes}</ul></li>"
        )

    def statement(self, quotes: list[Quote]) -> str:
        """One statement and every snippet that carries it (syndicated copies repeat a quote)."""
        first = quotes[0]
        if first.kind == "according_to":  # "…, according to the ministry": the cue leads
            who = f"{escape(first.cue) + ' ' if first.cue else ''}{escape(first.speaker)}"
        else:
            kind = f" ({escape(first.kind)})" if first.kind in ("direct", "indirect") else ""
            who = f"{escape(first.speaker)}{' ' + escape(first.cue) if first.cue else ''}{kind}"
        return (
            f"<li>“{escape(_cut(first.content, 300))}” <span class='muted'>— {who}</span>"
            f"{refs_html([q.snippet for q in quotes], self.caps.refs)}</li>"
        )

    def topic(self, topic: FigureTopic) -> str:
        rows = "".join(
            f"<tr><td class='num'>{escape(v.label)}</td><td>{_names(v.as_written, 3)}</td>"
            f"<td>{_names(v.speakers, 3) or '<span class=muted>unattributed</span>'}</td>"
            f"<td>{escape(when(v.first_published))}</td><td>{v.n_outlets or len(v.snippets)}"
            f"{'' if v.n_outlets else ' snippet(s)'}</td><td>{refs_html(v.snippets, 3)}</td></tr>"
            for v in topic.values[: self.caps.figures]
        )
        unit = f" <span class='muted'>({escape(topic.unit)})</span>" if topic.unit else ""
        return (
            f"<li class='topic'><b>{escape(topic.topic)}</b>{unit} <span class='pill conflict'>"
            f"{_plural(len(topic.values), 'value')} that cannot all be true</span>"
            "<table class='values'><thead><tr><th>value</th><th>as written</th><th>claimed by</th>"
            "<th>first published</th><th>outlets</th><th>snippets</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></li>"
        )

    def stated(self, figure: StatedFigure) -> str:
        cut = " <span class='pill conflict'>cut off by the snippet</span>" if figure.truncated else ""
        said = f" — {escape(figure.speaker)}" if figure.speaker else ""
        return (
            f"<li><b>{escape(figure.label)}</b> {escape(figure.counted)}{cut} <span class='muted'>"
            f"(as written: “{escape(figure.as_written)}”){said}</span> {refs_html([figure.snippet], 1)}</li>"
        )

    def event(self, event: TimelineEvent) -> str:
        said = f" · said by {_names(event.speakers, 4)}" if event.speakers else ""
        outlets = f" · {_names(event.outlets, 5)}" if event.outlets else ""
        return (
            f"<li class='event'><b>{escape(event.date_label)}</b> — {escape(_cut(event.label, 240))}"
            f"<div class='fact-head'>{_plural(len(event.snippets), 'snippet')}{outlets}{said}</div>"
            f"{refs_html(event.snippets, self.caps.refs)}</li>"
        )


def _most_corroborated(events: Sequence[TimelineEvent], cap: int) -> list[TimelineEvent]:
    """At most ``cap`` events: those dated by the most outlets (then snippets), kept in date order."""
    if len(events) <= cap:
        return list(events)
    ranked = sorted(range(len(events)), key=lambda i: (-len(events[i].outlets), -len(events[i].snippets), i))
    return [events[i] for i in sorted(ranked[:cap])]


def _statements(quotes: Sequence[Quote]) -> list[list[Quote]]:
    """The quotes grouped by what was said (same words, case and spacing aside), most repeated first."""
    groups: dict[str, list[Quote]] = {}
    for quote in quotes:
        groups.setdefault(" ".join(quote.content.lower().split()), []).append(quote)
    return sorted(groups.values(), key=lambda g: -len(g))


def _part(title: str, count: str, body: str, open_: bool = True) -> str:
    return (
        f"<details class='part'{' open' if open_ else ''}><summary><h3>{title}</h3> "
        f"<span class='count'>{count}</span></summary>{body}</details>"
    )


def _list(tag: str, cls: str, items: Sequence[str], total: int, what: str) -> str:
    return f"<{tag} class='{cls}'>{''.join(items)}{_more(total - len(items), what)}</{tag}>"


def story_html(page: _Page, story: Story, rank: int) -> str:
    caps = page.caps
    parts = []
    if story.reports:
        items = [page.fact(f) for f in story.reports[: caps.reports]]
        multi = sum(f.n_snippets > 1 for f in story.reports)
        parts.append(
            _part(
                "Same-fact reports",
                f"{_plural(len(story.reports), 'report')}, {multi:,} carried by more than one snippet",
                _list("ol", "facts", items, len(story.reports), "reports"),
            )
        )
    if story.speakers:
        items = [page.speaker(e) for e in story.speakers[: caps.speakers]]
        parts.append(
            _part(
                "Who says what",
                _plural(len(story.speakers), "speaker"),
                _list("ul", "speakers", items, len(story.speakers), "speakers"),
            )
        )
    if story.figures:
        parts.append(_figures_part(page, story))
    if story.other_figures:
        items = [page.stated(f) for f in story.other_figures[: caps.figures]]
        parts.append(
            _part(
                "Other figures",
                f"{_plural(len(story.other_figures), 'figure')} nothing else in the story compares with",
                _list("ul", "figures", items, len(story.other_figures), "figures"),
                open_=not story.figures,
            )
        )
    if story.events:
        shown = _most_corroborated(story.events, caps.events)
        chart = timeline_svg(shown, title=f"timeline of story {rank}")
        items = [page.event(e) for e in shown]
        note = f", the {len(shown)} dated by the most outlets shown" if len(shown) < len(story.events) else ""
        parts.append(
            _part(
                "Timeline",
                _plural(len(story.events), "dated event") + note,
                (
                    f"<div class='chart'>{chart}<div class='muted' style='font-size:12px'>A dot is a day, sized by "
                    "the outlets dating it; a bar is a longer date (a week, a month). Hover for sources.</div></div>"
                    if chart
                    else ""
                )
                + _list("ol", "events", items, len(story.events), "events"),
            )
        )
    if not parts:
        parts.append("<p class='muted'>Nothing but the snippets themselves: no table of this run covers them.</p>")
    return (
        f"<section class='story' id='story-{rank}' data-story-id='{escape(story.story_id)}'>"
        f"<details{' open' if rank <= caps.open_stories else ''}><summary><span class='rank'>{rank}</span>"
        f"<h2>{escape(_cut(story.title, 170))}</h2><span class='badges'>{_story_badges(story)}</span></summary>"
        f"<div class='story-body'>{_story_meta(story)}{''.join(parts)}</div></details></section>"
    )


def _figures_part(page: _Page, story: Story) -> str:
    conflicts = story.conflicts
    agree = [t for t in story.figures if not t.conflict]
    items = [page.topic(t) for t in conflicts[: page.caps.figures]]
    body = _list("ul", "topics", items, len(conflicts), "conflicts") if conflicts else ""
    if agree:
        names = ", ".join(
            f"{escape(t.topic)} ({', '.join(escape(v.label) for v in t.values[:4])})"
            for t in agree[: page.caps.agreeing]
        )
        more = f" and {len(agree) - page.caps.agreeing} more" if len(agree) > page.caps.agreeing else ""
        body += (
            f"<p><span class='pill agree'>consistent</span> {_plural(len(agree), 'counted thing')} stated more than "
            f"once without conflict (ranges that overlap agree): {names}{more}</p>"
        )
    return _part("Figure conflicts", f"{len(conflicts):,} of {_plural(len(story.figures), 'counted thing')}", body)


def _story_badges(story: Story) -> str:
    bits = [_plural(story.n_snippets, "snippet")]
    if story.n_outlets:
        bits.append(_plural(story.n_outlets, "outlet"))
    bits.append(_plural(len(story.reports), "report"))
    if story.speakers:
        bits.append(_plural(len(story.speakers), "speaker"))
    if story.conflicts:
        bits.append(f"<b style='color:#cf222e'>{_plural(len(story.conflicts), 'figure conflict')}</b>")
    if story.events:
        bits.append(_plural(len(story.events), "dated event"))
    return " · ".join(bits)


def _story_meta(story: Story) -> str:
    span = ""
    if story.first_published is not None:
        span = f"published {escape(when(story.first_published))}"
        if story.last_published is not None and story.last_published != story.first_published:
            span += f" to {escape(when(story.last_published))}"
    outlets = f"outlets: {_names(story.outlets, 10)}" if story.outlets else "no outlet known"
    return f"<p class='muted'>{span + ' · ' if span else ''}{outlets}</p>"


def _header(report: Report, caps: Caps) -> str:
    n = len(report.stories)
    span = ""
    if report.first_published is not None:
        span = (
            f", published {escape(when(report.first_published, True))} to {escape(when(report.last_published, True))}"
        )
    lede = (
        f"{_plural(report.n_snippets, 'snippet')} "
        f"{'from ' + _plural(len(report.outlets), 'outlet') if report.outlets else '(no outlet named)'}{span}, in "
        f"{_plural(n, 'story', 'stories')}, most corroborated first. Built from the tables: "
        f"{escape(', '.join(report.tables) or 'none')}."
    )
    lede += _glance(report)
    notes = "".join(f"<li>{escape(note)}</li>" for note in report.notes)
    toc = "".join(
        f"<li><a href='#story-{i}'>{escape(_cut(s.title, 90))}</a> <span class='muted'>"
        f"({_plural(s.n_snippets, 'snippet')}{', ' + _plural(s.n_outlets, 'outlet') if s.n_outlets else ''})"
        "</span></li>"
        for i, s in enumerate(report.stories[: caps.stories], 1)
    )
    contents = (
        f"<details class='part' open><summary><h3>Stories</h3> <span class='count'>{n:,}</span></summary>"
        f"<ol class='toc'>{toc}</ol></details>"
        if n > 1
        else ""
    )
    return (
        f"<header><h1>{escape(report.title)}</h1><p class='lede'>{lede}</p>"
        f"{'<ul class=notes>' + notes + '</ul>' if notes else ''}{contents}</header>"
    )


def _glance(report: Report) -> str:
    """One line of what the pile holds across its stories (only the parts that have something)."""
    stories = report.stories
    counts = [
        (sum(f.n_snippets > 1 for s in stories for f in s.reports), "report carried by several snippets",
         "reports carried by several snippets"),
        (len({e.name for s in stories for e in s.speakers}), "speaker", "speakers"),
        (sum(len(s.conflicts) for s in stories), "figure conflict", "figure conflicts"),
        (sum(len(s.events) for s in stories), "dated event", "dated events"),
    ]  # fmt: skip
    bits = [_plural(n, one, many) for n, one, many in counts if n]
    return f"<br><b>At a glance:</b> {' · '.join(bits)}." if bits else ""


def _others(report: Report, caps: Caps) -> str:
    rest = report.stories[caps.stories :]
    if not rest:
        return ""
    rows = "".join(
        f"<tr><td>{i}</td><td>{escape(_cut(s.title, 140))}</td><td>{s.n_snippets:,}</td><td>{s.n_outlets:,}</td>"
        f"<td>{len(s.reports):,}</td><td>{len(s.conflicts):,}</td><td>{len(s.events):,}</td></tr>"
        for i, s in enumerate(rest[: caps.story_index], caps.stories + 1)
    )
    more = len(rest) - caps.story_index
    tail = (
        f"<p class='more'>… {_plural(more, 'more story', 'more stories')} (see the stories table)</p>"
        if more > 0
        else ""
    )
    return _part(
        "Smaller stories",
        f"{len(rest):,} more, one line each",
        "<table class='others'><thead><tr><th>#</th><th>story</th><th>snippets</th><th>outlets</th><th>reports</th>"
        f"<th>conflicts</th><th>events</th></tr></thead><tbody>{rows}</tbody></table>{tail}",
        open_=False,
    )


def render_fragment(report: Report, caps: Caps | None = None) -> str:
    """The report as an HTML fragment with its own (scoped) styles: what a notebook shows."""
    from toolkit.widgets.highlight import highlight_css, highlight_legend

    caps = caps or Caps()
    page = _Page(report, caps)
    stories = "".join(story_html(page, s, i) for i, s in enumerate(report.stories[: caps.stories], 1))
    legend = highlight_legend(report.highlights)
    import toolkit

    footer = (
        f"<footer>{'Highlights: ' + legend if legend else ''}Made by snippet-toolkit {escape(toolkit.__version__)} "
        "from the result's tables; hover a snippet id for its text.</footer>"
    )
    return (
        f"<style>{CSS}</style>{highlight_css(report.highlights)}<div class='stk-report'>{_header(report, caps)}"
        f"{stories}{_others(report, caps)}{footer}</div>"
    )


def render_page(report: Report, caps: Caps | None = None) -> str:
    """The report as one self-contained HTML page: no script, nothing fetched, opens offline."""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(report.title)}</title><style>body{{margin:24px;background:#fff}}</style></head><body>"
        f"{render_fragment(report, caps)}</body></html>\n"
    )
