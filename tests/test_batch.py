"""The Batch API end to end: the real SDK against the fake's /v1/files and /v1/batches on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from coach import ProviderError, analyze
from coach.batch_state import state_path, without_credentials
from coach.batching import BatchItem, collect, submit
from coach.cli import main
from coach.errors import InputError
from coach.llm.batch import parse_results
from coach.llm.pricing import BATCH_PRICES, PRICES, cost_usd
from coach.llm.protocol import Usage
from tests.conftest import DATASET, SECRET
from tests.fake_batch import FakeBatchAPI, Script
from tests.fake_openai import FakeOpenAI, Reply, completion, error
from tests.test_llm_faults import one_error_line
from tests.test_llm_openai import GOOD, ROLES, TEXT, good_for_turns
from tests.test_llm_runs import long_text
from tests.test_replay_eval import oracle

ROLES_SPEC = "Ana Silva=CMO,Ben Cole=CIO"


@pytest.fixture
def batch_api(fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> FakeBatchAPI:
    """The Batch API on the fake server, answering every line like a fair model; quick polling."""
    monkeypatch.setenv("COACH_BATCH_POLL", "0.01")
    fake_openai.respond = lambda payload: Reply(body=good_for_turns(payload))
    return FakeBatchAPI(fake_openai)


def chat_requests(server: FakeOpenAI) -> list[dict[str, Any]]:
    """The synchronous chat requests the server received."""
    return [s.json for s in server.seen if s.path == "/v1/chat/completions"]


def write(folder: Path, name: str, text: str = TEXT) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def submit_cli(server: FakeOpenAI, *paths: Path, extra: tuple[str, ...] = ()) -> str:
    result = cli(
        "batch",
        "submit",
        *map(str, paths),
        "--base-url",
        server.base_url,
        "--roles",
        ROLES_SPEC,
        "--date",
        "2026-03-02",
        *extra,
    )
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def turn_texts(path: Path) -> list[str]:
    from coach import load_transcript

    return [t.text for t in load_transcript(path).turns]


# --- the happy path ---------------------------------------------------------------------------------


def test_submit_status_collect_writes_one_grounded_report_per_meeting(
    fake_openai: FakeOpenAI, batch_api: FakeBatchAPI, tmp_path: Path
) -> None:
    a = write(tmp_path, "weekly.txt")
    b = write(tmp_path, "steering.txt", TEXT.replace("webinar platform", "analytics suite"))
    batch_id = submit_cli(fake_openai, a, b)
    assert batch_id.startswith("batch_") and "\n" not in batch_id
    assert batch_api.purposes[batch_api.batches[batch_id]["input_file_id"]] == "batch"
    (created,) = batch_api.created
    assert created["endpoint"] == "/v1/chat/completions" and created["completion_window"] == "24h"
    assert [line["custom_id"] for line in batch_api.lines()] == ["meeting1-part1", "meeting2-part1"]

    status = cli("batch", "status", batch_id)
    assert status.exit_code == 0, status.output
    assert f"batch {batch_id}: validating" in status.stdout and "2 meeting(s)" in status.stdout
    as_json = cli("batch", "status", batch_id, "--format", "json")
    assert json.loads(as_json.stdout)["request_counts"]["total"] == 2

    out = tmp_path / "reports"
    result = cli("batch", "collect", batch_id, "-o", str(out), "--wait")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["steering.json", "weekly.json"]
    assert chat_requests(fake_openai) == []  # every answer came from the batch
    assert "2 request(s) answered by the batch, 0 sent synchronously" in result.stderr
    for name, source in (("weekly", a), ("steering", b)):
        report = json.loads((out / f"{name}.json").read_text())
        texts = turn_texts(source)
        quotes = [e for item in report["flags"] + report["action_items"] for e in item["evidence"]]
        assert quotes and all(e["quote"] in texts[e["turn"]] for e in quotes)
        assert report["engine"]["provider"] == "openai-batch"
        assert report["engine"]["calls"] == 1
        assert report["engine"]["cost_usd"] == cost_usd(
            "gpt-4.1-mini", Usage(input_tokens=1200, output_tokens=300), batch=True
        )
        assert report["meeting"]["date"] == "2026-03-02"
        roles = {p["name"]: p["role"] for p in report["meeting"]["participants"]}
        assert roles == ROLES
    # The scripted model quotes the webinar platform in both: grounding drops it where it was not said.
    steering = json.loads((out / "steering.json").read_text())
    assert [e["quote"] for e in steering["flags"][0]["evidence"]] == ["Security hasn't seen it."]
    assert steering["engine"]["quotes_dropped"] == 1


def test_batch_lines_are_exactly_the_synchronous_requests(
    fake_openai: FakeOpenAI,
    batch_api: FakeBatchAPI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COACH_CHUNK_TOKENS", "500")  # several parts, so part numbering is covered
    text = long_text(40) + TEXT + "Ben Cole: Mail me at ben.cole@example.com or 415-555-0199.\n"
    path = write(tmp_path, "long.txt", text)
    kw: dict[str, Any] = {"roles": ROLES, "date": "2026-03-02", "redact": True}
    analyze(path, provider="openai", base_url=fake_openai.base_url, cache=False, **kw)
    synchronous = chat_requests(fake_openai)
    assert len(synchronous) > 2

    submitted = submit([BatchItem(path, **kw_item(kw))], base_url=fake_openai.base_url, redact=True)
    lines = batch_api.lines(submitted.state.batch_id)
    assert [line["custom_id"] for line in lines] == [
        f"meeting1-part{j}" for j in range(1, len(synchronous) + 1)
    ]
    assert all(line["method"] == "POST" and line["url"] == "/v1/chat/completions" for line in lines)

    def canonical(bodies: list[dict[str, Any]]) -> list[str]:
        return sorted(json.dumps(b, sort_keys=True) for b in bodies)

    assert canonical([line["body"] for line in lines]) == canonical(synchronous)
    uploaded = batch_api.files[submitted.state.input_file_id].decode()
    assert "Ben Cole" not in uploaded and "ben.cole@example.com" not in uploaded  # redacted
    assert "[person 1]" in uploaded

    # Collected, the names are back and every quote verifies against the original transcript.
    fake_openai.respond = lambda payload: Reply(body=quote_the_mail_turn(payload))
    (done,) = collect(submitted.state.batch_id, wait_for_it=True).meetings
    assert done.report is not None and done.asked == 0
    (item,) = done.report.action_items
    assert item.owner == "Ben Cole"
    assert item.evidence[0].quote == "Mail me at ben.cole@example.com or 415-555-0199."
    assert done.report.engine.quotes_dropped == 0


def quote_the_mail_turn(payload: dict[str, Any]) -> dict[str, Any]:
    """An answer that quotes the (redacted) turn with the e-mail address, when the part has it."""
    found = re.findall(r"^\[(\d+)\] ([^:]+): (Mail me.*)$", payload["messages"][1]["content"], re.M)
    items = [
        {
            "description": "Send the details",
            "owner": speaker,
            "requested_by": None,
            "due": None,
            "due_text": None,
            "condition": None,
            "strength": "tentative",
            "evidence": [{"turn": int(turn), "quote": quote}],
            "confidence": 0.9,
        }
        for turn, speaker, quote in found
    ]
    answer = {"flags": [], "action_items": items, "decisions": [], "objections": []}
    return completion({**answer, "discussed": []})


def kw_item(kw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if k in ("roles", "date", "title")}


# --- answers the batch did not give -------------------------------------------------------------------


def test_invalid_error_and_missing_lines_are_asked_again_synchronously_and_counted(
    fake_openai: FakeOpenAI,
    batch_api: FakeBatchAPI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COACH_CHUNK_TOKENS", "500")
    path = write(tmp_path, "long.txt", long_text(40) + TEXT)

    def answer(payload: dict[str, Any]) -> Reply:
        first_ask = len(payload["messages"]) == 2
        if first_ask and "[0] " in payload["messages"][1]["content"]:
            return Reply(body=completion("Here are the findings: none."))  # not JSON: invalid
        return Reply(body=good_for_turns(payload))

    fake_openai.respond = answer
    batch_api.script = Script(line_errors={1: (500, "The server had an error")}, dropped={2})
    submitted = submit(
        [BatchItem(path, roles=ROLES, date="2026-03-02")], base_url=fake_openai.base_url
    )
    parts = submitted.state.requests
    assert parts >= 3
    collection = collect(submitted.state.batch_id, wait_for_it=True)
    (done,) = collection.meetings
    assert done.report is not None
    asked = chat_requests(fake_openai)
    # The re-ask of part 1 carries the bad answer and the errors; parts 2 and 3 are asked as they were.
    assert len(asked) == 3
    assert sum(len(r["messages"]) == 4 for r in asked) == 1
    assert done.asked == 3 and done.answered == parts - 2
    assert collection.error_lines == 1 and collection.missing_lines == 1
    warnings = " | ".join(done.report.warnings)
    assert (
        f"part 2 of {parts} was not answered by the batch (HTTP 500: The server had an error)"
        in warnings
    )
    assert f"part 3 of {parts} was not answered by the batch (missing from the output)" in warnings
    assert "1 answer(s) did not match the schema and were re-asked synchronously" in warnings
    assert done.report.engine.calls == parts + 1
    # Synchronous calls at the usual price, batch answers at half.
    sync = cost_usd("gpt-4.1-mini", Usage(input_tokens=3 * 1200, output_tokens=3 * 300))
    half = cost_usd(
        "gpt-4.1-mini",
        Usage(input_tokens=(parts - 2) * 1200, output_tokens=(parts - 2) * 300),
        batch=True,
    )
    assert done.report.engine.cost_usd == pytest.approx(sync + half)
    assert "sent synchronously" in collection.describe()


def test_an_expired_batch_gives_reports_for_what_came_back_plus_reasks(
    fake_openai: FakeOpenAI, batch_api: FakeBatchAPI, tmp_path: Path
) -> None:
    a = write(tmp_path, "a.txt")
    b = write(tmp_path, "b.txt")
    batch_api.script = Script(outcome="expired", expire_after=1)
    batch_id = submit_cli(fake_openai, a, b)
    out = tmp_path / "out"
    result = cli("batch", "collect", batch_id, "-o", str(out), "--wait", "--format", "TEXT")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt"]
    assert len(chat_requests(fake_openai)) == 1  # only b's part was asked again
    assert "expired before every request ran" in result.stderr
    assert "1 request(s) answered by the batch, 1 sent synchronously" in result.stderr
    again = tmp_path / "again"
    assert cli("batch", "collect", batch_id, "-o", str(again)).exit_code == 0
    a_report = json.loads((again / "a.json").read_text())
    b_report = json.loads((again / "b.json").read_text())
    assert not any("asked synchronously" in w for w in a_report["warnings"])
    assert any("batch_expired" in w and "asked synchronously" in w for w in b_report["warnings"])
    assert b_report["flags"][0]["title"] == "Platform signed before IT saw it"


def test_a_failed_batch_exits_3_with_one_line(
    fake_openai: FakeOpenAI, batch_api: FakeBatchAPI, tmp_path: Path
) -> None:
    batch_api.script = Script(outcome="failed", fail_message="Line 1 is not valid JSON.")
    batch_id = submit_cli(fake_openai, write(tmp_path, "m.txt"))
    out = tmp_path / "out"
    result = cli("batch", "collect", batch_id, "-o", str(out), "--wait")
    assert result.exit_code == 3, result.output
    line = one_error_line(result)
    assert f"batch {batch_id} failed" in line and "Line 1 is not valid JSON." in line
    assert list(out.iterdir()) == []
    assert chat_requests(fake_openai) == []


def test_a_meeting_the_model_refuses_fails_alone(
    fake_openai: FakeOpenAI, batch_api: FakeBatchAPI, tmp_path: Path
) -> None:
    def answer(payload: dict[str, Any]) -> Reply:
        if "analytics" in payload["messages"][1]["content"]:
            return Reply(body=completion(None, refusal="I can't help with that."))
        return Reply(body=good_for_turns(payload))

    fake_openai.respond = answer
    good = write(tmp_path, "good.txt")
    refused = write(tmp_path, "refused.txt", TEXT.replace("webinar platform", "analytics suite"))
    batch_id = submit_cli(fake_openai, good, refused)
    out = tmp_path / "out"
    result = cli("batch", "collect", batch_id, "-o", str(out), "--wait")
    assert result.exit_code == 3, result.output
    line = one_error_line(result)
    assert "1 of 2 meeting(s) failed (1 report(s) written" in line and "refused.txt" in line
    assert [p.name for p in out.iterdir()] == ["good.json"]


# --- refusals before any work ---------------------------------------------------------------------


def test_a_transcript_changed_since_submit_is_refused_with_exit_2(
    fake_openai: FakeOpenAI, batch_api: FakeBatchAPI, tmp_path: Path
) -> None:
    path = write(tmp_path, "m.txt")
    batch_id = submit_cli(fake_openai, path)
    path.write_text(TEXT + "Ben Cole: One more thing.\n", encoding="utf-8")
    calls = len(batch_api.calls)
    result = cli("batch", "collect", batch_id, "-o", str(tmp_path / "out"), "--wait")
    assert result.exit_code == 2, result.output
    line = one_error_line(result)
    assert "m.txt changed since batch" in line and "submit it again" in line
    assert len(batch_api.calls) == calls  # refused before asking the server anything


def test_collecting_a_running_batch_without_wait_exits_2(
    fake_openai: FakeOpenAI, batch_api: FakeBatchAPI, tmp_path: Path
) -> None:
    batch_api.script = Script(steps=["in_progress"] * 5)
    batch_id = submit_cli(fake_openai, write(tmp_path, "m.txt"))
    result = cli("batch", "collect", batch_id, "-o", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert "in_progress" in one_error_line(result) and "--wait" in result.stderr


def test_unknown_and_malformed_batch_ids_exit_2(
    fake_openai: FakeOpenAI, batch_api: FakeBatchAPI, tmp_path: Path
) -> None:
    unknown = cli("batch", "collect", "batch_nope", "-o", str(tmp_path / "out"))
    assert unknown.exit_code == 2 and "no batch batch_nope was submitted" in one_error_line(unknown)
    bad = cli("batch", "collect", "../../etc/passwd", "-o", str(tmp_path / "out"))
    assert bad.exit_code == 2 and "is not a batch id" in one_error_line(bad)


def test_submit_refuses_standard_input_and_a_server_without_batches(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    stdin = cli("batch", "submit", "-", "--base-url", fake_openai.base_url)
    assert stdin.exit_code == 2 and "pass files, not -" in one_error_line(stdin)
    fake_openai.default = error(404, "Not Found")  # no FakeBatchAPI: nothing serves /v1/files
    missing = cli(
        "batch", "submit", str(write(tmp_path, "m.txt")), "--base-url", fake_openai.base_url
    )
    assert missing.exit_code == 3, missing.output
    assert "has no Batch API" in one_error_line(missing)


# --- the state file -------------------------------------------------------------------------------


def test_the_state_file_is_private_and_holds_no_key_and_no_transcript_text(
    fake_openai: FakeOpenAI, batch_api: FakeBatchAPI, tmp_path: Path
) -> None:
    path = write(tmp_path, "m.txt")
    batch_id = submit_cli(fake_openai, path, extra=("--title", "Weekly sync"))
    state_file = state_path(batch_id)
    assert state_file.is_relative_to(tmp_path / "cache")
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(state_file.parent.stat().st_mode) == 0o700
    raw = state_file.read_text()
    assert SECRET not in raw and "sk-" not in raw
    for text in turn_texts(path):
        assert text not in raw
    state = json.loads(raw)
    assert state["batch_id"] == batch_id and state["input_file_id"].startswith("file-")
    assert state["model"] == "gpt-4.1-mini" and state["base_url"] == fake_openai.base_url
    (meeting,) = state["meetings"]
    assert meeting["source"] == str(path.resolve()) and len(meeting["sha256"]) == 64
    assert meeting["roles"] == ROLES and meeting["date"] == "2026-03-02"
    assert meeting["title"] == "Weekly sync" and meeting["custom_ids"] == ["meeting1-part1"]
    assert not list(state_file.parent.glob("*.tmp"))


def test_a_base_url_keeps_no_credentials() -> None:
    assert without_credentials("https://user:pw@proxy.example:8443/v1?x=1") == (
        "https://proxy.example:8443/v1?x=1"
    )
    assert without_credentials("http://localhost:11434/v1") == "http://localhost:11434/v1"
    assert without_credentials(None) is None


# --- eval --batch ---------------------------------------------------------------------------------


def test_eval_batch_scores_exactly_as_the_synchronous_eval(
    fake_openai: FakeOpenAI, batch_api: FakeBatchAPI, tmp_path: Path
) -> None:
    dataset = tmp_path / "tiny"
    dataset.mkdir()
    for gold in sorted(DATASET.glob("*.gold.json"))[:3]:
        shutil.copy(gold, dataset)
        shutil.copy(DATASET / json.loads(gold.read_text())["transcript"], dataset)
    fake_openai.respond = None
    fake_openai.default = Reply(body=oracle)
    common = ["eval", "--provider", "openai", "--base-url", fake_openai.base_url, "--no-cache"]
    common += ["--dataset", str(dataset)]
    live = cli(*common, "--report", str(tmp_path / "live.json"))
    assert live.exit_code == 0, live.output
    synchronous = len(chat_requests(fake_openai))
    batched = cli(*common, "--batch", "--report", str(tmp_path / "batch.json"))
    assert batched.exit_code == 0, batched.output
    assert len(chat_requests(fake_openai)) == synchronous  # the batch asked nothing synchronously
    assert len(batch_api.lines()) == synchronous
    live_result = json.loads((tmp_path / "live.json").read_text())
    batch_result = json.loads((tmp_path / "batch.json").read_text())
    assert batch_result["metrics"] == live_result["metrics"]
    assert batch_result["metrics"]["action_items.recall"] >= 0.99
    assert all(m["error"] is None for m in batch_result["meetings"])
    assert "answered by the batch" in batched.stderr


def test_eval_batch_needs_the_openai_provider(tmp_path: Path) -> None:
    result = cli("eval", "--batch", "--dataset", str(DATASET))
    assert result.exit_code == 2 and "--batch needs --provider openai" in one_error_line(result)


# --- pieces ---------------------------------------------------------------------------------------


def test_batch_prices_are_half_the_synchronous_ones() -> None:
    assert set(BATCH_PRICES) == set(PRICES)
    for model, prices in PRICES.items():
        assert BATCH_PRICES[model] == pytest.approx(tuple(p / 2 for p in prices))
    usage = Usage(input_tokens=10_000, output_tokens=2_000, cached_tokens=4_000)
    dated = "gpt-4.1-mini-2025-04-14"
    assert cost_usd(dated, usage, batch=True) == pytest.approx(cost_usd(dated, usage) / 2)
    assert cost_usd("llama3.1", usage, batch=True) == 0.0


def test_result_lines_are_read_by_custom_id_whatever_went_wrong() -> None:
    good = {"custom_id": "a", "response": {"status_code": 200, "body": completion(GOOD)}}
    http = {
        "custom_id": "b",
        "response": {"status_code": 429, "body": {"error": {"message": "Too many tokens"}}},
    }
    expired = {
        "custom_id": "c",
        "response": None,
        "error": {"code": "batch_expired", "message": "late"},
    }
    strange = {"custom_id": "d", "response": {"status_code": 200, "body": {"html": "<p>"}}}
    text = "\n".join(json.dumps(x) for x in (good, http, expired, strange)) + "\nnot json\n\n"
    found, unreadable = parse_results(text)
    assert unreadable == 1
    assert found["a"].response is not None and found["a"].response.usage.input_tokens == 1200
    assert found["b"].error == "HTTP 429: Too many tokens"
    assert found["c"].error == "batch_expired: late"
    assert found["d"].error == "the answer is not a chat completion"


def test_the_python_api_refuses_nothing_to_submit_and_a_missing_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="no transcripts"):
        submit([])
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(InputError, match="OPENAI_API_KEY"):
        submit([write(tmp_path, "m.txt")])
    assert issubclass(ProviderError, Exception)


# --- Ctrl-C ---------------------------------------------------------------------------------------


def test_ctrl_c_while_waiting_exits_130_and_says_how_to_collect_later(
    fake_openai: FakeOpenAI, batch_api: FakeBatchAPI, tmp_path: Path
) -> None:
    batch_api.script = Script(steps=["in_progress"] * 100_000)
    submitted = submit([write(tmp_path, "m.txt")], base_url=fake_openai.base_url)
    batch_id = submitted.state.batch_id
    env = {**os.environ, "COACH_BATCH_POLL": "0.05"}
    cmd = [sys.executable, "-m", "coach", "batch", "collect", batch_id, "-o", str(tmp_path / "o")]
    proc = subprocess.Popen(
        [*cmd, "--wait"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        looks = 0
        while looks < 2 and time.monotonic() < deadline and proc.poll() is None:
            looks = sum(1 for m, p in batch_api.calls if m == "GET" and p.endswith(batch_id))
            time.sleep(0.02)
        assert looks >= 2, (
            proc.stderr.read() if proc.poll() is not None and proc.stderr else "never polled"
        )
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert f"collect it later with: coach batch collect {batch_id}" in stderr
    assert stderr.strip().endswith("coach: interrupted")
