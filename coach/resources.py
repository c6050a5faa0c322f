"""Where the shipped data files live: inside the wheel, or the repo's prompts/ in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def prompts_dir() -> Path:
    """The prompts/ folder: coach/prompts in an installed wheel, ../prompts in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "prompts", here.parent / "prompts"):
        if (candidate / "frameworks.toml").is_file():
            return candidate
    raise FileNotFoundError("coach's prompts/ folder is missing; reinstall the package")


def read_prompt_file(name: str) -> str:
    """The text of one file in prompts/."""
    return (prompts_dir() / name).read_text(encoding="utf-8")
