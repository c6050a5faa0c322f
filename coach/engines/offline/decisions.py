"""Decisions: what the meeting settled, said outright or agreed to by the room."""

from __future__ import annotations

import re

from coach.engines.offline.text import Sentence, sentences
from coach.models import Decision, Evidence, Transcript

_I = re.IGNORECASE
# "Fine, we hold the launch a week": an opener, then "we" and a verb that changes a plan.
_WE_DECIDE = re.compile(
    r"^\W*(?:(?:so|ok(?:ay)?|fine|right|alright|good|then|great)[,.]?\s+)+(?:then\s+)?we(?:'ll|\s+will|'re\s+going\s+to)?\s+"
    r"(?:hold|freeze|pause|park|drop|skip|cap|delay|push|postpone|move|switch|stick|keep|stay|cancel|kill|go\s+ahead|proceed|launch|ship|pilot|run\s+with|split|fund)\b",
    re.IGNORECASE,
)
_DECIDED = re.compile(
    r"\b(?:we(?:'ve|\s+have)?\s+(?:all\s+)?agreed|we\s+are\s+agreed|we're\s+agreed|(?:so\s+)?it's\s+agreed|"
    r"decision(?:\s+is)?\s*[:,-]|the\s+decision\s+is|(?:we've|we\s+have|we)\s+decided|we're\s+deciding|"
    r"let's\s+(?:go|stick)\s+with|we'll\s+go\s+with|we\s+go\s+with|we're\s+going\s+(?:to\s+go\s+)?with|we\s+are\s+going\s+with|"
    r"let's\s+lock|locked\s+in|that's\s+(?:settled|decided|final|the\s+plan|the\s+call|the\s+rule)|settled\s+then|"
    r"from\s+now\s+on|going\s+forward,?\s+(?:every|all|no|any|we)|the\s+rule\s+(?:is|from\s+now\s+on)|"
    r"ok(?:ay)?,?\s+so\s+we(?:'re|\s+are)\s+(?:doing|going|not)|so\s+that's\s+(?:the\s+plan|a\s+yes|a\s+no|decided)|"
    r"we'll\s+move\s+forward\s+with|we're\s+moving\s+forward\s+with|i'm\s+approving|(?:i|we)\s+(?:approve|sign\s+off\s+on)|"
    r"green\s*light|we're\s+a\s+go|(?:it's|is)\s+a\s+go\b|(?:final|that's\s+my)\s+(?:answer|call)|"
    r"we\s+(?:stay|stick)\s+(?:on|with)|we're\s+not\s+(?:cancelling|canceling|doing|going\s+ahead|renewing|buying|signing)|"
    r"\bis\s+(?:out|off|paused|funded|approved|cancelled|canceled|postponed|on\s+hold)\s+(?:for|until|from|in|as|at)\b|"
    r"goes\s+into\s+the\s+\w+\s+(?:roadmap|plan|budget)|moves\s+to\s+\S+\s+budget|"
    r"^\W*(?:ok(?:ay)?|right|fine|good|great|then)[,.]?\s+so\s+(?:we|the|for|it|that)\b|"
    r"let's\s+keep\s+(?:it|the\s+\w+|them|this)\s+(?:at|as|on)\b|\bwe\s+keep\s+(?:the|it|our|\w+\s+\w+\s+for)\b|"
    r"(?:the|it|that)\s+(?:\w+\s+){0,3}(?:stays|stands)\b(?!\s+(?:out|up|to))|"
    r"\b(?:waits|holds|is\s+on\s+hold|stays\s+(?:off|closed|paused))\s+until\b|"
    r"\bno\s+\w+(?:\s+\w+){0,3}\s+(?:gets?|goes|is|are)\s+\w+[^.?!]{0,60}\b(?:until|till)\b|"
    # A rule for everyone: "any purchase that touches customer data goes through the review before signature".
    r"^\W*(?:so\s+|and\s+|then\s+)?(?:any|every(?!\s+time)|all|no|nothing)\b[^.?!]{0,60}\b(?:goes|go|gets|get|must|has\s+to|have\s+to|needs?\s+to)\b[^.?!]{0,80}\b(?:without|before|until|through)\b|"
    r"^\W*(?:(?:right|ok(?:ay)?|fine|so|then|alright)[,.]?\s+)*(?!(?:what|how|where|who|why|which|whatever|depends)\b)\w+(?:\s+\w+)?\s+it\s+is\s*[.!]?\s*$|"
    r"\b(?:no|nothing|don't|doesn't|won't|isn't|not)\b[^.?!]{0,80}?\b(?:until|till|unless|without)\b(?=[^.?!]{0,80}\b(?:sign|review|approv|clos|publish|done|through|pass)))",
    _I,
)
# "Agreed. The brackets run on the Cup first." — a bare yes, then what was agreed.
_AGREE_ONLY = re.compile(
    r"^\W*(?:(?:yeah|yes|ok(?:ay)?|right|good|great|alright)[,.!]?\s*)*(?:agreed|done|deal|decided|settled|sold)\W*$",
    _I,
)
_OPENER_ONLY = re.compile(r"^\W*(?:so|ok(?:ay)?|fine|right|alright|good|then|great)\W*$", _I)
_NOT_CONTENT = re.compile(
    r"\b(?:i'll|i\s+will|let\s+me|i\s+can|i'm\s+going\s+to|thanks|thank\s+you|was|were|went|had|did|'ve|been|since|"
    r"here's|let's\s+be|i\s+don't|i\s+do\s+not|someone|somebody)\b",
    _I,
)
_BACK_REFERENCE = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|right|good|great|so|then)\W+)*(?:that's|that\s+is|it's)\s+(?:the\s+rule|decided|settled|final|the\s+plan|agreed)"
    r"(?:\s+(?:then|now|from\s+now\s+on))?\W*$",
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
    r"no\s+one\s+decided|what\s+we\s+(?:agreed|decided)|until\s+we\s+(?:agree|decide|know)|before\s+we\s+(?:agree|decide)|"
    r"let's\s+(?:see|think|discuss|talk|take|not\s+decide)|at\s+leadership|decided\s+it\b|i\s+(?:think|guess|suppose)|"
    r"would|could|wish|hope|problems?|both|let's\s+be|here's)\b|^\W*(?:if|unless)\b",
    _I,
)


