"""Decisions: units the scorer reads as settling something, with what was settled as evidence."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from coach.engines.offline.actions import recall_floor
from coach.engines.offline.duedates import find_due
from coach.engines.offline.features import _SETTLE_ONLY, CONTENT_STOP, Context, extract
from coach.engines.offline.features import proposal as proposal_words
from coach.engines.offline.model import Binary
from coach.engines.offline.normalize import Unit
from coach.engines.offline.text import describe, tidy
from coach.models import Decision, DecisionGap


def _settled(u: Unit, ctx: Context) -> Unit | None:
    """For a bare "agreed" / "deal": the proposal it settles (the unit before it)."""
    if not _SETTLE_ONLY.search(u.norm):
        return None
    same = ctx.turn_units(u.turn)
    at = same.index(u)
    if at > 0 and len(same[at - 1].tokens) >= 4:
        return same[at - 1]
    prev = ctx.prev_turn_last(u)
    if prev is not None and len(prev.tokens) >= 4:
        return prev
    return None


def _content(units: list[Unit]) -> set[str]:
    return {t for u in units for t in u.tokens if len(t) >= 4 and t not in CONTENT_STOP}


def _answers(u: Unit, words: set[str], last: Decision, ctx: Context) -> bool:
    """`u` is another voice taking up the decision just made ("Fine, that's how we work now")."""
    said = last.evidence[-1]
    if u.question or u.speaker == said.speaker or not 0 < u.turn - said.turn <= FOLLOW_TURNS:
        return False
    before = _content([x for e in last.evidence for x in ctx.turn_units(e.turn)])
    return len(words - before) <= FOLLOW_NEW


# Within two turns of a decision, another voice that adds at most four content words of its own is
# reacting to it, not settling something new. Against no folding, writer-held-out CV gave decisions
# P 0.560 -> 0.592 at the same recall (0.66); folding every reply gained more precision but lost
# recall, and it would swallow a new matter said straight after.
FOLLOW_TURNS, FOLLOW_NEW = 2, 4
WORDS_PER_DECISION = 700  # see actions.recall_floor
# A decision said again within six turns with two of its words and two fifths of the new one's is
# the chair restating it with detail ("Decided then: the smaller vendor runs the emails from June").
# Writer-held-out CV (238 meetings): decisions 12 fewer false (10 writer batches), 2 more missed.
RESTATE_TURNS, RESTATE_SHARE, RESTATE_WORDS = 6, 0.4, 2

# A date counts as a review date only when the words say the decision will be looked at again.
_REVIEW = re.compile(
    r"\b(?:review|revisit|reassess|re-assess|check (?:in|back|again|on)|look (?:at it )?again|"
    r"take stock|come back to|evaluate|report back|readout|read-out|checkpoint)\b"
)
# Something to tell whether it worked: a number, a target, a measure.
_MEASURE = re.compile(
    r"\b(?:\d+(?:\.\d+)?\s?(?:%|percent|k\b)|target|kpi|metric|measure[sd]?|success|conversion|"
    r"rate|uplift|baseline|benchmark|threshold|nps|roi|sla)\b"
)
_SOMEONE = re.compile(
    r"\b(?:i'll|i will|we'll|my team|owns?|owner|responsible|to lead|will lead)\b"
)


def _review_date(units: list[Unit], ctx: Context, meeting_date: dt.date | None) -> dt.date | None:
    """A date the decision will be revisited on, said in its words or the unit after them."""
    last = units[-1]
    after = ctx.next_in_turn(last)
    around = [*units, after] if after is not None else units
    for u in around:
        if _REVIEW.search(u.norm):
            due = find_due(u.quote, meeting_date)
            if due is not None and due.date is not None:
                return due.date
    return None


def decision_gaps(decision: Decision, ctx: Context, owned_turns: set[int]) -> list[DecisionGap]:
    """What a decision lacks for someone who was not there: decider, owner, review date, measure."""
    turns = {e.turn for e in decision.evidence}
    text = " ".join(u.norm for t in turns for u in ctx.turn_units(t))
    gaps: list[DecisionGap] = []
    if decision.decided_by is None:
        gaps.append("no decider")
    near = {t + d for t in turns for d in (-1, 0, 1, 2)}
    if not (near & owned_turns) and not _SOMEONE.search(text):
        gaps.append("no owner")
    if decision.review_date is None:
        gaps.append("no review date")
    if not _MEASURE.search(text):
        gaps.append("no success measure")
    return gaps


def find_decisions(
    ctx: Context,
    model: Binary,
    vocab: frozenset[str] | None = None,
    probs: Sequence[float] | None = None,
    meeting_date: dt.date | None = None,
) -> list[Decision]:
    """Every unit the model picks as a decision; a recap of an earlier one is folded into it."""
    scores = (
        list(probs)
        if probs is not None
        else [model.prob(extract(u, ctx, vocab)) for u in ctx.units]
    )
    floor = recall_floor(ctx, scores, model.threshold, WORDS_PER_DECISION)
    found: list[Decision] = []
    index: dict[str, list[int]] = {}  # content word -> decision numbers
    used: set[int] = set()
    for u in ctx.units:
        if u.index in used:
            continue
        p = scores[u.index]
        proposal = _settled(u, ctx)
        if proposal is not None and proposal.index in used:
            # "Fine by me" after a decision already taken: more evidence, not a second decision.
            owner = next(
                (d for d in found if any(e.quote == proposal.quote for e in d.evidence)), None
            )
            if owner is not None:
                owner.evidence.append(u.evidence())
                used.add(u.index)
                continue
        # A bare "deal" scores low on its own words; what it settles carries the weight. A proposal
        # said as one ("how about...") or half-way to the threshold, settled so, is a decision.
        settles = proposal is not None and (
            scores[proposal.index] >= model.threshold / 3 or proposal_words(proposal, ctx)
        )
        if p < model.threshold and u.index not in floor and not settles:
            continue
        units = [proposal, u] if proposal is not None else [u]
        last = found[-1] if found else None
        head = units[0]
        if (
            last is not None
            and last.evidence[-1].turn == head.turn
            and (head.index - 1 in used or head.index - 2 in used)
        ):
            # One decision said over several units of a turn stays one decision, even with one
            # sentence the model passed over between them, and the "agreed" that answers its last
            # part settles all of it; further apart, in a long turn, they are more often two
            # decisions (AMI's chairs list several in one turn).
            last.evidence.extend(x.evidence() for x in units)
            used.update(x.index for x in units)
            continue
        if proposal is None and len(u.tokens) < 3:
            continue  # a bare "agreed" with nothing before it to settle
        words = _content(units)
        if proposal is None and last is not None and _answers(u, words, last, ctx):
            last.evidence.append(u.evidence())
            used.add(u.index)
            continue
        used.update(x.index for x in units)
        shared: dict[int, int] = {}
        for w in words:
            for n in index.get(w, ()):
                shared[n] = shared.get(n, 0) + 1
        if len(words) >= 4 and any(c / len(words) >= 0.7 for c in shared.values()):
            continue  # a recap of an earlier decision
        near = next(
            (
                found[n]
                # most shared words first, then the earlier: `words` is a set, its order is hash order
                for n, c in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))
                if c >= RESTATE_WORDS
                and c / len(words) >= RESTATE_SHARE
                and 0 <= u.turn - found[n].evidence[-1].turn <= RESTATE_TURNS
            ),
            None,
        )
        if near is not None:
            near.evidence.extend(x.evidence() for x in units)
            continue
        text = units[0].quote
        found.append(
            Decision(
                id="",
                description=describe(text) or tidy(text),
                evidence=[x.evidence() for x in units],
                # Whose word settled it: the one who said yes, or who announced it.
                decided_by=units[-1].speaker,
                review_date=_review_date(units, ctx, meeting_date),
            )
        )
        for w in words:
            index.setdefault(w, []).append(len(found) - 1)
    return found
