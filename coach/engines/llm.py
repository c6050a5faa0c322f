"""The LLM engine: chunk the meeting, ask the model per chunk, validate, re-ask, merge."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from coach.chunking import Chunk, chunk_turns
from coach.engines import EngineOptions, Findings
from coach.engines.offline.duedates import find_due
from coach.errors import ProviderError
from coach.grounding import REANCHOR_TURNS
from coach.llm.limiter import Limiter
from coach.llm.pricing import PRICES_AS_OF, cost_usd
from coach.llm.prompts import prompt_version, render_turn, system_prompt, user_prompt
from coach.llm.protocol import LLMClient, LLMRequest, LLMResponse, Message, Usage
from coach.llm.schema import Draft, DraftEvidence, DraftObjection, strict_schema
from coach.models import (
    ActionItem,
    Category,
    Decision,
    DecisionGap,
    EngineInfo,
    Evidence,
    Flag,
    Meeting,
    Objection,
    OpenCommitment,
    StatusUpdate,
    Strength,
    Transcript,
)
from coach.parallel import ordered
from coach.redact import Redactor
from coach.tokens import counter_for

MAX_REASKS = 2
# A meeting that needs more requests than this gets a warning before they are sent.
MANY_REQUESTS = 50

log = logging.getLogger("coach")


class Estimate(BaseModel):
    """A dry run's figures."""

    model: str
    requests: int
    input_tokens: int
    max_output_tokens: int
    max_cost_usd: float
    exact_tokens: bool
    tokenizer: str

    def describe(self) -> str:
        """One paragraph for the terminal."""
        approx = "" if self.exact_tokens else " (approximate count)"
        return (
            f"dry run: {self.requests} request(s) to {self.model}, {self.input_tokens:,} input tokens{approx} "
            f"with {self.tokenizer}, at most {self.max_output_tokens:,} output tokens; "
            f"at most ${self.max_cost_usd:.4f} at prices as of {PRICES_AS_OF}. Nothing was sent."
        )

    def summary(self) -> dict[str, Any]:
        """The figures `--dry-run --format json` prints."""
        return {
            "requests": self.requests,
            "input_tokens": self.input_tokens,
            "output_tokens_max": self.max_output_tokens,
            "cost_usd_max": self.max_cost_usd,
            "model": self.model,
        }

    def __add__(self, other: Estimate) -> Estimate:
        """Two meetings' figures together (a run over several transcripts)."""
        return Estimate(
            model=self.model,
            requests=self.requests + other.requests,
            input_tokens=self.input_tokens + other.input_tokens,
            max_output_tokens=self.max_output_tokens + other.max_output_tokens,
            max_cost_usd=round(self.max_cost_usd + other.max_cost_usd, 6),
            exact_tokens=self.exact_tokens and other.exact_tokens,
            tokenizer=self.tokenizer,
        )


class NoClient:
    """Stands in for a provider during a dry run; being called is a bug."""

    name = "dry-run"

    def complete(self, request: LLMRequest) -> LLMResponse:
        """Never called: estimating counts requests, it does not send them."""
        raise AssertionError("a dry run must not call the provider")


@dataclass
class _Run:
    """What one run counts and notices; a fresh one per run, so nothing carries over."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    usage: Usage = field(default_factory=Usage)
    calls: int = 0
    warnings: list[str] = field(default_factory=list)

    def count(self, response: LLMResponse) -> None:
        """Add a response's usage (a cached answer costs nothing and is not a call)."""
        with self.lock:
            if not response.cached:
                self.calls += 1
                self.usage.input_tokens += response.usage.input_tokens
                self.usage.output_tokens += response.usage.output_tokens
                self.usage.cached_tokens += response.usage.cached_tokens
            if response.mode == "json_object":
                self.warn(
                    "the server does not accept strict JSON-schema output; used JSON mode with the schema in the prompt"
                )

    def warn(self, text: str) -> None:
        """Note a warning once (callers hold the lock or are the only thread)."""
        if text not in self.warnings:
            self.warnings.append(text)


