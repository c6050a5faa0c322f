"""Score `coach track` on meeting series with gold: commitments made, status changes, recurring flags.

    python -m coach.evals.series evals/series/dev [--json] [--provider openai --model M]

Each series folder holds its meetings and a `series.gold.json` (format in evals/README.md). The
meetings are added to a fresh store in date order with the offline engine, then the series'
status on the gold's `today` is compared with the gold:

- commitments: tracked commitments against gold ones, matched in the meeting that made them by
  their quotes (as `coach eval` matches action items);
- status changes: each gold `done`, `slipped` or `dropped` entry is found when the matched
  commitment's history has that status in that meeting; a predicted change the gold does not have
  (on any commitment) counts against precision; `new_due` is scored on found slips;
- final status: open, done or dropped on the gold's `today`, over matched commitments;
- recurring flags: categories flagged in two meetings or more, and whether each was resolved.

Bootstrap 95% intervals resample whole series.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from coach.errors import CoachError
from coach.evals.gold import GoldItem
from coach.evals.scoring import match
from coach.models import OpenCommitment, Progress, Report, Transcript
from coach.pipeline import analyze
from coach.track.models import RecurringFlag, TrackedCommitment
from coach.track.series import add, status
from coach.track.store import Store
from coach.transcripts import load_transcript


class _G(BaseModel):
    model_config = ConfigDict(extra="ignore")


class GoldMeeting(_G):
    file: str
    date: dt.date
    title: str | None = None
    roles: dict[str, str] = Field(default_factory=dict)


class GoldEvent(_G):
    in_: str = Field(alias="in")
    status: Progress
    new_due: dt.date | None = None
    quote: str


class GoldCommitment(_G):
    id: str
    made_in: str
    owner: str | None = None
    quote: str
    description: str = ""
    due: dt.date | None = None
    history: list[GoldEvent] = Field(default_factory=list)
    optional: bool = False

    @property
    def final(self) -> str:
        """open, done or dropped after the last word on it."""
        last = next((h.status for h in reversed(self.history) if h.status != "open"), "open")
        return "open" if last == "slipped" else last


class GoldRecurring(_G):
    category: str
    meetings: list[str]
    resolved: bool


class GoldSeries(_G):
    series: str
    today: dt.date
    meetings: list[GoldMeeting]
    commitments: list[GoldCommitment]
    recurring_flags: list[GoldRecurring] = Field(default_factory=list)


@dataclass
class SeriesScore:
    name: str
    made_tp: int = 0
    made_pred: int = 0
    made_gold: int = 0
    events_tp: int = 0
    events_pred: int = 0
    events_gold: int = 0
    due_ok: int = 0
    due_n: int = 0
    final_ok: int = 0
    final_n: int = 0
    flags_tp: int = 0
    flags_pred: int = 0
    flags_gold: int = 0
    resolved_ok: int = 0
    misses: list[str] = field(default_factory=list)


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def summarise(scores: Sequence[SeriesScore]) -> dict[str, float]:
    """Headline figures over all series."""
    t = {
        k: sum(getattr(s, k) for s in scores)
        for k in asdict(SeriesScore(""))
        if k not in ("name", "misses")
    }
    made_p, made_r = _ratio(t["made_tp"], t["made_pred"]), _ratio(t["made_tp"], t["made_gold"])
    ev_p, ev_r = _ratio(t["events_tp"], t["events_pred"]), _ratio(t["events_tp"], t["events_gold"])
    fl_p, fl_r = _ratio(t["flags_tp"], t["flags_pred"]), _ratio(t["flags_tp"], t["flags_gold"])
    return {
        "commitments_precision": made_p,
        "commitments_recall": made_r,
        "commitments_f1": _f1(made_p, made_r),
        "status_precision": ev_p,
        "status_recall": ev_r,
        "status_f1": _f1(ev_p, ev_r),
        "new_due_accuracy": _ratio(t["due_ok"], t["due_n"]),
        "final_status_accuracy": _ratio(t["final_ok"], t["final_n"]),
        "recurring_precision": fl_p,
        "recurring_recall": fl_r,
        "resolved_accuracy": _ratio(t["resolved_ok"], t["flags_tp"]),
    }


HEADLINE = ("commitments_f1", "status_precision", "status_recall", "final_status_accuracy")


def intervals(
    scores: Sequence[SeriesScore], resamples: int = 1000
) -> dict[str, tuple[float, float]]:
    """Bootstrap 95% intervals, resampling whole series."""
    rng = random.Random(0)
    draws: dict[str, list[float]] = {k: [] for k in HEADLINE}
    for _ in range(resamples):
        sample = [scores[rng.randrange(len(scores))] for _ in scores]
        figures = summarise(sample)
        for k in HEADLINE:
            draws[k].append(figures[k])
    return {
        k: (sorted(v)[int(0.025 * (resamples - 1))], sorted(v)[int(0.975 * (resamples - 1))])
        for k, v in draws.items()
    }


def run_series(folder: Path, **options: Any) -> SeriesScore:
    """Add the series' meetings to a fresh store and score its status against the gold.

    `options` go to `coach.analyze` for every meeting (provider, model, base_url, ...)."""
    gold = GoldSeries.model_validate_json((folder / "series.gold.json").read_text(encoding="utf-8"))
    transcripts = {m.file: load_transcript(folder / m.file) for m in gold.meetings}
    roles = {m.file: m.roles for m in gold.meetings}
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "eval.db") as store:
        for m in gold.meetings:

            def run(
                t: Transcript, day: dt.date, offered: list[OpenCommitment], file: str = m.file
            ) -> Report:
                return analyze(t, roles=roles[file], date=day, open_commitments=offered, **options)

            add(
                store,
                gold.series,
                file=m.file,
                data=(folder / m.file).read_bytes(),
                transcript=transcripts[m.file],
                report=None,
                day=m.date,
                analyze=run,
            )
        found = status(store, gold.series, gold.today)
    return score(gold, found.commitments, found.recurring_flags, transcripts, folder.name)


def score(
    gold: GoldSeries,
    tracked: list[TrackedCommitment],
    recurring: list[RecurringFlag],
    transcripts: dict[str, Transcript],
    name: str,
) -> SeriesScore:
    """Compare a series' status with its gold."""
    s = SeriesScore(name)
    pairs: dict[str, TrackedCommitment] = {}  # gold id -> tracked commitment
    for m in gold.meetings:
        golds = [c for c in gold.commitments if c.made_in == m.file]
        preds = [c for c in tracked if c.made_in.file == m.file]
        items = [GoldItem(quote=c.quote, optional=c.optional) for c in golds]
        matched = match([p.evidence for p in preds], items, transcripts[m.file])
        for pi, gi in matched:
            pairs[golds[gi].id] = preds[pi]
        hit_optional = sum(1 for _, gi in matched if golds[gi].optional)
        s.made_tp += len(matched) - hit_optional
        s.made_pred += len(preds) - hit_optional
        s.made_gold += sum(1 for c in golds if not c.optional)
        for gi, c in enumerate(golds):
            if not c.optional and gi not in {g for _, g in matched}:
                s.misses.append(f"not tracked: {m.file} {c.quote!r}")
    for c in gold.commitments:
        pred = pairs.get(c.id)
        if c.optional:
            continue
        changes = [h for h in c.history if h.status != "open"]
        s.events_gold += len(changes)
        if pred is None:
            continue
        said = {(h.file, h.status): h for h in pred.history}
        for h in changes:
            hit = said.get((h.in_, h.status))
            if hit is None:
                s.misses.append(f"missed {h.status} of {c.id} in {h.in_}: {h.quote!r}")
                continue
            s.events_tp += 1
            if h.status == "slipped" and h.new_due is not None:
                s.due_n += 1
                s.due_ok += hit.new_due == h.new_due
        s.final_n += 1
        s.final_ok += pred.status == c.final
    gold_changes = {
        (c.id, h.in_, h.status) for c in gold.commitments for h in c.history if h.status != "open"
    }
    by_pred = {id(p): gid for gid, p in pairs.items()}
    for p in tracked:
        for said_h in p.history:
            if said_h.status == "open":
                continue
            s.events_pred += 1
            gid = by_pred.get(id(p))
            if gid is not None and (gid, said_h.file, said_h.status) in gold_changes:
                continue
            if gid is not None and next(c for c in gold.commitments if c.id == gid).optional:
                s.events_pred -= 1
                continue
            quote = said_h.evidence[0].quote if said_h.evidence else ""
            s.misses.append(f"wrong {said_h.status} of {gid or p.id} in {said_h.file}: {quote!r}")
    gold_flags = {r.category: r for r in gold.recurring_flags}
    for r in recurring:
        s.flags_pred += 1
        g = gold_flags.get(r.category)
        if g is not None:
            s.flags_tp += 1
            s.resolved_ok += r.resolved == g.resolved
    s.flags_gold = len(gold_flags)
    return s


