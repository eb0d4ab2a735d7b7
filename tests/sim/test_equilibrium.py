"""The equilibrium style against backward induction written with linear programs, and against Rubinstein."""

from __future__ import annotations

import numpy as np
import pytest

from negsim.agents.model import simulate
from negsim.sim.concession import proposer_chances, proposer_order
from negsim.sim.equilibrium import backward_induction
from negsim.sim.outcomes import Outcome
from negsim.sim.runspec import build_protocol
from negsim.sim.scenarios import split_the_pie
from negsim.sim.spec import RunSpec
from negsim.sim.theory import rubinstein_share
from negsim.sim.validate import build_scenario
from tests.lp import Deals
from tests.strategies import WHY, scenario_mapping


def lp_backward_induction(deals: Deals, discount: np.ndarray, deadline: int, order=None, chance=None) -> np.ndarray:
    """``V(0)``: what each party expects at the start, computed round by round with linear programs."""
    r = deals.reservation
    value = r.copy()
    for t in range(deadline - 1, -1, -1):
        threshold = r + discount * (value - r)
        proposers = [order[t]] if chance is None else range(deals.n)
        expected = np.zeros(deals.n)
        for p in proposers:
            best = deals.best_for(p, threshold)
            got = threshold.copy()
            if best >= threshold[p] - 1e-12:
                got = threshold.copy()
                got[p] = best
                got = deals.settle(got - 1e-10)  # the proposer's best; what is free goes to whoever can take it
            expected += got * (1.0 if chance is None else chance[p])
        value = expected
    return value


def three_party(seed: int):
    rng = np.random.default_rng(seed)
    raw = scenario_mapping(rng, actors=3, issues=2, edge_p=0.0, style="equilibrium")
    for _i, spec in enumerate(raw["actors"].values()):
        spec["reservation"] = float(rng.uniform(0, 0.3))
        spec["discount"] = float(rng.uniform(0.8, 0.99))
        spec["capability"] = float(rng.uniform(0.2, 1.0))
    return build_scenario(raw)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("weighted", [False, True])
def test_backward_induction_matches_linear_programs(seed, weighted):
    scenario = three_party(seed)
    deals = Deals(scenario)
    from negsim.agents.model import NegotiationModel

    run = RunSpec(scenario=scenario, protocol=build_protocol({"name": "alternating_offers",
                                                              "proposer": "weighted" if weighted else "rotation"}),
                  seed=0, replications=1)  # fmt: skip
    model = NegotiationModel(run)
    played = model.behaviour.equilibrium
    discount = np.array([a.discount for a in scenario.actors])
    T = scenario.deadline
    if weighted:
        chance = proposer_chances(scenario)[model.veto]
        expected = lp_backward_induction(deals, discount, T, chance=chance)
    else:
        veto = list(np.flatnonzero(model.veto))
        order = [veto.index(proposer_order(scenario)[t % 3]) for t in range(T)]
        expected = lp_backward_induction(deals, discount, T, order=order)
    np.testing.assert_allclose(played.value[0, 0], expected, atol=1e-9)


@pytest.mark.parametrize(("delta_a", "delta_b"), [(0.9, 0.9), (0.9, 0.8), (0.6, 0.95), (0.99, 0.5)])
def test_equilibrium_offers_give_rubinsteins_split(delta_a, delta_b):
    scenario = split_the_pie(discount_a=delta_a, discount_b=delta_b, deadline=400)
    run = RunSpec(scenario=scenario, protocol=build_protocol({"name": "alternating_offers"}), seed=0, replications=3)
    result = simulate(run)
    share = rubinstein_share(delta_a, delta_b)
    assert np.all(result.outcome == Outcome.AGREEMENT)
    assert np.all(result.rounds == 1)  # agreement without delay
    np.testing.assert_allclose(result.terms[:, 0], share, rtol=0, atol=1e-9)
    np.testing.assert_allclose(result.utility, [[share, 1 - share]] * 3, rtol=0, atol=1e-9)


@pytest.mark.parametrize("deadline", [1, 2, 3, 40, 400, 401])
def test_finite_deadlines_follow_stahl(deadline):
    """With reservations (0.1, 0.3), the first proposer gets 0.1 plus its share of the 0.6 left:
    ``(1 - (-delta)^T) / (1 + delta)`` of it after ``T`` rounds (Ståhl 1972; Rubinstein as T grows)."""
    delta = 0.999
    raw = {"name": "pie", "deadline": deadline, "issues": {"share": {"low_label": "b", "high_label": "a"}},
           "actors": {name: {"ideal": {"share": ideal}, "salience": {"share": 1.0}, "capability": 1.0,
                             "concession": "equilibrium", "discount": delta, "reservation": reservation,
                             "evidence": {"ideal.share": WHY, "profile": WHY}}
                      for name, ideal, reservation in (("a", 1.0, 0.1), ("b", 0.0, 0.3))}}  # fmt: skip
    scenario = build_scenario(raw)
    result = simulate(RunSpec(scenario=scenario, protocol=build_protocol({"name": "alternating_offers"}), seed=0,
                              replications=1))  # fmt: skip
    share = (1 - (-delta) ** deadline) / (1 + delta)
    assert result.value[0, 0] == pytest.approx(0.1 + 0.6 * share, abs=1e-9)
    assert result.value[0, 1] == pytest.approx(1 - 0.1 - 0.6 * share, abs=1e-9)


def test_the_solver_handles_three_veto_parties_without_sum_to_one_utilities():
    """Backward induction works for any number of veto parties (scenarios may use it with two, see validation)."""
    scenario = three_party(11)
    run = RunSpec(scenario=scenario, protocol=build_protocol({"name": "alternating_offers"}), seed=0, replications=2)
    result = simulate(run)
    deals = Deals(scenario)
    assert np.all(result.outcome == Outcome.AGREEMENT) and np.all(result.rounds == 1)
    assert deals.pareto_gap(result.terms[0]) <= 1e-7


def test_backward_induction_needs_the_frontier_only():
    from negsim.sim.frontier import Frontier

    frontier = Frontier(np.array([[1.0], [0.0]]), np.ones((2, 1)), np.zeros(1), np.ones(1))
    played = backward_induction(frontier, np.zeros((1, 2)), np.array([0.9, 0.9]), 2, order=np.array([0, 1]))
    np.testing.assert_allclose(played.value[0, 0], [0.1, 0.9])  # the second proposer holds the last word
