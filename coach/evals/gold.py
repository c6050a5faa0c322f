"""Gold files: what people say a meeting contains (see evals/README.md for the rules)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from coach.errors import InputError
from coach.models import CATEGORIES, Category, Role


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldItem(_Gold):
    """What action items and decisions share: anchor quotes, and whether the item is optional."""

    quote: str
    also: list[str] = Field(default_factory=list)
    optional: bool = False
    note: str = ""

    @property
    def anchors(self) -> list[str]:
        """Every quote that identifies this item."""
        return [self.quote, *self.also]


Strength = Literal["firm", "conditional", "tentative"]
Gap = Literal["no decider", "no owner", "no review date", "no success measure"]


class GoldAction(GoldItem):
    owner: str | None
    owner_alternatives: list[str | None] = Field(default_factory=list)
    due: dt.date | None
    due_alternatives: list[dt.date | None] = Field(default_factory=list)
    # Gold format 2 (the blind set onward); None where a dataset predates it.
    strength: Strength | None = None
    condition: str | None = None
    requested_by: str | None = None


class GoldDecision(GoldItem):
    decided_by: str | None = None
    gaps: list[Gap] | None = None


class GoldObjection(_Gold):
    """A concern someone raised, and whether the meeting took it up."""

    quote: str
    speaker: str
    answered: bool
    response: str | None = None
    optional: bool = False
    note: str = ""

    @property
    def anchors(self) -> list[str]:
        """The objection's own words (the response is scored separately)."""
        return [self.quote]


class GoldFlags(_Gold):
    required: list[Category]
    optional: list[Category]
    forbidden: list[Category]
    # Turns that show each required or optional gap; a flag counts only when it cites one.
    evidence: dict[Category, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _partition(self) -> GoldFlags:
        listed = [*self.required, *self.optional, *self.forbidden]
        if sorted(listed) != sorted(CATEGORIES):
            missing = set(CATEGORIES) - set(listed)
            raise ValueError(
                f"each category must be listed exactly once (missing: {sorted(missing)})"
            )
        if set(self.evidence) & set(self.forbidden):
            raise ValueError("flags.evidence names a forbidden category")
        return self


class Trap(_Gold):
    quote: str
    kind: str


class Gold(_Gold):
    transcript: str
    title: str | None = None
    date: dt.date
    roles: dict[str, Role]
    roles_given: bool = True
    names: dict[str, str] = Field(
        default_factory=dict, description="diarisation label -> the name the speaker gives"
    )
    notes: str = ""
    action_items: list[GoldAction]
    decisions: list[GoldDecision]
    objections: list[GoldObjection] | None = None
    flags: GoldFlags
    traps: list[Trap] = Field(default_factory=list)


class GoldMeeting(BaseModel):
    """One dataset entry: its name, transcript path and gold."""

    name: str
    transcript_path: Path
    gold: Gold


def load_dataset(folder: Path) -> list[GoldMeeting]:
    """Every `<stem>.gold.json` in the folder with its transcript, sorted by name."""
    if not folder.is_dir():
        raise InputError(
            f"no dataset folder at {folder}; pass --dataset DIR (e.g. evals/datasets/core)"
        )
    meetings = []
    for path in sorted(folder.glob("*.gold.json")):
        try:
            gold = Gold.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except (ValidationError, json.JSONDecodeError) as exc:
            first = str(exc).splitlines()[0:3]
            raise InputError(f"bad gold file {path.name}: {' '.join(first)}") from None
        transcript = folder / gold.transcript
        if not transcript.is_file():
            raise InputError(f"{path.name} names {gold.transcript}, which is not in {folder}")
        meetings.append(
            GoldMeeting(
                name=path.name.removesuffix(".gold.json"), transcript_path=transcript, gold=gold
            )
        )
    if not meetings:
        raise InputError(f"no *.gold.json files in {folder}")
    return meetings
