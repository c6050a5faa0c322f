"""Run an engine over a dataset, score it, compare with a baseline, write JSON and Markdown."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from coach.errors import CoachError, InputError
from coach.evals.gold import GoldMeeting, load_dataset
from coach.evals.noise import add_noise
from coach.evals.scoring import LOWER_IS_BETTER, MeetingScore, intervals, score_meeting, summarise
from coach.io import prepare_folder, write_atomic
from coach.models import Report, Transcript
from coach.parallel import ordered
from coach.transcripts import load_transcript

if TYPE_CHECKING:
    from coach.batching import BatchItem

DEFAULT_TOLERANCE = 0.02
# The offline engine quotes the transcript itself: any quote its grounding drops is a bug.
STRICT = {"evidence.dropped": 0.0}


class Baseline(BaseModel):
    """The figures a dataset must keep, with how far each may fall before the run fails."""

    provider: str
    dataset: str
    created: str
    metrics: dict[str, float]
    tolerances: dict[str, float] = Field(default_factory=lambda: dict(STRICT))
    default_tolerance: float = DEFAULT_TOLERANCE


class EvalResult(BaseModel):
    provider: str
    model: str | None
    dataset: str
    started: str
    elapsed_s: float
    metrics: dict[str, float]
    intervals: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="bootstrap 95% intervals over meetings"
    )
    regressions: list[str] = Field(default_factory=list)
    baseline: dict[str, float] | None = None
    meetings: list[dict[str, Any]]
    noise_seed: int | None = None
    noisy_meetings: list[dict[str, Any]] = Field(default_factory=list)


# An analyzer reads one dataset meeting (its transcript given, perhaps with noise added) and reports.
Analyzer = Callable[[GoldMeeting, Transcript], Report]


def _score(
    m: GoldMeeting, transcript: Transcript, report: Report, error: str | None, elapsed: float
) -> MeetingScore:
    score = score_meeting(m.name, report, m.gold, transcript)
    score.error = error
    score.detail["elapsed_s"] = round(elapsed, 4)
    score.detail["format"] = transcript.format
    score.detail["words"] = sum(len(t.text.split()) for t in transcript.turns)
    return score


def _run_one(
    m: GoldMeeting, analyze_one: Analyzer, noise_seed: int | None
) -> tuple[MeetingScore, Report | None]:
    """Analyse and score one meeting; the report is None when the analysis failed."""
    transcript = load_transcript(m.transcript_path)
    if noise_seed is not None:
        transcript, gold = add_noise(transcript, m.gold, noise_seed)
        m = m.model_copy(update={"gold": gold})
    started = time.perf_counter()
    error = None
    report: Report | None = None
    try:
        report = analyze_one(m, transcript)
    except CoachError as exc:
        error = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # a crash in one meeting must not end the run
        error = f"crash: {type(exc).__name__}: {exc}"
    score = _score(m, transcript, report or Report(), error, time.perf_counter() - started)
    return score, report


def _scored(
    meetings: list[GoldMeeting],
    analyze_one: Analyzer,
    noise_seed: int | None,
    concurrency: int,
    on_interrupt: Callable[[], None] | None,
) -> Iterator[tuple[MeetingScore, Report | None]]:
    # Meetings run side by side, results come back in dataset order: the figures do not depend
    # on which answer arrived first.
    return ordered(
        lambda m: _run_one(m, analyze_one, noise_seed),
        meetings,
        concurrency,
        on_interrupt=on_interrupt,
    )


def iter_scores(
    meetings: list[GoldMeeting],
    analyze_one: Analyzer,
    noise_seed: int | None = None,
    concurrency: int = 1,
) -> Iterator[MeetingScore]:
    """Score each meeting (`concurrency` at a time, in order); a failed analysis scores as empty."""
    for score, _ in _scored(meetings, analyze_one, noise_seed, concurrency, None):
        yield score


def engine_analyzer(provider: str, **options: Any) -> Analyzer:
    """An analyzer that runs coach's pipeline with the gold's date and (when given) roles.

    The options go to `coach.analyze`; give a shared `limiter` when meetings run side by side.
    """
    from coach.pipeline import analyze

    def run(m: GoldMeeting, transcript: Transcript) -> Report:
        roles = dict(m.gold.roles) if m.gold.roles_given else None
        return analyze(transcript, provider=provider, roles=roles, date=m.gold.date, **options)

    return run


def batch_items(meetings: list[GoldMeeting]) -> list[BatchItem]:
    """The dataset's meetings as Batch API items, with the date and roles `engine_analyzer` gives."""
    from coach.batching import BatchItem

    return [
        BatchItem(
            m.transcript_path,
            name=m.name,
            roles=dict(m.gold.roles) if m.gold.roles_given else None,
            date=m.gold.date,
        )
        for m in meetings
    ]


