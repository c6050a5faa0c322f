"""Print how long parsing and the offline engine take on long meetings (no assertions: figures).

Usage: python benchmarks/engine_speed.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from coach.engines.offline import OfflineEngine
from coach.evals.gold import load_dataset
from coach.meeting import build_meeting
from coach.models import Transcript, Turn
from coach.transcripts import load_transcript

DATASET = Path(__file__).resolve().parent.parent / "evals" / "datasets" / "core"


def long_meeting(words: int) -> tuple[Transcript, dict[str, str]]:
    """A meeting of about `words` words, stitched from the dataset's transcripts (real speech)."""
    turns: list[Turn] = []
    roles: dict[str, str] = {}
    count = 0
    meetings = load_dataset(DATASET)
    while count < words:
        for m in meetings:
            roles.update(m.gold.roles)
            for turn in load_transcript(m.transcript_path).turns:
                turns.append(turn)
                count += len(turn.text.split())
                if count >= words:
                    return Transcript(turns=turns), roles
    return Transcript(turns=turns), roles


def main() -> None:
    """Time the engine on 10,000 and 30,000 words and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine = OfflineEngine()
    for words in (10_000, 30_000):
        transcript, roles = long_meeting(words)
        meeting, _ = build_meeting(transcript, roles=roles, date="2026-11-17")
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            engine.run(transcript, meeting)
            times.append(time.perf_counter() - t0)
        n = sum(len(t.text.split()) for t in transcript.turns)
        print(
            f"offline engine, {n:,} words, {len(transcript.turns)} turns: "
            f"median {statistics.median(times) * 1000:.1f} ms, best {min(times) * 1000:.1f} ms "
            f"over {args.repeat} runs"
        )
    timings = []
    for m in load_dataset(DATASET):
        t0 = time.perf_counter()
        load_transcript(m.transcript_path)
        timings.append((time.perf_counter() - t0, m.transcript_path.name))
    slowest = max(timings)
    print(
        f"parsing: {len(timings)} dataset files, total {sum(t for t, _ in timings) * 1000:.1f} ms, "
        f"slowest {slowest[1]} {slowest[0] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
