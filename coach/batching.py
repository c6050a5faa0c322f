"""Many meetings through the Batch API: plan one line a part, submit, and collect into reports.

Submit plans each meeting exactly as a synchronous run would (the same engine, redaction, chunks
and requests) and sends each request's body as one JSONL line; `coach.batch_state` keeps what
collect needs. Collect reads each transcript again (refusing one whose content changed), plans it
again, and runs the ordinary LLM engine over it with a client that answers each request from the
batch's output: validation, re-asks on an invalid answer, splitting of a cut-off answer, restoring
redacted names, merging and grounding are the synchronous path's own. A request the batch did not
answer (an error line, a line missing after expiry) is sent synchronously, and counted.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from coach.batch_state import (
    BatchedMeeting,
    BatchState,
    check_state_folder,
    content_hash,
    load_state,
    save_state,
    without_credentials,
)
from coach.engines import EngineOptions
from coach.engines.llm import LLMEngine, NoClient
from coach.errors import CoachError, InputError
from coach.io import read_source
from coach.llm.batch import BatchService, BatchStatus, LineResult, input_file, request_line
from coach.llm.limiter import Limiter
from coach.llm.pricing import cost_usd
from coach.llm.protocol import LLMClient, LLMRequest, LLMResponse, Usage
from coach.models import Meeting, Report, Transcript

PROVIDER = "openai-batch"  # the report's engine.provider for answers collected from a batch


@dataclass(frozen=True)
class BatchItem:
    """One meeting to submit: its transcript file and the options a run would take."""

    path: Path
    name: str | None = None  # the report's file name without extension [default: the file's stem]
    roles: Mapping[str, str] | str | None = None
    date: str | dt.date | None = None
    title: str | None = None


@dataclass(frozen=True)
class Submitted:
    """A batch that was created, where its state is kept, and its worst-case cost."""

    state: BatchState
    status: BatchStatus
    state_file: Path
    max_cost_usd: float


@dataclass
class Collected:
    """One meeting's report, or the error that stopped it."""

    name: str
    source: str
    report: Report | None = None
    error: CoachError | None = None
    answered: int = 0  # requests answered by the batch
    asked: int = 0  # requests sent synchronously


@dataclass
class Collection:
    """What collect made of a batch."""

    status: BatchStatus
    meetings: list[Collected]
    error_lines: int = 0  # lines in the batch's error file
    missing_lines: int = 0  # lines in neither file
    warnings: list[str] = field(default_factory=list)

    @property
    def answered(self) -> int:
        """Requests answered by the batch and used."""
        return sum(m.answered for m in self.meetings)

    @property
    def asked(self) -> int:
        """Requests sent synchronously: parts the batch did not answer, re-asks, split parts."""
        return sum(m.asked for m in self.meetings)

    def describe(self) -> str:
        """One line for the terminal."""
        done = sum(1 for m in self.meetings if m.report is not None)
        text = (
            f"batch {self.status.id} {self.status.status}: {done} of {len(self.meetings)} "
            f"report(s); {self.answered} request(s) answered by the batch, {self.asked} sent synchronously"
        )
        why = []
        if self.error_lines:
            why.append(f"{self.error_lines} line(s) in the error file")
        if self.missing_lines:
            why.append(f"{self.missing_lines} line(s) missing from the output")
        return text + (f" ({', '.join(why)})" if why else "")


# --- planning --------------------------------------------------------------------------------------


def plan_requests(engine: LLMEngine, transcript: Transcript, meeting: Meeting) -> list[LLMRequest]:
    """The requests `engine.run` sends first for this meeting, one a part, in part order."""
    _, sent, sent_meeting = engine.outbound(transcript, meeting)
    chunks = engine.chunks(sent)
    return [engine.request(sent_meeting, chunk, sent, len(chunks)) for chunk in chunks]


def custom_id(meeting: int, part: int) -> str:
    """A line's id: the meeting's place in the batch and the part's; no name, nothing personal."""
    return f"meeting{meeting + 1}-part{part + 1}"


def _api_key(base_url: str | None) -> str:
    """The key, with the synchronous path's rule: none is needed only for a server given by URL."""
    from coach.llm.providers import check_base_url, resolve_base_url

    key = os.environ.get("OPENAI_API_KEY", "").strip()
    if not key and base_url is None:
        raise InputError("no OPENAI_API_KEY set; export it, or pass --base-url for a local server")
    check_base_url(resolve_base_url(base_url))
    return key or "unused-local-key"


