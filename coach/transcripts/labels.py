"""Speaker labels at the start of a line: `Dana Whitfield: ...`, `Dana [00:01:02]: ...`.

Finding a label is a bounded scan (no regex), so it is linear in the line. Whether a candidate
label really names a speaker is decided over the whole transcript by `choose_labels`: labels
that repeat are speakers; a label seen once must look like a name and fit the others.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from coach.transcripts.timecodes import parse_range
from coach.transcripts.turns import ROLE_LABELS

MAX_LABEL = 40
MAX_WORDS = 5
_SCAN = 90  # the colon must come within this many characters

# Words that end in a colon at the start of a line without naming anyone.
STOP_LABELS = frozenset(
    """
    note notes nb n.b ps p.s fyi todo to-do tbd action actions decision decisions decided
    summary agenda update updates status question questions answer example examples e.g i.e
    result results outcome outcomes reminder warning caution important tip re fw fwd subject
    conclusion conclusions background context issue issues problem problems solution goal goals
    objective objectives takeaway takeaways topic topics item items point points caveat edit
    source sources link url email e-mail phone tel fax web website address owner owners due
    deadline step phase option options pros cons also and but so well then now first second
    third finally however therefore yes no ok okay hi hello thanks because risk risks budget
    timeline scope cost costs revenue plan plans strategy priority priorities metric metrics
    kpi kpis title date time duration meeting location attendees participants present absent
    apologies recorded recording transcript transcription minutes created modified language
    kind http https ftp mailto file tl;dr tldr
    """.split()  # noqa: SIM905 - a word list reads better as text
) | {
    "action item",
    "action items",
    "next step",
    "next steps",
    "key takeaways",
    "meeting date",
    "meeting title",
    "transcribed by",
    "notes by",
}

_PARTICLE_WORDS = (
    "de da del della dei der den di du dos das do van von la le bin ibn al el y e ter ten "
    "zu af av mac mc st"
)
_PARTICLES = frozenset(_PARTICLE_WORDS.split())
_NUMBERED = ("speaker", "participant", "guest", "person", "voice", "caller", "unknown speaker")
_EXTRA_CHARS = frozenset(" .'’-_&")


def split_role_suffix(label: str) -> tuple[str, str]:
    """(`Dana Whitfield`, `(CMO)`) for `Dana Whitfield (CMO)`; (label, "") without parentheses."""
    if label.endswith(")"):
        k = label.rfind("(")
        if k > 0:
            return label[:k].rstrip(), label[k:]
    return label, ""


def shape_ok(label: str) -> bool:
    """1-5 words, at most 40 characters, starting with a letter; letters, digits, `.'-_&`."""
    base, paren = split_role_suffix(label)
    if len(paren) > 32 or "(" in paren[1:] or ")" in paren[:-1]:
        return False
    if not base or len(base) > MAX_LABEL or not base[0].isalpha():
        return False
    if len(base.split()) > MAX_WORDS:
        return False
    for ch in base:
        if not (ch.isalnum() or ch in _EXTRA_CHARS or unicodedata.category(ch)[0] == "M"):
            return False
    return True


def is_stop(label: str) -> bool:
    base, _ = split_role_suffix(label)
    return " ".join(base.lower().split()).rstrip(".") in STOP_LABELS


def is_numbered(label: str) -> bool:
    """`Speaker 1`, `SPEAKER_00`, `Guest 2`: a diarisation label."""
    low = label.lower()
    for prefix in _NUMBERED:
        if low.startswith(prefix):
            rest = low[len(prefix) :].lstrip(" _-")
            return bool(rest) and rest.isascii() and rest.isdigit()
    return False


def looks_like_name(label: str) -> bool:
    """Every word capitalised (or a particle such as `van`, or a number); no stop word."""
    if is_stop(label):
        return False
    if is_numbered(label):
        return True
    base, _ = split_role_suffix(label)
    words = base.split()
    for n, word in enumerate(words):
        if n < len(words) - 1 and _ends_sentence(word):
            return False  # "May. Me": a sentence ends inside it
        first = word[0]
        if not first.islower():
            continue  # capitalised, a digit, punctuation, or a script without case
        if n > 0 and word.lower() in _PARTICLES:
            continue
        if len(word) > 2 and word[1] in "'’":  # d'Arcy
            continue
        return False
    return True


# Abbreviations that end in a full stop inside a name: "Dr. Ana Lima", "St. John".
_TITLES = frozenset(
    [
        "dr",
        "mr",
        "mrs",
        "ms",
        "mx",
        "prof",
        "st",
        "rev",
        "sr",
        "jr",
        "fr",
        "hon",
        "capt",
        "gen",
        "col",
        "lt",
        "sgt",
        "maj",
        "mme",
        "mlle",
        "sra",
        "dra",
    ]
)


def _ends_sentence(word: str) -> bool:
    stem = word[:-1]
    initials = "." in stem  # "J.R."
    return word.endswith(".") and len(stem) > 1 and not initials and stem.lower() not in _TITLES


def split_label(s: str) -> tuple[str, str, tuple[float, float | None] | None] | None:
    """(label, rest, stamp) for `Label: rest` or `Label [00:01:02]: rest`; None otherwise.

    `s` is a stripped line. The label is returned as written (role suffix included); the
    caller decides whether it names a speaker.
    """
    limit = min(len(s), _SCAN)
    i = 0
    while i < limit:
        c = s[i]
        if c == ":":
            break
        if c in "[(":
            j = s.find("]" if c == "[" else ")", i + 1, i + 42)
            if j == -1:
                return None
            i = j + 1
            continue
        i += 1
    else:
        return None
    label, rest = s[:i].strip(), s[i + 1 :]
    if label.startswith("**"):  # Markdown: **Dana:** text or **Dana**: text
        label = label[2:].removesuffix("**").strip()
        rest = rest.removeprefix("**")
    if rest and not rest[0].isspace():
        return None  # "3:1", "https://...", "10:30": a colon inside running text
    stamp = None
    if label.endswith(("]", ")")):
        k = label.rfind("[" if label[-1] == "]" else "(")
        if k > 0:
            stamp = parse_range(label[k + 1 : -1])
            if stamp is not None:
                label = label[:k].rstrip()
    if not shape_ok(label):
        return None
    return label, rest.strip(), stamp


def _key(label: str) -> str:
    """The label without a CEO/CMO/CIO/CTO suffix: `Dana (CMO)` and `Dana` count together."""
    base, paren = split_role_suffix(label)
    return base if paren[1:-1].strip().upper() in ROLE_LABELS else label


def choose_labels(counts: Counter[str]) -> set[str]:
    """The candidate labels that name speakers.

    Stop words never do. A label seen twice or more does (`Dana (CMO)` and `Dana` count as one).
    A label seen once must look like a name; and when the transcript has an established
    pattern of multi-word names, a one-off single word (`Budget: ...`) is part of the text.
    """
    grouped: Counter[str] = Counter()
    for label, n in counts.items():
        grouped[_key(label)] += n
    usable = {key for key in grouped if not is_stop(key)}
    repeated = {key for key in usable if grouped[key] >= 2}
    chosen = set(repeated)
    established = sum(grouped[key] for key in repeated) >= 3
    multiword = sum(len(split_role_suffix(key)[0].split()) >= 2 for key in repeated)
    mostly_multiword = established and multiword * 2 > len(repeated)
    for key in usable - repeated:
        if not looks_like_name(key):
            continue
        single_word = len(split_role_suffix(key)[0].split()) == 1
        if mostly_multiword and single_word and not is_numbered(key):
            continue
        chosen.add(key)
    return {label for label in counts if _key(label) in chosen}
