"""How firm a promise is: firm (owner, task, a time, no hedge), held by a condition, or tentative.

The condition is cut out of the words the description is made from and kept on its own
("Finish the audit, provided the logs arrive Monday" -> "Finish the audit" + "provided the logs
arrive Monday").
"""

from __future__ import annotations

import re

from coach.engines.offline.features import _HEDGE
from coach.models import Strength

# A condition runs from its opening word to the end of its clause: a comma, a sentence end, or
# in unpunctuated speech the promise that follows it ("if legal signs i'll send it friday").
_CONDITION = re.compile(
    r"\b(?:if|provided(?:\s+that)?|providing|as\s+long\s+as|assuming|unless|subject\s+to|"
    r"depending\s+on|pending|on\s+condition\s+that|contingent\s+on|"
    r"once(?!\s+(?:a|an|per|more|again|every|in\s+a\s+while)\b))\b"
    r"(?P<rest>[^,.;!?]*?)"
    r"(?=[,.;!?]|\s+(?:then|i'll|i\s+will|we'll|we\s+will|i\s+can|we\s+can)\b|$)",
    re.IGNORECASE,
)
# "see if", "if possible", "if I can": hedges that read like conditions.
_NOT_A_CONDITION = re.compile(
    r"\b(?:see|check|ask|know|wonder(?:ing)?|sure)\s+if\b|\bif\s+(?:possible|i\s+can|we\s+can|"
    r"need\s+be|necessary|you\s+like|you\s+want|that\s+helps|anything)\b|\beven\s+if\b|\bas\s+if\b",
    re.IGNORECASE,
)


def find_condition(text: str) -> tuple[str, int, int] | None:
    """The condition a promise waits on, with its place in `text`, or None."""
    for m in _CONDITION.finditer(text):
        window = text[max(0, m.start() - 12) : m.end()]
        if _NOT_A_CONDITION.search(window) or len(m.group("rest").split()) < 2:
            continue
        return m.group().strip(), m.start(), m.end()
    return None


def without_condition(text: str, found: tuple[str, int, int] | None) -> str:
    """`text` with the condition clause (and the comma that set it off) removed."""
    if found is None:
        return text
    _, start, end = found
    head, tail = text[:start].rstrip(" ,"), text[end:].lstrip(" ,")
    if tail[:5].lower() == "then ":
        tail = tail[5:]
    if head and tail:
        return head + tail if tail[0] in ".,;:!?" else f"{head} {tail}"
    return head or tail


def strength_of(spoken: str, owner: str | None, has_due: bool, condition: str | None) -> Strength:
    """A hedge makes it tentative whatever else it has ("I could look once the launch is out");
    then a condition makes it conditional; firm needs an owner and a time."""
    if _HEDGE.search(spoken.lower()):
        return "tentative"
    if condition:
        return "conditional"
    if owner is None or not has_due:
        return "tentative"
    return "firm"
