"""The learned scorer: small linear models over named features, read from a shipped weights file.

The weights are fitted by `train/train_offline.py` (scikit-learn, in the `train` extra) and stored
as JSON beside this module; scoring needs nothing but the standard library. Commitment and decision
weights are fitted partly on the AMI Meeting Corpus (CC BY 4.0, (c) the AMI Consortium).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import repeat
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("weights.json")


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True)
class Binary:
    """Logistic regression: P(yes | features) and the threshold that picks an item."""

    bias: float
    weights: dict[str, float]  # in units of 1 / scale
    threshold: float = 0.5
    scale: float = 1.0

    def prob(self, features: Iterable[str] | Mapping[str, float]) -> float:
        """The probability of a yes: binary features by name, or named values."""
        w = self.weights
        if isinstance(features, Mapping):
            total = sum(w.get(f, 0.0) * v for f, v in features.items())
        else:  # a feature counts once however often it fires, as it did in training
            total = sum(map(w.get, set(features), repeat(0.0)))
        return _sigmoid(self.bias + total / self.scale)

    def weight(self, feature: str) -> float:
        """One feature's weight (0 when the model does not know it)."""
        return self.weights.get(feature, 0.0) / self.scale

    def without(self, prefix: str) -> Binary:
        """The same model with every feature starting with `prefix` switched off."""
        return replace(
            self, weights={k: v for k, v in self.weights.items() if not k.startswith(prefix)}
        )


@dataclass(frozen=True)
class Multiclass:
    """Multinomial logistic regression over the nine categories and "none"."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]  # in units of 1 / scale
    scale: float = 1.0

    def probs(self, features: Iterable[str]) -> dict[str, float]:
        """P(class | features) for every class."""
        weights = self.weights
        rows = [row for f in set(features) if (row := weights.get(f)) is not None]
        # Column sums in C (zip and sum) rather than a Python loop per class: the engine calls
        # this once per unit, and it was its costliest line.
        k = 1.0 / self.scale
        scores = (
            [b + sum(col) * k for b, col in zip(self.bias, zip(*rows, strict=True), strict=True)]
            if rows
            else list(self.bias)
        )
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def without(self, prefix: str) -> Multiclass:
        """The same model with every feature starting with `prefix` switched off."""
        return replace(
            self, weights={k: v for k, v in self.weights.items() if not k.startswith(prefix)}
        )


@dataclass(frozen=True)
class Weights:
    """Every model the offline engine uses."""

    action: Binary
    decision: Binary
    category: Multiclass
    flag: Binary  # meeting level: is this category a gap here?
    objection: Binary | None = None  # a concern raised (older weight files have none)
    unit_threshold: float = 0.5  # a unit counts as a category signal at this probability
    vocab: frozenset[str] | None = None  # words the commitment and decision models know
    meta: dict[str, object] = field(default_factory=dict)

    def without(self, prefix: str) -> Weights:
        """All models with the features starting with `prefix` switched off (for --explain)."""
        return replace(
            self,
            action=self.action.without(prefix),
            decision=self.decision.without(prefix),
            category=self.category.without(prefix),
            flag=self.flag.without(prefix),
            objection=self.objection.without(prefix) if self.objection else None,
        )


def _binary(data: dict) -> Binary:
    # Weights are stored as integers of 1/scale: JSON reads them faster than floats, and the sum
    # is divided once per unit instead of converting each weight at load.
    return Binary(
        float(data["bias"]),
        dict(data["weights"]),
        float(data.get("threshold", 0.5)),
        float(data.get("scale", 1.0)),
    )


def _multiclass(data: dict) -> Multiclass:
    classes: Sequence[str] = data["classes"]
    return Multiclass(
        tuple(classes),
        tuple(float(b) for b in data["bias"]),
        {k: tuple(row) for k, row in data["weights"].items()},
        float(data.get("scale", 1.0)),
    )


def parse_weights(data: dict) -> Weights:
    """Weights from their JSON form."""
    return Weights(
        action=_binary(data["action"]),
        decision=_binary(data["decision"]),
        category=_multiclass(data["category"]),
        flag=_binary(data["flag"]),
        objection=_binary(data["objection"]) if "objection" in data else None,
        unit_threshold=float(data.get("unit_threshold", 0.5)),
        vocab=frozenset(data["vocab"]) if "vocab" in data else None,
        meta=dict(data.get("meta", {})),
    )


@cache
def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    """The shipped weights, read once per process."""
    return parse_weights(json.loads(path.read_text(encoding="utf-8")))
