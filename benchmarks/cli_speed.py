"""Print how long a whole `coach analyze` process takes on a long meeting, and how the engine scales.

The target is a 10,000-word meeting in under 0.6 s, start to finish, offline engine. This script
writes such a meeting (real speech stitched from the development sets' transcripts), runs the
command line on it several times in fresh processes, and prints the median and best wall time
beside the time of a bare `python -c pass` on the same machine, so a slow machine can be told
from a slow program. Then it checks linear time: a meeting where every turn is a distinct
commitment, at 1x and 4x the turns.

Usage: python benchmarks/cli_speed.py [--repeat N] [--words N]
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coach.engines.offline import OfflineEngine
from coach.meeting import build_meeting
from coach.models import Transcript, Turn
from coach.transcripts import load_transcript

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "evals" / "datasets" / d for d in ("dev-a", "dev-b")]
TASKS = ["contract", "dashboard", "budget", "pilot", "audit", "roadmap", "vendor list", "data map"]
NAMES = ["Dana", "Raj", "Lee"]


def stitched(words: int) -> str:
    """About `words` words of `Name: text` lines taken from the development transcripts."""
    lines: list[str] = []
    count = 0
    files = sorted(p for d in SOURCES for p in d.iterdir() if not p.name.endswith(".json"))
    while count < words:
        for path in files:
            for turn in load_transcript(path).turns:
                lines.append(f"{turn.speaker}: {turn.text}")
                count += len(turn.text.split())
                if count >= words:
                    return "\n".join(lines) + "\n"
    return "\n".join(lines) + "\n"


def wall(cmd: list[str], repeat: int) -> list[float]:
    """Wall-clock seconds of `repeat` fresh runs of `cmd`."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return times


def commitments(turns: int) -> Transcript:
    """A meeting where every turn is a different commitment: the worst case for de-duplication."""
    return Transcript(
        turns=[
            Turn(
                speaker=NAMES[k % 3],
                text=f"I'll send the {TASKS[k % len(TASKS)]} draft number {k} to the board by Friday.",
            )
            for k in range(turns)
        ]
    )


def main() -> None:
    """Time the whole process on a long meeting and the engine's scaling; print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--words", type=int, default=10_000)
    args = parser.parse_args()
    # pip compiles bytecode at install; without it (PYTHONDONTWRITEBYTECODE, a fresh checkout) each
    # run would compile coach from source and time that instead.
    compileall.compile_dir(ROOT / "coach", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.txt"
        path.write_text(stitched(args.words), encoding="utf-8")
        n = len(path.read_text(encoding="utf-8").split())
        bare = wall([sys.executable, "-c", "pass"], args.repeat)
        cli = wall(
            [sys.executable, "-m", "coach", "analyze", str(path), "--format", "json", "-o", "-"],
            args.repeat,
        )
    print(f"python -c pass: median {statistics.median(bare):.3f} s, best {min(bare):.3f} s")
    print(
        f"coach analyze, {n:,} words (whole process, json): median {statistics.median(cli):.3f} s, "
        f"best {min(cli):.3f} s over {args.repeat} runs (target < 0.6 s)"
    )
    engine = OfflineEngine()
    for turns in (250, 1000):
        transcript = commitments(turns)
        meeting, _ = build_meeting(transcript, roles={"Dana": "CMO", "Raj": "CIO", "Lee": "CTO"})
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            engine.run(transcript, meeting)
            times.append(time.perf_counter() - t0)
        print(f"engine, {turns} distinct commitments: best {min(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
