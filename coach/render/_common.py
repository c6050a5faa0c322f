"""What the human formats share: turn labels, the summary counts, readable names, the agenda.

Human formats number turns from 1 (the JSON keeps the 0-based index) and add the time stamp
when the caller passes the turns' start times (`starts`, indexed like `Evidence.turn`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from coach.models import ActionItem, Report

Starts = Sequence[float | None]

SEVERITY_ORDER = ("high", "medium", "low")


def clock(seconds: float) -> str:
    """`01:02` under an hour, `1:02:03` from an hour on."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def turn_label(turn: int, starts: Starts | None = None) -> str:
    """'turn 7', or 'turn 7, 01:02' when the source gave that turn a start time."""
    label = f"turn {turn + 1}"
    if starts is not None and 0 <= turn < len(starts):
        start = starts[turn]
        if start is not None and math.isfinite(start) and start >= 0:
            label += f", {clock(start)}"
    return label


def turn_numbers(turns: Sequence[int]) -> str:
    """0-based turn indexes as the 1-based numbers a reader sees: '2, 8'."""
    return ", ".join(str(t + 1) for t in turns)


def turn_word(turns: Sequence[int]) -> str:
    return "turn" if len(turns) == 1 else "turns"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


def undated(item: ActionItem, meeting_date: dt.date | None) -> bool:
    """No date to hold the owner to: none resolved and, when the meeting's date was known (so a
    real date would have resolved), none said either. Without a meeting date, "by Friday" still
    counts as a date."""
    if item.due is not None:
        return False
    return meeting_date is not None or not item.due_text


@dataclass(frozen=True)
class Counts:
    """The figures of the summary line."""

    flags: int
    severity: dict[str, int]
    actions: int
    unowned: int
    undated: int
    tentative: int
    decisions: int
    objections: int
    unanswered: int


def counts(report: Report) -> Counts:
    items = report.action_items
    return Counts(
        flags=len(report.flags),
        severity={s: sum(1 for f in report.flags if f.severity == s) for s in SEVERITY_ORDER},
        actions=len(items),
        unowned=sum(1 for a in items if a.owner is None),
        undated=sum(1 for a in items if undated(a, report.meeting.date)),
        tentative=sum(1 for a in items if a.strength == "tentative"),
        decisions=len(report.decisions),
        objections=len(report.objections),
        unanswered=sum(1 for o in report.objections if not o.answered),
    )


# A summary part is a head ("3 flags") and details ("1 high"), each detail with what it is, so a
# renderer can colour it: a severity, or "gap" for what a meeting should not leave open.
Detail = tuple[str, str]


def summary_parts(report: Report) -> list[tuple[str, list[Detail]]]:
    """[("3 flags", [("1 high", "high"), ...]), ("5 action items", [...]), ...]."""
    c = counts(report)
    flag_details = [(f"{c.severity[s]} {s}", s) for s in SEVERITY_ORDER if c.severity[s]]
    action_details = [
        (text, kind)
        for n, text, kind in (
            (c.unowned, f"{c.unowned} without an owner", "gap"),
            (c.undated, f"{c.undated} without a date", "gap"),
            (c.tentative, f"{c.tentative} tentative", "tentative"),
        )
        if n
    ]
    objection_details = [(f"{c.unanswered} unanswered", "gap")] if c.unanswered else []
    return [
        (plural(c.flags, "flag"), flag_details),
        (plural(c.actions, "action item"), action_details),
        (plural(c.decisions, "decision"), []),
        (plural(c.objections, "objection"), objection_details),
    ]


def summary_line(report: Report) -> str:
    """'3 flags (1 high, 2 medium); 5 action items (1 without an owner, ...); 1 decision; ...'."""
    return "; ".join(
        head + (f" ({', '.join(text for text, _ in details)})" if details else "")
        for head, details in summary_parts(report)
    )


def open_gaps(report: Report) -> str:
    """'2 without an owner, 1 without a date': the items a meeting should not leave open."""
    c = counts(report)
    parts = [
        f"{c.unowned} without an owner" if c.unowned else "",
        f"{c.undated} without a date" if c.undated else "",
    ]
    return ", ".join(p for p in parts if p)


def category_title(cid: str) -> str:
    """The framework's readable name for a category id ('late_involvement' -> its title)."""
    from coach.frameworks import load_frameworks

    try:
        return load_frameworks().category(cid).title
    except StopIteration:  # an id the framework file does not know: show it as it is
        return cid


def category_framework(cid: str) -> str | None:
    """Where a category comes from ('three steps #1'), or None for an unknown id."""
    from coach.frameworks import load_frameworks

    try:
        return load_frameworks().category(cid).framework
    except StopIteration:
        return None


def names(people: Sequence[str]) -> str:
    """'Ana', 'Ana and Ben', 'Ana, Ben and Cy'."""
    if len(people) <= 1:
        return "".join(people)
    return ", ".join(people[:-1]) + " and " + people[-1]


AgendaKind = Literal["flag", "unowned", "commitment", "objection"]


@dataclass(frozen=True)
class AgendaItem:
    """One point for the next meeting; `text` is plain (unescaped) text."""

    ref: str
    kind: AgendaKind
    text: str


def _due(item: ActionItem) -> str:
    if item.due is not None:
        return item.due.isoformat()
    return f'"{item.due_text}"' if item.due_text else "no date"


def agenda(report: Report) -> list[AgendaItem]:
    """The next meeting's agenda: every unresolved flag (its conversation, naming the parties),
    every unowned item, every tentative or conditional or undated commitment, every unanswered
    objection.
    """
    out: list[AgendaItem] = []
    for f in report.flags:  # a report only keeps the gaps the meeting left open
        who = f" ({names(f.parties)})" if f.parties else ""
        out.append(AgendaItem(f.id, "flag", f"{f.title}{who}: {f.conversation}"))
    for a in report.action_items:
        what = f'"{a.description}"'
        open_date = undated(a, report.meeting.date)
        if a.owner is None:
            text = f"Who owns {what}?" + (" And by when?" if open_date else f" (due {_due(a)})")
            out.append(AgendaItem(a.id, "unowned", text))
        elif a.strength == "conditional":
            held = f'waits on "{a.condition}"' if a.condition else "depends on a condition"
            when = "is that settled, and by when?" if open_date else "is that settled?"
            out.append(AgendaItem(a.id, "commitment", f"{a.owner}, {what} {held}: {when}"))
        elif a.strength == "tentative":
            ask = (
                f"by when? ({what})" if open_date else f"is {what} a firm commitment for {_due(a)}?"
            )
            out.append(AgendaItem(a.id, "commitment", f"{a.owner}, {ask}"))
        elif open_date:
            out.append(AgendaItem(a.id, "commitment", f"{a.owner}, by when? ({what})"))
    for o in report.objections:
        if o.answered:
            continue
        role = f" ({o.role})" if o.role != "other" else ""
        said = f' "{o.evidence[0].quote}"' if o.evidence else " a concern"
        text = f"{o.speaker}{role} raised{said} and nobody answered it: what is the response?"
        out.append(AgendaItem(o.id, "objection", text))
    return out
