"""Named features of a unit of speech, for the learned scorer.

Every rule is a named feature with a docstring that says what it detects; `coach eval --explain`
reports where each one fires, how often it is right on a dataset and what removing it costs.
Rules read the normalised unit (lower case, fillers and stutters removed, no punctuation) and its
neighbours, never a particular meeting's wording. Beside the rules, a lexicon feature family gives
the scorer the unit's words and word pairs, with names, numbers and dates replaced by placeholders.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from coach.engines.offline.duedates import find_due
from coach.engines.offline.normalize import Unit
from coach.names import Roster

T = TypeVar("T")

# --- the context a rule may look at ----------------------------------------------------------


@dataclass
class Context:
    """One meeting's units, the people in it, and each unit's neighbours."""

    units: list[Unit]
    roster: Roster
    by_turn: dict[int, list[Unit]] = field(default_factory=dict)
    speakers: list[str] = field(default_factory=list)  # [the main speaker], filled on first use
    cache: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    _due: dict[int, bool] = field(default_factory=dict)
    _memo: dict[tuple[str, int], object] = field(default_factory=dict)
    _names: frozenset[str] | None = None

    def memo(self, what: str, u: Unit, compute: Callable[[], T]) -> T:
        """A per-unit value computed once: several rules read the same derived text."""
        key = (what, u.index)
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    @property
    def name_words(self) -> frozenset[str]:
        """Every word of every participant's label, lower case."""
        if self._names is None:
            self._names = frozenset(
                part.casefold() for label in self.roster.labels for part in label.split()
            )
        return self._names

    def mentioned(self, u: Unit) -> list[str]:
        """Other participants named in a unit (cached)."""
        return self.memo("mentioned", u, lambda: self.roster.mentioned(u.quote, exclude=u.speaker))

    def __post_init__(self) -> None:
        for u in self.units:
            self.by_turn.setdefault(u.turn, []).append(u)

    def turn_units(self, turn: int) -> list[Unit]:
        """The units of one turn (empty for a turn out of range)."""
        return self.by_turn.get(turn, [])

    def next_turn_first(self, u: Unit) -> Unit | None:
        """The first unit of the next turn, when someone else says it."""
        nxt = self.turn_units(u.turn + 1)
        if nxt and nxt[0].speaker != u.speaker:
            return nxt[0]
        return None

    def next_in_turn(self, u: Unit) -> Unit | None:
        """The unit after `u` in the same turn, if any."""
        same = self.turn_units(u.turn)
        at = same.index(u) + 1
        return same[at] if at < len(same) else None

    def prev_turn_last(self, u: Unit) -> Unit | None:
        """The last unit of the previous turn, when someone else said it."""
        prev = self.turn_units(u.turn - 1)
        if prev and prev[-1].speaker != u.speaker:
            return prev[-1]
        return None

    def has_due(self, u: Unit) -> bool:
        """A due-date phrase in the unit (cached)."""
        if u.index not in self._due:
            self._due[u.index] = find_due(u.quote, None) is not None
        return self._due[u.index]


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Words that open a unit without carrying its meaning.
_OPENING = _re(
    r"^(?:(?:so|okay|ok|alright|all right|right|yeah|yes|yep|well|and|but|then|also|now|look|oh|"
    r"fine|sure|great|good|cool|perfect|actually|honestly|basically|anyway|i mean|i think|like)\s+)*"
)


def _core(u: Unit, ctx: Context) -> str:
    """The unit without its opening discourse words."""
    return ctx.memo("core", u, lambda: _OPENING.sub("", u.norm, count=1))


@dataclass(frozen=True)
class Feature:
    """A named rule: what it detects (its docstring) and the test."""

    name: str
    doc: str
    test: Callable[[Unit, Context], bool]


FEATURES: dict[str, Feature] = {}


def feature(func: Callable[[Unit, Context], bool]) -> Callable[[Unit, Context], bool]:
    """Register a rule under its function name; its docstring is its documentation."""
    name = func.__name__
    FEATURES[name] = Feature(name, (func.__doc__ or "").strip(), func)
    return func


# --- promises and tasks ----------------------------------------------------------------------

