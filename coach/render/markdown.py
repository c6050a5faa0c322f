"""The Markdown report, for a wiki page or a pull request: the summary, the next meeting's
agenda, then every finding with its evidence under it."""

from __future__ import annotations

import re

from coach.models import OFFLINE_NOTE, Evidence, Report
from coach.render._common import (
    Starts,
    agenda,
    category_framework,
    category_title,
    clock,
    counts,
    open_gaps,
    summary_line,
    turn_label,
    turn_numbers,
    undated,
)
from coach.sanitize import clean_text

__all__ = ["open_gaps", "render_markdown", "render_markdown_many"]


# What would open a heading, a quote, a list or a rule at the start of a line.
_LEADING = re.compile(r"^(?:[#>+=-]|\d+(?=[.)]))")


def _md(text: str) -> str:
    """Escape what Markdown would otherwise interpret inside a table cell or line."""
    text = " ".join(clean_text(text).split())
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return _LEADING.sub(_escape_leading, text)


def _escape_leading(m: re.Match[str]) -> str:
    lead = m.group(0)
    return lead + "\\" if lead[0].isdigit() else "\\" + lead


def _quote(ev: Evidence, starts: Starts | None) -> str:
    return f'"{_md(ev.quote)}" (*{_md(ev.speaker)}*, {turn_label(ev.turn, starts)})'


def _evidence(evidence: list[Evidence], starts: Starts | None, indent: str = "") -> list[str]:
    """One bullet per quote, so two quotes never run together."""
    return [f"{indent}- {_quote(ev, starts)}" for ev in evidence]


def render_markdown(
    report: Report,
    *,
    starts: Starts | None = None,
    warnings: bool = False,
    level: int = 1,
) -> str:
    """A Markdown document: title at heading `level`, sections one level below.

    `warnings` adds the report's warnings as a section (the CLI prints them on stderr instead).
    """
    h1, h2, h3 = "#" * level, "#" * (level + 1), "#" * (level + 2)
    m = report.meeting
    c = counts(report)
    lines = [f"{h1} {_md(m.title or 'Meeting')}", ""]
    lines += [f"**Summary:** {summary_line(report)}", ""]
    facts = [
        f"Date: {m.date.isoformat() if m.date else 'unknown'}",
        f"{m.turns} turns",
        f"{m.words} words",
    ]
    if m.duration_s is not None:
        facts.append(clock(m.duration_s))
    lines += [" · ".join(facts), ""]
    if m.participants:
        lines += [
            "| participant | role | share | turns | words | questions |",
            "| --- | --- | ---: | ---: | ---: | ---: |",
        ]
        for p in m.participants:
            name = _md(p.name) + (f" ({_md(p.label)})" if p.label else "")
            lines.append(
                f"| {name} | {p.role} | {round(p.share * 100)}% | {p.turns} | {p.words} "
                f"| {p.questions} |"
            )
        lines.append("")

    points = agenda(report)
    lines += [f"{h2} Agenda for the next meeting", ""]
    if points:
        lines += [f"- **{p.ref}** {_md(p.text)}" for p in points]
    else:
        lines.append("Nothing left open.")
    lines.append("")

    lines += [f"{h2} Misalignment flags ({c.flags})", ""]
    for f in report.flags:
        lines += [f"{h3} {f.id} · {_md(f.title)} ({f.severity})", ""]
        category = category_title(f.category)
        framework = category_framework(f.category)
        named = [category] if category != f.title else []
        if named or framework:
            lines += [f"*{_md(' · '.join([*named, *([framework] if framework else [])]))}*", ""]
        lines += [_md(f.summary), ""]
        if f.parties:
            lines += ["Parties: " + ", ".join(_md(p) for p in f.parties), ""]
        if f.evidence:
            lines += ["Evidence:", "", *_evidence(f.evidence, starts), ""]
        lines += [f"**Next conversation:** {_md(f.conversation)}", ""]

    lines += [f"{h2} Action items ({c.actions})", ""]
    gaps = open_gaps(report)
    if gaps:
        lines += [f"**Open:** {gaps}.", ""]
    for a in report.action_items:
        owner = f"owner {_md(a.owner)}" if a.owner else "**no owner**"
        said = f'"{_md(a.due_text)}"' if a.due_text else ""
        if a.due is not None:
            due = f"due {a.due.isoformat()}" + (f" ({said})" if said else "")
        elif undated(a, m.date):
            due = "**no date**" + (f" ({said})" if said else "")
        else:
            due = f"due {said}"  # said, but no meeting date to resolve it
        terms = [owner, due, a.strength]
        if a.condition:
            terms.append(f"if {_md(a.condition)}")
        if a.requested_by:
            terms.append(f"asked by {_md(a.requested_by)}")
        lines.append(f"- **{a.id}** {_md(a.description)} · " + " · ".join(terms))
        lines += _evidence(a.evidence, starts, "  ")
    if report.action_items:
        lines.append("")

    lines += [f"{h2} Decisions ({c.decisions})", ""]
    for d in report.decisions:
        terms = []
        if d.decided_by:
            terms.append(f"decided by {_md(d.decided_by)}")
        if d.review_date:
            terms.append(f"review {d.review_date.isoformat()}")
        if d.gaps:
            terms.append("**gaps:** " + ", ".join(d.gaps))
        lines.append(f"- **{d.id}** {_md(d.description)}" + "".join(f" · {t}" for t in terms))
        lines += _evidence(d.evidence, starts, "  ")
    if report.decisions:
        lines.append("")

    if report.objections:
        lines += [f"{h2} Objections ({c.objections}, {c.unanswered} unanswered)", ""]
        for o in report.objections:
            role = f" ({o.role})" if o.role != "other" else ""
            status = "answered" if o.answered else "**unanswered**"
            lines.append(f"- **{o.id}** {_md(o.speaker)}{role} · {status}")
            lines += _evidence(o.evidence, starts, "  ")
            if o.response is not None:
                lines.append(f"  - answer: {_quote(o.response, starts)}")
        lines.append("")

    lines += [f"{h2} Governance suggestions ({len(report.governance)})", ""]
    for g in report.governance:
        lines.append(
            f"- **{g.id} {_md(g.title)}** ({g.priority}; owner {g.owner_role}; "
            f"{_md(g.framework)}; addresses {', '.join(g.addresses)}): {_md(g.rationale)}"
        )
    if report.governance:
        lines.append("")

    if report.coverage:
        lines += [f"{h2} Coverage", "", "| conversation | state | turns |", "| --- | --- | --- |"]
        lines += [
            f"| {_md(category_title(cid))} | {cov.state} | {turn_numbers(cov.turns)} |"
            for cid, cov in report.coverage.items()
        ]
        lines.append("")

    shown = [w for w in report.warnings if w != OFFLINE_NOTE] if warnings else []
    if shown:
        lines += [f"{h2} Warnings", "", *(f"- {_md(w)}" for w in shown), ""]
    if OFFLINE_NOTE in report.warnings:
        lines += [f"*{_md(OFFLINE_NOTE)}*", ""]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def render_markdown_many(
    items: list[tuple[str, Report]],
    *,
    starts: list[Starts | None] | None = None,
    warnings: bool = False,
) -> str:
    """Several reports in one document: a top heading per source, each report one level down."""
    parts = [
        f"# {_md(source)}\n\n"
        + render_markdown(report, starts=starts[i] if starts else None, warnings=warnings, level=2)
        for i, (source, report) in enumerate(items)
    ]
    return "\n".join(parts)
