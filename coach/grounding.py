"""Check every quote against the transcript: keep verbatim ones, repair near-misses, drop the rest."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from coach.models import ActionItem, Decision, Evidence, Flag, Objection, StatusUpdate, Transcript

_FOLD = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-", "\u2013": "-"}
)
_TRIM = " \t\n\"'.,;:!?…-"

T = TypeVar("T", Flag, ActionItem, Decision, Objection, StatusUpdate)


_RUNS = re.compile(r"\s+|\S+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class _Folded:
    """A text with quotes and dashes folded and each whitespace run made one space (none leading).

    `starts[k]` is where the k-th run (a word, or a collapsed space) begins in `text`, and
    `sources[k]` where it begins in the original; within a run the two advance together.
    """

    text: str
    starts: list[int]
    sources: list[int]

    def source(self, at: int) -> int:
        """The original index of the character at `at` in the folded text."""
        k = bisect_right(self.starts, at) - 1
        if k < 0:
            return at
        if self.text[self.starts[k]] == " ":
            return self.sources[k]  # a collapsed space stands for the first character of its run
        return self.sources[k] + (at - self.starts[k])


@lru_cache(maxsize=1024)  # scoring looks for many quotes in the same turns
def _fold(text: str) -> _Folded:
    # Run by run rather than character by character: a long turn costs one pass over its words.
    out: list[str] = []
    starts: list[int] = []
    sources: list[int] = []
    size = 0
    for m in _RUNS.finditer(text.translate(_FOLD)):
        run = m.group()
        if run[0].isspace():
            if not out:
                continue  # leading whitespace goes
            run = " "
        starts.append(size)
        sources.append(m.start())
        out.append(run)
        size += len(run)
    return _Folded("".join(out), starts, sources)


@lru_cache(maxsize=4096)
def _needle(quote: str) -> str:
    """The folded form of a quote, trimmed of the punctuation and quote marks models add."""
    return _fold(quote.strip(_TRIM) or quote).text


def _locate(quote: str, needle: str, text: str, folded: Callable[[], _Folded]) -> str | None:
    if not quote.strip():
        return None
    if quote in text:
        return quote
    if not needle:
        return None
    # Folding changes only quotes, dashes and spaces, so the needle's longest word is verbatim in
    # any text that holds it: most texts are ruled out without being folded.
    if _longest_word(needle) not in text:
        return None
    hay = folded()
    at = hay.text.find(needle)
    if at < 0:
        return None
    return text[hay.source(at) : hay.source(at + len(needle) - 1) + 1]


@lru_cache(maxsize=4096)
def _longest_word(needle: str) -> str:
    return max(_WORD.findall(needle), key=len, default="")


def find_verbatim(quote: str, text: str) -> str | None:
    """The exact span of `text` that `quote` denotes, allowing only typographic and spacing drift."""
    return _locate(quote, _needle(quote), text, lambda: _fold(text))


class TurnIndex:
    """The transcript's turns, each folded once on first need and kept for every later quote.

    Without it a quote that is not verbatim folds each of the (up to seven) turns it is looked for
    in again, which for a meeting of long turns is a pass over the whole transcript per quote.
    """

    def __init__(self, transcript: Transcript) -> None:
        self.turns = transcript.turns
        self._folded: dict[int, _Folded] = {}
        self.folds = 0  # how many turns were folded (each at most once)

    def _fold_turn(self, i: int) -> _Folded:
        found = self._folded.get(i)
        if found is None:
            found = self._folded[i] = _fold(self.turns[i].text)
            self.folds += 1
        return found

    def find(self, quote: str, i: int, needle: str | None = None) -> str | None:
        """`find_verbatim(quote, turn i's text)`, folding turn i at most once per index."""
        return _locate(
            quote,
            _needle(quote) if needle is None else needle,
            self.turns[i].text,
            lambda: self._fold_turn(i),
        )


# A quote the engine put in the wrong turn is looked for this many turns either side, no further:
# a short "Okay." must not land on somebody else's utterance across the meeting.
REANCHOR_TURNS = 3


def ground_evidence(
    evidence: Sequence[Evidence], transcript: Transcript, index: TurnIndex | None = None
) -> tuple[list[Evidence], int]:
    """Evidence whose quotes are verbatim in their turn (or a turn within three); count of dropped."""
    kept: list[Evidence] = []
    dropped = 0
    turns = transcript.turns
    index = index or TurnIndex(transcript)
    for ev in evidence:
        near = [ev.turn]
        for d in range(1, REANCHOR_TURNS + 1):
            near += [ev.turn - d, ev.turn + d]
        needle = _needle(ev.quote)  # folded once, looked for in up to seven turns
        for i in near:
            if not 0 <= i < len(turns):
                continue
            span = index.find(ev.quote, i, needle)
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
    items: Sequence[T],
    transcript: Transcript,
    kind: str,
    tally: GroundingTally | None = None,
    index: TurnIndex | None = None,
) -> tuple[list[T], list[str]]:
    """Ground each item's evidence; an item left with no verbatim quote is dropped with a warning."""
    kept: list[T] = []
    warnings: list[str] = []
    index = index or TurnIndex(transcript)
    for item in items:
        evidence, dropped = ground_evidence(item.evidence, transcript, index)
        if tally is not None:
            tally.checked += len(item.evidence)
            tally.dropped += dropped
        label = (
            item.title
            if isinstance(item, Flag)
            else getattr(item, "description", None)
            or (f"status of {item.commitment}" if isinstance(item, StatusUpdate) else None)
            or f"raised by {getattr(item, 'speaker', '?')}"
        )
        if not evidence:
            warnings.append(f"dropped {kind} {label!r}: none of its quotes is in the transcript")
            continue
        if dropped:
            warnings.append(
                f"{kind} {label!r}: {dropped} quote(s) not in the transcript were removed"
            )
        kept.append(item.model_copy(update={"evidence": evidence}))
    return kept, warnings