_I_WILL = _re(
    r"\b(?:i'll|i will|i'm going to|i am going to|i'm gonna|i'm gonna go|let me|i can|i could|"
    r"i'd be happy to|i'm happy to|happy to|i'll try to|i will try to|i need to|i have to|i've got to|i should|"
    r"i'll make sure|i'll get|my team will|my team can|my team's going to|my people will)\b"
)
_WE_WILL = _re(
    r"\b(?:we'll|we will|we're going to|we are going to|we're gonna|we can|we could|let's)\b"
)
_YOU_WILL = _re(
    r"\b(?:you'll|you will|you're going to|you are going to|you're gonna|you can be|you need to|you have to)\b"
)
_REQUEST = _re(
    r"\b(?:can you|could you|would you|will you|can your team|could your team|are you able to|"
    r"would you mind|can i get you to|can i ask you to|please|mind taking|mind doing|"
    r"can we get you to|next time can you|next time could you)\b"
)
_OFFER = _re(
    r"\b(?:shall i|should i|do you want me to|want me to|would it help if i|i can if you)\b"
)
_UNOWNED = _re(
    r"\b(?:someone|somebody|anyone|anybody)\s+(?:should|needs to|need to|has to|must|ought to|"
    r"has got to|will need to|could)\b|\bwe need (?:someone|somebody) to\b"
)
_ACTION_LABEL = _re(
    r"\b(?:action item|action items|action point|to do|todo|next steps?|homework|for next time|"
    r"for the next meeting|by next meeting|before next meeting|for next week)\b"
)
_TAKE_IT = _re(
    r"^(?:(?:yeah|yes|yep|sure|okay|ok|fine|right)\s+)*(?:leave it with me|that's on me|that's mine|"
    r"i'm on it|on it|i'll take (?:that|it|this)|i can take (?:that|it|this)|i'll do (?:that|it)|"
    r"i can do (?:that|it)|i'll own (?:that|it)|will do|consider it done|i've got (?:it|that|this)|"
    r"i got (?:it|that|this)|mine|me|i'll handle (?:it|that)|i'll sort (?:it|that)|can do|"
    r"no problem|no worries|you got it|absolutely|sure thing|happy to|of course)\b"
)
_ACCEPT = _re(
    r"^(?:(?:oh|well|so|okay|ok)\s+)*(?:yeah|yes|yep|yup|sure|absolutely|definitely|of course|"
    r"no problem|no worries|will do|can do|on it|you got it|got it|sounds good|that works|fine|"
    r"i can|i'll|i will|let me|leave it with me|done|consider it done|i'm on it|happy to|for sure|"
    r"okay|ok|alright|mine|me)\b"
)
_REFUSE = _re(
    r"\b(?:can't|cannot|won't|not able|unable|no time|don't have (?:the )?(?:time|bandwidth|capacity)|"
    r"not this|not until|not me|not it|i'd rather not|not my|no chance|no way|pass on that|swamped)\b"
)
_HEDGE = _re(
    r"\b(?:maybe|might|perhaps|possibly|probably|hopefully|i guess|i suppose|try to|i'll try|we'll try|"
    r"see what|see if|at some point|some point|someday|some day|eventually|when things calm down|"
    r"if possible|if i can|if we can|in theory|ideally|would be nice|not sure|no promises|sort of|"
    r"i could|we could|when i get a chance|if i get a chance|down the line|down the road)\b"
)
_CONDITION = _re(
    r"\b(?:if|once|provided|providing|as long as|assuming|unless|subject to|depending on|"
    r"pending|on condition|contingent|after (?:legal|finance|security|we get|they|the))\b"
)
_NEGATED = _re(
    r"\b(?:i|we|my team)\s+(?:won't|will not|can't|cannot|couldn't|wouldn't|shouldn't|don't|do not|"
    r"am not going|'m not going|are not going|aren't going|'re not going|will never|never)\b|"
    r"\b(?:i'm not|we're not|i am not|we are not) (?:going|gonna)\b|\bnot going to be able\b"
)
_PAST = _re(
    r"\b(?:yesterday|last (?:week|month|time|quarter|year|night|friday|monday|tuesday|wednesday|thursday)|"
    r"ago|earlier today|already|(?:i|we|they|he|she) (?:sent|did|had|was|were|went|made|signed|bought|"
    r"told|asked|said|wrote|built|launched|shipped|finished|tried|spoke|talked|checked|ran|got)\b|"
    r"(?:i've|we've|they've|i have|we have) (?:already )?(?:sent|done|been|had|made|signed|bought|told|"
    r"asked|written|built|launched|shipped|finished|tried|spoken|talked|checked|got))\b"
)
_MEETING_TALK = _re(
    r"\b(?:share my screen|pull (?:it|that|this) up|go first|take notes|stop sharing|move on|"
    r"wrap up|wrap this up|jump in|jump off|drop off|hop off|circle back|come back to (?:that|it|this)|"
    r"be honest|be quick|be brief|be blunt|be clear|be frank|keep (?:it|this) short|summari[sz]e|recap|"
    r"let me (?:just )?(?:say|add|finish|explain|think|see|ask|check something|be)|i'll be (?:honest|quick|brief)|"
    r"hand (?:it )?over|in the chat|talk about|walk (?:you|us|everyone) through|take (?:a|any) questions|"
    r"go through the agenda|start with|kick off|get started)\b"
)
_WORK_VERB = _re(
    r"\b(?:send|sending|share|draft|write|prepare|pull|get|set up|schedule|book|run|check|confirm|follow up|"
    r"review|look into|look at|loop in|talk to|speak to|reach out|sync|update|build|scope|estimate|bring|"
    r"own|handle|do|create|make|fix|add|map|document|test|pilot|email|ping|call|organi[sz]e|coordinate|"
    r"publish|present|find|dig|work on|pair|audit|validate|compile|collect|gather|flag|file|raise|open|"
    r"submit|sign|kick off|finish|complete|deliver|ship|circulate|forward|invite|arrange|block|reserve|"
    r"lock|nail down|sort out|report|track|measure|tag|instrument|brief|train|hire|rewrite|revise|refresh|"
    r"rerun|redo|define|propose|cost|price|negotiate|configure|deploy|migrate|clean up|put together|"
    r"chase|escalate|investigate|research|plan|outline|spec|reconcile|benchmark|recommend|sketch|triage|"
    r"think about|come up with|figure out|turn around|take a look|have a look|pause|switch off|turn off|"
    r"remove|delete|block out|walk|ask|tell|set|draw|design|mock up|produce|pick up|take care of)\b"
)
_QUESTION_START = _re(
    r"^(?:so\s+|and\s+|but\s+)?(?:what|why|how|who|when|where|which|do|does|did|is|are|was|were|"
    r"have|has|can|could|would|should|will|shall|isn't|aren't|don't|doesn't|didn't)\b"
)
_DECIDE_WORD = _re(
    r"\b(?:decided|decide|decision|agreed|agree|settled|final|approved|approve|sign off|signed off|"
    r"green light|green lit|go ahead|go-ahead|confirmed|we're a go|it's a go|that's the plan|"
    r"that's the call|the call is|we're done|locked|lock it)\b"
)
_GO_WITH = _re(
    r"\b(?:let's go with|let's go for|let's do|let's stick with|let's keep|let's use|let's move|"
    r"we'll go with|we go with|we're going with|we're going to go with|going with|go for|"
    r"we'll stick with|we stick with|we'll use|we'll keep|we keep|we stay|we'll stay|we'll drop|"
    r"we drop|we'll hold|we hold|we'll pause|we pause|we'll move|we move|we'll push|we'll cancel|"
    r"we'll launch|we launch|we'll ship|we'll run with|run with)\b"
)
_RULE = _re(
    r"\b(?:from now on|going forward|the rule is|as a rule|from today|no more|nothing (?:gets|goes)|"
    r"every (?:new )?\w+ (?:must|has to|needs to|goes)|all \w+ (?:must|have to|need to|go)|"
    r"(?:any|no) \w+ (?:\w+ )?(?:gets|goes|must|will be) (?:\w+ )?(?:without|before|until|through))\b"
)
_SETTLE_ONLY = _re(
    r"^(?:(?:ok|okay|right|yeah|yes|yep|good|great|fine|alright|so|then)\s+)*(?:agreed|deal|done|"
    r"done deal|decided|settled|sold|approved|let's do it|let's do that|go for it|do it|do that|"
    r"makes sense|sounds good|that works|works for me|fine by me|i'm fine with that|happy with that|"
    r"yes please|go|we go|we're go|that's it|make it so|make it the rule|from now on|from today|"
    # "Okay, then this is agreed", "so that's decided too": the settling said of what came before.
    r"(?:that|this|it)(?:'s| is) (?:agreed|decided|settled|final|the decision|our rule|the rule)"
    r"(?: (?:then|too|now|from today|from now on))*|"
    r"(?:it|that)(?: still)? (?:stands|holds)|"
    # A terse order that settles what was just said: "Flip it.", "Lock it.", "Take it out."
    r"(?:lock|move|flip|hold|pull|ship|send|buy|try|book|drop|scrap|cut|kill|pause|switch|take) "
    r"(?:it|that|them)(?: in| out| off| on| back)?)$"
)
_PROPOSAL = _re(
    r"\b(?:i propose|my proposal|i suggest|i'd suggest|what if we|how about|why don't we|should we|"
    r"can we agree|shall we|could we|i'd recommend|my recommendation|let's)\b"
)
_OPEN = _re(
    r"\b(?:let's think|think about it|park (?:it|that|this)|revisit|take it offline|table (?:it|this)|"
    r"(?:park|parked|parking) (?:the|those|these)|parking lot|ideas board|tabled|"
    r"not decided|haven't decided|undecided|still open|open question|not sure yet|come back to|"
    r"let's discuss|need to discuss|let's talk|sleep on it|up in the air|tbd|to be decided)\b"
)
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
)
_REPORTED = _re(
    r"\b(?:the board|leadership|they|management|the company|head office|finance|legal) "
    r"(?:decided|agreed|approved|signed off|said)\b|\b(?:last|previous) (?:meeting|week|month|quarter)\b|"
    # a named body's earlier word: "the digital steering committee agreed", "as a reminder"
    r"\b(?:committee|board|council|steering group|leadership team|executive team|management team|"
    r"ceo|cfo) (?:already |had )?(?:decided|agreed|approved|signed off|voted|chose)\b|"
    r"\bas a reminder\b|\b(?:in|back in) "
    + _MONTH
    + r"\b(?: \w+){0,6} (?:decided|agreed|approved)\b"
)
# A later look at the matter: "we look at it in the May roadmap review", "review it at the April meeting".
_LATER_REVIEW = _re(
    r"\b(?:review|revisit|look at|discuss|assess|evaluate)\b(?: \w+){0,4} (?:at|in) the (?:\w+ ){0,2}"
    r"(?:meeting|review|planning|retro|steering|committee|offsite)\b"
)
# A choice sent to a higher body: "we take this to the board", "recommend it to the committee".
_HANDED_UP = _re(
    r"\b(?:take|bring|escalate|put|send|recommend|present|propose)\b(?: \w+){0,12}? to (?:the )?"
    r"(?:\w+ ){0,2}(?:board|committee|exco|council|sponsors?|ceo|cfo)\b"
)
# An option named by its label: "option b is that we move", "the second option".
_OPTION = _re(
    r"^(?:(?:so|and|then|okay|ok|well)\s+)*(?:option|alternative|scenario|variant) (?:[a-d]|one|two|three|"
    r"four|[1-4])\b(?! it is| then\b| please| wins| won| is agreed| is approved| is fine| is the one)|"
    r"^(?:(?:so|and|then)\s+)*(?:the )?(?:first|second|third|other) (?:option|alternative|scenario)\b"
)
_WE_CHANGE = _re(
    r"\b(?:we|it|that|the \w+)(?:'ll| will| is going to| is gonna)? (?:be|have|use|stay|stays|keep|"
    r"move|moves|go|goes|launch|launches|ship|ships|start|starts|wait|waits|hold|holds|run|runs)\b"
)
_STATUS = _re(
    r"^(?:(?:so|and|okay|ok|yeah)\s+)*(?:it's|it is|that's|there's|this is|they're|we're|i'm|he's|she's) "
    r"(?!going|gonna|agreed|decided|settled|final|the plan)"
)
_ROLE_DOER = _re(
    r"\b(?:the |our )?(?:cmo|cio|cto|ceo|it|engineering|marketing|security|legal|finance|ops|"
    r"data team|platform team|design team)(?: team)? (?:will|'ll|to|is going to|can|needs to)\b"
)


