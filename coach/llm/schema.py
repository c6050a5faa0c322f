"""What the model must return: drafts of the report's items, in a strict-output-friendly shape.

Strict structured outputs want every field required (optional means nullable), no defaults and
no length or pattern keywords; the checks those keywords would make live in validators here, and
a failed check is sent back to the model as a re-ask.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from coach.models import Category, DecisionGap, Progress, Severity, Strength


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _fill(data: Any, info: ValidationInfo, defaults: dict[str, Any]) -> Any:
    """A server in JSON mode may leave out the coaching-depth fields: they take the report's own
    defaults rather than costing a re-ask, and their names are noted in the validation context
    (`filled`) so the engine can say so in the report's warnings."""
    if not isinstance(data, dict):
        return data
    missing = [name for name in defaults if name not in data]
    if not missing:
        return data
    filled = (info.context or {}).get("filled")
    if filled is not None:
        filled.update(missing)
    return {**data, **{name: copy.copy(defaults[name]) for name in missing}}


class DraftEvidence(_Strict):
    turn: int = Field(description="The number in square brackets of the turn the quote is from.")
    quote: str = Field(
        description="Words copied character for character from that turn, fillers and false starts included."
    )

    @field_validator("quote")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("quote must be a non-empty verbatim excerpt of the turn")
        return value

    @field_validator("turn")
    @classmethod
    def _in_chunk(cls, value: int, info: ValidationInfo) -> int:
        turns = (info.context or {}).get("turns")
        if turns is not None and value not in turns:
            raise ValueError(
                f"turn {value} is not one of the numbered turns in this transcript part"
            )
        return value


class DraftFlag(_Strict):
    # Evidence and rationale come first so the model reasons over the quotes before it labels.
    evidence: list[DraftEvidence] = Field(
        description="The quotes that show the gap, from both functions when both voice it."
    )
    rationale: str = Field(
        description="One or two sentences on what the quotes show, written before the labels."
    )
    category: Category = Field(description="The one category the gap belongs to.")
    severity: Severity = Field(
        description="high: something that matters now is at risk and left unaddressed; medium: "
        "moderate stakes, or a concrete remedy agreed; low: a risk rather than present harm."
    )
    title: str = Field(description="A short headline for the gap.")
    summary: str = Field(description="Two or three sentences on the gap in this meeting.")
    parties: list[str] = Field(description="Speaker labels of the people involved.")
    conversation: str = Field(
        description="The category's question for these leaders, naming them and what is at stake."
    )
    confidence: float = Field(description="0 to 1: how sure you are that the gap is real.")

    @model_validator(mode="before")
    @classmethod
    def _rationale_optional(cls, data: Any) -> Any:
        # The rationale is the model's reasoning and never reaches the report: a server in JSON
        # mode that leaves it out is not asked again for it.
        if isinstance(data, dict) and "rationale" not in data:
            data = {**data, "rationale": ""}
        return data

    @field_validator("evidence")
    @classmethod
    def _has_evidence(cls, value: list[DraftEvidence]) -> list[DraftEvidence]:
        if not value:
            raise ValueError("every flag needs at least one quote as evidence")
        return value


