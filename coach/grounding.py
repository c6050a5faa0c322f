"""Check every quote against the transcript: keep verbatim ones, repair near-misses, drop the rest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from coach.models import ActionItem, Decision, Evidence, Flag, Transcript

_FOLD = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-", "\u2013": "-"}
)
_TRIM = " \t\n\"'.,;:!?…-"

T = TypeVar("T", Flag, ActionItem, Decision)


def _normalise(text: str) -> tuple[str, list[int]]:
    """Fold quotes and dashes, collapse whitespace; return the text and each char's source index."""
    out: list[str] = []
    index: list[int] = []
    space = False
    for i, ch in enumerate(text.translate(_FOLD)):
        if ch.isspace():
            if out and not space:
                out.append(" ")
                index.append(i)
            space = True
            continue
        space = False
        out.append(ch)
        index.append(i)
    return "".join(out), index


def find_verbatim(quote: str, text: str) -> str | None:
    """The exact span of `text` that `quote` denotes, allowing only typographic and spacing drift."""
    if not quote.strip():
        return None
    if quote in text:
        return quote
    needle, _ = _normalise(quote.strip(_TRIM) or quote)
    if not needle:
        return None
    hay, index = _normalise(text)
    at = hay.find(needle)
    if at < 0:
        return None
    return text[index[at] : index[at + len(needle) - 1] + 1]


# A quote the engine put in the wrong turn is looked for this many turns either side, no further:
# a short "Okay." must not land on somebody else's utterance across the meeting.
REANCHOR_TURNS = 3


def ground_evidence(
    evidence: Sequence[Evidence], transcript: Transcript
) -> tuple[list[Evidence], int]:
    """Evidence whose quotes are verbatim in their turn (or a turn within three); count of dropped."""
    kept: list[Evidence] = []
    dropped = 0
    turns = transcript.turns
    for ev in evidence:
        near = [ev.turn]
        for d in range(1, REANCHOR_TURNS + 1):
            near += [ev.turn - d, ev.turn + d]
        for i in near:
            if not 0 <= i < len(turns):
                continue
            span = find_verbatim(ev.quote, turns[i].text)
            if span is not None:
                fixed = Evidence(turn=i, speaker=turns[i].speaker, quote=span)
                if fixed not in kept:
                    kept.append(fixed)
                break
        else:
            dropped += 1
    return kept, dropped


@dataclass
class GroundingTally:
    """How many quotes the grounding step checked and how many it had to drop."""

    checked: int = 0
    dropped: int = 0


def ground_items(
    items: Sequence[T], transcript: Transcript, kind: str, tally: GroundingTally | None = None
) -> tuple[list[T], list[str]]:
    """Ground each item's evidence; an item left with no verbatim quote is dropped with a warning."""
    kept: list[T] = []
    warnings: list[str] = []
    for item in items:
        evidence, dropped = ground_evidence(item.evidence, transcript)
        if tally is not None:
            tally.checked += len(item.evidence)
            tally.dropped += dropped
        label = item.title if isinstance(item, Flag) else item.description
        if not evidence:
            warnings.append(f"dropped {kind} {label!r}: none of its quotes is in the transcript")
            continue
        if dropped:
            warnings.append(
                f"{kind} {label!r}: {dropped} quote(s) not in the transcript were removed"
            )
        kept.append(item.model_copy(update={"evidence": evidence}))
    return kept, warnings
