"""The learned scorer: the shipped weights load, and scoring matches how they were fitted."""

from __future__ import annotations

import math

from coach.engines.offline.model import Binary, Multiclass, load_weights
from coach.models import CATEGORIES


def test_a_feature_counts_once_however_often_it_fires() -> None:
    b = Binary(bias=-1.0, weights={"w=the": 0.5, "r=x": 2.0})
    once = b.prob(["w=the", "r=x"])
    assert b.prob(["w=the", "w=the", "r=x"]) == once
    assert math.isclose(once, 1 / (1 + math.exp(-1.5)))
    assert math.isclose(b.prob({"r=x": 0.5}), 1 / (1 + math.exp(0.0)))


def test_multiclass_probabilities_sum_to_one_and_follow_the_weights() -> None:
    m = Multiclass(("a", "b"), (0.0, 0.0), {"w=x": (2.0, -2.0)})
    p = m.probs(["w=x", "w=x"])
    assert math.isclose(sum(p.values()), 1.0) and p["a"] > 0.95
    assert m.without("w=").probs(["w=x"]) == {"a": 0.5, "b": 0.5}


def test_integer_weights_of_a_scale_score_as_their_float_values() -> None:
    """Weights ship as integers of 1/scale (faster to read); scores must equal the float model's."""
    floats = Binary(-1.0, {"w=the": 0.5, "r=x": 2.0})
    ints = Binary(-1.0, {"w=the": 500, "r=x": 2000}, scale=1000.0)
    assert math.isclose(ints.prob(["w=the", "r=x"]), floats.prob(["w=the", "r=x"]))
    assert math.isclose(ints.prob({"r=x": 0.5}), floats.prob({"r=x": 0.5}))
    assert ints.weight("r=x") == 2.0 and ints.weight("w=unknown") == 0.0
    m_float = Multiclass(("a", "b"), (0.1, 0.0), {"w=x": (2.0, -2.0)})
    m_int = Multiclass(("a", "b"), (0.1, 0.0), {"w=x": (2000, -2000)}, scale=1000.0)
    for a, b in zip(m_int.probs(["w=x"]).values(), m_float.probs(["w=x"]).values(), strict=True):
        assert math.isclose(a, b)


def test_shipped_weights_cover_every_category_and_credit_ami() -> None:
    w = load_weights()
    assert set(w.category.classes) == {*CATEGORIES, "none"}
    assert 0 < w.action.threshold < 1 and 0 < w.decision.threshold < 1 and 0 < w.flag.threshold < 1
    assert w.vocab and "will" in w.vocab
    # The meeting-level flag model reads tallies (m=) and one offset per category (c=).
    assert all(k.startswith(("m=", "c=")) for k in w.flag.weights)
    assert {k for k in w.flag.weights if k.startswith("c=")} <= {f"c={c}" for c in CATEGORIES}
    assert "AMI" in str(w.meta.get("credit", ""))
    # Removing a feature family changes scores; the original is untouched.
    assert w.without("r=").action.weights != w.action.weights
    assert any(k.startswith("r=") for k in w.action.weights)
