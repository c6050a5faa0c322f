"""The pydantic models every stage speaks: transcript in, report out."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal["2"] = "2"

Role = Literal["CEO", "CMO", "CIO", "CTO", "marketing", "it", "technology", "other"]
ROLES: tuple[str, ...] = get_args(Role)

Category = Literal[
    "team_balance",
    "ceo_support",
    "communication_gap",
    "tech_ownership",
    "data_governance",
    "shared_kpis",
    "late_involvement",
    "roadmap_misalignment",
    "incubator_missed",
]
CATEGORIES: tuple[Category, ...] = get_args(Category)

Severity = Literal["low", "medium", "high"]
CoverageState = Literal["flagged", "discussed", "absent"]
Strength = Literal["firm", "conditional", "tentative"]
Progress = Literal["done", "slipped", "dropped", "open"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- transcript -------------------------------------------------------------------------------


class Turn(_Model):
    """One speaker's uninterrupted stretch of speech."""

    speaker: str
    text: str
    start: float | None = Field(default=None, description="seconds from the start, or null")
    end: float | None = Field(default=None, description="seconds from the start, or null")


class Transcript(_Model):
    """A parsed meeting: ordered turns plus what the source said about itself."""

    turns: list[Turn]
    format: str = Field(default="plain", description="the detected source format")
    title: str | None = None
    date: dt.date | None = Field(default=None, description="meeting date found in the source")
    roles: dict[str, Role] = Field(
        default_factory=dict, description="speaker roles stated in the source itself"
    )

    @property
    def speakers(self) -> list[str]:
        """Speakers in order of first appearance."""
        return list(dict.fromkeys(t.speaker for t in self.turns))


# --- report -----------------------------------------------------------------------------------


class Evidence(_Model):
    """A verbatim quote from one turn of the parsed transcript."""

    turn: int = Field(ge=0, description="0-based index into the parsed transcript's turns")
    speaker: str
    quote: str = Field(description="a verbatim substring of that turn's text")


class Participant(_Model):
    """Someone who spoke, with how much."""

    name: str
    role: Role = "other"
    label: str | None = Field(
        default=None, description="the label in the source when a name replaced it, else null"
    )
    turns: int = 0
    words: int = 0
    share: float = Field(default=0.0, ge=0.0, le=1.0, description="share of the meeting's words")
    questions: int = Field(default=0, ge=0, description="questions this person asked")


class Meeting(_Model):
    title: str | None = None
    date: dt.date | None = None
    participants: list[Participant] = Field(default_factory=list)
    turns: int = 0
    words: int = 0
    duration_s: float | None = None


class Flag(_Model):
    """A place where the functions pull in different directions."""

    id: str
    category: Category
    severity: Severity
    title: str
    summary: str
    parties: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    conversation: str = Field(description="the conversation the leaders should have next")
    confidence: float = Field(ge=0.0, le=1.0)


class ActionItem(_Model):
    """A commitment: who does what by when, and the words it came from."""

    id: str
    description: str
    owner: str | None = Field(default=None, description="a name, a role, or null when unowned")
    due: dt.date | None = Field(default=None, description="resolved against the meeting date")
    due_text: str | None = Field(default=None, description="the due date as said")
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    strength: Strength = Field(
        default="tentative",
        description="firm: owner, task and a time, no hedge; conditional: held by a condition; "
        "tentative: hedged, or no time, or no owner",
    )
    condition: str | None = Field(
        default=None, description="what the commitment waits on, when it is conditional"
    )
    requested_by: str | None = Field(
        default=None, description="who asked, when the item is a request the owner accepted"
    )


DecisionGap = Literal["no decider", "no owner", "no review date", "no success measure"]


class Decision(_Model):
    """Something the meeting settled, and what it lacks to hold."""

    id: str
    description: str
    evidence: list[Evidence] = Field(default_factory=list)
    decided_by: str | None = Field(default=None, description="whose word settled it")
    review_date: dt.date | None = Field(
        default=None, description="when it will be checked or revisited"
    )
    gaps: list[DecisionGap] = Field(
        default_factory=list, description="what it lacks to be acted on by someone not there"
    )


class Objection(_Model):
    """A concern someone raised, and whether the meeting took it up."""

    id: str
    speaker: str
    role: Role = "other"
    evidence: list[Evidence] = Field(default_factory=list)
    answered: bool = False
    response: Evidence | None = Field(
        default=None, description="the words that took it up, when answered"
    )


class Coverage(_Model):
    """Whether the meeting touched one framework conversation, and where."""

    state: CoverageState
    turns: list[int] = Field(default_factory=list, description="0-based turns that discuss it")


class Governance(_Model):
    """A practice that would close one or more flagged gaps."""

    id: str
    title: str
    rationale: str
    addresses: list[str] = Field(default_factory=list, description="flag ids")
    owner_role: Role
    framework: str
    priority: Severity


# Every offline report says what it is and how to get more; renderers print it last.
OFFLINE_NOTE = (
    "Read by the offline engine (rules and a small learned scorer, nothing sent anywhere); "
    "for the fuller LLM analysis run with --provider openai, or --base-url for a local "
    "OpenAI-compatible server."
)


class EngineInfo(_Model):
    provider: str = "offline"
    model: str | None = None
    prompt_version: str | None = None
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    elapsed_s: float = 0.0
    quotes_checked: int = Field(default=0, description="evidence quotes the grounding step checked")
    quotes_dropped: int = Field(
        default=0, description="quotes dropped because they are not in the transcript"
    )


# --- a meeting series (coach track) ---------------------------------------------------------------


class OpenCommitment(_Model):
    """A commitment from an earlier meeting of a series, which a later meeting may speak of."""

    id: str = Field(description="its id in the series, e.g. C7")
    description: str
    owner: str | None = None
    due: dt.date | None = None
    quote: str | None = Field(default=None, description="the promise as it was said")


class StatusUpdate(_Model):
    """What a meeting said about an earlier commitment: done, slipped, dropped, or still open."""

    commitment: str = Field(description="the OpenCommitment id it speaks of")
    status: Progress
    new_due: dt.date | None = Field(default=None, description="for slipped: the new due date")
    new_due_text: str | None = Field(default=None, description="the new time as said")
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)


class Report(_Model):
    """Everything coach says about one meeting."""

    schema_version: Literal["2"] = SCHEMA_VERSION
    meeting: Meeting = Field(default_factory=Meeting)
    flags: list[Flag] = Field(default_factory=list)
    action_items: list[ActionItem] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    objections: list[Objection] = Field(default_factory=list)
    governance: list[Governance] = Field(default_factory=list)
    coverage: dict[Category, Coverage] = Field(default_factory=dict)
    updates: list[StatusUpdate] = Field(
        default_factory=list,
        description="what this meeting said about earlier commitments (only when they were given)",
    )
    engine: EngineInfo = Field(default_factory=EngineInfo)
    warnings: list[str] = Field(default_factory=list)
