"""Score one report against its gold, and sum scores over a dataset (micro-averaged)."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from coach.evals.gold import Gold, GoldAction, GoldItem, GoldObjection
from coach.grounding import find_verbatim
from coach.models import ActionItem, Decision, Evidence, Flag, Report, Transcript
from coach.names import same_person

_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> set[str]:
    """The lower-case word set of a text."""
    return set(_WORD.findall(text.casefold()))


def overlap(a: str, b: str) -> float:
    """Shared words over the shorter text's words (0 when either is under three words)."""
    wa, wb = words(a), words(b)
    if min(len(wa), len(wb)) < 3:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def anchor_turns(quote: str, transcript: Transcript) -> set[int]:
    """Indices of the turns where a gold quote appears."""
    return {turn for turn, _, _ in spans(quote, transcript)}


def spans(quote: str, transcript: Transcript) -> list[tuple[int, int, int]]:
    """Every (turn, start, end) where a quote appears in the transcript."""
    return list(_spans(quote, tuple(t.text for t in transcript.turns)))


@lru_cache(maxsize=4096)  # a threshold sweep matches the same gold quotes again and again
def _spans(quote: str, texts: tuple[str, ...]) -> tuple[tuple[int, int, int], ...]:
    found = []
    for i, text in enumerate(texts):
        exact = find_verbatim(quote, text)
        if exact is None:
            continue
        at = text.find(exact)
        while at >= 0:
            found.append((i, at, at + len(exact)))
            at = text.find(exact, at + 1)
    return tuple(found)


def _evidence_spans(ev: Evidence, transcript: Transcript) -> list[tuple[int, int]]:
    if not 0 <= ev.turn < len(transcript.turns) or not ev.quote:
        return []
    text = transcript.turns[ev.turn].text
    out = []
    at = text.find(ev.quote)
    while at >= 0:
        out.append((at, at + len(ev.quote)))
        at = text.find(ev.quote, at + 1)
    return out


def match(
    predicted: Sequence[Sequence[Evidence]],
    gold: Sequence[GoldItem | GoldObjection],
    transcript: Transcript,
) -> list[tuple[int, int]]:
    """One-to-one pairs (prediction index, gold index), closest first.

    A pair is a candidate when a prediction's quote overlaps one of the gold anchors in the same
    turn, or shares half its words with an anchor. Sitting in the anchor's turn is not enough: a
    long turn holds several items.
    """
    gold_spans = [[sp for a in g.anchors for sp in spans(a, transcript)] for g in gold]
    pred_spans = [
        [(ev.turn, s, e) for ev in evidence for s, e in _evidence_spans(ev, transcript)]
        for evidence in predicted
    ]
    candidates: list[tuple[float, int, int]] = []
    for pi, evidence in enumerate(predicted):
        for gi, g in enumerate(gold):
            overlapping = any(
                pt == gt and ps < ge and gs < pe
                for pt, ps, pe in pred_spans[pi]
                for gt, gs, ge in gold_spans[gi]
            )
            best = max((overlap(ev.quote, a) for ev in evidence for a in g.anchors), default=0.0)
            if overlapping or best >= 0.5:
                # Prefer required items over optional ones when both fit.
                score = float(overlapping) + best + (0.0 if g.optional else 0.01)
                candidates.append((score, pi, gi))
    pairs: list[tuple[int, int]] = []
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, pi, gi in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if pi not in used_p and gi not in used_g:
            pairs.append((pi, gi))
            used_p.add(pi)
            used_g.add(gi)
    return sorted(pairs)


def owner_ok(predicted: str | None, gold: GoldAction) -> bool:
    """The predicted owner is the gold owner (or an accepted alternative), allowing first names."""
    options = [gold.owner, *gold.owner_alternatives]
    if predicted is None:
        return None in options
    p = " ".join(predicted.casefold().split())
    for option in options:
        if option is None:
            continue
        o = " ".join(option.casefold().split())
        first_name_only = " " not in p or " " not in o
        if p == o or (first_name_only and p.split()[0] == o.split()[0]):
            return True
    return False


def due_ok(predicted: Any, gold: GoldAction) -> bool:
    """The predicted due date is the gold one or an accepted alternative."""
    return predicted == gold.due or predicted in gold.due_alternatives


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        """Accumulate another count."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def prf(self) -> tuple[float, float, float]:
        """Precision, recall, F1 (1.0 when there was nothing to find and nothing was found)."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


