"""The nightly eval (coach/evals/nightly.py): a missing baseline fails the job, it is never skipped.

The runs use the offline engine on a one-meeting copy of a dataset: the logic under test (which
baseline, what is written where, the exit code and the message) does not depend on the provider.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.evals import nightly
from tests.conftest import DATASET, ROOT


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path, Path]:
    """datasets/mini with one meeting, an empty baselines folder, an output folder."""
    datasets, baselines, out = tmp_path / "datasets", tmp_path / "baselines", tmp_path / "out"
    mini = datasets / "mini"
    mini.mkdir(parents=True)
    for path in DATASET.glob("m01_standup.*"):
        shutil.copy(path, mini / path.name)
    baselines.mkdir()
    return datasets, baselines, out


def in_process(args: Sequence[str]) -> int:
    """`coach ARGS` without a child process (faster; the CLI is the same)."""
    return CliRunner().invoke(main, list(args)).exit_code


def argv(layout: tuple[Path, Path, Path]) -> list[str]:
    datasets, baselines, out = layout
    return [
        "mini",
        "--provider",
        "offline",
        "--datasets",
        str(datasets),
        "--baselines",
        str(baselines),
        "--out",
        str(out),
    ]


def test_a_missing_baseline_fails_with_a_clear_message_and_writes_a_candidate(
    layout: tuple[Path, Path, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    _, baselines, out = layout
    code = nightly.main(argv(layout))  # `coach eval` in a child process, as the job runs it
    err = capfd.readouterr().err
    assert code == 1
    missing = baselines / "mini" / "offline.json"
    candidate = out / "baselines" / "mini" / "offline.json"
    assert f"no baseline at {missing}" in err
    assert f"wrote its figures to {candidate}" in err and f"commit that file as {missing}" in err
    assert json.loads(candidate.read_text())["metrics"]["meetings.completed"] == 1.0
    assert not missing.exists()  # the committed baseline is never written by the job
    assert "Not compared: no baseline" in (out / "mini.md").read_text()
    assert (out / "mini.json").is_file() and (out / "reports" / "mini").is_dir()


def test_on_github_the_missing_baseline_is_an_error_annotation(
    layout: tuple[Path, Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    datasets, baselines, out = layout
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code = nightly.run_nightly(
        datasets / "mini", out=out, baselines=baselines, provider="offline", coach=in_process
    )
    assert code == 1
    assert "::error title=no offline baseline for mini::no baseline at" in capfd.readouterr().out


def test_with_a_baseline_the_run_is_compared_and_a_regression_fails(
    layout: tuple[Path, Path, Path],
) -> None:
    datasets, baselines, out = layout
    seen: list[list[str]] = []

    def coach(args: Sequence[str]) -> int:
        seen.append(list(args))
        return in_process(args)

    def run() -> int:
        return nightly.run_nightly(
            datasets / "mini", out=out, baselines=baselines, provider="offline", coach=coach
        )

    assert run() == 1  # no baseline yet
    committed = baselines / "mini" / "offline.json"
    committed.parent.mkdir()
    shutil.copy(out / "baselines" / "mini" / "offline.json", committed)  # reviewed and committed
    assert run() == 0
    assert "--update-baseline" not in seen[-1]
    assert seen[-1][seen[-1].index("--baseline") + 1] == str(committed)
    data = json.loads(committed.read_text())
    data["metrics"]["action_items.recall"] = 2.0  # a figure no run can reach: a regression
    committed.write_text(json.dumps(data))
    assert run() == 1


def test_an_eval_that_fails_keeps_its_own_exit_code(layout: tuple[Path, Path, Path]) -> None:
    datasets, baselines, out = layout
    code = nightly.run_nightly(
        datasets / "mini", out=out, baselines=baselines, provider="offline", coach=lambda a: 3
    )
    assert code == 3


def test_an_unknown_dataset_is_a_usage_error(
    layout: tuple[Path, Path, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    args = argv(layout)
    args[0] = "nope"
    assert nightly.main(args) == 2
    assert "no dataset folder" in capfd.readouterr().err


def test_the_workflow_runs_every_dataset_through_the_nightly_check() -> None:
    workflow = (ROOT / ".github" / "workflows" / "nightly-eval.yml").read_text()
    assert "python -m coach.evals.nightly" in workflow
    assert "dataset: [core, dev-a, dev-b, blind]" in workflow
    for name in ("core", "dev-a", "dev-b", "blind"):
        assert (ROOT / "evals" / "datasets" / name).is_dir()
