"""Misalignment flags: a sentence classifier for the nine gaps, then a meeting-level decision.

Each unit gets a probability per category from the learned multinomial model (its words, the
framework file's signal phrases, who says it). A category is flagged when the meeting-level model,
reading how strong and how many its signal units are, whether both functions voice it, pushback
and resolution, says it is a gap here. Evidence comes from both sides where both spoke.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from coach.engines.offline.features import Context, lexicon, placeholder_tokens
from coach.engines.offline.model import Weights
from coach.engines.offline.normalize import Unit
from coach.engines.offline.signals import signal_index
from coach.engines.offline.signals import tokens as signal_tokens
from coach.frameworks import load_frameworks
from coach.models import CATEGORIES, Category, Flag, Role, Severity

SIDE: dict[Role, str] = {
    "CMO": "marketing",
    "marketing": "marketing",
    "CIO": "it",
    "CTO": "it",
    "it": "it",
    "technology": "it",
    "CEO": "exec",
    "other": "other",
}
_PUSHBACK = re.compile(
    r"\b(?:but|however|hold on|wait|honestly|frankly|the problem is|that's not|i disagree|with respect|"
    r"again|every time|frustrat\w*|not acceptable|can't|cannot|won't|nobody|no one|never|why|"
    r"first i'm hearing|worried|worry|concern\w*|nervous|uncomfortable|not comfortable|surprised?)\b"
)
# The matter is in hand: a review passed, a policy in place, a plan agreed. A meeting that names a
# category while saying this has not shown the gap (the annotation rules' hard negatives).
_RESOLVED = re.compile(
    r"\b(?:passed|approved|cleared|signed off|sign-off done|in place|up to date|is current|"
    r"compliant|all good|no issues?|no concerns?|no problems?|on track|sorted|covered|"
    r"works? well|working well|happy with|as agreed|already agreed|we agreed|"
    r"already (?:reviewed|checked|done|in|on|shared|approved|covered|booked))\b"
)
_NEGATED = re.compile(r"\b(?:not|never|nobody|no one|without|yet)\b|n't\b")
# What raises the stakes of a gap: money signed away, customer data, a public date.
_STAKES = re.compile(
    r"\b(?:signed|contract|renewal|invoice|budget|cost|costs|spend|spent|price|\$|£|€|"
    r"customer data|personal data|pii|gdpr|consent|breach|regulator|fine|fines|audit|legal|"
    r"launch|go live|go-live|deadline|board|revenue|million|thousand|k a year)\b"
)
MAX_EVIDENCE = 4


def category_features(u: Unit, ctx: Context) -> list[str]:
    """Features of a unit for the category model: its words, framework signals, the speaker's side."""
    feats = lexicon(placeholder_tokens(u, ctx))
    # The unit's words are the signal tokens, but for a word with two apostrophes ("rock'n'roll").
    words = (
        u.tokens
        if all(t.count("'") < 2 for t in u.tokens)
        else [t for t, _, _ in signal_tokens(u.norm)]
    )
    for category, kind in signal_index().kinds(words):
        feats.append(f"s={category}.{kind}" if kind != "friction" else "s=friction")
    side = SIDE.get(ctx.roster.role.get(u.speaker, "other"), "other")
    feats.append(f"side={side}")
    if _PUSHBACK.search(u.norm):
        feats.append("r=pushback")
    if resolved(u):
        feats.append("r=resolved")
    return feats


def resolved(u: Unit) -> bool:
    """The unit says the matter is handled (a review passed, a policy in place), unnegated."""
    return bool(_RESOLVED.search(u.norm)) and not _NEGATED.search(u.norm)


@dataclass
class CategoryTally:
    """One category's signal units in a meeting and what the meeting-level model reads from them."""

    category: str
    probs: list[tuple[float, Unit]] = field(default_factory=list)  # every unit, sorted high first
    signals: list[tuple[float, Unit]] = field(default_factory=list)  # above the unit threshold
    features: dict[str, float] = field(default_factory=dict)


