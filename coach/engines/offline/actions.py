"""Action items: units the scorer reads as commitments, with owner, due date and evidence.

Each unit of speech is scored by the learned commitment model. A picked unit becomes an item; the
words around it supply what one unit cannot: who accepted a request, the ask that "leave it with
me" answers, and a deadline said a sentence later.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from coach.engines.offline.duedates import DueDate, find_all_due
from coach.engines.offline.events import event_dates, event_due
from coach.engines.offline.features import (
    _ACCEPT,
    _I_WILL,
    _REFUSE,
    _REQUEST,
    _UNOWNED,
    _YOU_WILL,
    CONTENT_STOP,
    Context,
    extract,
)
from coach.engines.offline.model import Binary
from coach.engines.offline.normalize import Unit
from coach.engines.offline.strength import find_condition, strength_of, without_condition
from coach.engines.offline.text import describe
from coach.models import ActionItem

_JOINT = re.compile(r"\b([A-Za-z][\w'-]+) and I\b")
_DOER = re.compile(r"\b([A-Z][\w'-]+)(?: [A-Z][\w'-]+)? (?:to|will|'ll|is going to|is gonna)\b")
# A recap in the present tense: "Rafael sends the deck Wednesday", "Mia and Dev do the calendars".
_PRESENT_DOER = re.compile(
    r"^(?:(?:so|and|then|okay|ok|right)[,]?\s+)*([A-Z][\w'-]+)(?:\s+and\s+[A-Z][\w'-]+)?\s+"
    r"(?:[a-z]+s|do|does|has|owns)\b"
)
_FOR_NAME = re.compile(
    r"\b(?:action items?|action point|next step|to-?do|homework)\s+(?:for|on)\s+([A-Z][\w'-]+)",
    re.IGNORECASE,
)
# Only "it"/"that" as the object: a follow-up to the task just taken, not a new one.
_ANAPHORIC = re.compile(
    r"\b(?:do|send|get|have|bring|put|take|share|circulate|forward|finish|turn|update|fix|book)\s+"
    r"(?:it|that|them|this|those|one)\b(?:\s+(?:over|across|out|back|round|around|done))?"
)
_FUNCTION_DOER = re.compile(
    r"\b(?:the )?(IT|engineering|marketing|security|tech|the platform team|the it team|"
    r"the engineering team|the marketing team|CIO|CTO|CMO|CEO)(?: team)? (?:will|'ll|to|is going to)\b",
    re.IGNORECASE,
)
# The task handed to the person addressed: "I'll need you to add us", "you decide", "your call".
_HANDED_TO_YOU = re.compile(
    r"\b(?:(?:i|we)(?:'ll| will| would|'d)? (?:need|want|like) you to|you decide|you pick|you choose|"
    r"you make the call|(?:it's|that's) your call)\b"
)
# A name said first, then an order: "Declan, put the rule in the pack", "Lotte, tell the managers",
# or a need: "Joel, I'll need the revenue range".
_VOCATIVE_ORDER = re.compile(
    r"^(?:(?i:ok|okay|so|and|right|then|fine|good|great),?\s+)*([A-Z][\w'-]+),\s+(?:please\s+)?"
    r"(?:put|tell|send|check|ask|draft|write|make|take|get|book|set|share|bring|call|email|ping|"
    r"loop|look|pull|add|update|confirm|sort|chase|give|run|prepare|schedule|find|do|pick|decide|"
    r"choose|talk|brief|fix|move|build|test|review|circulate|own|let"
    # "Lucas, I will also need the consent screen": the one named delivers what is needed
    r"|[Ii](?:'ll|\s+will|'d|\s+would)?\s+(?:also\s+|still\s+)?(?:need|want)(?!\s+to\b))\b"
)
# A name said first, then a question or "you": "Mateo, can we get it into a release?", "Tom, you
# and Serena take it to the board", "Katharina, I would ask you to bring the plan".
_VOCATIVE_ASK = re.compile(
    r"^(?:(?i:ok|okay|so|and|right|then|fine|good|great|also),?\s+)*([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)"
    r"(?:,\s+[A-Z][\w'-]+)?(?:\s+and\s+[A-Z][\w'-]+)?,\s+(.+)"
)
_ASKS_YOU = re.compile(r"\b(?:you|your)\b|\?\s*$", re.IGNORECASE)
# ...unless the speaker takes it ("Lotte, I'll walk you through it") or only offers ("Marcus, the
# demo's on my laptop whenever you want").
_NEEDS_FROM_YOU = re.compile(
    r"\bi(?:'d| would| will|'ll)? (?:ask|need|want|like) (?:from )?(?:you|your)\b", re.IGNORECASE
)
_IF_YOU_WANT = re.compile(
    r"\b(?:if|whenever|when) you (?:want|like|need|give|send)\b", re.IGNORECASE
)
# A need or an order with no doer in it ("send me the exact number", "I'd like it in writing") is
# owned by whoever takes it on in the next turn; a line with the speaker in it as the doer is not.
_SELF = re.compile(
    r"\b(?:i'll|we'll|i'd|we'd|i'm|we're|i|we|my team|my lot|my people|our team)(?![\w'])"
    r"(?!\s+(?:also\s+|still\s+|really\s+)?(?:need|needs|like|want|would like)\b)"
)
_ASKING = re.compile(r"\b(?:can|could|may|shall|might) (?:we|i)\b")  # "can we get...?" asks
_TAKES_IT = re.compile(r"\b(?:i'll|i will|let me|i can|will do|on it|leave it with me)\b")
_PERIOD_ONLY = re.compile(
    r"^(?:in\s+|for\s+)?(?:q[1-4]|h[12]|this\s+quarter|next\s+quarter|this\s+year|next\s+year)\b",
    re.IGNORECASE,
)


def score_units(ctx: Context, model: Binary, vocab: frozenset[str] | None) -> list[float]:
    """The commitment probability of every unit."""
    return [model.prob(extract(u, ctx, vocab)) for u in ctx.units]


def _owner(u: Unit, ctx: Context) -> tuple[str | None, list[Unit]]:
    """Who owns the task in `u`, and the units that show it was taken on."""
    owner, units = _owner_from_words(u, ctx)
    if owner not in (None, u.speaker):
        return owner, units
    nxt = ctx.next_turn_first(u)
    taker = (  # another voice that says yes at the start of the next turn
        nxt
        if nxt is not None
        and nxt.speaker != u.speaker
        and _ACCEPT.search(nxt.norm)
        and not _REFUSE.search(nxt.norm)
        else None
    )
    asked = _asked_by_name(u, ctx)
    if asked is not None:
        if taker is not None:
            # "Sanjay, can someone on your side...?" / "I'll do it."
            return taker.speaker, [u, taker]
        return asked, [u]
    if (
        taker is not None
        and owner == u.speaker
        and _TAKES_IT.search(taker.norm)
        and not _SELF.search(_ASKING.sub("", u.norm))
    ):
        # a short "Sure, I'll do it" is part of the item; a long answer is an item of its own
        return taker.speaker, [u, taker] if len(taker.tokens) <= 10 else [u]
    return owner, units


def _asked_by_name(u: Unit, ctx: Context) -> str | None:
    """The participant a unit that opens with their name asks something of, if it does."""
    m = _VOCATIVE_ASK.match(u.quote)
    if m is None:
        return _asked_unpunctuated(u, ctx)
    rest = m.group(2)
    if not _ASKS_YOU.search(rest) or _IF_YOU_WANT.search(rest):
        return None
    if _I_WILL.search(rest.lower()) and not _NEEDS_FROM_YOU.search(rest):
        return None
    called = ctx.roster.lookup(m.group(1))
    return called if called is not None and called != u.speaker else None


# Speech-to-text drops the comma and the capital: "bruno you handle the demo build".
_BARE_VOCATIVE = re.compile(
    r"^(?:(?:ok|okay|so|and|right|then|also) )*([a-z][\w'-]+) (?:you|your)\b(?! know| see| mean)"
)


def _asked_unpunctuated(u: Unit, ctx: Context) -> str | None:
    """The participant an unpunctuated unit opens with, when "you" follows their name."""
    m = _BARE_VOCATIVE.match(u.norm)
    if m is None or "i" in u.tokens or _I_WILL.search(u.norm):  # "...and i check it": theirs
        return None
    called = ctx.roster.lookup(m.group(1))
    return called if called is not None and called != u.speaker else None


def _owner_from_words(u: Unit, ctx: Context) -> tuple[str | None, list[Unit]]:
    """The owner the unit's own words and its neighbours' show, else its speaker."""
    roster = ctx.roster
    nxt = ctx.next_turn_first(u)
    accepted = nxt is not None and bool(_ACCEPT.search(nxt.norm)) and not _REFUSE.search(nxt.norm)
    prev = ctx.prev_turn_last(u)
    if (
        prev is not None
        and len(u.tokens) <= 10
        and (prev.question or _REQUEST.search(prev.norm) or _UNOWNED.search(prev.norm))
        and (_I_WILL.search(u.norm) or _ACCEPT.search(u.norm))
    ):
        return u.speaker, [prev, u]  # "Leave it with me." after "who can chase them?"
    if _UNOWNED.search(u.norm):
        if accepted and nxt is not None and re.search(r"\b(?:i|i'll|me|let me|i can)\b", nxt.norm):
            return nxt.speaker, [u, nxt]
        return None, [u]
    if _REQUEST.search(u.norm) and not _I_WILL.search(
        u.norm.split(" you ", 1)[0] if " you " in u.norm else ""
    ):
        named = roster.mentioned(u.quote, exclude=u.speaker)
        if accepted and nxt is not None:
            return nxt.speaker, [u, nxt]
        taken = _taken_on(u, ctx)
        if taken is not None:  # "He's slammed with the load test, I'll do it. Monday okay?"
            return taken.speaker, [u, taken]
        if len(named) == 1:
            return named[0], [u]
        following = nxt.speaker if nxt is not None else None
        return roster.addressee(u.speaker, u.quote, prev.speaker if prev else None, following), [u]
    label = _FOR_NAME.search(u.quote)
    if label and roster.lookup(label.group(1)):
        return roster.lookup(label.group(1)), [u]  # "Action item for Priya: draft the copy"
    present = _PRESENT_DOER.search(u.quote)
    if present and roster.lookup(present.group(1)):
        return roster.lookup(present.group(1)), [u]
    joint = _JOINT.search(u.quote)
    if joint and roster.lookup(joint.group(1)):
        return roster.lookup(joint.group(1)), [u]
    for m in _DOER.finditer(u.quote):
        doer = roster.lookup(m.group(1))
        if doer is not None and doer != u.speaker:
            return doer, [u]
    vocative = _VOCATIVE_ORDER.search(u.quote)
    if vocative and (called := roster.lookup(vocative.group(1))) and called != u.speaker:
        return called, [u]
    fn = _FUNCTION_DOER.search(u.quote)
    if fn and not _I_WILL.search(u.norm):
        return roster.function_owner(fn.group(1)) or fn.group(1), [u]
    if _HANDED_TO_YOU.search(u.norm) or (_YOU_WILL.search(u.norm) and not _I_WILL.search(u.norm)):
        return roster.addressee(
            u.speaker, u.quote, prev.speaker if prev else None, nxt.speaker if nxt else None
        ), [u]
    return u.speaker, [u]


def _taken_on(u: Unit, ctx: Context) -> Unit | None:
    """A promise later in the reply to a request: "Actually I've got those. I'll forward them today."."""
    reply = ctx.turn_units(u.turn + 1)
    if not reply or reply[0].speaker == u.speaker or any(_REFUSE.search(x.norm) for x in reply[:1]):
        return None
    return next(
        (x for x in reply[:3] if _I_WILL.search(x.norm) and not _REFUSE.search(x.norm)), None
    )


# A long meeting where few units pass the threshold is more likely under-read than empty: the
# strongest candidates are taken up to one per this many words (AMI design meetings are like that).
WORDS_PER_ACTION = 800
# A floor candidate scores at least threshold / this. Chosen on the AMI fit part (4.6-5.1 actions per
# meeting, the bar allows 6); the development meetings are too short for the floor to act.
ACTION_FLOOR_DEPTH = 6


def recall_floor(
    ctx: Context, probs: Sequence[float], threshold: float, per_words: int, depth: float = 3
) -> set[int]:
    """Indices of the best units below the threshold that fill a long meeting up to its floor."""
    words = sum(len(u.tokens) for u in ctx.units)
    want = words // per_words
    above = sum(1 for p in probs if p >= threshold)
    if want <= above:
        return set()
    below = sorted(
        (
            (p, u.index)
            for u, p in zip(ctx.units, probs, strict=True)
            if threshold / depth <= p < threshold
        ),
        reverse=True,
    )
    return {i for _, i in below[: want - above]}


def _condition_before(u: Unit, ctx: Context) -> tuple[str, int, int] | None:
    """A condition said as its own unit just before the promise: "if legal signs off | I'll ship"."""
    same = ctx.turn_units(u.turn)
    at = same.index(u)
    if at == 0:
        return None
    found = find_condition(same[at - 1].quote)
    return found if found is not None and found[1] <= 3 else None


def _condition_of_next(u: Unit, ctx: Context, probs: Sequence[float], threshold: float) -> bool:
    """Is the unit only the condition of the promise after it in the same turn?"""
    same = ctx.turn_units(u.turn)
    at = same.index(u)
    if at + 1 >= len(same):
        return False
    nxt = same[at + 1]
    return probs[nxt.index] >= threshold and _condition_before(nxt, ctx) is not None


_THANKS = re.compile(
    r"^\W*(?:thanks|thank you|cheers|appreciated?|great|perfect|brilliant|lovely)\b"
)


def _spoken_to(u: Unit, ctx: Context) -> str | None:
    """The first name "you" stands for, only when it is clear: named in the unit, or the one person
    who spoke just before and just after. A wrong name is worse than "you"."""
    named = ctx.mentioned(u)
    if len(named) == 1:
        return named[0].split()[0]
    prev, nxt = ctx.prev_turn_last(u), ctx.next_turn_first(u)
    if prev is not None and nxt is not None and prev.speaker == nxt.speaker:
        return prev.speaker.split()[0]
    if nxt is not None and (_THANKS.match(nxt.norm) or _ACCEPT.match(nxt.norm)):
        return nxt.speaker.split()[0]  # who says "thanks" to a promise is who it was made to
    return None


def _refused(u: Unit, ctx: Context) -> bool:
    nxt = ctx.next_turn_first(u)
    return nxt is not None and bool(_REFUSE.search(nxt.norm)) and not _ACCEPT.search(nxt.norm)


def best_due(text: str, meeting_date: dt.date | None) -> DueDate | None:
    """The phrase that reads as the deadline: a day beats a bare period ("for Q1 ... tomorrow"), and
    a date outside the promise's condition beats one inside it."""
    found = find_all_due(text, meeting_date)
    if not found:
        return None
    days = [d for d in found if not _PERIOD_ONLY.match(d.text)] or found
    # A date inside the condition is the condition's ("if it lands today I can have it by Friday").
    cond = find_condition(text)
    own = [d for d in days if cond is None or not cond[1] <= d.start < cond[2]]
    return (own or days)[0]


