"""Due-date phrases: the gold data's annotation rules (evals/README.md, "Due date"), table-driven.

Meeting dates used (weekdays checked with Python):
2026-03-02 Mon, 2026-03-05 Thu, 2026-03-06 Fri, 2026-03-07 Sat, 2026-03-08 Sun,
2026-01-31 Sat (month end), 2026-06-30 Tue (quarter/half end), 2026-09-30 Wed (quarter end),
2026-12-30 Wed and 2026-12-31 Thu (year end).
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


def _load() -> ModuleType:
    try:
        return importlib.import_module("coach.engines.offline.duedates")
    except Exception:  # the rest of the package may be mid-construction: load the file itself
        path = Path(__file__).resolve().parents[1] / "coach" / "engines" / "offline" / "duedates.py"
        spec = importlib.util.spec_from_file_location("_coach_duedates_under_test", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look the module up while it executes
        spec.loader.exec_module(module)
        return module


duedates = _load()
find_due = duedates.find_due
find_all_due = duedates.find_all_due
DueDate = duedates.DueDate

MON = "2026-03-02"
THU = "2026-03-05"
FRI = "2026-03-06"
SAT = "2026-03-07"
SUN = "2026-03-08"
JAN31 = "2026-01-31"
JUN30 = "2026-06-30"
SEP30 = "2026-09-30"
DEC30 = "2026-12-30"
DEC31 = "2026-12-31"

# (meeting date, sentence, the phrase expected, the date expected)
TODAY = [
    (THU, "I'll send it today.", "today", THU),
    (THU, "I can get it to you tonight", "tonight", THU),
    (THU, "I'll have it by end of day", "by end of day", THU),
    (THU, "Send it EOD please", "EOD", THU),
    (THU, "I'll get you the numbers by COB.", "by COB", THU),
    (THU, "Dana will confirm by close of business", "by close of business", THU),
    (THU, "I'll send the draft copy by end of play.", "by end of play", THU),
    (THU, "I'll send the invite. End of play.", "End of play", THU),
    (THU, "I'll finish it before the end of the day", "before the end of the day", THU),
    (THU, "I'll do it end of day today", "end of day today", THU),
    (SUN, "I'll look at it this afternoon", "this afternoon", SUN),
    (DEC30, "Let's finish it today", "today", DEC30),
]
TOMORROW = [
    (THU, "I'll send the pack tomorrow", "tomorrow", "2026-03-06"),
    (THU, "First thing tomorrow I'll call them", "First thing tomorrow", "2026-03-06"),
    (THU, "Let's sync tomorrow morning", "tomorrow morning", "2026-03-06"),
    (THU, "I'll have it by tomorrow EOD", "by tomorrow EOD", "2026-03-06"),
    (FRI, "I'll send it tomorrow", "tomorrow", "2026-03-07"),
    (JAN31, "I'll send it tomorrow", "tomorrow", "2026-02-01"),
    (DEC31, "I'll send it tomorrow", "tomorrow", "2027-01-01"),
    (THU, "the day after tomorrow works", "the day after tomorrow", "2026-03-07"),
]
WEEKDAY = [
    # Monday 2026-03-02
    (MON, "I'll send it by Friday", "by Friday", "2026-03-06"),
    (MON, "We need it by Monday", "by Monday", "2026-03-09"),
    (MON, "Let's meet on Thursday", "on Thursday", "2026-03-05"),
    (MON, "Tuesday works for the review", "Tuesday", "2026-03-03"),
    (MON, "I'll do it this Friday", "this Friday", "2026-03-06"),
    (MON, "Get it to legal before Monday", "before Monday", "2026-03-09"),
    (MON, "Friday morning I'll send it", "Friday morning", "2026-03-06"),
    (MON, "I'll do it end of day Friday", "end of day Friday", "2026-03-06"),
    (MON, "I'll call them first thing Monday", "first thing Monday", "2026-03-09"),
    (MON, "Send it Friday at 3pm", "Friday at 3pm", "2026-03-06"),
    (MON, "Hold it until Wednesday", "until Wednesday", "2026-03-04"),
    (MON, "No later than Thursday, please", "No later than Thursday", "2026-03-05"),
    (MON, "I'll do it by Sunday", "by Sunday", "2026-03-08"),
    # Thursday 2026-03-05
    (THU, "I'll send it by Friday", "by Friday", "2026-03-06"),
    (THU, "I'll send it by Thursday", "by Thursday", "2026-03-12"),
    (THU, "Let's talk on Monday", "on Monday", "2026-03-09"),
    (THU, "Draft by Wednesday", "by Wednesday", "2026-03-11"),
    (THU, "Saturday I'll finish it", "Saturday", "2026-03-07"),
    (THU, "by friday", "by friday", "2026-03-06"),
    # Friday 2026-03-06
    (FRI, "I'll send it by Friday", "by Friday", "2026-03-13"),
    (FRI, "Let's talk on Monday", "on Monday", "2026-03-09"),
    (FRI, "I'll do it this Friday", "this Friday", "2026-03-13"),
    (FRI, "Draft by Thursday", "by Thursday", "2026-03-12"),
    # Sunday 2026-03-08
    (SUN, "We need it by Monday", "by Monday", "2026-03-09"),
    (SUN, "I'll do it Sunday", "Sunday", "2026-03-15"),
    (SUN, "I'll send it by Friday", "by Friday", "2026-03-13"),
    (SUN, "Saturday works", "Saturday", "2026-03-14"),
    # Wednesday 2026-12-30: across the year
    (DEC30, "I'll send it by Friday", "by Friday", "2027-01-01"),
    (DEC30, "Monday I'll start", "Monday", "2027-01-04"),
    (DEC30, "By Wednesday", "By Wednesday", "2027-01-06"),
    (DEC30, "On Thursday", "On Thursday", "2026-12-31"),
]
NEXT_WEEKDAY = [
    (MON, "Let's do it next Wednesday", "next Wednesday", "2026-03-11"),
    (MON, "next Monday", "next Monday", "2026-03-09"),
    (MON, "by next Friday", "by next Friday", "2026-03-13"),
    (THU, "Let's do it next Wednesday", "next Wednesday", "2026-03-11"),
    (THU, "by next Friday", "by next Friday", "2026-03-13"),
    (THU, "next Monday", "next Monday", "2026-03-09"),
    (FRI, "next Tuesday", "next Tuesday", "2026-03-10"),
    (SUN, "next Friday", "next Friday", "2026-03-13"),
    (SUN, "next Monday", "next Monday", "2026-03-09"),
    (DEC30, "next Friday", "next Friday", "2027-01-08"),
    (DEC30, "next Monday", "next Monday", "2027-01-04"),
    (THU, "Let's do Tuesday next week", "Tuesday next week", "2026-03-10"),
    (THU, "next week on Thursday", "next week on Thursday", "2026-03-12"),
    (THU, "this coming Monday", "this coming Monday", "2026-03-09"),
    # British and Irish "Friday week": a week after the coming Friday
    (THU, "Tell us which by Friday week.", "by Friday week", "2026-03-13"),
    (MON, "the training is on Monday week, the sixteenth", "on Monday week", "2026-03-16"),
    (FRI, "I'll have it set up by Monday week", "by Monday week", "2026-03-16"),
    (THU, "we meet Monday week of the launch", "Monday", "2026-03-09"),
    (THU, "I'll send it by Friday, week after that we review", "by Friday", "2026-03-06"),
]
NEXT_WEEK = [
    (THU, "I'll have it next week", "next week", "2026-03-13"),
    (THU, "sometime next week", "sometime next week", "2026-03-13"),
    (THU, "early next week", "early next week", "2026-03-09"),
    (THU, "by the end of next week", "by the end of next week", "2026-03-13"),
    (THU, "the week after next", "the week after next", "2026-03-20"),
    (MON, "I'll have it next week", "next week", "2026-03-13"),
    (MON, "early next week", "early next week", "2026-03-09"),
    (FRI, "I'll have it next week", "next week", "2026-03-13"),
    (SAT, "I'll have it next week", "next week", "2026-03-13"),
    (SUN, "I'll have it next week", "next week", "2026-03-13"),
    (SUN, "early next week", "early next week", "2026-03-09"),
    (DEC30, "I'll have it next week", "next week", "2027-01-08"),
    (DEC30, "early next week", "early next week", "2027-01-04"),
]
THIS_WEEK = [
    (THU, "by the end of the week", "by the end of the week", "2026-03-06"),
    (THU, "end of this week", "end of this week", "2026-03-06"),
    (THU, "EOW", "EOW", "2026-03-06"),
    (THU, "I'll do it by the weekend", "by the weekend", "2026-03-06"),
    (THU, "this week", "this week", "2026-03-06"),
    (MON, "EOW", "EOW", "2026-03-06"),
    (MON, "this week", "this week", "2026-03-06"),
    (FRI, "end of the week", "end of the week", "2026-03-06"),
    (SAT, "end of the week", "end of the week", "2026-03-13"),
    (SAT, "before the weekend", "before the weekend", "2026-03-13"),
    (SUN, "this week", "this week", "2026-03-13"),
    (DEC30, "end of the week", "end of the week", "2027-01-01"),
]
MONTH = [
    (THU, "end of the month", "end of the month", "2026-03-31"),
    (THU, "end of this month", "end of this month", "2026-03-31"),
    (THU, "EOM", "EOM", "2026-03-31"),
    (THU, "we close it at month-end", "month-end", "2026-03-31"),
    (THU, "by the end of the month", "by the end of the month", "2026-03-31"),
    (THU, "this month", "this month", "2026-03-31"),
    (THU, "end of next month", "end of next month", "2026-04-30"),
    (THU, "next month", "next month", "2026-04-30"),
    (JAN31, "end of the month", "end of the month", "2026-01-31"),
    (JAN31, "next month", "next month", "2026-02-28"),
    (JAN31, "end of next month", "end of next month", "2026-02-28"),
    (DEC30, "next month", "next month", "2027-01-31"),
    (DEC30, "this month", "this month", "2026-12-31"),
    # named months (month-level: the last day; already over -> next year)
    (THU, "by the end of March", "by the end of March", "2026-03-31"),
    (THU, "end of May", "end of May", "2026-05-31"),
    (THU, "we launch in May", "in May", "2026-05-31"),
    (THU, "done by May", "by May", "2026-05-31"),
    (THU, "by end of February", "by end of February", "2027-02-28"),
    (JUN30, "we launch in May", "in May", "2027-05-31"),
    (JUN30, "done by June", "by June", "2026-06-30"),
]
DURATION = [
    (THU, "in two weeks", "in two weeks", "2026-03-19"),
    (THU, "in 2 weeks", "in 2 weeks", "2026-03-19"),
    (THU, "two weeks from now", "two weeks from now", "2026-03-19"),
    (THU, "in a couple of weeks", "in a couple of weeks", "2026-03-19"),
    (THU, "in a fortnight", "in a fortnight", "2026-03-19"),
    (THU, "let's regroup a fortnight from today", "a fortnight from today", "2026-03-19"),
    (THU, "a fortnight", "a fortnight", "2026-03-19"),
    (THU, "in 3 days", "in 3 days", "2026-03-08"),
    (THU, "in 10 days", "in 10 days", "2026-03-15"),
    (THU, "in a week", "in a week", "2026-03-12"),
    (THU, "a week from today", "a week from today", "2026-03-12"),
    (THU, "in 3 weeks", "in 3 weeks", "2026-03-26"),
    (THU, "in a month", "in a month", "2026-04-05"),
    (THU, "within 3 business days", "within 3 business days", "2026-03-10"),
    (SUN, "in two weeks", "in two weeks", "2026-03-22"),
    (DEC30, "in two weeks", "in two weeks", "2027-01-13"),
    (DEC30, "in 5 days", "in 5 days", "2027-01-04"),
    (DEC30, "in a month", "in a month", "2027-01-30"),
    (JAN31, "in a month", "in a month", "2026-02-28"),
]
QUARTER = [
    (THU, "EOQ", "EOQ", "2026-03-31"),
    (THU, "end of the quarter", "end of the quarter", "2026-03-31"),
    (THU, "by the end of Q", "by the end of Q", "2026-03-31"),
    (THU, "by quarter end", "by quarter end", "2026-03-31"),
    (THU, "quarter-end", "quarter-end", "2026-03-31"),
    (THU, "this quarter", "this quarter", "2026-03-31"),
    (THU, "next quarter", "next quarter", "2026-06-30"),
    (DEC30, "next quarter", "next quarter", "2027-03-31"),
    (DEC30, "EOQ", "EOQ", "2026-12-31"),
    (JUN30, "EOQ", "EOQ", "2026-06-30"),
    (JUN30, "next quarter", "next quarter", "2026-09-30"),
    (SEP30, "end of the quarter", "end of the quarter", "2026-09-30"),
    (SEP30, "next quarter", "next quarter", "2026-12-31"),
    # Q1..Q4: that quarter's last day; already over -> next year's
    (THU, "Q1", "Q1", "2026-03-31"),
    (THU, "we ship Q3", "Q3", "2026-09-30"),
    (THU, "we ship in Q3", "in Q3", "2026-09-30"),
    (THU, "by Q3", "by Q3", "2026-09-30"),
    (THU, "Q3 2026", "Q3 2026", "2026-09-30"),
    (THU, "Q4", "Q4", "2026-12-31"),
    (THU, "Q2 2027", "Q2 2027", "2027-06-30"),
    (THU, "by the third quarter", "by the third quarter", "2026-09-30"),
    (THU, "by the end of Q2", "by the end of Q2", "2026-06-30"),
    (JUN30, "Q1", "Q1", "2027-03-31"),
    (JUN30, "Q2", "Q2", "2026-06-30"),
    (SEP30, "Q2", "Q2", "2027-06-30"),
    (SEP30, "Q3", "Q3", "2026-09-30"),
    (DEC30, "Q1", "Q1", "2027-03-31"),
    (DEC30, "Q4", "Q4", "2026-12-31"),
    (DEC30, "Q3", "Q3", "2027-09-30"),
]
HALF_AND_YEAR = [
    (THU, "H1", "H1", "2026-06-30"),
    (THU, "H2", "H2", "2026-12-31"),
    (SEP30, "H1", "H1", "2027-06-30"),
    (SEP30, "H2", "H2", "2026-12-31"),
    (DEC30, "H1", "H1", "2027-06-30"),
    (DEC30, "H2", "H2", "2026-12-31"),
    (THU, "end of year", "end of year", "2026-12-31"),
    (THU, "EOY", "EOY", "2026-12-31"),
    (THU, "by year end", "by year end", "2026-12-31"),
    (THU, "by the end of the year", "by the end of the year", "2026-12-31"),
    (DEC30, "EOY", "EOY", "2026-12-31"),
]
EXPLICIT = [
    (THU, "by March 20", "by March 20", "2026-03-20"),
    (THU, "March 20th", "March 20th", "2026-03-20"),
    (THU, "on 20 March", "on 20 March", "2026-03-20"),
    (THU, "by the 20th of March", "by the 20th of March", "2026-03-20"),
    (THU, "Mar 20", "Mar 20", "2026-03-20"),
    (THU, "by 3/20", "by 3/20", "2026-03-20"),
    (THU, "by 2026-03-20", "by 2026-03-20", "2026-03-20"),
    (THU, "on March 20, 2026", "on March 20, 2026", "2026-03-20"),
    (THU, "on the 20th", "on the 20th", "2026-03-20"),
    (THU, "on the 5th", "on the 5th", "2026-04-05"),
    (THU, "by the 3rd", "by the 3rd", "2026-04-03"),
    (THU, "on the 6th", "on the 6th", "2026-03-06"),
    (THU, "March 1", "March 1", "2027-03-01"),
    (THU, "by March 5", "by March 5", "2026-03-05"),
    (THU, "Feb 14", "Feb 14", "2027-02-14"),
    (THU, "1/15", "1/15", "2027-01-15"),
    (THU, "May 12", "May 12", "2026-05-12"),
    (THU, "Friday, March 20", "Friday, March 20", "2026-03-20"),
    (THU, "Friday the 20th", "Friday the 20th", "2026-03-20"),
    (THU, "March 20, 2025", "March 20, 2025", "2025-03-20"),
    (THU, "by 12/1", "by 12/1", "2026-12-01"),
    (DEC30, "Jan 5", "Jan 5", "2027-01-05"),
    (DEC30, "by 1/5", "by 1/5", "2027-01-05"),
    (DEC30, "the 2nd", "the 2nd", "2027-01-02"),
    (DEC30, "December 31", "December 31", "2026-12-31"),
    (JAN31, "by the 30th", "by the 30th", "2026-03-30"),
    (JAN31, "on the 31st", "on the 31st", "2026-03-31"),
    (JAN31, "the 28th", "the 28th", "2026-02-28"),
]
# Speech-to-text spells numbers out; and a few more ways of saying when.
SPOKEN = [
    ("2026-09-15", "I'll draft the policy by October ninth.", "by October ninth", "2026-10-09"),
    ("2026-04-30", "Export by the twenty-ninth of May", "by the twenty-ninth of May", "2026-05-29"),
    ("2026-06-10", "Come to the review on the eighteenth and walk us through", "on the eighteenth",
     "2026-06-18"),
    ("2026-02-11", "Bring it to staff on the twenty-fourth.", "on the twenty-fourth", "2026-02-24"),
    # after "for", a compound spoken ordinal is a day; "for the second" is not (below)
    ("2026-04-20", "Put it on the agenda for the twenty-eighth.", "the twenty-eighth",
     "2026-04-28"),
    ("2026-02-11", "on the exec agenda for the twenty third", "the twenty third", "2026-02-23"),
    ("2026-07-07", "Take it to the board on July twenty-first.", "on July twenty-first",
     "2026-07-21"),
    (THU, "I'll have it by the first", "by the first", "2026-04-01"),
    (THU, "Friday the thirteenth", "Friday the thirteenth", "2026-03-13"),
    (THU, "the fifteenth of next month", "the fifteenth of next month", "2026-04-15"),
    (THU, "Give me two weeks.", "Give me two weeks", "2026-03-19"),
    (THU, "Okay, I'll add them after this.", "after this", THU),
    (THU, "I'll send it right after the meeting", "right after the meeting", THU),
]  # fmt: skip
# Each phrase inside a sentence, as it would be said.
IN_CONTEXT = [
    (THU, "OK, so I'll send you the vendor's security pack by Friday.", "by Friday", FRI),
    (THU, "Raj, can you pull the churn list before Monday?", "before Monday", "2026-03-09"),
    (THU, "We agreed the Q3 launch date, that's settled.", "Q3", "2026-09-30"),
    (THU, "Target the end of the quarter, OK?", "the end of the quarter", "2026-03-31"),
    (THU, "I'll circle back in two weeks with numbers.", "in two weeks", "2026-03-19"),
    (THU, "Dana to draft the brief, due March 20.", "due March 20", "2026-03-20"),
    (THU, "I'll send the clean version back within the hour.", "within the hour", THU),
    (THU, "Pricing copy in the next hour, promise.", "in the next hour", THU),
    (THU, "Names to you in ten minutes.", "in ten minutes", THU),
    # A weekday naming a thing is no date; the deadline after it is.
    (THU, "I'll get you the Black Friday list by Monday.", "by Monday", "2026-03-09"),
    (THU, "I'll add the Monday scorecard to the all-hands on Tuesday.", "on Tuesday", "2026-03-10"),
    (THU, "I'll load test at three x Friday peak by the ninth.", "by the ninth", "2026-03-09"),
    # A time of day with no day is a deadline today.
    (THU, "I'll have the queue fix in prod by 2:30.", "by 2:30", THU),
    (THU, "Script to the call center by 3.", "by 3", THU),
    (THU, "I'll call them back before 4pm, ok", "before 4pm", THU),
    (THU, "Numbers to you by noon, please.", "by noon", THU),
    # A calendar week is its Friday; one that has passed is next year's
    (THU, "The security review is done by KW 21.", "by KW 21", "2026-05-22"),
    (THU, "I send it in calendar week thirty.", "calendar week thirty", "2026-07-24"),
    (THU, "Test scripts by CW 3, please.", "by CW 3", "2027-01-22"),
    # A month naming the event just before its day sets the day's month
    (
        THU,
        "Could you build the slide for the June review on the 23rd?",
        "on the 23rd",
        "2026-06-23",
    ),
    (THU, "Bring it to the December forum, on the tenth.", "on the tenth", "2026-12-10"),
    (THU, "Put it on the April roadmap review on the 14th.", "on the 14th", "2026-04-14"),
]
ALL_CASES = (
    TODAY
    + TOMORROW
    + WEEKDAY
    + NEXT_WEEKDAY
    + NEXT_WEEK
    + THIS_WEEK
    + MONTH
    + DURATION
    + QUARTER
    + HALF_AND_YEAR
    + EXPLICIT
    + SPOKEN
    + IN_CONTEXT
)


@pytest.mark.parametrize(("meeting", "sentence", "phrase", "expected"), ALL_CASES)
def test_resolves(meeting: str, sentence: str, phrase: str, expected: str) -> None:
    due = find_due(sentence, dt.date.fromisoformat(meeting))
    assert due is not None, sentence
    assert due.text == phrase
    assert sentence[due.start : due.end] == due.text
    assert due.date == dt.date.fromisoformat(expected)


NEGATIVES = [
    "Let's talk at 3pm",
    "Let's talk at 3pm about it",
    "It took two weeks to get the contract signed",
    "We're in a two-week sprint",
    "We ran the pilot for a month",
    "That was last week",
    "We sent it last Thursday",
    "We sent it to legal last Friday",
    "Every Monday we review the funnel",
    "We meet on Mondays",
    "Weekly reviews are enough",
    "Back in March we agreed on the budget",
    "We shipped that two weeks ago",
    "We did it on Friday, two weeks ago",
    "3/4 of the budget went to paid search",
    "We need a 2/3 majority",
    "20 percent of the leads are junk",
    "Version 2.0 shipped fine",
    "We may need more budget",
    "May we revisit the scope?",
    "we may 5x the spend",
    "We march forward regardless",
    "Let's do a second pass on the copy",
    "We relaxed over the weekend",
    "We spent a fortnight on it",
    "For a fortnight nothing moved",
    "At the end of the day, it's about trust.",
    "But at the end of the day the CIO decides",
    "That's the 2nd time this happened",
    "Since Monday nothing has moved",
    "Q1 last year was tough",
    "the 3rd of those options is best",
    "We meet every other Friday",
    "This past Monday was rough",
    "The meeting last week on Tuesday went long",
    "We offer 24/7 support",
    "It's a 50/50 split",
    "Feb 30 is not a day",
    "The first half went well",
    "She's on an H1B visa",
    "A quarter of the budget is gone",
    "It worked on the first try",
    "For the third time, no",
    "First of all, thanks",
    "The team sits on the second floor",
    "It's the first of many",
    "Thanks for the second, it helped",
    "That one is for the third.",
    "Give me a sec",
    "Black Friday is the busiest weekend we have",
    "The Monday scorecard looks better than it did",
    "In the second half we scored twice",
    "We need a few more people",
    "We cut the backlog by 3.",
    "The meeting is at 3.",
    "We beat them by 2 points",
    "Conversion is up by 4, nice",
    "",
]


@pytest.mark.parametrize("sentence", NEGATIVES)
def test_does_not_match(sentence: str) -> None:
    assert find_all_due(sentence, dt.date(2026, 3, 5)) == []
    assert find_due(sentence, dt.date(2026, 3, 5)) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "I'll send it by Friday.",
        "tomorrow",
        "next week",
        "EOQ",
        "Q3",
        "by March 20",
        "by 2026-03-20",
        "in two weeks",
        "on the 20th",
        "by the end of the month",
        "EOD",
    ],
)
def test_no_meeting_date_keeps_the_phrase(sentence: str) -> None:
    due = find_due(sentence, None)
    assert due is not None
    assert due.date is None
    assert sentence[due.start : due.end] == due.text
    with_date = find_due(sentence, dt.date(2026, 3, 5))
    assert with_date is not None
    assert (with_date.text, with_date.start, with_date.end) == (due.text, due.start, due.end)


def test_no_meeting_date_exact_value() -> None:
    assert find_due("Send it by Friday.", None) == DueDate("by Friday", 8, 17, None)


def test_all_in_order_with_offsets() -> None:
    sentence = "By Friday I'll draft it, we review on the 20th, then ship in Q3 — or by EOY."
    found = find_all_due(sentence, dt.date(2026, 3, 5))
    assert [d.text for d in found] == ["By Friday", "on the 20th", "in Q3", "by EOY"]
    assert [d.date for d in found] == [
        dt.date(2026, 3, 6),
        dt.date(2026, 3, 20),
        dt.date(2026, 9, 30),
        dt.date(2026, 12, 31),
    ]
    for d in found:
        assert sentence[d.start : d.end] == d.text
    assert find_due(sentence, dt.date(2026, 3, 5)) == found[0]


def test_time_of_day_stays_with_its_day() -> None:
    due = find_due("Can we do Friday at 3pm?", dt.date(2026, 3, 2))
    assert due is not None and due.date == dt.date(2026, 3, 6)
    assert due.text.startswith("Friday")


def test_due_date_is_frozen() -> None:
    due = find_due("by Friday", dt.date(2026, 3, 2))
    assert due is not None
    with pytest.raises(AttributeError):
        due.text = "x"


@pytest.mark.parametrize(
    "text",
    [
        " " * 20_000,
        " " * 20_000 + "by Friday",
        "by" + " " * 20_000 + "Friday",
        "end of " * 3_000 + "day",
        "end of day" * 3_000,
        "the end of the " * 2_000 + "month",
        "in a couple of " * 2_000 + "weeks",
        "in " + "a couple of " * 2_000 + "weeks",
        "1/" * 5_000,
        "Friday, " * 3_000,
        "by " * 5_000 + "Friday",
        "next " * 5_000 + "week",
        "at " * 5_000 + "the end of the day",
        "20" * 5_000,
        "20 " * 5_000,
        "the " * 5_000 + "20th",
        "Q3 " * 3_000,
        "March " * 3_000 + "20",
        "Friday at " * 3_000 + "3pm",
        "last " * 3_000 + "Friday",
        "Friday" + " ago" * 5_000,
        "2026-" * 3_000,
    ],
)
def test_pathological_input_returns_spans_inside_it(text: str) -> None:
    # Speed is measured in benchmarks/; here a regex that backtracks badly would simply hang.
    for due in find_all_due(text, dt.date(2026, 3, 5)):
        assert text[due.start : due.end] == due.text


def _plain_search(text: str, meeting: dt.date | None) -> list[object]:
    """The reference the fast scan must agree with: the pattern searched over the whole text."""
    found: list[object] = []
    pos = 0
    while (m := duedates._PATTERN.search(text, pos)) is not None:
        due = duedates._accept(text, m, meeting)
        if due is not None:
            found.append(due)
        pos = m.end()
    return found


WORDS = [
    "by", "on", "before", "until", "no later than", "in", "the", "end", "of", "next", "this",
    "last", "every", "back", "ago", "Friday", "monday", "Thu", "tomorrow", "today", "EOD", "COB",
    "week", "weeks", "month", "quarter", "year", "Q3", "H2", "May", "may", "March", "Mar",
    "20", "20th", "3/20", "3/4", "2026", "2026-03-20", "a", "two", "couple", "fortnight", "days",
    "at", "3pm", "from", "now", ",", ".", "weekend", "EOQ", "EOY", "'", "-", "first", "thing",
    "till", "due", "within", "over", "during", "coming", "close", "early", "start", "beginning",
    "mid", "middle", "late", "later", "sometime", "second", "third", "fourth", "quarter-end",
    "month-end", "year-end", "mid-March", "end-of-month", "tonight", "EOW", "EOM", "EOB", "Wed",
    "Tues", "Sept", "Dec.", "1st", "31st", "12/1", "1/15/27", "Q1", "H1", "half", "business",
    "working", "hours", "one", "twelve", "an", "'s", "time", "ago", "since", "past", "today's",
    "Friday's", "marketing", "people", "percent", "version", "2.0", "10:30am", "noon", "latest",
    "ninth", "twenty-first", "eighteenth", "thirtieth", "fifth", "after", "right", "give", "me",
    "call", "meeting", "and", "pass", "October", "KW", "CW", "calendar", "21", "thirty",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", "  ", ", ", "\n", "-", ". "]


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join),
    ),
    meeting=st.one_of(st.none(), st.dates()),
)
def test_never_raises_and_spans_are_inside(text: str, meeting: dt.date | None) -> None:
    found = find_all_due(text, meeting)
    previous_end = 0
    for due in found:
        assert isinstance(due, DueDate)
        assert previous_end <= due.start < due.end <= len(text)
        assert text[due.start : due.end] == due.text
        assert due.date is None or isinstance(due.date, dt.date)
        if meeting is None:
            assert due.date is None
        previous_end = due.end
    assert find_due(text, meeting) == (found[0] if found else None)


@settings(max_examples=500, deadline=None)
@given(
    words=st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=30),
    meeting=st.one_of(st.none(), st.sampled_from([dt.date(2026, 3, 5), dt.date(2026, 12, 30)])),
)
def test_fast_scan_agrees_with_a_plain_search(
    words: list[tuple[str, str]], meeting: dt.date | None
) -> None:
    text = "".join(word + sep for word, sep in words)
    assert find_all_due(text, meeting) == _plain_search(text, meeting)


_WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@settings(max_examples=200, deadline=None)
@given(
    meeting=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
    weekday=st.integers(0, 6),
    lead=st.sampled_from(["by ", "on ", "before ", "this ", ""]),
)
def test_weekday_is_the_next_one_strictly_after(meeting: dt.date, weekday: int, lead: str) -> None:
    due = find_due(f"I'll do it {lead}{_WEEKDAY_NAMES[weekday]}", meeting)
    assert due is not None and due.date is not None
    assert due.date.weekday() == weekday
    assert 1 <= (due.date - meeting).days <= 7


@settings(max_examples=200, deadline=None)
@given(
    meeting=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
    weekday=st.integers(0, 6),
)
def test_next_weekday_is_in_the_following_week(meeting: dt.date, weekday: int) -> None:
    due = find_due(f"next {_WEEKDAY_NAMES[weekday]}", meeting)
    assert due is not None and due.date is not None
    monday = meeting - dt.timedelta(days=meeting.weekday())
    assert due.date == monday + dt.timedelta(days=7 + weekday)


@settings(max_examples=200, deadline=None)
@given(
    meeting=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
    n=st.integers(1, 400),
)
def test_in_n_days_and_weeks(meeting: dt.date, n: int) -> None:
    days = find_due(f"in {n} days", meeting)
    weeks = find_due(f"in {n} weeks", meeting)
    assert days is not None and days.date == meeting + dt.timedelta(days=n)
    assert weeks is not None and weeks.date == meeting + dt.timedelta(weeks=n)
