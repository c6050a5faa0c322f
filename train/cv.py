"""Cross-validated development figures: fit on two thirds of the development meetings, score the rest.

    python train/cv.py --ami ../shared/data/ami-train

The figures a change is judged by during development, since a model scored on the meetings it was
fitted on flatters itself. Folds are by meeting; the training meetings, the AMI fit part and the
sentences are always on the training side; the blind set and the AMI validation fifth are never read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "train"))

import train_offline as T  # noqa: E402

from coach.engines.offline import OfflineEngine  # noqa: E402
from coach.engines.offline.model import parse_weights  # noqa: E402
from coach.evals.scoring import score_meeting, summarise  # noqa: E402
from coach.pipeline import assemble, prepare  # noqa: E402

FOLDS = 3


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
    parser.add_argument("--json", type=Path, default=None, help="write per-meeting detail here")
    args = parser.parse_args(argv)
    T.AMI_FOLDER = args.ami
    T.RULE_SCALE = args.rule_scale
    T.SOURCE_WEIGHT["action"]["ami"] = args.ami_action_weight
    data = T.read_data(args.ami, T.DEV_SETS)
    scores = []
    for k in range(FOLDS):
        train = [x for n, x in enumerate(data.dev) if n % FOLDS != k]
        test = [x for n, x in enumerate(data.dev) if n % FOLDS == k]
        engine = OfflineEngine(
            parse_weights(T.fit_all(data, train, args.c_acts, args.c_categories))
        )
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
    metrics = summarise(scores)
    for name in ("action_items", "decisions", "flags"):
        p, r, f = (metrics[f"{name}.{x}"] for x in ("precision", "recall", "f1"))
        print(f"{name:13s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    print(
        f"owner {metrics['action_items.owner_accuracy']:.3f}  due {metrics['action_items.due_accuracy']:.3f}"
    )
    if args.json:
        args.json.write_text(
            json.dumps([{"name": s.name, **s.detail} for s in scores], indent=1, default=str)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
