"""The OpenAI provider (and every OpenAI-compatible server) through the official SDK.

tenacity owns retries, so the SDK's own are off and the two never multiply. Transport faults
(408, 409, 429, 5xx, timeouts, lost connections) are retried with exponential backoff and jitter,
honouring Retry-After; a 400, 401, 403 or 404 is final. A 429 pauses every worker of the run
through the shared limiter, which also bounds the requests in flight. A 200 whose body is not a
chat completion (a proxy's login page) is asked once more, then reported with what came back.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import threading
from collections.abc import Iterator
from typing import Any

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from coach.errors import ProviderError
from coach.llm.limiter import Limiter
from coach.llm.profile import Mode, ServerProfile
from coach.llm.protocol import LLMRequest, LLMResponse, Usage

RETRY_STATUSES = {408, 409, 429}
_KEY_LIKE = re.compile(r"\bsk-[A-Za-z0-9_*\-]{6,}")
MAX_RETRY_AFTER = 120.0
EXCERPT = 120  # characters of an unexpected body quoted back to the user


class NotACompletion(Exception):
    """A 200 answer whose body is not a chat completion; carries what came back."""

    def __init__(self, content_type: str, body: str) -> None:
        self.content_type = content_type or "no content type"
        flat = " ".join(body.split())
        self.excerpt = flat[:EXCERPT] + ("…" if len(flat) > EXCERPT else "")
        super().__init__(f"{self.content_type}: {self.excerpt or '(empty body)'}")


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in RETRY_STATUSES or exc.status_code >= 500
    return False


def _retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (retry-after-ms, then retry-after), when sensible."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            seconds = float(raw) * scale
        except ValueError:
            continue  # an HTTP date: fall back to our own backoff
        if 0 < seconds <= MAX_RETRY_AFTER:
            return seconds
    return None


def _completion(raw: Any) -> Any:
    """The SDK's ChatCompletion from a raw 200 answer; NotACompletion for anything else."""
    content_type = raw.headers.get("content-type", "")
    body = raw.http_response.text
    try:
        data = json.loads(body)
    except ValueError:
        raise NotACompletion(content_type, body) from None
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        raise NotACompletion(content_type, body)
    completion = raw.parse()
    if any(getattr(c, "message", None) is None for c in completion.choices):
        raise NotACompletion(content_type, body)
    return completion


def chat_params(request: LLMRequest, profile: ServerProfile) -> dict[str, Any]:
    """The chat-completions body of a request as this server profile phrases it.

    The Batch API sends exactly this body in each JSONL line.
    """
    messages = [m.model_dump() for m in request.messages]
    params: dict[str, Any] = {"model": request.model, "messages": messages}
    if profile.mode == "json_schema":
        params["response_format"] = {
            "type": "json_schema",
            "json_schema": {
                "name": request.schema_name,
                "strict": True,
                "schema": request.json_schema,
            },
        }
    else:
        schema = json.dumps(request.json_schema, separators=(",", ":"))
        messages[-1]["content"] += (
            "\n\nReturn only a JSON object that matches this JSON schema, with no other text:\n"
            + schema
        )
        params["response_format"] = {"type": "json_object"}
    if profile.limit_name is not None:
        params[profile.limit_name] = request.max_output_tokens
    reasoning = request.model.startswith(("o1", "o3", "o4", "gpt-5"))
    if request.temperature is not None and profile.temperature and not reasoning:
        params["temperature"] = request.temperature
    return params


def to_response(completion: Any, mode: Mode) -> LLMResponse:
    """An LLMResponse from the SDK's ChatCompletion (a live answer or a Batch API output line)."""
    if not completion.choices:
        raise ProviderError("the provider answered with no choices")
    choice = completion.choices[0]
    usage = completion.usage
    details = getattr(usage, "prompt_tokens_details", None)
    return LLMResponse(
        content=choice.message.content,
        finish_reason=choice.finish_reason or "stop",
        refusal=getattr(choice.message, "refusal", None),
        usage=Usage(
            input_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            output_tokens=getattr(usage, "completion_tokens", 0) or 0,
            cached_tokens=getattr(details, "cached_tokens", 0) or 0,
        ),
        model=completion.model,
        mode=mode,
    )


