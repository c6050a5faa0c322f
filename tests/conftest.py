"""Shared fixtures: small transcripts and reports built in code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coach.models import Transcript, Turn

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "evals" / "datasets" / "core"
EXAMPLE = ROOT / "examples" / "leadership-sync.txt"


@pytest.fixture
def design_transcript() -> Transcript:
    """The three-turn example of DESIGN.md."""
    return Transcript(
        turns=[
            Turn(
                speaker="Ana Silva",
                text="We signed the webinar platform last week, it goes live on the 20th.",
                start=4.0,
            ),
            Turn(
                speaker="Ben Cole",
                text="Signed? Security hasn't seen it. It needs single sign-on and a data review first.",
                start=11.0,
            ),
            Turn(
                speaker="Ana Silva",
                text="Fine. I'll send you the vendor's security pack tomorrow.",
                start=19.0,
            ),
        ],
        date=dt.date(2026, 3, 2),
    )


SECRET = "sk-test-SECRET-0123456789abcdef"


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A running fake OpenAI server, a secret key in the environment, and a private cache."""
    from tests.fake_openai import FakeOpenAI

    server = FakeOpenAI().start()
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    yield server
    server.stop()
