"""Faults on the LLM path end in the documented exit code and one stderr line, never exit 70."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from coach import InputError, analyze
from coach.cli import main
from tests.conftest import SECRET
from tests.fake_openai import FakeOpenAI, Reply, completion, error, html
from tests.test_llm_openai import GOOD, ROLES, TEXT

ROOT = Path(__file__).resolve().parent.parent


def cli(server: FakeOpenAI, tmp_path: Path, *extra: str) -> Result:
    """`coach analyze` on TEXT against the fake server."""
    transcript = tmp_path / "m.txt"
    transcript.write_text(TEXT)
    args = ["analyze", str(transcript), "--provider", "openai", "--base-url", server.base_url]
    return CliRunner().invoke(main, [*args, *extra])


def one_error_line(result: Result) -> str:
    """The single stderr line of a failed run (and no traceback anywhere)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    assert lines[0].startswith("coach: error: ")
    return lines[0]


# --- a 200 that is not a chat completion ----------------------------------------------------------


def test_html_page_with_200_is_asked_once_more_then_exit_3_saying_what_came_back(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.default = html()
    result = cli(fake_openai, tmp_path, "--no-cache")
    assert result.exit_code == 3, result.output
    line = one_error_line(result)
    assert "text/html" in line and "Proxy login" in line and "not a chat completion" in line
    assert "internal error" not in line and SECRET not in result.output
    assert len(fake_openai.seen) == 2


def test_html_page_once_then_a_real_answer_is_a_report(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(html(), completion(GOOD))
    report = analyze(
        TEXT, provider="openai", base_url=fake_openai.base_url, roles=ROLES, cache=False
    )
    assert report.flags and len(fake_openai.seen) == 2


def test_json_that_is_not_a_completion_is_treated_like_a_proxy_page(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    fake_openai.default = Reply(body={"status": "ok", "gateway": "up"})
    result = cli(fake_openai, tmp_path, "--no-cache")
    assert result.exit_code == 3
    assert '"status": "ok"' in one_error_line(result)


def test_a_base_url_that_is_no_url_is_a_usage_error(tmp_path: Path) -> None:
    transcript = tmp_path / "m.txt"
    transcript.write_text(TEXT)
    result = CliRunner().invoke(
        main,
        ["analyze", str(transcript), "--provider", "openai", "--base-url", "http://[::1"],
        env={"OPENAI_API_KEY": SECRET, "COACH_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert result.exit_code == 2
    assert "not a server URL" in one_error_line(result)


def test_the_429_message_names_the_option_to_lower(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    fake_openai.default = error(429, "slow down", **{"retry-after-ms": "5"})
    result = cli(fake_openai, tmp_path, "--no-cache", "--concurrency", "3")
    assert result.exit_code == 3
    assert "lower --concurrency (it was 3)" in one_error_line(result)


# --- cassettes, cache and record folders ----------------------------------------------------------


def test_a_damaged_cassette_is_exit_2_naming_the_file(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    tapes = tmp_path / "tapes"
    fake_openai.queue(completion(GOOD))
    assert cli(fake_openai, tmp_path, "--no-cache", "--record", str(tapes)).exit_code == 0
    (tape,) = tapes.glob("*.json")
    tape.write_text(tape.read_text()[:150])  # cut short, as a failed copy leaves it
    result = CliRunner().invoke(
        main,
        ["analyze", str(tmp_path / "m.txt"), "--provider", "replay", "--cassettes", str(tapes)],
    )
    assert result.exit_code == 2, result.output
    line = one_error_line(result)
    assert str(tape) in line and "damaged cassette" in line


def test_a_cassette_without_a_response_is_exit_2(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    tapes = tmp_path / "tapes"
    fake_openai.queue(completion(GOOD))
    assert cli(fake_openai, tmp_path, "--no-cache", "--record", str(tapes)).exit_code == 0
    (tape,) = tapes.glob("*.json")
    tape.write_text(json.dumps({"request": {}}))
    result = CliRunner().invoke(
        main,
        ["analyze", str(tmp_path / "m.txt"), "--provider", "replay", "--cassettes", str(tapes)],
    )
    assert result.exit_code == 2 and tape.name in one_error_line(result)


def test_an_unusable_cache_folder_warns_and_the_answer_is_used(
    fake_openai: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("COACH_CACHE_DIR", str(blocker))  # works as root too, unlike chmod
    fake_openai.queue(completion(GOOD))
    result = cli(fake_openai, tmp_path, "--format", "json", "--roles", "Ana Silva=CMO")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["flags"]
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("coach: warning: cannot write the LLM response cache")
    assert "not cached" in line and SECRET not in result.output


def test_an_unusable_record_folder_warns_once_and_the_answers_are_used(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    fake_openai.default = Reply(body=completion(GOOD))
    result = cli(
        fake_openai, tmp_path, "--no-cache", "--record", str(blocker / "tapes"), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["action_items"]
    (line,) = result.stderr.strip().splitlines()
    assert "cannot write the recording" in line and "not recorded" in line


def test_save_reports_into_an_unusable_folder_is_exit_2_before_any_meeting(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = CliRunner().invoke(
        main,
        [
            "eval",
            "--provider",
            "openai",
            "--base-url",
            fake_openai.base_url,
            "--no-cache",
            "--save-reports",
            str(blocker / "reports"),
        ],
    )
    assert result.exit_code == 2, result.output
    line = one_error_line(result)
    assert "--save-reports" in line and "reports" in line
    assert fake_openai.seen == []


def test_save_reports_that_is_a_file_is_refused_by_the_runner_too(tmp_path: Path) -> None:
    from coach.evals import runner

    blocker = tmp_path / "file.json"
    blocker.write_text("")
    with pytest.raises(InputError, match="is a file, not a folder"):
        runner.run_eval(
            ROOT / "evals" / "datasets" / "core",
            runner.engine_analyzer("offline"),
            provider="offline",
            save_reports=blocker,
        )


# --- Ctrl-C ----------------------------------------------------------------------------------------


def _interrupt(
    server: FakeOpenAI, tmp_path: Path, files: int, signals: int
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Start `coach analyze` on `files` transcripts against a server that never answers in time,
    press Ctrl-C `signals` times once a request is in flight, and return how the process ended."""
    server.default = Reply(body=completion(GOOD), delay=30.0)
    paths = []
    for i in range(files):
        path = tmp_path / f"m{i}.txt"
        path.write_text(TEXT)
        paths.append(str(path))
    out = tmp_path / ("out" if files > 1 else "out.json")
    if files > 1:
        out.mkdir()
    env = {**os.environ, "OPENAI_API_KEY": SECRET, "COACH_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("OPENAI_BASE_URL", None)
    cmd = [sys.executable, "-m", "coach", "analyze", *paths, "--provider", "openai"]
    cmd += ["--base-url", server.base_url, "--format", "json", "-o", str(out)]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not server.seen and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert server.seen, "no request reached the server"
        for _ in range(signals):
            proc.send_signal(signal.SIGINT)
            time.sleep(0.05)
        stdout, stderr = proc.communicate(timeout=10)  # generous: the reply would take 30 s
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr), out


def test_ctrl_c_cancels_at_once_with_130_and_writes_nothing(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    ended, out = _interrupt(fake_openai, tmp_path, files=1, signals=1)
    assert ended.returncode == 130, ended.stderr
    assert "Traceback" not in ended.stderr
    assert ended.stderr.strip() == "coach: interrupted"
    assert not out.exists()
    assert not list(tmp_path.rglob("*.tmp"))
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").rglob("*.json"))


def test_a_second_ctrl_c_during_many_meetings_prints_no_traceback(
    fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    ended, out = _interrupt(fake_openai, tmp_path, files=3, signals=2)
    assert ended.returncode == 130, ended.stderr
    assert "Traceback" not in ended.stderr
    assert list(out.iterdir()) == []
