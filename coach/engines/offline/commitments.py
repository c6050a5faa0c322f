"""Action items from meeting speech: commitments, accepted requests, and unowned tasks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from coach.engines.offline.duedates import DueDate, find_all_due, find_due
from coach.engines.offline.people import People
from coach.engines.offline.text import Sentence, clauses, sentences
from coach.models import ActionItem, Evidence, Transcript

_I = re.IGNORECASE
_FILLER = r"(?:(?:so|and|ok(?:ay)?|yeah|yes|sure|fine|right|well|um+|uh+|look|alright|all right|then|great|cool|perfect|absolutely|good|also|honestly|actually|and then|but),?\s+)*"

# First-person future: the speaker takes something on.
_STRONG = re.compile(
    r"\b(?:i'll|i\s+will|i'm\s+going\s+to|i\s+am\s+going\s+to|i'm\s+gonna|i'll\s+go\s+ahead\s+and|"
    r"i'm\s+happy\s+to|i'll\s+make\s+sure\s+(?:to|that|we)|let\s+me|my\s+team\s+(?:will|can|is\s+going\s+to)|"
    r"we'll|we\s+will|we're\s+going\s+to|we\s+are\s+going\s+to|i\s+can|we\s+can|i\s+could\s+have|"
    r"i\s+need\s+to|i\s+have\s+to|i've\s+got\s+to|i\s+should)\s+(?:also\s+|just\s+|then\s+|probably\s+|definitely\s+|quickly\s+|personally\s+)?([a-z][a-z'-]*)(?:\s+([a-z][a-z'-]*))?",
    _I,
)
_WEAK_MARKERS = re.compile(
    r"^(?:i\s+can|we\s+can|we'll|we\s+will|we're\s+going\s+to|we\s+are\s+going\s+to|i\s+need\s+to|i\s+have\s+to|i've\s+got\s+to|i\s+should|my\s+team)",
    _I,
)
_TAKE_IT = re.compile(
    r"\b(?:leave\s+it\s+with\s+me|that's\s+on\s+me|i'm\s+on\s+it|i'll\s+take\s+(?:that|it|this)(?:\s+one)?|"
    r"i\s+can\s+(?:take|do|own|handle)\s+(?:that|it|this)|i'll\s+(?:own|handle|do)\s+(?:that|it|this)|"
    r"will\s+do|consider\s+it\s+done|i've\s+got\s+(?:it|that|this)|i\s+got\s+(?:it|that|this)|count\s+me\s+in)\b",
    _I,
)
_NAMED = re.compile(
    r"\b(?:(?i:action\s+items?\s*(?:for|on))\s+(?P<a>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)\s*[:,-]?|"
    r"(?P<b>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)\s+(?:to|will|is\s+going\s+to|'s\s+going\s+to|is\s+gonna|'ll)\s+(?P<verb>[a-z][a-z'-]+)|"
    r"(?P<c>[A-Z][\w'-]+)\s+and\s+I\s+(?:will|'ll|are\s+going\s+to|can)\s+(?P<verb2>[a-z][a-z'-]+)|"
    r"(?P<d>[A-Z][\w'-]+),\s+(?:you\s+and\s+[A-Z][\w'-]+\s+)?(?P<verb3>take|own|send|draft|write|run|lead|handle|pull|book|set\s+up|put\s+together|bring|get|check|find|sort|prepare)\b)",
)
_ACTION_LABEL = re.compile(r"\b(?:action\s+item|todo|to-do|next\s+step)\s*:\s*(?P<rest>.+)", _I)
_REQUEST = re.compile(
    r"\b(?:can|could|would|will)\s+(?:you|y'all|your\s+team)\b|\bare\s+you\s+able\s+to\b|\bwould\s+you\s+mind\b|"
    r"\bcan\s+i\s+(?:ask|get)\s+you\s+to\b|\bplease\s+[a-z]+|\b(?:you're|you\s+are)\s+going\s+to\b|\byou'll\b|"
    r"\bcan\s+(?:we\s+get|i\s+get)\s+(?:you|your)\b|\bnext\s+time,?\s+(?:can|could)\s+you\b|\bmind\s+(?:taking|owning|doing)\b",
    _I,
)
_OFFER = re.compile(
    r"\b(?:should|shall)\s+i\b|\b(?:do\s+you\s+)?want\s+me\s+to\b|\bwould\s+it\s+help\s+if\s+i\b",
    _I,
)
_UNOWNED = re.compile(
    r"\b(?:some(?:one|body)\s+(?:should|needs\s+to|has\s+to|ought\s+to|must|'s\s+got\s+to|has\s+got\s+to|will\s+need\s+to)|"
    r"we\s+need\s+(?:someone|somebody)\s+to|(?:someone|somebody)\s+(?:has|needs)\s+to|"
    r"it\s+would\s+be\s+good\s+if\s+(?:someone|somebody))\s+(?P<rest>.+)",
    _I,
)
_ACCEPT = re.compile(
    r"^\W*(?:(?:um+|uh+|oh|ah|well|so|okay|ok|yeah|yes|yep|yup|sure|absolutely|definitely|of\s+course|"
    r"no\s+problem|no\s+worries|for\s+sure|happy\s+to|will\s+do|can\s+do|on\s+it|you\s+got\s+it|got\s+it|"
    r"sounds\s+good|that\s+works|fine|totally|i\s+can|i'll|i\s+will|let\s+me|leave\s+it\s+with\s+me|done|agreed|"
    r"consider\s+it\s+done|i'm\s+on\s+it|i\s+can\s+do\s+that|good\s+idea|makes\s+sense|yes\s+please|please\s+do|go\s+for\s+it)\b)",
    _I,
)
_REFUSE = re.compile(
    r"\b(?:can't|cannot|can\s+not|won't|will\s+not|not\s+able|unable|no\s+time|don't\s+have\s+(?:the\s+)?(?:time|bandwidth|capacity)|"
    r"not\s+(?:this|that|until|before|going\s+to|gonna)|unfortunately|i\s+don't\s+think\s+(?:i|we)\s+can|"
    r"(?:yeah|yes),?\s+no\b|not\s+me|pass\s+on|i'd\s+rather\s+not|not\s+my)\b",
    _I,
)
_NEGATED = re.compile(
    r"\b(?:i|we|my\s+team)\s+(?:won't|will\s+not|can't|cannot|can\s+not|couldn't|wouldn't|shouldn't|don't|do\s+not|"
    r"am\s+not\s+going|'m\s+not\s+going|are\s+not\s+going|'re\s+not\s+going|'ll\s+never|will\s+never|"
    r"don't\s+think\s+(?:i|we)\s+(?:can|will|could))\b|\bnot\s+going\s+to\s+be\s+able\b|\bno\s+way\s+(?:i|we)\b",
    _I,
)
_HEDGE = re.compile(
    r"\b(?:maybe|might|perhaps|someday|some\s+day|one\s+day|at\s+some\s+point|eventually|in\s+theory|ideally|"
    r"hypothetically|in\s+an?\s+(?:ideal|perfect)\s+world|down\s+the\s+(?:road|line)|if\s+we\s+ever|would\s+be\s+nice|"
    r"could\s+(?:maybe|potentially|in\s+theory)|i'd\s+love\s+to|we'd\s+love\s+to|i\s+wonder|wouldn't\s+it|"
    r"if\s+(?:there's|there\s+is)\s+(?:budget|money|time)|if\s+budget|in\s+the\s+long\s+run|who\s+knows|probably|"
    r"i\s+guess)\b",
    _I,
)
_CONDITIONAL = re.compile(
    r"^\W*(?:(?:and|but|so|well|okay|ok|look),?\s+)?(?:if|unless|once|as\s+long\s+as|assuming)\b",
    _I,
)
_CAPABILITY = re.compile(
    r"(?:i|we)\s+can\b|we'll\b|we\s+will\b|we're\s+going\s+to|we\s+are\s+going\s+to", _I
)
_PAST = re.compile(
    r"\b(?:(?:should|could|would|might)\s+have|(?:should|could|would)'ve|last\s+(?:week|time|month|quarter|year|night)|yesterday|ago|earlier\s+today)\b",
    _I,
)
# Verbs after "I'll"/"let me" that are talk about the meeting itself, not a task.
_NOT_TASK = frozenset(
    [
        "be",
        "say",
        "admit",
        "give",
        "leave",
        "stop",
        "pass",
        "keep",
        "see",
        "think",
        "guess",
        "start",
        "jump",
        "play",
        "repeat",
        "echo",
        "ask",
        "answer",
        "explain",
        "clarify",
        "add",
        "finish",
        "wrap",
        "hand",
        "defer",
        "turn",
        "note",
        "mention",
        "summarize",
        "summarise",
        "share",
        "show",
        "pull",
        "put",
        "drop",
        "bring",
        "go",
        "try",
        "just",
        "confess",
        "point",
        "remind",
        "argue",
        "disagree",
        "agree",
        "hear",
        "believe",
        "bet",
        "assume",
        "suppose",
        "wonder",
        "need",
        "mute",
        "unmute",
        "move",
        "check",
        "accept",
        "concede",
        "allow",
        "recap",
        "propose",
        "park",
        "hold",
        "sound",
        "frame",
        "buy",
        "know",
    ]
)
# ...unless what follows makes them a task ("share the deck with legal", "pull the churn list").
_TASK_OBJECT = re.compile(
    r"\b(?:share|show|pull|put|bring|check|move|turn|send|go|try|have|need)\b(?!\s+(?:my|the)\s+screen)"
    r"(?!\s+(?:it\s+)?up\b(?!\s+(?:with|to)))(?!\s+(?:on|back|over|around)\b)(?!\s+(?:that|this|it|in)\s*[.?!,]?$)",
    _I,
)
# Weak markers ("we can", "I can", "we'll") need a verb that names work.
_WORK_VERBS = frozenset(
    "send share draft write prepare pull get set schedule book run check confirm follow review look loop talk "
    "reach circle sync update build scope estimate bring own handle do create make fix add map document test "
    "pilot email ping call organize organise coordinate publish present walk summarize summarise find dig work "
    "pair audit validate compile collect gather flag file raise open submit sign kick finish complete "
    "deliver ship circulate forward invite arrange block reserve lock nail sort come report track measure tag "
    "instrument brief train hire interview rewrite revise tighten refresh rerun redo align define propose "
    "pitch cost price negotiate renegotiate mock spin configure deploy migrate clean put move take start "
    "ask tell set-up analyse analyze investigate research plan draw outline spec cut turn give hold "
    "reconcile benchmark recommend sketch pressure-test triage escalate talk have re-run help push tell let "
    "chase message update.".replace(".", "").split()
)
_SPEECH_ONLY = re.compile(
    r"\b(?:share\s+my\s+screen|pull\s+(?:it\s+|that\s+|this\s+)?up|show\s+you|go\s+first|hand\s+(?:it\s+)?over|"
    r"in\s+the\s+chat|take\s+notes|stop\s+sharing|be\s+(?:honest|quick|brief|clear|blunt|frank)|keep\s+(?:it|this)\s+(?:short|quick)|"
    r"see\s+(?:how|what|if)|figure\s+it\s+out|get\s+there|be\s+fine|circle\s+back|come\s+back\s+to|get\s+to\s+(?:it|that|the)|"
    r"offline|write\s+(?:that|it|this)\s+down|hold\s+you\s+to|own\s+that|the\s+blame|wrap[- ]up|"
    r"(?:shut|sum)\s+up|give\s+(?:you\s+)?(?:the\s+)?(?:\w+\s+)?(?:view|background|example|update|overview)|"
    r"take\s+any|put\s+my\s+hand\s+up|make\s+the\s+call|in\s+blood|tell\s+you\s+(?:that\s+)?for\s+free|"
    r"got\s+to\s+(?:run|go|jump|drop)|walk\s+(?:us|you|everyone)\s+through|as\s+a\s+compliment|tell\s+you\b|"
    r"let\s+(?:\w+\s+)?(?:answer|speak|jump|finish|go\s+first|take\s+(?:it|this|that))|push\s+back|"
    r"add\s+(?:one|a\s+(?:thing|point|note)|something|to\s+that)|tell\s+(?:my|our|the)\s+side|let\s+(?:everyone|you\s+all|you)\s+go)\b",
    _I,
)
_LEAD = re.compile(
    rf"^{_FILLER}(?:i\s+think\s+)?(?:i'll\s+go\s+ahead\s+and|i'll|i\s+will|i'm\s+going\s+to|i\s+am\s+going\s+to|i'm\s+gonna|"
    r"i'm\s+happy\s+to|let\s+me|my\s+team\s+(?:will|can|is\s+going\s+to)|we'll|we\s+will|we're\s+going\s+to|"
    r"we\s+are\s+going\s+to|i\s+can|we\s+can|i\s+need\s+to|i\s+have\s+to|i've\s+got\s+to|i\s+should|"
    r"(?:can|could|would|will)\s+you(?:\s+please)?|please|you're\s+going\s+to|you'll|"
    r"some(?:one|body)\s+(?:should|needs\s+to|has\s+to|ought\s+to|must))\s+(?:also\s+|just\s+|then\s+|definitely\s+)?",
    _I,
)


@dataclass
class _Found:
    owner: str | None
    sentence: Sentence
    speaker: str
    extra: list[tuple[Sentence, str]] = field(default_factory=list)
    due_source: list[Sentence] = field(default_factory=list)
    confidence: float = 0.8
    body: str | None = None


def _verb_ok(sentence: str, verb: str | None, weak: bool) -> bool:
    if verb is None:
        return False
    verb = verb.casefold()
    if _SPEECH_ONLY.search(sentence):
        return False
    if weak:
        return verb in _WORK_VERBS
    if verb in _NOT_TASK:
        return bool(_TASK_OBJECT.search(sentence)) and verb in _WORK_VERBS
    return True


def _is_hedged(text: str) -> bool:
    return bool(_HEDGE.search(text) or _NEGATED.search(text))


_ASK_LEAD = re.compile(
    r"^.*?\b(?:(?:can|could|would|will)\s+(?:you|your\s+team)|are\s+you\s+able\s+to|would\s+you\s+mind|please)"
    r"(?:\s+(?:two|both|all|guys))?(?:\s+(?:please|also|just|maybe|quickly))*\s+",
    _I,
)


def describe(text: str, due: DueDate | None, me: str | None = None) -> str:
    """A short imperative description; "send me" names the asker when it is known."""
    body = text
    if due is not None:
        # Drop the deadline (it has its own column) unless it is part of a word ("Thursday's").
        body = re.sub(re.escape(due.text) + r"(?!['\w])", " ", body, count=1)
    body = re.sub(
        r"^\W*(?:[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?,\s+)+", "", body.strip()
    )  # "Marcus, ..."
    asked = _ASK_LEAD.match(body)
    body = body[asked.end() :] if asked else _LEAD.sub("", body, count=1)
    body = re.sub(r"^(?:to\s+)", "", body.strip())
    if me:
        body = re.sub(r"^(\w+)\s+me\b", rf"\1 {me}", body)
    body = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s+", " ", body)).strip(" ,.;:!?-")
    body = re.sub(r"\s+(?:ok(?:ay)?|right|alright)$", "", body, flags=_I)
    if not body:
        body = text.strip(" ,.;:!?")
    if len(body) > 140:
        body = body[:137].rsplit(" ", 1)[0] + "..."
    return body[:1].upper() + body[1:]


def _first_sentence(transcript: Transcript, turn: int) -> Sentence | None:
    ss = sentences(turn, transcript.turns[turn].text)
    return ss[0] if ss else None


def _accepts(transcript: Transcript, turn: int, asker: str) -> Sentence | None:
    """The next turn's opening sentence when it is someone else saying yes, else None."""
    nxt = turn + 1
    if nxt >= len(transcript.turns) or transcript.turns[nxt].speaker == asker:
        return None
    first = _first_sentence(transcript, nxt)
    if first is None:
        return None
    head = first.text[:160]
    if _REFUSE.search(head) or _HEDGE.search(head) or not _ACCEPT.search(head):
        return None
    return first


