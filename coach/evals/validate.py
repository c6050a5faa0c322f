"""Check gold files against their transcripts, parsed as coach parses them (gold format 2).

    python -m coach.evals.validate evals/datasets/blind/*.gold.json

Every quote must be verbatim in exactly one turn; roles must cover every speaker label; every
category must be listed once; required and optional categories need evidence quotes. Prints one
line per file and exits 1 when any file has a problem.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coach.models import CATEGORIES, ROLES
from coach.transcripts import load_transcript

CATS = set(CATEGORIES)
GAPS = {"no decider", "no owner", "no review date", "no success measure"}


def check(gold_path: Path) -> list[str]:
    """Every problem with one gold file, as lines a person can act on."""
    errs: list[str] = []
    g = json.loads(gold_path.read_text(encoding="utf-8"))
    t = load_transcript(gold_path.parent / g["transcript"])
    texts = [turn.text for turn in t.turns]
    labels = {turn.speaker for turn in t.turns}

    def quote(q: Any, where: str) -> None:
        if not isinstance(q, str) or not q.strip():
            errs.append(f"{where}: empty quote")
            return
        hits = [i for i, x in enumerate(texts) if q in x]
        if not hits:
            errs.append(f"{where}: not verbatim in any turn: {q!r}")
        elif len(hits) > 1:
            errs.append(f"{where}: in {len(hits)} turns {hits}, make it longer: {q!r}")

    for key in ("transcript", "date", "roles", "action_items", "decisions", "flags", "objections"):
        if key not in g:
            errs.append(f"missing key {key}")
    missing = labels - set(g.get("roles", {}))
    if missing:
        errs.append(f"roles lacks speaker labels: {sorted(missing)}")
    extra = set(g.get("roles", {})) - labels
    if extra:
        errs.append(
            f"roles names labels not in the transcript: {sorted(extra)} (labels: {sorted(labels)})"
        )
    for name, role in g.get("roles", {}).items():
        if role not in ROLES:
            errs.append(f"bad role {role} for {name}")
    for lab in g.get("names", {}):
        if lab not in labels:
            errs.append(f"names: {lab} is not a speaker label")
    for i, a in enumerate(g.get("action_items", [])):
        w = f"action_items[{i}]"
        for q in [a["quote"], *a.get("also", [])]:
            quote(q, w)
        if a.get("strength") not in {"firm", "conditional", "tentative"}:
            errs.append(f"{w}: strength must be firm|conditional|tentative")
        if a.get("strength") == "conditional" and not a.get("condition"):
            errs.append(f"{w}: conditional needs a condition")
        if a.get("owner") is not None and a["owner"] not in labels:
            errs.append(f"{w}: owner {a['owner']!r} is not a speaker label")
        if a.get("requested_by") is not None and a["requested_by"] not in labels:
            errs.append(f"{w}: requested_by {a['requested_by']!r} is not a speaker label")
        for k in (
            "due",
            "owner",
            "owner_alternatives",
            "due_alternatives",
            "optional",
            "note",
            "also",
        ):
            if k not in a:
                errs.append(f"{w}: missing {k}")
    for i, d in enumerate(g.get("decisions", [])):
        w = f"decisions[{i}]"
        for q in [d["quote"], *d.get("also", [])]:
            quote(q, w)
        if d.get("decided_by") is not None and d["decided_by"] not in labels:
            errs.append(f"{w}: decided_by {d['decided_by']!r} is not a speaker label")
        if not set(d.get("gaps", [])) <= GAPS:
            errs.append(f"{w}: gaps must come from {sorted(GAPS)}")
    for i, o in enumerate(g.get("objections", [])):
        w = f"objections[{i}]"
        quote(o["quote"], w)
        if o.get("speaker") not in labels:
            errs.append(f"{w}: speaker {o.get('speaker')!r} is not a speaker label")
        if not isinstance(o.get("answered"), bool):
            errs.append(f"{w}: answered must be true or false")
        if o.get("answered") and not o.get("response"):
            errs.append(f"{w}: answered objections need a response quote")
        if o.get("response"):
            quote(o["response"], w + ".response")
    f = g.get("flags", {})
    listed = [*f.get("required", []), *f.get("optional", []), *f.get("forbidden", [])]
    if sorted(listed) != sorted(CATS):
        errs.append(
            "flags: each of the nine categories exactly once in required/optional/forbidden"
        )
    ev = f.get("evidence", {})
    for c in [*f.get("required", []), *f.get("optional", [])]:
        if not ev.get(c):
            errs.append(f"flags.evidence lacks quotes for {c}")
    for c, qs in ev.items():
        if c in f.get("forbidden", []):
            errs.append(f"flags.evidence given for forbidden {c}")
        for q in qs:
            quote(q, f"flags.evidence.{c}")
    for i, tr in enumerate(g.get("traps", [])):
        quote(tr["quote"], f"traps[{i}]")
    return errs


def main(argv: Sequence[str] | None = None) -> int:
    """Check each file named on the command line."""
    bad = 0
    for arg in sys.argv[1:] if argv is None else argv:
        p = Path(arg)
        try:
            errs = check(p)
        except Exception as exc:  # a broken file is reported like any other problem
            errs = [f"could not check: {type(exc).__name__}: {exc}"]
        if errs:
            bad += 1
            print(f"{p.name}: {len(errs)} problem(s)")
            for e in errs:
                print("  -", e)
        else:
            g = json.loads(p.read_text(encoding="utf-8"))
            t = load_transcript(p.parent / g["transcript"])
            words = sum(len(x.text.split()) for x in t.turns)
            print(f"{p.name}: OK ({t.format}, {len(t.turns)} turns, {words} words)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
