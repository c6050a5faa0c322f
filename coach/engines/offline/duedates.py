"""Due-date phrases in meeting speech ("by Friday", "end of the month", "EOQ", "3/20"), resolved
against the meeting date.

The resolution rules are the annotation rules of the gold data (evals/README.md, "Due date"):

- today / tonight / EOD / COB / close of business / end of play -> the meeting date D; tomorrow -> D+1.
- a time of day with no day after "by" / "before" / "until" ("by 2:30", "before 4pm", "by noon")
  -> D; a number that measures a change ("cut the backlog by 3") is not one.
- a weekday ("by Friday", "this Friday", "Friday morning", "first thing Monday") -> the next such
  day strictly after D; "next <weekday>" and "<weekday> next week" -> that weekday of the following
  calendar week (weeks start on Monday); "Friday week" -> a week after the next Friday.
- "next week" -> Friday of the following week ("early next week" -> its Monday); "end of the week",
  "EOW", "this week", "by the weekend" -> Friday of D's week (the next Friday from a weekend).
- month / quarter / year / half-year periods -> their last day; a named quarter, half or month
  that already ended before D -> next year's.
- a calendar week ("KW 21", "CW 12", "calendar week thirty") -> Friday of that ISO week, next
  year's when this year's has passed.
- "in N days/weeks/months", "two weeks from now", "a fortnight" -> D plus that much.
- explicit dates ("March 20", "20 March", "3/20", "2026-03-20", "the 20th", and spoken "October
  ninth", "on the twenty-first") as written; without a year, a date earlier than D is next
  year's; "the 20th" is the next 20th after D, or that month's when a month names the event just
  before it ("the June review on the 23rd").
- "give me two weeks" -> D+14; "after this" / "after the meeting" -> D.
- past and recurring references ("last Friday", "every Monday", "back in March", "two weeks ago")
  are not due dates. Without a meeting date every phrase is still found, with date None.

Matching is one compiled regular expression (no nested unbounded quantifiers, so no catastrophic
backtracking), tried only at the few word starts that can begin a phrase and lie just before a
word every phrase contains; a sentence without such a word costs about 3 microseconds, one with a
date some 20-50.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

__all__ = ["DueDate", "find_all_due", "find_due"]


@dataclass(frozen=True)
class DueDate:
    """One due-date phrase found in a text."""

    text: str  # the phrase verbatim, with its leading "by"/"before"/"on"/... when present
    start: int  # text == input[start:end]
    end: int
    date: dt.date | None  # resolved; None without a meeting date or when not resolvable to a day


# --------------------------------------------------------------------------------------------
# Vocabulary

_WEEKDAYS = {w: i for i, w in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
}
_ORDINAL_DAYS = {
    w: i + 1
    for i, w in enumerate(
        """
        first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
        thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth
        """.split()  # noqa: SIM905
    )
} | {"twenty": 20, "thirty": 30, "thirtieth": 30}
_ORDINAL_WORDS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
}

# Full weekday names (any case) and the usual written abbreviations (capitalised only: "Sat" and
# "Sun" are left out, they are ordinary words).
_WD = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|(?-i:Mon|Tues|Tue|Wed|Thurs|Thur|Thu|Fri))"
)
# Month names for month-level phrases ("in March", "end of May"): full names only ("Jan" is a
# person), and "May" only capitalised (the modal verb "may").
_MONTH_FULL = (
    r"(?:january|february|march|april|(?-i:May)|june|july|august|september|october"
    r"|november|december)"
)
# Month names next to a day number: full names or abbreviations.
_MONTH_ANY = (
    r"(?:january|february|march|april|(?-i:May)|june|july|august|september|october"
    r"|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_NUM = (
    r"(?:\d{1,3}|a\s+couple(?:\s+of)?|couple\s+of|a|an|one|two|three|four|five|six|seven|eight"
    r"|nine|ten|eleven|twelve|fifteen|twenty|thirty|sixty|ninety)"
)
_UNIT = (
    r"(?:(?:business|working|work)\s+days?|days?|weeks?|fortnights?|months?|years?|hours?"
    r"|minutes?|mins\b)"
)
_END_OF = r"(?:the\s+)?(?:end|close)[-\s]+of[-\s]+"
_START_OF = r"(?:early\s+|(?:the\s+)?(?:start|beginning)\s+of\s+)"
_EOD = (
    r"(?:(?:the\s+)?end[-\s]+of[-\s]+(?:the\s+)?(?:business\s+|work(?:ing)?\s+)?day"
    r"|(?:end|close)\s+of\s+(?:business|play)|EOD|COB|EOB)"
)
_TIME = (
    r"(?:\d{1,2}(?:[:.]\d{2})?(?:\s*[ap]\.?m\b\.?)?(?![\w%])|noon|midday|midnight"
    r"|lunch(?:time)?|the\s+latest)"
)
# What may follow a day: "Friday morning", "tomorrow EOD", "Friday at 3pm", "at the latest".
_DAY_SUFFIX = (
    r"(?:\s+(?:morning|afternoon|evening|night|lunchtime|noon|first\s+thing|" + _EOD + r"))?"
    r"(?:,?\s+at\s+" + _TIME + r")?"
    r"(?:,?\s+at\s+the\s+latest)?"
)
_YEAR = r"(?P<year>20\d\d)(?![\d/.:-])"
_YEAR_SUFFIX = (
    r"(?:,?\s+(?:of\s+)?" + _YEAR + r"|\s+(?:of\s+)?(?P<yrel>this|next)\s+year\b"
    r"|\s*'(?P<yy>\d\d)\b)?"
)
_ORD = r"(?:st|nd|rd|th)"
_DAYNUM = r"(?P<day>[12]\d|3[01]|0?[1-9])"
# Spoken ordinals, as speech-to-text writes them: "October ninth", "the twenty-first".
_DAYWORD = (
    r"(?P<dayword>twenty[-\s]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|thirty[-\s]?first|thirtieth|twentieth|tenth|eleventh|twelfth|thirteenth|fourteenth"
    r"|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|first|second|third|fourth|fifth"
    r"|sixth|seventh|eighth|ninth)\b"
)

# --------------------------------------------------------------------------------------------
# The alternatives, most specific first (at one position the first that matches wins).

_ALTERNATIVES: list[tuple[str, str]] = [
    # 2026-03-20, 2026/03/20
    (
        "iso",
        r"(?<![\w/.-])(?P<year>20\d\d)(?P<sep>[-/])(?P<month>1[0-2]|0?[1-9])(?P=sep)"
        r"(?P<day>[12]\d|3[01]|0?[1-9])(?![\w/-]|[.:]\d)",
    ),
    # March 20, March 20th, Mar 20, March 20, 2026, Friday, March 20, October ninth
    (
        "month_day",
        r"(?:" + _WD + r",?\s+(?:the\s+)?)?(?P<mname>" + _MONTH_ANY + r")\b\.?\s+(?:the\s+)?"
        r"(?:"
        + _DAYNUM
        + _ORD
        + r"?(?![\w%]|[.,:]\d|\s*percent)|"
        + _DAYWORD
        + r")"
        + _YEAR_SUFFIX,
    ),
    # 20 March, 20th March, the 20th of March, Friday 20 March, the twenty-ninth of May
    (
        "day_month",
        r"(?:" + _WD + r",?\s+)?(?:the\s+)?"
        r"(?:(?<![\w.,/])" + _DAYNUM + _ORD + r"?\s+(?:of\s+)?|" + _DAYWORD + r"\s+of\s+)"
        r"(?P<mname>" + _MONTH_ANY + r")\b\.?" + _YEAR_SUFFIX,
    ),
    # 3/20, 3/20/2026, 3/20/26 (US month/day)
    (
        "slash",
        r"(?:(?P<swd>" + _WD + r"),?\s+)?(?<![\w/.,-])(?P<month>\d{1,2})/(?P<day>\d{1,2})"
        r"(?:/(?P<year4>\d{4}|\d\d))?(?![\w/%-]|[.,]\d|\s+of\b)",
    ),
    # Q3, in Q3, by the end of Q3, Q3 2026, the third quarter, start of Q3
    (
        "quarter_n",
        r"(?:(?P<qstart>"
        + _START_OF
        + r")|"
        + _END_OF
        + r"|in\s+|during\s+)?(?:(?<![\w-])Q(?P<q>[1-4])(?![\w-])"
        r"|(?:the\s+)?(?P<qword>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\b)"
        + _YEAR_SUFFIX,
    ),
    # H1, H2 2027, the second half of the year
    (
        "half",
        r"(?:in\s+|"
        + _END_OF
        + r")?(?:(?<![\w-])H(?P<h>[12])(?![\w-])"
        + _YEAR_SUFFIX
        + r"|(?:the\s+)?(?P<hword>first|second)\s+half\s+of\s+(?:the\s+year|(?P<hthis>this)\s+year"
        + r"|(?P<hnext>next)\s+year|"
        + r"(?P<hyear>20\d\d)(?!\d)))",
    ),
    # the 20th, on the 1st, Friday the 20th, the 20th of next month, on the eighteenth
    (
        "nth",
        r"(?:(?P<nwd>" + _WD + r"),?\s+(?:the\s+)?|the\s+)"
        r"(?:(?<![\w.,/])" + _DAYNUM + _ORD + r"\b"
        r"(?:\s+of\s+(?P<mrel>this|next)\s+month\b"
        r"|(?!\s+of\b|\s+(?:time|times|place|floor|item|items|draft|round|version|iteration|"
        r"edition|anniversary|percentile|grade|century|quarter|week|day|slide|page|row|column|"
        r"line|point|option|step|phase|attempt|try|pass|person|people|one|ones|employee|customer|"
        r"hire|birthday|year|month|hour|minute|level|rank|sprint|release|meeting|call|session|"
        r"issue|ticket|bug|story|question|thing|reason|priority|paragraph|section|chapter|bullet|"
        r"tier|largest|biggest|most|least|best|worst|highest|lowest|percent|spot|position|"
        r"candidate|vendor|team|deal|account|client|user|company|generation|cohort|wave|batch|"
        r"amendment|grader|graders|inning|lap|hole|game|match|season|episode)\b))"
        # a spoken ordinal is a day only where nothing noun-like follows ("the second pass")
        r"|" + _DAYWORD + r"(?:\s+of\s+(?P<mrel2>this|next)\s+month\b"
        r"|(?=\s*(?:[.!?,;:)]|$)|\s+(?:and|or|but|so|then|at|if|when|because|as|to|for|with"
        r"|please|latest|we|i|you|they|he|she|it|that|which|is|works|would|will|should|could"
        r"|ok|okay|right|yeah|instead|too|morning|afternoon|evening|eod|cob|in|on)\b)))",
    ),
    # today / tomorrow / weekdays, with "end of day", "first thing", "morning", "at 3pm" around
    (
        "day",
        r"(?:(?:" + _EOD + r"|first\s+thing)(?:,\s*|\s+)(?:on\s+)?|" + _END_OF + r")?"
        r"(?:(?P<today>today|tonight|this\s+(?:morning|afternoon|evening)"
        r"|later\s+(?:today|tonight)"
        r"|(?:right\s+|straight\s+|just\s+)?after\s+(?:this|the|our)\s+(?:call|meeting|session)\b"
        r"|(?:right\s+|straight\s+|just\s+)?after\s+this(?=\s*(?:[.!?,;:]|$)))"
        r"|(?P<dayafter>the\s+day\s+after\s+tomorrow)"
        r"|(?P<tomorrow>tomorrow)"
        r"|next\s+week,?\s+(?:on\s+)?(?P<wd_nw1>" + _WD + r")"
        r"|(?P<wd_nw2>" + _WD + r")\s+(?:of\s+)?next\s+week\b"
        r"|next\s+(?P<wd_next>" + _WD + r")"
        # British and Irish "Friday week": the Friday after the coming one
        r"|(?P<wd_week>" + _WD + r")\s+week\b(?!['-]|\s+(?:of|after|before|on|in)\b)"
        r"|(?:this\s+(?:coming\s+)?|coming\s+)?(?P<wd>" + _WD + r"))"
        r"\b" + _DAY_SUFFIX,
    ),
    # German and Nordic business speech: "KW 21", "CW 12", "calendar week thirty" (ISO weeks)
    (
        "calweek",
        r"(?:(?:the\s+)?calendar\s+week|(?-i:KW|CW))\s*(?P<cw>[1-4]\d|5[0-3]|0?[1-9]"
        r"|(?:twenty|thirty|forty)(?:[-\s]?(?:one|two|three|four|five|six|seven|eight|nine))?"
        r"|fifty(?:[-\s]?(?:one|two|three))?|one|two|three|four|five|six|seven|eight|nine|ten"
        r"|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)\b",
    ),
    # next week / the week after next / end of the week / this week / by the weekend
    (
        "week",
        r"(?:(?P<week2>(?:the\s+)?week\s+after\s+next)"
        r"|(?:(?P<nwmon>" + _START_OF + r")"
        r"|(?P<nwwed>mid[-\s]?|(?:the\s+)?middle\s+of\s+)"
        r"|" + _END_OF + r"|(?:late|later|some\s*time)\s+(?:in\s+)?)?"
        r"(?P<nextweek>next)\s+week\b(?!-)"
        r"|" + _END_OF + r"(?:the\s+|this\s+)?(?:work(?:ing)?\s*)?week\b(?!-)"
        r"|EOW\b|(?:later\s+|some\s*time\s+)?this\s+week\b(?!-)|later\s+in\s+the\s+week\b"
        r"|(?P<weekend>(?:the\s+|this\s+)?weekend\b))",
    ),
    # end of the month / EOM / this month / next month / end of March / in May / mid-June
    (
        "month",
        r"(?:(?P<nmfirst>" + _START_OF + r")?(?:the\s+)?(?P<nextmonth>next)\s+month\b"
        r"|" + _END_OF + r"(?:the\s+)?(?P<endnext>next)\s+month\b"
        r"|" + _END_OF + r"(?:the\s+|this\s+)?month\b|EOM\b|(?:the\s+)?month[-\s]end\b"
        r"|this\s+month\b"
        r"|(?:(?P<mmid>mid[-\s]?|(?:the\s+)?middle\s+of\s+)"
        r"|(?P<mfirst>" + _START_OF + r")"
        r"|" + _END_OF + r"|late\s+|in\s+|by\s+|before\s+|until\s+|till\s+)"
        r"(?P<mname>"
        + _MONTH_FULL
        + r")\b(?!\.?\s+(?:the\s+)?(?:\d{1,2}(?!\d)|"
        + _DAYWORD.replace("?P<dayword>", "?:")
        + r"))"
        + _YEAR_SUFFIX
        + r")",
    ),
    # EOQ / end of the quarter / quarter-end / this quarter / next quarter
    (
        "quarter",
        r"(?:(?P<nqfirst>" + _START_OF + r")?(?:the\s+)?(?P<nextq>next)\s+quarter\b"
        r"|" + _END_OF + r"(?:the\s+)?(?P<endnextq>next)\s+quarter\b"
        r"|" + _END_OF + r"(?:the\s+|this\s+)?quarter\b|EOQ\b|(?:the\s+)?quarter[-\s]end\b"
        r"|this\s+quarter\b|" + _END_OF + r"Q(?![\w&-]))",
    ),
    # EOY / end of the year / year-end / this year / next year / end of 2027 / by 2027
    (
        "year",
        r"(?:" + _END_OF + r"(?:the\s+)?(?P<endnexty>next)\s+year\b"
        r"|(?P<nexty>next)\s+year\b"
        r"|" + _END_OF + r"(?:the\s+|this\s+)?(?:calendar\s+)?year\b"
        r"|EOY\b|(?:the\s+)?year[-\s]end\b"
        r"|this\s+year\b"
        r"|(?:" + _END_OF + r"|by\s+|before\s+|until\s+)(?P<yname>20\d\d)(?![\w/.:%-]))",
    ),
    # in two weeks, within 3 business days, in a month, two weeks from now, a fortnight
    (
        "dur",
        r"(?:(?:in|within)\s+(?:the\s+next\s+|another\s+)?"
        r"(?P<num>" + _NUM + r")\s+(?P<unit>" + _UNIT + r")"
        r"(?:(?:'s|')?\s+time\b)?(?:\s+from\s+(?:now|today))?"
        r"|(?:in|within|over)\s+the\s+next\s+(?P<unit1>hour|day|week|fortnight|month)\b"
        r"|within\s+the\s+(?P<unit1b>hour)\b"
        r"|(?P<num2>" + _NUM + r")\s+(?P<unit2>" + _UNIT + r")\s+from\s+(?:now|today)\b"
        r"|give\s+(?:me|us)\s+(?:another\s+|about\s+|maybe\s+)?"
        r"(?P<num3>" + _NUM + r")\s+(?P<unit3>" + _UNIT + r")"
        r"|(?:(?:in|within)\s+)?(?P<fortnight>a\s+fortnight)\b"
        r"(?:\s+from\s+(?:now|today)\b)?)(?![\w-])",
    ),
    # end of day / EOD / COB / close of business, alone
    ("eod", _EOD + r"\b"),
    # a time of day with no day: "by 2:30", "before 4pm", "by noon" (resolved to the meeting date)
    (
        "clock",
        r"(?:\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\b\.?)?|(?P<hour>\d{1,2})(?P<ampm>\s*[ap]\.?m\b\.?"
        r"|\s*o'clock\b)?|noon\b|midday\b|lunch(?:time)?\b)"
        r"(?=\s*(?:[.!?,;)]|$)|\s+(?:today|tonight|latest|at\s+the\s+latest|and|so|then|ok|okay"
        r"|please|sharp|our\s+time|your\s+time|[A-Z]{2,4})\b)",
    ),
]

_LEAD = (
    r"(?P<lead>\b(?:(?:by\s+)?(?:no|not)\s+later\s+than|due\s+(?:by|on|before)"
    r"|by|before|on|until|till|due)"
    r"\s+)?"
)


def _number_groups(index: int, pattern: str) -> str:
    return re.sub(r"\(\?P<(\w+)>", rf"(?P<\1__{index}>", pattern).replace(
        "(?P=sep)", f"(?P=sep__{index})"
    )


_PATTERN = re.compile(
    r"(?<![\w'])"
    + _LEAD
    + "(?:"
    + "|".join(
        f"(?P<K{i}>{_number_groups(i, pat)})" for i, (_kind, pat) in enumerate(_ALTERNATIVES)
    )
    + ")",
    re.IGNORECASE,
)
# The same without capturing groups: about a third cheaper to fail, which is what it mostly does.
_QUICK = re.compile(
    re.sub(r"\(\?P=sep__\d+\)", "[-/]", re.sub(r"\(\?P<\w+>", "(?:", _PATTERN.pattern)),
    re.IGNORECASE,
)
_KINDS = {f"K{i}": kind for i, (kind, _pat) in enumerate(_ALTERNATIVES)}
_GROUPS = {
    f"K{i}": [
        (name, name.rsplit("__", 1)[0]) for name in _PATTERN.groupindex if name.endswith(f"__{i}")
    ]
    for i in range(len(_ALTERNATIVES))
}

# The scan. The pattern is tried only where a phrase can start: at a word (a run of \w) that is
# a number, "Q3"/"H1", or one of _FIRST_WORDS; and only within _REACH characters before a word
# that every phrase contains: a number or one of _TRIGGER_WORDS. (Both lists must cover every
# alternative above; a test compares the scan with a plain search over the whole text.)
_FIRST_WORDS = frozenset(
    """
    by before on until till no not due the in within over during this next coming end close
    early start beginning mid middle late later some sometime first second third fourth today
    tonight tomorrow week weekend month quarter year eod cob eob eow eom eoq eoy a an couple
    one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty sixty
    ninety monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur
    thurs fri january february march april may june july august september october november
    december jan feb mar apr jun jul aug sep sept oct nov dec q1 q2 q3 q4 h1 h2 after right
    straight just give fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth
    fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth
    calendar kw cw
    """.split()  # noqa: SIM905
)
_TRIGGER_WORDS = frozenset(
    """
    today tonight tomorrow morning afternoon evening monday tuesday wednesday thursday friday
    saturday sunday mon tue tues wed thu thur thurs fri day days week weeks weekend workweek
    fortnight fortnights month months quarter quarters year years hour hours minute minutes
    mins business play q noon midday lunch lunchtime
    eod cob eob eow eom eoq eoy january february march april may june july august september
    october november december jan feb mar apr jun jul aug sep sept oct nov dec after first
    second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth
    fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth kw cw
    """.split()  # noqa: SIM905
)
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_REACH = 100

# Context that makes a match a past or recurring reference, not a deadline.
_BAD_BEFORE = re.compile(
    r"(?<![\w'])(?:last|past|previous|every(?:\s+other)?|each|since|back\s+in"
    r"|(?:last|past|previous)\s+week,?)\s+$",
    re.IGNORECASE,
)
_BACK_BEFORE = re.compile(r"(?<![\w'])back\s+$", re.IGNORECASE)
_BAD_AFTER = re.compile(
    r"[\s,]+(?:(?:\w+\s+){0,2}ago\b|(?:of\s+)?last\s+(?:year|month|week|quarter)\b)", re.IGNORECASE
)
_DURATION_BAD_BEFORE = re.compile(
    r"(?<![\w'])(?:for|took|take|takes|taking|lasted|lasts|last|spent|spend|over|during|once"
    r"|twice|every|per|been|about|almost|nearly|than|just|only)\s+$",
    re.IGNORECASE,
)
# A number after "by" that measures a change ("cut the backlog by 3") rather than a time of day.
_CHANGE_BEFORE = re.compile(
    r"\b(?:up|down|grow|grows|grew|increase[sd]?|reduce[sd]?|cut|drop(?:s|ped)?|fell|fall|falls"
    r"|rise|rises|rose|improve[sd]?|slip(?:s|ped)?|delay(?:s|ed)?|shift(?:s|ed)?|lower|raise[sd]?"
    r"|beat|won|lost|lead|led|ahead|behind|multiply|divide)\b[^.!?]*$",
    re.IGNORECASE,
)
_SIMPLE_ORDINALS = frozenset(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
)
_FOR_BEFORE = re.compile(r"(?<![\w'])for\s+$", re.IGNORECASE)
_AT_BEFORE = re.compile(r"(?<![\w'])at\s+$", re.IGNORECASE)
_CLAUSE_AT_BEFORE = re.compile(
    r"(?:^|[.!?;:,(\"]\s*|(?<![\w'])(?:and|but|so|because|yeah|well|look)\s+)at\s+$", re.IGNORECASE
)
# A weekday that names a thing rather than a day: an event ("Black Friday") or a noun's modifier
# ("the Monday scorecard", "Friday peak"), told by the word after it.
_EVENT_DAY_BEFORE = re.compile(
    r"(?<![\w'])(?:black|cyber|good|ash|super|giving)\s+$", re.IGNORECASE
)
_MODIFIER_BEFORE = re.compile(r"(?<![\w'])(?:the|a|our|your|their|x)\s+$", re.IGNORECASE)
_NOUN_AFTER = re.compile(
    r"\s+(?!(?:and|or|but|so|if|as|at|by|to|for|when|then|is|it|i|we|you|they|"
    r"that|this|which|after|before|or|the|with|next|week|latest|works|morning|afternoon|evening|night|"
    r"noon|lunchtime|first|eod|cob|please)\b)[a-z][a-z-]+\b"
)


def _modifier_day(text: str, window: int, start: int, end: int) -> bool:
    if _EVENT_DAY_BEFORE.search(text, window, start):
        return True
    return bool(_MODIFIER_BEFORE.search(text, window, start) and _NOUN_AFTER.match(text, end))


_NOT_A_NOUN = (
    r"(?:and|or|but|so|then|we|i|you|they|he|she|it|that|this|is|was|were|will|would|to|at|in|"
    r"on|of|for|with|by|before|after|if|when|as)\b"
)
# A month naming an event just before its day: "the June review on the 23rd", "the December
# forum, on the tenth", "the April roadmap review on the fourteenth".
_MONTH_EVENT_BEFORE = re.compile(
    r"\b(" + _MONTH_FULL + r")\s+(?:(?!" + _NOT_A_NOUN + r")[a-z][\w/-]*\s+)?"
    r"(?!" + _NOT_A_NOUN + r")[a-z][\w/-]*,?\s+$",
    re.IGNORECASE,
)

_COMMON_FRACTIONS = {(1, 2), (1, 3), (2, 3), (1, 4), (3, 4)}


class _Drop(Exception):
    """The match is not a due date after all."""


# --------------------------------------------------------------------------------------------
# Date arithmetic


def _next_weekday(d: dt.date, weekday: int) -> dt.date:
    """The next `weekday` strictly after d."""
    return d + dt.timedelta(days=(weekday - d.weekday() - 1) % 7 + 1)


def _monday_next_week(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday()) + dt.timedelta(days=7)


def _friday_this_week(d: dt.date) -> dt.date:
    """Friday of d's week; from a Saturday or Sunday, the next Friday."""
    return d + dt.timedelta(days=(4 - d.weekday()) % 7)


