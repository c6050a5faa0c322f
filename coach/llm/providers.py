"""Build the client for a provider name: the provider itself, then recording and caching around it."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from platformdirs import user_cache_dir

from coach.engines import EngineOptions
from coach.errors import InputError
from coach.llm.cassettes import CachedClient, RecordingClient, ReplayClient
from coach.llm.protocol import LLMClient

DEFAULT_MODEL = "gpt-4.1-mini"
OPENAI_URL = "https://api.openai.com/v1"


def resolve_base_url(base_url: str | None) -> str:
    """The URL the OpenAI SDK will call: the given one, else OPENAI_BASE_URL, else OpenAI's own."""
    return base_url or os.environ.get("OPENAI_BASE_URL", "").strip() or OPENAI_URL


def cache_dir() -> Path:
    """Where answers are cached: COACH_CACHE_DIR, else the user cache folder."""
    return Path(os.environ.get("COACH_CACHE_DIR") or user_cache_dir("coach")) / "llm"


def check_base_url(base_url: str) -> None:
    """A server URL must be http(s)://host...; anything else is a usage error, not a network fault."""
    try:
        parts = urlsplit(base_url.strip())
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        ok = False
    if not ok:
        raise InputError(
            f"--base-url {base_url!r} is not a server URL; give one like http://localhost:11434/v1"
        )


def make_client(provider: str, options: EngineOptions, model: str) -> LLMClient:
    """The client for `provider`, wrapped for caching and recording as the options ask."""
    from coach.llm.limiter import Limiter
    from coach.llm.prompts import prompt_version

    if provider == "replay":
        return ReplayClient(options.cassettes)
    if provider != "openai":
        raise InputError(f"unknown provider {provider!r}; use offline, openai or replay")
    from coach.llm.openai_client import OpenAIClient

    key = os.environ.get("OPENAI_API_KEY", "").strip()
    if not key and options.base_url is None:
        raise InputError(
            "no OPENAI_API_KEY set; export it, pass --base-url for a local server, or use --provider offline"
        )
    check_base_url(resolve_base_url(options.base_url))
    client: LLMClient = OpenAIClient(
        # Local OpenAI-compatible servers ignore the key, but the SDK wants one.
        api_key=key or "unused-local-key",
        base_url=options.base_url,
        timeout=options.timeout,
        limiter=options.limiter or Limiter(options.concurrency),
    )
    if options.cache:
        # Keyed by where the request goes; the request itself (as sent, redacted or not) is the rest.
        namespace = f"openai|{resolve_base_url(options.base_url)}|{model}|{prompt_version()}"
        client = CachedClient(client, cache_dir(), namespace)
    if options.record is not None:
        client = RecordingClient(client, options.record)
    return client