def _names(items: Sequence[BatchItem]) -> list[str]:
    """Each meeting's report name: given, else the file's stem; repeats get -2, -3."""
    names: list[str] = []
    for item in items:
        base = item.name or Path(item.path).stem or "meeting"
        if Path(base).name != base or base.startswith("."):
            raise InputError(f"{base!r} cannot name a report file; use a plain name")
        name, n = base, 1
        while name in names:
            n += 1
            name = f"{base}-{n}"
        names.append(name)
    return names


def _load(
    data: bytes, source: str, roles: Mapping[str, str] | None, date: str | None, title: str | None
) -> tuple[Transcript, Meeting, list[str]]:
    """Transcript and meeting exactly as `coach analyze PATH` makes them."""
    from coach.pipeline import prepare
    from coach.transcripts import load_transcript_with_warnings

    transcript, loaded = load_transcript_with_warnings(data, name=Path(source).name)
    transcript, meeting, resolved = prepare(transcript, roles=roles, date=date, title=title)
    return transcript, meeting, [*loaded, *resolved]


def _read(source: str) -> bytes:
    if source == "-":
        raise InputError(
            "a batch reads each transcript again when it is collected; pass files, not -"
        )
    return read_source(source)[0]


def submit(
    items: Iterable[Path | str | BatchItem],
    *,
    model: str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    redact: bool | None = None,
    service: BatchService | None = None,
) -> Submitted:
    """Plan every meeting's requests as a synchronous run would, upload them and start a batch.

    Every transcript is read and planned before anything is sent; the state file that collect
    needs is written once the batch exists.
    """
    from coach.dates import parse_meeting_date
    from coach.llm.openai_client import chat_params
    from coach.llm.profile import ServerProfile
    from coach.llm.prompts import prompt_version
    from coach.roles import parse_roles
    from coach.tokens import counter_for

    batch_items = [i if isinstance(i, BatchItem) else BatchItem(Path(i)) for i in items]
    if not batch_items:
        raise InputError("no transcripts to submit")
    key = _api_key(base_url)
    options = EngineOptions(model=model, redact=redact, base_url=base_url)
    engine = LLMEngine.from_options("openai", options, NoClient())
    counter = counter_for(engine.model)
    profile = ServerProfile.for_server(base_url)  # what the synchronous client starts from
    lines: list[str] = []
    meetings: list[BatchedMeeting] = []
    worst = Usage()
    for i, (item, name) in enumerate(zip(batch_items, _names(batch_items), strict=True)):
        source = str(item.path)
        data = _read(source)
        roles = parse_roles(item.roles) if item.roles is not None else None
        date = parse_meeting_date(item.date)
        iso = date.isoformat() if date else None
        transcript, meeting, _ = _load(data, source, roles, iso, item.title)
        requests = plan_requests(engine, transcript, meeting)
        ids = [custom_id(i, j) for j in range(len(requests))]
        lines += [
            request_line(c, chat_params(r, profile)) for c, r in zip(ids, requests, strict=True)
        ]
        # The worst case, counted as a dry run counts it: every part at its output limit.
        worst.input_tokens += sum(counter.count(m.content) for r in requests for m in r.messages)
        worst.output_tokens += engine.max_output_tokens * len(requests)
        meetings.append(
            BatchedMeeting(
                name=name,
                source=str(Path(source).resolve()),
                sha256=content_hash(data),
                roles=dict(roles) if roles is not None else None,
                date=iso,
                title=item.title,
                custom_ids=ids,
                request_keys=[r.key() for r in requests],
            )
        )
    data = input_file(lines)
    check_state_folder()  # before anything is sent: a batch nobody can collect is money lost
    service = service or BatchService(api_key=key, base_url=base_url, timeout=timeout)
    file_id = service.upload(data)
    status = service.create(
        file_id,
        metadata={
            "coach_prompt_version": prompt_version(),
            "coach_meetings": str(len(meetings)),
        },
    )
    state = BatchState(
        batch_id=status.id,
        input_file_id=file_id,
        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        model=engine.model,
        base_url=without_credentials(base_url),
        redact=engine.redact,
        chunk_tokens=engine.chunk_tokens,
        prompt_version=prompt_version(),
        meetings=meetings,
    )
    path = save_state(state)
    return Submitted(state, status, path, cost_usd(engine.model, worst, batch=True))


# --- looking at a batch ----------------------------------------------------------------------------


