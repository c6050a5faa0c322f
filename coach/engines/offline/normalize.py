"""The normalised view the offline engine reads: units of speech, cleaned, with their verbatim spans.

Machine transcripts arrive with "um"s, stutters ("we we"), false starts ("I'll- we'll") and often no
punctuation or capitals. Detection reads a cleaned, lower-case token list; quotes are always cut
from the original text by character offsets, so evidence stays verbatim.

A unit is a sentence when the text is punctuated; a long unpunctuated stretch is cut before the
words that open a new thought in speech ("so", "okay", "and then", "I'll", ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coach.models import Evidence

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*(?:-(?=\s|$))?|[.!?;]+|[,:]|--|[–—]")
# Single-word fillers; "like" and "you know" are fillers only in some places (handled below).
FILLERS = frozenset({"um", "umm", "uh", "uhh", "er", "erm", "ah", "hmm", "mm", "mhm", "eh"})
_SENTENCE_END = frozenset({".", "!", "?", ";"})
# Words that open a new unit in unpunctuated speech when the running unit is long enough.
_OPENERS = frozenset(
    {"so", "okay", "ok", "alright", "anyway", "but", "right", "yeah", "well", "and", "because"}
)
_OPENER_PAIRS = frozenset(
    {
        ("i'll",),
        ("i", "will"),
        ("we'll",),
        ("let", "me"),
        ("let's",),
        ("can", "you"),
        ("could", "you"),
        ("i", "can"),
        ("i'm", "going"),
        ("we're", "going"),
    }
)
_STRONG_OPENERS = frozenset({"so", "okay", "ok", "alright", "right", "anyway", "and"})
_STRONG_FOLLOWERS = frozenset({"i", "i'll", "we", "we'll", "let's", "then", "you", "can", "could"})
MIN_UNIT = 4  # words before a strong opener ("okay so", "I'll") may start a new unit
MAX_UNPUNCTUATED = 12  # words before a weak opener ("and", "but") may start a new unit


@dataclass(slots=True)
class Token:
    text: str  # the normalised form: lower case, straight apostrophes
    start: int  # offsets in the original turn text
    end: int
    is_word: bool = field(init=False)  # not punctuation (set once: read for every word, often)

    def __post_init__(self) -> None:
        self.is_word = self.text[:1].isalnum()


@dataclass
class Unit:
    """One unit of speech: its turn, its verbatim span and its cleaned tokens."""

    turn: int
    speaker: str
    start: int
    end: int
    quote: str  # text[start:end] of the original turn, verbatim
    tokens: list[str] = field(default_factory=list)  # cleaned words, lower case
    question: bool = False
    index: int = 0  # position in the meeting's unit list
    norm: str = ""  # the cleaned words joined by spaces

    def __post_init__(self) -> None:
        self.norm = " ".join(self.tokens)

    def evidence(self) -> Evidence:
        """The unit as a report's evidence: its turn, its speaker, its verbatim words."""
        return Evidence(turn=self.turn, speaker=self.speaker, quote=self.quote)


def tokenize(text: str) -> list[Token]:
    """Words and sentence punctuation with their offsets; apostrophes folded, lower case."""
    folded = text.translate(_FOLD)
    return [Token(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(folded)]


def clean(tokens: list[Token]) -> list[Token]:
    """Drop fillers, stutters ("we we"), and false starts ("I'll- we'll") from a unit's words."""
    out: list[Token] = []
    for n, tok in enumerate(tokens):
        word = tok.text
        if not tok.is_word:
            continue
        if word in FILLERS:
            continue
        if word.endswith("-") and len(word) > 1:
            continue  # a cut-off word or a false start: "I'll- we'll send"
        if out and out[-1].text == word and word not in {"that", "had", "very", "no"}:
            continue  # stutter: "the the", "we we"
        if word == "know" and out and out[-1].text == "you" and _aside(tokens, n - 1, n):
            out.pop()  # "you know" said in passing
            continue
        out.append(tok)
    return [Token(t.text.rstrip("-"), t.start, t.end) for t in out]


def _aside(tokens: list[Token], first: int, last: int) -> bool:
    """Is tokens[first:last+1] set off as an aside: by commas, a filler, or the edge of the unit?"""
    before = tokens[first - 1].text if first > 0 else ","
    after = tokens[last + 1].text if last + 1 < len(tokens) else ","
    edge = {",", ".", "?", "!", ";", "--", "–", "—"} | FILLERS | {"like", "and", "but", "so"}
    return before in edge or after in edge


def _opens_unit(tokens: list[Token], n: int, words_before: int) -> bool:
    """Does the word at n start a new thought ("so", "okay", "I'll", "can you", ...)?

    A strong opener ("okay so", "so we'll", "I'll") cuts after a few words, a weak one ("and",
    "but") only after a long run; either needs a few words after it to be worth a unit.
    """
    ahead = 0
    for t in tokens[n:]:
        if not t.is_word:
            break
        ahead += 1
        if ahead >= 3:
            break
    if ahead < 3:
        return False
    w = tokens[n].text
    nxt = next((t.text for t in tokens[n + 1 :] if t.text not in FILLERS), "")
    pair = (w,) in _OPENER_PAIRS or (w, nxt) in _OPENER_PAIRS
    strong = pair or (w in _STRONG_OPENERS and (nxt in _STRONG_FOLLOWERS or nxt in _OPENERS))
    if strong:
        return words_before >= MIN_UNIT
    return w in _OPENERS and words_before >= MAX_UNPUNCTUATED


def split_units(turn: int, speaker: str, text: str) -> list[Unit]:
    """Cut one turn into units: at sentence punctuation, and in long unpunctuated runs at openers."""
    tokens = tokenize(text)
    units: list[Unit] = []
    current: list[Token] = []

    def close(end_mark: str = "") -> None:
        words = [t for t in current if t.is_word]
        if words:
            start, end = words[0].start, words[-1].end
            # Keep closing punctuation inside the quote: it reads better and is still verbatim.
            while end < len(text) and text[end] in ".!?":
                end += 1
            question = end_mark == "?" or text[start:end].rstrip().endswith("?")
            cleaned = clean(current)
            units.append(
                Unit(
                    turn=turn,
                    speaker=speaker,
                    start=start,
                    end=end,
                    quote=text[start:end],
                    tokens=[t.text for t in cleaned],
                    question=question,
                )
            )
        current.clear()

    # Punctuated speech is cut at sentence ends and at clause openers after a comma; speech-to-text
    # without punctuation is cut at the openers themselves.
    words = sum(1 for t in tokens if t.is_word)
    ends = sum(1 for t in tokens if t.text[0] in ".!?;")
    punctuated = ends > 0 and words / ends <= 30
    words_so_far = 0
    for n, tok in enumerate(tokens):
        if tok.text[0] in ".!?;":
            close(tok.text[0])
            words_so_far = 0
            continue
        if tok.is_word:
            after_comma = n > 0 and tokens[n - 1].text in {",", "--", "–", "—"}
            if (
                words_so_far >= MIN_UNIT
                and (after_comma or not punctuated)
                and _opens_unit(tokens, n, words_so_far)
            ):
                close()
                words_so_far = 0
            words_so_far += 1
        current.append(tok)
    close()
    return units


def units_of(turns: list[tuple[str, str]]) -> list[Unit]:
    """Every unit of a meeting, numbered in order; `turns` is (speaker, text) per turn."""
    out: list[Unit] = []
    for i, (speaker, text) in enumerate(turns):
        for u in split_units(i, speaker, text):
            u.index = len(out)
            out.append(u)
    return out