def _named(u: Unit, ctx: Context) -> bool:
    return bool(ctx.mentioned(u))


@feature
def first_person_future(u: Unit, ctx: Context) -> bool:
    """The speaker takes something on: "I'll", "let me", "I can", "my team will"."""
    return bool(_I_WILL.search(_core(u, ctx)))


@feature
def we_future(u: Unit, ctx: Context) -> bool:
    """The group takes something on: "we'll", "we're going to", "let's"."""
    return bool(_WE_WILL.search(_core(u, ctx)))


@feature
def you_future(u: Unit, ctx: Context) -> bool:
    """Someone is told what they will do: "you'll", "you're going to", "you need to"."""
    return bool(_YOU_WILL.search(u.norm))


_OTHER_FUTURE = _re(
    r"\b(?:you|you two|you both|you guys|everyone|everybody|each of you|<name>|he|she|they|"
    r"(?:the |our )?(?:\w+ )?(?:designer|expert|manager|lead|team|engineer|analyst|agency|vendor))"
    r"(?:'ll| will| are going to| is going to| are gonna| is gonna|'re going to|'re gonna| have to| has to|"
    r" need to| needs to| should| could)(?: be| have to| also| just)? \w+"
)


@feature
def assigned_future(u: Unit, ctx: Context) -> bool:
    """Work given to someone else in the future tense: "you'll be working on", "Poppy will look at"."""
    return bool(_OTHER_FUTURE.search(_placeholder_text(u, ctx)))