SEVERITY = {"low": 0, "medium": 1, "high": 2}


class LLMEngine:
    """Any LLMClient behind the same prompts, schema, validation and merging."""

    def __init__(
        self,
        client: LLMClient,
        model: str,
        *,
        chunk_tokens: int = 12_000,
        max_output_tokens: int = 8_000,
        concurrency: int = 4,
        redact: bool = False,
        notes: Sequence[str] = (),
        limiter: Limiter | None = None,
        open_commitments: Sequence[OpenCommitment] = (),
    ) -> None:
        self.client = client
        self.model = model
        self.chunk_tokens = chunk_tokens
        self.max_output_tokens = max_output_tokens
        self.concurrency = concurrency
        self.redact = redact
        self.notes = list(notes)  # warnings every report of this engine carries
        # Cancelled on Ctrl-C so that no queued chunk starts; the client takes its slots from it.
        self.limiter = limiter or Limiter(concurrency)
        # A series' open commitments: listed in each request so the model can mark them.
        self.open_commitments = list(open_commitments)

    @classmethod
    def from_options(cls, provider: str, options: EngineOptions, client: LLMClient) -> LLMEngine:
        """The engine a run with these options uses; a dry run passes NoClient and plans the same."""
        from coach.llm.providers import DEFAULT_MODEL
        from coach.redact import choose_redaction

        privacy = choose_redaction(provider, options.base_url, options.redact)
        return cls(
            client,
            options.model or DEFAULT_MODEL,
            chunk_tokens=options.chunk_tokens,
            concurrency=options.concurrency,
            redact=privacy.on,
            notes=[privacy.warning] if privacy.warning else [],
            limiter=options.limiter,
            open_commitments=options.open_commitments,
        )

    def outbound(
        self, transcript: Transcript, meeting: Meeting
    ) -> tuple[Redactor | None, Transcript, Meeting]:
        """What leaves the machine: the meeting masked with one map for all its chunks, or as is."""
        if not self.redact:
            return None, transcript, meeting
        # Owners of earlier commitments who do not speak today are people to mask too.
        owners = [c.owner for c in self.open_commitments if c.owner]
        redactor = Redactor([*transcript.speakers, *owners])
        head = redactor.mask_meeting(meeting)  # the title first, as the model reads it
        return redactor, redactor.mask_transcript(transcript), head

    def commitments_out(self, redactor: Redactor | None) -> list[OpenCommitment]:
        """The open commitments as the model sees them: masked with the meeting's map."""
        if redactor is None:
            return self.open_commitments
        return [
            c.model_copy(
                update={
                    "description": redactor.mask(c.description),
                    "owner": redactor.mask_label(c.owner) if c.owner else None,
                    "quote": None,
                }
            )
            for c in self.open_commitments
        ]

    # --- requests ----------------------------------------------------------------------------

    def chunks(self, transcript: Transcript) -> list[Chunk]:
        """The transcript split on turn boundaries so each part fits the token budget."""
        counter = counter_for(self.model)
        return chunk_turns(
            transcript.turns, self.chunk_tokens, counter.count, overlap=2, render=render_turn
        )

    def request(
        self,
        meeting: Meeting,
        chunk: Chunk,
        transcript: Transcript,
        parts: int,
        commitments: Sequence[OpenCommitment] = (),
    ) -> LLMRequest:
        """The request for one chunk: the static system prompt first, then the fenced turns."""
        indexed = [(chunk.turn_index(k), turn) for k, turn in enumerate(chunk.turns)]
        part = chunk.index + 1 if parts > 1 else None
        return LLMRequest(
            model=self.model,
            messages=[
                Message(role="system", content=system_prompt()),
                Message(
                    role="user",
                    content=user_prompt(
                        meeting, indexed, part=part, parts=parts, commitments=commitments
                    ),
                ),
            ],
            schema_name="coach_findings",
            json_schema=strict_schema(),
            max_output_tokens=self.max_output_tokens,
        )

    # --- one chunk, with re-asks and splitting -----------------------------------------------------

    def _ask(self, request: LLMRequest, turns: set[int], run: _Run) -> Draft | None:
        """A validated draft, or None when the answer was cut off by the output limit."""
        messages = list(request.messages)
        errors = ""
        for _ in range(1 + MAX_REASKS):
            response = self.client.complete(request.model_copy(update={"messages": messages}))
            run.count(response)
            if response.refusal:
                raise ProviderError(
                    f"the model refused to analyse this transcript: {response.refusal}"
                )
            if response.finish_reason == "length":
                return None
            if response.finish_reason == "content_filter":
                raise ProviderError("the provider's content filter stopped the answer")
            filled: set[str] = set()
            try:
                draft = Draft.model_validate_json(
                    _unfence(response.content or ""), context={"turns": turns, "filled": filled}
                )
            except ValidationError as exc:
                errors = _brief(exc)
                messages = [
                    *messages,
                    Message(role="assistant", content=response.content or ""),
                    Message(
                        role="user",
                        content=f"That answer did not match the required schema: {errors}. "
                        "Return the corrected JSON object only.",
                    ),
                ]
                continue
            if filled:
                with run.lock:
                    run.warn(
                        f"the model's answer left out {', '.join(sorted(filled))}: the report "
                        'shows their defaults (such as strength "tentative" or no objections), '
                        "not the model's reading"
                    )
            return draft
        raise ProviderError(
            f"the model's answer still did not match the schema after {MAX_REASKS} re-asks: {errors}"
        )

    def _analyze_chunk(
        self,
        meeting: Meeting,
        chunk: Chunk,
        transcript: Transcript,
        parts: int,
        run: _Run,
        commitments: Sequence[OpenCommitment] = (),
    ) -> list[Draft]:
        indices = {chunk.turn_index(k) for k in range(len(chunk.turns))}
        draft = self._ask(
            self.request(meeting, chunk, transcript, parts, commitments), indices, run
        )
        if draft is not None:
            return [draft]
        # Cut off by the output limit: never parse half an answer; ask about each half instead.
        if len(chunk.turns) < 2:
            raise ProviderError(
                "the model's answer was cut off by the output limit even for a single turn; use a model with a larger output limit"
            )
        with run.lock:
            run.warn(
                f"an answer was cut off at the output limit; part {chunk.index + 1} was split in two and asked again"
            )
        half = len(chunk.turns) // 2
        left = Chunk(
            index=chunk.index,
            first_turn=chunk.first_turn,
            turns=chunk.turns[:half],
            indices=chunk.indices[:half],
        )
        right = Chunk(
            index=chunk.index,
            first_turn=chunk.indices[half],
            turns=chunk.turns[half:],
            indices=chunk.indices[half:],
        )
        return self._analyze_chunk(
            meeting, left, transcript, parts, run, commitments
        ) + self._analyze_chunk(meeting, right, transcript, parts, run, commitments)

    # --- the Engine protocol -----------------------------------------------------------------

    def estimate(self, transcript: Transcript, meeting: Meeting) -> Estimate:
        """What a run would send, counted locally: no call is made."""
        counter = counter_for(self.model)
        redactor, sent, sent_meeting = self.outbound(transcript, meeting)
        commitments = self.commitments_out(redactor)
        chunks = self.chunks(sent)
        tokens = 0
        for chunk in chunks:
            request = self.request(sent_meeting, chunk, sent, len(chunks), commitments)
            tokens += sum(counter.count(m.content) for m in request.messages)
        worst = Usage(input_tokens=tokens, output_tokens=self.max_output_tokens * len(chunks))
        return Estimate(
            model=self.model,
            requests=len(chunks),
            input_tokens=tokens,
            max_output_tokens=worst.output_tokens,
            max_cost_usd=cost_usd(self.model, worst),
            exact_tokens=counter.exact,
            tokenizer=counter.encoding,
        )

    def run(self, transcript: Transcript, meeting: Meeting) -> tuple[Findings, EngineInfo]:
        """Analyse every chunk (concurrently) and merge their findings."""
        run = _Run()
        redactor, sent, sent_meeting = self.outbound(transcript, meeting)
        commitments = self.commitments_out(redactor)
        chunks = self.chunks(sent)
        if len(chunks) > MANY_REQUESTS:
            log.warning(
                "this meeting is split into %d parts, one request each; --dry-run shows the "
                "worst-case cost and --max-cost refuses a run over budget",
                len(chunks),
            )
        results = list(
            ordered(
                lambda c: self._analyze_chunk(sent_meeting, c, sent, len(chunks), run, commitments),
                chunks,
                self.concurrency,
                on_interrupt=self.limiter.cancel,
            )
        )
        drafts = [d for chunk_drafts in results for d in chunk_drafts]
        if redactor is not None:
            # Back to the meeting's own words before grounding, so quotes verify against the
            # original transcript and the report names real people.
            drafts = [restore_draft(d, redactor, transcript) for d in drafts]
        findings = merge(drafts, transcript, meeting)
        known = {c.id for c in self.open_commitments}
        unknown = sorted({u.commitment for u in findings.updates} - known)
        if unknown:
            findings.warnings.append(
                f"the model marked commitments that were not listed ({', '.join(unknown)}); ignored"
            )
        findings.updates = [u for u in findings.updates if u.commitment in known]
        findings.warnings.extend(self.notes)
        findings.warnings.extend(run.warnings)
        if len(chunks) > 1:
            findings.warnings.append(
                f"long meeting: analysed in {len(chunks)} overlapping parts and merged"
            )
        info = EngineInfo(
            provider=self.client.name,
            model=self.model,
            prompt_version=prompt_version(),
            calls=run.calls,
            input_tokens=run.usage.input_tokens,
            output_tokens=run.usage.output_tokens,
            cost_usd=cost_usd(self.model, run.usage),
        )
        return findings, info