def _service(state: BatchState | None, base_url: str | None, timeout: float | None) -> BatchService:
    url = base_url or (state.base_url if state is not None else None)
    return BatchService(api_key=_api_key(url), base_url=url, timeout=timeout)


def status(
    batch_id: str, *, base_url: str | None = None, timeout: float | None = None
) -> tuple[BatchStatus, BatchState | None]:
    """The batch as the service describes it, and its state file when it was submitted here."""
    from coach.batch_state import state_path

    state = load_state(batch_id) if state_path(batch_id).is_file() else None
    return _service(state, base_url, timeout).retrieve(batch_id), state


def wait(
    batch_id: str,
    *,
    base_url: str | None = None,
    timeout: float | None = None,
    on_update: Callable[[BatchStatus], None] | None = None,
    first: float | None = None,
    sleep: Callable[[float], None] | None = None,
) -> BatchStatus:
    """Poll until the batch is completed, failed, expired or cancelled (backoff 5 s doubling to 60 s)."""
    state = load_state(batch_id)
    return _service(state, base_url, timeout).wait(
        batch_id, first=first, on_update=on_update, sleep=sleep
    )


# --- collecting ------------------------------------------------------------------------------------


class BatchAnswers:
    """An LLMClient that answers a meeting's first requests from the batch, the rest synchronously.

    The engine asks exactly the requests the batch was given (checked by key), so each is answered
    from its line; a part whose line failed or is missing, a re-ask after an invalid answer and
    the halves of a cut-off part go to the synchronous client, and are counted.
    """

    name = PROVIDER

    def __init__(
        self, lines: Mapping[str, tuple[str, LineResult]], parts: int, inner: LLMClient
    ) -> None:
        self._lines = dict(lines)  # request key -> (part label, what came back)
        self._parts = parts
        self.inner = inner
        self._lock = threading.Lock()
        self.batch_usage = Usage()
        self.sync_usage = Usage()
        self.answered = 0
        self.asked = 0
        self.reasked = 0  # re-asks after an answer that did not validate
        self.split = 0  # requests for halves of a part whose answer was cut off
        self.notes: list[str] = []

    def complete(self, request: LLMRequest) -> LLMResponse:
        """The batch's answer to this request when it has one; otherwise a synchronous call."""
        with self._lock:
            found = self._lines.pop(request.key(), None)
            if found is not None and found[1].response is not None:
                response = found[1].response
                self.answered += 1
                _add(self.batch_usage, response.usage)
                return response
            if found is not None:
                part, line = found
                self.notes.append(
                    f"part {part} of {self._parts} was not answered by the batch "
                    f"({line.error}); asked synchronously"
                )
            elif len(request.messages) > 2:
                self.reasked += 1
            else:
                self.split += 1
        response = self.inner.complete(request)
        with self._lock:
            if not response.cached:
                self.asked += 1
                _add(self.sync_usage, response.usage)
        return response

    def warnings(self) -> list[str]:
        """What the report should say about requests sent outside the batch."""
        out = list(self.notes)
        if self.reasked:
            out.append(
                f"{self.reasked} answer(s) did not match the schema and were re-asked synchronously"
            )
        if self.split:
            out.append(f"{self.split} request(s) for split parts were sent synchronously")
        return out

    def cost(self, model: str) -> float:
        """Batch answers at batch prices, synchronous calls at the usual ones."""
        return round(
            cost_usd(model, self.batch_usage, batch=True) + cost_usd(model, self.sync_usage), 6
        )


def _add(total: Usage, usage: Usage) -> None:
    total.input_tokens += usage.input_tokens
    total.output_tokens += usage.output_tokens
    total.cached_tokens += usage.cached_tokens


@dataclass
class _Prepared:
    meeting: BatchedMeeting
    transcript: Transcript
    info: Meeting
    warnings: list[str]
    keys: list[str]


def _prepare_all(state: BatchState) -> list[_Prepared]:
    """Every transcript read again, checked against its hash and planned again; InputError if not."""
    engine = LLMEngine.from_options("openai", _options(state), NoClient())
    out = []
    for m in state.meetings:
        data = read_source(m.source)[0]
        if content_hash(data) != m.sha256:
            raise InputError(
                f"{m.source} changed since batch {state.batch_id} was submitted; "
                "put the submitted version back, or submit it again"
            )
        transcript, meeting, warnings = _load(data, m.source, m.roles, m.date, m.title)
        keys = [r.key() for r in plan_requests(engine, transcript, meeting)]
        if keys != m.request_keys:
            raise InputError(
                f"the requests for {m.source} are not those batch {state.batch_id} was given "
                "(coach's prompts or planning changed since it was submitted); submit it again"
            )
        out.append(_Prepared(m, transcript, meeting, warnings, keys))
    return out


