"""Score one report against its gold, and sum scores over a dataset (micro-averaged)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from coach.evals.gold import Gold, GoldAction, GoldItem
from coach.grounding import find_verbatim
from coach.models import ActionItem, Decision, Evidence, Flag, Report, Transcript

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
    return {i for i, t in enumerate(transcript.turns) if find_verbatim(quote, t.text) is not None}


def match(
    predicted: Sequence[Sequence[Evidence]], gold: Sequence[GoldItem], transcript: Transcript
) -> list[tuple[int, int]]:
    """One-to-one pairs (prediction index, gold index), closest first.

    A pair is a candidate when the prediction cites a turn holding one of the gold anchors, or one
    of its quotes shares half its words with an anchor.
    """
    gold_turns = [set().union(*(anchor_turns(a, transcript) for a in g.anchors)) for g in gold]
    candidates: list[tuple[float, int, int]] = []
    for pi, evidence in enumerate(predicted):
        for gi, g in enumerate(gold):
            same_turn = any(ev.turn in gold_turns[gi] for ev in evidence)
            best = max((overlap(ev.quote, a) for ev in evidence for a in g.anchors), default=0.0)
            if same_turn or best >= 0.5:
                # Prefer required items over optional ones when both fit.
                score = float(same_turn) + best + (0.0 if g.optional else 0.01)
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
    quotes: int = 0
    grounded: int = 0
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def _score_items(
    kind: str,
    predicted: Sequence[Any],
    gold: Sequence[GoldItem],
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
    mistakes = []
    for pi, gi in pairs:
        g, p = gold.action_items[gi], report.action_items[pi]
        if g.optional:
            continue
        score.matched_actions += 1
        good_owner, good_due = owner_ok(p.owner, g), due_ok(p.due, g)
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
    score.decisions, _ = _score_items(
        "decisions", report.decisions, gold.decisions, transcript, detail
    )
    flagged = {f.category for f in report.flags}
    score.flags = Counts(
        tp=len(flagged & set(gold.flags.required)),
        fp=len(flagged & set(gold.flags.forbidden)),
        fn=len(set(gold.flags.required) - flagged),
    )
    detail["flag_detail"] = {
        "missed": sorted(set(gold.flags.required) - flagged),
        "forbidden_flagged": sorted(flagged & set(gold.flags.forbidden)),
        "optional_flagged": sorted(flagged & set(gold.flags.optional)),
    }
    items: list[Flag | ActionItem | Decision] = [
        *report.flags,
        *report.action_items,
        *report.decisions,
    ]
    for item in items:
        for ev in item.evidence:
            score.quotes += 1
            turns = transcript.turns
            score.grounded += int(0 <= ev.turn < len(turns) and ev.quote in turns[ev.turn].text)
    return score


def summarise(scores: Sequence[MeetingScore]) -> dict[str, float]:
    """The dataset's metrics, micro-averaged over meetings; failed meetings count as all-missed."""
    actions, decisions, flags = Counts(), Counts(), Counts()
    matched = owner = due = quotes = grounded = 0
    for s in scores:
        actions.add(s.actions)
        decisions.add(s.decisions)
        flags.add(s.flags)
        matched += s.matched_actions
        owner += s.owner_right
        due += s.due_right
        quotes += s.quotes
        grounded += s.grounded
    metrics: dict[str, float] = {}
    for name, counts in (("action_items", actions), ("decisions", decisions), ("flags", flags)):
        p, r, f = counts.prf()
        metrics[f"{name}.precision"] = p
        metrics[f"{name}.recall"] = r
        metrics[f"{name}.f1"] = f
    metrics["action_items.owner_accuracy"] = owner / matched if matched else 0.0
    metrics["action_items.due_accuracy"] = due / matched if matched else 0.0
    metrics["evidence.grounded"] = grounded / quotes if quotes else 1.0
    metrics["meetings.completed"] = (
        sum(1 for s in scores if s.error is None) / len(scores) if scores else 0.0
    )
    return {k: round(v, 4) for k, v in metrics.items()}
