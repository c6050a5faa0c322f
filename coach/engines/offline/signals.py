"""Find the framework file's signal phrases in speech, fast: a token index keyed by first word."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from coach.frameworks import Frameworks, load_frameworks

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
LISTS = ("topics", "marketing", "it", "any", "resolved")
FRICTION = "_friction"


@dataclass(frozen=True)
class Hit:
    category: str
    kind: str  # topics | marketing | it | any | resolved | friction
    phrase: str
    start: int  # offsets in the searched text
    end: int


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Lower-case word tokens with their offsets in `text`."""
    folded = text.translate(_FOLD).casefold()
    # casefold can change length for a few characters; fall back to lower() then.
    if len(folded) != len(text):
        folded = text.translate(_FOLD).lower()
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]


class SignalIndex:
    """Every signal phrase of every category, indexed by its first token."""

    def __init__(self, fw: Frameworks) -> None:
        self.by_first: dict[str, list[tuple[tuple[str, ...], str, str, str]]] = {}
        for cat in fw.categories:
            for kind in LISTS:
                for phrase in getattr(cat.signals, kind):
                    toks = tuple(t for t, _, _ in tokens(phrase))
                    if toks:
                        self.by_first.setdefault(toks[0], []).append((toks, cat.id, kind, phrase))
        for phrase in fw.friction.get("words", ()):
            toks = tuple(t for t, _, _ in tokens(phrase))
            if toks:
                self.by_first.setdefault(toks[0], []).append((toks, FRICTION, "friction", phrase))
        for entries in self.by_first.values():
            entries.sort(key=lambda e: -len(e[0]))

    def find(self, text: str) -> list[Hit]:
        """All signal phrases in a text; at one position the longest phrase per category and kind counts."""
        toks = tokens(text)
        return [
            Hit(category, kind, phrase, toks[i][1], toks[i + n - 1][2])
            for i, n, category, kind, phrase in self._matches([t for t, _, _ in toks])
        ]

    def kinds(self, words: list[str]) -> list[tuple[str, str]]:
        """(category, kind) of every signal phrase in a list of lower-case words, as `find` counts them."""
        return [(category, kind) for _, _, category, kind, _ in self._matches(words)]

    def _matches(self, words: list[str]) -> Iterator[tuple[int, int, str, str, str]]:
        for i, word in enumerate(words):
            entries = self.by_first.get(word)
            if not entries:
                continue
            taken: set[tuple[str, bool]] = set()
            for phrase_toks, category, kind, phrase in entries:
                n = len(phrase_toks)
                key = (category, kind == "topics")
                if key in taken or (n > 1 and tuple(words[i : i + n]) != phrase_toks):
                    continue
                taken.add(key)
                yield i, n, category, kind, phrase


@cache
def signal_index() -> SignalIndex:
    """The index for the shipped framework file, built once per process."""
    return SignalIndex(load_frameworks())