def _due(
    units: list[Unit],
    ctx: Context,
    turns: list[str],
    meeting_date: dt.date | None,
    owner: str | None,
) -> DueDate | None:
    """The deadline: in the item's own words (the promiser's first: "by Thursday?" / "I'll have it
    Wednesday" is due Wednesday), then just after them in the turn, then in the reply, then in the
    next turn when the one asked answers it ("Raj, can you...?" / "Realistically the twelfth."),
    then the date of an event it hangs on."""
    ordered = sorted(units, key=lambda u: u.speaker != owner)
    sources = [u.quote for u in ordered]
    if owner is None:
        # "Someone needs to tell support the launch moved to the 9th": with nobody taking it, the
        # dates around it are the news, not a deadline; only its own words can set one.
        return next(filter(None, (best_due(x, meeting_date) for x in sources)), None)
    first = units[0]
    sources.append(turns[first.turn][first.start :][:300])
    for u in units[1:]:
        sources.append(turns[u.turn][u.start :][:300])
    for source in sources:
        due = best_due(source, meeting_date)
        if due is not None:
            return due
    last = max(units, key=lambda u: u.index)
    answer = ctx.next_turn_first(last)
    if answer is not None and answer.speaker == owner:
        due = best_due(turns[answer.turn][:200], meeting_date)
        if due is not None:
            return due
    if meeting_date is None:
        return None
    # Last, an event the meeting dated elsewhere: "before the June steering" (said: "the June
    # steering is Thursday, June 4th").
    events = ctx.memo("events", ctx.units[0], lambda: event_dates(turns, meeting_date))
    return next(filter(None, (event_due(x.quote, events) for x in units)), None)


