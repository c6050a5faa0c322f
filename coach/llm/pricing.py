"""A dated price table, so reports can say what a run cost."""

from __future__ import annotations

from coach.llm.protocol import Usage

PRICES_AS_OF = "2026-11-01"
# US dollars per million tokens: input, cached input, output. Unknown models (local servers) cost 0.
PRICES: dict[str, tuple[float, float, float]] = {
    "gpt-4.1": (2.00, 0.50, 8.00),
    "gpt-4.1-mini": (0.40, 0.10, 1.60),
    "gpt-4.1-nano": (0.10, 0.025, 0.40),
    "gpt-4o": (2.50, 1.25, 10.00),
    "gpt-4o-mini": (0.15, 0.075, 0.60),
    "gpt-5": (1.25, 0.125, 10.00),
    "gpt-5-mini": (0.25, 0.025, 2.00),
    "gpt-5-nano": (0.05, 0.005, 0.40),
    "o4-mini": (1.10, 0.275, 4.40),
}

BATCH_PRICES_AS_OF = PRICES_AS_OF
# The Batch API (results within 24 h) costs half the synchronous price, cached input included.
BATCH_PRICES: dict[str, tuple[float, float, float]] = {
    model: (fresh / 2, cached / 2, output / 2) for model, (fresh, cached, output) in PRICES.items()
}


def price_for(model: str, *, batch: bool = False) -> tuple[float, float, float] | None:
    """Prices for a model name, matching dated snapshots ("gpt-4.1-mini-2025-04-14") to their family.

    `batch` gives the Batch API's prices.
    """
    family = model if model in PRICES else None
    if family is None:
        family = max((m for m in PRICES if model.startswith(m + "-")), key=len, default=None)
    if family is None:
        return None
    return (BATCH_PRICES if batch else PRICES)[family]


def cost_usd(model: str, usage: Usage, *, batch: bool = False) -> float:
    """What the usage cost, by the table (0.0 for models it does not list); `batch` for the Batch API."""
    prices = price_for(model, batch=batch)
    if prices is None:
        return 0.0
    fresh = max(usage.input_tokens - usage.cached_tokens, 0)
    total = fresh * prices[0] + usage.cached_tokens * prices[1] + usage.output_tokens * prices[2]
    return round(total / 1_000_000, 6)