def _unfence(content: str) -> str:
    """Local servers in JSON mode sometimes wrap the object in a Markdown code fence."""
    text = content.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text


def _brief(exc: ValidationError) -> str:
    """The validation errors in a few lines the model can act on."""
    parts = []
    for err in exc.errors()[:8]:
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


# --- drafts → findings --------------------------------------------------------------------------


def restore_draft(draft: Draft, redactor: Redactor, transcript: Transcript) -> Draft:
    """A draft with placeholders turned back into names and values, and quotes into what was said."""

    def nearby(turn: int) -> list[str]:
        # The turns grounding would look in, in its order, so a restored quote lands where it will.
        order = [turn]
        for d in range(1, REANCHOR_TURNS + 1):
            order += [turn - d, turn + d]
        return [transcript.turns[i].text for i in order if 0 <= i < len(transcript.turns)]

    def back(value: Any) -> Any:
        if isinstance(value, str):
            return redactor.restore(value)
        if isinstance(value, list):
            return [back(v) for v in value]
        if isinstance(value, dict):
            if set(value) == {"turn", "quote"}:
                return {
                    **value,
                    "quote": redactor.restore_quote(value["quote"], nearby(value["turn"])),
                }
            return {k: back(v) for k, v in value.items()}
        return value

    return Draft.model_validate(back(draft.model_dump()))


