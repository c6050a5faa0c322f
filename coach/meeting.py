"""The meeting header of a report: date, title, participants with their resolved roles."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from coach.dates import parse_meeting_date
from coach.models import Meeting, Participant, Role, Transcript
from coach.roles import infer_roles, match_speakers, parse_roles

# A question mark ends a question; speech-to-text often drops it, so a turn that opens like a
# question counts too ("can you ...", "what about ...").
_QUESTION_MARK = re.compile(r"\?+")
_OPENS_QUESTION = re.compile(
    r"^\s*(?:so\s+|and\s+|but\s+|okay\s+|ok\s+)?(?:can|could|would|will|do|does|did|is|are|have|has|"
    r"who|what|when|where|why|how|which|should|shall)\b[^.!]*$",
    re.IGNORECASE,
)


def questions(text: str) -> int:
    """How many questions a turn asks: question marks, or one for an unpunctuated question."""
    marks = len(_QUESTION_MARK.findall(text))
    if marks:
        return marks
    return 1 if _OPENS_QUESTION.match(text) and len(text.split()) >= 3 else 0


def build_meeting(
    transcript: Transcript,
    *,
    roles: Mapping[str, str] | str | None = None,
    date: str | dt.date | None = None,
    title: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[Meeting, list[str]]:
    """Resolve date and roles (given, then stated in the source, then inferred) and count words."""
    meeting_date = parse_meeting_date(date) or transcript.date
    speakers = transcript.speakers
    given, warnings = match_speakers(parse_roles(roles), speakers)
    resolved: dict[str, Role] = {**infer_roles(transcript), **transcript.roles, **given}
    stats: dict[str, list[int]] = {s: [0, 0, 0] for s in speakers}
    for turn in transcript.turns:
        stats[turn.speaker][0] += 1
        stats[turn.speaker][1] += len(turn.text.split())
        stats[turn.speaker][2] += questions(turn.text)
    total = sum(w for _, w, _ in stats.values())
    participants = [
        Participant(
            name=s,
            role=resolved.get(s, "other"),
            turns=n,
            words=w,
            share=round(w / total, 4) if total else 0.0,
            questions=q,
            label=(labels or {}).get(s),
        )
        for s, (n, w, q) in stats.items()
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
            words=total,
            duration_s=duration,
        ),
        warnings,
    )