@feature
def request(u: Unit, ctx: Context) -> bool:
    """An ask: "can you", "could you", "would you mind", "please"."""
    return bool(_REQUEST.search(u.norm))


@feature
def offer(u: Unit, ctx: Context) -> bool:
    """An offer waiting for a yes: "shall I", "do you want me to"."""
    return bool(_OFFER.search(u.norm))


@feature
def accepted_next(u: Unit, ctx: Context) -> bool:
    """Someone else answers yes at the start of the next turn, without refusing."""
    nxt = ctx.next_turn_first(u)
    if nxt is None:
        return False
    return bool(_ACCEPT.search(nxt.norm)) and not _REFUSE.search(nxt.norm)


@feature
def takes_previous_ask(u: Unit, ctx: Context) -> bool:
    """A short "leave it with me" / "mine" / "will do" right after someone else's ask or question."""
    if not _TAKE_IT.search(u.norm) or len(u.tokens) > 10:
        return False
    prev = ctx.prev_turn_last(u)
    return prev is not None and bool(
        prev.question or _REQUEST.search(prev.norm) or _UNOWNED.search(prev.norm)
    )


@feature
def named_person(u: Unit, ctx: Context) -> bool:
    """Another participant is named in the unit."""
    return _named(u, ctx)


@feature
def named_doer(u: Unit, ctx: Context) -> bool:
    """A participant or a function is given the task: "Priya to draft", "IT will", "Raj and I will"."""
    if _ROLE_DOER.search(u.norm):
        return True
    for label in ctx.mentioned(u):
        first = label.split()[0].casefold()
        if re.search(
            rf"\b{re.escape(first)}(?: \w+)? (?:to|will|'ll|is going to|is gonna|can|and i)\b",
            u.norm,
        ):
            return True
    return False


