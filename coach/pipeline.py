"""analyze(): load → roles → engine → ground → number → governance and coverage → Report."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from coach.engines import EngineOptions, Findings, get_engine
from coach.errors import InputError
from coach.frameworks import load_frameworks
from coach.grounding import GroundingTally, TurnIndex, ground_evidence, ground_items
from coach.meeting import build_meeting
from coach.models import (
    CATEGORIES,
    Category,
    Coverage,
    CoverageState,
    EngineInfo,
    Flag,
    Governance,
    Meeting,
    Objection,
    OpenCommitment,
    Report,
    Transcript,
)
from coach.participation import note_quiet_owners
from coach.speakers import name_speakers, parse_speakers
from coach.transcripts import load_transcript_with_warnings

if TYPE_CHECKING:  # the LLM modules load only when an LLM provider is used
    from coach.engines.llm import Estimate, LLMEngine
    from coach.llm.limiter import Limiter


def prepare(
    source: Path | str | bytes | Transcript,
    *,
    roles: Mapping[str, str] | str | None = None,
    date: str | dt.date | None = None,
    title: str | None = None,
    speakers: Mapping[str, str] | str | None = None,
) -> tuple[Transcript, Meeting, list[str]]:
    """Load the transcript, name its speakers, and resolve date and roles."""
    warnings: list[str] = []
    if isinstance(source, Transcript):
        transcript = source
    else:
        transcript, warnings = load_transcript_with_warnings(source)
    transcript, labels, name_warnings = name_speakers(transcript, parse_speakers(speakers))
    meeting, role_warnings = build_meeting(
        transcript, roles=roles, date=date, title=title, labels=labels
    )
    role_warnings = [*name_warnings, *role_warnings]
    return transcript, meeting, [*warnings, *role_warnings]


def analyze(
    source: Path | str | bytes | Transcript,
    *,
    provider: str = "offline",
    model: str | None = None,
    roles: Mapping[str, str] | str | None = None,
    date: str | dt.date | None = None,
    title: str | None = None,
    speakers: Mapping[str, str] | str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    cache: bool = True,
    record: Path | None = None,
    cassettes: Path | None = None,
    redact: bool | None = None,
    concurrency: int = 4,
    max_cost: float | None = None,
    limiter: Limiter | None = None,
    open_commitments: Sequence[OpenCommitment] = (),
) -> Report:
    """Analyse one meeting: a Path is read as a file, a str or bytes as content.

    `redact` masks personal data in what an LLM provider is sent; None (the default) masks exactly
    when the OpenAI-compatible server is not on this machine. The report keeps the original words.
    `concurrency` bounds the requests in flight; pass one `limiter` (coach.llm.limiter.Limiter) to
    calls made side by side so they share that bound and back off together after a 429.
    `max_cost` (US dollars) refuses, before any request, a run whose worst case costs more.
    `speakers` names diarisation labels ({"SPEAKER_00": "Sam Ortiz"} or "SPEAKER_00=Sam Ortiz,...");
    without it, generic labels take the names their speakers introduce themselves with.
    `open_commitments` (a series' commitments from earlier meetings) fills `report.updates` with
    what this meeting says about them: done, slipped, dropped, or still open.
    """
    if concurrency < 1:
        raise InputError(f"concurrency must be 1 or more, not {concurrency}")
    if max_cost is not None and max_cost < 0:
        raise InputError(f"max_cost must not be negative, not {max_cost}")
    transcript, meeting, warnings = prepare(
        source, roles=roles, date=date, title=title, speakers=speakers
    )
    options = EngineOptions(
        model=model,
        base_url=base_url,
        timeout=timeout,
        cache=cache,
        record=record,
        cassettes=cassettes,
        redact=redact,
        concurrency=concurrency,
        limiter=limiter,
        open_commitments=list(open_commitments),
    )
    if max_cost is not None and provider == "openai":  # replayed answers cost nothing
        check_budget(plan_engine(provider, options).estimate(transcript, meeting), max_cost)
    engine = get_engine(provider, options)
    started = time.perf_counter()
    findings, info = engine.run(transcript, meeting)
    if open_commitments and provider == "offline":
        from coach.track.linking import link

        findings.updates = link(transcript, meeting, list(open_commitments))
    info = info.model_copy(update={"elapsed_s": round(time.perf_counter() - started, 4)})
    return assemble(transcript, meeting, findings, info, warnings)


def estimate(
    source: Path | str | bytes | Transcript,
    *,
    provider: str = "openai",
    model: str | None = None,
    roles: Mapping[str, str] | str | None = None,
    date: str | dt.date | None = None,
    base_url: str | None = None,
    redact: bool | None = None,
    title: str | None = None,
) -> Estimate:
    """What analysing with an LLM provider would send and cost at most; nothing is sent.

    The engine is built from the same options as a real run's (COACH_CHUNK_TOKENS included), so
    `requests` is the number of requests a run whose answers all validate makes.
    """
    transcript, meeting, _ = prepare(source, roles=roles, date=date, title=title)
    options = EngineOptions(model=model, base_url=base_url, redact=redact)
    return plan_engine(provider, options).estimate(transcript, meeting)


def plan_engine(provider: str, options: EngineOptions) -> LLMEngine:
    """The LLM engine a run with these options would use, with no client: it can only estimate."""
    from coach.engines.llm import LLMEngine, NoClient

    return LLMEngine.from_options(provider, options, NoClient())


def check_budget(found: Estimate, max_cost: float) -> None:
    """InputError, with the estimate, when the worst case costs more than `max_cost` dollars."""
    if found.max_cost_usd > max_cost:
        raise InputError(
            f"the worst case is ${found.max_cost_usd:.4f} ({found.requests} request(s) to "
            f"{found.model}, {found.input_tokens:,} input tokens, at most "
            f"{found.max_output_tokens:,} output tokens), over --max-cost ${max_cost:g}; "
            "nothing was sent"
        )


def assemble(
    transcript: Transcript,
    meeting: Meeting,
    findings: Findings,
    info: EngineInfo,
    warnings: list[str],
) -> Report:
    """Ground every quote, number the items, derive governance and coverage."""
    warnings = [*warnings, *findings.warnings]
    tally = GroundingTally()
    index = TurnIndex(transcript)  # each turn normalised at most once for all the quotes
    flags, w1 = ground_items(findings.flags, transcript, "flag", tally, index)
    actions, w2 = ground_items(findings.action_items, transcript, "action item", tally, index)
    decisions, w3 = ground_items(findings.decisions, transcript, "decision", tally, index)
    objections, w4 = ground_items(findings.objections, transcript, "objection", tally, index)
    objections = [_ground_response(o, transcript, index) for o in objections]
    updates, w5 = ground_items(findings.updates, transcript, "status update", tally, index)
    warnings += w1 + w2 + w3 + w4 + w5
    info = info.model_copy(
        update={"quotes_checked": tally.checked, "quotes_dropped": tally.dropped}
    )
    flags = [
        f.model_copy(update={"id": f"F{i}"})
        for i, f in enumerate(note_quiet_owners(flags, meeting), 1)
    ]
    actions = [a.model_copy(update={"id": f"A{i}"}) for i, a in enumerate(actions, 1)]
    decisions = [d.model_copy(update={"id": f"D{i}"}) for i, d in enumerate(decisions, 1)]
    objections = [o.model_copy(update={"id": f"O{i}"}) for i, o in enumerate(objections, 1)]
    return Report(
        meeting=meeting,
        flags=flags,
        action_items=actions,
        decisions=decisions,
        objections=objections,
        governance=suggest_governance(flags),
        coverage=coverage(flags, findings.discussed),
        updates=updates,
        engine=info,
        warnings=warnings,
    )


def _ground_response(objection: Objection, transcript: Transcript, index: TurnIndex) -> Objection:
    """An answer whose words are not in the transcript is no evidence: the objection keeps its
    answered flag, without a response quote."""
    if objection.response is None:
        return objection
    kept, _ = ground_evidence([objection.response], transcript, index)
    return objection.model_copy(update={"response": kept[0] if kept else None})


def suggest_governance(flags: list[Flag]) -> list[Governance]:
    """One practice per flagged category (its first listed), linked to every flag it addresses."""
    fw = load_frameworks()
    order = {"high": 0, "medium": 1, "low": 2}
    by_category: dict[str, list[Flag]] = {}
    for flag in flags:
        by_category.setdefault(flag.category, []).append(flag)
    suggestions: list[Governance] = []
    for category, cat_flags in by_category.items():
        info = fw.category(category)
        worst = min((f.severity for f in cat_flags), key=order.__getitem__)
        for practice in info.governance[: 2 if worst == "high" else 1]:
            suggestions.append(
                Governance(
                    id="",
                    title=practice.title,
                    rationale=practice.rationale,
                    addresses=[f.id for f in cat_flags],
                    owner_role=practice.owner_role,
                    framework=info.framework,
                    # Urgency follows the gap it closes, not the practice in the abstract.
                    priority=worst,
                )
            )
    suggestions.sort(key=lambda g: order[g.priority])
    return [g.model_copy(update={"id": f"G{i}"}) for i, g in enumerate(suggestions, 1)]


def coverage(flags: list[Flag], discussed: dict[Category, list[int]]) -> dict[Category, Coverage]:
    """Each category: flagged, discussed without a flag, or absent, with the turns that show it."""
    result: dict[Category, Coverage] = {}
    for cid in CATEGORIES:
        cat_flags = [f for f in flags if f.category == cid]
        turns = {e.turn for f in cat_flags for e in f.evidence} | set(discussed.get(cid, ()))
        state: CoverageState = (
            "flagged" if cat_flags else "discussed" if cid in discussed else "absent"
        )
        result[cid] = Coverage(state=state, turns=sorted(turns))
    return result