def find_action_items(
    transcript: Transcript, people: People, meeting_date: dt.date | None
) -> list[ActionItem]:
    """Every action item the offline rules find, in transcript order."""
    found: list[_Found] = []
    consumed: set[tuple[int, int]] = set()
    turns = transcript.turns
    for i, turn in enumerate(turns):
        speaker = turn.speaker
        for sent in sentences(i, turn.text):
            if (sent.turn, sent.start) in consumed:
                continue
            for clause in clauses(sent) if len(sent.text) > 60 else [sent]:
                item = _classify(clause, sent, speaker, transcript, people)
                if item is None:
                    continue
                for extra, _ in item.extra:
                    consumed.add((extra.turn, extra.start))
                found.append(item)
    return _to_items(_dedupe(found), transcript, meeting_date)


def _classify(
    clause: Sentence, sent: Sentence, speaker: str, transcript: Transcript, people: People
) -> _Found | None:
    text = clause.text
    if _PAST.search(text) and not find_due(text, None):
        return None
    # "Someone should check the DPA" — owned only if the next speaker volunteers.
    m = _UNOWNED.search(text)
    if m and not sent.is_question:
        volunteer = _accepts(transcript, clause.turn, speaker)
        if volunteer is not None and re.search(
            r"\b(?:i|i'll|me|let\s+me|i\s+can)\b", volunteer.text, _I
        ):
            nxt = transcript.turns[clause.turn + 1].speaker
            return _Found(
                nxt,
                clause,
                speaker,
                [(volunteer, nxt)],
                [clause, volunteer],
                0.7,
                body=m.group("rest"),
            )
        return _Found(None, clause, speaker, confidence=0.6, body=m.group("rest"))
    # "Action item: Priya to send the deck" / "Priya to draft the brief" / "Raj and I will pair on it"
    label = _ACTION_LABEL.search(text)
    named = _NAMED.search(text)
    if named and len(re.findall(r"\w+", text[: named.start()])) > 3 and not named.group("a"):
        named = None  # "I end up telling Naomi to cut..." narrates; an assignment leads its clause
    if named:
        name = named.group("a") or named.group("b") or named.group("c") or named.group("d")
        owner = people.lookup(name) if name else None
        if owner is None and name:
            owner = people.function_owner(name)
        verb = named.group("verb") or named.group("verb2") or named.group("verb3")
        loose = bool(named.group("a") or named.group("c") or named.group("d"))
        work = loose or (verb is not None and verb.casefold() in _WORK_VERBS)
        if owner and work and not _is_hedged(text) and (not sent.is_question or named.group("a")):
            return _Found(owner, clause, speaker, confidence=0.8)
    if label and not _is_hedged(text):
        mentioned = people.mentioned(label.group("rest"))
        return _Found(
            mentioned[0] if mentioned else speaker,
            clause,
            speaker,
            confidence=0.75,
            body=label.group("rest"),
        )
    # "Shall I draft it?" — "Yes please."
    if _OFFER.search(text) and sent.is_question:
        if _SPEECH_ONLY.search(text) or _is_hedged(text) or " or " in text:
            return None
        ok = _accepts(transcript, clause.turn, speaker)
        if ok is not None:
            return _Found(
                speaker,
                clause,
                speaker,
                [(ok, transcript.turns[clause.turn + 1].speaker)],
                [clause],
                0.75,
            )
        return None
    # "Raj, can you pull the churn list?" — "Sure, Thursday."
    request = _REQUEST.search(text)
    if request and (
        sent.is_question or re.search(r"\bplease\b|\byou'll\b|\byou're\s+going\s+to\b", text, _I)
    ):
        after = re.findall(r"[a-z][a-z'-]*", text[request.end() :].casefold())[:3]
        verb = next(
            (
                w
                for w in after
                if w
                not in {"also", "just", "please", "maybe", "quickly", "two", "guys", "all", "both"}
            ),
            None,
        )
        if (
            _is_hedged(text)
            or len(text.split()) < 4
            or verb not in _WORK_VERBS
            or _SPEECH_ONLY.search(text)
        ):
            return None
        ok = _accepts(transcript, clause.turn, speaker)
        if ok is None:
            return None
        accepter = transcript.turns[clause.turn + 1].speaker
        reply = sentences(clause.turn + 1, transcript.turns[clause.turn + 1].text)[1:3]
        # "Sure. I'll have it to you by Friday." is the same item, with its date.
        same = [
            r
            for r in reply
            if not re.search(r"\b(?:also|another|separately|and\s+then)\b", r.text, _I)
        ]
        return _Found(
            accepter,
            clause,
            speaker,
            [(ok, accepter), *[(r, "") for r in same]],
            [clause, ok, *same],
            0.8,
        )
    # "I'll send the pack tomorrow" / "let me check with legal" / "we'll turn it around by Friday"
    strong = _STRONG.search(text)
    if (
        strong
        and text[: strong.start()].count("'") % 2 == 1
        and re.search(r"(?:^|\s)'", text[: strong.start()])
    ):
        strong = None  # inside quoted words ("the campaign line is 'We'll tell you first'")
    if strong and not sent.is_question and not _is_hedged(text) and not _CONDITIONAL.search(text):
        weak = bool(_WEAK_MARKERS.match(strong.group(0)))
        # "We can run ten versions a month" states a capability; with a date it is a promise.
        needs_date = bool(_CAPABILITY.match(strong.group(0)))
        if needs_date and find_due(text, None) is None:
            return None
        rest = text[strong.end() :]
        if strong.group(0).casefold().startswith("let") and len(re.findall(r"\w+", rest)) < 2:
            return None  # "Let me share." / "Let me check something." act in the meeting itself
        if _verb_ok(text[strong.start() :], strong.group(1), weak):
            subject = strong.group(0).split()[0].casefold()
            owner = speaker
            if subject in {"we'll", "we"}:
                joint = re.search(r"\b([A-Z][\w'-]+)\s+and\s+I\b", text)
                if joint and people.lookup(joint.group(1)):
                    owner = people.lookup(joint.group(1)) or speaker
            return _Found(owner, clause, speaker, confidence=0.7 if weak else 0.85)
    # A bare "I'll take that" answers the previous turn's ask.
    if _TAKE_IT.search(text) and clause.turn > 0 and not sent.is_question:
        prev = transcript.turns[clause.turn - 1]
        if prev.speaker != speaker:
            ps = sentences(clause.turn - 1, prev.text)
            # Only an ask can be taken: a question or a request, not any remark before it.
            if ps and (
                ps[-1].is_question or _REQUEST.search(ps[-1].text) or _UNOWNED.search(ps[-1].text)
            ):
                ask = ps[-1]
                return _Found(speaker, ask, prev.speaker, [(clause, speaker)], [ask, clause], 0.7)
    return None


