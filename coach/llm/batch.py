"""The OpenAI Batch API through the official SDK: the JSONL in and out, and the calls around it.

A batch is a JSONL file of `{"custom_id", "method", "url", "body"}` lines uploaded with purpose
`batch`, then a batch object over that file with a 24 h window. Its status moves through
validating, in_progress, finalizing to completed (or failed, expired, cancelling, cancelled);
the answers come back in an output file and the failed lines in an error file, one JSON object a
line, in any order, keyed by `custom_id`. An expired or cancelled batch may still have output for
the lines it finished.

Nothing here knows about meetings: `coach.batching` plans the lines and reads the answers.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import openai
from pydantic import ValidationError

from coach.errors import InputError, ProviderError
from coach.llm.openai_client import _KEY_LIKE, _short, to_response
from coach.llm.profile import Mode
from coach.llm.protocol import LLMResponse

ENDPOINT: Literal["/v1/chat/completions"] = "/v1/chat/completions"
WINDOW: Literal["24h"] = "24h"
MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024
TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})
# Polling: the first wait, doubled after each look, up to the cap (seconds).
POLL_FIRST = 5.0
POLL_CAP = 60.0
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,199}")


def check_id(value: str, what: str = "batch id") -> str:
    """An id safe to use as a file name and in a URL path; InputError otherwise."""
    if not _ID.fullmatch(value or ""):
        raise InputError(f"{value!r} is not a {what}; it looks like batch_abc123")
    return value


def poll_first() -> float:
    """The first wait between looks at a batch: COACH_BATCH_POLL seconds, else 5."""
    raw = os.environ.get("COACH_BATCH_POLL", "").strip()
    if not raw:
        return POLL_FIRST
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"COACH_BATCH_POLL={raw!r} is not a number of seconds") from None
    if value <= 0:
        raise InputError(f"COACH_BATCH_POLL={raw!r} must be more than 0 seconds")
    return value


# --- the JSONL -------------------------------------------------------------------------------------


def request_line(custom_id: str, body: dict[str, Any]) -> str:
    """One line of the input file: the chat-completions body the synchronous path would send."""
    line = {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def input_file(lines: Iterable[str]) -> bytes:
    """The input file; InputError when it is over the Batch API's limits."""
    rows = list(lines)
    if len(rows) > MAX_REQUESTS:
        raise InputError(
            f"{len(rows):,} requests are over the Batch API's {MAX_REQUESTS:,}; submit the meetings in several batches"
        )
    data = "".join(row + "\n" for row in rows).encode("utf-8")
    if len(data) > MAX_BYTES:
        raise InputError(
            f"the batch file would be {len(data) // 2**20} MiB, over the Batch API's 200 MB; "
            "submit the meetings in several batches"
        )
    return data


@dataclass(frozen=True)
class LineResult:
    """What came back for one request: an answer, or why there is none."""

    custom_id: str
    response: LLMResponse | None = None
    error: str | None = None


