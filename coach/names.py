"""Who is who, in one place: speaker labels, first names, roles, function words and "you".

Both engines, role matching and the eval scorer resolve names here, so a first name, a role or a
"you" means the same person everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from coach.models import Role

# A function named as the doer resolves to its leader in the room, else to the role itself.
FUNCTION_WORDS: dict[str, tuple[Role, Role]] = {
    "it": ("CIO", "it"),
    "the it team": ("CIO", "it"),
    "security": ("CIO", "it"),
    "infosec": ("CIO", "it"),
    "engineering": ("CTO", "technology"),
    "the engineering team": ("CTO", "technology"),
    "the platform team": ("CTO", "technology"),
    "tech": ("CTO", "technology"),
    "marketing": ("CMO", "marketing"),
    "the marketing team": ("CMO", "marketing"),
}
_ROLE_WORDS: dict[str, Role] = {
    "ceo": "CEO",
    "cmo": "CMO",
    "cio": "CIO",
    "cto": "CTO",
}


def fold(name: str) -> str:
    """Case- and space-insensitive form of a name."""
    return " ".join(name.replace("\u2019", "'").casefold().split())


def first_name(label: str) -> str:
    """The first word of a label, folded ("Dana Whitfield" -> "dana")."""
    parts = fold(label).split()
    return parts[0] if parts else ""


def match_label(name: str, labels: Sequence[str]) -> str | None:
    """The label a name denotes: exact (any case), else a first name that picks out one label."""
    key = fold(name)
    if not key:
        return None
    exact = [label for label in labels if fold(label) == key]
    if exact:
        return exact[0]
    first = [label for label in labels if first_name(label) == key]
    return first[0] if len(first) == 1 else None


def same_person(a: str, b: str) -> bool:
    """Two ways of naming someone agree: equal, or one is a first name matching the other's."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    if fa == fb:
        return True
    if " " in fa and " " in fb:
        return False
    return fa.split()[0] == fb.split()[0]


class Roster:
    """The people of one meeting: labels, roles, first names, and lookups by any of them."""

    def __init__(self, labels: Iterable[str], roles: Mapping[str, Role] | None = None) -> None:
        self.labels = list(dict.fromkeys(labels))
        self.role: dict[str, Role] = {
            label: (roles or {}).get(label, "other") for label in self.labels
        }
        self._by_name: dict[str, str] = {fold(label): label for label in self.labels}
        firsts: dict[str, list[str]] = {}
        for label in self.labels:
            firsts.setdefault(first_name(label), []).append(label)
        for key, found in firsts.items():
            if len(found) == 1 and len(key) > 1:
                self._by_name.setdefault(key, found[0])
        names = sorted(self._by_name, key=len, reverse=True)
        # Every name starts with one of these: a cheap test before the regex, on every unit.
        self._heads = tuple({n.split()[0] for n in names if n.split()})
        self._pattern = (
            re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)
            if names
            else None
        )

    def lookup(self, name: str) -> str | None:
        """The label for a full or first name, if it names exactly one speaker."""
        return self._by_name.get(fold(name))

    def mentioned(self, text: str, exclude: str | None = None) -> list[str]:
        """Speakers named in a text, in order, without repeats (and without `exclude`)."""
        if self._pattern is None:
            return []
        folded = text.replace("\u2019", "'").casefold()
        if not any(h in folded for h in self._heads):
            return []
        found: list[str] = []
        for m in self._pattern.finditer(text):
            label = self.lookup(m.group(1))
            if label and label != exclude and label not in found:
                found.append(label)
        return found

    def by_role(self, role: Role) -> list[str]:
        """Labels holding a role."""
        return [label for label in self.labels if self.role[label] == role]

    def function_owner(self, phrase: str) -> str | None:
        """'IT' -> the CIO in the room (or the role 'it'); a role word -> its holder; else None."""
        key = fold(phrase)
        if key in _ROLE_WORDS:
            holders = self.by_role(_ROLE_WORDS[key])
            return holders[0] if len(holders) == 1 else _ROLE_WORDS[key]
        entry = FUNCTION_WORDS.get(key)
        if entry is None:
            return None
        chief, role = entry
        leaders = self.by_role(chief)
        return leaders[0] if len(leaders) == 1 else role

    def resolve(self, name: str) -> str:
        """A name, first name or role onto a speaker label where one fits; else the name as said."""
        return self.lookup(name) or self.function_owner(name) or name.strip()

    def addressee(
        self, speaker: str, text: str, previous: str | None, following: str | None
    ) -> str | None:
        """Who "you" is in a turn: the person named in it, else the one who spoke just before or after."""
        named = self.mentioned(text, exclude=speaker)
        if len(named) == 1:
            return named[0]
        if named:
            return None  # "Raj, you and Mei..." names more than one
        for other in (previous, following):
            if other is not None and other != speaker:
                return other
        return None
