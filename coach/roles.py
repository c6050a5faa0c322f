"""Speaker roles: parse `--roles`, match names to speaker labels, and merge every source of roles."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from coach.errors import InputError
from coach.models import ROLES, Role, Transcript

_CANONICAL = {r.casefold(): r for r in ROLES}
_ALIASES = {"tech": "technology", "engineering": "technology", "mktg": "marketing"}


def canonical_role(value: str) -> Role:
    """The role id for a user-written role ('cmo', 'IT', 'Marketing'); InputError if unknown."""
    key = value.strip().casefold()
    key = _ALIASES.get(key, key)
    if key not in _CANONICAL:
        allowed = ", ".join(ROLES)
        raise InputError(f"unknown role {value.strip()!r}; use one of: {allowed}")
    return _CANONICAL[key]  # type: ignore[return-value]


def parse_roles(spec: str | Mapping[str, str] | None) -> dict[str, Role]:
    """Parse 'Dana=CMO,Raj=CIO' (or a mapping) into {name: role}; InputError on a bad entry."""
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        items: Iterable[tuple[str, str]] = spec.items()
    else:
        pairs = []
        for part in spec.split(","):
            if not part.strip():
                continue
            name, sep, role = part.partition("=")
            if not sep or not name.strip() or not role.strip():
                raise InputError(
                    f"bad --roles entry {part.strip()!r}; write it as 'Name=ROLE', e.g. 'Dana=CMO,Raj=CIO'"
                )
            pairs.append((name, role))
        items = pairs
    roles: dict[str, Role] = {}
    for name, role in items:
        roles[" ".join(str(name).split())] = canonical_role(str(role))
    return roles


def match_speakers(
    given: Mapping[str, Role], speakers: list[str]
) -> tuple[dict[str, Role], list[str]]:
    """Map user-given names onto speaker labels (exact, case-insensitive, or unique first name)."""
    matched: dict[str, Role] = {}
    warnings: list[str] = []
    by_fold = {s.casefold(): s for s in speakers}
    for name, role in given.items():
        label = by_fold.get(name.casefold())
        if label is None:
            first = [s for s in speakers if s.split()[0].casefold() == name.casefold()]
            label = first[0] if len(first) == 1 else None
        if label is None:
            warnings.append(f"--roles names {name!r}, but no speaker in the transcript matches it")
            continue
        matched[label] = role
    return matched, warnings


# --- inference from what people say about themselves and each other -------------------------

# "I run marketing" names the whole function: its chief, not a member of its team.
_FUNCTION_CHIEF = {
    "marketing": "CMO",
    "it": "CIO",
    "information technology": "CIO",
    "technology": "CTO",
    "engineering": "CTO",
    "the company": "CEO",
}
_SELF = re.compile(
    r"\b(?:(?:i'?m|i\s+am)\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?,\s+(?:the\s+|your\s+|our\s+)?(?=\w+\W*$|(?:cmo|cio|cto|ceo|chief|head|vp|director)\b)|"
    r"i'?m|i\s+am|i\s+(?:run|lead|head(?:\s+up)?|own|manage|look\s+after)|here\s+from|"
    r"(?:i'?m|i\s+am)\s+(?:from|with|in)|my\s+title\s+is|"
    r"as\s+(?:the\s+|your\s+|our\s+)?(?=(?:cmo|cio|cto|ceo|chief|head|vp|director)\b))"
    r"\s*((?:[\w&/'-]+\s*){1,5})",
    re.IGNORECASE,
)


def _role_from_phrase(phrase: str, keywords: Mapping[Role, tuple[str, ...]]) -> Role | None:
    """The role a self-description names: a function's chief, else the longest keyword found."""
    words = " ".join(phrase.casefold().replace("'", "'").split())
    for function, chief in _FUNCTION_CHIEF.items():
        if re.fullmatch(rf"(?:the\s+|our\s+)?{function}(?:\s+(?:here|team|side))?", words):
            return chief  # type: ignore[return-value]
    best: tuple[int, Role] | None = None
    for role, kws in keywords.items():
        for kw in kws:
            kw = kw.strip().casefold()
            if kw and _has_phrase(words, kw) and (best is None or len(kw) > best[0]):
                best = (len(kw), role)
    return best[1] if best else None


_WORD_CHAR = re.compile(r"\w")


def _has_phrase(text: str, phrase: str) -> bool:
    """`phrase` occurs in `text` with no word character either side (no regex per keyword: 160 of them)."""
    at = text.find(phrase)
    while at != -1:
        end = at + len(phrase)
        if (at == 0 or not _WORD_CHAR.match(text[at - 1])) and (
            end == len(text) or not _WORD_CHAR.match(text[end])
        ):
            return True
        at = text.find(phrase, at + 1)
    return False


def _introduced(
    transcript: Transcript, keywords: Mapping[Role, tuple[str, ...]], within: int
) -> dict[str, Role]:
    """Roles others give a speaker: "Dana from marketing", "Raj, our CIO", "our CTO, Mei"."""
    firsts: dict[str, str] = {}
    for label in transcript.speakers:
        firsts.setdefault(label.split()[0].casefold(), label)
    found: dict[str, Role] = {}
    names = "|".join(re.escape(n) for n in sorted(firsts, key=len, reverse=True) if len(n) > 1)
    if not names:
        return found
    title = r"((?:[\w&/'-]+\s*){1,4})"
    patterns = [
        re.compile(
            rf"\b({names})(?:\s+\w+)?\s+(?:from|in|on|with)\s+(?:the\s+)?{title}", re.IGNORECASE
        ),
        re.compile(
            rf"\b({names})(?:\s+\w+)?,\s+(?:our|the|your)\s+(?:new\s+)?{title}", re.IGNORECASE
        ),
        re.compile(
            rf"\b(?:our|the|your)\s+(?:new\s+)?(cmo|cio|cto|ceo|chief\s+\w+\s+officer),?\s+({names})\b",
            re.IGNORECASE,
        ),
    ]
    for turn in transcript.turns[:within]:
        for n, pattern in enumerate(patterns):
            for m in pattern.finditer(turn.text):
                name, phrase = (m.group(2), m.group(1)) if n == 2 else (m.group(1), m.group(2))
                introduced = firsts.get(name.casefold())
                role = _role_from_phrase(phrase, keywords)
                if introduced and role and introduced != turn.speaker:
                    found.setdefault(introduced, role)
    return found


def infer_roles(transcript: Transcript, max_turns: int = 6) -> dict[str, Role]:
    """Roles from introductions: each speaker's own first turns, then what others say of them."""
    from coach.frameworks import load_frameworks

    keywords = load_frameworks().roles
    seen: dict[str, int] = {}
    roles: dict[str, Role] = {}
    for turn in transcript.turns:
        count = seen.get(turn.speaker, 0)
        seen[turn.speaker] = count + 1
        if count >= max_turns or turn.speaker in roles:
            continue
        for m in _SELF.finditer(turn.text):
            role = _role_from_phrase(m.group(1), keywords)
            if role is not None:
                roles[turn.speaker] = role
                break
    # What a speaker says of themselves wins over what others say of them.
    return {**_introduced(transcript, keywords, within=max_turns * 4), **roles}