def _evidence(items: Sequence[DraftEvidence], transcript: Transcript) -> list[Evidence]:
    out = []
    for ev in items:
        if 0 <= ev.turn < len(transcript.turns):
            out.append(
                Evidence(turn=ev.turn, speaker=transcript.turns[ev.turn].speaker, quote=ev.quote)
            )
    return out


def _owner(owner: str | None, meeting: Meeting) -> str | None:
    """Map a first name or any casing onto the speaker label; keep roles and other names as said."""
    if owner is None or not owner.strip():
        return None
    labels = [p.name for p in meeting.participants]
    folded = owner.strip().casefold()
    exact = [label for label in labels if label.casefold() == folded]
    first = [label for label in labels if label.split()[0].casefold() == folded]
    return (exact or (first if len(first) == 1 else [owner.strip()]))[0]


def _due(due_text: str | None, meeting_date: dt.date | None) -> dt.date | None:
    """The model copies the time words; the offline engine's resolver turns them into a date."""
    if due_text is None:
        return None
    found = find_due(due_text, meeting_date)
    return found.date if found else None


def _text(value: str | None) -> str | None:
    """A model's string with blank meaning nothing."""
    return value.strip() if value and value.strip() else None


def _without(description: str, condition: str | None) -> str:
    """The description with the condition taken out when the model left it in."""
    if not condition:
        return description
    at = description.casefold().find(condition.casefold())
    if at < 0:
        return description
    head = description[:at].rstrip(" ,;:-")
    tail = description[at + len(condition) :].lstrip(" ,;:-")
    rest = " ".join(f"{head} {tail}".split()) if tail[:1].isalnum() else head + tail.strip()
    rest = rest.replace("()", "").replace(" .", ".").strip()
    return rest[:1].upper() + rest[1:] if rest else description


