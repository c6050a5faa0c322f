"""What the model must return: drafts of the report's items, in a strict-output-friendly shape.

Strict structured outputs want every field required (optional means nullable), no defaults and
no length or pattern keywords; the checks those keywords would make live in validators here, and
a failed check is sent back to the model as a re-ask.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from coach.models import Category, Severity


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DraftEvidence(_Strict):
    turn: int
    quote: str

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
    category: Category
    severity: Severity
    title: str
    summary: str
    parties: list[str]
    evidence: list[DraftEvidence]
    conversation: str
    confidence: float

    @field_validator("evidence")
    @classmethod
    def _has_evidence(cls, value: list[DraftEvidence]) -> list[DraftEvidence]:
        if not value:
            raise ValueError("every flag needs at least one quote as evidence")
        return value


class DraftAction(_Strict):
    description: str
    owner: str | None
    due: str | None
    due_text: str | None
    evidence: list[DraftEvidence]
    confidence: float

    @field_validator("due")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(
                    f"due must be an ISO date YYYY-MM-DD or null, got {value!r}"
                ) from None
        return value


class DraftDecision(_Strict):
    description: str
    evidence: list[DraftEvidence]


class Draft(_Strict):
    """The model's findings for one transcript part."""

    flags: list[DraftFlag]
    action_items: list[DraftAction]
    decisions: list[DraftDecision]
    discussed: list[Category]


def strict_schema() -> dict[str, Any]:
    """The JSON schema for strict structured outputs, generated from the Draft model."""
    from openai.lib._pydantic import to_strict_json_schema

    return to_strict_json_schema(Draft)