def tally(
    ctx: Context, weights: Weights, per_unit: list[dict[str, float]] | None = None
) -> dict[str, CategoryTally]:
    """Per category: every unit's probability, the signal units, and meeting-level features.

    `per_unit` (category probabilities per unit) replaces the model's: training passes scores
    from a model that never saw the meeting.
    """
    if per_unit is None:
        per_unit = [weights.category.probs(category_features(u, ctx)) for u in ctx.units]
    words = sum(len(u.tokens) for u in ctx.units) or 1
    sides = {lab: SIDE.get(ctx.roster.role.get(lab, "other"), "other") for lab in ctx.roster.labels}
    out: dict[str, CategoryTally] = {}
    for cat in CATEGORIES:
        t = CategoryTally(cat)
        t.probs = sorted(
            ((p[cat], u) for p, u in zip(per_unit, ctx.units, strict=True)), key=lambda x: -x[0]
        )
        t.signals = [(p, u) for p, u in t.probs if p >= weights.unit_threshold]
        top = [p for p, _ in t.probs[:3]] + [0.0] * 3
        voiced = {
            sides.get(u.speaker, "other") for p, u in t.probs if p >= 0.8 * weights.unit_threshold
        }
        best_of = {"marketing": 0.0, "it": 0.0}
        for p, u in t.probs:
            side = sides.get(u.speaker, "other")
            if side in best_of and p > best_of[side]:
                best_of[side] = p
        pushback = sum(1 for _, u in t.signals if _PUSHBACK.search(u.norm))
        handled = sum(1 for _, u in t.signals if resolved(u))
        t.features = {
            "m=top1": top[0],
            "m=top3": sum(top[:3]) / 3,
            "m=signals": math.log1p(len(t.signals)),
            # Per thousand words, but a five-line meeting is not "dense" on one remark.
            "m=density": 1000 * len(t.signals) / max(words, 1000),
            "m=speakers": min(3, len({u.speaker for _, u in t.signals})) / 3,
            "m=both_sides": float({"marketing", "it"} <= voiced),
            "m=weaker_side": min(best_of.values()),  # how clearly the quieter function voices it
            "m=strong": math.log1p(sum(1 for p, _ in t.probs[:20] if p >= 0.9)),
            "m=pushback": min(3, pushback) / 3,
            # Resolution against pushback: a topic raised and closed is not a gap.
            "m=resolved": min(3, handled) / 3,
            "m=resolved_share": handled / len(t.signals) if t.signals else 0.0,
            "m=long_meeting": math.log(max(words, 300) / 1000),
            # Categories differ in how often their words come up without a gap (every meeting
            # mentions a KPI): each gets its own offset.
            f"c={cat}": 1.0,
        }
        out[cat] = t
    return out


# How weakly the other function's words may score and still be shown beside the gap they answer:
# a plain "we signed it last week" carries little of the category's vocabulary on its own.
OTHER_SIDE_FLOOR = 0.02


def _evidence(t: CategoryTally, ctx: Context, cited: set[int], weak: float) -> list[Unit]:
    """Up to four signal units: the two strongest, then other speakers, the other side first."""
    sides = {lab: SIDE.get(ctx.roster.role.get(lab, "other"), "other") for lab in ctx.roster.labels}
    pool = [u for _, u in (t.signals or t.probs[:2])]
    if not pool:
        return []
    # The other side's words may score lower and still show the gap ("We signed it last week").
    pool += [u for p, u in t.probs[len(t.signals) : len(t.signals) + 6] if p >= weak]
    fresh = [u for u in pool if u.index not in cited] or pool
    # The two strongest first, whoever said them: they are what a reader checks.
    chosen = fresh[:2]
    for want_other_side in (True, False):
        for u in pool:
            if len(chosen) == MAX_EVIDENCE:
                break
            if u in chosen or u.speaker in {c.speaker for c in chosen}:
                continue
            side = sides.get(u.speaker, "other")
            if want_other_side and side in {sides.get(c.speaker, "other") for c in chosen}:
                continue
            chosen.append(u)
    # The other function's side of it, when it spoke right there ("We signed it last week" before
    # "First I'm hearing of it"), even if its words alone score low.
    have = {sides.get(c.speaker, "other") for c in chosen}
    for side in ("marketing", "it"):
        if side in have or len(chosen) == MAX_EVIDENCE or not have & {"marketing", "it"}:
            continue
        near = [
            (p, u)
            for p, u in t.probs
            if sides.get(u.speaker) == side
            and p >= OTHER_SIDE_FLOOR
            and any(abs(u.turn - c.turn) <= 2 for c in chosen)
        ]
        if near:
            chosen.append(max(near, key=lambda pu: pu[0])[1])
    cited.update(u.index for u in chosen)
    return sorted(chosen, key=lambda u: u.index)


