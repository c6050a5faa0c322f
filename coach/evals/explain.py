"""`coach eval --explain`: where each named feature fires on a dataset, how often it is right, and
what removing it costs.

Precision here is the share of a rule's firings on units that the gold marks as an action item's
or a decision's anchor; a rule that argues against items (a hedge, a past tense) is right when it
fires on units that are not. Removing a rule re-runs the whole engine without its weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coach.engines.offline import OfflineEngine, meeting_context
from coach.engines.offline.features import FEATURES, rules_fired
from coach.engines.offline.model import Weights, load_weights
from coach.evals.gold import load_dataset
from coach.evals.scoring import score_meeting, spans, summarise
from coach.pipeline import assemble, prepare

LEXICON = ("w=", "b=", "h1=", "h2=")


@dataclass
class FeatureRow:
    name: str
    doc: str
    hits: int
    meetings: int
    action_precision: float | None
    decision_precision: float | None
    action_weight: float
    decision_weight: float
    cost: dict[str, float]  # metric -> change when the feature is removed (negative = it helped)


def _f1s(dataset: Path, weights: Weights) -> dict[str, float]:
    engine = OfflineEngine(weights)
    scores = []
    for m in load_dataset(dataset):
        roles = m.gold.roles if m.gold.roles_given else None
        transcript, meeting, warnings = prepare(m.transcript_path, roles=roles, date=m.gold.date)
        findings, info = engine.run(transcript, meeting)
        report = assemble(transcript, meeting, findings, info, warnings)
        scores.append(score_meeting(m.name, report, m.gold, transcript))
    metrics = summarise(scores)
    return {k: metrics[f"{k}.f1"] for k in ("action_items", "decisions", "flags")}


def explain(dataset: Path, progress: Callable[[str], None] | None = None) -> list[FeatureRow]:
    """One row per named feature, then one for the lexicon as a whole."""
    weights = load_weights()
    fired: dict[str, list[tuple[str, bool, bool]]] = {n: [] for n in FEATURES}
    for m in load_dataset(dataset):
        roles = m.gold.roles if m.gold.roles_given else None
        transcript, meeting, _ = prepare(m.transcript_path, roles=roles, date=m.gold.date)
        ctx = meeting_context(transcript, meeting)
        a_spans = [sp for g in m.gold.action_items for sp in spans(g.quote, transcript)]
        d_spans = [sp for g in m.gold.decisions for sp in spans(g.quote, transcript)]
        for u in ctx.units:
            names = [f.removeprefix("r=") for f in rules_fired(u, ctx)]
            if not names:
                continue
            is_a = any(t == u.turn and s < u.end and u.start < e for t, s, e in a_spans)
            is_d = any(t == u.turn and s < u.end and u.start < e for t, s, e in d_spans)
            for n in names:
                fired[n].append((m.name, is_a, is_d))
    base = _f1s(dataset, weights)
    rows = []
    for name, feature in FEATURES.items():
        if progress:
            progress(name)
        hits = fired[name]
        aw = weights.action.weight(f"r={name}")
        dw = weights.decision.weight(f"r={name}")
        without = _f1s(dataset, weights.without(f"r={name}"))
        rows.append(
            FeatureRow(
                name=name,
                doc=feature.doc.splitlines()[0],
                hits=len(hits),
                meetings=len({h[0] for h in hits}),
                action_precision=_precision(hits, 1, aw),
                decision_precision=_precision(hits, 2, dw),
                action_weight=aw,
                decision_weight=dw,
                cost={k: round(without[k] - base[k], 4) for k in base},
            )
        )
    if progress:
        progress("lexicon")
    stripped = weights
    for prefix in LEXICON:
        stripped = stripped.without(prefix)
    without = _f1s(dataset, stripped)
    rows.append(
        FeatureRow(
            name="lexicon",
            doc="The unit's words and word pairs (names, numbers and dates as placeholders).",
            hits=0,
            meetings=0,
            action_precision=None,
            decision_precision=None,
            action_weight=0.0,
            decision_weight=0.0,
            cost={k: round(without[k] - base[k], 4) for k in base},
        )
    )
    return rows


def _precision(hits: list[tuple[str, bool, bool]], which: int, weight: float) -> float | None:
    """Share of firings that agree with the direction the model uses the rule in."""
    if not hits or weight == 0:
        return None
    positive = sum(1 for h in hits if h[which])
    right = positive if weight > 0 else len(hits) - positive
    return round(right / len(hits), 3)


def markdown(rows: list[FeatureRow], dataset: Path) -> str:
    """The table `coach eval --explain` prints."""
    lines = [
        f"## Features on {dataset.name}",
        "",
        "Precision: share of firings on gold anchors (or, for a rule weighted against items, off them).",
        "Removing: change in F1 when the engine runs without the rule (negative means the rule helps).",
        "",
        "| feature | what it detects | hits | meetings | action P (w) | decision P (w) | removing: actions / decisions / flags |",
        "| --- | --- | ---: | ---: | --- | --- | --- |",
    ]

    def cell(p: float | None, w: float) -> str:
        return "" if p is None else f"{p:.2f} ({w:+.2f})"

    for r in rows:
        cost = " / ".join(f"{r.cost[k]:+.3f}" for k in ("action_items", "decisions", "flags"))
        lines.append(
            f"| {r.name} | {r.doc} | {r.hits} | {r.meetings} | {cell(r.action_precision, r.action_weight)} "
            f"| {cell(r.decision_precision, r.decision_weight)} | {cost} |"
        )
    return "\n".join(lines) + "\n"
