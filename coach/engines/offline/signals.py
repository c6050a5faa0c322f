"""Find the framework file's signal phrases in speech, fast: a token index keyed by first word."""

from __future__ import annotations

import re
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
        words = [t for t, _, _ in toks]
        hits: list[Hit] = []
        for i, word in enumerate(words):
            entries = self.by_first.get(word)
            if not entries:
                continue
            taken: set[tuple[str, bool]] = set()
            for phrase_toks, category, kind, phrase in entries:
                n = len(phrase_toks)
                key = (category, kind == "topics")
                if key in taken or tuple(words[i : i + n]) != phrase_toks:
                    continue
                taken.add(key)
                hits.append(Hit(category, kind, phrase, toks[i][1], toks[i + n - 1][2]))
        return hits


@cache
def signal_index() -> SignalIndex:
    """The index for the shipped framework file, built once per process."""
    return SignalIndex(load_frameworks())