_PRESENT_TASK = _re(
    r"^(?:(?:so|and|then|okay|ok|right)\s+)*<name>(?: and <name>)? (?:[a-z]+s|do|does|owns)\b"
)


@feature
def named_present_task(u: Unit, ctx: Context) -> bool:
    """A participant given a task in the present tense, as recaps say it: "Mia sends the deck Friday"."""
    return bool(_PRESENT_TASK.search(_placeholder_text(u, ctx)))


# "I send it Friday": the present tense for a promise, common in terse and non-native speech.
_PRESENT_PROMISE = _re(
    r"^(?:i|we|my team|my people)\s+(?:also\s+|just\s+|then\s+|first\s+)?"
    r"(?!(?:think|mean|guess|know|feel|hope|agree|believe|am|was|were|have|had|did|do|don't|need|"
    r"want|might|may|must|are|got|see|like|love|wonder|understand|saw|said|told)\b)[a-z]+\b"
)


@feature
def present_promise(u: Unit, ctx: Context) -> bool:
    """A first-person task in the present tense with a time: "I send it Friday", "I ask him. Today."."""
    if not _PRESENT_PROMISE.search(_core(u, ctx)) or _PAST.search(u.norm):
        return False
    if ctx.has_due(u):
        return True
    after = ctx.next_in_turn(u)
    return after is not None and len(after.tokens) <= 4 and ctx.has_due(after)


@feature
def unowned_task(u: Unit, ctx: Context) -> bool:
    """A task nobody is named for: "someone should", "we need somebody to"."""
    return bool(_UNOWNED.search(u.norm))


@feature
def action_label(u: Unit, ctx: Context) -> bool:
    """Said as a task: "action item", "next steps", "for next time"."""
    return bool(_ACTION_LABEL.search(u.norm))


@feature
def due_phrase(u: Unit, ctx: Context) -> bool:
    """A deadline is said: "by Friday", "end of the month", "tomorrow"."""
    return ctx.has_due(u)


@feature
def work_verb(u: Unit, ctx: Context) -> bool:
    """A verb that names work to be done: send, draft, check, book, fix..."""
    return bool(_WORK_VERB.search(u.norm))


@feature
def hedge(u: Unit, ctx: Context) -> bool:
    """Softened: "maybe", "probably", "I'll try", "at some point", "I could"."""
    return bool(_HEDGE.search(u.norm))


@feature
def hedge_before(u: Unit, ctx: Context) -> bool:
    """The unit before it in the same turn hedges ("I guess" | "I'll send it")."""
    same = ctx.turn_units(u.turn)
    at = same.index(u) if u in same else 0
    return at > 0 and bool(_HEDGE.search(same[at - 1].norm)) and len(same[at - 1].tokens) <= 6


@feature
def condition(u: Unit, ctx: Context) -> bool:
    """Held by a condition: "if", "once", "provided", "as long as", "assuming"."""
    return bool(_CONDITION.search(u.norm))


@feature
def negated(u: Unit, ctx: Context) -> bool:
    """The speaker says they will not: "I won't", "we can't", "not going to be able"."""
    return bool(_NEGATED.search(u.norm))