def _plus(d: dt.date, *, months: int = 0, years: int = 0) -> dt.date:
    """d plus whole months or years (the day clamped to the month's length)."""
    result: dt.date = d + relativedelta(months=months, years=years)
    return result


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _quarter_end(year: int, quarter: int) -> dt.date:
    return _month_end(year, 3 * quarter)


def _quarter_of(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def _add_business_days(d: dt.date, n: int) -> dt.date:
    weeks, rest = divmod(n, 5)
    d += dt.timedelta(days=7 * weeks)
    while rest:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            rest -= 1
    return d


def _valid_day(year: int | None, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year or 2000, month)[1]


def _month_day_on_or_after(d: dt.date, month: int, day: int) -> dt.date:
    """month/day in d's year, or the next year that has it when that is before d."""
    for year in range(d.year, d.year + 9):
        if _valid_day(year, month, day):
            candidate = dt.date(year, month, day)
            if candidate >= d:
                return candidate
    raise ValueError("no such day")


def _year_of(g: dict[str, str], d: dt.date | None) -> int | None:
    """The year written after a date or period ("2026", "'26", "next year"), if any."""
    if g.get("year"):
        return int(g["year"])
    if g.get("yy"):
        return 2000 + int(g["yy"])
    if g.get("yrel") and d is not None:
        return d.year + (g["yrel"].lower() == "next")
    return None


# --------------------------------------------------------------------------------------------
# Resolution, one function per alternative: (groups, meeting date) -> date; raise _Drop to reject.


def _r_iso(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    year, month, day = int(g["year"]), int(g["month"]), int(g["day"])
    if not _valid_day(year, month, day):
        raise _Drop
    return dt.date(year, month, day)


def _explicit(month: int, day: int, year: int | None, d: dt.date | None) -> dt.date | None:
    if not _valid_day(year, month, day):
        raise _Drop
    if year is not None:
        return dt.date(year, month, day)
    if d is None:
        return None
    return _month_day_on_or_after(d, month, day)


def _day_of(g: dict[str, str]) -> int:
    """The day number: "20", "20th" or a spoken ordinal ("twenty-first")."""
    if g.get("day"):
        return int(g["day"])
    words = re.split(r"[-\s]+", g["dayword"].lower())
    if len(words) == 1 and words[0][:6] in ("twenty", "thirty") and words[0][6:]:
        words = [words[0][:6], words[0][6:]]  # "twentyfirst"
    return sum(_ORDINAL_DAYS.get(w, 0) for w in words)


def _r_month_day(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    month = _MONTHS[g["mname"][:3].lower()]
    return _explicit(month, _day_of(g), _year_of(g, d), d)


def _r_slash(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    month, day = int(g["month"]), int(g["day"])
    year = None
    if g.get("year4"):
        year = int(g["year4"])
        if year < 100:
            year += 2000
        if not 2000 <= year <= 2199:
            raise _Drop
    elif not g.get("lead") and not g.get("swd") and (month, day) in _COMMON_FRACTIONS:
        raise _Drop  # "3/4" with nothing around it is a fraction
    return _explicit(month, day, year, d)


def _period_day(
    first_month: int, last_month: int, start: bool, year: int | None, d: dt.date | None
) -> dt.date | None:
    """First (start) or last day of the months first_month..last_month; without a year, the
    next such period that has not ended (for start: not begun) before d."""

    def day(y: int) -> dt.date:
        return dt.date(y, first_month, 1) if start else _month_end(y, last_month)

    if year is None:
        if d is None:
            return None
        year = d.year if day(d.year) >= d else d.year + 1
    return day(year)


def _r_quarter_n(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    q = int(g["q"]) if g.get("q") else _ORDINAL_WORDS[g["qword"].lower()]
    return _period_day(3 * q - 2, 3 * q, bool(g.get("qstart")), _year_of(g, d), d)


def _r_half(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    if g.get("h"):
        h, year = int(g["h"]), _year_of(g, d)
    else:
        h = 1 if g["hword"].lower() == "first" else 2
        year = int(g["hyear"]) if g.get("hyear") else None
        if year is None and d is not None and (g.get("hnext") or g.get("hthis")):
            year = d.year + bool(g.get("hnext"))
    return _period_day(6 * h - 5, 6 * h, False, year, d)


def _r_nth(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    # "the second" alone is an ordinal; "on the second" is a day, and so is "for the
    # twenty-third", though not "for the second".
    compound = g.get("_for") and g.get("dayword", "").lower() not in _SIMPLE_ORDINALS
    if g.get("dayword") and not (g.get("lead") or compound or g.get("nwd") or g.get("mrel2")):
        raise _Drop
    day = _day_of(g)
    if d is None:
        return None
    rel = (g.get("mrel") or g.get("mrel2") or "").lower()
    if g.get("_month") and not rel:
        return _explicit(_MONTHS[g["_month"][:3].lower()], day, None, d)
    first = dt.date(d.year, d.month, 1)
    if rel:
        first = _plus(first, months=1 if rel == "next" else 0)
        if not _valid_day(first.year, first.month, day):
            raise _Drop
        return first.replace(day=day)
    for months in range(13):  # the next such day strictly after d
        m = _plus(first, months=months)
        if _valid_day(m.year, m.month, day) and m.replace(day=day) > d:
            return m.replace(day=day)
    raise _Drop  # pragma: no cover - every day 1..31 occurs within a year


def _weekday_number(name: str) -> int:
    return _WEEKDAYS[name[:3].lower()]


def _r_day(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    if d is None:
        return None
    if g.get("today"):
        return d
    if g.get("tomorrow"):
        return d + dt.timedelta(days=1)
    if g.get("dayafter"):
        return d + dt.timedelta(days=2)
    for key in ("wd_nw1", "wd_nw2", "wd_next"):
        if g.get(key):
            return _monday_next_week(d) + dt.timedelta(days=_weekday_number(g[key]))
    if g.get("wd_week"):
        return _next_weekday(d, _weekday_number(g["wd_week"])) + dt.timedelta(days=7)
    return _next_weekday(d, _weekday_number(g["wd"]))


_TEENS = ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_CARDINALS = _NUMBER_WORDS | {w: n for n, w in enumerate(_TEENS, 13)} | {"forty": 40, "fifty": 50}


def _r_calweek(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    """Friday of ISO week N: this year's, or next year's once this year's has passed."""
    cw = g["cw"].lower()
    week = int(cw) if cw.isdigit() else sum(_CARDINALS[w] for w in re.split(r"[-\s]+", cw))
    if d is None:
        return None
    year = d.isocalendar()[0]
    if week < d.isocalendar()[1]:
        year += 1
    try:
        return dt.date.fromisocalendar(year, week, 5)
    except ValueError:  # week 53 in a year that has 52
        raise _Drop from None


def _r_week(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    if g.get("weekend") and not g.get("lead"):
        raise _Drop  # "over the weekend": only "by/before/until the weekend" is a deadline
    if d is None:
        return None
    if g.get("week2"):
        return _monday_next_week(d) + dt.timedelta(days=11)
    if g.get("nextweek"):
        offset = 0 if g.get("nwmon") else 2 if g.get("nwwed") else 4
        return _monday_next_week(d) + dt.timedelta(days=offset)
    return _friday_this_week(d)


def _r_month(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    if g.get("mname"):
        month = _MONTHS[g["mname"][:3].lower()]
        day = 15 if g.get("mmid") else 1 if g.get("mfirst") else None
        year = _year_of(g, d)
        if year is None:
            if d is None:
                return None
            year = d.year
            if (dt.date(year, month, day) if day else _month_end(year, month)) < d:
                year += 1
        return dt.date(year, month, day) if day else _month_end(year, month)
    if d is None:
        return None
    if g.get("nextmonth") or g.get("endnext"):
        nxt = _plus(dt.date(d.year, d.month, 1), months=1)
        return nxt if g.get("nmfirst") else _month_end(nxt.year, nxt.month)
    return _month_end(d.year, d.month)


def _r_quarter(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    if d is None:
        return None
    year, q = d.year, _quarter_of(d)
    if g.get("nextq") or g.get("endnextq"):
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
        if g.get("nqfirst"):
            return dt.date(year, 3 * q - 2, 1)
    return _quarter_end(year, q)


def _r_year(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    if g.get("yname"):
        return dt.date(int(g["yname"]), 12, 31)
    if d is None:
        return None
    return dt.date(d.year + bool(g.get("nexty") or g.get("endnexty")), 12, 31)


def _count(word: str) -> int:
    word = " ".join(word.lower().split())
    if word.isdigit():
        return int(word)
    if "couple" in word:
        return 2
    return _NUMBER_WORDS[word]


def _r_dur(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    if g.get("fortnight"):
        text = g["_text"].lower()
        if text.startswith("a") and not g.get("lead") and g.get("_bad_duration_before"):
            raise _Drop  # "for a fortnight", "it took a fortnight"
        n, unit = 1, "fortnight"
    elif g.get("unit1") or g.get("unit1b"):
        n, unit = 1, (g.get("unit1") or g["unit1b"]).lower()
    else:
        n = _count(g.get("num") or g.get("num2") or g["num3"])
        unit = " ".join((g.get("unit") or g.get("unit2") or g["unit3"]).lower().split())
    if d is None:
        return None
    if unit.endswith("s"):
        unit = unit[:-1]
    if unit.endswith("day") and unit != "day":
        return _add_business_days(d, n)
    if unit == "hour":
        return d + dt.timedelta(days=n // 24)
    if unit in ("minute", "min"):
        return d  # "names to you in ten minutes"
    if unit == "day":
        return d + dt.timedelta(days=n)
    if unit == "week":
        return d + dt.timedelta(days=7 * n)
    if unit == "fortnight":
        return d + dt.timedelta(days=14 * n)
    if unit == "month":
        return _plus(d, months=n)
    return _plus(d, years=n)


def _r_clock(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    lead = " ".join(g.get("lead", "").lower().split())
    if not lead or (lead.startswith(("on", "due")) and "by" not in lead):
        raise _Drop  # "at 3", "on 2": a meeting time or a count, not a deadline
    hour = g.get("hour")
    if hour is not None and not g.get("ampm") and (not 1 <= int(hour) <= 12 or g.get("_change")):
        raise _Drop  # a bare number that is a count ("by 15") or an amount ("cut it by 3")
    return d


def _r_eod(g: dict[str, str], d: dt.date | None) -> dt.date | None:
    if g.get("_idiom"):
        raise _Drop  # "At the end of the day, ..." is a figure of speech
    return d


_RESOLVERS: dict[str, Callable[[dict[str, str], dt.date | None], dt.date | None]] = {
    "iso": _r_iso,
    "month_day": _r_month_day,
    "day_month": _r_month_day,
    "slash": _r_slash,
    "quarter_n": _r_quarter_n,
    "half": _r_half,
    "nth": _r_nth,
    "day": _r_day,
    "calweek": _r_calweek,
    "week": _r_week,
    "month": _r_month,
    "quarter": _r_quarter,
    "year": _r_year,
    "dur": _r_dur,
    "eod": _r_eod,
    "clock": _r_clock,
}


# --------------------------------------------------------------------------------------------
# Matching


def _accept(text: str, m: re.Match[str], meeting_date: dt.date | None) -> DueDate | None:
    """The DueDate for a match, or None when its context shows it is not a deadline."""
    start, end = m.span()
    key = m.lastgroup or ""
    kind = _KINDS[key]
    core = m.group(key)
    window = max(0, start - 30)
    if _BAD_BEFORE.search(text, window, start):
        return None  # "last Friday", "every Monday", "since Monday", "back in March"
    if kind != "dur" and core[:3].lower() == "in " and _BACK_BEFORE.search(text, window, start):
        return None  # "back in Q1"
    if _BAD_AFTER.match(text, end):
        return None  # "Friday two weeks ago", "March 3 last year"
    if kind == "day" and not m.group("lead") and _modifier_day(text, window, start, end):
        return None  # "Black Friday", "the Monday scorecard", "three x Friday peak"
    groups = {base: value for name, base in _GROUPS[key] if (value := m.group(name)) is not None}
    groups["_text"] = core
    if m.group("lead"):
        groups["lead"] = m.group("lead")
    elif _FOR_BEFORE.search(text, window, start):
        groups["_for"] = "1"  # "on the exec agenda for the twenty-third"
    if kind == "nth" and (named := _MONTH_EVENT_BEFORE.search(text, max(0, start - 40), start)):
        groups["_month"] = named.group(1)  # "the June review on the 23rd" is June's 23rd
    if kind == "clock" and _CHANGE_BEFORE.search(text, window, start):
        groups["_change"] = "1"
    if kind == "dur" and _DURATION_BAD_BEFORE.search(text, window, start):
        groups["_bad_duration_before"] = "1"
    if (
        kind == "eod"
        and core.lower().endswith("the day")
        and _AT_BEFORE.search(text, window, start)
        and (text[end : end + 1] == "," or _CLAUSE_AT_BEFORE.search(text, window, start))
    ):
        groups["_idiom"] = "1"
    try:
        date = _RESOLVERS[kind](groups, meeting_date)
    except _Drop:
        return None
    except (OverflowError, ValueError):
        date = None  # beyond the calendar (year 9999)
    if meeting_date is None:
        date = None  # the rule: no meeting date, no resolved dates (even "2026-03-20")
    return DueDate(text=text[start:end], start=start, end=end, date=date)


def _iter_due(text: str, meeting_date: dt.date | None) -> Iterator[DueDate]:
    """The matches _PATTERN.finditer would find, each accepted or not, left to right."""
    if _TRIGGER_WORDS.isdisjoint(_WORD.findall(text.lower())) and not _DIGIT.search(text):
        return  # the common case: a sentence without a date, in a few microseconds
    starts: list[int] = []  # where a phrase may start
    triggers: list[int] = []  # words every phrase contains
    for word in _WORD.finditer(text):
        w = word.group().lower()
        has_digit = _DIGIT.search(w) is not None
        if has_digit or w in _TRIGGER_WORDS:
            triggers.append(word.start())
        if w[0].isdecimal() or w in _FIRST_WORDS:
            starts.append(word.start())
    pos = 0  # where the next match may start
    i = 0  # starts before i have been tried
    quick = _QUICK.match
    for at in triggers:
        if at < pos:
            continue
        while i < len(starts) and starts[i] < max(pos, at - _REACH):
            i += 1
        while i < len(starts) and starts[i] <= at:
            m = quick(text, starts[i]) and _PATTERN.match(text, starts[i])
            i += 1
            if m:
                due = _accept(text, m, meeting_date)
                if due is not None:
                    yield due
                pos = m.end()
                break


def find_due(text: str, meeting_date: dt.date | None) -> DueDate | None:
    """The first due-date phrase in a sentence or clause, resolved against the meeting date."""
    return next(_iter_due(text, meeting_date), None)


def find_all_due(text: str, meeting_date: dt.date | None) -> list[DueDate]:
    """Every due-date phrase in order."""
    return list(_iter_due(text, meeting_date))
