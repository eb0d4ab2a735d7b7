"""The vectorised model and the per-replication reference agree draw for draw."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from negsim.agents.model import simulate
from negsim.sim.reference import simulate_reference
from negsim.sim.runspec import build_protocol, build_run
from negsim.sim.spec import RunSpec
from tests.strategies import rich_scenarios, scenarios

PROTOCOLS = [
    {"name": "alternating_offers"},
    {"name": "alternating_offers", "proposer": "weighted"},
    {"name": "mediated"},
    {"name": "mediated", "anchor": "median", "amend_rate": 0.5},
    {"name": "influence_only"},
]


def assert_same(run: RunSpec) -> None:
    fast, slow = simulate(run), simulate_reference(run)
    np.testing.assert_array_equal(fast.outcome, slow.outcome)
    np.testing.assert_array_equal(fast.rounds, slow.rounds)
    np.testing.assert_allclose(fast.terms, slow.terms, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.utility, slow.utility, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.final_positions, slow.final_positions, rtol=0, atol=1e-12)


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=lambda p: "-".join(map(str, p.values())))
@pytest.mark.parametrize("escalation", [False, True])
def test_baseline_fast_path_matches_reference(baseline_raw, protocol, escalation):
    baseline_raw["escalation"]["enabled"] = escalation
    run = build_run({"scenario": baseline_raw, "protocol": protocol, "seed": 11, "replications": 120})
    result = simulate(run)
    assert len(np.unique(result.outcome)) >= 2 or protocol["name"] == "influence_only"  # not a trivial case
    assert_same(run)


@settings(max_examples=15, deadline=None)
@given(scenarios(style="conceder", noise={"perception": 0.05, "p_shock": 0.1, "shock_size": 0.1}))
def test_random_scenarios_fast_path_matches_reference(scenario):
    for protocol in PROTOCOLS[:4]:
        run = RunSpec(scenario=scenario, protocol=build_protocol(protocol), seed=5, replications=8)
        assert_same(run)


@settings(max_examples=25, deadline=None)
@given(rich_scenarios(style="linear", noise={"perception": 0.05, "p_shock": 0.1, "shock_size": 0.1}))
def test_every_rule_matches_the_reference(scenario):
    for protocol in PROTOCOLS:
        run = RunSpec(scenario=scenario, protocol=build_protocol(protocol), seed=9, replications=6)
        assert_same(run)


@settings(max_examples=25, deadline=None)
@given(rich_scenarios(style="conceder", noise={"perception": 0.2}))
def test_nobody_signs_a_deal_worth_less_than_no_deal(scenario):
    """Perception noise may make a party accept early, never below its reservation value."""
    for protocol in PROTOCOLS[:4]:
        result = simulate(RunSpec(scenario=scenario, protocol=build_protocol(protocol), seed=2, replications=40))
        agreed = result.outcome == 1
        veto = np.array([a.veto for a in scenario.actors])
        reservation = np.array([a.reservation for a in scenario.actors])
        assert np.all(result.utility[agreed][:, veto] >= reservation[veto] - 1e-9)
