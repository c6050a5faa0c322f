"""Decisions: what the meeting settled, said outright or agreed to by the room."""

from __future__ import annotations

import re

from coach.engines.offline.text import Sentence, sentences
from coach.models import Decision, Evidence, Transcript

_I = re.IGNORECASE
_DECIDED = re.compile(
    r"\b(?:we(?:'ve|\s+have)?\s+(?:all\s+)?agreed|we\s+are\s+agreed|we're\s+agreed|(?:so\s+)?it's\s+agreed|"
    r"decision(?:\s+is)?\s*:|the\s+decision\s+is|(?:we've|we\s+have|we)\s+decided|we're\s+deciding|"
    r"let's\s+go\s+with|we'll\s+go\s+with|we're\s+going\s+(?:to\s+go\s+)?with|we\s+are\s+going\s+with|"
    r"let's\s+lock|locked\s+in|that's\s+(?:settled|decided|final|the\s+plan|the\s+call|the\s+rule)|settled\s+then|"
    r"from\s+now\s+on|going\s+forward,?\s+(?:every|all|no|any|we)|the\s+rule\s+(?:is|from\s+now\s+on)|"
    r"ok(?:ay)?,?\s+so\s+we(?:'re|\s+are)\s+(?:doing|going|not)|so\s+that's\s+(?:the\s+plan|a\s+yes|a\s+no|decided)|"
    r"we'll\s+move\s+forward\s+with|we're\s+moving\s+forward\s+with|i'm\s+approving|(?:i|we)\s+(?:approve|sign\s+off\s+on)|"
    r"green\s*light|we're\s+(?:not\s+)?(?:doing|going\s+to\s+do)\s+(?:it|this|that)\b|"
    r"(?:final|that's\s+my)\s+(?:answer|call)|we\s+(?:hold|keep|freeze|pause|park|kill|drop|cancel)\s+(?:the|it|this)|"
    r"let's\s+(?:do\s+(?:it|that|this)|make\s+it|park|pause|freeze|kill|hold|keep|stick\s+with|split|cap|use|run|start)\b)",
    _I,
)
_AGREE_REPLY = re.compile(
    r"^\W*(?:agreed|deal|done|decided|settled|approved|that's\s+settled|let's\s+do\s+it|ok(?:ay)?,?\s+let's\s+do\s+(?:it|that)|"
    r"fine,?\s+let's\s+do\s+(?:it|that)|sold|go\s+for\s+it|you\s+have\s+my\s+(?:approval|sign-off|blessing))\b",
    _I,
)
_PROPOSAL = re.compile(
    r"\b(?:i\s+propose|my\s+proposal|proposal\s+is|what\s+if\s+we|how\s+about|i\s+suggest|i'd\s+suggest|"
    r"why\s+don't\s+we|should\s+we|can\s+we\s+agree|are\s+we\s+(?:agreed|ok|okay|good)\s+(?:with|on|that)|let's)\b",
    _I,
)
_NOT_DECIDED = re.compile(
    r"\b(?:if\s+we\s+(?:agree|decide)|haven't\s+(?:agreed|decided)|didn't\s+(?:agree|decide)|not\s+(?:agreed|decided)|"
    r"never\s+(?:agreed|decided)|last\s+(?:week|month|quarter|year|time)|back\s+in|previously|"
    r"think\s+about\s+it|revisit|table\s+(?:it|this)|take\s+it\s+offline|maybe|might|i'm\s+not\s+sure|"
    r"(?:can|could|should)\s+we\s+agree|did\s+we\s+(?:agree|decide)|who\s+decided|nobody\s+decided|"
    r"no\s+one\s+decided|what\s+we\s+agreed|until\s+we|before\s+we\s+(?:agree|decide)|let's\s+(?:see|think|discuss|talk|take|not\s+decide))\b",
    _I,
)


def _clean(text: str) -> str:
    body = re.sub(r"^\W*(?:(?:so|ok(?:ay)?|right|alright|good|great|yes|yeah|fine|then|and|agreed)\W+)*", "", text)
    body = body.strip(" .!?,;:")
    if len(body) > 160:
        body = body[:157].rsplit(" ", 1)[0] + "..."
    return body[:1].upper() + body[1:]


def _is_decision(s: Sentence) -> bool:
    return bool(_DECIDED.search(s.text)) and not s.is_question and not _NOT_DECIDED.search(s.text)


def find_decisions(transcript: Transcript) -> list[Decision]:
    """Decisions said outright ("we agreed...") or a proposal the next speaker agrees to."""
    found: list[Decision] = []
    seen: set[tuple[int, int]] = set()
    turns = transcript.turns
    for i, turn in enumerate(turns):
        ss = sentences(i, turn.text)
        for s in ss:
            if (i, s.start) in seen or not _is_decision(s):
                continue
            seen.add((i, s.start))
            found.append(
                Decision(id="", description=_clean(s.text), evidence=[Evidence(turn=i, speaker=turn.speaker, quote=s.text)])
            )
        # A proposal answered by "Agreed." / "Deal." from someone else.
        if i + 1 < len(turns) and ss and turns[i + 1].speaker != turn.speaker:
            reply = sentences(i + 1, turns[i + 1].text)
            proposal = next((s for s in reversed(ss) if _PROPOSAL.search(s.text)), None)
            if reply and proposal and _AGREE_REPLY.search(reply[0].text) and (i, proposal.start) not in seen:
                if _NOT_DECIDED.search(proposal.text.replace("should we", "")):
                    continue
                seen.add((i, proposal.start))
                seen.add((i + 1, reply[0].start))
                found.append(
                    Decision(
                        id="",
                        description=_clean(re.sub(r"^.*?\b(?:what\s+if\s+we|how\s+about|i\s+propose(?:\s+that)?|i'd\s+suggest|i\s+suggest|why\s+don't\s+we|should\s+we|can\s+we\s+agree(?:\s+that)?|let's)\s+", "", proposal.text, count=1, flags=_I)),
                        evidence=[
                            Evidence(turn=i, speaker=turn.speaker, quote=proposal.text),
                            Evidence(turn=i + 1, speaker=turns[i + 1].speaker, quote=reply[0].text),
                        ],
                    )
                )
    return found