@feature
def refusal(u: Unit, ctx: Context) -> bool:
    """Turning something down: "can't", "not me", "no time", "swamped"."""
    return bool(_REFUSE.search(u.norm))


@feature
def past(u: Unit, ctx: Context) -> bool:
    """Reports what already happened: "I sent", "last week", "we've already"."""
    return bool(_PAST.search(u.norm))


@feature
def question(u: Unit, ctx: Context) -> bool:
    """A question: a question mark, or a question word or inverted verb first in unpunctuated speech."""
    return u.question or bool(_QUESTION_START.search(_core(u, ctx)))


@feature
def meeting_talk(u: Unit, ctx: Context) -> bool:
    """About running the meeting itself: "let me share my screen", "I'll be quick", "move on"."""
    return bool(_MEETING_TALK.search(u.norm))


@feature
def short(u: Unit, ctx: Context) -> bool:
    """Four words or fewer."""
    return len(u.tokens) <= 4


@feature
def long(u: Unit, ctx: Context) -> bool:
    """Thirty words or more: a run-on that carries several things."""
    return len(u.tokens) >= 30


# --- decisions ---------------------------------------------------------------------------------


@feature
def decision_word(u: Unit, ctx: Context) -> bool:
    """Decision vocabulary: "decided", "agreed", "settled", "approved", "go ahead"."""
    return bool(_DECIDE_WORD.search(u.norm))


@feature
def go_with(u: Unit, ctx: Context) -> bool:
    """A choice of course: "let's go with", "we'll stick with", "we hold", "we'll move"."""
    return bool(_GO_WITH.search(u.norm))


@feature
def standing_rule(u: Unit, ctx: Context) -> bool:
    """A rule for everyone: "from now on", "going forward", "nothing goes live without..."."""
    return bool(_RULE.search(u.norm))


@feature
def settles_previous(u: Unit, ctx: Context) -> bool:
    """A bare "agreed" / "deal" / "let's do it" that settles what was just proposed."""
    if not _SETTLE_ONLY.search(u.norm):
        return False
    prev = ctx.prev_turn_last(u)
    same = ctx.turn_units(u.turn)
    return prev is not None or bool(same and same[0] is not u)


@feature
def agreed_next(u: Unit, ctx: Context) -> bool:
    """The next speaker settles it: "agreed", "deal", "sounds good", "let's do it"."""
    nxt = ctx.next_turn_first(u)
    return nxt is not None and bool(_SETTLE_ONLY.search(nxt.norm))


# "Then the nineteenth it is", "Picklist it is": a choice named and settled in one breath.
_IT_IS = _re(r"\b(\w+) it is$")
_NOT_A_CHOICE = frozenset(
    {
        "what",
        "way",
        "here",
        "there",
        "as",
        "how",
        "where",
        "whatever",
        "who",
        "which",
        "that",
        "is",
        "it's",
        "if",
        "whether",
        "know",
        "what's",
        "than",
        "like",
        "because",
    }
)


@feature
def named_choice(u: Unit, ctx: Context) -> bool:
    """A choice named and settled: "then the nineteenth it is", "shared channel it is"."""
    m = _IT_IS.search(u.norm)
    return m is not None and m.group(1) not in _NOT_A_CHOICE and not u.question


@feature
def proposal(u: Unit, ctx: Context) -> bool:
    """A proposal: "I propose", "what if we", "how about", "should we", "let's"."""
    return bool(_PROPOSAL.search(u.norm))


@feature
def proposal_accepted(u: Unit, ctx: Context) -> bool:
    """A proposal or a choice that the next speaker takes up with a yes: "how about we hold it?" / "fine"."""
    return (proposal(u, ctx) or go_with(u, ctx)) and (accepted_next(u, ctx) or agreed_next(u, ctx))


@feature
def proposal_unanswered(u: Unit, ctx: Context) -> bool:
    """A proposal nobody says yes to in the next turn: it stays a suggestion, not a decision."""
    return proposal(u, ctx) and not accepted_next(u, ctx) and not agreed_next(u, ctx)


@feature
def left_open(u: Unit, ctx: Context) -> bool:
    """Left open: "let's think about it", "park the access question", "revisit", "not decided"."""
    return bool(_OPEN.search(u.norm))


@feature
def reported_decision(u: Unit, ctx: Context) -> bool:
    """A decision made elsewhere or earlier: "the board decided", "in March the committee agreed"."""
    return bool(_REPORTED.search(u.norm))


@feature
def later_review(u: Unit, ctx: Context) -> bool:
    """A later look at the matter: "we look at it in the May review", "revisit it at the April meeting"."""
    return bool(_LATER_REVIEW.search(u.norm))