def find_action_items(
    ctx: Context,
    model: Binary,
    turns: list[str],
    meeting_date: dt.date | None,
    vocab: frozenset[str] | None = None,
    probs: Sequence[float] | None = None,
) -> list[ActionItem]:
    """Every unit the model picks, as an action item, restatements folded into the first.

    `probs` (one per unit) replaces the model's scores: training sweeps thresholds with it.
    """
    if probs is None:
        probs = score_units(ctx, model, vocab)
    floor = recall_floor(ctx, probs, model.threshold, WORDS_PER_ACTION, ACTION_FLOOR_DEPTH)
    items: list[ActionItem] = []
    owners: list[str | None] = []
    sizes: list[int] = []  # content words of each item, for the restatement test
    last_turn: list[int] = []
    item_units: list[list[Unit]] = []  # the units of each item
    used: set[int] = set()
    index: dict[tuple[str | None, str], list[int]] = {}  # (owner, content word) -> item numbers
    for u, p in zip(ctx.units, probs, strict=True):
        if (p < model.threshold and u.index not in floor) or u.index in used:
            continue
        if _condition_of_next(u, ctx, probs, model.threshold):
            continue  # "Provided I get it Thursday, | I can finish in two weeks": one promise
        owner, units = _owner(u, ctx)
        if _REQUEST.search(u.norm) and _refused(u, ctx):
            continue  # "Ingrid, could you look at it?" / "I can't before October."
        if any(x.index in used for x in units if x is not u) and len(units) > 1:
            units = [u]
        used.update(x.index for x in units)
        due = _due(units, ctx, turns, meeting_date, owner)
        words = _content(u)
        earlier = _restates(words, owner, index, sizes)
        if earlier is None:
            earlier = _follows_up(u, owner, owners, last_turn)
            if (
                earlier is not None
                and due is not None
                and items[earlier].due is not None
                and due.date != items[earlier].due
            ):
                earlier = None  # "...and I'll have it reconnected by Friday": its own deadline
        joins = earlier is None and _continues(u, owner, items, item_units)
        if joins:
            earlier = len(items) - 1
        if earlier is not None:
            kept = items[earlier]
            update: dict[str, object] = {}
            if joins:  # said on in the same breath: its words are evidence too
                update["evidence"] = [*kept.evidence, u.evidence()]
                item_units[earlier].append(u)
            if kept.due is None and due is not None:  # "I'll send it over next Monday" dates it
                update.update(due=due.date, due_text=due.text)
            if update:
                items[earlier] = kept.model_copy(update=update)
            last_turn[earlier] = u.turn
            continue
        asker = units[0].speaker if owner is not None and units[0].speaker != owner else None
        if asker is not None:  # a request: the asker's words say what the task is
            text, you = units[0].quote, None
        else:
            text, you = u.quote, _spoken_to(u, ctx)
        condition = next(
            (c for c in (find_condition(x.quote) for x in units) if c is not None), None
        ) or _condition_before(u, ctx)
        own = find_condition(text)
        spoken = " ".join(x.norm for x in units if x.speaker == owner) or u.norm
        items.append(
            ActionItem(
                id="",
                description=describe(
                    without_condition(text, own),
                    due,
                    me=asker.split()[0] if asker else None,
                    you=you,
                ),
                owner=owner,
                due=due.date if due else None,
                due_text=due.text if due else None,
                evidence=[x.evidence() for x in sorted(units, key=lambda x: x.index)],
                confidence=round(p, 2),
                strength=(
                    strength := strength_of(
                        spoken, owner, due is not None, condition[0] if condition else None
                    )
                ),
                condition=condition[0] if condition and strength == "conditional" else None,
                requested_by=asker,
            )
        )
        owners.append(owner)
        item_units.append(sorted(units, key=lambda x: x.index))
        sizes.append(len(words))
        last_turn.append(u.turn)
        for w in words:
            index.setdefault((owner, w), []).append(len(items) - 1)
            index.setdefault((None, "*" + w), []).append(len(items) - 1)
    return items