def _strength(strength: Strength, owner: str | None, condition: str | None) -> Strength:
    """The model's strength held to the report's definitions: firm needs an owner and no
    condition; conditional needs the condition it waits on. The time is left to the model: "next
    time" or "as part of the ask" is a time no date resolves."""
    if strength == "firm" and condition is not None:
        return "conditional"
    if strength == "firm" and owner is None:
        return "tentative"
    if strength == "conditional" and condition is None:
        return "tentative"
    return strength


GAP_ORDER: tuple[DecisionGap, ...] = (
    "no decider",
    "no owner",
    "no review date",
    "no success measure",
)


def _gaps(
    gaps: Sequence[DecisionGap], decided_by: str | None, review_text: str | None
) -> list[DecisionGap]:
    """The model's gaps, each once, made consistent with the decider and review it named."""
    found = set(gaps)
    checks: tuple[tuple[DecisionGap, bool], ...] = (
        ("no decider", decided_by is None),
        ("no review date", review_text is None),
    )
    for gap, missing in checks:
        if missing:
            found.add(gap)
        else:
            found.discard(gap)
    return [g for g in GAP_ORDER if g in found]


def _same(a: list[Evidence], b: list[Evidence]) -> bool:
    """Two items cite the same words (the overlap between chunks repeats them)."""
    return any(
        x.turn == y.turn and (x.quote in y.quote or y.quote in x.quote) for x in a for y in b
    )


def _objection(o: DraftObjection, transcript: Transcript, meeting: Meeting) -> Objection:
    """A concern with its speaker's label and role; the answer's words only when it was answered
    (grounding drops them too when they are not in the transcript)."""
    evidence = _evidence([o.evidence], transcript)
    roles = {p.name: p.role for p in meeting.participants}
    speaker = _owner(o.speaker, meeting)
    if speaker not in roles and evidence:
        speaker = evidence[0].speaker  # who said the quoted words
    response = _evidence([o.response], transcript) if o.answered and o.response else []
    return Objection(
        id="",
        speaker=speaker or o.speaker,
        role=roles.get(speaker or "", "other"),
        evidence=evidence,
        answered=o.answered,
        response=response[0] if response else None,
    )