def parse_results(text: str, mode: Mode = "json_schema") -> tuple[dict[str, LineResult], int]:
    """The lines of an output or error file by custom_id, and how many lines could not be read.

    A line is an answer when its response is a 200 with a chat completion; anything else (an HTTP
    error, `batch_expired`, a body that is not a completion) is an error with a short reason.
    """
    results: dict[str, LineResult] = {}
    unreadable = 0
    for raw in text.splitlines():
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
            custom_id = line["custom_id"]
            if not isinstance(custom_id, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            unreadable += 1
            continue
        results[custom_id] = _line_result(custom_id, line, mode)
    return results, unreadable


def _line_result(custom_id: str, line: dict[str, Any], mode: Mode) -> LineResult:
    response = line.get("response") if isinstance(line.get("response"), dict) else None
    error = line.get("error") if isinstance(line.get("error"), dict) else None
    if response is None:
        if error is not None:
            return LineResult(custom_id, error=_reason(error.get("code"), error.get("message")))
        return LineResult(custom_id, error="no response in the batch's answer")
    status = response.get("status_code")
    body = response.get("body")
    if status != 200:
        detail = body.get("error") if isinstance(body, dict) else None
        message = detail.get("message") if isinstance(detail, dict) else None
        return LineResult(custom_id, error=_reason(f"HTTP {status}", message))
    if not isinstance(body, dict) or not isinstance(body.get("choices"), list):
        return LineResult(custom_id, error="the answer is not a chat completion")
    try:
        from openai.types.chat import ChatCompletion

        completion = ChatCompletion.model_validate(body)
        if not completion.choices or any(c.message is None for c in completion.choices):
            raise ValueError("no message")
        return LineResult(custom_id, response=to_response(completion, mode))
    except (ValidationError, ValueError, ProviderError):
        return LineResult(custom_id, error="the answer is not a chat completion")


def _reason(code: Any, message: Any) -> str:
    parts = [str(p) for p in (code, message) if p]
    text = ": ".join(parts) or "no reason given"
    return _KEY_LIKE.sub("[key]", " ".join(text.split()))[:200]


# --- the batch object ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchStatus:
    """A batch as the service describes it now."""

    id: str
    status: str
    total: int = 0
    completed: int = 0
    failed: int = 0
    input_file_id: str | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: list[str] = field(default_factory=list)
    created_at: int | None = None

    @property
    def done(self) -> bool:
        """True when the batch will not change any more."""
        return self.status in TERMINAL

    def describe(self) -> str:
        """One line for the terminal."""
        counts = (
            f"{self.completed} of {self.total} requests done" if self.total else "no counts yet"
        )
        failed = f", {self.failed} failed" if self.failed else ""
        return f"batch {self.id}: {self.status}, {counts}{failed}"

    def summary(self) -> dict[str, Any]:
        """The fields `coach batch status --format json` prints."""
        return {
            "id": self.id,
            "status": self.status,
            "request_counts": {
                "total": self.total,
                "completed": self.completed,
                "failed": self.failed,
            },
            "output_file_id": self.output_file_id,
            "error_file_id": self.error_file_id,
            "errors": self.errors,
        }


def _status(batch: Any) -> BatchStatus:
    counts = getattr(batch, "request_counts", None)
    errors = getattr(getattr(batch, "errors", None), "data", None) or []
    return BatchStatus(
        id=batch.id,
        status=str(batch.status),
        total=getattr(counts, "total", 0) or 0,
        completed=getattr(counts, "completed", 0) or 0,
        failed=getattr(counts, "failed", 0) or 0,
        input_file_id=getattr(batch, "input_file_id", None),
        output_file_id=getattr(batch, "output_file_id", None),
        error_file_id=getattr(batch, "error_file_id", None),
        errors=[_reason(getattr(e, "code", None), getattr(e, "message", None)) for e in errors],
        created_at=getattr(batch, "created_at", None),
    )


class BatchService:
    """Files and batches on one OpenAI-compatible server; every failure is a ProviderError.

    These calls are few and cheap, so the SDK's own retries (429, 5xx, lost connections) serve.
    """

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int = 3,
    ) -> None:
        self._secret = api_key
        self.base_url = base_url
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout or 120.0, max_retries=max_retries
        )

    def upload(self, data: bytes, name: str = "coach-batch.jsonl") -> str:
        """Upload an input file with purpose `batch`; its file id."""
        found = self._call(
            "upload the batch file",
            lambda: self._client.files.create(
                file=(name, data, "application/jsonl"), purpose="batch"
            ),
        )
        return str(found.id)

    def create(self, input_file_id: str, metadata: dict[str, str] | None = None) -> BatchStatus:
        """Start a batch over an uploaded file, with a 24 h window."""
        batch = self._call(
            "create the batch",
            lambda: self._client.batches.create(
                input_file_id=input_file_id,
                endpoint=ENDPOINT,
                completion_window=WINDOW,
                metadata=metadata or {},
            ),
        )
        status = _status(batch)
        check_id(status.id, "batch id from the server")
        return status

    def retrieve(self, batch_id: str) -> BatchStatus:
        """The batch as it is now."""
        return _status(
            self._call(f"find batch {batch_id}", lambda: self._client.batches.retrieve(batch_id))
        )

    def cancel(self, batch_id: str) -> BatchStatus:
        """Ask the service to stop the batch (it passes through `cancelling`)."""
        return _status(
            self._call(f"cancel batch {batch_id}", lambda: self._client.batches.cancel(batch_id))
        )

    def download(self, file_id: str) -> str:
        """The text of an output or error file."""
        content = self._call(
            f"download file {file_id}", lambda: self._client.files.content(file_id)
        )
        return bytes(content.content).decode("utf-8", errors="replace")

    def wait(
        self,
        batch_id: str,
        *,
        first: float | None = None,
        cap: float = POLL_CAP,
        on_update: Callable[[BatchStatus], None] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> BatchStatus:
        """Look at the batch until it is done, waiting `first` seconds, then twice as long each
        time up to `cap`; `on_update` sees every look."""
        delay = first if first is not None else poll_first()
        pause = sleep or time.sleep
        while True:
            status = self.retrieve(batch_id)
            if on_update is not None:
                on_update(status)
            if status.done:
                return status
            pause(delay)
            delay = min(cap, delay * 2)

    # --- errors --------------------------------------------------------------------------------

    def _call(self, what: str, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except openai.APIError as exc:
            raise ProviderError(self._scrub(self._explain(what, exc))) from None

    def _explain(self, what: str, exc: openai.APIError) -> str:
        where = self.base_url or "api.openai.com"
        if isinstance(exc, openai.AuthenticationError):
            return f"{where} rejected the API key (401) trying to {what}; check OPENAI_API_KEY"
        if isinstance(exc, openai.PermissionDeniedError):
            return f"{where} denied access (403) trying to {what}; check the key's permissions for the Batch API"
        if isinstance(exc, openai.NotFoundError):
            if what.startswith(("upload", "create")):
                return (
                    f"{where} has no Batch API (404 trying to {what}); batches need api.openai.com "
                    "or a server that implements /v1/files and /v1/batches"
                )
            return f"{where} could not {what} (404): {_short(exc)}"
        if isinstance(exc, openai.RateLimitError):
            return f"{where} kept rate-limiting (429) trying to {what}; wait and retry"
        if isinstance(exc, openai.APITimeoutError):
            return f"{where} did not answer in time trying to {what}; raise --timeout"
        if isinstance(exc, openai.APIConnectionError):
            return f"cannot reach {where} to {what}; check --base-url and the network"
        if isinstance(exc, openai.APIStatusError):
            return f"{where} failed with HTTP {exc.status_code} trying to {what}: {_short(exc)}"
        return f"{where} failed trying to {what}: {type(exc).__name__}"

    def _scrub(self, text: str) -> str:
        """The key never leaves in a message, whatever the server echoed."""
        if self._secret:
            text = text.replace(self._secret, "[key]")
        return _KEY_LIKE.sub("[key]", text)
