"""Header-then-paragraph layouts: a line naming the speaker and the time, then their words.

Otter: `Dana Whitfield  0:14` (two or more spaces or a tab before `m:ss` / `h:mm:ss`).
Zoom "Save transcript": `[Dana Whitfield] 10:02:33`.
Teams .docx (current layout) uses Otter's shape, `Dana Whitfield   0:03`.
Lines before the first header give the title and date.
"""

from __future__ import annotations

from collections.abc import Callable

from coach.transcripts.meta import is_transcription_event, read_preamble
from coach.transcripts.timecodes import parse_timestamp
from coach.transcripts.turns import Parsed, TurnBuilder

Header = Callable[[str], tuple[str, float] | None]
_MAX_NAME = 60
_DAY = 86400.0


def _name_ok(name: str) -> bool:
    return (
        0 < len(name) <= _MAX_NAME
        and name[0].isalpha()
        and len(name.split()) <= 8
        and name[-1] not in ".,;:!?"
    )


def otter_header(line: str) -> tuple[str, float] | None:
    """(name, seconds) for `Dana Whitfield  0:14`; None for anything else."""
    k = max(line.rfind(" "), line.rfind("\t"))
    if k <= 0:
        return None
    start = parse_timestamp(line[k + 1 :])
    if start is None:
        return None
    head = line[: k + 1]
    name = head.rstrip(" \t")
    gap = head[len(name) :]
    if len(gap) < 2 and gap != "\t":
        return None
    return (name, start) if _name_ok(name) else None


def zoom_header(line: str) -> tuple[str, float] | None:
    """(name, seconds) for `[Dana Whitfield] 10:02:33`; None for anything else."""
    if not line.startswith("["):
        return None
    j = line.find("]", 1, _MAX_NAME + 2)
    if j == -1:
        return None
    name = line[1:j].strip()
    start = parse_timestamp(line[j + 1 :].strip())
    if start is None or not name or not name[0].isalpha():
        return None
    return name, start


def is_trailer(line: str) -> bool:
    """Otter's `Transcribed by https://otter.ai` and Teams' transcription notices."""
    low = line.lower()
    return (low.startswith("transcribed by") and "otter.ai" in low) or is_transcription_event(line)


def parse_blocks(lines: list[str], header: Header, *, rebase_clock: bool = False) -> Parsed:
    """Turns from header lines and the paragraph lines under each.

    With `rebase_clock`, stamps that read as a time of day (the first is 1:00:00 or later) are
    made relative to the first one, across midnight if need be.
    """
    found: list[tuple[str, float, list[str]]] = []
    preamble: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line or is_trailer(line):
            continue
        head = header(line)
        if head is not None:
            found.append((head[0], head[1], []))
        elif found:
            found[-1][2].append(line)
        else:
            preamble.append(line)
    origin = found[0][1] if rebase_clock and found and found[0][1] >= 3600 else None
    builder = TurnBuilder()
    for name, start, texts in found:
        if origin is not None:
            start = (start - origin) % _DAY
        builder.add(name, " ".join(texts), start)
    title, date, _ = read_preamble(preamble, free=True)
    return builder.result(title=title, date=date)


def parse_otter(text: str) -> Parsed:
    return parse_blocks(text.split("\n"), otter_header)


def parse_zoom(text: str) -> Parsed:
    return parse_blocks(text.split("\n"), zoom_header, rebase_clock=True)
