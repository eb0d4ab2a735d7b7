"""The demand shares: the one rule the engine and its reference oracle share, tested on its own."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negsim.sim.concession import proposer_chances, proposer_order, strengths
from negsim.sim.styles import STYLES, TimeDependent
from negsim.sim.validate import build_scenario
from tests.strategies import scenario_mapping


def test_shares_by_hand():
    shares = TimeDependent(2.0).shares(deadline=4, strength=1.0, discount=0.9)
    tau = np.array([0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(shares, (1 - tau**0.5) * 0.9 ** np.arange(1, 5))
    assert shares[-1] == 0.0  # every room is gone at the deadline


@settings(max_examples=60)
@given(st.floats(0.01, 10), st.floats(0.05, 3), st.floats(0.5, 1.0), st.integers(1, 60))
def test_shares_fall_and_reward_strength_patience_and_toughness(exponent, strength, discount, deadline):
    style = TimeDependent(exponent)
    shares = style.shares(deadline=deadline, strength=strength, discount=discount)
    assert np.all(np.diff(shares) <= 1e-15) and shares[-1] == 0 and np.all(shares >= 0) and np.all(shares <= 1)
    stronger = style.shares(deadline=deadline, strength=strength * 1.5, discount=discount)
    patient = style.shares(deadline=deadline, strength=strength, discount=min(1.0, discount + 0.05))
    tougher = TimeDependent(exponent / 1.5).shares(deadline=deadline, strength=strength, discount=discount)
    for other in (stronger, patient, tougher):
        assert np.all(other >= shares - 1e-15)
    pressed = style.shares(deadline=deadline, strength=strength, discount=discount, speed=2.0)
    assert np.all(pressed <= shares + 1e-15)


def test_named_styles_order_from_hardliner_to_conceder():
    shares = [STYLES[name]().shares(deadline=10, strength=1.0, discount=1.0)
              for name in ("hardliner", "boulware", "linear", "conceder")]  # fmt: skip
    for tough, soft in itertools.pairwise(shares):
        assert np.all(tough[:-1] > soft[:-1])


def test_strength_is_capability_against_an_equal_share_and_the_strongest_proposes_first():
    raw = scenario_mapping(np.random.default_rng(0), actors=3, issues=1, edge_p=0.0)
    for name, capability in zip(raw["actors"], (0.2, 0.5, 0.5), strict=True):
        raw["actors"][name]["capability"] = capability
    scenario = build_scenario(raw)
    np.testing.assert_allclose(strengths(scenario), [0.6, 1.5, 1.5])
    assert proposer_order(scenario).tolist() == [1, 2, 0]  # ties keep scenario order
    np.testing.assert_allclose(proposer_chances(scenario), [0.2 / 1.2, 0.5 / 1.2, 0.5 / 1.2])
    with pytest.raises(TypeError):
        STYLES["equilibrium"]().shares(deadline=3, strength=1.0, discount=1.0)
