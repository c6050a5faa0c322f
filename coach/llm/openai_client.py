"""The OpenAI provider (and every OpenAI-compatible server) through the official SDK.

tenacity owns retries, so the SDK's own are off and the two never multiply. Transport faults
(408, 409, 429, 5xx, timeouts, lost connections) are retried with exponential backoff and jitter,
honouring Retry-After; a 400, 401, 403 or 404 is final.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from coach.errors import ProviderError
from coach.llm.protocol import LLMRequest, LLMResponse, Usage

RETRY_STATUSES = {408, 409, 429}
_KEY_LIKE = re.compile(r"\bsk-[A-Za-z0-9_*\-]{6,}")
MAX_RETRY_AFTER = 120.0


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
    ) -> None:
        self._secret = api_key
        self.base_url = base_url
        self.timeout = timeout or 120.0
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.mode = "json_schema"
        # OpenAI's newest models take max_completion_tokens; compatible servers know max_tokens.
        self.limit_name: str | None = "max_completion_tokens" if base_url is None else "max_tokens"
        self.send_temperature = True
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=self.timeout, max_retries=0
        )

    # --- one request ---------------------------------------------------------------------------

    def _params(self, request: LLMRequest) -> dict[str, Any]:
        messages = [m.model_dump() for m in request.messages]
        params: dict[str, Any] = {"model": request.model, "messages": messages}
        if self.mode == "json_schema":
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
        if self.limit_name is not None:
            params[self.limit_name] = request.max_output_tokens
        reasoning = request.model.startswith(("o1", "o3", "o4", "gpt-5"))
        if request.temperature is not None and self.send_temperature and not reasoning:
            params["temperature"] = request.temperature
        return params

    def _send(self, request: LLMRequest) -> LLMResponse:
        completion = self._client.chat.completions.create(**self._params(request))
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
            mode="json_schema" if self.mode == "json_schema" else "json_object",
        )

    # --- retries and errors --------------------------------------------------------------------

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = _retry_after(exc)
        if asked is not None:
            return asked
        ceiling = min(self.max_backoff, self.backoff * 2 ** (state.attempt_number - 1))
        return random.uniform(ceiling / 2, ceiling)

    def complete(self, request: LLMRequest) -> LLMResponse:
        """Send one request with bounded retries; every failure becomes a ProviderError."""
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(_retryable),
            reraise=True,
        )
        try:
            for _ in range(3):
                try:
                    return retrying(self._send, request)
                except openai.BadRequestError as exc:
                    if not self._adapt(exc):
                        raise
            return retrying(self._send, request)
        except openai.APIError as exc:
            raise ProviderError(self._explain(exc)) from None

    def _adapt(self, exc: openai.BadRequestError) -> bool:
        """Drop what this server or model rejects (strict schemas, a token-limit name, temperature)."""
        text = _short(exc).casefold()
        if self.mode == "json_schema" and _rejects_schema(exc):
            self.mode = "json_object"  # the engine reports the fallback from response.mode
            return True
        if "temperature" in text and self.send_temperature:
            self.send_temperature = False
            return True
        if "max_completion_tokens" in text and self.limit_name == "max_tokens":
            self.limit_name = "max_completion_tokens"
            return True
        if (
            "max_tokens" in text or "max_completion_tokens" in text
        ) and self.limit_name is not None:
            self.limit_name = None  # let the server use its own limit
            return True
        return False

    def _explain(self, exc: openai.APIError) -> str:
        where = self.base_url or "api.openai.com"
        attempts = f"after {self.max_attempts} attempts"
        if isinstance(exc, openai.AuthenticationError):
            message = f"{where} rejected the API key (401); check OPENAI_API_KEY"
        elif isinstance(exc, openai.PermissionDeniedError):
            message = f"{where} denied access (403); check the key's permissions for this model"
        elif isinstance(exc, openai.NotFoundError):
            message = f"{where} has no such model or endpoint (404); check --model and --base-url"
        elif isinstance(exc, openai.RateLimitError):
            message = (
                f"{where} kept rate-limiting (429) {attempts}; wait and retry, or lower concurrency"
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


def _rejects_schema(exc: openai.BadRequestError) -> bool:
    text = _short(exc).casefold()
    return any(
        word in text for word in ("response_format", "json_schema", "structured output", "schema")
    )
