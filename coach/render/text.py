"""The plain-text report a person reads in a terminal."""

from __future__ import annotations

import textwrap

from coach.models import OFFLINE_NOTE, Evidence, Report
from coach.sanitize import for_terminal


def _quote(ev: Evidence) -> str:
    return f'    "{for_terminal(ev.quote)}" ({for_terminal(ev.speaker)}, turn {ev.turn})'


def open_gaps(report: Report) -> str:
    """'2 without an owner, 1 without a date': the items a meeting should not leave open."""
    unowned = sum(1 for a in report.action_items if a.owner is None)
    undated = sum(1 for a in report.action_items if a.due is None)
    parts = [
        f"{unowned} without an owner" if unowned else "",
        f"{undated} without a date" if undated else "",
    ]
    return ", ".join(p for p in parts if p)


def render_text(report: Report) -> str:
    """A readable summary: flags, actions, decisions, governance, coverage."""
    m = report.meeting
    out: list[str] = []
    title = for_terminal(m.title or "Meeting")
    out.append(f"{title} ({m.date.isoformat() if m.date else 'date unknown'})")
    people = ", ".join(f"{for_terminal(p.name)} ({p.role})" for p in m.participants)
    out.append(f"{m.turns} turns, {m.words} words; {people}")
    out.append("")
    out.append(f"MISALIGNMENT FLAGS ({len(report.flags)})")
    for f in report.flags:
        out.append(f"  {f.id} [{f.severity}] {for_terminal(f.title)}  ({f.category})")
        out.extend(
            textwrap.wrap(
                for_terminal(f.summary), 96, initial_indent="    ", subsequent_indent="    "
            )
        )
        if f.parties:
            out.append("    parties: " + ", ".join(for_terminal(p) for p in f.parties))
        out.extend(_quote(ev) for ev in f.evidence)
        out.append(f"    next conversation: {for_terminal(f.conversation)}")
    out.append("")
    out.append(f"ACTION ITEMS ({len(report.action_items)})")
    gaps = open_gaps(report)
    if gaps:
        out.append(f"  ! {gaps}")
    for a in report.action_items:
        owner = for_terminal(a.owner) if a.owner else "NO OWNER"
        due = a.due.isoformat() if a.due else "NO DATE"
        said = f' ("{for_terminal(a.due_text)}")' if a.due_text else ""
        out.append(f"  {a.id} {for_terminal(a.description)}")
        out.append(f"    owner: {owner}; due: {due}{said}")
        out.extend(_quote(ev) for ev in a.evidence)
    out.append("")
    out.append(f"DECISIONS ({len(report.decisions)})")
    for d in report.decisions:
        out.append(f"  {d.id} {for_terminal(d.description)}")
        out.extend(_quote(ev) for ev in d.evidence)
    out.append("")
    out.append(f"GOVERNANCE SUGGESTIONS ({len(report.governance)})")
    for g in report.governance:
        out.append(
            f"  {g.id} [{g.priority}] {g.title}  (owner: {g.owner_role}; {g.framework}; addresses {', '.join(g.addresses)})"
        )
        out.extend(textwrap.wrap(g.rationale, 96, initial_indent="    ", subsequent_indent="    "))
    out.append("")
    out.append("COVERAGE")
    for cid, cov in report.coverage.items():
        where = f"  (turns {', '.join(map(str, cov.turns))})" if cov.turns else ""
        out.append(f"  {cid:<22} {cov.state}{where}")
    warnings = [w for w in report.warnings if w != OFFLINE_NOTE]
    if warnings:
        out.append("")
        out.append("WARNINGS")
        out.extend(f"  - {for_terminal(w)}" for w in warnings)
    e = report.engine
    out.append("")
    out.append(
        f"engine: {e.provider}{' ' + e.model if e.model else ''}, {e.calls} call(s), "
        f"{e.input_tokens}+{e.output_tokens} tokens, ${e.cost_usd:.4f}, {e.elapsed_s:.3f}s"
    )
    if OFFLINE_NOTE in report.warnings:
        out.append(OFFLINE_NOTE)
    return "\n".join(out) + "\n"