def _clean(text: str) -> str:
    body = re.sub(
        r"^\W*(?:(?:so|ok(?:ay)?|right|alright|good|great|yes|yeah|fine|then|and|agreed)\W+)*",
        "",
        text,
        flags=_I,
    )
    body = re.sub(
        r"^(?:let's\s+agree|we(?:'ve|\s+have)?\s+(?:all\s+)?(?:agreed|decided)|the\s+decision\s+is|decision)\W*(?:that\s+)?",
        "",
        body,
        flags=_I,
    )
    body = body.strip(" .!?,;:")
    if len(body) > 160:
        body = body[:157].rsplit(" ", 1)[0] + "..."
    return body[:1].upper() + body[1:]


def _is_decision(s: Sentence) -> bool:
    said = bool(_DECIDED.search(s.text) or _WE_DECIDE.search(s.text))
    return said and not s.is_question and not _NOT_DECIDED.search(s.text)


def _previous_sentence(transcript: Transcript, ss: list[Sentence], n: int) -> Sentence | None:
    if n > 0:
        return ss[n - 1]
    turn = ss[n].turn
    if turn == 0:
        return None
    before = sentences(turn - 1, transcript.turns[turn - 1].text)
    return before[-1] if before else None


def find_decisions(transcript: Transcript) -> list[Decision]:
    """Decisions said outright ("we agreed...") or a proposal the next speaker agrees to."""
    found: list[Decision] = []
    seen: set[tuple[int, int]] = set()
    turns = transcript.turns
    for i, turn in enumerate(turns):
        ss = sentences(i, turn.text)
        for n, s in enumerate(ss):
            if (i, s.start) in seen:
                continue
            settles_previous = (
                n > 0
                and bool(_AGREE_ONLY.search(s.text))
                and not ss[n - 1].is_question
                and len(ss[n - 1].text.split()) >= 3
                and not _NOT_CONTENT.search(ss[n - 1].text)
            )
            if _BACK_REFERENCE.search(s.text) or settles_previous:
                # "That's the rule." settles what was said just before it.
                prev = _previous_sentence(transcript, ss, n)
                if prev is None or (prev.turn, prev.start) in seen:
                    continue
                seen.update({(i, s.start), (prev.turn, prev.start)})
                found.append(
                    Decision(
                        id="",
                        description=_clean(prev.text),
                        evidence=[
                            Evidence(
                                turn=prev.turn, speaker=turns[prev.turn].speaker, quote=prev.text
                            ),
                            Evidence(turn=i, speaker=turn.speaker, quote=s.text),
                        ],
                    )
                )
                continue
            agreed_before = n > 0 and bool(_AGREE_ONLY.search(ss[n - 1].text))
            content = (
                agreed_before
                and len(s.text.split()) >= 4
                and not s.is_question
                and not (_NOT_CONTENT.search(s.text) or _NOT_DECIDED.search(s.text))
            )
            # "Fine. We hold the Cup a week." reads as one sentence to the rules.
            opened = (
                n > 0
                and bool(_OPENER_ONLY.search(ss[n - 1].text))
                and bool(_WE_DECIDE.search(f"{ss[n - 1].text.strip(' .!')}, {s.text}"))
                and not _NOT_DECIDED.search(s.text)
            )
            if not (_is_decision(s) or content or opened):
                continue
            seen.add((i, s.start))
            ev = Evidence(turn=i, speaker=turn.speaker, quote=s.text)
            last = found[-1] if found else None
            if (
                last
                and n > 0
                and last.evidence[-1].turn == i
                and last.evidence[-1].quote == ss[n - 1].text
            ):
                # One decision said over two sentences stays one decision.
                last.evidence.append(ev)
                continue
            found.append(Decision(id="", description=_clean(s.text), evidence=[ev]))
        # A proposal answered by "Agreed." / "Deal." from someone else.
        if i + 1 < len(turns) and ss and turns[i + 1].speaker != turn.speaker:
            reply = sentences(i + 1, turns[i + 1].text)
            proposal = next((s for s in reversed(ss) if _PROPOSAL.search(s.text)), None)
            if (
                reply
                and proposal
                and _AGREE_REPLY.search(reply[0].text)
                and (i, proposal.start) not in seen
            ):
                if _NOT_DECIDED.search(proposal.text.replace("should we", "")):
                    continue
                seen.add((i, proposal.start))
                seen.add((i + 1, reply[0].start))
                found.append(
                    Decision(
                        id="",
                        description=_clean(
                            re.sub(
                                r"^.*?\b(?:what\s+if\s+we|how\s+about|i\s+propose(?:\s+that)?|i'd\s+suggest|i\s+suggest|why\s+don't\s+we|should\s+we|can\s+we\s+agree(?:\s+that)?|let's)\s+",
                                "",
                                proposal.text,
                                count=1,
                                flags=_I,
                            )
                        ),
                        evidence=[
                            Evidence(turn=i, speaker=turn.speaker, quote=proposal.text),
                            Evidence(turn=i + 1, speaker=turns[i + 1].speaker, quote=reply[0].text),
                        ],
                    )
                )
    return _dedupe(found)


def _words(d: Decision) -> set[str]:
    return set(re.findall(r"[a-z]{4,}", " ".join(e.quote for e in d.evidence).casefold()))


def _dedupe(found: list[Decision]) -> list[Decision]:
    """A recap that restates an earlier decision is the same decision."""
    kept: list[Decision] = []
    for d in found:
        words = _words(d)
        if any(
            min(len(words), len(_words(k))) >= 4
            and len(words & _words(k)) / min(len(words), len(_words(k))) >= 0.7
            for k in kept
        ):
            continue
        kept.append(d)
    return kept
