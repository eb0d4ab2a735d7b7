"""The engine against closed-form theory, where a configuration matches a theorem."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negsim.agents.model import simulate
from negsim.sim.outcomes import Outcome
from negsim.sim.runspec import build_protocol
from negsim.sim.scenarios import split_the_pie
from negsim.sim.spec import RunSpec, ScenarioSpec
from negsim.sim.theory import (
    compromise,
    degroot_limit,
    friedkin_johnsen_limit,
    nash_bargaining,
    rubinstein_share,
    weighted_median,
)
from negsim.sim.validate import build_scenario
from tests.strategies import scenario_mapping


def run_of(scenario: ScenarioSpec, replications: int = 3, **protocol) -> RunSpec:
    return RunSpec(scenario=scenario, protocol=build_protocol(protocol), seed=0, replications=replications)


def arrays(scenario: ScenarioSpec):
    ideals = np.array([a.ideal for a in scenario.actors])
    salience = np.array([a.salience for a in scenario.actors])
    capability = np.array([a.capability for a in scenario.actors])
    return ideals, salience, capability


@pytest.mark.parametrize(("delta_a", "delta_b"), [(0.9, 0.9), (0.9, 0.8), (0.6, 0.95), (0.99, 0.5)])
def test_equilibrium_offers_give_rubinsteins_split(delta_a, delta_b):
    scenario = split_the_pie(discount_a=delta_a, discount_b=delta_b, deadline=400)
    result = simulate(run_of(scenario, name="alternating_offers"))
    share = rubinstein_share(delta_a, delta_b)
    assert np.all(result.outcome == Outcome.AGREEMENT)
    assert np.all(result.rounds == 1)  # agreement without delay
    np.testing.assert_allclose(result.terms[:, 0], share, rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.utility, [[share, 1 - share]] * 3, rtol=0, atol=1e-9)


@pytest.mark.parametrize(("rho_a", "rho_b"), [(1.0, 1.0), (1.0, 2.0), (3.0, 1.0)])
def test_rubinstein_tends_to_asymmetric_nash_as_offers_speed_up(rho_a, rho_b):
    """Binmore, Rubinstein and Wolinsky (1986): as the time between offers
    shrinks, the split tends to the Nash solution with powers 1 / rho."""
    nash = nash_bargaining(np.array([[1.0], [0.0]]), np.ones((2, 1)), np.zeros(2), low=np.zeros(1),
                           high=np.ones(1), weights=np.array([1 / rho_a, 1 / rho_b]))[0]  # fmt: skip
    assert nash == pytest.approx(rho_b / (rho_a + rho_b), abs=1e-7)
    errors = []
    for dt in (1e-2, 1e-3):
        scenario = split_the_pie(discount_a=math.exp(-rho_a * dt), discount_b=math.exp(-rho_b * dt),
                                 deadline=int(80 / ((rho_a + rho_b) * dt)))  # fmt: skip
        result = simulate(run_of(scenario, replications=1, name="alternating_offers"))
        errors.append(abs(result.terms[0, 0] - nash))
    assert errors[1] < 2e-3
    assert errors[1] <= errors[0] / 5 or errors[0] < 1e-9


def consensus_scenario(seed: int, anchor_issues: int = 3) -> ScenarioSpec:
    """All veto, immovable, willing to take any deal from the second round on."""
    raw = scenario_mapping(np.random.default_rng(seed), actors=5, issues=anchor_issues, style="linear",
                           stubbornness=(1.0, 1.0), deadline=2)  # fmt: skip
    return build_scenario(raw)


@pytest.mark.parametrize("seed", range(5))
def test_mediated_mean_anchor_agrees_on_the_compromise(seed):
    scenario = consensus_scenario(seed)
    result = simulate(run_of(scenario, name="mediated", anchor="mean", amend_rate=0.0))
    ideals, salience, capability = arrays(scenario)
    assert np.all(result.outcome == Outcome.AGREEMENT)
    np.testing.assert_allclose(result.terms, np.tile(compromise(ideals, capability, salience), (3, 1)), atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_mediated_median_anchor_agrees_on_the_weighted_median(seed):
    scenario = consensus_scenario(seed)
    result = simulate(run_of(scenario, name="mediated", anchor="median", amend_rate=0.0))
    ideals, salience, capability = arrays(scenario)
    expected = [weighted_median(ideals[:, k], capability * salience[:, k]) for k in range(ideals.shape[1])]
    assert np.all(result.outcome == Outcome.AGREEMENT)
    np.testing.assert_allclose(result.terms, np.tile(expected, (3, 1)), atol=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_influence_alone_converges_to_friedkin_johnsen(seed):
    raw = scenario_mapping(np.random.default_rng(seed), actors=6, issues=3, stubbornness=(0.1, 0.9), deadline=400)
    scenario = build_scenario(raw)
    result = simulate(run_of(scenario, replications=2, name="influence_only"))
    ideals, _, _ = arrays(scenario)
    stubbornness = np.array([a.stubbornness for a in scenario.actors])
    expected = friedkin_johnsen_limit(scenario.influence_matrix(), 1 - stubbornness, ideals)
    assert np.all(result.outcome == Outcome.STALEMATE)
    np.testing.assert_allclose(result.final_positions, np.broadcast_to(expected, (2, *expected.shape)), atol=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_influence_without_stubbornness_reaches_degroot_consensus(seed):
    raw = scenario_mapping(np.random.default_rng(seed), actors=5, issues=2, stubbornness=(0.0, 0.0), edge_p=1.0,
                           deadline=3000)  # fmt: skip
    scenario = build_scenario(raw)
    result = simulate(run_of(scenario, replications=1, name="influence_only"))
    expected = degroot_limit(scenario.influence_matrix(), arrays(scenario)[0])
    np.testing.assert_allclose(result.final_positions[0], expected, atol=1e-9)
    assert np.ptp(expected, axis=0).max() < 1e-12  # a consensus


# The references themselves, against their defining properties.


@settings(max_examples=60)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0.01, 10)), min_size=1, max_size=9))
def test_weighted_median_minimises_weighted_absolute_deviation(points):
    values, weights = np.array(points).T
    median = weighted_median(values, weights)
    cost = [np.sum(weights * np.abs(values - v)) for v in values]
    assert np.sum(weights * np.abs(values - median)) <= min(cost) + 1e-9


@settings(max_examples=40)
@given(st.integers(0, 2**32 - 1))
def test_compromise_minimises_weighted_squared_distance(seed):
    rng = np.random.default_rng(seed)
    ideals, salience, capability = rng.random((4, 2)), rng.dirichlet(np.ones(2), 4), rng.uniform(0.1, 1, 4)
    best = compromise(ideals, capability, salience)
    weights = capability[:, None] * salience
    for _ in range(20):
        other = best + rng.normal(0, 0.05, 2)
        assert np.sum(weights * (ideals - best) ** 2) <= np.sum(weights * (ideals - other) ** 2) + 1e-12


@pytest.mark.parametrize("seed", range(4))
def test_nash_solution_beats_every_other_feasible_package(seed):
    rng = np.random.default_rng(seed)
    ideals, salience = rng.random((3, 2)), rng.dirichlet(np.ones(2), 3)
    low, high = np.zeros(2), np.ones(2)
    d = np.full(3, 0.2)
    best = nash_bargaining(ideals, salience, d, low=low, high=high)

    def product(x):
        return np.prod(1 - (salience * np.abs(x - ideals)).sum(axis=1) - d)

    grid = np.stack(np.meshgrid(np.linspace(0, 1, 101), np.linspace(0, 1, 101)), -1).reshape(-1, 2)
    assert product(best) >= max(product(x) for x in grid) - 1e-9


def test_one_issue_nash_with_outside_option():
    """u_a = x, u_b = 1 - x, d = (0.2, 0): maximise (x - 0.2)(1 - x) at x = 0.6."""
    x = nash_bargaining(np.array([[1.0], [0.0]]), np.ones((2, 1)), np.array([0.2, 0.0]), low=np.zeros(1),
                        high=np.ones(1))  # fmt: skip
    assert x[0] == pytest.approx(0.6, abs=1e-9)
