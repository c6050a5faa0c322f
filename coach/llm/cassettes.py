"""Record and replay LLM exchanges, and cache answers on disk: three thin wrappers on one protocol.

An answer is paid for before it is cached or recorded, so a folder that cannot be written costs a
warning (on the `coach` logger, which the CLI prints on stderr), never the answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from coach.errors import InputError, ProviderError
from coach.llm.protocol import LLMClient, LLMRequest, LLMResponse

log = logging.getLogger("coach")


def _write_json(path: Path, data: object) -> None:
    """Write JSON beside `path`, then rename: a cache entry or cassette is never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _keep(path: Path, data: object, what: str, instead: str) -> bool:
    """Write `data`, or warn once that `what` cannot be written; True when it was written."""
    try:
        _write_json(path, data)
        return True
    except OSError as exc:
        log.warning(
            "cannot write the %s in %s (%s); the answer is used but %s",
            what,
            path.parent,
            exc.strerror or type(exc).__name__,
            instead,
        )
        return False


class RecordingClient:
    """Passes requests through and saves each request/response pair as `<key>.json`."""

    def __init__(self, inner: LLMClient, folder: Path) -> None:
        self.inner = inner
        self.folder = folder
        self.name = inner.name
        self._broken = False  # one warning per run, not one per request

    def complete(self, request: LLMRequest) -> LLMResponse:
        """Answer from the inner client and keep a copy."""
        response = self.inner.complete(request)
        if not self._broken:
            pair = {
                "request": request.model_dump(mode="json"),
                "response": response.model_dump(mode="json"),
            }
            path = self.folder / f"{request.key()}.json"
            self._broken = not _keep(path, pair, "recording", "not recorded")
        return response


class ReplayClient:
    """Answers from recorded pairs; a request never recorded is an error, never a guess."""

    name = "replay"

    def __init__(self, folder: Path | None) -> None:
        if folder is None:
            raise ProviderError("--provider replay needs --cassettes DIR with recorded answers")
        if not folder.is_dir():
            raise ProviderError(
                f"no cassette folder at {folder}; record one with --record {folder}"
            )
        self.folder = folder

    def complete(self, request: LLMRequest) -> LLMResponse:
        """The recorded answer to exactly this request."""
        path = self.folder / f"{request.key()}.json"
        if not path.is_file():
            raise ProviderError(
                f"no recorded answer for this request (key {request.key()}) in {self.folder}; "
                "the prompt, model, transcript or redaction changed since recording (answers "
                "recorded from a remote server are redacted by default: replay them with --redact); "
                "or record again with --record"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return LLMResponse.model_validate(data["response"])
        except OSError as exc:
            raise InputError(f"cannot read cassette {path}: {exc.strerror or exc}") from None
        except (ValueError, KeyError, TypeError) as exc:
            # ValidationError is a ValueError; a damaged file is bad input, not a provider fault.
            raise InputError(f"damaged cassette {path}: {_why(exc)}; record it again") from None


def _why(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return f"the recorded response does not fit ({exc.error_count()} error(s))"
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON ({exc.msg} at line {exc.lineno})"
    if isinstance(exc, (KeyError, TypeError)):
        return "no recorded response in it"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


class CachedClient:
    """An on-disk response cache keyed by provider, endpoint, prompt version and request."""

    def __init__(self, inner: LLMClient, folder: Path, namespace: str) -> None:
        self.inner = inner
        self.folder = folder
        self.namespace = namespace
        self.name = inner.name
        self._broken = False  # one warning per run, not one per request

    def _path(self, request: LLMRequest) -> Path:
        key = hashlib.sha256(f"{self.namespace}\n{request.key()}".encode()).hexdigest()[:40]
        return self.folder / key[:2] / f"{key}.json"

    def complete(self, request: LLMRequest) -> LLMResponse:
        """A cached answer when there is one; otherwise ask and keep the complete answers."""
        path = self._path(request)
        try:
            if path.is_file():
                cached = LLMResponse.model_validate_json(path.read_text(encoding="utf-8"))
                return cached.model_copy(update={"cached": True})
        except ValueError:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)  # a damaged entry is simply asked again
        except OSError:
            pass  # an unreadable cache is a cache miss
        response = self.inner.complete(request)
        if response.finish_reason == "stop" and response.refusal is None and not self._broken:
            self._broken = not _keep(
                path, response.model_dump(mode="json"), "LLM response cache", "not cached"
            )
        return response
