"""The command line's contract: stdout and files, formats, help, warnings, modes, start-up, eval."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import coach.cli
from coach import resources
from coach.cli import main
from tests.conftest import EXAMPLE

ROOT = Path(__file__).resolve().parent.parent
PLAIN = "Dana: I'll send the deck by Friday.\nRaj: Thanks.\n"  # no date: a warning


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env(),
        cwd=cwd,
    )


def in_process(script: str, *args: str, cwd: Path | None = None) -> str:
    """Run `script` in a fresh interpreter; its last stdout line."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env(),
        cwd=cwd,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


# --- standard output, formats, extensions ---------------------------------------------------------


def test_dash_output_is_standard_output(tmp_path: Path) -> None:
    result = run("analyze", str(EXAMPLE), "--format", "json", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["schema_version"] == "2"
    assert list(tmp_path.iterdir()) == []  # no file named '-'


def test_format_ignores_case(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["analyze", str(EXAMPLE), "--format", "HTML", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    upper = CliRunner().invoke(main, ["analyze", str(EXAMPLE), "--format", "Json"])
    assert json.loads(upper.stdout)["schema_version"] == "2"


def test_an_unknown_output_extension_is_an_error(tmp_path: Path) -> None:
    result = run("analyze", str(EXAMPLE), "-o", str(tmp_path / "out.xyz"))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "out.xyz" in line and ".xyz" in line and "--format" in line
    assert list(tmp_path.iterdir()) == []
    # Naming the format says what the file holds, whatever its extension.
    forced = run("analyze", str(EXAMPLE), "-o", str(tmp_path / "out.xyz"), "--format", "json")
    assert forced.returncode == 0 and json.loads((tmp_path / "out.xyz").read_text())


@pytest.mark.parametrize(("name", "check"), [("r.txt", "Weekly"), ("r.jsonl", '"schema_version"')])
def test_txt_and_jsonl_extensions(tmp_path: Path, name: str, check: str) -> None:
    out = tmp_path / name
    assert CliRunner().invoke(main, ["analyze", str(EXAMPLE), "-o", str(out)]).exit_code == 0
    assert check in out.read_text(encoding="utf-8")


def test_cli_formats_are_the_renderers() -> None:
    from coach.render import FORMATS

    assert coach.cli.FORMATS == FORMATS


# --- warnings --------------------------------------------------------------------------------------


def test_warnings_go_to_stderr_not_stdout(tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_text(PLAIN, encoding="utf-8")
    result = run("analyze", str(path))
    assert result.returncode == 0, result.stderr
    assert "coach: warning: no meeting date" in result.stderr
    assert "no meeting date" not in result.stdout
    assert "Read by the offline engine" not in result.stderr  # a note, kept in the report
    as_json = run("analyze", str(path), "--format", "json")
    assert "no meeting date" in json.loads(as_json.stdout)["warnings"][0]  # data keeps them
    saved = tmp_path / "m.md"
    assert run("analyze", str(path), "-o", str(saved)).returncode == 0
    assert "no meeting date" in saved.read_text(encoding="utf-8")  # a file is the record


# --- help ------------------------------------------------------------------------------------------


def test_bare_coach_prints_help_and_succeeds() -> None:
    result = run()
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout and "analyze" in result.stdout


def _commands(group: click.Group, prefix: list[str]) -> list[list[str]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, [*prefix, name])
        else:
            found.append([*prefix, name])
    return found


@pytest.mark.parametrize("words", _commands(main, []), ids=lambda w: " ".join(w) or "coach")
def test_every_help_ends_with_examples_environment_and_exit_codes(words: list[str]) -> None:
    result = CliRunner().invoke(main, [*words, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    text = result.stdout
    examples, environment, codes = (
        text.find("Examples:"),
        text.find("Environment variables:"),
        text.find("Exit codes:"),
    )
    assert 0 < examples < environment < codes, text
    assert "coach " in text[examples:environment]
    assert "  0 " in text[codes:] and "COACH_DEBUG" in text[environment:codes]


# --- schema, title ---------------------------------------------------------------------------------


def test_schema_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "report.schema.json"
    result = CliRunner().invoke(main, ["schema", "-o", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "Report"
    dash = CliRunner().invoke(main, ["schema", "-o", "-"])
    assert json.loads(dash.stdout)["title"] == "Report"


def test_title_reaches_the_report() -> None:
    result = CliRunner().invoke(
        main, ["analyze", str(EXAMPLE), "--format", "json", "--title", "Q3 planning"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["meeting"]["title"] == "Q3 planning"
    md = CliRunner().invoke(main, ["analyze", str(EXAMPLE), "--format", "md", "--title", "Q3 plan"])
    assert "Q3 plan" in md.stdout


# --- file modes ------------------------------------------------------------------------------------

UMASK_RUN = """
import os, sys
from coach.cli import main
os.umask(int(sys.argv[1], 8))
try:
    main(sys.argv[2:], prog_name="coach")
except SystemExit as exc:
    assert not exc.code, exc.code
print("ok")
"""


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_output_files_follow_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    out = tmp_path / "r.json"
    in_process(UMASK_RUN, oct(umask)[2:], "analyze", str(EXAMPLE), "-o", str(out))
    assert out.stat().st_mode & 0o777 == mode
    folder = tmp_path / "many"
    in_process(UMASK_RUN, oct(umask)[2:], "analyze", str(EXAMPLE), "-o", f"{folder}/")
    assert (folder / "leadership-sync.txt").stat().st_mode & 0o777 == mode


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    in_process(UMASK_RUN, "022", "analyze", str(EXAMPLE), "-o", str(out))
    assert out.stat().st_mode & 0o777 == 0o600 and out.read_text(encoding="utf-8") != "old"


# --- what loads ------------------------------------------------------------------------------------

IMPORTS_RUN = """
import json, sys
from coach.cli import main
try:
    main(sys.argv[2:], prog_name="coach")
except SystemExit as exc:
    assert not exc.code, exc.code
print(json.dumps({m: m in sys.modules for m in sys.argv[1].split(",")}))
"""
HEAVY = "openai,tiktoken,jinja2,pydantic,rich,coach.models,coach.pipeline,coach.render"


@pytest.mark.parametrize("fmt", ["text", "md", "json", "csv"])
def test_an_offline_analyze_never_imports_openai_tiktoken_or_jinja2(
    tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / "short.txt"
    path.write_text(PLAIN, encoding="utf-8")
    args = ["analyze", str(path), "--format", fmt, "-o", str(tmp_path / "out")]
    loaded = json.loads(in_process(IMPORTS_RUN, "openai,tiktoken,jinja2", *args))
    assert loaded == {"openai": False, "tiktoken": False, "jinja2": False}


def test_help_loads_nothing_heavy() -> None:
    loaded = json.loads(in_process(IMPORTS_RUN, HEAVY, "--help"))
    assert not any(loaded.values()), loaded
    loaded = json.loads(in_process(IMPORTS_RUN, HEAVY, "analyze", "--help"))
    assert not any(loaded.values()), loaded


def test_the_package_names_load_on_first_use() -> None:
    script = (
        "import sys, coach; before = 'coach.pipeline' in sys.modules; "
        "from coach import analyze, Report, InputError; "
        "print(before, 'coach.pipeline' in sys.modules, callable(analyze))"
    )
    assert in_process(script) == "False True True"


# --- coach eval anywhere ---------------------------------------------------------------------------


def test_eval_runs_outside_the_checkout_on_the_shipped_core_dataset(tmp_path: Path) -> None:
    result = run("eval", "--markdown", "summary.md", cwd=tmp_path)
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "offline on core" in summary and "22 meetings" in summary
    # The core baseline is found beside the dataset: the summary compares with it.
    metric = next(line for line in summary.splitlines() if line.startswith("| action_items"))
    assert metric.split("|")[4].strip() not in ("", "-"), metric
    # 0, or 1 with the regression named: either way the suite ran and was compared.
    assert result.returncode == 0 or (
        result.returncode == 1 and "fell below the baseline" in result.stderr
    ), result.stderr


def test_the_shipped_baseline_is_not_updated_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coach.cli, "is_installed_data", lambda path: True)
    result = CliRunner().invoke(main, ["eval", "--update-baseline"])
    assert result.exit_code == 2 and "--baseline PATH" in result.stderr


def test_resources_find_the_wheel_layout_first(tmp_path: Path) -> None:
    package = tmp_path / "site" / "coach"
    (package / "evals" / "datasets" / "core").mkdir(parents=True)
    (tmp_path / "site" / "evals" / "datasets" / "core").mkdir(parents=True)
    found = resources._find(package, "evals", "evals", "datasets/core")
    assert found == package / "evals"
    checkout = tmp_path / "repo" / "coach"
    checkout.mkdir(parents=True)
    (tmp_path / "repo" / "evals" / "datasets" / "core").mkdir(parents=True)
    assert resources._find(checkout, "evals", "evals", "datasets/core") == checkout.parent / "evals"


def test_the_wheel_maps_the_data_where_resources_looks() -> None:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mapped = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert mapped["prompts"] == "coach/prompts"
    assert mapped["evals/datasets/core"] == "coach/evals/datasets/core"
    assert mapped["evals/baselines/core"] == "coach/evals/baselines/core"
    assert resources.core_dataset() == ROOT / "evals" / "datasets" / "core"  # a checkout