def _severity(p: float, evidence: list[Unit], ctx: Context) -> Severity:
    """From what is at stake (a contract, customer data, budget, a launch) and how clear the gap is."""
    stakes = sum(1 for u in evidence if _STAKES.search(u.norm))
    sides = {SIDE.get(ctx.roster.role.get(u.speaker, "other"), "other") for u in evidence}
    both = {"marketing", "it"} <= sides
    if stakes >= 2 or (stakes and both and p >= 0.7):
        return "high"
    if stakes or p >= 0.7:
        return "medium"
    return "low"


def find_flags(
    ctx: Context, weights: Weights, tallies: dict[str, CategoryTally] | None = None
) -> tuple[list[Flag], dict[Category, list[int]]]:
    """Flags for categories the meeting-level model reads as gaps, and the turns of every category discussed."""
    fw = load_frameworks()
    tallies = tallies if tallies is not None else tally(ctx, weights)
    flags: list[tuple[float, Flag]] = []
    discussed: dict[Category, list[int]] = {}
    cited: set[int] = set()
    ranked = sorted(tallies.values(), key=lambda t: -weights.flag.prob(t.features))
    for t in ranked:
        cat: Category = t.category  # type: ignore[assignment]
        turns = sorted({u.turn for _, u in t.signals})
        if len(turns) >= 2:  # one topic word in passing is not a discussion
            discussed[cat] = turns
        p = weights.flag.prob(t.features)
        if p < weights.flag.threshold or not t.signals:
            continue
        evidence = _evidence(t, ctx, cited, weights.unit_threshold / 2)
        info = fw.category(cat)
        parties = list(
            dict.fromkeys([*(u.speaker for u in evidence), *(u.speaker for _, u in t.signals)])
        )[:4]
        flags.append(
            (
                p,
                Flag(
                    id="",
                    category=cat,
                    severity=_severity(p, evidence, ctx),
                    title=info.title,
                    summary=_summary(info.description, t, ctx, parties),
                    parties=parties,
                    evidence=[u.evidence() for u in evidence],
                    conversation=info.conversation,
                    confidence=round(p, 2),
                ),
            )
        )
    order = {"high": 0, "medium": 1, "low": 2}
    flags.sort(key=lambda pf: (order[pf[1].severity], -pf[0]))
    return [f for _, f in flags], discussed


def gap_scores(tallies: dict[str, CategoryTally]) -> dict[int, float]:
    """Each unit's strongest reading as one of the nine gaps."""
    best: dict[int, float] = {}
    for t in tallies.values():
        for p, u in t.probs:
            if p > best.get(u.index, 0.0):
                best[u.index] = p
    return best


def pushes_back(u: Unit) -> bool:
    """Pushback words: "but", "hold on", "nobody", "first I'm hearing", "worried"..."""
    return bool(_PUSHBACK.search(u.norm))


def _summary(description: str, t: CategoryTally, ctx: Context, parties: list[str]) -> str:
    who = ", ".join(f"{s} ({ctx.roster.role.get(s, 'other')})" for s in parties[:3])
    pushback = t.features["m=pushback"] > 0
    tone = "with open pushback" if pushback else "without open disagreement"
    first = description.split(". ")[0].rstrip(".") + "."
    return f"{first} Raised by {who}, in {len(t.signals)} remark(s) {tone}."