# "send" says nothing about which task it is; "let's" does not open a personal promise.
_STOP = (CONTENT_STOP - {"let's"}) | {"i'll", "send"}


def _content(u: Unit) -> set[str]:
    return {t for t in u.tokens if len(t) >= 4 and t not in _STOP}


def _restates(
    words: set[str],
    owner: str | None,
    index: dict[tuple[str | None, str], list[int]],
    sizes: list[int],
) -> int | None:
    """An earlier item that shares most of these words (a recap), found through the word index.

    Same owner: half the words will do. Any owner: it takes three words and two thirds, since
    a recap may name the owner differently ("Rafael and Sandra bring..." for Sandra's "I'll bring").
    """
    if len(words) < 2:
        return None
    same: dict[int, int] = {}
    anyone: dict[int, int] = {}
    for w in words:
        for n in index.get((owner, w), ()):
            same[n] = same.get(n, 0) + 1
        for n in index.get((None, "*" + w), ()):
            anyone[n] = anyone.get(n, 0) + 1
    # Most shared words first, the earlier item on a tie: `words` is a set, so insertion order is
    # hash order and would make the choice differ from run to run.
    for n, shared in sorted(same.items(), key=lambda kv: (-kv[1], kv[0])):
        if shared >= 2 and shared / len(words) >= 0.5 and shared / max(sizes[n], 1) >= 0.3:
            return n
    for n, shared in sorted(anyone.items(), key=lambda kv: (-kv[1], kv[0])):
        if shared >= 3 and shared / len(words) >= 0.66 and shared / max(sizes[n], 1) >= 0.3:
            return n
    return None


