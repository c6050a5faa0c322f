"""CSV: the action items, one row each, ready for Jira, Asana or a spreadsheet.

Everything else a report says is in the JSON. Turns are numbered from 1, as a reader counts
them; an item with several quotes has them one per line in `quote`, with their turns in `turn`
in the same order ("9, 10").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from coach.models import Report
from coach.sanitize import clean_text

COLUMNS = [
    "id",
    "summary",
    "owner",
    "due",
    "due_text",
    "strength",
    "source",
    "meeting_date",
    "quote",
    "turn",
]


def _safe(value: object) -> str:
    """Neutralise spreadsheet formula injection (a cell starting with = + - @ or a tab)."""
    text = clean_text("" if value is None else str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t") else text


def rows(report: Report, source: str | None = None) -> Iterator[list[str]]:
    """One row per action item, in COLUMNS order, every cell made safe."""
    for a in report.action_items:
        values = {
            "id": a.id,
            "summary": a.description,
            "owner": a.owner,
            "due": a.due,
            "due_text": a.due_text,
            "strength": a.strength,
            "source": source,
            "meeting_date": report.meeting.date,
            "quote": "\n".join(ev.quote for ev in a.evidence),
            "turn": ", ".join(str(ev.turn + 1) for ev in a.evidence),
        }
        yield [_safe(values[c]) for c in COLUMNS]


def _write(reports: Iterable[tuple[str | None, Report]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for source, report in reports:
        writer.writerows(rows(report, source))
    return buf.getvalue()


def render_csv(report: Report, source: str | None = None) -> str:
    """The header, then a row per action item; `source` fills the source column."""
    return _write([(source, report)])


def render_csv_many(items: list[tuple[str, Report]]) -> str:
    """One header, then every report's rows, each naming its source."""
    return _write(items)
