"""Collecting turns: cleaning, role suffixes, and joining consecutive lines of one speaker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from coach.models import Turn
from coach.sanitize import clean_text

UNKNOWN_SPEAKER = "Unknown"
ROLE_LABELS = frozenset({"CEO", "CMO", "CIO", "CTO"})  # roles a speaker label may carry


def squash(text: str) -> str:
    """Clean `text` and collapse every run of whitespace to one space."""
    return " ".join(clean_text(text).split())


def split_role(label: str) -> tuple[str, str | None]:
    """`Dana Whitfield (CMO)` -> (`Dana Whitfield`, `CMO`); other parentheses stay in the name."""
    if label.endswith(")"):
        i = label.rfind("(")
        if i > 0:
            role = label[i + 1 : -1].strip().upper()
            if role in ROLE_LABELS:
                return label[:i].rstrip(), role
    return label, None


@dataclass
class Parsed:
    """What a format reader found: turns plus whatever the source said about itself."""

    turns: list[Turn]
    roles: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    date: dt.date | None = None
    warnings: list[str] = field(default_factory=list)


class TurnBuilder:
    """Accumulates (speaker, text, start, end) pieces into turns.

    A piece with no speaker continues the previous one (or is `Unknown` when first). Consecutive
    pieces of one speaker join into one turn, texts separated by one space, keeping the first
    start and the last end. Speaker names and texts are cleaned; empty texts are skipped.
    """

    def __init__(self) -> None:
        self._speakers: list[str] = []
        self._texts: list[list[str]] = []
        self._starts: list[float | None] = []
        self._ends: list[float | None] = []
        self._current: str | None = None
        self.roles: dict[str, str] = {}

    @property
    def current(self) -> str | None:
        """The speaker a nameless piece would be given."""
        return self._current

    def speaker(self, label: str) -> str | None:
        """The cleaned name for a raw label (recording any role it carries), or None if empty."""
        name, role = split_role(squash(label))
        if not name:
            return None
        if role is not None:
            self.roles.setdefault(name, role)
        return name

    def add(
        self,
        speaker: str | None,
        text: str,
        start: float | None = None,
        end: float | None = None,
    ) -> None:
        name = self.speaker(speaker) if speaker is not None else None
        if name is None:
            name = self._current or UNKNOWN_SPEAKER
        self._current = name
        text = squash(text)
        if not text:
            return
        if self._speakers and self._speakers[-1] == name:
            self._texts[-1].append(text)
            if self._starts[-1] is None:
                self._starts[-1] = start
            if end is not None or start is not None:
                self._ends[-1] = end
            return
        self._speakers.append(name)
        self._texts.append([text])
        self._starts.append(start)
        self._ends.append(end)

    def result(
        self,
        *,
        title: str | None = None,
        date: dt.date | None = None,
        warnings: list[str] | None = None,
    ) -> Parsed:
        turns = [
            Turn(speaker=s, text=" ".join(t), start=a, end=b)
            for s, t, a, b in zip(
                self._speakers, self._texts, self._starts, self._ends, strict=True
            )
        ]
        return Parsed(turns, self.roles, title, date, warnings or [])