class DraftAction(_Strict):
    evidence: list[DraftEvidence] = Field(
        description="The commitment; for an accepted request, the request and the acceptance."
    )
    description: str = Field(
        description="The deliverable, starting with a verb; without the condition, if any."
    )
    owner: str | None = Field(
        description="Speaker label of the person accountable; null when nobody took it."
    )
    requested_by: str | None = Field(
        description="For a request someone accepted: speaker label of who asked; else null."
    )
    due_text: str | None = Field(
        description='The time words as said ("EOD", "by end of next week", "the 28th"); '
        "null when none. Code resolves the date."
    )
    condition: str | None = Field(
        description='What the promise waits on, as said ("if finance approves the budget"); '
        "null when nothing."
    )
    strength: Strength = Field(
        description="firm: owner, concrete task and a time, no hedge; conditional: held by a "
        "condition; tentative: hedged, or no time, or no owner."
    )
    confidence: float = Field(description="0 to 1: how sure you are that this is a commitment.")

    @model_validator(mode="before")
    @classmethod
    def _ignore_due(cls, data: Any, info: ValidationInfo) -> Any:
        # The date is resolved from due_text by code; a date the model worked out itself (JSON
        # mode, or a habit of older prompts) is dropped rather than trusted or re-asked.
        if isinstance(data, dict) and "due" in data:
            data = {k: v for k, v in data.items() if k != "due"}
        return _fill(data, info, {"requested_by": None, "condition": None, "strength": "tentative"})


class DraftDecision(_Strict):
    evidence: list[DraftEvidence] = Field(description="The turn where it was settled.")
    description: str = Field(description="What was decided, in one sentence.")
    decided_by: str | None = Field(
        description="Speaker label of whose word settled it (who had the authority and said yes, "
        "or announced it); null when nobody can be identified."
    )
    review_text: str | None = Field(
        description='The words that say when it will be checked or revisited, as said ("at the '
        'March review", "in two weeks"); null when none. Code resolves the date.'
    )
    gaps: list[DecisionGap] = Field(
        description="What someone who was not there would lack to act on it: no decider, no "
        "owner (to carry it out), no review date, no success measure; empty when none."
    )

    @model_validator(mode="before")
    @classmethod
    def _depth_optional(cls, data: Any, info: ValidationInfo) -> Any:
        return _fill(data, info, {"decided_by": None, "review_text": None, "gaps": []})


class DraftObjection(_Strict):
    evidence: DraftEvidence = Field(description="The concern, in the words of who raised it.")
    speaker: str = Field(description="Speaker label of who raised it.")
    response: DraftEvidence | None = Field(
        description="The words that took it up with a concrete answer; null when nobody did."
    )
    answered: bool = Field(
        description='true when someone took it up with a concrete answer; a bare "noted" or '
        '"let\'s take that offline" is not an answer.'
    )

    @model_validator(mode="before")
    @classmethod
    def _response_optional(cls, data: Any, info: ValidationInfo) -> Any:
        return _fill(data, info, {"response": None})


class DraftUpdate(_Strict):
    evidence: DraftEvidence = Field(description="The words of this meeting that give the status.")
    commitment: str = Field(description="The id of the earlier commitment, as listed (C3).")
    status: Progress = Field(
        description="done: finished; slipped: late or its date moved; dropped: abandoned by "
        "agreement; open: in progress or promised again with no change."
    )
    new_due_text: str | None = Field(
        description="For slipped: the new time words as said; otherwise null."
    )


class Draft(_Strict):
    """The model's findings for one transcript part."""

    flags: list[DraftFlag] = Field(description="Misalignment gaps, at most one per category.")
    action_items: list[DraftAction] = Field(description="Commitments made in the meeting.")
    decisions: list[DraftDecision] = Field(description="What the meeting settled.")
    objections: list[DraftObjection] = Field(
        description="Concerns raised about a plan, proposal or decision, answered or not."
    )
    discussed: list[Category] = Field(
        description="Categories the meeting spent at least two turns on, flagged or not."
    )
    updates: list[DraftUpdate] = Field(
        description="What this meeting says about the earlier commitments listed, if any."
    )

    @model_validator(mode="before")
    @classmethod
    def _objections_optional(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and "updates" not in data:
            # Asked only in a series; a meeting analysed alone has nothing to leave out.
            data = {**data, "updates": []}
        return _fill(data, info, {"objections": []})


def strict_schema() -> dict[str, Any]:
    """The JSON schema for strict structured outputs, generated from the Draft model."""
    from openai.lib._pydantic import to_strict_json_schema

    return to_strict_json_schema(Draft)
