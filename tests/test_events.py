"""Deadlines said as events the meeting dates elsewhere ("before the June steering")."""

from __future__ import annotations

import datetime as dt

import pytest

from coach import analyze
from coach.engines.offline.events import event_dates, event_due

MEETING = dt.date(2026, 5, 20)
TURNS = [
    "Quick dates first. The June steering is Thursday, June 4th, and the board on the twelfth.",
    "And the August steering is on August 6th.",
]


def test_the_meeting_dates_its_events() -> None:
    events = event_dates(TURNS, MEETING)
    assert events["steering"] == [dt.date(2026, 6, 4), dt.date(2026, 8, 6)]
    assert events["board"] == [dt.date(2026, 6, 12)]


@pytest.mark.parametrize(
    ("line", "due"),
    [
        ("I'll have the test results before the June steering.", dt.date(2026, 6, 4)),
        ("I'll send the creative a week before the June steering.", dt.date(2026, 5, 28)),
        ("I'll rebuild the case ahead of the board.", dt.date(2026, 6, 12)),
        ("I'll write it up before the steering.", None),  # two steerings: which one is not said
        ("I'll update the board deck.", None),  # a thing named after the event, not a deadline
        ("I'll do it before the offsite.", None),  # an event the meeting never dated
    ],
)
def test_an_item_hangs_on_one_dated_event(line: str, due: dt.date | None) -> None:
    found = event_due(line, event_dates(TURNS, MEETING))
    assert (found.date if found else None) == due


def test_a_promise_before_an_event_is_due_on_its_date() -> None:
    report = analyze(
        "Ana Ruiz: The June steering is Thursday, June 4th.\n"
        "Ben Ode: Then I'll send the revised plan to Ana before the June steering.\n",
        date="2026-05-20",
    )
    [item] = report.action_items
    assert item.due == dt.date(2026, 6, 4) and item.due_text == "before the June steering"