def collected_analyzer(reports: Mapping[str, Report | CoachError | None]) -> Analyzer:
    """An analyzer that hands out reports made already (a collected batch), or their errors."""

    def run(m: GoldMeeting, transcript: Transcript) -> Report:
        found = reports.get(m.name)
        if isinstance(found, CoachError):
            raise found
        if found is None:
            raise InputError(f"no report for {m.name} in the batch")
        return found

    return run


def saved_reports_analyzer(folder: Path) -> Analyzer:
    """An analyzer that reads `<name>.json` reports saved earlier: re-scoring costs no calls."""

    def run(m: GoldMeeting, transcript: Transcript) -> Report:
        path = folder / f"{m.name}.json"
        if not path.is_file():
            raise InputError(f"no saved report {path}")
        return Report.model_validate_json(path.read_text(encoding="utf-8"))

    return run


def run_eval(
    dataset: Path,
    analyze_one: Analyzer,
    *,
    provider: str,
    model: str | None = None,
    progress: Callable[[str], None] | None = None,
    save_reports: Path | None = None,
    noise_seed: int | None = None,
    concurrency: int = 1,
    on_interrupt: Callable[[], None] | None = None,
) -> EvalResult:
    """Run and score the whole dataset (and again with speech-to-text noise when a seed is given).

    `concurrency` meetings run at once; `on_interrupt` is called on Ctrl-C (to cancel requests).
    A `save_reports` folder that cannot be written is an InputError before any meeting runs.
    """
    if save_reports is not None:
        prepare_folder(save_reports, "--save-reports")
    meetings = load_dataset(dataset)
    started = dt.datetime.now(dt.timezone.utc)
    t0 = time.perf_counter()

    scores = []
    for score, report in _scored(meetings, analyze_one, None, concurrency, on_interrupt):
        scores.append(score)
        if save_reports is not None and report is not None:
            # Here, not inside the scored call: a failed write stops the run, it is no crash.
            write_atomic(save_reports / f"{score.name}.json", report.model_dump_json(indent=2))
        if progress:
            progress(score.name)
    metrics = summarise(scores)
    ranges = intervals(scores)
    noisy: list[MeetingScore] = []
    if noise_seed is not None:
        for score, _ in _scored(meetings, analyze_one, noise_seed, concurrency, on_interrupt):
            noisy.append(score)
            if progress:
                progress(f"{score.name} (noise)")
        metrics.update({f"noise.{k}": v for k, v in summarise(noisy).items()})
        ranges.update({f"noise.{k}": v for k, v in intervals(noisy).items()})
    return EvalResult(
        provider=provider,
        model=model,
        dataset=str(dataset),
        started=started.isoformat(timespec="seconds"),
        elapsed_s=round(time.perf_counter() - t0, 3),
        metrics=metrics,
        intervals=ranges,
        meetings=[_meeting_row(s) for s in scores],
        noise_seed=noise_seed,
        noisy_meetings=[_meeting_row(s) for s in noisy],
    )


