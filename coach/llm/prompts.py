"""Render the prompt files: a static system prompt first (cacheable), then the meeting."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from jinja2 import Environment, StrictUndefined, Template

from coach.frameworks import load_frameworks
from coach.llm.schema import Draft
from coach.models import Meeting, OpenCommitment, Turn
from coach.resources import read_prompt_file

TEMPLATES = ("system.md.j2", "user.md.j2")


@cache
def _template(name: str) -> Template:
    env = Environment(
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False
    )
    env.filters["quoted"] = lambda s: json.dumps(s, ensure_ascii=False)
    return env.from_string(read_prompt_file(name))


@cache
def prompt_version() -> str:
    """A hash of the templates, the framework file and the answer schema (its field descriptions
    are read by the model too): changes whenever the request can."""
    digest = hashlib.sha256()
    for name in (*TEMPLATES, "frameworks.toml"):
        digest.update(read_prompt_file(name).encode("utf-8"))
    digest.update(json.dumps(Draft.model_json_schema(), sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:12]


@cache
def system_prompt() -> str:
    """The system prompt: the frameworks and the output rules, identical for every request."""
    return _template("system.md.j2").render(fw=load_frameworks())


def _line(text: str) -> str:
    """Newlines folded, so untrusted text cannot start a line of its own (a fake marker)."""
    return " ".join(text.split())


def render_turn(index: int, turn: Turn) -> str:
    """One transcript line as the model sees it."""
    return f"[{index}] {_line(turn.speaker)}: {_line(turn.text)}"


def render_header(meeting: Meeting, commitments: Sequence[OpenCommitment] = ()) -> list[str]:
    """The title, the participants and a series' open commitments as fenced lines: they come from
    the source, so are untrusted."""
    lines = [f"Title: {_line(meeting.title) if meeting.title else 'untitled'}", "Participants:"]
    lines += [f"- {_line(p.name)}: {p.role}" for p in meeting.participants]
    if commitments:
        lines.append("Earlier commitments still open:")
        for c in commitments:
            due = f", due {c.due.isoformat()}" if c.due else ""
            lines.append(f"- {c.id} ({_line(c.owner or 'no owner')}{due}): {_line(c.description)}")
    return [*lines, "Transcript:"]


def fence_marker(lines: list[str]) -> str:
    """A marker derived from the fenced text itself, so the text cannot contain it."""
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]
    return f"=====TRANSCRIPT-{digest}====="


def user_prompt(
    meeting: Meeting,
    indexed_turns: list[tuple[int, Turn]],
    part: int | None = None,
    parts: int | None = None,
    commitments: Sequence[OpenCommitment] = (),
) -> str:
    """The user message: the date, then the title, participants, earlier commitments and
    numbered turns, fenced."""
    lines = render_header(meeting, commitments) + [render_turn(i, t) for i, t in indexed_turns]
    values: dict[str, Any] = {
        "date": meeting.date.isoformat() if meeting.date else None,
        "part": part,
        "parts": parts,
        "first_turn": indexed_turns[0][0] if indexed_turns else 0,
        "last_turn": indexed_turns[-1][0] if indexed_turns else 0,
        "marker": fence_marker(lines),
        "lines": lines,
        "series": bool(commitments),
    }
    return _template("user.md.j2").render(**values)
