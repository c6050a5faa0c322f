"""Who spoke: a flag says so when the function whose area it is barely took part."""

from __future__ import annotations

from coach.models import Flag, Meeting, Role

# Whose area each gap is: the function that has to act on it. Gaps that belong to both sides
# (pace, KPIs, talking past each other) have no single owner and get no note.
OWN_AREA: dict[str, str] = {
    "tech_ownership": "it",
    "data_governance": "it",
    "roadmap_misalignment": "it",
    "late_involvement": "it",
    "incubator_missed": "it",
    "ceo_support": "exec",
}
SIDE: dict[Role, str] = {
    "CIO": "it",
    "CTO": "it",
    "it": "it",
    "technology": "it",
    "CMO": "marketing",
    "marketing": "marketing",
    "CEO": "exec",
    "other": "other",
}
QUIET = 0.08  # under this share of the words, a function "barely spoke"
MIN_WORDS = 300  # a five-line exchange says nothing about who held back


def note_quiet_owners(flags: list[Flag], meeting: Meeting) -> list[Flag]:
    """Flags whose owning function was present but said under 8% of the words, with a sentence saying so."""
    if meeting.words < MIN_WORDS:
        return flags
    out = []
    for flag in flags:
        side = OWN_AREA.get(flag.category)
        present = [p for p in meeting.participants if side and SIDE[p.role] == side]
        share = sum(p.share for p in present)
        if present and share < QUIET:
            who = ", ".join(f"{p.name} ({p.role})" for p in present)
            note = f" {who} said {share:.0%} of the words in a meeting that touched their own area."
            flag = flag.model_copy(update={"summary": flag.summary.rstrip() + note})
        out.append(flag)
    return out
