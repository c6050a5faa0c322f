"""`coach analyze` on several transcripts: names, one document on stdout, bad files, resuming."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.cli import main
from coach.io import output_names
from tests.conftest import EXAMPLE

VTT = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Dana>I will send the deck by Friday.\n\n"
    "00:00:05.000 --> 00:00:08.000\n<v Raj>Thanks, we decided to go with the pilot.\n"
)
PLAIN = "Dana: I'll send the deck by Friday.\nRaj: Thanks.\n"  # no date: a warning


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )


@pytest.fixture
def two(tmp_path: Path) -> list[str]:
    """Two meetings whose file names share the stem `sync`."""
    (tmp_path / "sync.txt").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "sync.vtt").write_text(VTT, encoding="utf-8")
    return [str(tmp_path / "sync.txt"), str(tmp_path / "sync.vtt")]


def test_output_names_keep_the_extension_only_when_stems_collide() -> None:
    assert output_names(["a/sync.txt", "b/sync.vtt", "other.txt"], "html") == [
        "sync.txt.html",
        "sync.vtt.html",
        "other.html",
    ]
    # The same name twice (two folders), a case-only difference, standard input.
    assert output_names(["a/m.txt", "b/m.txt", "M.vtt", "-"], "json") == [
        "m.txt.json",
        "m.txt-2.json",
        "M.vtt.json",
        "stdin.json",
    ]


def test_two_inputs_with_the_same_stem_keep_both_outputs(tmp_path: Path, two: list[str]) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyze", *two, "-o", f"{out}/", "--format", "html"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["sync.txt.html", "sync.vtt.html"]
    assert "Dana Whitfield" in (out / "sync.txt.html").read_text(encoding="utf-8")
    assert "Dana Whitfield" not in (out / "sync.vtt.html").read_text(encoding="utf-8")


def test_json_of_two_files_is_one_array(two: list[str]) -> None:
    result = CliRunner().invoke(main, ["analyze", *two, "--format", "json"])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert isinstance(reports, list) and len(reports) == 2
    assert [r["meeting"]["turns"] for r in reports][1] == 2  # input order


def test_jsonl_is_one_report_a_line(two: list[str]) -> None:
    result = CliRunner().invoke(main, ["analyze", *two, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(json.loads(line)["schema_version"] == "2" for line in lines)


def test_csv_of_two_files_has_one_header_and_the_source(two: list[str]) -> None:
    result = CliRunner().invoke(main, ["analyze", *two, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    header = rows[0]
    assert "source" in header
    assert [r for r in rows[1:] if r == header] == []  # the header once
    sources = {r[header.index("source")] for r in rows[1:]}
    assert sources == set(two)


def test_csv_of_two_files_into_one_file(tmp_path: Path, two: list[str]) -> None:
    out = tmp_path / "all.csv"
    result = CliRunner().invoke(main, ["analyze", *two, "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r[rows[0].index("source")] for r in rows[1:]} == set(two)


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_text_and_markdown_have_a_heading_a_file(two: list[str], fmt: str) -> None:
    result = CliRunner().invoke(main, ["analyze", *two, "--format", fmt])
    assert result.exit_code == 0, result.output
    first, second = (result.stdout.find(Path(source).name) for source in two)
    assert 0 <= first < second


def test_html_of_several_files_needs_a_folder(two: list[str]) -> None:
    result = run("analyze", *two, "--format", "html")
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "-o DIR" in line


def test_one_empty_file_is_named_and_the_rest_are_written(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    other = tmp_path / "second.txt"
    other.write_text(PLAIN, encoding="utf-8")
    out = tmp_path / "out"
    result = run(
        "analyze", str(EXAMPLE), str(empty), str(other), "--format", "json", "-o", str(out)
    )
    assert result.returncode == 2, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["leadership-sync.json", "second.json"]
    errors = [line for line in result.stderr.splitlines() if line.startswith("coach: error:")]
    assert len(errors) == 1 and str(empty) in errors[0] and "empty" in errors[0]
    assert "Traceback" not in result.stderr


def test_a_bad_file_on_standard_output_leaves_the_others_in_the_array(tmp_path: Path) -> None:
    missing = tmp_path / "missing.vtt"
    result = run("analyze", str(EXAMPLE), str(missing), "--format", "json")
    assert result.returncode == 2
    assert len(json.loads(result.stdout)) == 1
    (line,) = result.stderr.strip().splitlines()
    assert str(missing) in line


def test_skip_existing_resumes_a_folder(tmp_path: Path) -> None:
    first = tmp_path / "a.txt"
    second = tmp_path / "b.txt"
    for path in (first, second):
        path.write_text(PLAIN, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("kept", encoding="utf-8")
    args = ["analyze", str(first), str(second), "--format", "json", "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--skip-existing"])
    assert result.exit_code == 0, result.output
    assert (out / "a.json").read_text(encoding="utf-8") == "kept"
    assert json.loads((out / "b.json").read_text(encoding="utf-8"))["schema_version"] == "2"
    assert "skipped 1" in result.stderr
    again = CliRunner().invoke(main, args)  # without the flag, everything is written again
    assert again.exit_code == 0 and (out / "a.json").read_text(encoding="utf-8") != "kept"


def test_skip_existing_needs_a_folder(two: list[str]) -> None:
    result = run("analyze", *two, "--skip-existing")
    assert result.returncode == 2 and "-o DIR" in result.stderr


def test_warnings_name_their_file_when_there_are_several(tmp_path: Path) -> None:
    other = tmp_path / "second.txt"
    other.write_text(PLAIN, encoding="utf-8")
    result = run("analyze", str(EXAMPLE), str(other), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert f"coach: warning: {other}: no meeting date" in result.stderr
    assert len(json.loads(result.stdout)) == 2


def test_a_new_folder_for_several_transcripts_is_created(tmp_path: Path, two: list[str]) -> None:
    out = tmp_path / "reports"
    result = CliRunner().invoke(main, ["analyze", *two, "-o", str(out), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["sync.txt.md", "sync.vtt.md"]


def test_one_transcript_into_an_existing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["analyze", str(EXAMPLE), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "leadership-sync.txt").read_text(encoding="utf-8").strip()
