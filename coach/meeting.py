"""The meeting header of a report: date, title, participants with their resolved roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from coach.dates import parse_meeting_date
from coach.models import Meeting, Participant, Role, Transcript
from coach.roles import infer_roles, match_speakers, parse_roles


def build_meeting(
    transcript: Transcript,
    *,
    roles: Mapping[str, str] | str | None = None,
    date: str | dt.date | None = None,
    title: str | None = None,
) -> tuple[Meeting, list[str]]:
    """Resolve date and roles (given, then stated in the source, then inferred) and count words."""
    meeting_date = parse_meeting_date(date) or transcript.date
    speakers = transcript.speakers
    given, warnings = match_speakers(parse_roles(roles), speakers)
    resolved: dict[str, Role] = {**infer_roles(transcript), **transcript.roles, **given}
    stats: dict[str, list[int]] = {s: [0, 0] for s in speakers}
    for turn in transcript.turns:
        stats[turn.speaker][0] += 1
        stats[turn.speaker][1] += len(turn.text.split())
    participants = [
        Participant(name=s, role=resolved.get(s, "other"), turns=n, words=w)
        for s, (n, w) in stats.items()
    ]
    starts = [t.start for t in transcript.turns if t.start is not None]
    ends = [t.end if t.end is not None else t.start for t in transcript.turns]
    known_ends = [e for e in ends if e is not None]
    duration = round(max(known_ends) - min(starts), 3) if starts and known_ends else None
    return (
        Meeting(
            title=title or transcript.title,
            date=meeting_date,
            participants=participants,
            turns=len(transcript.turns),
            words=sum(w for _, w in stats.values()),
            duration_s=duration,
        ),
        warnings,
    )
