"""Reading meeting transcripts: files, bytes or text in, a `Transcript` out.

Formats (see docs/formats.md) are detected from the content; a file name only breaks ties.
Every unusable input raises `InputError` with a one-line message saying what to do.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from coach.errors import InputError
from coach.models import Transcript
from coach.sanitize import clean_text, for_terminal
from coach.transcripts.blocks import parse_otter, parse_zoom
from coach.transcripts.decode import decode
from coach.transcripts.detect import ZIP_MAGIC, sniff
from coach.transcripts.docx import parse_docx
from coach.transcripts.jsonsegments import parse_json
from coach.transcripts.plain import parse_plain
from coach.transcripts.srt import parse_srt
from coach.transcripts.turns import Parsed
from coach.transcripts.vtt import parse_vtt

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "load_transcript",
    "load_transcript_with_warnings",
    "parse_text",
]

MAX_BYTES = 25 * 2**20
_MIB = 2**20

_TEXT_READERS: dict[str, Callable[[str], Parsed]] = {
    "plain": parse_plain,
    "otter": parse_otter,
    "zoom": parse_zoom,
    "vtt": parse_vtt,
    "srt": parse_srt,
    "json": parse_json,
}
FORMATS: tuple[str, ...] = (*_TEXT_READERS, "docx")

EMPTY = "the transcript is empty: paste or pass a file with speaker turns"


def _one_line(value: str) -> str:
    return for_terminal(value).replace("\n", "\\n").replace("\t", "\\t")


def _no_turns(label: str) -> InputError:
    return InputError(
        f"no speaker turns found in {label}: expected lines like 'Name: text' or a "
        "VTT/SRT/JSON transcript; see `coach parse --help`"
    )


def _finish(parsed: Parsed, fmt: str, label: str) -> tuple[Transcript, list[str]]:
    if not parsed.turns:
        raise _no_turns(label)
    transcript = Transcript(
        turns=parsed.turns,
        format=fmt,
        title=parsed.title,
        date=parsed.date,
        roles=parsed.roles,  # type: ignore[arg-type]  # only CEO/CMO/CIO/CTO are recorded
    )
    return transcript, parsed.warnings


def _parse(text: str, name: str | None) -> tuple[Transcript, list[str]]:
    label = _one_line(name) if name else "the input"
    if len(text) > MAX_BYTES:
        raise InputError(f"{label} is over the {MAX_BYTES // _MIB} MiB limit; split the transcript")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = clean_text(text)
    if not text.strip():
        raise InputError(EMPTY)
    fmt = sniff(text, name)
    return _finish(_TEXT_READERS[fmt](text), fmt, label)


def _parse_bytes(data: bytes, name: str | None) -> tuple[Transcript, list[str]]:
    label = _one_line(name) if name else "the input"
    if len(data) > MAX_BYTES:
        raise InputError(
            f"{label} is {len(data) / _MIB:.1f} MiB, over the {MAX_BYTES // _MIB} MiB limit; "
            "split the transcript"
        )
    if data.startswith(ZIP_MAGIC):
        return _finish(parse_docx(data, label), "docx", label)
    text, warnings = decode(data, label)
    transcript, more = _parse(text, name)
    return transcript, warnings + more


def _read(path: Path) -> bytes:
    shown = _one_line(str(path))
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"no such file: {shown}; check the path") from None
    except OSError as exc:
        raise InputError(f"cannot read {shown}: {exc.strerror or exc}; check the path") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{shown} is a directory; pass a transcript file")
    if info.st_size > MAX_BYTES:
        raise InputError(
            f"{shown} is {info.st_size / _MIB:.1f} MiB, over the {MAX_BYTES // _MIB} MiB "
            "limit; split the transcript"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(
            f"cannot read {shown}: {exc.strerror or exc}; check its permissions"
        ) from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{shown} is over the {MAX_BYTES // _MIB} MiB limit; split the transcript")
    return data


def load_transcript_with_warnings(
    source: Path | str | bytes, *, name: str | None = None
) -> tuple[Transcript, list[str]]:
    """Like `load_transcript`, plus warnings (e.g. a Windows-1252 fallback, skipped lines)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _parse_bytes(bytes(source), name)
    if isinstance(source, str):
        return _parse(source, name)
    if isinstance(source, os.PathLike):
        path = Path(source)
        return _parse_bytes(_read(path), name or path.name)
    raise TypeError(f"expected a Path, str or bytes, not {type(source).__name__}")


def load_transcript(source: Path | str | bytes, *, name: str | None = None) -> Transcript:
    """Read a transcript. A `Path` is a file, `bytes` its content, a `str` the text itself.

    `name` (a file name) is only a hint for format detection and error messages.
    """
    return load_transcript_with_warnings(source, name=name)[0]


def parse_text(text: str, *, name: str | None = None) -> Transcript:
    """Parse transcript text (any text format; not .docx, which is bytes)."""
    return _parse(text, name)[0]
