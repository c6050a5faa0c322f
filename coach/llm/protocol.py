"""One small protocol at the LLM boundary: a request in, a response out."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field


class Message(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class LLMRequest(BaseModel):
    """Messages, the output schema and model settings: everything a provider needs."""

    model: str
    messages: list[Message]
    schema_name: str
    json_schema: dict[str, Any]
    max_output_tokens: int = 8_000
    temperature: float | None = 0.0

    def key(self) -> str:
        """A stable hash of the request, for caches and cassettes."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


class Usage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0


class LLMResponse(BaseModel):
    """The model's answer as text (JSON expected), why it stopped, and what it cost."""

    content: str | None
    finish_reason: str
    refusal: str | None = None
    usage: Usage = Field(default_factory=Usage)
    model: str | None = None
    mode: Literal["json_schema", "json_object"] = "json_schema"
    cached: bool = False


class LLMClient(Protocol):
    """A provider: turns one request into one response, or raises ProviderError."""

    name: str

    def complete(self, request: LLMRequest) -> LLMResponse:
        """Send one request; retries for transport faults happen inside."""
        ...
