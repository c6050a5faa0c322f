"""The Markdown report, for a wiki page or a pull request."""

from __future__ import annotations

from coach.models import OFFLINE_NOTE, Evidence, Report
from coach.render.text import open_gaps
from coach.sanitize import clean_text


def _md(text: str) -> str:
    """Escape what Markdown would otherwise interpret inside a table cell or line."""
    text = clean_text(text).replace("\n", " ")
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return text


def _quotes(evidence: list[Evidence]) -> list[str]:
    return [f"> {_md(ev.quote)} (*{_md(ev.speaker)}*, turn {ev.turn})\n" for ev in evidence]


def render_markdown(report: Report) -> str:
    """A Markdown document with one section per part of the report."""
    m = report.meeting
    lines = [f"# {_md(m.title or 'Meeting')}", ""]
    lines.append(
        f"Date: {m.date.isoformat() if m.date else 'unknown'} · {m.turns} turns · {m.words} words"
    )
    lines.append("")
    lines += ["| participant | role | turns | words |", "| --- | --- | ---: | ---: |"]
    lines += [f"| {_md(p.name)} | {p.role} | {p.turns} | {p.words} |" for p in m.participants]
    lines += ["", f"## Misalignment flags ({len(report.flags)})", ""]
    for f in report.flags:
        lines.append(f"### {f.id} · {_md(f.title)} ({f.category}, {f.severity})")
        lines += ["", _md(f.summary), ""]
        if f.parties:
            lines += ["Parties: " + ", ".join(_md(p) for p in f.parties), ""]
        lines += _quotes(f.evidence)
        lines += [f"**Next conversation:** {_md(f.conversation)}", ""]
    lines += [f"## Action items ({len(report.action_items)})", ""]
    gaps = open_gaps(report)
    if gaps:
        lines += [f"**Open:** {gaps}.", ""]
    lines += ["| id | action | owner | due | said |", "| --- | --- | --- | --- | --- |"]
    for a in report.action_items:
        owner = _md(a.owner) if a.owner else "**no owner**"
        due = a.due.isoformat() if a.due else "**no date**"
        lines.append(
            f"| {a.id} | {_md(a.description)} | {owner} | {due} | {_md(a.due_text or '')} |"
        )
    lines += ["", f"## Decisions ({len(report.decisions)})", ""]
    for d in report.decisions:
        lines.append(f"- **{d.id}** {_md(d.description)}")
    lines += ["", f"## Governance suggestions ({len(report.governance)})", ""]
    for g in report.governance:
        lines.append(
            f"- **{g.id} {_md(g.title)}** ({g.priority}; owner {g.owner_role}; {g.framework}; "
            f"addresses {', '.join(g.addresses)}): {_md(g.rationale)}"
        )
    lines += ["", "## Coverage", "", "| conversation | state | turns |", "| --- | --- | --- |"]
    lines += [
        f"| {cid} | {cov.state} | {', '.join(map(str, cov.turns))} |"
        for cid, cov in report.coverage.items()
    ]
    warnings = [w for w in report.warnings if w != OFFLINE_NOTE]
    if warnings:
        lines += ["", "## Warnings", ""] + [f"- {_md(w)}" for w in warnings]
    if OFFLINE_NOTE in report.warnings:
        lines += ["", f"*{_md(OFFLINE_NOTE)}*"]
    return "\n".join(lines) + "\n"
