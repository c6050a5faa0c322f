"""The Python API as DESIGN.md promises it."""

from __future__ import annotations

from pathlib import Path

import pytest

import coach
from coach import CoachError, InputError, ProviderError, analyze, load_transcript
from tests.conftest import EXAMPLE


def test_a_path_is_a_file_and_a_str_is_content() -> None:
    from_path = analyze(EXAMPLE, date="2026-11-16")
    from_text = analyze(EXAMPLE.read_text(encoding="utf-8"), date="2026-11-16")
    assert from_path.action_items == from_text.action_items
    assert from_path.meeting.title == "Weekly leadership sync"


def test_a_loaded_transcript_can_be_analysed_and_roles_given_as_a_mapping() -> None:
    transcript = load_transcript(EXAMPLE)
    report = analyze(transcript, roles={"Dana": "CMO", "Raj": "cio"})
    roles = {p.name: p.role for p in report.meeting.participants}
    assert roles["Dana Whitfield"] == "CMO" and roles["Raj Patel"] == "CIO"
    assert (
        report.flags[0].evidence[0].quote in transcript.turns[report.flags[0].evidence[0].turn].text
    )
    assert '"schema_version":"2"' in report.model_dump_json()


def test_errors_share_a_base_and_split_input_from_provider() -> None:
    assert issubclass(InputError, CoachError) and issubclass(ProviderError, CoachError)
    assert not issubclass(InputError, ProviderError)
    with pytest.raises(InputError):
        analyze("   ")
    with pytest.raises(InputError):
        analyze(Path("no/such/meeting.vtt"))
    with pytest.raises(InputError, match="unknown provider"):
        analyze(EXAMPLE, provider="gemini")


def test_public_names() -> None:
    for name in (
        "analyze",
        "load_transcript",
        "CoachError",
        "InputError",
        "ProviderError",
        "Report",
    ):
        assert hasattr(coach, name)
