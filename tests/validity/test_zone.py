"""Zone of possible agreement, efficiency and individual rationality, on generated negotiations.

Noise off: talks end in agreement (for any deadline of one round or more) exactly when some package inside every
veto party's red lines and linkages is worth at least its reservation to each (decided by linear programs,
independently of the engine), and every such agreement is Pareto-efficient among the veto parties. Noise on:
still no agreement without a zone, and no agreement below what no deal is worth or across a red line.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given

from negsim.sim.outcomes import Outcome
from tests.strategies import negotiations
from tests.validity.common import EXACT, agreed, changed, deals_of, play, quiet, run_of

#: Efficiency tolerance the issue sets: no package may raise every veto party by more than this.
PARETO = 0.01


def keeps_every_rule(raw: dict, protocol: dict, terms: np.ndarray) -> bool:
    """Whether agreed packages ``(R, m)`` keep every veto party's red lines and linkages (read off the spec)."""
    scenario = run_of(raw, protocol).scenario
    ok = np.ones(len(terms), bool)
    for actor in scenario.actors:
        if actor.veto:
            ok &= np.all(terms >= np.array(actor.red_low) - 1e-9, axis=1)
            ok &= np.all(terms <= np.array(actor.red_high) + 1e-9, axis=1)
    for link in scenario.linkages:
        k, q = scenario.issue_index(link.issue), scenario.issue_index(link.when_issue)
        span_k, span_q = scenario.issues[k].span, scenario.issues[q].span
        inside = (terms[:, k] >= link.low - 1e-9 * span_k) & (terms[:, k] <= link.high + 1e-9 * span_k)
        condition = (terms[:, q] >= link.when_low - 1e-9 * span_q) & (terms[:, q] <= link.when_high + 1e-9 * span_q)
        ok &= inside | condition
    return bool(ok.all())


@given(negotiations(noise=False))
def test_agreement_exactly_when_a_zone_exists(case):
    raw, protocol = case
    deals = deals_of(raw)
    depth = deals.zopa_depth() if deals.boxes else -np.inf
    for deadline in (raw["deadline"], 1):
        result = play(changed(raw, "deadline", deadline), protocol)
        if depth > 1e-9:
            assert result.outcome[0] == Outcome.AGREEMENT, f"zone of depth {depth:.3g} but {result.outcome[0]}"
        elif depth < -1e-9:
            assert result.outcome[0] == Outcome.BREAKDOWN and result.rounds[0] == 0
    result = play(raw, protocol)
    if agreed(result)[0]:
        terms = result.terms
        assert deals.pareto_gap(terms[0]) <= PARETO
        assert deals.pareto_gap(terms[0]) <= EXACT  # in fact exactly efficient
        values = deals.utility(terms[0])
        assert np.all(values >= deals.reservation - EXACT)
        for i in range(deals.n):  # nobody could gain alone either (strong efficiency)
            assert deals.best_for(i, values) <= values[i] + EXACT
        assert keeps_every_rule(raw, protocol, terms)


@given(negotiations(noise=True, escalation=True))
def test_noise_makes_no_deal_where_none_exists_and_none_below_no_deal(case):
    raw, protocol = case
    deals = deals_of(raw)
    depth = deals.zopa_depth() if deals.boxes else -np.inf
    result = play(raw, protocol, replications=30, seed=7)
    done = agreed(result)
    if depth < -1e-9:
        assert not done.any()
    if done.any():
        veto = np.array([spec.get("veto", True) for spec in raw["actors"].values()])
        reservation = np.array([spec["reservation"] for spec in raw["actors"].values()])
        assert np.all(result.value[done][:, veto] >= reservation[veto] - EXACT)
        assert np.all(result.utility[done][:, veto] >= reservation[veto] - EXACT)
        assert keeps_every_rule(raw, protocol, result.terms[done])
        assert max(deals.pareto_gap(x) for x in result.terms[done][:5]) <= EXACT  # noisy deals are efficient too
    quiet_result = play(quiet(raw), protocol)
    if not agreed(quiet_result)[0] and quiet_result.outcome[0] == Outcome.BREAKDOWN:
        assert not done.any()  # noise never opens a zone that is not there
