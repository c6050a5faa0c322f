"""The meeting date given by the user."""

from __future__ import annotations

import datetime as dt

from coach.errors import InputError


def parse_meeting_date(value: str | dt.date | None) -> dt.date | None:
    """Parse a `--date` value (YYYY-MM-DD); InputError with the expected form otherwise."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            f"bad --date {value!r}; write the meeting date as YYYY-MM-DD, e.g. 2026-11-17"
        ) from None
