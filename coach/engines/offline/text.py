"""Sentences with their offsets, so every quote the engine makes is a slice of a turn."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? (or … or a dash run) followed by space; abbreviations like "Dr." or
# "e.g." rarely end a commitment, so a small list is enough.
_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")
_CLAUSE = re.compile(
    r";\s+|,\s+(?:and|but|then)\s+(?=(?:i|we|you|let)\b)|\s+(?:--|–|—)\s+", re.IGNORECASE
)
_ABBREV = re.compile(
    r"\b(?:dr|mr|mrs|ms|st|vs|etc|e\.g|i\.e|approx|no|inc|ltd|jr|sr)\.$", re.IGNORECASE
)


@dataclass(frozen=True)
class Sentence:
    turn: int
    start: int
    end: int
    text: str

    def shift(self, by: int) -> Sentence:
        """The same sentence with offsets moved by `by` (from a sub-string to its turn)."""
        return Sentence(self.turn, self.start + by, self.end + by, self.text)

    @property
    def is_question(self) -> bool:
        """Ends with a question mark."""
        return self.text.rstrip("\"') ").endswith("?")


def sentences(turn: int, text: str) -> list[Sentence]:
    """Split a turn's text into sentences, keeping character offsets."""
    out: list[Sentence] = []
    start = 0
    for m in _END.finditer(text):
        piece = text[start : m.start()]
        if _ABBREV.search(piece):
            continue
        if piece.strip():
            out.append(_make(turn, text, start, m.start()))
        start = m.end()
    if text[start:].strip():
        out.append(_make(turn, text, start, len(text)))
    return out


def _make(turn: int, text: str, start: int, end: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(turn, start, end, text[start:end])


def clauses(s: Sentence) -> list[Sentence]:
    """Split a long sentence at ', and' / '; ' / ' - ' so two commitments become two items."""
    out: list[Sentence] = []
    start = 0
    for m in _CLAUSE.finditer(s.text):
        if s.text[start : m.start()].strip():
            out.append(_make(s.turn, s.text, start, m.start()).shift(s.start))
        start = m.end()
    if s.text[start:].strip():
        out.append(_make(s.turn, s.text, start, len(s.text)).shift(s.start))
    return out
