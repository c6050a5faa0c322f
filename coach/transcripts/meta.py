"""What a transcript says about itself before the first turn: title and date, never guessed."""

from __future__ import annotations

import datetime as dt
import re

from coach.transcripts.turns import squash

TITLE_KEYS = frozenset({"title", "meeting", "meeting title", "subject", "topic"})
DATE_KEYS = frozenset({"date", "meeting date", "recorded", "recorded on"})
OTHER_KEYS = frozenset(
    {
        "time",
        "duration",
        "location",
        "attendees",
        "participants",
        "present",
        "absent",
        "apologies",
        "organizer",
        "organiser",
        "transcript",
        "language",
        "kind",
    }
)
MAX_TITLE = 200

_MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_IGNORED_WORDS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs "
    "fri sat sun at on the of am pm a.m p.m utc gmt"
)
_IGNORED = frozenset(_IGNORED_WORDS.split())
_TOKEN = re.compile(r"[^\s,]+")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", re.ASCII)
_NUMERIC = re.compile(r"(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})", re.ASCII)
_ORDINAL = re.compile(r"(\d{1,4})(?:st|nd|rd|th)?", re.ASCII)
_CLOCK = re.compile(r"\d{1,2}(?::\d{2}){0,2}(?:\.\d+)?(?:am|pm|a\.m|p\.m)?", re.ASCII)
_DURATION = re.compile(r"(?:\d+ ?[hms][a-z]* ?){1,3}", re.ASCII)
_TEAMS_TITLE = re.compile(r"(.+?)-(\d{8})_\d{4,6}-Meeting (?:Transcript|Recording)", re.ASCII)


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _numeric(a: str, b: str, c: str) -> dt.date | None:
    """`14/03/2024`, `3/14/2024`, `2024/03/14`; None when day and month could be swapped."""
    if len(a) == 4:
        return _make(int(a), int(b), int(c))
    if len(c) != 4:
        return None  # two-digit years are a guess
    x, y = int(a), int(b)
    if x > 12 >= y:
        return _make(int(c), y, x)
    if y > 12 >= x or x == y:
        return _make(int(c), x, y)
    return None


def parse_date(value: str) -> dt.date | None:
    """A calendar date written out in full, possibly with a weekday and a time; else None.

    Accepts `2024-03-14`, `March 14, 2024, 2:03PM`, `Thursday 14 March 2024`, `14/03/2024`.
    A line with any other word is not a date; ambiguous numeric dates give None.
    """
    value = value.strip()
    if not value or len(value) > 80:
        return None
    year = month = day = None
    found: dt.date | None = None
    for token in _TOKEN.findall(value):
        low = token.lower().rstrip(".")
        if low in _IGNORED or (_CLOCK.fullmatch(low) and (":" in low or low[-1] in "mM.")):
            continue
        if low in _MONTHS:
            if month is not None:
                return None
            month = _MONTHS[low]
            continue
        iso = _ISO.fullmatch(low)
        numeric = _NUMERIC.fullmatch(low)
        if iso or numeric:
            if found is not None or year is not None:
                return None
            if iso is not None:
                found = _make(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
            elif numeric is not None:
                found = _numeric(*numeric.groups())
            if found is None:
                return None
            continue
        number = _ORDINAL.fullmatch(low)
        if number is None:
            return None
        digits = number.group(1)
        if len(digits) == 4 and year is None:
            year = int(digits)
        elif len(digits) <= 2 and day is None:
            day = int(digits)
        else:
            return None
    if found is not None:
        return found if month is None and day is None else None
    if year is None or month is None or day is None:
        return None
    return _make(year, month, day)


def is_duration(line: str) -> bool:
    """`48m 12s`, `1h 2m 3s`, `55 minutes`: a Teams or Otter duration line."""
    line = line.strip().lower()
    return len(line) <= 40 and _DURATION.fullmatch(line) is not None


def is_transcription_event(line: str) -> bool:
    low = line.lower()
    return low.endswith(("started transcription", "stopped transcription"))


def meta_field(line: str) -> tuple[str, str | None, dt.date | None] | None:
    """(kind, title, date) for a `Key: value` line, kind being title, date or other; else None."""
    key, sep, value = line.partition(":")
    if not sep or len(key) > 20:
        return None
    key = " ".join(key.lower().split())
    if key in TITLE_KEYS:
        return "title", squash(value)[:MAX_TITLE] or None, None
    if key in DATE_KEYS:
        return "date", None, parse_date(squash(value))
    if key in OTHER_KEYS:
        return "other", None, None
    return None


def teams_title(title: str) -> tuple[str, dt.date | None]:
    """`Weekly sync-20240314_140312-Meeting Transcript` -> (`Weekly sync`, 2024-03-14)."""
    m = _TEAMS_TITLE.fullmatch(title)
    if m is None:
        return title, None
    stamp = m.group(2)
    return m.group(1).strip() or title, _make(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]))


def read_preamble(lines: list[str], *, free: bool) -> tuple[str | None, dt.date | None, int]:
    """(title, date, lines not understood) from the lines before the first turn.

    `Title:`/`Date:` lines always count. With `free` (docx, Otter, Zoom headers) a line that
    is only a date gives the date, duration and "started transcription" lines are skipped, and
    the first other line is the title.
    """
    title: str | None = None
    date: dt.date | None = None
    unused = 0
    for raw in lines:
        line = squash(raw)
        if not line:
            continue
        field = meta_field(line)
        if field is not None:
            kind, stated_title, stated_date = field
            if kind == "title":
                title = title or stated_title
            elif kind == "date":
                date = date or stated_date
            continue
        if free:
            day = parse_date(line.split("•")[0])  # Otter: `Thu, 3/14 9:02AM • 48:12`
            if day is not None:
                date = date or day
                continue
            if is_duration(line) or is_transcription_event(line):
                continue
            if title is None:
                title, stamped = teams_title(line[:MAX_TITLE])
                date = date or stamped
                continue
        unused += 1
    return title, date, unused
