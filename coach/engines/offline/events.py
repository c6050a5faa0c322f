"""Deadlines said as events ("before the May steering") dated elsewhere in the meeting."""

from __future__ import annotations

import datetime as dt
import re

from coach.engines.offline.duedates import _MONTHS, DueDate, find_all_due

_EVENT = (
    r"(?:steering(?:\s+(?:committee|group|meeting))?|steerco|board(?:\s+meeting)?|"
    r"(?:joint\s+|quarterly\s+|roadmap\s+|monthly\s+)?review|workshop|offsite|go[-\s]?live|launch|"
    r"forum|council(?:\s+meeting)?|cutover|code\s+freeze|freeze|kick-?off|all-hands|town\s+hall|"
    r"qbr|conference|summit|expo|trade\s+show|demo\s+day|pilot|uat)"
)
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
)
# Where the meeting dates an event: "the May steering is on the 6th", "go-live, April 13".
_NAMED = re.compile(
    r"\b(?:the\s+)?(?:(" + _MONTH + r")\s+)?(" + _EVENT + r")"
    r"(?:\s+(?:is|are|will\s+be|falls|lands|starts|begins|kicks\s+off|goes\s+live)(?:\s+on)?\s*"
    r"|\s*,\s*|\s+)$",
    re.IGNORECASE,
)
# Where an item hangs on one: "before the May steering", "ahead of the board", "for the workshop".
_HANGS_ON = re.compile(
    r"\b(?:(?P<week>a\s+week\s+)?before|ahead\s+of|by|at|for|to|until|till|in\s+time\s+for|"
    r"by\s+the\s+time)\s+(?:the\s+|our\s+|next\s+|this\s+)*(?:(" + _MONTH + r")\s+)?"
    r"(" + _EVENT + r")\b(?!\s+(?:deck|pack|paper|slides?|minutes|agenda|prep)\b)",
    re.IGNORECASE,
)


def _key(event: str) -> str:
    return re.sub(r"[-\s]+", " ", event.lower()).split()[0].replace("golive", "go")


def event_dates(turns: list[str], meeting_date: dt.date | None) -> dict[str, list[dt.date]]:
    """Every event the meeting gives a date, by its head word ("steering", "board", "go")."""
    found: dict[str, list[dt.date]] = {}
    if meeting_date is None:
        return found
    for text in turns:
        for due in find_all_due(text, meeting_date):
            named = _NAMED.search(text, max(0, due.start - 60), due.start)
            if named and due.date is not None and due.date >= meeting_date:
                found.setdefault(_key(named.group(2)), []).append(due.date)
    return found


def event_due(text: str, events: dict[str, list[dt.date]]) -> DueDate | None:
    """The date of the event an item hangs on, when the meeting gave it one date (in the month
    named, if one is: "before the June steering")."""
    for m in _HANGS_ON.finditer(text):
        dates = events.get(_key(m.group(3)), [])
        if m.group(2):
            month = _MONTHS[m.group(2)[:3].lower()]
            dates = [d for d in dates if d.month == month]
        if len(set(dates)) == 1:
            date = dates[0] - dt.timedelta(days=7 if m.group("week") else 0)
            return DueDate(text=m.group(0), start=m.start(), end=m.end(), date=date)
    return None