def main(argv: Sequence[str] | None = None) -> int:
    """Score every series under the given folders and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m coach.evals.series")
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true", help="figures as JSON")
    parser.add_argument("--provider", default="offline", choices=["offline", "openai", "replay"])
    parser.add_argument("--model", default=None)
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--cassettes", type=Path, default=None, help="for --provider replay")
    parser.add_argument("--record", type=Path, default=None, help="save the LLM exchanges here")
    parser.add_argument(
        "--misses", action="store_true", help="list what was missed (development only)"
    )
    args = parser.parse_args(argv)
    folders = sorted({p.parent for f in args.folders for p in f.rglob("series.gold.json")})
    if not folders:
        print("no series.gold.json under " + " ".join(map(str, args.folders)), file=sys.stderr)
        return 2
    options = {
        "provider": args.provider,
        "model": args.model,
        "base_url": args.base_url,
        "cassettes": args.cassettes,
        "record": args.record,
    }
    try:
        scores = [run_series(f, **options) for f in folders]
    except CoachError as exc:
        print(f"coach: error: {exc}", file=sys.stderr)
        return exc.exit_code
    figures = summarise(scores)
    spread = intervals(scores)
    if args.json:
        print(
            json.dumps({"series": len(scores), "figures": figures, "intervals": spread}, indent=2)
        )
        return 0
    print(
        f"{len(scores)} series, {sum(s.made_gold for s in scores)} gold commitments, "
        f"{sum(s.events_gold for s in scores)} gold status changes"
    )
    for k, v in figures.items():
        low_high = f"  ({spread[k][0]:.2f}-{spread[k][1]:.2f})" if k in spread else ""
        print(f"  {k:24} {v:.3f}{low_high}")
    if args.misses:
        for s in scores:
            for line in s.misses:
                print(f"{s.name}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
