"""Offline linking: which earlier commitments a meeting says are done, slipped, dropped or open.

Each unit of speech is read for a status cue ("went back signed", "needs another week, call it the
22nd", "we can forget the second workshop"), then tied to the open commitment it speaks of by the
words it shares with the promise (in the unit, or in the question it answers: "Raj, the access
review?" / "Done.") and by its owner. A unit with no shared words links to nothing: an item nobody
mentions stays open.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from coach.engines.offline.duedates import find_due
from coach.engines.offline.features import CONTENT_STOP
from coach.engines.offline.normalize import Unit, units_of
from coach.models import Evidence, Meeting, OpenCommitment, Progress, StatusUpdate, Transcript
from coach.names import first_name

_NOT_YET = (
    r"(?:n't|not|never|nobody|no one|nothing|yet|almost|nearly|hopefully|once|until|when|if|"
    r"still|could|would|might|may|maybe|whether|before|need|needs|waiting|pending)"
)
_FUTURE = r"(?:will|'ll|going to|gonna|should|shall|hope to|plan to|aim to|by|can)"
# Said of a finished piece of work. The past participle alone is not enough ("it will be signed").
_DONE = re.compile(
    r"\b(?:done|sorted|finished|complete[d]?|closed(?: out| off)?|shipped|is live|went live|"
    r"are live|it's live|that's live|live now|live since|landed|delivered|signed(?: off)?|"
    r"went (?:out|back|over|round|through|live|to)|sent(?: it| them| that| round| over| out| off)?|"
    r"submitted|wrapped(?: up)?|ticked off|in place|approved|merged|published|launched|rolled out|"
    r"out the door|over the line|taken care of|cleared|fixed|resolved|came back|came through|"
    r"got (?:it |that |them )?(?:signed|done|sorted|approved|back)|has had|have had|"
    r"nailed|handed (?:it |that )?over|set up|up and running|finalised|finalized|booked|"
    r"uploaded|shared|circulated|turned (?:it |that )?on|switched (?:it |that )?on|loaded|"
    r"(?:has|have) (?:been )?(?:checked|confirmed|agreed|tested|reviewed|written)|signed \w+ off|"
    r"checked|confirmed|spoke to|talked to|met with|walked .{1,20} through)\b"
)
# Said of work that will be late; the weaker words count only beside a new time.
_SLIPPED = re.compile(
    r"\b(?:slip(?:ped|ping|s)?|push(?:ed|ing)? (?:it |that |this |them )?(?:back|out|to|into)|"
    r"(?:has |have |been )?moved(?: again)?|mov(?:e|ing) (?:it |that |this )?(?:to|back)|"
    r"delay(?:ed|ing)?|running late|late on|"
    r"another (?:week|couple of (?:days|weeks)|few days|fortnight|sprint)|a few more days|"
    r"(?:needs?|needed|need) (?:more|another|a (?:bit|little) (?:more|longer)|extra|until) |"
    r"won't make|not (?:gonna|going to) make|didn't make|missed|behind|bump(?:ed)? (?:it )?to|"
    r"reschedul\w*|new date|take (?:a bit )?longer|not finished|isn't finished|not there yet|"
    r"not ready)\b"
)
_SLIPPED_NEAR_DATE = re.compile(
    r"\b(?:call it|realistically|more like|now|at the earliest|let's say|say|instead|reckons?|"
    r"looking like|going to be|gonna be|will be|'ll be|expecting|till|until|after|late|later|"
    r"moves?|rolls? into|spill\w* into|slid|bumped|miss(?:es|ed)?|won't be ready|isn't going to be|"
    r"not going to be|one more|didn't get to|only through)\b"
)
_DROPPED = re.compile(
    r"\b(?:forget (?:about )?(?:it|that|the|this|those)|not needed|(?:no longer|not) (?:need(?:ed)?|"
    r"necessary|relevant|required)|(?:drop|kill|scrap|cancel|bin|shelve|park|ditch|shelf) "
    r"(?:it|that|this|those)|(?:kill|scrap|cancel|shelve|park|ditch) the|(?:kill|scrapp|cancell?|binn|shelv|park|ditch|descop)ed|"
    r"descope|let (?:it|that|this) go|not doing (?:it|that|this)|off the list|(?:won't|no need to) "
    r"bother|no point|not worth|moot|dead in the water|off the table|abandon(?:ed)?|"
    r"don't need (?:it|that|this|the)|nobody needs|we'll skip|skip (?:it|that|the)|"
    r"take (?:it|that|the .{1,30}) off|dropp(?:ed|ing) (?:it|that|this|them)|(?:is|are|was|been|'s) "
    r"dropped|drop it|(?:is|are|'s|that's) (?:off|cut|dead|"
    r"a no|a non-starter)|decided not to|agreed not to|no need for|non-starter|pointless|retired|"
    r"given up|gave up|off (?:my|the|our) (?:list|plan|roadmap)|off the plan|struck off|"
    r"stopp(?:ed|ing) (?:it|that|the|work)|not (?:going ahead|happening)|won't be (?:doing|needed))\b"
)
# A plain report in the past tense ("Ran the dedupe", "Kate tested it on four phones") says work is
# finished; it counts only with the commitment's own words in it.
_PAST = re.compile(
    r"\b(?:ran|wrote|got|made|gave|sent|did|put|took|built|met|spoke|told|found|brought|paid|"
    r"caught|kept|held|sold|saw|heard|[a-z]{3,}ed)\b|\b(?:is|are|'s) (?:in|up|live|out|through|"
    r"locked|approved|signed)\b|\ball (?:fine|good|green|answered)\b"
)
_NOT_PAST = frozenset(
    [
        "need",
        "needed",
        "based",
        "used",
        "interested",
        "concerned",
        "supposed",
        "worried",
        "scheduled",
        "planned",
        "expected",
        "wanted",
        "asked",
        "decided",
        "agreed",
        "started",
        "delayed",
        "moved",
        "pushed",
        "bumped",
        "dropped",
        "stopped",
        "cancelled",
        "missed",
        "slipped",
        "blocked",
        "discussed",
        "talked",
        "mentioned",
        "raised",
        "flagged",
        "suggested",
        "proposed",
        "hoped",
        "tried",
        "waited",
        "assumed",
        "seemed",
        "looked",
        "sounded",
        "red",
        "bed",
        "shed",
        "need",
        "embed",
        "speed",
        "feed",
    ]
)
_OPEN = re.compile(
    r"\b(?:on track|in progress|working on|halfway|half way|underway|under way|still (?:on|going|"
    r"working|chasing|waiting)|nearly there|almost there|coming along|in hand|progressing|"
    r"in flight|in review|with legal|waiting on|chasing)\b"
)
# "we're done" closes a meeting, not a piece of work.
_CLOSING = re.compile(
    r"\b(?:we're|we are|i'm|i am|i think we're) done(?: here| for today)?$|meeting is closed|"
    r"off my plate"
)
# Part of the work: "six of twelve touchpoints are drafted", "the data model part is finished,
# the rest not yet", "steps one to three are tracked".
_PARTIAL = re.compile(
    r"\b(?:\w+ (?:of|out of) (?:the )?\w+ (?:are|is|have|has|were)|steps? \w+ (?:to|and) \w+|"
    r"(?:part|half|some|most) (?:of (?:it|them|the \w+) )?(?:is|are|'s|was|were) (?:done|finished|"
    r"in|live|built|drafted)|not yet|half done|partly|partially|the rest)\b"
)
_HEDGED_DONE = re.compile(rf"\b{_NOT_YET}\b|n't\b|\b{_FUTURE}\b")
# Someone else's share of the work: "the vendor finished their part".
_THEIR_PART = re.compile(r"\b(?:their|its|his|her) (?:part|side|bit|end|piece|half)\b")
# A fresh promise ("I'll ask them to put the new date in writing") is no slip by itself.
# Speech-to-text drops apostrophes: "ill send", "im going to".
_PROMISE = re.compile(
    r"\b(?:i'll|ill|i will|we'll|we will|i'm going to|im going to|we're going to|were going to|"
    r"let me|i can|we can)\b"
)
_EXPLICIT_SLIP = re.compile(
    r"\b(?:slip\w*|push\w* (?:it |that |this )?(?:back|out|to)|delay\w*|another (?:week|few days|"
    r"couple)|(?:more|extra) time|won't make|not (?:gonna|going to) make|move (?:it|that) to)\b"
)
_QUESTION_ONLY = re.compile(r"\?\s*$")
_STOP = CONTENT_STOP | {
    "i'll",
    "i'm",
    "we're",
    "done",
    "next",
    "week",
    "friday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "today",
    "tomorrow",
    "send",
    "sent",
    "take",
    "look",
    "work",
    "check",
    "still",
    "thing",
    "things",
    "stuff",
    "sorted",
    "back",
    "already",
    "some",
    "able",
    "much",
    "more",
    "other",
    "before",
    "after",
    "them",
    "here",
    "where",
    "over",
    "good",
    "great",
    "yeah",
    "yep",
}


def stem(word: str) -> str:
    """A crude stem, enough to match "signing", "signed" and "sign"."""
    word = word.strip("'").removesuffix("'s")
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


# Three letters can name the work ("map", "crm", "sso", "app"); these three-letter words do not.
_SHORT_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "but",
        "you",
        "was",
        "are",
        "not",
        "can",
        "get",
        "got",
        "all",
        "one",
        "two",
        "its",
        "our",
        "out",
        "new",
        "now",
        "way",
        "who",
        "how",
        "why",
        "yes",
        "see",
        "say",
        "let",
        "put",
        "set",
        "did",
        "has",
        "had",
        "him",
        "her",
        "his",
        "she",
        "they",
        "any",
        "too",
        "off",
        "own",
        "per",
        "via",
        "yet",
        "ago",
        "few",
        "lot",
        "bit",
        "big",
        "end",
        "day",
        "use",
        "may",
        "try",
        "ask",
        "due",
        "fine",
        "okay",
        "sure",
        "good",
        "week",
    ]
)


def content(words: Sequence[str]) -> set[str]:
    """The stems of the words that say what a promise or a remark is about."""
    return {
        stem(w)
        for w in words
        if (len(w) >= 4 or (len(w) == 3 and w not in _SHORT_STOP))
        and w not in _STOP
        and w.isascii()
        and w[:1].isalpha()
    }


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z][a-z0-9'-]*", text.replace("\u2019", "'").casefold())


@dataclass
class _Cue:
    status: Progress
    unit: Unit


# What a unit says before it is tied to a commitment: a status, "moved" (a new time with words
# that may mean a slip: a slip only if the time is later than the due date), or "reported" (a
# plain past-tense report: done only if it names the work itself).
Cue = Literal["done", "slipped", "moved", "dropped", "open", "reported"]


def _cue(u: Unit, dated: bool) -> Cue | None:
    """What a unit of speech states, if anything; `dated` when it names a time."""
    text = u.norm
    if _DROPPED.search(text) and not u.question:
        return "dropped"
    if _PARTIAL.search(text):
        return "open"
    m = _DONE.search(text)
    if (
        m
        and not _HEDGED_DONE.search(text[: m.start()])
        and not u.question
        and not _CLOSING.search(text)
        and not _THEIR_PART.search(text, m.end())
    ):
        return "done"
    strong = _SLIPPED.search(text)
    weak = dated and _SLIPPED_NEAR_DATE.search(text)
    slip = strong or weak
    if (
        slip
        and not u.question
        and not re.search(r"\b(?:if|when|unless|once)\b", text[: slip.start()])
        and (not _PROMISE.search(text) or _EXPLICIT_SLIP.search(text))
    ):
        return "slipped" if strong else "moved"
    if _OPEN.search(text):
        return "open"
    past = next((m for m in _PAST.finditer(text) if m.group(0) not in _NOT_PAST), None)
    if (
        past
        and not u.question
        and not _HEDGED_DONE.search(text)
        and not _PROMISE.search(text)
        and not _THEIR_PART.search(text)
    ):
        return "reported"
    return None


def _topic(c: OpenCommitment) -> set[str]:
    return content(_words(f"{c.description} {c.quote or ''}"))


def link(
    transcript: Transcript, meeting: Meeting, commitments: Sequence[OpenCommitment]
) -> list[StatusUpdate]:
    """What this meeting says about each earlier commitment it speaks of (at most one each)."""
    if not commitments:
        return []
    units = units_of([(t.speaker, t.text) for t in transcript.turns])
    topics = {c.id: _topic(c) for c in commitments}
    # A word most commitments share ("review", "deck") says little about which one is meant.
    spread = Counter(w for topic in topics.values() for w in topic)
    by_turn: dict[int, list[Unit]] = {}
    for u in units:
        by_turn.setdefault(u.turn, []).append(u)
    found: dict[str, tuple[_Cue, float]] = {}
    for u in units:
        when = find_due(u.quote, meeting.date)
        cue = _cue(u, when is not None)
        if cue is None:
            continue
        own = content(u.tokens)
        turn = by_turn[u.turn]
        place = turn.index(u)
        # The topic may sit beside it in the same turn ("It's closed. The review came back
        # clean"), or, for a short answer, in the question this turn answers.
        near = [w for b in turn[max(0, place - 2) : place + 2] if b is not u for w in b.tokens]
        if place < 2 and u.turn > 0 and len(u.tokens) < ANSWER_TOKENS:
            near += [w for b in by_turn.get(u.turn - 1, [])[-2:] for w in b.tokens]
        around = content(near) - own
        best: tuple[bool, float, OpenCommitment] | None = None
        for c in commitments:
            topic = topics[c.id]
            named = sum(1 / spread[w] for w in own & topic)
            shared = named + 0.6 * sum(1 / spread[w] for w in around & topic)
            if shared <= 0:
                continue
            score = shared
            if c.owner and (u.speaker == c.owner or _named(c.owner, u, near)):
                score += 0.5
            # A commitment the unit names itself beats one only the turns around it name.
            if best is None or (named > 0, score) > best[:2]:
                best = (named > 0, score, c)
        if best is None or best[1] < THRESHOLD:
            continue
        _, score, c = best
        status: Progress
        if cue == "reported":
            # A past-tense report counts when it names the work and comes from, or names, its owner.
            by_owner = c.owner is not None and (u.speaker == c.owner or _named(c.owner, u, near))
            if not (own & topics[c.id] and by_owner):
                continue
            status = "done"

        elif cue == "moved":
            # "It'll be done by Friday" is a slip only when Friday is later than it was due.
            day = when.date if when is not None else None
            status = "slipped" if day and (c.due is None or day > c.due) else "open"
        else:
            status = cue
        previous = found.get(c.id)
        # Later word wins, but "still on track" never undoes a "done" said earlier in the meeting.
        if previous is None or status != "open" or previous[0].status == "open":
            found[c.id] = (_Cue(status, u), score)
    updates: list[StatusUpdate] = []
    for c in commitments:
        if c.id not in found:
            continue
        said, score = found[c.id]
        new_due, new_text = None, None
        if said.status == "slipped":
            # The new time may come a sentence later: "It needs a few more days. Call it the 17th."
            rest = by_turn[said.unit.turn]
            for after in rest[rest.index(said.unit) : rest.index(said.unit) + 3]:
                due = find_due(after.quote, meeting.date)
                if due is not None:
                    new_due, new_text = due.date, due.text
                    break
        updates.append(
            StatusUpdate(
                commitment=c.id,
                status=said.status,
                new_due=new_due,
                new_due_text=new_text,
                evidence=[
                    Evidence(turn=said.unit.turn, speaker=said.unit.speaker, quote=said.unit.quote)
                ],
                confidence=round(min(0.95, 0.4 + score / 4), 3),
            )
        )
    return updates


THRESHOLD = 0.6
# A unit this short at the start of a turn may be an answer: the turn before gives its topic.
ANSWER_TOKENS = 12


def _named(owner: str, u: Unit, near: Sequence[str]) -> bool:
    first = first_name(owner)
    return bool(first) and (first in u.tokens or first in near)


def same_commitment(c: OpenCommitment, owner: str | None, words: str) -> bool:
    """A new action item that re-states an open commitment (same owner, mostly the same words)."""
    topic = _topic(c)
    if not topic or (owner and c.owner and owner != c.owner):
        return False
    shared = topic & content(_words(words))
    return len(shared) >= 2 and len(shared) >= 0.5 * min(len(topic), 6)
