"""The command line through click's runner and through a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli import main
from tests.conftest import EXAMPLE

ROLES = "Dana Whitfield=CMO,Raj Patel=CIO,Marcus Lee=CTO"


def run(*args: str, input: str | bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_analyze_example_json_is_a_valid_report() -> None:
    result = CliRunner().invoke(
        main, ["analyze", str(EXAMPLE), "--format", "json", "--roles", ROLES]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["schema_version"] == "2"
    assert report["meeting"]["date"] == "2026-11-16"
    assert {p["role"] for p in report["meeting"]["participants"]} == {"CMO", "CIO", "CTO"}
    assert report["action_items"] and report["flags"]


def test_every_format_renders(tmp_path: Path) -> None:
    for fmt in ("text", "md", "json", "jsonl", "html", "csv"):
        out = tmp_path / f"r.{fmt}"
        result = CliRunner().invoke(
            main, ["analyze", str(EXAMPLE), "--format", fmt, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 200, fmt


def test_parse_reads_standard_input_as_json() -> None:
    result = CliRunner().invoke(
        main, ["parse", "-", "--format", "json"], input="Dana: Hi.\nRaj: Hello there.\n"
    )
    assert result.exit_code == 0
    turns = json.loads(result.stdout)["turns"]
    assert [(t["speaker"], t["text"]) for t in turns] == [("Dana", "Hi."), ("Raj", "Hello there.")]


def test_schema_is_the_report_json_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    schema = json.loads(result.stdout)
    assert schema["title"] == "Report"
    assert {"flags", "action_items", "decisions", "governance", "coverage"} <= set(
        schema["properties"]
    )


def test_frameworks_lists_all_nine_categories() -> None:
    result = CliRunner().invoke(main, ["frameworks", "--format", "json"])
    ids = [c["id"] for c in json.loads(result.stdout)["categories"]]
    assert len(ids) == 9 and "late_involvement" in ids


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (["analyze", "missing.vtt"], None, "no such file"),
        (["analyze", "."], None, "is a directory"),
        (["analyze", "-"], "   \n\t ", "empty"),
        (["analyze", str(EXAMPLE), "--roles", "Dana=boss"], None, "unknown role"),
        (["analyze", str(EXAMPLE), "--roles", "Dana"], None, "Name=ROLE"),
        (["analyze", str(EXAMPLE), "--date", "17/11/2026"], None, "YYYY-MM-DD"),
        (["analyze", str(EXAMPLE), "-o", "/nonexistent-dir/out.json"], None, "does not exist"),
        (["parse", "-"], "just some words with no speakers at all", "no speaker turns"),
        (["parse", "-"], '[{"speaker": "A"', "JSON"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], stdin: str | None, needle: str) -> None:
    result = run(*args, input=stdin)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert needle.lower() in lines[0].lower()
    assert "Traceback" not in result.stderr


def test_binary_file_is_refused(tmp_path: Path) -> None:
    blob = tmp_path / "photo.vtt"
    blob.write_bytes(bytes(range(256)) * 64)
    result = run("analyze", str(blob))
    assert result.returncode == 2 and "binary" in result.stderr


def test_unwritable_output_leaves_no_partial_file(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run("analyze", str(EXAMPLE), "-o", str(locked / "out.json"))
        if os.geteuid() == 0:
            # root ignores directory permissions; the write succeeds and must be whole JSON text.
            assert result.returncode == 0
        else:
            assert result.returncode == 2 and "not writable" in result.stderr
        assert not [p for p in locked.iterdir() if p.name.endswith(".tmp")]
    finally:
        locked.chmod(0o700)


def test_terminal_output_neutralises_escape_sequences() -> None:
    evil = "Dana: I'll send the \x1b]0;pwned\x07deck by Friday \x1b[31mnow\x1b[0m.\nRaj: Thanks.\n"
    result = run("parse", "-", input=evil)
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


def test_several_inputs_write_one_report_each(tmp_path: Path) -> None:
    other = tmp_path / "second.txt"
    other.write_text("Dana: I'll send the deck by Friday.\nRaj: Thanks.\n", encoding="utf-8")
    result = run("analyze", str(EXAMPLE), str(other), "--format", "json", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert {p.name for p in tmp_path.glob("*.json")} == {"leadership-sync.json", "second.json"}


def test_console_script_and_module_agree() -> None:
    import shutil

    module = run("--version")
    assert module.returncode == 0 and module.stdout.startswith("coach, version ")
    script = shutil.which("coach", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the package is not installed in this interpreter (no console script)")
    installed = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert installed.stdout == module.stdout


def test_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    script = f"'{sys.executable}' -m coach frameworks 2>'{tmp_path}/err' | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "0"
    assert (tmp_path / "err").read_text() == ""


def test_replay_without_cassettes_is_a_usage_error(tmp_path: Path) -> None:
    for args in (["analyze", str(EXAMPLE)], ["eval"]):
        result = run(*args, "--provider", "replay", "--cassettes", str(tmp_path / "none"))
        assert result.returncode == 2 and "needs --cassettes" in result.stderr


def test_output_format_follows_the_file_extension(tmp_path: Path) -> None:
    out = tmp_path / "meeting.md"
    assert CliRunner().invoke(main, ["analyze", str(EXAMPLE), "-o", str(out)]).exit_code == 0
    assert out.read_text().startswith("# Weekly leadership sync")
    forced = tmp_path / "meeting.txt"
    assert (
        CliRunner()
        .invoke(main, ["analyze", str(EXAMPLE), "-o", str(forced), "--format", "json"])
        .exit_code
        == 0
    )
    assert json.loads(forced.read_text())["schema_version"] == "2"
