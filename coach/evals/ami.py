"""Score an engine on real meetings: the AMI corpus's annotated action items and decisions.

AMI annotators list only a meeting's main items, so precision against them understates a good
detector. What is reported is recall (a prediction recalls a gold item when one of its quotes sits
within two turns of a dialogue act linked to it; one prediction recalls at most one item) and the
number of items predicted per meeting. The AMI Meeting Corpus is (c) the AMI Consortium, CC BY 4.0.

    python -m coach.evals.ami ../shared/data/ami-train --part val
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from coach.models import Evidence, Report, Transcript
from coach.transcripts import load_transcript

WINDOW = 2  # turns either side of a linked dialogue act


def series(meeting_id: str) -> str:
    """ES2002a -> ES2002: the four meetings of one team belong together."""
    return meeting_id.rstrip("abcd")


def validation_series(ids: Sequence[str]) -> set[str]:
    """A fixed fifth of the teams (every fifth series in sorted order), kept for validation."""
    teams = sorted({series(i) for i in ids})
    return {t for n, t in enumerate(teams) if n % 5 == 2}


def split(folder: Path, part: str) -> list[str]:
    """Meeting ids of the `fit` part, the `val` part, or `all`."""
    ids = sorted(p.name.removesuffix(".gold.json") for p in folder.glob("*.gold.json"))
    val = validation_series(ids)
    if part == "all":
        return ids
    return [i for i in ids if (series(i) in val) == (part == "val")]


@dataclass
class AmiMeeting:
    id: str
    transcript: Transcript
    actions: list[set[int]]  # per gold item: the turns of its linked dialogue acts
    decisions: list[set[int]]


def _turns_of(evidence: list[dict], transcript: Transcript, duration: float) -> set[int]:
    """Turns holding each linked dialogue act; a repeated short act goes to the turn nearest its time."""
    texts = [t.text for t in transcript.turns]
    found: set[int] = set()
    for ev in evidence:
        hits = [i for i, text in enumerate(texts) if ev["text"] in text]
        if not hits:
            continue
        if len(hits) > 1 and duration > 0 and ev.get("start") is not None:
            guess = ev["start"] / duration * len(texts)
            hits = [min(hits, key=lambda i: abs(i - guess))]
        found.add(hits[0])
    return found


def load(folder: Path, ids: Sequence[str]) -> list[AmiMeeting]:
    """Read the meetings and place every linked dialogue act in a turn."""
    out = []
    for mid in ids:
        gold = json.loads((folder / f"{mid}.gold.json").read_text(encoding="utf-8"))
        transcript = load_transcript(folder / f"{mid}.txt")
        duration = float(gold.get("stats", {}).get("duration_sec") or 0)
        out.append(
            AmiMeeting(
                id=mid,
                transcript=transcript,
                actions=[
                    _turns_of(a["evidence"], transcript, duration) for a in gold["action_items"]
                ],
                decisions=[
                    _turns_of(d["evidence"], transcript, duration) for d in gold["decisions"]
                ],
            )
        )
    return out


def recalled(predicted: Sequence[Sequence[Evidence]], gold: Sequence[set[int]]) -> int:
    """Gold items recalled, each by a different prediction (greedy, nearest first)."""
    pairs = []
    for pi, evidence in enumerate(predicted):
        for gi, turns in enumerate(gold):
            dist = min((abs(e.turn - t) for e in evidence for t in turns), default=WINDOW + 1)
            if dist <= WINDOW:
                pairs.append((dist, pi, gi))
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, pi, gi in sorted(pairs):
        if pi not in used_p and gi not in used_g:
            used_p.add(pi)
            used_g.add(gi)
    return len(used_g)


@dataclass
class AmiScore:
    id: str
    actions_gold: int
    actions_found: int
    actions_predicted: int
    decisions_gold: int
    decisions_found: int
    decisions_predicted: int


def score(meeting: AmiMeeting, report: Report) -> AmiScore:
    """Recall and volume for one meeting."""
    return AmiScore(
        id=meeting.id,
        actions_gold=len(meeting.actions),
        actions_found=recalled([a.evidence for a in report.action_items], meeting.actions),
        actions_predicted=len(report.action_items),
        decisions_gold=len(meeting.decisions),
        decisions_found=recalled([d.evidence for d in report.decisions], meeting.decisions),
        decisions_predicted=len(report.decisions),
    )


def summary(scores: Sequence[AmiScore]) -> dict[str, float]:
    """Micro-averaged recall and mean items per meeting."""
    n = len(scores) or 1
    ag = sum(s.actions_gold for s in scores)
    dg = sum(s.decisions_gold for s in scores)
    return {
        "actions.recall": sum(s.actions_found for s in scores) / ag if ag else 0.0,
        "actions.per_meeting": sum(s.actions_predicted for s in scores) / n,
        "decisions.recall": sum(s.decisions_found for s in scores) / dg if dg else 0.0,
        "decisions.per_meeting": sum(s.decisions_predicted for s in scores) / n,
    }


def bootstrap(scores: Sequence[AmiScore], resamples: int = 1000) -> dict[str, tuple[float, float]]:
    """95% intervals, resampling meetings."""
    rng = random.Random(0)
    draws: dict[str, list[float]] = {}
    for _ in range(resamples):
        sample = [scores[rng.randrange(len(scores))] for _ in scores]
        for k, v in summary(sample).items():
            draws.setdefault(k, []).append(v)
    return {
        k: (sorted(v)[int(0.025 * (resamples - 1))], sorted(v)[int(0.975 * (resamples - 1))])
        for k, v in draws.items()
    }


def run(
    folder: Path, part: str, analyze_one: Callable[[Transcript], Report] | None = None
) -> tuple[list[AmiScore], dict[str, float], dict[str, tuple[float, float]]]:
    """Analyse and score one part of the corpus."""
    if analyze_one is None:
        from coach.pipeline import analyze

        def analyze_one(t: Transcript) -> Report:
            return analyze(t)

    scores = [score(m, analyze_one(m.transcript)) for m in load(folder, split(folder, part))]
    return scores, summary(scores), bootstrap(scores)


def main(argv: Sequence[str] | None = None) -> int:
    """Print AMI recall and volume for the chosen part."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--part", choices=("fit", "val", "all"), default="val")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = parser.parse_args(argv)
    scores, metrics, ranges = run(args.folder, args.part)
    if args.json:
        print(
            json.dumps(
                {
                    "part": args.part,
                    "meetings": len(scores),
                    "metrics": metrics,
                    "intervals": ranges,
                },
                indent=2,
            )
        )
        return 0
    print(f"AMI {args.part}: {len(scores)} meetings (AMI Meeting Corpus, CC BY 4.0)\n")
    print("| metric | value | 95% interval |\n| --- | ---: | :---: |")
    for k, v in metrics.items():
        lo, hi = ranges[k]
        print(f"| {k} | {v:.3f} | {lo:.2f}-{hi:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
