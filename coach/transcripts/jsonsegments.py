"""JSON segments: `[{"speaker", "text", "start", "end"}]` or `{"segments": [...]}` (WhisperX).

A missing `speaker` continues the previous one (`Speaker 1` when the first has none); numeric
speakers become `Speaker N`; `SPEAKER_00` labels stay as they are.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from coach.errors import InputError
from coach.transcripts.timecodes import parse_timestamp
from coach.transcripts.turns import Parsed, TurnBuilder, squash

MAX_DEPTH = 20
EXPECTED = 'expected [{"speaker", "text", "start", "end"}, ...] or {"segments": [...]}'


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _check_depth(data: object) -> None:
    """InputError when containers nest deeper than MAX_DEPTH (the top level is depth 1)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Iterable[object] = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            raise InputError(f"JSON is nested deeper than {MAX_DEPTH} levels; {EXPECTED}")
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def _load(text: str) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}; "
            "fix the file or export it again"
        ) from None
    except RecursionError:
        raise InputError(f"JSON is nested deeper than {MAX_DEPTH} levels; {EXPECTED}") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise InputError(f"invalid JSON: {squash(str(exc))[:120]}") from None
    if text.count("[") + text.count("{") > MAX_DEPTH:
        _check_depth(data)
    return data


def _seconds(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        try:
            seconds = float(value)
        except OverflowError:
            return None
    elif isinstance(value, str):
        stamp = parse_timestamp(value.strip())
        if stamp is None:
            try:
                stamp = float(value)
            except ValueError:
                return None
        seconds = stamp
    else:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _segments(data: object) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        if "segments" not in data:
            keys = ", ".join(squash(str(k))[:30] for k in list(data)[:6]) or "none"
            raise InputError(f'JSON object has no "segments" (its keys: {keys}); {EXPECTED}')
        segments = data["segments"]
        if not isinstance(segments, list):
            raise InputError(f'JSON "segments" is {_kind(segments)}, not a list; {EXPECTED}')
        return segments
    raise InputError(f"JSON transcript is {_kind(data)}; {EXPECTED}")


def parse_json(text: str) -> Parsed:
    builder = TurnBuilder()
    for i, segment in enumerate(_segments(_load(text))):
        if not isinstance(segment, dict):
            raise InputError(f"JSON segment {i} is {_kind(segment)}, not an object; {EXPECTED}")
        words = segment.get("text")
        if words is None:
            continue
        if not isinstance(words, str):
            raise InputError(f'JSON segment {i} has "text" that is {_kind(words)}, not a string')
        speaker = segment.get("speaker")
        if isinstance(speaker, int) and not isinstance(speaker, bool):
            speaker = f"Speaker {speaker}"
        elif speaker is not None and not isinstance(speaker, str):
            raise InputError(
                f'JSON segment {i} has "speaker" that is {_kind(speaker)}, not a string'
            )
        if not (speaker and speaker.strip()):
            speaker = None if builder.current is not None else "Speaker 1"
        builder.add(speaker, words, _seconds(segment.get("start")), _seconds(segment.get("end")))
    return builder.result()
