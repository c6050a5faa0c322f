"""Reading input from a path or standard input, and writing output files atomically."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from coach.errors import InputError
from coach.transcripts import MAX_BYTES


def read_source(arg: str | None) -> tuple[bytes, str | None]:
    """The bytes of a transcript from a path, or from standard input for None or '-'."""
    if arg is None or arg == "-":
        if sys.stdin is None:
            raise InputError("no transcript given: pass a file or pipe one to standard input")
        if sys.stdin.isatty():
            print(
                "Paste the transcript, then press Ctrl-D (Ctrl-Z Enter on Windows).",
                file=sys.stderr,
            )
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InputError(
                f"standard input is larger than {MAX_BYTES // 2**20} MiB; split the transcript"
            )
        return data, None
    path = Path(arg)
    if not path.exists():
        raise InputError(f"no such file: {arg}; check the path")
    if path.is_dir():
        raise InputError(f"{arg} is a directory; pass a transcript file")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"{arg} is {size // 2**20} MiB, over the {MAX_BYTES // 2**20} MiB limit; split the transcript"
            )
        return path.read_bytes(), path.name
    except OSError as exc:
        raise InputError(f"cannot read {arg}: {exc.strerror or exc}") from None


def check_writable(path: Path) -> None:
    """Fail early, before any work, when the output file cannot be written."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"-o {path} is a directory; give a file name")
    if not parent.is_dir():
        raise InputError(f"cannot write {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise InputError(f"cannot write {path}: folder {parent} is not writable")


def prepare_folder(path: Path, option: str) -> None:
    """Make sure an output folder exists and can be written, before any work; InputError if not."""
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} {path} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{option} {path} cannot be created: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise InputError(f"{option} {path} is not writable")


def write_atomic(path: Path, text: str) -> None:
    """Write text to a temporary file beside `path`, then rename: never a half-written file."""
    check_writable(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
