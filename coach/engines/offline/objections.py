"""Objections: a concern one person raises, and whether the meeting took it up or moved on.

An objection left hanging while everyone moves on is the "performed agreement" the seed articles
warn about: the report says whose concern went unanswered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coach.engines.offline.features import CONTENT_STOP, Context, extract
from coach.engines.offline.flags import pushes_back
from coach.engines.offline.model import Binary
from coach.engines.offline.normalize import Unit
from coach.models import Objection

_CONCERN = re.compile(
    r"\b(?:i'm worried|i am worried|i'm a bit worried|that worries me|worries me|my worry|"
    r"i'm concerned|i am concerned|my concern|a concern|one concern|concerns me|"
    r"not comfortable|uncomfortable with|i want to flag|let me flag|i'd flag|flag a risk|"
    r"a real risk|the risk is|risky|hang on|hold on|i'm not sure that's|not sure we should|"
    r"not convinced|i'm skeptical|i'm sceptical|i disagree|i don't agree|push back|"
    r"i wonder whether we|i wonder if we|moving a (?:little|bit) fast|too fast|"
    r"that's a problem|big problem|red flag|i have a problem with|nervous about|"
    r"has (?:security|legal|anyone|it|compliance|procurement) (?:seen|reviewed|checked|signed off))"
)
# Words that close a concern without taking it up.
_BRUSH_OFF = re.compile(
    r"^(?:(?:ok(?:ay)?|right|sure|yeah|fine)\s+)*(?:noted|duly noted|let's take (?:that|it) offline|"
    r"park (?:that|it)|let's park|moving on|let's move on|anyway|good point,? (?:but|anyway)|"
    r"fair (?:enough|point),? (?:but|anyway|let's))\b"
)

LOOK_AHEAD = 3  # turns after the concern in which an answer counts


def _content(units: list[Unit]) -> set[str]:
    return {t for u in units for t in u.tokens if len(t) >= 4 and t not in CONTENT_STOP}


def _response(concern: list[Unit], ctx: Context) -> Unit | None:
    """The first unit by someone else in the next turns that takes the concern up, if any."""
    words = _content(concern)
    speaker = concern[0].speaker
    last_turn = concern[-1].turn
    for turn in range(last_turn + 1, last_turn + 1 + LOOK_AHEAD):
        for u in ctx.turn_units(turn):
            if u.speaker == speaker:
                continue
            if _BRUSH_OFF.search(u.norm):
                return None  # "noted" with nothing after it: the meeting moved on
            if len(u.tokens) >= 4 and words & _content([u]):
                return u
    return None


def is_concern(u: Unit, gap: float, threshold: float) -> bool:
    """Said as a concern, or a gap between the functions voiced with pushback."""
    if len(u.tokens) < 3:
        return False
    return bool(_CONCERN.search(u.norm)) or (gap >= threshold and pushes_back(u))


def find_objections(
    ctx: Context,
    gaps: dict[int, float] | None = None,
    threshold: float = 0.5,
    *,
    model: Binary | None = None,
    probs: Sequence[float] | None = None,
    vocab: frozenset[str] | None = None,
) -> list[Objection]:
    """Concerns in the meeting, each answered (with the answering words) or left hanging.

    With a learned `model` (or its `probs` per unit), a unit is a concern when its probability
    reaches the model's threshold; without one, the phrases above and `gaps` (each unit's
    strongest reading as one of the nine gaps) with pushback decide.
    """
    gaps = gaps or {}
    found: list[Objection] = []
    last: tuple[int, str] | None = None
    for u in ctx.units:
        if model is not None:
            p = probs[u.index] if probs is not None else model.prob(extract(u, ctx, vocab))
            if p < model.threshold or len(u.tokens) < 3:
                continue
        elif not is_concern(u, gaps.get(u.index, 0.0), threshold):
            continue
        if last == (u.turn, u.speaker):
            continue  # one concern per turn: its first words are the quote
        last = (u.turn, u.speaker)
        same = [x for x in ctx.turn_units(u.turn) if x.index >= u.index][:2]
        answer = _response(same, ctx)
        found.append(
            Objection(
                id="",
                speaker=u.speaker,
                role=ctx.roster.role.get(u.speaker, "other"),
                evidence=[u.evidence()],
                answered=answer is not None,
                response=answer.evidence() if answer is not None else None,
            )
        )
    return found
