"""The eval suite through the LLM path: record against a local server, then replay with no server.

The server answers like an oracle that has read the gold files, so the scores measure the plumbing
(prompts, parsing, grounding, merging, replay, scoring), not a model; that includes the coaching
depth: strength, requester, decider, decision gaps and objections.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.evals.gold import load_dataset
from tests.conftest import DATASET
from tests.fake_openai import FakeOpenAI, Reply, completion

GOLDS = [m.gold for m in load_dataset(DATASET)]


def oracle(payload: dict[str, Any]) -> dict[str, Any]:
    """Answer with the gold items whose anchors sit in the turns this request carries."""
    lines = dict(
        (int(n), text)
        for n, text in re.findall(
            r"^\[(\d+)\] [^:]+: (.*)$", payload["messages"][1]["content"], re.MULTILINE
        )
    )

    def cite(anchor: str) -> dict[str, Any] | None:
        turn = next((n for n, text in lines.items() if anchor in text), None)
        return None if turn is None else {"turn": turn, "quote": anchor}

    answer: dict[str, Any] = {
        "flags": [],
        "action_items": [],
        "decisions": [],
        "objections": [],
        "discussed": [],
    }
    for gold in GOLDS:
        actions = [(a, cite(a.quote)) for a in gold.action_items if not a.optional]
        if not any(ev for _, ev in actions):
            continue
        for item, ev in actions:
            if ev:
                answer["action_items"].append(
                    {
                        "description": item.quote,
                        "owner": item.owner,
                        # The model copies time words; code resolves them (an ISO date as is).
                        "due_text": item.due.isoformat() if item.due else None,
                        "requested_by": item.requested_by,
                        "condition": item.condition,
                        "strength": item.strength or "tentative",
                        "evidence": [ev],
                        "confidence": 0.9,
                    }
                )
        for decision in gold.decisions:
            ev = cite(decision.quote)
            if ev and not decision.optional:
                gaps = decision.gaps or []
                answer["decisions"].append(
                    {
                        "description": decision.quote,
                        "evidence": [ev],
                        "decided_by": decision.decided_by,
                        # A decision with a point to revisit it names it in its own words.
                        "review_text": None if "no review date" in gaps else decision.quote,
                        "gaps": gaps,
                    }
                )
        for objection in gold.objections or []:
            ev = cite(objection.quote)
            if ev and not objection.optional:
                answer["objections"].append(
                    {
                        "evidence": ev,
                        "speaker": objection.speaker,
                        "response": cite(objection.response) if objection.response else None,
                        "answered": objection.answered,
                    }
                )
        for category in gold.flags.required:
            cited = [ev for q in gold.flags.evidence.get(category, []) if (ev := cite(q))]
            if not cited:
                continue
            answer["flags"].append(
                {
                    "category": category,
                    "rationale": "r",
                    "severity": "medium",
                    "title": category,
                    "summary": "s",
                    "parties": [],
                    "evidence": cited[:1],
                    "conversation": "c",
                    "confidence": 0.7,
                }
            )
    return completion(answer)


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_eval_records_through_the_llm_path_and_replays_identically(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.default = Reply(body=oracle)
    cassettes, live_json, replay_json = (
        tmp_path / "cassettes",
        tmp_path / "live.json",
        tmp_path / "replay.json",
    )
    cli = CliRunner()
    live = cli.invoke(
        main,
        [
            "eval",
            "--provider",
            "openai",
            "--base-url",
            fake_openai.base_url,
            "--no-cache",
            "--dataset",
            str(DATASET),
            "--record",
            str(cassettes),
            "--report",
            str(live_json),
            "--baseline",
            str(tmp_path / "none.json"),
            "--update-baseline",
        ],
    )
    assert live.exit_code == 0, live.output
    requests = len(fake_openai.seen)
    assert requests >= len(GOLDS)
    metrics = json.loads(live_json.read_text())["metrics"]
    assert metrics["meetings.completed"] == 1.0
    assert metrics["action_items.recall"] >= 0.99 and metrics["action_items.precision"] >= 0.99
    assert (
        metrics["action_items.owner_accuracy"] >= 0.99
        and metrics["action_items.due_accuracy"] >= 0.99
    )
    assert metrics["flags.recall"] == 1.0 and metrics["evidence.dropped"] == 0.0
    for depth in (
        "action_items.strength_accuracy",
        "decisions.decider_accuracy",
        "decisions.gaps_f1",
        "objections.recall",
        "objections.precision",
        "objections.answered_accuracy",
    ):
        assert metrics[depth] >= 0.99, depth

    fake_openai.stop()
    replay = cli.invoke(
        main,
        [
            "eval",
            "--provider",
            "replay",
            "--cassettes",
            str(cassettes),
            "--dataset",
            str(DATASET),
            "--report",
            str(replay_json),
            "--baseline",
            str(tmp_path / "none.json"),
        ],
    )
    assert replay.exit_code == 0, replay.output
    assert json.loads(replay_json.read_text())["metrics"] == metrics
