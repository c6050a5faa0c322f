"""What `coach batch submit` remembers so that any shell can collect: one private JSON file a batch.

The file holds ids, paths, content hashes and the options of the run, never an API key and never
the transcripts' text: at collect time each transcript is read again, checked against its hash,
and planned again, so the redaction map (which holds personal data) is rebuilt, not stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ValidationError

from coach.errors import InputError
from coach.llm.batch import check_id


class BatchedMeeting(BaseModel):
    """One meeting of a batch: where it came from, what it was, how it was asked."""

    name: str  # the report's file name without extension
    source: str  # absolute path of the transcript
    sha256: str  # of the file's bytes at submit time
    roles: dict[str, str] | None = None
    date: str | None = None
    title: str | None = None
    custom_ids: list[str]  # one a part, in part order
    request_keys: list[str]  # LLMRequest.key() of each part: the requests must not change


class BatchState(BaseModel):
    """Everything collect needs besides the API key and the transcripts themselves."""

    version: Literal[1] = 1
    batch_id: str
    input_file_id: str
    created: str
    model: str
    base_url: str | None  # as given (None: OPENAI_BASE_URL or api.openai.com), no credentials
    redact: bool
    chunk_tokens: int
    prompt_version: str
    meetings: list[BatchedMeeting]

    @property
    def requests(self) -> int:
        """How many lines the batch has."""
        return sum(len(m.custom_ids) for m in self.meetings)


def state_dir() -> Path:
    """Where batch state files live: a `batches` folder in the LLM cache folder."""
    from coach.llm.providers import cache_dir

    return cache_dir() / "batches"


def state_path(batch_id: str) -> Path:
    """The state file of a batch."""
    return state_dir() / f"{check_id(batch_id)}.json"


def content_hash(data: bytes) -> str:
    """The hash a transcript is checked against at collect time."""
    return hashlib.sha256(data).hexdigest()


def without_credentials(url: str | None) -> str | None:
    """A server URL with any user and password removed (the query and path stay)."""
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit(parts._replace(netloc=netloc))


def check_state_folder() -> Path:
    """Create the state folder (private to the user) before anything is sent; InputError if it cannot be."""
    folder = state_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):
            folder.chmod(0o700)
    except OSError as exc:
        raise InputError(
            f"cannot create the batch state folder {folder}: {exc.strerror or exc}; set COACH_CACHE_DIR"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"the batch state folder {folder} is not writable; set COACH_CACHE_DIR")
    return folder


def save_state(state: BatchState) -> Path:
    """Write the state file atomically, readable by this user only."""
    folder = check_state_folder()
    path = state_path(state.batch_id)
    # mkstemp creates the file with mode 0600, so it is never readable by others, not even briefly.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(state.model_dump_json(indent=2) + "\n")
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(
            f"batch {state.batch_id} was submitted but its state file {path} cannot be written "
            f"({exc.strerror or exc}); cancel it or keep the id"
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_state(batch_id: str) -> BatchState:
    """The state a submit on this machine wrote; InputError when there is none or it is damaged."""
    path = state_path(batch_id)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"no batch {batch_id} was submitted from here (no state file {path}); "
            "collect it where it was submitted, with the same COACH_CACHE_DIR"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read batch state {path}: {exc.strerror or exc}") from None
    try:
        return BatchState.model_validate_json(text)
    except ValidationError as exc:
        raise InputError(
            f"damaged batch state {path} ({exc.error_count()} error(s)); submit the meetings again"
        ) from None
