"""Where the shipped data files live: inside the wheel, or the repo's folders in a checkout.

The wheel maps `prompts/` to `coach/prompts/`, and the core eval dataset and its baselines
(`evals/datasets/core`, `evals/baselines/core`) to `coach/evals/datasets/core` and
`coach/evals/baselines/core` (see pyproject.toml). In a source checkout or an editable install
the same files are read from the repository, so an edit there takes effect at once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
CORE_DATASET = "core"


def _find(here: Path, inside: str, beside: str, marker: str) -> Path | None:
    """`here/inside` in a wheel, `here/../beside` in a checkout: the first holding `marker`."""
    for candidate in (here / inside, here.parent / beside):
        if (candidate / marker).exists():
            return candidate
    return None


@cache
def prompts_dir() -> Path:
    """The prompts/ folder: coach/prompts in an installed wheel, ../prompts in a source checkout."""
    found = _find(_HERE, "prompts", "prompts", "frameworks.toml")
    if found is None:
        raise FileNotFoundError("coach's prompts/ folder is missing; reinstall the package")
    return found


def read_prompt_file(name: str) -> str:
    """The text of one file in prompts/."""
    return (prompts_dir() / name).read_text(encoding="utf-8")


@cache
def evals_dir() -> Path | None:
    """The folder holding `datasets/core` and `baselines/`: coach/evals in a wheel, ../evals in a
    checkout; None when neither has the core dataset."""
    return _find(_HERE, "evals", "evals", f"datasets/{CORE_DATASET}")


def core_dataset() -> Path | None:
    """The shipped core eval dataset (`coach eval`'s default), or None when it is missing."""
    found = evals_dir()
    return found / "datasets" / CORE_DATASET if found is not None else None


def is_installed_data(path: Path) -> bool:
    """True when `path` lies inside the installed package (a wheel's data, not a checkout's)."""
    try:
        path.resolve().relative_to(_HERE)
    except ValueError:
        return False
    return True