@feature
def handed_up(u: Unit, ctx: Context) -> bool:
    """Sent to a higher body to decide: "we take this to the board", "recommend it to the committee"."""
    return bool(_HANDED_UP.search(u.norm))


@feature
def option_listed(u: Unit, ctx: Context) -> bool:
    """An option named by its label ("Option B is that we...", "the second option", "option one")."""
    return bool(_OPTION.search(u.norm))


@feature
def plan_statement(u: Unit, ctx: Context) -> bool:
    """A plain statement of the plan: "we launch on the fourth", "it'll be yellow", "the pilot waits"."""
    return bool(_WE_CHANGE.search(_core(u, ctx))) and not u.question


@feature
def status_statement(u: Unit, ctx: Context) -> bool:
    """A description of how things are ("it's connected", "we're behind"), not a choice."""
    return bool(_STATUS.search(u.norm))


@feature
def lead_speaker(u: Unit, ctx: Context) -> bool:
    """Said by an executive (CEO, CMO, CIO, CTO): the people whose word settles things."""
    return ctx.roster.role.get(u.speaker, "other") in {"CEO", "CMO", "CIO", "CTO"}


_SETTLE_OPEN = _re(r"^(?:okay|ok|right|fine|good|alright|all right|so|great|then)\b")
# Words too common to say what a decision, a concern or a turn is about.
CONTENT_STOP = frozenset(
    [
        "that",
        "this",
        "with",
        "have",
        "from",
        "they",
        "them",
        "what",
        "when",
        "will",
        "would",
        "could",
        "should",
        "about",
        "there",
        "their",
        "then",
        "just",
        "like",
        "yeah",
        "okay",
        "really",
        "going",
        "gonna",
        "want",
        "need",
        "make",
        "sure",
        "also",
        "which",
        "those",
        "these",
        "into",
        "your",
        "been",
        "were",
        "we'll",
        "it's",
        "that's",
        "let's",
    ]
)
# A turn's own content words also leave out the words of agreeing and thinking aloud.
_CONTENT_STOP = CONTENT_STOP | {"because", "i'll", "know", "right", "think", "well"}


def _content_words(u: Unit, ctx: Context) -> set[str]:
    return ctx.memo(
        "content", u, lambda: {t for t in u.tokens if len(t) >= 4 and t not in _CONTENT_STOP}
    )


@feature
def opens_settled(u: Unit, ctx: Context) -> bool:
    """Opens with a settling word and states something: "Okay, flat it stays", "Right, we hold it"."""
    return bool(_SETTLE_OPEN.search(u.norm)) and not u.question and len(u.tokens) >= 4


@feature
def continues_discussion(u: Unit, ctx: Context) -> bool:
    """Takes up what others said in the three turns before: shares two content words with them."""
    words = _content_words(u, ctx)
    if len(words) < 2:
        return False
    before: set[str] = set()
    for t in range(u.turn - 3, u.turn):
        for x in ctx.turn_units(t):
            if x.speaker != u.speaker:
                before |= _content_words(x, ctx)
    return len(words & before) >= 2


@feature
def moves_on_after(u: Unit, ctx: Context) -> bool:
    """The meeting moves on after it: the next turn shares no content word with this turn."""
    same = ctx.turn_units(u.turn)
    if not same or same[-1] is not u:
        return False
    nxt = ctx.turn_units(u.turn + 1)
    if not nxt:
        return True
    mine = set().union(*(_content_words(x, ctx) for x in same))
    theirs = set().union(*(_content_words(x, ctx) for x in nxt))
    return bool(mine) and not (mine & theirs)


@feature
def main_speaker(u: Unit, ctx: Context) -> bool:
    """Said by whoever speaks most in the meeting (usually the chair)."""
    if not ctx.speakers:
        counts: dict[str, int] = {}
        for x in ctx.units:
            counts[x.speaker] = counts.get(x.speaker, 0) + len(x.tokens)
        ctx.speakers = [max(counts, key=counts.__getitem__)] if counts else [""]
    return u.speaker == ctx.speakers[0]


@feature
def recap_zone(u: Unit, ctx: Context) -> bool:
    """In the last fifth of the meeting, in a turn that hands out two or more tasks: a recap."""
    last_turn = ctx.units[-1].turn if ctx.units else 0
    if u.turn < 0.8 * last_turn:
        return False
    same = ctx.turn_units(u.turn)
    assigned = sum(1 for x in same if len(ctx.mentioned(x)) > 0)
    return assigned >= 2


@feature
def turn_opening(u: Unit, ctx: Context) -> bool:
    """The first unit of its turn."""
    same = ctx.turn_units(u.turn)
    return bool(same) and same[0] is u


