"""Who is who: diarisation labels (SPEAKER_00) replaced by names, given or introduced.

`--speakers "SPEAKER_00=Sam Ortiz"` names a label outright. Without it, a generic label takes the
name its speaker introduces themselves with in their first turns ("Sam here, I look after brand",
"Lee, CTO.", "it's Morgan, and as CIO I called this"). The original label is kept on the
participant (`label`) so nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from coach.errors import InputError
from coach.models import Transcript

GENERIC = re.compile(
    r"^(?:speaker[ _-]?\d+|spk[ _-]?\d+|participant[ _-]?\d+|guest[ _-]?\d*|unknown[ _-]?\d*|[A-Z])$",
    re.IGNORECASE,
)
_NAME = r"([A-Za-z][a-z'-]+(?:\s+[A-Za-z][a-z'-]+)?)"
_ROLE_WORDS = (
    r"(?:cmo|cio|cto|ceo|coo|cfo|chief|head|vp|director|manager|lead|from|in|on|and|here|i)\b"
)
_INTRO = [
    # "I'm Sam Ortiz, CMO" / "this is Lee" / "my name is Morgan" / "it's Morgan, and as CIO..."
    re.compile(
        rf"\b(?:i'm|i am|this is|it's|it is|my name is|name's)\s+{_NAME}(?=\s*(?:[,.;!?]|$|\s+{_ROLE_WORDS}))",
        re.IGNORECASE,
    ),
    # "Sam here, I look after brand"
    re.compile(rf"^(?:\W*(?:hi|hello|hey|yeah|ok|okay|so)\W+)*{_NAME}\s+here\b", re.IGNORECASE),
    # "Lee, CTO." / "Priya Nair, head of data"
    re.compile(
        rf"^(?:\W*(?:hi|hello|hey|yeah|ok|okay|so)\W+)*{_NAME},?\s+(?:the\s+)?(?:cmo|cio|cto|ceo|coo|cfo|chief|head of|vp)\b",
        re.IGNORECASE,
    ),
]
# Words that follow "I'm" and are not names: "I'm sure", "it's fine".
_NOT_NAMES = frozenset(
    [
        "sure",
        "fine",
        "good",
        "great",
        "here",
        "back",
        "sorry",
        "just",
        "not",
        "going",
        "gonna",
        "happy",
        "afraid",
        "glad",
        "worried",
        "okay",
        "ok",
        "so",
        "the",
        "a",
        "an",
        "on",
        "in",
        "with",
        "from",
        "at",
        "with",
        "really",
        "still",
        "also",
        "all",
        "done",
        "ready",
        "trying",
        "thinking",
        "wondering",
        "saying",
        "looking",
        "told",
        "asking",
        "calling",
        "joining",
        "new",
        "late",
        "early",
        "only",
        "really",
        "actually",
        "basically",
        "literally",
        "probably",
        "definitely",
        "totally",
        "pretty",
        "very",
        "quite",
        "kind",
        "sort",
        "that",
        "this",
        "it",
        "what",
        "there",
        "hard",
        "easy",
        "true",
        "right",
        "wrong",
        "up",
        "down",
        "out",
        "over",
        "off",
    ]
)
INTRO_TURNS = 2  # a speaker's first turns: where people say who they are


def parse_speakers(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """`"SPEAKER_00=Sam Ortiz,SPEAKER_03=Lee Park"` (or a mapping) as {label: name}."""
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        return {str(k).strip(): str(v).strip() for k, v in spec.items()}
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        label, sep, name = part.partition("=")
        if not sep or not label.strip() or not name.strip():
            raise InputError(f"--speakers wants LABEL=Name pairs separated by commas, not {part!r}")
        out[label.strip()] = " ".join(name.split())
    return out


_CHIEFS = frozenset({"cmo", "cio", "cto", "ceo"})
_TITLE_AFTER = re.compile(
    r"^\W*(?:the\s+|our\s+|your\s+|and\s+as\s+)?(cmo|cio|cto|ceo)\b", re.IGNORECASE
)


def _intro(text: str) -> tuple[str, str | None] | None:
    """The name a speaker gives for themselves, and a chief title said right after it."""
    for pattern in _INTRO:
        m = pattern.search(text)
        if m is None:
            continue
        words = m.group(1).split()
        if words[0].casefold() in _NOT_NAMES:
            continue
        title = _TITLE_AFTER.match(text[m.end(1) :])
        role = title.group(1).upper() if title else None
        if len(words) > 1 and words[1].casefold() in _NOT_NAMES | _CHIEFS:
            if words[1].casefold() in _CHIEFS:
                role = words[1].upper()
            words = words[:1]
        return " ".join(w[:1].upper() + w[1:] for w in words), role
    return None


def introductions(transcript: Transcript) -> dict[str, tuple[str, str | None]]:
    """Generic labels whose speaker says who they are in their first turns: {label: (name, role)}."""
    seen: dict[str, int] = {}
    found: dict[str, tuple[str, str | None]] = {}
    for turn in transcript.turns:
        label = turn.speaker
        if not GENERIC.match(label) or label in found:
            continue
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > INTRO_TURNS:
            continue
        said = _intro(turn.text)
        if said:
            found[label] = said
    taken: dict[str, str] = {}
    for label, (name, _) in found.items():  # two labels claiming one name: trust neither
        taken[name] = "" if name in taken else label
    return {label: found[label] for label in taken.values() if label}


def introduced_names(transcript: Transcript) -> dict[str, str]:
    """Generic labels whose speaker says their name in their first turns: {label: name}."""
    return {label: name for label, (name, _) in introductions(transcript).items()}


def name_speakers(
    transcript: Transcript, given: Mapping[str, str] | None = None
) -> tuple[Transcript, dict[str, str], list[str]]:
    """The transcript with labels replaced by names, {name: original label}, and warnings."""
    warnings = [
        f"--speakers names {label!r}, but no speaker in the transcript has that label"
        for label in (given or {})
        if label not in transcript.speakers
    ]
    said = introductions(transcript)
    mapping = {**{label: name for label, (name, _) in said.items()}, **(given or {})}
    mapping = {
        label: name
        for label, name in mapping.items()
        if name and name != label and label in transcript.speakers
    }
    if not mapping:
        return transcript, {}, warnings
    turns = [
        t.model_copy(update={"speaker": mapping.get(t.speaker, t.speaker)})
        for t in transcript.turns
    ]
    roles = {mapping.get(k, k): v for k, v in transcript.roles.items()}
    for label, (_, role) in said.items():  # "Lee, CTO." states a role in the source itself
        if role and mapping.get(label) and mapping[label] not in roles:
            roles[mapping[label]] = role  # type: ignore[assignment]
    renamed = transcript.model_copy(update={"turns": turns, "roles": roles})
    return renamed, {v: k for k, v in mapping.items()}, warnings