def verify(batch_id: str) -> BatchState:
    """The batch's state once every transcript is checked unchanged and planned as submitted.

    No call is made: run it before waiting for a batch, so a changed file is refused at once.
    """
    state = load_state(batch_id)
    _prepare_all(state)
    return state


def _options(state: BatchState) -> EngineOptions:
    """The options of the submitted run; redaction and part size as they were then."""
    return EngineOptions(
        model=state.model,
        base_url=state.base_url,
        redact=state.redact,
        chunk_tokens=state.chunk_tokens,
    )


def collect(
    batch_id: str,
    *,
    base_url: str | None = None,
    timeout: float | None = None,
    cache: bool = True,
    record: Path | None = None,
    concurrency: int = 4,
    limiter: Limiter | None = None,
    wait_for_it: bool = False,
    on_update: Callable[[BatchStatus], None] | None = None,
) -> Collection:
    """Reports for every meeting of a finished batch, in submit order.

    InputError (before any call) when a transcript changed since submit or the requests would
    differ, or when the batch is still running and `wait_for_it` is False; ProviderError when the
    batch failed. A meeting whose analysis fails keeps its error in its `Collected` entry.
    """
    from coach.llm.batch import parse_results
    from coach.llm.providers import make_client
    from coach.parallel import ordered
    from coach.pipeline import assemble

    state = load_state(batch_id)
    prepared = _prepare_all(state)
    url = base_url or state.base_url
    service = _service(state, base_url, timeout)
    found = (
        service.wait(batch_id, on_update=on_update) if wait_for_it else service.retrieve(batch_id)
    )
    if on_update is not None and not wait_for_it:
        on_update(found)
    _check_finished(found)
    lines: dict[str, LineResult] = {}
    unreadable = 0
    error_lines = 0
    for file_id, is_error in ((found.error_file_id, True), (found.output_file_id, False)):
        if file_id:
            parsed, bad = parse_results(service.download(file_id))
            unreadable += bad
            error_lines += len(parsed) if is_error else 0
            lines.update(parsed)  # an answer in the output wins over an error for the same id
    limiter = limiter or Limiter(concurrency)
    options = _options(state).model_copy(
        update={
            "base_url": url,
            "timeout": timeout,
            "cache": cache,
            "record": record,
            "concurrency": concurrency,
            "limiter": limiter,
        }
    )
    sync = make_client("openai", options, state.model)
    missing = sum(1 for m in state.meetings for c in m.custom_ids if c not in lines)

    def one(p: _Prepared) -> Collected:
        m = p.meeting
        parts = len(m.custom_ids)
        mine = {
            key: (str(j + 1), lines.get(cid) or LineResult(cid, error="missing from the output"))
            for j, (cid, key) in enumerate(zip(m.custom_ids, p.keys, strict=True))
        }
        client = BatchAnswers(mine, parts, sync)
        engine = LLMEngine.from_options("openai", options, client)
        done = Collected(name=m.name, source=m.source)
        started = time.perf_counter()
        try:
            findings, info = engine.run(p.transcript, p.info)
        except CoachError as exc:
            done.error = exc
        else:
            findings.warnings.extend(client.warnings())
            info = info.model_copy(
                update={
                    "cost_usd": client.cost(state.model),
                    "elapsed_s": round(time.perf_counter() - started, 4),
                }
            )
            done.report = assemble(p.transcript, p.info, findings, info, p.warnings)
        done.answered, done.asked = client.answered, client.asked
        return done

    results = list(ordered(one, prepared, concurrency, on_interrupt=limiter.cancel))
    warnings = []
    if unreadable:
        warnings.append(f"{unreadable} line(s) of the batch's files could not be read")
    if found.status in ("expired", "cancelled"):
        warnings.append(
            f"batch {batch_id} {found.status} before every request ran; the rest were asked synchronously"
        )
    return Collection(found, results, error_lines, missing, warnings)


def _check_finished(found: BatchStatus) -> None:
    from coach.errors import ProviderError

    if found.status == "failed":
        why = "; ".join(found.errors) or "no reason given"
        raise ProviderError(f"batch {found.id} failed: {why}; nothing was analysed")
    if not found.done:
        raise InputError(f"{found.describe()}; collect it later, or add --wait to wait for it")