class OpenAIClient:
    """Chat completions with strict structured outputs, falling back to JSON mode where unsupported."""

    name = "openai"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        timeout: float | None = None,
        max_attempts: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        limiter: Limiter | None = None,
    ) -> None:
        self._secret = api_key
        self.base_url = base_url
        self.timeout = timeout or 120.0
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.limiter = limiter or Limiter()
        # What this server accepts, learnt from its 400s; replaced whole, never edited in place.
        self._profile = ServerProfile.for_server(base_url)
        self._profile_lock = threading.Lock()
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=self.timeout, max_retries=0
        )

    @property
    def profile(self) -> ServerProfile:
        """What the client has learnt about the server so far."""
        return self._profile

    # --- one request ---------------------------------------------------------------------------

    def _send(self, request: LLMRequest, profile: ServerProfile) -> LLMResponse:
        raw = self._client.chat.completions.with_raw_response.create(
            **chat_params(request, profile)
        )
        return to_response(_completion(raw), profile.mode)

    def _attempt(
        self, request: LLMRequest, profile: ServerProfile, attempts: Iterator[int]
    ) -> LLMResponse:
        """One HTTP exchange inside one of the run's slots."""
        attempt = next(attempts)
        with self.limiter.slot():
            try:
                response = self._send(request, profile)
            except openai.RateLimitError as exc:
                # Set before the slot is released, so no other worker slips a request in first.
                self.limiter.pause(_retry_after(exc) or self._backoff(attempt))
                raise
        self.limiter.check()  # interrupted while waiting: drop the answer, cache nothing
        return response

    # --- retries and errors --------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, openai.RateLimitError):
            return 0.0  # the limiter's shared pause, set when the 429 came, does the waiting
        asked = _retry_after(exc)
        if asked is not None:
            return asked
        return self._backoff(state.attempt_number)

    def complete(self, request: LLMRequest) -> LLMResponse:
        """Send one request with bounded retries; every failure becomes a ProviderError."""
        profile = self._profile  # this request's own snapshot; adapting it touches no other
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(_retryable),
            sleep=self.limiter.sleep,  # a backoff wakes at once on Ctrl-C
            reraise=True,
        )
        attempts = itertools.count(1)
        strange: NotACompletion | None = None
        try:
            while True:
                try:
                    response = retrying(self._attempt, request, profile, attempts)
                except openai.BadRequestError as exc:
                    adapted = profile.adapted(_short(exc))
                    if adapted is None:
                        raise
                    profile = adapted  # each step gives something up, so this loop ends
                    continue
                except NotACompletion as exc:
                    if strange is not None:
                        raise ProviderError(self._not_a_completion(exc)) from None
                    strange = exc  # a proxy's hiccup: ask once more
                    continue
                self._learn(profile)
                return response
        except openai.APIError as exc:
            raise ProviderError(self._explain(exc)) from None

    def _learn(self, profile: ServerProfile) -> None:
        """Keep what this request learnt for the requests that start after it."""
        with self._profile_lock:
            self._profile = self._profile.merged(profile)

    def _where(self) -> str:
        return self.base_url or "api.openai.com"

    def _not_a_completion(self, exc: NotACompletion) -> str:
        return self._scrub(
            f"{self._where()} answered HTTP 200 twice with something that is not a chat "
            f"completion ({exc}); check --base-url and any proxy in between"
        )

    def _explain(self, exc: openai.APIError) -> str:
        where = self._where()
        attempts = f"after {self.max_attempts} attempts"
        if isinstance(exc, openai.AuthenticationError):
            message = f"{where} rejected the API key (401); check OPENAI_API_KEY"
        elif isinstance(exc, openai.PermissionDeniedError):
            message = f"{where} denied access (403); check the key's permissions for this model"
        elif isinstance(exc, openai.NotFoundError):
            message = f"{where} has no such model or endpoint (404); check --model and --base-url"
        elif isinstance(exc, openai.RateLimitError):
            message = (
                f"{where} kept rate-limiting (429) {attempts}; wait and retry, or lower "
                f"--concurrency (it was {self.limiter.concurrency})"
            )
        elif isinstance(exc, openai.APITimeoutError):
            message = f"{where} did not answer within {self.timeout:g}s {attempts}; raise --timeout"
        elif isinstance(exc, openai.APIConnectionError):
            message = f"cannot reach {where} {attempts}; check --base-url and the network"
        elif isinstance(exc, openai.APIStatusError):
            detail = _short(exc)
            message = f"{where} failed with HTTP {exc.status_code}{' ' + attempts if exc.status_code >= 500 or exc.status_code in RETRY_STATUSES else ''}: {detail}"
        else:
            message = f"{where} failed: {type(exc).__name__}"
        return self._scrub(message)

    def _scrub(self, text: str) -> str:
        """Make sure the key never leaves in a message, whatever the server echoed."""
        if self._secret:
            text = text.replace(self._secret, "[key]")
        return _KEY_LIKE.sub("[key]", text)


def _short(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        message = error.get("message") if isinstance(error, dict) else None
        if isinstance(message, str):
            return message[:200]
    return str(exc.message)[:200]