@dataclass
class MeetingScore:
    """Everything measured on one meeting, with the detail a person needs to see why."""

    name: str
    actions: Counts = field(default_factory=Counts)
    decisions: Counts = field(default_factory=Counts)
    flags: Counts = field(default_factory=Counts)
    owner_right: int = 0
    due_right: int = 0
    matched_actions: int = 0
    optional_flags: int = 0
    strength_right: int = 0  # matched action items whose gold has a strength
    strength_total: int = 0
    decider_right: int = 0  # matched decisions whose gold names who decided
    decider_total: int = 0
    gaps: Counts = field(default_factory=Counts)  # gap labels over matched decisions
    objections: Counts = field(default_factory=Counts)
    answered_right: int = 0  # matched objections whose answered/unanswered is right
    answered_total: int = 0
    quotes: int = 0
    dropped: int = 0
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def _score_items(
    kind: str,
    predicted: Sequence[Any],
    gold: Sequence[GoldItem | GoldObjection],
    transcript: Transcript,
    detail: dict[str, Any],
) -> tuple[Counts, list[tuple[int, int]]]:
    pairs = match([p.evidence for p in predicted], gold, transcript)
    matched_p = {p for p, _ in pairs}
    matched_g = {g for _, g in pairs}
    counts = Counts(
        tp=sum(1 for _, g in pairs if not gold[g].optional),
        fp=len(predicted) - len(matched_p),
        fn=sum(1 for i, g in enumerate(gold) if i not in matched_g and not g.optional),
    )
    detail[f"{kind}_missed"] = [
        g.quote for i, g in enumerate(gold) if i not in matched_g and not g.optional
    ]
    detail[f"{kind}_false_positives"] = [
        {
            "id": p.id,
            "text": getattr(p, "description", ""),
            "quote": p.evidence[0].quote if p.evidence else None,
        }
        for i, p in enumerate(predicted)
        if i not in matched_p
    ]
    return counts, pairs


def score_meeting(name: str, report: Report, gold: Gold, transcript: Transcript) -> MeetingScore:
    """Compare one report with its gold file."""
    score = MeetingScore(name=name)
    detail = score.detail
    score.actions, pairs = _score_items(
        "actions", report.action_items, gold.action_items, transcript, detail
    )
    alias = {p.name: p.label for p in report.meeting.participants if p.label}
    mistakes = []
    for pi, gi in pairs:
        g, p = gold.action_items[gi], report.action_items[pi]
        if g.optional:
            continue
        score.matched_actions += 1
        if g.strength is not None:
            score.strength_total += 1
            score.strength_right += p.strength == g.strength
        # A renamed diarisation label ("SPEAKER_01" -> "Colm") counts under either name.
        good_owner = owner_ok(p.owner, g) or (p.owner in alias and owner_ok(alias[p.owner], g))
        good_due = due_ok(p.due, g)
        score.owner_right += good_owner
        score.due_right += good_due
        if not (good_owner and good_due):
            mistakes.append(
                {
                    "quote": g.quote,
                    "owner": [p.owner, g.owner],
                    "due": [
                        p.due.isoformat() if p.due else None,
                        g.due.isoformat() if g.due else None,
                    ],
                }
            )
    detail["action_mistakes"] = mistakes
    score.decisions, dpairs = _score_items(
        "decisions", report.decisions, gold.decisions, transcript, detail
    )
    for pi, gi in dpairs:
        gd, pd = gold.decisions[gi], report.decisions[pi]
        if gd.optional:
            continue
        if gd.decided_by is not None:
            score.decider_total += 1
            score.decider_right += pd.decided_by is not None and any(
                same_person(name, gd.decided_by)
                for name in (pd.decided_by, alias.get(pd.decided_by, pd.decided_by))
            )
        if gd.gaps is not None:
            want, got = set(gd.gaps), set(pd.gaps)
            score.gaps.add(Counts(tp=len(want & got), fp=len(got - want), fn=len(want - got)))
    if gold.objections is not None:
        score.objections, opairs = _score_items(
            "objections", report.objections, gold.objections, transcript, detail
        )
        for pi, gi in opairs:
            if not gold.objections[gi].optional:
                score.answered_total += 1
                score.answered_right += (
                    report.objections[pi].answered == gold.objections[gi].answered
                )
    score.flags, score.optional_flags = _score_flags(report.flags, gold, transcript, detail)
    items: list[Flag | ActionItem | Decision] = [
        *report.flags,
        *report.action_items,
        *report.decisions,
    ]
    turns = transcript.turns
    not_verbatim = 0
    for item in items:
        for ev in item.evidence:
            not_verbatim += int(not (0 <= ev.turn < len(turns) and ev.quote in turns[ev.turn].text))
    # Quotes the grounding step dropped, plus any that reached the report unverified (a bug).
    score.quotes = max(report.engine.quotes_checked, sum(len(i.evidence) for i in items))
    score.dropped = report.engine.quotes_dropped + not_verbatim
    detail["quotes_not_verbatim"] = not_verbatim
    return score