# A unit with nobody in it doing anything: "No promises.", "maybe by Thursday, depends on QA".
_HAS_DOER = re.compile(
    r"\b(?:i|i'll|i'm|i'd|i've|we|we'll|we're|let me|let's|my team|my people|you|you'll)(?![\w'])"
)
_HEDGE_ONLY = re.compile(
    r"^(?:(?:but|and|so|ok|okay|yeah|well)\s+)*(?:no promises?|i can't promise|i cannot promise|"
    r"let me see|if i can|maybe|probably|depends|depending)\b"
)
_YES = re.compile(
    r"^(?:(?:oh|well|so|okay|ok|and)\s+)*(?:yeah|yes|yep|yup|sure|absolutely|definitely|of course|"
    r"no problem|will do|can do|on it|you got it|got it|fine|ok|okay|alright|aye|happy to)\b"
)
SHORT_YES = 6  # words: "Yeah, I can do that." answers an ask; what follows spells the ask out


def _continues(
    u: Unit, owner: str | None, items: list[ActionItem], item_units: list[list[Unit]]
) -> bool:
    """`u` goes on with the item just made for the same owner, not a new one.

    In the same turn: a fragment with no doer of its own or a bare hedge ("No promises.", "maybe by
    Thursday"), or the ask spelled out after a short yes to it ("Yes." / "I'll send Vikram the
    journey deck"). In the next turn: the one asked saying yes in their own words.
    """
    if not items or items[-1].owner != owner:
        return False
    last = item_units[-1]
    if u.turn == last[-1].turn + 1 and len(last) == 1:
        # "Luis, you'll carry it into the templates?" / "Yes, I'll roll it in when finance sends them."
        return bool(_ASKS_YOU.search(last[0].quote) and _YES.search(u.norm))
    if last[-1].turn != u.turn:
        return False
    if not _HAS_DOER.search(u.norm) or _HEDGE_ONLY.search(u.norm):
        return True
    asked = len(last) > 1 and len(last[-1].tokens) <= SHORT_YES
    return asked and bool(_content(u) & {w for x in last for w in _content(x)})


def _follows_up(
    u: Unit, owner: str | None, owners: list[str | None], last_turn: list[int]
) -> int | None:
    """ "...and I'll have it to you by Friday" right after the same owner's item is that item."""
    if not owners or owners[-1] != owner or not _ANAPHORIC.search(u.norm):
        return None
    return len(owners) - 1 if u.turn - last_turn[-1] <= 3 else None
