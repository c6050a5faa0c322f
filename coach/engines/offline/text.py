"""Short descriptions of items, written from the words that were said."""

from __future__ import annotations

import re

from coach.engines.offline.duedates import DueDate

_I = re.IGNORECASE
_FILLER_WORDS = re.compile(r"\b(?:um+|uh+|erm|er|hmm|mm)\b[,.]?\s*", _I)
_STUTTER = re.compile(r"\b(\w+)(?:[\s,]+\1\b)+", _I)
_FALSE_START = re.compile(r"\b[\w']+-\s+")
_OPENERS = re.compile(
    r"^\W*(?:(?:so|and|ok(?:ay)?|yeah|yes|yep|sure|fine|right|well|look|alright|all right|then|great|"
    r"cool|perfect|absolutely|good|also|honestly|actually|and then|but|like|i mean|you know|i think|"
    r"i guess|basically|anyway|oh)\b[,.]?\s+)+",
    _I,
)
# A short lead-in that ends in a colon announces what follows: "Decision: ...", "Let's settle it
# now: ...", "Action for Raj: ...". The description is what follows.
_LABEL_LEAD = re.compile(r"^[^:.!?]{1,40}:\s+(?=\S)")
_NAME_LEAD = re.compile(r"^(?:[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?,\s+)+")
_ASK_LEAD = re.compile(
    r"^.*?\b(?:(?:can|could|would|will)\s+(?:you|your\s+team)|are\s+you\s+able\s+to|would\s+you\s+mind|"
    r"please|can\s+i\s+(?:get|ask)\s+you\s+to)(?:\s+(?:two|both|all|guys|please|also|just|maybe|quickly))*\s+",
    _I,
)
_LEAD = re.compile(
    r"^(?:i'll\s+go\s+ahead\s+and|i'll|i\s+will|i'm\s+going\s+to|i\s+am\s+going\s+to|i'm\s+gonna|"
    r"i'm\s+happy\s+to|happy\s+to|let\s+me|my\s+team\s+(?:will|can|is\s+going\s+to)|we'll|we\s+will|"
    r"we're\s+going\s+to|we're\s+gonna|we\s+are\s+going\s+to|i\s+can|we\s+can|i\s+need\s+to|i\s+have\s+to|"
    r"i've\s+got\s+to|i\s+should|you're\s+going\s+to|you're\s+gonna|you'll|you\s+need\s+to|"
    r"some(?:one|body)\s+(?:should|needs\s+to|has\s+to|ought\s+to|must)|we\s+need\s+some(?:one|body)\s+to|"
    r"[A-Z][\w'-]+\s+to)\s+(?:also\s+|just\s+|then\s+|definitely\s+|quickly\s+)?",
    _I,
)


def tidy(text: str) -> str:
    """Speech without fillers, stutters and false starts, spaces collapsed."""
    text = _FALSE_START.sub("", text)
    text = _FILLER_WORDS.sub("", text)
    text = _STUTTER.sub(r"\1", text)
    return re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s+", " ", text)).strip()


def describe(
    text: str, due: DueDate | None = None, me: str | None = None, you: str | None = None
) -> str:
    """A short imperative description; "me" names the asker and "you" the person spoken to,
    when they are known ("I'll send you the pack" -> "Send Raj the pack")."""
    body = text
    if due is not None:
        # The deadline has its own field; drop it unless it is part of a word ("Thursday's").
        body = re.sub(r"\s*" + re.escape(due.text) + r"(?!['\w])", " ", body, count=1)
    body = tidy(body)
    body = _LABEL_LEAD.sub("", body)
    body = _OPENERS.sub("", body)
    body = _NAME_LEAD.sub("", body)
    asked = _ASK_LEAD.match(body)
    body = body[asked.end() :] if asked else _LEAD.sub("", body, count=1)
    body = re.sub(r"^to\s+", "", body.strip(), flags=_I)
    if me:
        body = re.sub(r"^(\w+)\s+me\b", rf"\1 {me}", body)
    if you:
        body = re.sub(r"\byour\b", f"{you}'s", body, flags=_I)
        body = re.sub(r"\byou\b", you, body, flags=_I)
    body = body.strip(" ,.;:!?-")
    body = re.sub(r"\s+(?:ok(?:ay)?|right|alright|yeah)$", "", body, flags=_I)
    if len(body.split()) < 2:
        body = tidy(text).strip(" ,.;:!?-")
    # Never cut: a description is one unit of speech, and a cut one reads as a different promise.
    return body[:1].upper() + body[1:]
