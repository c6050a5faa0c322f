"""Engines turn a transcript into findings; the pipeline grounds, numbers and completes them."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from coach.llm.limiter import Limiter
from coach.models import (
    ActionItem,
    Category,
    Decision,
    EngineInfo,
    Flag,
    Meeting,
    Objection,
    OpenCommitment,
    StatusUpdate,
    Transcript,
)


class Findings(BaseModel):
    """What an engine found in one transcript, before grounding and numbering."""

    flags: list[Flag] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    objections: list[Objection] = Field(default_factory=list)
    discussed: dict[Category, list[int]] = Field(
        default_factory=dict,
        description="categories the meeting talked about, flagged or not, with the turns",
    )
    updates: list[StatusUpdate] = Field(
        default_factory=list, description="what the meeting said about earlier commitments"
    )
    warnings: list[str] = Field(default_factory=list)


class EngineOptions(BaseModel):
    """How to reach and use a provider; the offline engine ignores all of it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model: str | None = None
    base_url: str | None = None
    timeout: float | None = None
    cache: bool = True
    record: Path | None = None
    cassettes: Path | None = None
    # Mask personal data in what is sent: None decides by where it goes (coach.redact.choose_redaction).
    redact: bool | None = None
    # Transcript tokens per request; COACH_CHUNK_TOKENS lowers it for small-context local models.
    chunk_tokens: int = Field(default_factory=lambda: _env_int("COACH_CHUNK_TOKENS", 12_000))
    # Requests in flight at once; a run's engines share one limiter so the bound holds for all
    # of them and a 429 slows every worker (None: a limiter of this engine's own).
    concurrency: int = Field(default=4, ge=1)
    limiter: Limiter | None = None
    # A series' open commitments from earlier meetings, for the engine to mark (coach track).
    open_commitments: list[OpenCommitment] = Field(default_factory=list)


def _env_int(name: str, default: int) -> int:
    import os

    from coach.errors import InputError

    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{name}={raw!r} is not a whole number of tokens, e.g. 4000") from None
    if value < 500:
        raise InputError(f"{name}={value} is too small; use 500 or more")
    return value


class Engine(Protocol):
    """Anything that can read a meeting and report findings."""

    def run(self, transcript: Transcript, meeting: Meeting) -> tuple[Findings, EngineInfo]:
        """Analyse one meeting (roles and date already resolved in `meeting`)."""
        ...


def get_engine(provider: str, options: EngineOptions | None = None) -> Engine:
    """The engine for a provider name; InputError for an unknown one."""
    from coach.errors import InputError

    options = options or EngineOptions()
    if provider == "offline":
        from coach.engines.offline import OfflineEngine

        return OfflineEngine()
    if provider in ("openai", "replay"):
        from coach.engines.llm import LLMEngine
        from coach.llm.providers import DEFAULT_MODEL, make_client

        if options.limiter is None:  # one limiter for the client and the engine's chunk pool
            options = options.model_copy(update={"limiter": Limiter(options.concurrency)})
        client = make_client(provider, options, options.model or DEFAULT_MODEL)
        return LLMEngine.from_options(provider, options, client)
    raise InputError(f"unknown provider {provider!r}; use offline, openai or replay")
