"""A series on the LLM path: open commitments go into the prompt (masked when redacting), the
model's marks come back grounded, and `coach track add --provider openai` records them. The real
`openai` SDK talks to the loopback server in tests/fake_openai.py."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from coach import analyze
from coach.cli import main
from coach.models import OpenCommitment
from tests.fake_openai import FakeOpenAI, completion

WEEK2 = (
    "Ana Silva: Quick round. The agency contract went back signed on Monday.\n"
    "Ben Cole: Good. The data map needs another week, call it the 25th.\n"
    "Ana Silva: And let's forget the second workshop.\n"
    "Ben Cole: Agreed. I'll draft the access policy by Thursday.\n"
)
EARLIER = [
    OpenCommitment(id="C1", description="Get the agency contract signed", owner="Ana Silva"),
    OpenCommitment(id="C2", description="Have the CRM data map ready", owner="Ben Cole"),
    OpenCommitment(id="C3", description="Book the second workshop", owner="Dora Quill"),
]


def ev(turn: int, quote: str) -> dict[str, Any]:
    return {"turn": turn, "quote": quote}


def answer(updates: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "flags": [],
        "action_items": [
            {
                "evidence": [ev(3, "I'll draft the access policy by Thursday.")],
                "description": "Draft the access policy",
                "owner": "Ben Cole",
                "requested_by": None,
                "due_text": "by Thursday",
                "condition": None,
                "strength": "firm",
                "confidence": 0.9,
            }
        ],
        "decisions": [],
        "objections": [],
        "discussed": [],
        "updates": updates,
    }


UPDATES = [
    {"evidence": ev(0, "The agency contract went back signed on Monday."), "commitment": "C1",
     "status": "done", "new_due_text": None},
    {"evidence": ev(1, "The data map needs another week, call it the 25th."), "commitment": "C2",
     "status": "slipped", "new_due_text": "the 25th"},
    {"evidence": ev(2, "we can forget about the workshop"), "commitment": "C3",  # not said
     "status": "dropped", "new_due_text": None},
    {"evidence": ev(2, "And let's forget the second workshop."), "commitment": "C9",  # not listed
     "status": "dropped", "new_due_text": None},
]  # fmt: skip


def run(server: FakeOpenAI, **kw: Any):  # type: ignore[no-untyped-def]
    return analyze(
        WEEK2,
        provider="openai",
        base_url=server.base_url,
        roles={"Ana Silva": "CMO", "Ben Cole": "CIO"},
        date="2026-09-14",
        cache=False,
        open_commitments=EARLIER,
        **kw,
    )


def test_the_models_marks_come_back_grounded(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(completion(answer(UPDATES)))
    report = run(fake_openai)
    prompt = fake_openai.seen[0].json["messages"][1]["content"]
    assert "Earlier commitments still open:" in prompt
    assert "- C2 (Ben Cole): Have the CRM data map ready" in prompt
    # Listed inside the fence: between the two marker lines.
    marker = next(line for line in prompt.splitlines() if line.startswith("=====TRANSCRIPT-"))
    inside = prompt.split(marker)[1]
    assert "C3 (Dora Quill)" in inside
    by_id = {u.commitment: u for u in report.updates}
    assert set(by_id) == {"C1", "C2"}  # C3's quote is invented, C9 was never listed
    assert by_id["C1"].status == "done" and by_id["C1"].evidence[0].speaker == "Ana Silva"
    assert by_id["C2"].new_due == dt.date(2026, 9, 25)
    assert any("C9" in w for w in report.warnings)
    assert any("status of C3" in w for w in report.warnings)


def test_a_meeting_analysed_alone_sends_no_list(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(completion({k: v for k, v in answer([]).items() if k != "updates"}))
    report = analyze(WEEK2, provider="openai", base_url=fake_openai.base_url, cache=False)
    assert "Earlier commitments" not in fake_openai.seen[0].json["messages"][1]["content"]
    assert report.updates == [] and not any("left out" in w for w in report.warnings)


def test_redaction_masks_the_earlier_commitments_too(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(completion(answer([])))
    run(fake_openai, redact=True)
    sent = json.dumps(fake_openai.seen[0].json)
    # Dora does not speak today, but owns an open commitment: her name never leaves either.
    for name in ("Dora", "Quill", "Ana Silva", "Ben Cole"):
        assert name not in sent
    assert "Book the second workshop" in sent


def test_track_add_with_the_openai_provider(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    week1 = tmp_path / "week1.txt"
    week1.write_text(
        "Date: 2026-09-07\nAna Silva: I'll get the agency contract signed by Friday.\n"
        "Ben Cole: I'll have the CRM data map ready by the 18th.\n",
        encoding="utf-8",
    )
    week2 = tmp_path / "week2.txt"
    week2.write_text("Date: 2026-09-14\n" + WEEK2, encoding="utf-8")

    def reply(payload: dict[str, Any]) -> Any:
        from tests.fake_openai import Reply

        prompt = payload["messages"][1]["content"]
        if "Earlier commitments" not in prompt:  # week 1: two promises, by the speakers' words
            return Reply(body=completion(week1_answer()))
        # Week 2 sees the week-1 commitments by their series ids.
        ids = [line.split()[1] for line in prompt.splitlines() if line.startswith("- C")]
        assert ids == ["C1", "C2"]
        return Reply(body=completion(answer(UPDATES[:2])))

    fake_openai.respond = reply
    db = tmp_path / "series.db"
    base = [
        "--provider",
        "openai",
        "--base-url",
        fake_openai.base_url,
        "--no-cache",
        "--db",
        str(db),
    ]
    result = CliRunner().invoke(
        main, ["track", "add", str(week1), str(week2), "--series", "s", *base]
    )
    assert result.exit_code == 0, result.output
    status = CliRunner().invoke(
        main,
        [
            "track",
            "status",
            "--series",
            "s",
            "--db",
            str(db),
            "--today",
            "2026-09-30",
            "--format",
            "json",
        ],
    )
    found = {c["description"]: c for c in json.loads(status.stdout)["commitments"]}
    assert found["Get the agency contract signed"]["status"] == "done"
    data_map = found["Have the CRM data map ready"]
    assert data_map["status"] == "open" and data_map["due"] == "2026-09-25" and data_map["overdue"]
    assert "sk-test" not in result.output + status.stdout


def week1_answer() -> dict[str, Any]:
    return {
        "flags": [],
        "action_items": [
            {
                "evidence": [ev(0, "I'll get the agency contract signed by Friday.")],
                "description": "Get the agency contract signed",
                "owner": "Ana Silva",
                "requested_by": None,
                "due_text": "by Friday",
                "condition": None,
                "strength": "firm",
                "confidence": 0.9,
            },
            {
                "evidence": [ev(1, "I'll have the CRM data map ready by the 18th.")],
                "description": "Have the CRM data map ready",
                "owner": "Ben Cole",
                "requested_by": None,
                "due_text": "by the 18th",
                "condition": None,
                "strength": "firm",
                "confidence": 0.9,
            },
        ],
        "decisions": [],
        "objections": [],
        "discussed": [],
        "updates": [],
    }
