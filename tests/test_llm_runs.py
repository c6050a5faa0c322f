"""Cost and speed of LLM runs: dry runs that plan like real runs, a budget, shared concurrency."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from coach import InputError, analyze
from coach.cli import main
from coach.engines import EngineOptions, get_engine
from coach.llm.limiter import Cancelled, Limiter
from coach.llm.profile import ServerProfile
from coach.meeting import build_meeting
from coach.models import CATEGORIES, Transcript, Turn
from coach.parallel import ordered
from tests.fake_openai import FakeOpenAI, Reply, completion, error
from tests.test_llm_openai import EMPTY, GOOD, TEXT

SENTENCE = (
    "we should look again at the migration plan, the campaign calendar and the data review before "
    "the launch, and I will send the notes to everyone by Friday"
)


def long_text(turns: int = 400) -> str:
    """A meeting several 4,000-token parts long."""
    people = ["Ana Silva", "Ben Cole", "Mei Tan"]
    return "".join(f"{people[i % 3]}: Point {i}: {SENTENCE}.\n" for i in range(turns))


def dry_run_json(server: FakeOpenAI, path: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        main,
        [
            "analyze",
            str(path),
            "--provider",
            "openai",
            "--base-url",
            server.base_url,
            "--dry-run",
            "--format",
            "json",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- dry runs and the budget ------------------------------------------------------------------------


def test_dry_run_json_plans_exactly_the_requests_a_real_run_makes(
    fake_openai: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_CHUNK_TOKENS", "4000")
    path = tmp_path / "long.txt"
    path.write_text(long_text())
    planned = dry_run_json(fake_openai, path)
    assert set(planned) == {
        "requests",
        "input_tokens",
        "output_tokens_max",
        "cost_usd_max",
        "model",
    }
    assert planned["model"] == "gpt-4.1-mini" and planned["cost_usd_max"] > 0
    assert fake_openai.seen == []
    fake_openai.default = Reply(body=completion(EMPTY))
    ran = CliRunner().invoke(
        main,
        [
            "analyze",
            str(path),
            "--provider",
            "openai",
            "--base-url",
            fake_openai.base_url,
            "--no-cache",
            "--format",
            "json",
        ],
    )
    assert ran.exit_code == 0, ran.output
    assert planned["requests"] == len(fake_openai.seen) > 3
    # The words say the same.
    text = CliRunner().invoke(
        main,
        [
            "analyze",
            str(path),
            "--provider",
            "openai",
            "--base-url",
            fake_openai.base_url,
            "--dry-run",
        ],
    )
    assert f"dry run: {planned['requests']} request(s) to gpt-4.1-mini" in text.stdout
    assert f"{planned['input_tokens']:,} input tokens" in text.stdout


def test_dry_run_json_of_the_offline_engine_is_all_zero(tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_text(TEXT)
    result = CliRunner().invoke(main, ["analyze", str(path), "--dry-run", "--format", "json"])
    assert json.loads(result.stdout) == {
        "requests": 0,
        "input_tokens": 0,
        "output_tokens_max": 0,
        "cost_usd_max": 0.0,
        "model": None,
    }


def test_max_cost_refuses_before_any_request_with_the_estimate(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    path = tmp_path / "long.txt"
    path.write_text(long_text())
    planned = dry_run_json(fake_openai, path)
    fake_openai.default = Reply(body=completion(EMPTY))
    result = CliRunner().invoke(
        main,
        [
            "analyze",
            str(path),
            "--provider",
            "openai",
            "--base-url",
            fake_openai.base_url,
            "--no-cache",
            "--max-cost",
            "0.001",
        ],
    )
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert f"${planned['cost_usd_max']:.4f}" in line and "over --max-cost $0.001" in line
    assert f"{planned['requests']} request(s)" in line and "nothing was sent" in line
    assert fake_openai.seen == []
    with pytest.raises(InputError, match="over --max-cost"):
        analyze(long_text(), provider="openai", base_url=fake_openai.base_url, max_cost=0.001)
    assert fake_openai.seen == []
    # A budget the worst case fits in runs.
    ok = CliRunner().invoke(
        main,
        [
            "analyze",
            str(path),
            "--provider",
            "openai",
            "--base-url",
            fake_openai.base_url,
            "--no-cache",
            "--max-cost",
            str(planned["cost_usd_max"] + 0.01),
            "--format",
            "json",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert len(fake_openai.seen) == planned["requests"]


def test_max_cost_counts_every_transcript_of_the_run(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    paths = []
    for i in range(2):
        paths.append(tmp_path / f"m{i}.txt")
        paths[-1].write_text(long_text(200))
    one = dry_run_json(fake_openai, paths[0])["cost_usd_max"]
    args = ["analyze", *map(str, paths), "--provider", "openai", "--base-url", fake_openai.base_url]
    both = CliRunner().invoke(main, [*args, "--dry-run", "--format", "json"])
    assert json.loads(both.stdout)["cost_usd_max"] == pytest.approx(2 * one, abs=1e-5)
    result = CliRunner().invoke(main, [*args, "--max-cost", str(one * 1.5), "-o", str(tmp_path)])
    assert result.exit_code == 2 and fake_openai.seen == []


# --- concurrency ---------------------------------------------------------------------------------


def write_meetings(folder: Path, n: int) -> list[str]:
    """n small transcripts, each with its own speakers (so reports can be told apart)."""
    paths = []
    for i in range(n):
        path = folder / f"m{i}.txt"
        path.write_text(
            f"Ana{i}: We signed the webinar platform.\nBen{i}: Security has not seen it.\n"
        )
        paths.append(str(path))
    return paths


def test_many_meetings_run_side_by_side_within_the_concurrency(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.default = Reply(body=completion(EMPTY), delay=0.5)
    out = tmp_path / "out"
    out.mkdir()
    paths = write_meetings(tmp_path, 8)
    result = CliRunner().invoke(
        main,
        [
            "analyze",
            *paths,
            "--provider",
            "openai",
            "--base-url",
            fake_openai.base_url,
            "--no-cache",
            "--concurrency",
            "4",
            "--format",
            "json",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(fake_openai.seen) == 8 and len(list(out.glob("*.json"))) == 8
    assert fake_openai.max_active == 4  # four at a time: about 1 s, not 8 x 0.5 s


def test_reports_come_out_in_input_order_whatever_answers_first(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    def slow_for_the_first(payload: dict[str, Any]) -> float:
        return 0.4 if "Ana0" in payload["messages"][1]["content"] else 0.0

    fake_openai.default = Reply(body=completion(EMPTY), delay=slow_for_the_first)
    paths = write_meetings(tmp_path, 3)
    result = CliRunner().invoke(
        main,
        [
            "analyze",
            *paths,
            "--provider",
            "openai",
            "--base-url",
            fake_openai.base_url,
            "--no-cache",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    # Several files on stdout are one JSON array, in input order.
    names = [r["meeting"]["participants"][0]["name"] for r in json.loads(result.stdout)]
    assert names == ["Ana0", "Ana1", "Ana2"]


def test_eval_runs_meetings_side_by_side_and_keeps_dataset_order(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    dataset = tmp_path / "tiny"
    dataset.mkdir()
    for i, path in enumerate(write_meetings(dataset, 6)):
        gold = {
            "transcript": Path(path).name,
            "date": "2026-03-02",
            "roles": {f"Ana{i}": "CMO"},
            "action_items": [],
            "decisions": [],
            "flags": {"required": [], "optional": [], "forbidden": list(CATEGORIES)},
        }
        (dataset / f"m{i}.gold.json").write_text(json.dumps(gold))
    fake_openai.default = Reply(body=completion(EMPTY), delay=0.3)
    report = tmp_path / "eval.json"
    result = CliRunner().invoke(
        main,
        [
            "eval",
            "--provider",
            "openai",
            "--base-url",
            fake_openai.base_url,
            "--no-cache",
            "--dataset",
            str(dataset),
            "--concurrency",
            "3",
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    assert fake_openai.max_active == 3
    rows = json.loads(report.read_text())["meetings"]
    assert [r["name"] for r in rows] == [f"m{i}" for i in range(6)]
    assert all(r["error"] is None for r in rows)


def test_a_429_to_one_worker_pauses_the_others(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(error(429, "slow down", **{"retry-after": "1"}))
    fake_openai.default = Reply(body=completion(EMPTY), delay=0.3)
    limiter = Limiter(2)
    texts = [f"Ana{i}: We signed it.\nBen{i}: Security has not seen it.\n" for i in range(3)]

    def one(text: str) -> Any:
        return analyze(
            text, provider="openai", base_url=fake_openai.base_url, cache=False, limiter=limiter
        )

    reports = list(ordered(one, texts, 3))
    assert len(reports) == 3 and limiter.pauses == 1 and limiter.max_in_flight <= 2
    arrivals = sorted(s.at for s in fake_openai.seen)
    assert len(arrivals) == 4  # three meetings and the retry
    # The 429 went to the first request. The second was already on its way; every later request,
    # whichever worker sent it, waited out the Retry-After (1 s; generous margin).
    assert all(at >= arrivals[0] + 0.7 for at in arrivals[2:]), arrivals


# --- the engine and the client under threads -----------------------------------------------------


def test_one_engine_run_twice_reports_the_same_calls_and_tokens(fake_openai: FakeOpenAI) -> None:
    fake_openai.default = Reply(body=completion(GOOD))
    engine = get_engine("openai", EngineOptions(base_url=fake_openai.base_url, cache=False))
    transcript = Transcript(
        turns=[
            Turn(speaker=line.split(": ")[0], text=line.split(": ", 1)[1])
            for line in TEXT.splitlines()
        ]
    )
    meeting, _ = build_meeting(transcript)
    first = engine.run(transcript, meeting)[1]
    second = engine.run(transcript, meeting)[1]
    assert (first.calls, first.input_tokens, first.output_tokens) == (1, 1200, 300)
    assert (second.calls, second.input_tokens, second.output_tokens) == (1, 1200, 300)


def test_adapting_to_a_server_is_per_request_while_parts_run_at_once(
    fake_openai: FakeOpenAI,
) -> None:
    def server_without_json_schema(payload: dict[str, Any]) -> Reply:
        if payload["response_format"]["type"] == "json_schema":
            return error(400, "response_format json_schema is not supported by this server")
        if "temperature" in payload:
            return error(400, "Unsupported parameter: 'temperature'")
        return Reply(body=completion(EMPTY), delay=0.1)

    fake_openai.respond = server_without_json_schema
    options = EngineOptions(base_url=fake_openai.base_url, cache=False, chunk_tokens=4000)
    engine = get_engine("openai", options)
    transcript = Transcript(
        turns=[
            Turn(speaker=["Ana", "Ben"][i % 2], text=f"Point {i}: {SENTENCE}.") for i in range(400)
        ]
    )
    meeting, _ = build_meeting(transcript)
    findings, info = engine.run(transcript, meeting)
    answered = [s for s in fake_openai.seen if s.json["response_format"]["type"] == "json_object"]
    assert info.calls == len([s for s in answered if "temperature" not in s.json]) > 3
    assert any("JSON mode" in w for w in findings.warnings)
    client = engine.client  # type: ignore[attr-defined]
    assert client.profile == ServerProfile(
        mode="json_object", limit_name="max_tokens", temperature=False
    )


def test_a_server_profile_is_never_changed_in_place() -> None:
    start = ServerProfile.for_server("http://127.0.0.1:1/v1")
    json_mode = start.adapted("response_format json_schema is not supported")
    assert start.mode == "json_schema" and json_mode is not None and json_mode.mode == "json_object"
    no_temperature = start.adapted("temperature is not supported")
    assert no_temperature is not None and start.temperature
    merged = json_mode.merged(no_temperature)
    assert (merged.mode, merged.temperature) == ("json_object", False)
    assert start.adapted("some other complaint") is None
    with pytest.raises(AttributeError):
        start.mode = "json_object"  # type: ignore[misc]


# --- the building blocks ---------------------------------------------------------------------------


def test_ordered_keeps_input_order_and_raises_a_failure_at_its_place() -> None:
    release = threading.Event()

    def work(i: int) -> int:
        if i == 0:
            release.wait(5)  # the first finishes last
        if i == 3:
            raise ValueError("item 3")
        if i == 2:
            release.set()
        return i * 10

    results = ordered(work, range(6), 3)
    assert [next(results), next(results), next(results)] == [0, 10, 20]
    with pytest.raises(ValueError, match="item 3"):
        next(results)


def test_a_cancelled_limiter_wakes_its_waiters() -> None:
    limiter = Limiter(1)
    limiter.pause(60)
    outcome: list[str] = []

    def waiter() -> None:
        try:
            with limiter.slot():
                outcome.append("ran")
        except Cancelled:
            outcome.append("cancelled")

    thread = threading.Thread(target=waiter)
    thread.start()
    limiter.cancel()
    thread.join(10)
    assert outcome == ["cancelled"]
    with pytest.raises(Cancelled):
        limiter.sleep(60)


def test_a_run_of_very_many_requests_is_announced_on_stderr(
    fake_openai: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import coach.engines.llm

    monkeypatch.setenv("COACH_CHUNK_TOKENS", "4000")
    monkeypatch.setattr(coach.engines.llm, "MANY_REQUESTS", 2)
    path = tmp_path / "long.txt"
    path.write_text(long_text())
    fake_openai.default = Reply(body=completion(EMPTY))
    result = CliRunner().invoke(
        main,
        [
            "analyze",
            str(path),
            "--provider",
            "openai",
            "--base-url",
            fake_openai.base_url,
            "--no-cache",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    # The report's own warnings (the parts merged) go to stderr too; the announcement is once.
    lines = result.stderr.strip().splitlines()
    announced = (
        f"coach: warning: this meeting is split into {len(fake_openai.seen)} parts, one request "
        "each; --dry-run shows the worst-case cost and --max-cost refuses a run over budget"
    )
    assert lines.count(announced) == 1
