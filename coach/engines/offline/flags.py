"""Misalignment flags: framework signals from different functions, weighed by pushback."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coach.engines.offline.people import People
from coach.engines.offline.signals import Hit, signal_index
from coach.engines.offline.text import Sentence, sentences
from coach.frameworks import load_frameworks
from coach.models import Category, Evidence, Flag, Role, Severity, Transcript

_SIDE: dict[Role, str] = {
    "CMO": "marketing",
    "marketing": "marketing",
    "CIO": "it",
    "CTO": "it",
    "it": "it",
    "technology": "it",
    "CEO": "exec",
    "other": "other",
}
_PUSHBACK = re.compile(
    r"\b(?:but|however|hold\s+on|wait|honestly|frankly|the\s+problem\s+is|that's\s+not|no,|sorry,?\s+but|"
    r"i\s+disagree|with\s+respect|again|every\s+time|keeps?\s+happening|frustrat\w*|not\s+acceptable|"
    r"can't|cannot|won't|nobody|no\s+one|never|why\s+(?:did|didn't|wasn't|weren't|are|is)|first\s+i'm\s+hearing)\b|"
    # "You report registrations, we report incidents": two sides set against each other.
    r"\byou\s+(?:\w+\s+){0,3}\w+,\s+(?:and\s+|but\s+)?we\s+\w+",
    re.IGNORECASE,
)
# How much one signal counts: said by the side the list describes, by the other side, or by anyone.
_WEIGHT = {"own": 1.0, "cross": 0.6, "any": 0.8}
FLAG_AT = 2.2
LENGTH_SLOPE = 0.5
RESOLVED_WEIGHT = 0.3
TOPIC_WEIGHT = 0.5
MIN_SPEAKERS = 2


@dataclass
class _Tally:
    score: float = 0.0
    resolved: float = 0.0
    pushback: int = 0
    hits: list[tuple[float, Sentence, str, Hit]] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        order: list[str] = []
        for _, _, speaker, _ in sorted(self.hits, key=lambda h: -h[0]):
            if speaker not in order:
                order.append(speaker)
        return order


def _weight(hit: Hit, side: str) -> float:
    if hit.kind == "any":
        return _WEIGHT["any"]
    return _WEIGHT["own"] if hit.kind == side else _WEIGHT["cross"]


def tally_signals(transcript: Transcript, people: People) -> dict[str, _Tally]:
    """Per category: weighted signal sentences, friction and resolution counts."""
    index = signal_index()
    tallies: dict[str, _Tally] = {}
    for i, turn in enumerate(transcript.turns):
        side = _SIDE.get(people.role.get(turn.speaker, "other"), "other")
        for s in sentences(i, turn.text):
            hits = index.find(s.text)
            if not hits:
                continue
            friction = any(h.kind == "friction" for h in hits) or bool(_PUSHBACK.search(s.text))
            by_category: dict[str, list[Hit]] = {}
            for hit in hits:
                if hit.kind != "friction":
                    by_category.setdefault(hit.category, []).append(hit)
            for category, cat_hits in by_category.items():
                tally = tallies.setdefault(category, _Tally())
                strong = sum(
                    _weight(h, side) for h in cat_hits if h.kind in ("marketing", "it", "any")
                )
                topics = {h.phrase for h in cat_hits if h.kind == "topics"}
                resolved = sum(1 for h in cat_hits if h.kind == "resolved")
                tally.resolved += resolved
                w = min(strong, 2.0) + (TOPIC_WEIGHT * min(len(topics), 2) if friction else 0.0)
                if w <= 0:
                    continue
                tally.score += w
                tally.pushback += friction
                tally.hits.append((w, s, turn.speaker, cat_hits[0]))
    return tallies


def find_flags(transcript: Transcript, people: People) -> tuple[list[Flag], list[Category]]:
    """Flags for categories whose signals are strong enough, and every category that came up."""
    tallies = tally_signals(transcript, people)
    flags: list[Flag] = []
    discussed: list[Category] = []
    fw = load_frameworks()
    words = sum(len(t.text.split()) for t in transcript.turns)
    bar = flag_threshold(words)
    cited: set[tuple[int, int]] = set()  # a sentence already quoted by a stronger flag
    for category, tally in sorted(tallies.items(), key=lambda kv: -kv[1].score):
        discussed.append(category)  # type: ignore[arg-type]
        net = tally.score - RESOLVED_WEIGHT * tally.resolved
        speakers = tally.speakers
        if net < bar or len(speakers) < MIN_SPEAKERS:
            continue
        info = fw.category(category)
        flags.append(
            Flag(
                id="",
                category=category,  # type: ignore[arg-type]
                severity=_severity(net / bar, tally, people, speakers),
                title=info.title,
                summary=_summary(info.description, tally, people, speakers),
                parties=speakers[:4],
                evidence=_evidence(tally, cited),
                conversation=info.conversation,
                confidence=round(min(0.95, 0.4 + 0.15 * net / bar), 2),
            )
        )
    order = {c.id: n for n, c in enumerate(fw.categories)}
    flags.sort(key=lambda f: ({"high": 0, "medium": 1, "low": 2}[f.severity], order[f.category]))
    return flags, discussed


def flag_threshold(words: int) -> float:
    """The score a category needs to be flagged; longer meetings say everything more often."""
    return FLAG_AT + LENGTH_SLOPE * max(0.0, words / 1000 - 2)


def _severity(ratio: float, tally: _Tally, people: People, speakers: list[str]) -> Severity:
    """How far above the bar, and whether both functions voiced it with pushback."""
    sides = {_SIDE.get(people.role.get(s, "other"), "other") for s in speakers}
    both = {"marketing", "it"} <= sides
    if ratio >= 2.5 and both and tally.pushback >= 2:
        return "high"
    if ratio >= 1.5 or (both and tally.pushback >= 2):
        return "medium"
    return "low"


def _evidence(tally: _Tally, cited: set[tuple[int, int]]) -> list[Evidence]:
    """Up to three quotes, strongest first: new speakers first, then sentences no other flag used."""
    chosen: list[Evidence] = []
    used_speakers: set[str] = set()
    used_sentences: set[tuple[int, int]] = set()
    ranked = sorted(tally.hits, key=lambda h: (-h[0], h[1].turn))
    passes = ((True, True), (False, True), (False, False))  # (new speaker only, uncited only)
    for new_speaker, uncited in passes:
        for _, s, speaker, _ in ranked:
            if len(chosen) == 3:
                break
            key = (s.turn, s.start)
            if (
                key in used_sentences
                or (new_speaker and speaker in used_speakers)
                or (uncited and key in cited)
            ):
                continue
            used_sentences.add(key)
            used_speakers.add(speaker)
            chosen.append(Evidence(turn=s.turn, speaker=speaker, quote=s.text))
    cited.update(used_sentences)
    return sorted(chosen, key=lambda e: e.turn)


def _summary(description: str, tally: _Tally, people: People, speakers: list[str]) -> str:
    who = ", ".join(f"{s} ({people.role.get(s, 'other')})" for s in speakers[:3])
    tone = "with open pushback" if tally.pushback else "without open disagreement"
    handled = " Part of it was addressed in the meeting." if tally.resolved else ""
    first = description.split(". ")[0].rstrip(".") + "."
    return f"{first} Raised by {who}, {len(tally.hits)} remark(s) {tone}.{handled}"