def _meeting_row(s: MeetingScore) -> dict[str, Any]:
    row = asdict(s)
    detail = row.pop("detail")
    return {**row, **detail}


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file; InputError when it is missing or malformed."""
    try:
        return Baseline.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no baseline at {path}; create one with --update-baseline") from None
    except ValueError as exc:
        raise InputError(f"bad baseline file {path}: {str(exc).splitlines()[0]}") from None


def compare(result: EvalResult, baseline: Baseline) -> list[str]:
    """Every metric that fell more than its tolerance below the baseline."""
    regressions = []
    for name, expected in sorted(baseline.metrics.items()):
        if name.startswith("noise.") and result.noise_seed is None:
            continue  # a run without --noise has no noisy figures to compare
        tolerance = baseline.tolerances.get(name, baseline.default_tolerance)
        actual = result.metrics.get(name)
        lower = name.removeprefix("noise.") in LOWER_IS_BETTER
        if actual is None:
            regressions.append(f"{name}: missing from this run (baseline {expected:.3f})")
        elif lower and actual > expected + tolerance + 1e-9:
            regressions.append(f"{name}: {actual:.3f} > baseline {expected:.3f} + {tolerance:.3f}")
        elif not lower and actual < expected - tolerance - 1e-9:
            regressions.append(f"{name}: {actual:.3f} < baseline {expected:.3f} - {tolerance:.3f}")
    return regressions


def new_baseline(result: EvalResult, previous: Baseline | None = None) -> Baseline:
    """A baseline from this run's figures, keeping any tolerances set by hand before."""
    return Baseline(
        provider=result.provider,
        dataset=result.dataset,
        created=result.started,
        metrics=result.metrics,
        tolerances=previous.tolerances
        if previous
        else dict(STRICT if result.provider == "offline" else {}),
        default_tolerance=previous.default_tolerance if previous else DEFAULT_TOLERANCE,
    )


def markdown_summary(result: EvalResult) -> str:
    """A Markdown summary for a CI job page: the metrics against the baseline, then each meeting."""
    lines = [
        f"## coach eval: {result.provider}{' / ' + result.model if result.model else ''} on {Path(result.dataset).name}",
        "",
        f"{len(result.meetings)} meetings in {result.elapsed_s:.1f} s. "
        + (
            "**Regressions:** " + "; ".join(result.regressions)
            if result.regressions
            else "No regressions."
        ),
        "",
    ]
    noisy = result.noise_seed is not None
    head = "| metric | value | 95% interval | baseline | change |"
    rule = "| --- | ---: | :---: | ---: | ---: |"
    if noisy:
        head += f" noise {result.noise_seed} | noise interval |"
        rule += " ---: | :---: |"
    lines += [head, rule]
    for name, value in result.metrics.items():
        if name.startswith("noise."):
            continue
        base = (result.baseline or {}).get(name)
        change = f"{value - base:+.3f}" if base is not None else ""
        row = (
            f"| {name} | {value:.3f} | {_interval(result, name)} "
            f"| {'' if base is None else f'{base:.3f}'} | {change} |"
        )
        if noisy:
            nv = result.metrics.get(f"noise.{name}")
            row += f" {'' if nv is None else f'{nv:.3f}'} | {_interval(result, f'noise.{name}')} |"
        lines.append(row)
    lines += [
        "",
        "| meeting | format | words | actions tp/fp/fn | decisions tp/fp/fn | flags tp/fp/fn | owner | due | error |",
        "| --- | --- | ---: | --- | --- | --- | --- | --- | --- |",
    ]
    for m in result.meetings:
        c = {
            k: f"{m[k]['tp']}/{m[k]['fp']}/{m[k]['fn']}" for k in ("actions", "decisions", "flags")
        }
        matched = m["matched_actions"]
        lines.append(
            f"| {m['name']} | {m.get('format', '')} | {m.get('words', '')} | {c['actions']} | {c['decisions']} "
            f"| {c['flags']} | {m['owner_right']}/{matched} | {m['due_right']}/{matched} "
            f"| {(m['error'] or '').replace('|', '/')[:80]} |"
        )
    return "\n".join(lines) + "\n"


def _interval(result: EvalResult, name: str) -> str:
    lo_hi = result.intervals.get(name)
    return f"{lo_hi[0]:.2f}-{lo_hi[1]:.2f}" if lo_hi else ""


def dump(result: EvalResult) -> str:
    """The JSON report."""
    return json.dumps(result.model_dump(mode="json"), indent=2) + "\n"