_ANAPHORIC = re.compile(
    r"\b(?:do|send|get|have|bring|put|take|share|circulate|forward|finish|fold)\s+(?:it|that|them|this|those|one)\b",
    _I,
)


def _dedupe(found: list[_Found]) -> list[_Found]:
    """Drop a restatement: same owner, mostly the same words, or "I'll send it" right after the item."""
    kept: list[_Found] = []
    for f in found:
        follow_up = next(
            (
                k
                for k in reversed(kept)
                if k.owner == f.owner
                and 0 <= f.sentence.turn - k.sentence.turn <= 3
                and _ANAPHORIC.search(f.sentence.text)
            ),
            None,
        )
        if follow_up is not None:
            follow_up.due_source.append(f.sentence)
            continue
        words = set(re.findall(r"[a-z]{4,}", f.sentence.text.casefold()))
        duplicate = False
        for k in kept:
            if k.owner != f.owner:
                continue
            kw = set(re.findall(r"[a-z]{4,}", k.sentence.text.casefold()))
            if (
                words
                and kw
                and len(words & kw) / min(len(words), len(kw)) >= 0.8
                and ((k.sentence.turn, k.sentence.start) != (f.sentence.turn, f.sentence.start))
            ):
                duplicate = True
                break
            if (k.sentence.turn, k.sentence.start, k.sentence.end) == (
                f.sentence.turn,
                f.sentence.start,
                f.sentence.end,
            ):
                duplicate = True
                break
        if not duplicate:
            kept.append(f)
    return kept