@feature
def turn_closing(u: Unit, ctx: Context) -> bool:
    """The last unit of its turn: where conclusions and promises tend to sit."""
    same = ctx.turn_units(u.turn)
    return bool(same) and same[-1] is u


# --- the lexicon --------------------------------------------------------------------------------

_DAYS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "tomorrow",
        "today",
        "tonight",
        "weekend",
    ]
)
_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_STOP_START = frozenset(
    [
        "so",
        "okay",
        "ok",
        "alright",
        "right",
        "yeah",
        "yes",
        "yep",
        "well",
        "and",
        "but",
        "then",
        "also",
        "now",
        "look",
        "oh",
        "fine",
        "sure",
        "great",
        "good",
        "cool",
        "perfect",
        "actually",
        "honestly",
        "basically",
        "anyway",
    ]
)


def _placeholder_text(u: Unit, ctx: Context) -> str:
    return ctx.memo("placeholder_text", u, lambda: " ".join(placeholder_tokens(u, ctx)))


def placeholder_tokens(u: Unit, ctx: Context) -> list[str]:
    """The unit's words with names, numbers and dates replaced by placeholders (cached)."""
    return ctx.memo("placeholders", u, lambda: _placeholders(u, ctx))


def _placeholders(u: Unit, ctx: Context) -> list[str]:
    names = ctx.name_words
    out = []
    for tok in u.tokens:
        if tok in names and tok not in {"i", "a", "it", "we"}:
            out.append("<name>")
        elif tok[0].isdigit():
            out.append("<num>")
        elif tok in _DAYS:
            out.append("<day>")
        elif tok in _MONTHS:
            out.append("<month>")
        else:
            out.append(tok)
    return out


def lexicon(tokens: Sequence[str]) -> list[str]:
    """Word and word-pair features, plus the first two words after any discourse opener."""
    feats = [f"w={t}" for t in tokens]
    feats += [f"b={a}_{b}" for a, b in itertools.pairwise(tokens)]
    start = 0
    while start < len(tokens) and tokens[start] in _STOP_START:
        start += 1
    head = tokens[start : start + 2]
    if head:
        feats.append(f"h1={head[0]}")
    if len(head) == 2:
        feats.append(f"h2={head[0]}_{head[1]}")
    return feats


def rules_fired(u: Unit, ctx: Context) -> list[str]:
    """The named rules that fire on a unit, as `r=<name>` features."""
    return [f"r={name}" for name, f in FEATURES.items() if f.test(u, ctx)]


def in_vocabulary(tokens: Sequence[str], vocab: frozenset[str] | None) -> list[str]:
    """Words outside the vocabulary become <w>: topic words of one corpus do not carry over."""
    if vocab is None:
        return list(tokens)
    return [t if t in vocab or t.startswith("<") else "<w>" for t in tokens]


def neighbour_tokens(u: Unit, ctx: Context) -> list[str]:
    """The first words of the reply to a turn's last unit and of the turn a first unit answers.

    Tagged `nx:` and `pv:` (`<q>` when that turn is a question). A proposal is settled, and a
    yes settles something, in the words around it: the scorer learns which replies count.
    """
    out: list[str] = []
    same = ctx.turn_units(u.turn)
    if same and same[-1] is u and (nxt := ctx.next_turn_first(u)) is not None:
        out += [f"nx:{t}" for t in placeholder_tokens(nxt, ctx)[:_AROUND]]
        if nxt.question:
            out.append("nx:<q>")
    if same and same[0] is u and (prev := ctx.prev_turn_last(u)) is not None:
        out += [f"pv:{t}" for t in placeholder_tokens(prev, ctx)[:_AROUND]]
        if prev.question:
            out.append("pv:<q>")
    return out


_AROUND = 2  # words of a neighbouring turn the scorer reads


def around(tagged: Sequence[str], vocab: frozenset[str] | None) -> list[str]:
    """Neighbour words as features, words outside the vocabulary as <w>."""
    out = []
    for item in tagged:
        side, _, word = item.partition(":")
        known = vocab is None or word in vocab or word.startswith("<")
        out.append(f"{side}={word if known else '<w>'}")
    return out


def extract(u: Unit, ctx: Context, vocab: frozenset[str] | None = None) -> list[str]:
    """All feature names that fire on a unit: rules (`r=`), the lexicon and its neighbours (cached)."""
    key = (u.index, id(vocab))
    cached = ctx.cache.get(key)
    if cached is None:
        cached = (
            rules_fired(u, ctx)
            + lexicon(in_vocabulary(placeholder_tokens(u, ctx), vocab))
            + around(neighbour_tokens(u, ctx), vocab)
        )
        ctx.cache[key] = cached
    return cached
