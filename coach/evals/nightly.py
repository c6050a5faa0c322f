"""The nightly eval of one dataset against the live model, as .github/workflows/nightly-eval.yml runs it.

    python -m coach.evals.nightly core --out eval-out --model gpt-4.1-mini

It runs `coach eval` with the live provider, recording every answer and saving every report under
OUT, and compares the figures with `evals/baselines/<dataset>/<provider>.json`. `coach eval` alone
skips the comparison when that file does not exist; a nightly job must not, or a dataset without a
baseline would pass every night unchecked. So when the baseline is missing, this run writes its
figures as a candidate baseline under OUT/baselines/ (uploaded with the job's artifact), then fails
with a message that says where the candidate is and where to commit it after review.

Exit codes: those of `coach eval` (0, 1 on a regression, 2, 3), and 1 when the baseline is missing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

MISSING_BASELINE = 1


def eval_arguments(
    dataset: Path,
    out: Path,
    baseline: Path,
    *,
    provider: str,
    model: str | None,
    update_baseline: bool,
) -> list[str]:
    """The `coach eval` command line for one dataset, its outputs under `out`."""
    name = dataset.name
    args = [
        "eval",
        "--provider",
        provider,
        "--no-cache",
        "--dataset",
        str(dataset),
        "--record",
        str(out / "cassettes" / name),
        "--save-reports",
        str(out / "reports" / name),
        "--report",
        str(out / f"{name}.json"),
        "--markdown",
        str(out / f"{name}.md"),
        "--baseline",
        str(baseline),  # named explicitly, so a baseline that vanished mid-run is an error too
    ]
    if model:
        args += ["--model", model]
    if update_baseline:
        args.append("--update-baseline")
    return args


def missing_message(baseline: Path, candidate: Path, dataset: str) -> str:
    """What the job says when there was nothing to compare with."""
    return (
        f"no baseline at {baseline}, so this run could not be compared with anything. "
        f"It wrote its figures to {candidate} (in the job's artifact nightly-eval-{dataset}); "
        f"review them and commit that file as {baseline}, then the nightly job compares against it."
    )


def _coach(args: Sequence[str]) -> int:
    """Run `coach` in a child process with this interpreter; its exit code."""
    return subprocess.call([sys.executable, "-m", "coach", *args])


def run_nightly(
    dataset: Path,
    *,
    out: Path,
    baselines: Path,
    provider: str = "openai",
    model: str | None = None,
    coach: Callable[[Sequence[str]], int] | None = None,
) -> int:
    """Evaluate one dataset, compare with its baseline, or fail naming the candidate written."""
    run = coach or _coach
    out.mkdir(parents=True, exist_ok=True)
    baseline = baselines / dataset.name / f"{provider}.json"
    if baseline.is_file():
        return run(
            eval_arguments(
                dataset, out, baseline, provider=provider, model=model, update_baseline=False
            )
        )
    candidate = out / "baselines" / dataset.name / f"{provider}.json"
    code = run(
        eval_arguments(
            dataset, out, candidate, provider=provider, model=model, update_baseline=True
        )
    )
    if code != 0:
        return code  # the eval itself failed (bad input, provider down): that is the news
    message = missing_message(baseline, candidate, dataset.name)
    summary = out / f"{dataset.name}.md"
    if summary.is_file():  # the job page shows this file; it must not read as a clean pass
        with summary.open("a", encoding="utf-8") as fh:
            fh.write(f"\n**Not compared: {message}**\n")
    if os.environ.get("GITHUB_ACTIONS") == "true":
        print(f"::error title=no {provider} baseline for {dataset.name}::{message}")
    print(f"coach nightly: error: {message}", file=sys.stderr)
    return MISSING_BASELINE


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m coach.evals.nightly", description=__doc__)
    parser.add_argument(
        "dataset", help="a dataset name under --datasets (core, dev-a, dev-b, blind)"
    )
    parser.add_argument("--out", type=Path, default=Path("eval-out"))
    parser.add_argument("--provider", default="openai")
    parser.add_argument("--model", default=None)
    parser.add_argument("--datasets", type=Path, default=Path("evals/datasets"))
    parser.add_argument("--baselines", type=Path, default=Path("evals/baselines"))
    ns = parser.parse_args(argv)
    dataset = ns.datasets / ns.dataset
    if not dataset.is_dir():
        print(f"coach nightly: error: no dataset folder {dataset}", file=sys.stderr)
        return 2
    return run_nightly(
        dataset, out=ns.out, baselines=ns.baselines, provider=ns.provider, model=ns.model
    )


if __name__ == "__main__":
    sys.exit(main())
