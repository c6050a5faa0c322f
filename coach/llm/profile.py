"""What an OpenAI-compatible server accepts, as an immutable value.

A server may reject strict JSON-schema output, `temperature`, or one name of the token limit.
Each request starts from a snapshot of what the client has learnt so far and adapts a copy of its
own, so four threads adapting at once never change each other's requests; what a request learnt
is merged back for the requests that follow.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Mode = Literal["json_schema", "json_object"]
# The token-limit parameter, in the order a request gives up on them: a compatible server's
# max_tokens, then max_completion_tokens, then none (the server's own limit).
LIMIT_NAMES: tuple[str | None, ...] = ("max_tokens", "max_completion_tokens", None)


@dataclass(frozen=True)
class ServerProfile:
    """How to phrase a request for one server; `adapted` returns a new profile, never edits one."""

    mode: Mode = "json_schema"
    limit_name: str | None = "max_completion_tokens"
    temperature: bool = True

    @classmethod
    def for_server(cls, base_url: str | None) -> ServerProfile:
        """OpenAI's newest models take max_completion_tokens; compatible servers know max_tokens."""
        return cls(limit_name="max_completion_tokens" if base_url is None else "max_tokens")

    def adapted(self, message: str) -> ServerProfile | None:
        """The profile without what the server's 400 `message` rejects; None if nothing is left to drop."""
        text = message.casefold()
        if self.mode == "json_schema" and any(
            word in text
            for word in ("response_format", "json_schema", "structured output", "schema")
        ):
            return replace(self, mode="json_object")
        if "temperature" in text and self.temperature:
            return replace(self, temperature=False)
        if "max_completion_tokens" in text and self.limit_name == "max_tokens":
            return replace(self, limit_name="max_completion_tokens")
        if (
            "max_tokens" in text or "max_completion_tokens" in text
        ) and self.limit_name is not None:
            return replace(self, limit_name=None)  # let the server use its own limit
        return None

    def merged(self, other: ServerProfile) -> ServerProfile:
        """What both profiles learnt: every adaptation only ever gives something up."""
        return ServerProfile(
            mode="json_object" if "json_object" in (self.mode, other.mode) else "json_schema",
            limit_name=LIMIT_NAMES[
                max(LIMIT_NAMES.index(self.limit_name), LIMIT_NAMES.index(other.limit_name))
            ],
            temperature=self.temperature and other.temperature,
        )