def _score_flags(
    flags: Sequence[Flag], gold: Gold, transcript: Transcript, detail: dict[str, Any]
) -> tuple[Counts, int]:
    """Per category: a required gap flagged with a quote from its gold evidence turns is a hit.

    A flag on a required category that cites none of the gold evidence turns found the word, not
    the gap: it counts as a miss and a false alarm. A forbidden category flagged is a false alarm.
    Optional categories are counted apart and never as correct.
    """
    by_category: dict[str, list[Flag]] = {}
    for f in flags:
        by_category.setdefault(f.category, []).append(f)
    required, forbidden = set(gold.flags.required), set(gold.flags.forbidden)
    counts = Counts()
    wrong_evidence = []
    for category in sorted(required):
        cited = by_category.get(category)
        if not cited:
            counts.fn += 1
            continue
        anchors = gold.flags.evidence.get(category)
        if anchors is None or any(touches_turn(f.evidence, anchors, transcript) for f in cited):
            counts.tp += 1
        else:
            counts.fn += 1
            counts.fp += 1
            wrong_evidence.append(category)
    flagged = set(by_category)
    counts.fp += len(flagged & forbidden)
    optional = sorted(flagged & set(gold.flags.optional))
    detail["flag_detail"] = {
        "missed": sorted(required - flagged),
        "wrong_evidence": wrong_evidence,
        "forbidden_flagged": sorted(flagged & forbidden),
        "optional_flagged": optional,
    }
    return counts, len(optional)


def touches_turn(
    evidence: Sequence[Evidence], anchors: Sequence[str], transcript: Transcript
) -> bool:
    """Some evidence quote lies in a turn that holds one of the anchors."""
    turns = {t for a in anchors for t, _, _ in spans(a, transcript)}
    return any(ev.turn in turns for ev in evidence)


HEADLINE = (
    "action_items.f1",
    "action_items.precision",
    "action_items.recall",
    "action_items.owner_accuracy",
    "action_items.due_accuracy",
    "decisions.f1",
    "decisions.precision",
    "decisions.recall",
    "flags.precision",
    "flags.recall",
    # coaching depth: reported with intervals too, when the gold has them
    "action_items.strength_accuracy",
    "decisions.gaps_f1",
    "objections.f1",
    "objections.answered_accuracy",
)
# Metrics where a smaller figure is better; the baseline check reads them the other way round.
LOWER_IS_BETTER = frozenset({"evidence.dropped", "flags.optional_per_meeting"})


def summarise(scores: Sequence[MeetingScore]) -> dict[str, float]:
    """The dataset's metrics, micro-averaged over meetings; failed meetings count as all-missed."""
    actions, decisions, flags = Counts(), Counts(), Counts()
    matched = owner = due = quotes = dropped = optional = 0
    for s in scores:
        actions.add(s.actions)
        decisions.add(s.decisions)
        flags.add(s.flags)
        matched += s.matched_actions
        owner += s.owner_right
        due += s.due_right
        quotes += s.quotes
        dropped += s.dropped
        optional += s.optional_flags
    metrics: dict[str, float] = {}
    for name, counts in (("action_items", actions), ("decisions", decisions), ("flags", flags)):
        p, r, f = counts.prf()
        metrics[f"{name}.precision"] = p
        metrics[f"{name}.recall"] = r
        metrics[f"{name}.f1"] = f
    depth = {
        "action_items.strength_accuracy": (
            sum(s.strength_right for s in scores),
            sum(s.strength_total for s in scores),
        ),
        "decisions.decider_accuracy": (
            sum(s.decider_right for s in scores),
            sum(s.decider_total for s in scores),
        ),
        "objections.answered_accuracy": (
            sum(s.answered_right for s in scores),
            sum(s.answered_total for s in scores),
        ),
    }
    for name, (right, total) in depth.items():
        if total:  # only where the gold says so (gold format 2)
            metrics[name] = right / total
    gaps, objections = Counts(), Counts()
    for s in scores:
        gaps.add(s.gaps)
        objections.add(s.objections)
    if gaps.tp + gaps.fp + gaps.fn:
        metrics["decisions.gaps_f1"] = gaps.prf()[2]
    if objections.tp + objections.fp + objections.fn:
        p, r, f = objections.prf()
        metrics["objections.precision"] = p
        metrics["objections.recall"] = r
        metrics["objections.f1"] = f
    metrics["action_items.owner_accuracy"] = owner / matched if matched else 0.0
    metrics["action_items.due_accuracy"] = due / matched if matched else 0.0
    metrics["flags.optional_per_meeting"] = optional / len(scores) if scores else 0.0
    metrics["evidence.dropped"] = dropped / quotes if quotes else 0.0
    metrics["meetings.completed"] = (
        sum(1 for s in scores if s.error is None) / len(scores) if scores else 0.0
    )
    return {k: round(v, 4) for k, v in metrics.items()}


def intervals(
    scores: Sequence[MeetingScore], resamples: int = 1000, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """Bootstrap 95% intervals of the headline metrics, resampling whole meetings."""
    if not scores:
        return {}
    rng = random.Random(seed)
    draws: dict[str, list[float]] = {name: [] for name in HEADLINE}
    n = len(scores)
    for _ in range(resamples):
        sample = [scores[rng.randrange(n)] for _ in range(n)]
        metrics = summarise(sample)
        for name in HEADLINE:
            if name in metrics:  # depth metrics only where some meeting's gold has them
                draws[name].append(metrics[name])
    out = {}
    for name, values in draws.items():
        if len(values) < resamples:  # missing from some resamples: no honest interval
            continue
        values.sort()
        out[name] = (
            round(values[int(0.025 * (resamples - 1))], 4),
            round(values[int(0.975 * (resamples - 1))], 4),
        )
    return out
