"""Timestamps in transcripts: `hh:mm:ss(.mmm)`, `h:mm:ss`, `mm:ss`, `0:0:5.230`, `00:00:01,000`."""

from __future__ import annotations

_DIGITS = frozenset("0123456789")


def _whole(part: str) -> int | None:
    if not part or len(part) > 9 or not _DIGITS.issuperset(part):
        return None
    return int(part)


def parse_timestamp(token: str) -> float | None:
    """Seconds for a clock-style timestamp, or None when `token` is not one.

    Two or three colon-separated fields; the last may carry a fraction after `.` or `,`.
    Minutes and seconds below an hour (or minute) field must be under 60.
    """
    parts = token.split(":")
    if len(parts) not in (2, 3):
        return None
    last = parts[-1]
    fraction = 0.0
    for sep in ".,":
        if sep in last:
            last, frac = last.split(sep, 1)
            if not frac or len(frac) > 9 or not _DIGITS.issuperset(frac):
                return None
            fraction = int(frac) / 10 ** len(frac)
            break
    seconds = _whole(last)
    if seconds is None or seconds >= 60:
        return None
    fields: list[int] = []
    for part in parts[:-1]:
        value = _whole(part)
        if value is None:
            return None
        fields.append(value)
    if len(fields) == 2:
        hours, minutes = fields
        if minutes >= 60:
            return None
        return hours * 3600 + minutes * 60 + seconds + fraction
    return fields[0] * 60 + seconds + fraction


def parse_range(token: str) -> tuple[float, float | None] | None:
    """`00:01:02`, `00:01:02 - 00:01:09` or `00:01:02 --> 00:01:09`: (start, end) or None."""
    token = token.strip()
    for sep in ("-->", "–", "—", "-"):
        if sep in token:
            left, right = token.split(sep, 1)
            start, end = parse_timestamp(left.strip()), parse_timestamp(right.strip())
            if start is None or end is None:
                return None
            return start, end
    start = parse_timestamp(token)
    return None if start is None else (start, None)
