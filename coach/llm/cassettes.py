"""Record and replay LLM exchanges, and cache answers on disk: three thin wrappers on one protocol."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from coach.errors import ProviderError
from coach.llm.protocol import LLMClient, LLMRequest, LLMResponse


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
    os.replace(tmp, path)


class RecordingClient:
    """Passes requests through and saves each request/response pair as `<key>.json`."""

    def __init__(self, inner: LLMClient, folder: Path) -> None:
        self.inner = inner
        self.folder = folder
        self.name = inner.name

    def complete(self, request: LLMRequest) -> LLMResponse:
        """Answer from the inner client and keep a copy."""
        response = self.inner.complete(request)
        _write_json(
            self.folder / f"{request.key()}.json",
            {
                "request": request.model_dump(mode="json"),
                "response": response.model_dump(mode="json"),
            },
        )
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
        data = json.loads(path.read_text(encoding="utf-8"))
        return LLMResponse.model_validate(data["response"])


class CachedClient:
    """An on-disk response cache keyed by provider, endpoint, prompt version and request."""

    def __init__(self, inner: LLMClient, folder: Path, namespace: str) -> None:
        self.inner = inner
        self.folder = folder
        self.namespace = namespace
        self.name = inner.name

    def _path(self, request: LLMRequest) -> Path:
        key = hashlib.sha256(f"{self.namespace}\n{request.key()}".encode()).hexdigest()[:40]
        return self.folder / key[:2] / f"{key}.json"

    def complete(self, request: LLMRequest) -> LLMResponse:
        """A cached answer when there is one; otherwise ask and keep the complete answers."""
        path = self._path(request)
        if path.is_file():
            try:
                cached = LLMResponse.model_validate_json(path.read_text(encoding="utf-8"))
                return cached.model_copy(update={"cached": True})
            except ValueError:
                path.unlink(missing_ok=True)  # a damaged entry is simply asked again
        response = self.inner.complete(request)
        if response.finish_reason == "stop" and response.refusal is None:
            _write_json(path, response.model_dump(mode="json"))
        return response
