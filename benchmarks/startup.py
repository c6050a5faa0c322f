"""Print how quickly `coach` starts, and what an offline `coach analyze` imports.

Two figures, each the median wall time of N fresh processes on this machine:
- `python -c "import click"`: the floor, since the command line is a click program;
- `coach --help` (the console script's own entry: `from coach.cli import main; main()`).
The target is `coach --help` within 1.5x of importing click: nothing heavy (pydantic, the
models, jinja2, the pipeline, rich) may load before click has parsed the command line.

Then it runs `coach analyze` on a short transcript with the offline engine in a fresh process,
once per output format, and lists whether openai, tiktoken and jinja2 (and, for reference,
pydantic and rich) were imported: an offline run needs none of the first three, except jinja2
for HTML.

Bytecode is written and warmed up first, as in an installed package, so a checkout where
PYTHONDONTWRITEBYTECODE is set does not time the compiler.

Usage: python benchmarks/startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLICK = [sys.executable, "-c", "import click"]
HELP = [
    sys.executable,
    "-c",
    "import sys; sys.argv[0] = 'coach'; from coach.cli import main; main()",
    "--help",
]
WATCHED = ("openai", "tiktoken", "jinja2", "pydantic", "rich")
NOT_NEEDED = ("openai", "tiktoken", "jinja2")
SHORT = (
    "Dana: We signed the webinar platform last week, it goes live on the 20th.\n"
    "Raj: Signed? Security hasn't seen it. It needs single sign-on first.\n"
    "Dana: Fine. I'll send you the vendor's security pack tomorrow.\n"
)
# Runs the command line in this process, then reports which of WATCHED were imported.
WRAPPER = """
import json, sys
from coach.cli import main
try:
    main(sys.argv[2:], prog_name="coach")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
watched = json.loads(sys.argv[1])
print(json.dumps({"exit": code, "imported": {m: m in sys.modules for m in watched}}))
"""


def environment() -> dict[str, str]:
    """This environment, with bytecode writing allowed (an installed package has its .pyc)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.pop("OPENAI_API_KEY", None)
    return env


def wall(cmd: list[str], repeat: int, env: dict[str, str]) -> list[float]:
    """Wall-clock seconds of `repeat` fresh runs of `cmd`, after one warm-up run."""
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - t0)
    return times


def imported_by_analyze(path: Path, fmt: str, env: dict[str, str]) -> dict[str, bool]:
    """Which of WATCHED a fresh `coach analyze PATH --format FMT` process imported."""
    args = ["analyze", str(path), "--format", fmt, "-o", os.devnull]
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, json.dumps(WATCHED), "--", *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    if found["exit"] not in (0, None):
        raise SystemExit(f"coach analyze --format {fmt} exited {found['exit']}: {done.stderr}")
    return dict(found["imported"])


def main() -> None:
    """Time click and `coach --help`, print the ratio, then list the offline run's imports."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15, help="fresh processes per figure")
    args = parser.parse_args()
    env = environment()
    click_times = wall(CLICK, args.repeat, env)
    help_times = wall(HELP, args.repeat, env)
    floor, ours = statistics.median(click_times), statistics.median(help_times)
    print(f'python -c "import click": median {floor * 1000:.0f} ms over {args.repeat} runs')
    print(f"coach --help:            median {ours * 1000:.0f} ms over {args.repeat} runs")
    verdict = "ok" if ours <= 1.5 * floor else "OVER the 1.5x target"
    print(f"ratio: {ours / floor:.2f}x ({verdict})")
    print()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "short.txt"
        path.write_text(SHORT, encoding="utf-8")
        for fmt in ("text", "md", "json", "csv", "html"):
            found = imported_by_analyze(path, fmt, env)
            listed = ", ".join(f"{m} {'yes' if found[m] else 'no'}" for m in WATCHED)
            needless = [m for m in NOT_NEEDED if found[m] and not (m == "jinja2" and fmt == "html")]
            note = f"  <- not needed: {', '.join(needless)}" if needless else ""
            print(f"offline analyze --format {fmt:<4}: {listed}{note}")


if __name__ == "__main__":
    main()
