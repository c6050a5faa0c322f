"""The vocabulary of a series' status (`coach track status`): what the store's rows become."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from coach.models import Category, Evidence, Progress


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeriesMeeting(_Model):
    date: dt.date | None = None
    title: str | None = None
    file: str
    flags: dict[Category, int] = Field(
        default_factory=dict, description="flags raised, by category"
    )
    provider: str = Field(default="offline", description="the engine that read the meeting")


class MadeIn(_Model):
    date: dt.date | None = None
    file: str


class HistoryEntry(_Model):
    """One later meeting's word on a commitment."""

    date: dt.date | None = None
    file: str | None = None
    status: Progress
    new_due: dt.date | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class TrackedCommitment(_Model):
    id: str
    description: str
    owner: str | None = None
    due: dt.date | None = Field(default=None, description="the latest due date (after slips)")
    status: Literal["open", "done", "dropped"] = "open"
    overdue: bool = False
    made_in: MadeIn
    evidence: list[Evidence] = Field(default_factory=list)
    history: list[HistoryEntry] = Field(default_factory=list)


class RecurringFlag(_Model):
    category: Category
    meetings: list[dt.date | None] = Field(description="dates of the meetings that raised it")
    files: list[str] = Field(default_factory=list, description="those meetings' files")
    resolved: bool = Field(
        description="settled: a decision about it where it was last raised, or talked about later "
        "without being raised again"
    )


class SeriesDecision(_Model):
    date: dt.date | None = None
    file: str
    description: str
    decided_by: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class SeriesStatus(_Model):
    """Where a meeting series stands: `coach track status`."""

    series: str
    today: dt.date
    meetings: list[SeriesMeeting] = Field(default_factory=list)
    commitments: list[TrackedCommitment] = Field(default_factory=list)
    recurring_flags: list[RecurringFlag] = Field(default_factory=list)
    decisions: list[SeriesDecision] = Field(default_factory=list)
