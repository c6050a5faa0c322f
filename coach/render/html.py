"""One self-contained HTML page: no network, no external assets, autoescaped by Jinja2.

Given the transcript, the page shows it beside the findings: each quote is marked in its turn,
and selecting a flag, an action item, a decision or an objection highlights and scrolls to its
quotes (a little inline script, allowed by hash in the page's Content-Security-Policy). Without
the transcript the page has no transcript pane and no script. Turns are numbered from 1 here;
the JSON report keeps 0-based indices.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from itertools import pairwise

from jinja2 import Environment, PackageLoader, Template, select_autoescape
from markupsafe import Markup

from coach.frameworks import load_frameworks
from coach.models import OFFLINE_NOTE, Evidence, Report, Severity, Transcript

SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")


@cache
def template(name: str) -> Template:
    """A page template of coach.render's templates folder, autoescaped."""
    env = Environment(
        loader=PackageLoader("coach.render", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = lambda d: f"{d:%a} {d.day} {d:%b %Y}"  # "Tue 17 Nov 2026", any platform
    env.filters["longdate"] = lambda d: f"{d:%A} {d.day} {d:%B %Y}"
    return env.get_template(name)


@cache
def asset(name: str) -> str:
    text = (files("coach.render") / "templates" / name).read_text(encoding="utf-8")
    closing = "</style" if name.endswith(".css") else "</script"
    if closing in text.lower():  # would end the element early
        raise ValueError(f"{name} must not contain {closing}")
    return text


def _csp(script: str) -> str:
    """Nothing from anywhere; inline styles; only this script, by its hash (or no script)."""
    allowed = "'none'"
    if script:
        digest = hashlib.sha256(script.encode("utf-8")).digest()
        allowed = "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"
    return (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src {allowed}; "
        "base-uri 'none'; form-action 'none'"
    )


def clock(seconds: float | None) -> str | None:
    """'01:24' (or '1:02:03' past an hour) for a time in seconds; None when there is none."""
    if seconds is None:
        return None
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def length(seconds: float | None) -> str | None:
    """How long the meeting ran: '1 min 51 s', '47 min', '1 h 05 min'."""
    if seconds is None:
        return None
    total = max(0, round(seconds))
    if total < 600:
        minutes, secs = divmod(total, 60)
        return f"{minutes} min {secs} s" if minutes else f"{secs} s"
    hours, minutes = divmod(round(total / 60), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


# --- the page's view of the report --------------------------------------------------------------


@dataclass
class QuoteView:
    """One quote as a card shows it: the words, who said them, and where."""

    key: str  # "F1-q2": unique in the page, marks its words in the transcript
    item: str  # "F1"
    quote: str
    speaker: str
    number: int  # 1-based turn number
    time: str | None
    anchor: str | None  # "turn-12" when the transcript pane has that turn

    @property
    def attribution(self) -> str:
        where = f"{self.speaker}, turn {self.number}"
        return f"{where} ({self.time})" if self.time else where


@dataclass
class Segment:
    text: str
    items: str = ""  # space-separated item ids citing these words
    quotes: str = ""  # space-separated quote keys


@dataclass
class TurnView:
    number: int
    anchor: str
    speaker: str
    role: str | None
    time: str | None
    segments: list[Segment]
    items: str = ""


@dataclass
class _Span:
    start: int
    end: int
    item: str
    key: str


@dataclass
class _Page:
    transcript: Transcript | None
    roles: dict[str, str]
    quotes: dict[str, list[QuoteView]] = field(default_factory=dict)
    spans: dict[int, list[_Span]] = field(default_factory=dict)

    def quote(self, item: str, key: str, ev: Evidence) -> QuoteView:
        turns = self.transcript.turns if self.transcript is not None else []
        turn = turns[ev.turn] if 0 <= ev.turn < len(turns) else None
        view = QuoteView(
            key=key,
            item=item,
            quote=ev.quote,
            speaker=ev.speaker,
            number=ev.turn + 1,
            time=clock(turn.start) if turn is not None else None,
            anchor=f"turn-{ev.turn + 1}" if turn is not None else None,
        )
        if turn is not None:
            self.spans.setdefault(ev.turn, []).append(_locate(turn.text, ev.quote, item, key))
        return view

    def evidence(self, item: str, evidence: list[Evidence]) -> list[QuoteView]:
        views = [self.quote(item, f"{item}-q{i}", ev) for i, ev in enumerate(evidence, 1)]
        self.quotes[item] = views
        return views

    def turns(self) -> list[TurnView]:
        if self.transcript is None:
            return []
        out = []
        for i, turn in enumerate(self.transcript.turns):
            spans = self.spans.get(i, [])
            out.append(
                TurnView(
                    number=i + 1,
                    anchor=f"turn-{i + 1}",
                    speaker=turn.speaker,
                    role=self.roles.get(turn.speaker),
                    time=clock(turn.start),
                    segments=_segments(turn.text, spans),
                    items=" ".join(dict.fromkeys(s.item for s in spans)),
                )
            )
        return out


def _locate(text: str, quote: str, item: str, key: str) -> _Span:
    """Where the quote sits in its turn; the whole turn when it is not there verbatim."""
    at = text.find(quote)
    if at < 0 and len(text.casefold()) == len(text):  # else casefold moves the offsets
        at = text.casefold().find(quote.casefold())
    if at < 0 or not quote:
        return _Span(0, len(text), item, key)
    return _Span(at, at + len(quote), item, key)


def _segments(text: str, spans: list[_Span]) -> list[Segment]:
    """Cut a turn's text where quotes start and end; each piece knows who cites it."""
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out: list[Segment] = []
    for a, b in pairwise(cuts):
        if a == b:
            continue
        covering = [s for s in spans if s.start <= a and b <= s.end]
        items = " ".join(dict.fromkeys(s.item for s in covering))
        keys = " ".join(s.key for s in covering)
        if out and out[-1].quotes == keys:
            out[-1].text += text[a:b]
        else:
            out.append(Segment(text[a:b], items, keys))
    return out or [Segment(text)]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def summary(report: Report) -> list[str]:
    """The page's summary line, in parts: flags by severity, open items, decisions, objections."""
    by = Counter(f.severity for f in report.flags)
    flags = _plural(len(report.flags), "misalignment flag")
    if report.flags:
        flags += " (" + ", ".join(f"{by[s]} {s}" for s in SEVERITIES if by[s]) + ")"
    actions = _plural(len(report.action_items), "action item")
    unowned = sum(1 for a in report.action_items if a.owner is None)
    undated = sum(1 for a in report.action_items if a.due is None)
    gaps = [
        f"{unowned} without an owner" if unowned else "",
        f"{undated} without a date" if undated else "",
    ]
    if any(gaps):
        actions += " (" + ", ".join(g for g in gaps if g) + ")"
    unanswered = sum(1 for o in report.objections if not o.answered)
    parts = [flags, actions, _plural(len(report.decisions), "decision")]
    if report.objections:
        parts.append(f"{unanswered} of {_plural(len(report.objections), 'objection')} unanswered")
    else:
        parts.append("no objections recorded")
    return parts


def render_html(report: Report, transcript: Transcript | None = None) -> str:
    """The report as one HTML page; with the transcript, the page shows it beside the findings."""
    frameworks = load_frameworks()
    categories = {c.id: c for c in frameworks.categories}
    roles: dict[str, str] = {p.name: p.role for p in report.meeting.participants}
    page = _Page(transcript=transcript, roles=roles)
    for f in report.flags:
        page.evidence(f.id, f.evidence)
    for a in report.action_items:
        page.evidence(a.id, a.evidence)
    for d in report.decisions:
        page.evidence(d.id, d.evidence)
    responses: dict[str, QuoteView] = {}
    for o in report.objections:
        page.evidence(o.id, o.evidence)
        if o.response is not None:
            responses[o.id] = page.quote(o.id, f"{o.id}-r", o.response)
            page.quotes[o.id].append(responses[o.id])
    turns = page.turns()
    interactive = transcript is not None
    script = asset("report.js") if interactive else ""
    warnings = [w for w in report.warnings if w != OFFLINE_NOTE]
    return template("report.html.j2").render(
        r=report,
        categories=categories,
        summary=summary(report),
        top_flags=sorted(report.flags, key=lambda f: SEVERITIES.index(f.severity)),
        quotes=page.quotes,
        responses=responses,
        turns=turns,
        interactive=interactive,
        duration=length(report.meeting.duration_s),
        # Our own files, checked for a closing tag; autoescaping would mangle their quotes.
        css=Markup(asset("report.css")),
        script=Markup(script),
        csp=Markup(_csp(script)),
        warnings=warnings,
        offline_note=OFFLINE_NOTE if OFFLINE_NOTE in report.warnings else None,
    )
