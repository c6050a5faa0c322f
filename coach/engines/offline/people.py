"""Who is who: resolve names, roles and function words ("IT will...") to speaker labels."""

from __future__ import annotations

import re

from coach.models import Meeting

# A function named as the doer resolves to its leader in the room, else to the role itself.
_FUNCTION_WORDS = {
    "it": ("CIO", "it"),
    "the it team": ("CIO", "it"),
    "security": ("CIO", "it"),
    "infosec": ("CIO", "it"),
    "engineering": ("CTO", "technology"),
    "the engineering team": ("CTO", "technology"),
    "the platform team": ("CTO", "technology"),
    "marketing": ("CMO", "marketing"),
    "the marketing team": ("CMO", "marketing"),
}


class People:
    """Speaker labels of one meeting, with lookups by name and by role."""

    def __init__(self, meeting: Meeting) -> None:
        self.labels = [p.name for p in meeting.participants]
        self.role = {p.name: p.role for p in meeting.participants}
        first: dict[str, list[str]] = {}
        for label in self.labels:
            first.setdefault(label.split()[0].casefold(), []).append(label)
        self._by_name = {label.casefold(): label for label in self.labels}
        for key, labels in first.items():
            if len(labels) == 1:
                self._by_name.setdefault(key, labels[0])
        names = sorted(self._by_name, key=len, reverse=True)
        self.name_pattern = (
            re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
            if names
            else None
        )

    def lookup(self, name: str) -> str | None:
        """The speaker label for a full or first name, if it names exactly one speaker."""
        return self._by_name.get(" ".join(name.casefold().split()))

    def mentioned(self, text: str, exclude: str | None = None) -> list[str]:
        """Speakers named in a text, in order, without repeats (and without `exclude`)."""
        if self.name_pattern is None:
            return []
        found: list[str] = []
        for m in self.name_pattern.finditer(text):
            label = self.lookup(m.group(1))
            if label and label != exclude and label not in found:
                found.append(label)
        return found

    def function_owner(self, phrase: str) -> str | None:
        """'IT' → the CIO in the room (or 'it'); None when the phrase is not a function."""
        entry = _FUNCTION_WORDS.get(" ".join(phrase.casefold().split()))
        if entry is None:
            return None
        chief, role = entry
        leaders = [label for label in self.labels if self.role[label] == chief]
        return leaders[0] if len(leaders) == 1 else role
