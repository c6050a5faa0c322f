"""The framework data file (prompts/frameworks.toml): the one definition both engines read."""

from __future__ import annotations

import sys
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coach.models import CATEGORIES, Category, Role, Severity
from coach.resources import read_prompt_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Article(_Data):
    id: str
    title: str
    publisher: str
    summary: str
    author: str | None = None
    year: int | None = None
    date: str | None = None
    channel: str | None = None


class Signals(_Data):
    topics: tuple[str, ...] = ()
    marketing: tuple[str, ...] = ()
    it: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()


class Practice(_Data):
    """A governance practice that closes a gap."""

    id: str
    title: str
    rationale: str
    owner_role: Role
    priority: Severity


class CategoryInfo(_Data):
    id: Category
    title: str
    article: str
    framework: str
    description: str
    conversation: str
    signals: Signals
    governance: tuple[Practice, ...] = Field(min_length=1)


class Frameworks(_Data):
    version: str
    articles: tuple[Article, ...]
    categories: tuple[CategoryInfo, ...]
    roles: dict[Role, tuple[str, ...]] = Field(default_factory=dict)
    friction: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Frameworks:
        ids = [c.id for c in self.categories]
        if sorted(ids) != sorted(CATEGORIES):
            raise ValueError(
                f"frameworks.toml must define each of the nine categories once, got {ids}"
            )
        known = {a.id for a in self.articles}
        for c in self.categories:
            if c.article not in known:
                raise ValueError(f"category {c.id} cites unknown article {c.article!r}")
        return self

    def category(self, cid: str) -> CategoryInfo:
        """The entry for one category id."""
        return next(c for c in self.categories if c.id == cid)

    def article(self, aid: str) -> Article:
        """The entry for one article id."""
        return next(a for a in self.articles if a.id == aid)


@cache
def load_frameworks() -> Frameworks:
    """Read and validate prompts/frameworks.toml once per process."""
    return Frameworks.model_validate(tomllib.loads(read_prompt_file("frameworks.toml")))
