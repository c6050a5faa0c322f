"""The eval dataset is well formed, and the runner scores, compares and survives crashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.evals import runner
from coach.evals.gold import load_dataset
from coach.evals.scoring import anchor_turns
from coach.models import CATEGORIES, Report, Transcript
from coach.transcripts import load_transcript
from tests.conftest import DATASET, ROOT

MEETINGS = load_dataset(DATASET)


@pytest.mark.parametrize("m", MEETINGS, ids=lambda m: m.name)
def test_gold_quotes_are_in_the_parsed_transcript_and_roles_cover_speakers(
    m: runner.GoldMeeting,
) -> None:
    transcript = load_transcript(m.transcript_path)
    assert set(transcript.speakers) == set(m.gold.roles), "gold roles must name every speaker label"
    items = [*m.gold.action_items, *m.gold.decisions]
    for item in items:
        for quote in item.anchors:
            assert anchor_turns(quote, transcript), f"not in any single turn: {quote!r}"
    for trap in m.gold.traps:
        assert anchor_turns(trap.quote, transcript), f"trap not found: {trap.quote!r}"


def test_dataset_covers_what_the_suite_promises() -> None:
    assert len(MEETINGS) >= 20
    formats = {load_transcript(m.transcript_path).format for m in MEETINGS}
    assert {"plain", "otter", "zoom", "vtt", "srt", "docx", "json"} <= formats
    required = [c for m in MEETINGS for c in m.gold.flags.required]
    for category in CATEGORIES:
        assert required.count(category) >= 2, category
    long = [
        m
        for m in MEETINGS
        if sum(len(t.text.split()) for t in load_transcript(m.transcript_path).turns) > 6000
    ]
    assert len(long) >= 3
    assert any(not m.gold.flags.required for m in MEETINGS), "needs well-aligned meetings"
    assert any(not m.gold.roles_given for m in MEETINGS)


def test_a_crashing_meeting_is_a_failure_not_a_crash_of_the_run() -> None:
    first = MEETINGS[0].name

    def flaky(m: runner.GoldMeeting, transcript: Transcript) -> Report:
        if m.name == first:
            raise RuntimeError("boom")
        return Report()

    result = runner.run_eval(DATASET, flaky, provider="test")
    rows = {r["name"]: r for r in result.meetings}
    assert "boom" in rows[first]["error"]
    assert result.metrics["meetings.completed"] == pytest.approx(
        (len(MEETINGS) - 1) / len(MEETINGS), abs=1e-3
    )
    assert result.metrics["action_items.recall"] == 0.0


def test_baseline_comparison_flags_only_drops_beyond_tolerance() -> None:
    result = runner.EvalResult(
        provider="p",
        model=None,
        dataset="d",
        started="s",
        elapsed_s=0,
        metrics={"a": 0.80, "b": 0.79, "evidence.dropped": 0.01, "noise.a": 0.5},
        meetings=[],
    )
    base = runner.Baseline(
        provider="p",
        dataset="d",
        created="c",
        metrics={"a": 0.81, "b": 0.85, "evidence.dropped": 0.0, "noise.a": 0.9},
        tolerances={"evidence.dropped": 0.0},
    )
    regressions = runner.compare(result, base)
    # A smaller figure is worse for "a" and "b", a larger one for the dropped-quote share;
    # noisy figures are compared only when the run added noise.
    assert [r.split(":")[0] for r in regressions] == ["b", "evidence.dropped"]
    result.noise_seed = 3
    assert "noise.a" in [r.split(":")[0] for r in runner.compare(result, base)]


def test_eval_cli_writes_reports_and_exits_1_on_regression(tmp_path: Path) -> None:
    baseline = tmp_path / "base.json"
    cli = CliRunner()
    args = ["eval", "--dataset", str(DATASET), "--baseline", str(baseline)]
    first = cli.invoke(main, [*args, "--update-baseline"])
    assert first.exit_code == 0, first.output
    saved = json.loads(baseline.read_text())
    assert saved["metrics"]["evidence.dropped"] == 0.0
    assert saved["tolerances"]["evidence.dropped"] == 0.0
    # Same engine, same data: no regression.
    report, md = tmp_path / "r.json", tmp_path / "s.md"
    second = cli.invoke(main, [*args, "--report", str(report), "--markdown", str(md)])
    assert second.exit_code == 0, second.output
    assert "| action_items.f1 |" in md.read_text()
    assert len(json.loads(report.read_text())["meetings"]) == len(MEETINGS)
    # Raise the bar above what the engine reaches: exit 1 and say which metric.
    saved["metrics"]["action_items.f1"] = 1.5
    baseline.write_text(json.dumps(saved))
    third = cli.invoke(main, args)
    assert third.exit_code == 1
    assert "action_items.f1" in third.output


def test_offline_engine_meets_the_committed_baseline() -> None:
    base = runner.load_baseline(ROOT / "evals" / "baselines" / "core" / "offline.json")
    result = runner.run_eval(DATASET, runner.engine_analyzer("offline"), provider="offline")
    assert runner.compare(result, base) == []
    assert result.metrics["evidence.dropped"] == 0.0
    assert all(m["quotes_not_verbatim"] == 0 for m in result.meetings)


def test_saved_reports_can_be_rescored_without_an_engine(tmp_path: Path) -> None:
    live = runner.run_eval(
        DATASET, runner.engine_analyzer("offline"), provider="offline", save_reports=tmp_path
    )
    again = runner.run_eval(DATASET, runner.saved_reports_analyzer(tmp_path), provider="offline")
    assert again.metrics == live.metrics


def test_first_baseline_of_a_new_dataset_creates_its_folder(tmp_path: Path) -> None:
    target = tmp_path / "baselines" / "newset" / "offline.json"
    result = CliRunner().invoke(
        main, ["eval", "--dataset", str(DATASET), "--baseline", str(target), "--update-baseline"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["provider"] == "offline"


def test_blind_set_is_frozen() -> None:
    """The blind set is measured, never edited: any change to its files fails here."""
    import hashlib

    folder = ROOT / "evals" / "datasets" / "blind"
    digest = hashlib.sha256()
    for f in sorted(folder.iterdir()):
        digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    expected = (ROOT / "evals" / "blind.sha256").read_text().strip()
    assert digest.hexdigest() == expected
    assert len(load_dataset(folder)) >= 15


GOLD_FILES = sorted(
    [
        *(ROOT / "evals" / "datasets").glob("*/*.gold.json"),
        *(ROOT / "train" / "meetings").glob("*.gold.json"),
    ]
)


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_gold_file_passes_the_validator(path: Path) -> None:
    from coach.evals.validate import check

    assert check(path) == []


def test_validator_names_each_problem(tmp_path: Path) -> None:
    from coach.evals.validate import check

    (tmp_path / "m.txt").write_text("Ana: I'll send it Friday.\nBen: Okay.\n", encoding="utf-8")
    gold = {
        "transcript": "m.txt",
        "date": "2026-03-02",
        "roles": {"Ana": "CMO"},
        "action_items": [
            {
                "quote": "I'll mail it",
                "also": [],
                "owner": "Ana",
                "owner_alternatives": [],
                "due": None,
                "due_alternatives": [],
                "strength": "sure",
                "optional": False,
                "note": "",
            }
        ],
        "decisions": [],
        "objections": [],
        "flags": {"required": ["late_involvement"], "optional": [], "forbidden": []},
    }
    (tmp_path / "m.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    problems = " | ".join(check(tmp_path / "m.gold.json"))
    assert "lacks speaker labels: ['Ben']" in problems
    assert "not verbatim" in problems and "strength must be" in problems
    assert (
        "each of the nine categories" in problems
        and "lacks quotes for late_involvement" in problems
    )
