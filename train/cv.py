"""Cross-validated development figures: fit on two thirds of the development meetings, score the rest.

    python train/cv.py --ami ../shared/data/ami-train

The figures a change is judged by during development, since a model scored on the meetings it was
fitted on flatters itself. Folds are by meeting; the training meetings, the AMI fit part and the
sentences are always on the training side; the blind set and the AMI validation fifth are never read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "train"))

import train_offline as T  # noqa: E402

from coach.engines.offline import OfflineEngine, meeting_context  # noqa: E402
from coach.engines.offline.actions import find_action_items  # noqa: E402
from coach.engines.offline.decisions import find_decisions  # noqa: E402
from coach.engines.offline.model import parse_weights  # noqa: E402
from coach.evals.gold import GoldMeeting  # noqa: E402
from coach.evals.runner import Analyzer, iter_scores  # noqa: E402
from coach.evals.scoring import Counts, match, score_meeting, summarise  # noqa: E402
from coach.models import Meeting, Report, Transcript  # noqa: E402
from coach.pipeline import assemble, prepare  # noqa: E402

FOLDS = 3


GRID = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def _sweep(
    engine: OfflineEngine,
    transcript: Transcript,
    meeting: Meeting,
    m: GoldMeeting,
    sweep: dict[tuple[str, float], Counts],
) -> None:
    """Item counts of one held-out meeting at every threshold of GRID (is the fitted one too high?)."""
    ctx = meeting_context(transcript, meeting)
    w = engine.weights
    turns = [t.text for t in transcript.turns]
    for t in GRID:
        for key, gold in (("action", m.gold.action_items), ("decision", m.gold.decisions)):
            evidence = (
                [
                    a.evidence
                    for a in find_action_items(
                        ctx, replace(w.action, threshold=t), turns, meeting.date, w.vocab
                    )
                ]
                if key == "action"
                else [
                    d.evidence
                    for d in find_decisions(ctx, replace(w.decision, threshold=t), w.vocab)
                ]
            )
            pairs = match(evidence, gold, transcript)
            got = {g for _, g in pairs}
            c = sweep.setdefault((key, t), Counts())
            c.tp += sum(1 for _, g in pairs if not gold[g].optional)
            c.fp += len(evidence) - len(pairs)
            c.fn += sum(1 for i, g in enumerate(gold) if i not in got and not g.optional)


def _analyzer(engine: OfflineEngine) -> Analyzer:
    """Runs one fold's engine on a dataset meeting, as `coach eval` runs the shipped one."""

    def analyze(m: GoldMeeting, transcript: Transcript) -> Report:
        transcript, meeting, warnings = prepare(
            transcript, roles=m.gold.roles if m.gold.roles_given else None, date=m.gold.date
        )
        findings, info = engine.run(transcript, meeting)
        return assemble(transcript, meeting, findings, info, warnings)

    return analyze


def _fold(n: int, name: str) -> int:
    """A meeting's fold: a training meeting goes with its writer's batch (t9a-t9d together)."""
    batch = re.match(r"t(\d+)[a-z](?:_|$)", name)
    return int(batch.group(1)) % FOLDS if batch else n % FOLDS


def _fold_weights(args: argparse.Namespace, data: T.Data, train: list, k: int) -> dict:
    """Fold k's fitted weights: read from --folds-dir when saved there, else fitted (and saved)."""
    path = args.folds_dir / f"fold-{k}.json" if args.folds_dir else None
    if path is not None and path.exists():
        return json.loads(path.read_text())
    weights = T.fit_all(data, train, args.c_acts, args.c_categories)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(weights))
    return weights


def main(argv: Sequence[str] | None = None) -> int:
    """Print pooled out-of-fold metrics over all development meetings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ami", type=Path, default=ROOT.parent / "shared" / "data" / "ami-train")
    parser.add_argument("--c-acts", type=float, default=0.3)
    parser.add_argument("--c-categories", type=float, default=0.5)
    parser.add_argument(
        "--ami-action-weight", type=float, default=1.0, help="times the AMI sample weight"
    )
    parser.add_argument("--rule-scale", type=float, default=3.0)
    parser.add_argument(
        "--noise-seed",
        type=int,
        default=7,
        help="seed of the noisy copies fitted on (train_offline.py)",
    )
    parser.add_argument(
        "--score-noise",
        type=int,
        default=None,
        help="also score each held-out meeting with speech-to-text noise of this seed",
    )
    parser.add_argument("--json", type=Path, default=None, help="write per-meeting detail here")
    parser.add_argument(
        "--folds-dir",
        type=Path,
        default=None,
        help="keep each fold's weights here (fold-K.json) and reuse them when present: a change "
        "after the scorer (how items are assembled) is then measured in a minute, not refitted",
    )
    parser.add_argument(
        "--with-train",
        action="store_true",
        help="fold over train/meetings too (written like the blind set), not only the dev sets",
    )
    args = parser.parse_args(argv)
    T.AMI_FOLDER = args.ami
    T.RULE_SCALE = args.rule_scale
    T.SOURCE_WEIGHT["action"]["ami"] = args.ami_action_weight
    T.NOISE_SEED = args.noise_seed
    data = T.read_data(args.ami, T.DEV_SETS)
    if args.with_train:
        data = replace(
            data,
            dev=data.dev + data.meet,
            meet=[],
            act_samples=[s for s in data.act_samples if s.source != "meet"],
        )
    scores, noisy_scores = [], []
    sweep: dict[tuple[str, float], Counts] = {}
    folds = [_fold(n, m.name) for n, (m, _) in enumerate(data.dev)]
    for k in range(FOLDS):
        train = [x for x, f in zip(data.dev, folds, strict=True) if f != k]
        test = [x for x, f in zip(data.dev, folds, strict=True) if f == k]
        engine = OfflineEngine(parse_weights(_fold_weights(args, data, train, k)))
        for m, _ in test:
            transcript, meeting, warnings = prepare(
                m.transcript_path,
                roles=m.gold.roles if m.gold.roles_given else None,
                date=m.gold.date,
            )
            findings, info = engine.run(transcript, meeting)
            report = assemble(transcript, meeting, findings, info, warnings)
            score = score_meeting(m.name, report, m.gold, transcript)
            score.detail["flags"] = [
                {"category": f.category, "p": f.confidence, "quotes": [e.quote for e in f.evidence]}
                for f in report.flags
            ]
            scores.append(score)
            _sweep(engine, transcript, meeting, m, sweep)
        if args.score_noise is not None:
            tested = [m for m, _ in test]
            noisy_scores += iter_scores(tested, _analyzer(engine), args.score_noise)
    for label, group in (("", scores), ("noise: ", noisy_scores)):
        if not group:
            continue
        metrics = summarise(group)
        for name in ("action_items", "decisions", "flags"):
            p, r, f = (metrics[f"{name}.{x}"] for x in ("precision", "recall", "f1"))
            print(f"{label}{name:13s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
        print(
            f"{label}owner {metrics['action_items.owner_accuracy']:.3f}  "
            f"due {metrics['action_items.due_accuracy']:.3f}"
        )
    for key in ("action", "decision"):
        row = "  ".join(f"{t:.2f}:{sweep[key, t].prf()[2]:.3f}" for t in GRID)
        print(f"{key} F1 by threshold  {row}")
    if args.json:
        args.json.write_text(
            json.dumps([{"name": s.name, **s.detail} for s in scores], indent=1, default=str)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
