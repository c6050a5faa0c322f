"""Decisions: units the scorer reads as settling something, with what was settled as evidence."""

from __future__ import annotations

from collections.abc import Sequence

from coach.engines.offline.actions import recall_floor
from coach.engines.offline.features import _SETTLE_ONLY, Context, extract
from coach.engines.offline.model import Binary
from coach.engines.offline.normalize import Unit
from coach.engines.offline.text import describe, tidy
from coach.models import Decision, Evidence

_STOP = frozenset(
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
    return {t for u in units for t in u.tokens if len(t) >= 4 and t not in _STOP}


WORDS_PER_DECISION = 700  # see actions.recall_floor


def find_decisions(
    ctx: Context,
    model: Binary,
    vocab: frozenset[str] | None = None,
    probs: Sequence[float] | None = None,
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
        # A bare "deal" scores low on its own words; what it settles carries the weight. A proposal
        # half-way to the threshold that someone settles in so many words is a decision.
        settles = proposal is not None and scores[proposal.index] >= model.threshold / 2
        if p < model.threshold and u.index not in floor and not settles:
            continue
        units = [proposal, u] if proposal is not None else [u]
        last = found[-1] if found else None
        if (
            proposal is None
            and last is not None
            and last.evidence[-1].turn == u.turn
            and u.index - 1 in used
        ):
            # One decision said over two units of a turn stays one decision.
            last.evidence.append(Evidence(turn=u.turn, speaker=u.speaker, quote=u.quote))
            used.add(u.index)
            continue
        if proposal is None and len(u.tokens) < 3:
            continue  # a bare "agreed" with nothing before it to settle
        used.update(x.index for x in units)
        words = _content(units)
        shared: dict[int, int] = {}
        for w in words:
            for n in index.get(w, ()):
                shared[n] = shared.get(n, 0) + 1
        if len(words) >= 4 and any(c / len(words) >= 0.7 for c in shared.values()):
            continue  # a recap of an earlier decision
        text = units[0].quote
        found.append(
            Decision(
                id="",
                description=describe(text) or tidy(text),
                evidence=[Evidence(turn=x.turn, speaker=x.speaker, quote=x.quote) for x in units],
            )
        )
        for w in words:
            index.setdefault(w, []).append(len(found) - 1)
    return found