_PERIOD_ONLY = re.compile(
    r"^(?:in\s+|for\s+)?(?:q[1-4]|h[12]|this\s+quarter|next\s+quarter|this\s+year|next\s+year)\b",
    _I,
)


def best_due(text: str, meeting_date: dt.date | None) -> DueDate | None:
    """The phrase that reads as the deadline: a day beats a bare period ("for Q1 ... tomorrow")."""
    found = find_all_due(text, meeting_date)
    if not found:
        return None
    days = [d for d in found if not _PERIOD_ONLY.match(d.text)]
    return (days or found)[0]


def _due_sources(f: _Found, transcript: Transcript) -> list[str]:
    """Where to look for the deadline: the clause, its sentence, what follows it, then the reply."""
    sources = [f.sentence.text]
    for s in f.due_source:
        sources.append(s.text)
    turn = transcript.turns[f.sentence.turn].text
    sources.append(turn[f.sentence.start :][:300])
    for extra, _ in f.extra:
        reply = transcript.turns[extra.turn].text
        sources.append(reply[extra.start :][:300])
    return sources


def _to_items(
    found: list[_Found], transcript: Transcript, meeting_date: dt.date | None
) -> list[ActionItem]:
    items = []
    for f in found:
        due = None
        for source in _due_sources(f, transcript):
            due = best_due(source, meeting_date)
            if due is not None:
                break
        evidence = [Evidence(turn=f.sentence.turn, speaker=f.speaker, quote=f.sentence.text)]
        evidence += [
            Evidence(turn=s.turn, speaker=who, quote=s.text)
            for s, who in f.extra
            if who and (s.turn, s.start) != (f.sentence.turn, f.sentence.start)
        ]
        # In an accepted request, "send me" names the person who asked; "you" stays as said,
        # because who "you" is cannot be told reliably from turn order.
        asker = f.speaker if f.owner is not None and f.owner != f.speaker else None
        items.append(
            ActionItem(
                id="",
                description=describe(
                    f.body or f.sentence.text,
                    due if not f.body else None,
                    me=asker.split()[0] if asker else None,
                ),
                owner=f.owner,
                due=due.date if due else None,
                due_text=due.text if due else None,
                evidence=evidence,
                confidence=f.confidence,
            )
        )
    return items
