"""CSV: one row per flag, action item, decision and governance suggestion, for spreadsheets."""

from __future__ import annotations

import csv
import io

from coach.models import Report
from coach.sanitize import clean_text

COLUMNS = [
    "kind",
    "id",
    "text",
    "category",
    "severity",
    "owner",
    "due",
    "due_text",
    "speaker",
    "turn",
    "quote",
]


def _safe(value: object) -> str:
    """Neutralise spreadsheet formula injection (a cell starting with = + - @)."""
    text = clean_text("" if value is None else str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def render_csv(report: Report) -> str:
    """Rows for every item, with its first piece of evidence."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)

    def row(kind: str, iid: str, text: str, evidence: list, **extra: object) -> None:
        ev = evidence[0] if evidence else None
        values = {"kind": kind, "id": iid, "text": text, **extra}
        if ev is not None:
            values.update(speaker=ev.speaker, turn=ev.turn, quote=ev.quote)
        writer.writerow([_safe(values.get(c)) for c in COLUMNS])

    for f in report.flags:
        row("flag", f.id, f.title, f.evidence, category=f.category, severity=f.severity)
    for a in report.action_items:
        row(
            "action", a.id, a.description, a.evidence, owner=a.owner, due=a.due, due_text=a.due_text
        )
    for d in report.decisions:
        row("decision", d.id, d.description, d.evidence)
    for g in report.governance:
        row("governance", g.id, g.title, [], severity=g.priority, owner=g.owner_role)
    return buf.getvalue()