def merge(drafts: Sequence[Draft], transcript: Transcript, meeting: Meeting) -> Findings:
    """One set of findings from all chunks: flags merged per category, repeated items dropped
    (an objection repeated by two parts keeps the answer either part saw)."""
    flags: dict[str, Flag] = {}
    actions: list[ActionItem] = []
    decisions: list[Decision] = []
    objections: list[Objection] = []
    discussed: dict[Category, list[int]] = {}
    updates: dict[str, StatusUpdate] = {}
    for draft in drafts:
        for f in draft.flags:
            evidence = _evidence(f.evidence, transcript)
            known = flags.get(f.category)
            if known is None:
                flags[f.category] = Flag(
                    id="",
                    category=f.category,
                    severity=f.severity,
                    title=f.title,
                    summary=f.summary,
                    parties=[_owner(p, meeting) or p for p in f.parties],
                    evidence=evidence,
                    conversation=f.conversation,
                    confidence=min(max(f.confidence, 0.0), 1.0),
                )
                continue
            worse = (
                f.severity if SEVERITY[f.severity] > SEVERITY[known.severity] else known.severity
            )
            flags[f.category] = known.model_copy(
                update={
                    "severity": worse,
                    "parties": list(
                        dict.fromkeys(
                            [*known.parties, *(_owner(p, meeting) or p for p in f.parties)]
                        )
                    ),
                    "evidence": [
                        *known.evidence,
                        *(e for e in evidence if e not in known.evidence),
                    ],
                    "confidence": max(known.confidence, min(max(f.confidence, 0.0), 1.0)),
                }
            )
        for a in draft.action_items:
            evidence = _evidence(a.evidence, transcript)
            if any(_same(evidence, k.evidence) for k in actions):
                continue
            due_text = _text(a.due_text)
            condition = _text(a.condition)
            owner = _owner(a.owner, meeting)
            actions.append(
                ActionItem(
                    id="",
                    description=_without(a.description, condition),
                    owner=owner,
                    due=_due(due_text, meeting.date),
                    due_text=due_text,
                    evidence=evidence,
                    confidence=min(max(a.confidence, 0.0), 1.0),
                    strength=_strength(a.strength, owner, condition),
                    condition=condition,
                    requested_by=_owner(a.requested_by, meeting),
                )
            )
        for d in draft.decisions:
            evidence = _evidence(d.evidence, transcript)
            if any(_same(evidence, k.evidence) for k in decisions):
                continue
            decided_by = _owner(d.decided_by, meeting)
            review_text = _text(d.review_text)
            decisions.append(
                Decision(
                    id="",
                    description=d.description,
                    evidence=evidence,
                    decided_by=decided_by,
                    review_date=_due(review_text, meeting.date),
                    gaps=_gaps(d.gaps, decided_by, review_text),
                )
            )
        for o in draft.objections:
            objection = _objection(o, transcript, meeting)
            earlier = next((k for k in objections if _same(objection.evidence, k.evidence)), None)
            if earlier is None:
                objections.append(objection)
            elif objection.answered and (
                not earlier.answered or (earlier.response is None and objection.response)
            ):
                # A part that ends on the concern cannot see the answer the next part holds.
                objections[objections.index(earlier)] = earlier.model_copy(
                    update={"answered": True, "response": objection.response}
                )
        for c in draft.discussed:
            discussed.setdefault(c, [])
        for u in draft.updates:
            new_text = _text(u.new_due_text) if u.status == "slipped" else None
            update = StatusUpdate(
                commitment=u.commitment.strip(),
                status=u.status,
                new_due=_due(new_text, meeting.date),
                new_due_text=new_text,
                evidence=_evidence([u.evidence], transcript),
            )
            # A later part's word wins, but "still in progress" never undoes a "done".
            said = updates.get(update.commitment)
            if said is None or update.status != "open" or said.status == "open":
                updates[update.commitment] = update
    order = {"high": 0, "medium": 1, "low": 2}
    ordered_flags = sorted(flags.values(), key=lambda f: order[f.severity])
    by_turn = sorted(actions, key=lambda a: min((e.turn for e in a.evidence), default=0))
    decisions.sort(key=lambda d: min((e.turn for e in d.evidence), default=0))
    objections.sort(key=lambda o: min((e.turn for e in o.evidence), default=0))
    return Findings(
        flags=ordered_flags,
        action_items=by_turn,
        decisions=decisions,
        objections=objections,
        discussed=discussed,
        updates=list(updates.values()),
    )
