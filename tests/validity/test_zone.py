"""Zone of possible agreement, efficiency and individual rationality, on generated negotiations.

Noise off: talks end in agreement (for any deadline of one round or more) exactly when some package inside every
veto party's red lines and linkages is worth at least its reservation to each (decided by linear programs,
independently of the engine), and every such agreement is Pareto-efficient among the veto parties. Noise on:
still no agreement without a zone, and no agreement below what no deal is worth or across a red line.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from negsim.sim.draws import spawn_generators
from negsim.sim.outcomes import Outcome
from tests.strategies import negotiations
from tests.validity.common import (
    EXACT,
    LIBRARY,
    PROTOCOLS,
    agreed,
    changed,
    deals_of,
    library_scenario,
    play,
    quiet,
    run_of,
)

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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
@pytest.mark.parametrize("scenario", LIBRARY)
@pytest.mark.parametrize("protocol", PROTOCOLS[:3], ids=lambda p: "-".join(p.values()))
def test_library_deals_keep_every_rule_and_leave_no_gain(scenario, protocol):
    """On the scenario library as it ships (noise and all): the zone decides, and no agreed package leaves a
    gain for every veto party (nor, under alternating offers, for any one of them alone)."""
    raw = library_scenario(scenario)
    deals = deals_of(raw)
    result = play(raw, protocol, replications=60, seed=1)
    done = agreed(result)
    if deals.zopa_depth() < -1e-9:
        assert not done.any()
    for x in result.terms[done][:10]:
        values = deals.utility(x)
        assert deals.pareto_gap(x) <= EXACT and np.all(values >= deals.reservation - EXACT)
        if protocol["name"] == "alternating_offers":
            for i in range(deals.n):
                assert deals.best_for(i, values) <= values[i] + EXACT
    assert keeps_every_rule(raw, protocol, result.terms[done])


@pytest.mark.slow
@given(negotiations(noise=False))
def test_a_deal_comes_exactly_when_what_the_parties_believe_no_deal_is_worth_leaves_a_zone(case):
    """Perception noise is each veto party overrating its alternative (drawn once per replication): the talks
    agree exactly in the replications where a package is worth that much to every veto party."""
    raw, protocol = case
    raw = changed(raw, "noise", {"perception": 0.1})
    run = run_of(raw, protocol, seed=4, replications=12)
    result = play(raw, protocol, seed=4, replications=12)
    deals = deals_of(raw)
    if not deals.boxes:
        assert not agreed(result).any()
        return
    # the optimism stream holds one standard normal per replication and actor (see sim/draws.py)
    optimism = 0.1 * np.abs(spawn_generators(4)[1].optimism.standard_normal((12, len(run.scenario.actors))))
    veto = np.array([a.veto for a in run.scenario.actors])
    for r in range(12):
        believed = np.minimum(deals.reservation + optimism[r, veto], 1.0)
        depth = deals.slack(believed)
        if depth > 1e-7:
            assert agreed(result)[r]
        elif depth < -1e-7:
            assert not agreed(result)[r]


def _red_line_against_linkage(noise: dict) -> dict:
    """The first release's breach (issue 9, finding 2): A's red line x <= 0.3 and B's linkage "x >= 0.6 unless
    y >= 0.9". Clipping into A's red line and then applying B's linkage pushed x back to 0.6."""
    why = "judgment: a test"
    actor = {"capability": 0.5, "discount": 0.95, "reservation": 0.0, "concession": "linear",
             "evidence": {"ideal.x": why, "ideal.y": why, "profile": why}}  # fmt: skip
    issues = {k: {"low_label": "low", "high_label": "high"} for k in ("x", "y")}
    return {
        "name": "breach", "deadline": 20, "issues": issues, "influence": {}, "noise": noise,
        "actors": {
            "a": {**actor, "ideal": {"x": 0.1, "y": 0.2}, "salience": {"x": 0.7, "y": 0.3},
                  "red_lines": {"x": {"max": 0.3}}, "evidence": {**actor["evidence"], "red_lines.x": why}},
            "b": {**actor, "ideal": {"x": 0.8, "y": 0.5}, "salience": {"x": 0.4, "y": 0.6}},
        },
        "linkages": {"tied": {"actor": "b", "issue": "x", "min": 0.6, "when": {"issue": "y", "min": 0.9},
                              "evidence": why}},
    }  # fmt: skip


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("noise", [{}, {"perception": 0.1, "p_shock": 0.2, "shock_size": 0.2}])
def test_a_linkage_never_pushes_the_terms_across_another_partys_red_line(protocol, noise):
    raw = _red_line_against_linkage(noise)
    result = play(raw, protocol, replications=400)
    deals = agreed(result)
    assert deals.any()  # the zone exists: x <= 0.3 with y >= 0.9
    terms = result.terms[deals]
    assert (terms[:, 0] <= 0.3 + EXACT).all() and (terms[:, 1] >= 0.9 - EXACT).all(), terms.max(axis=0)
    assert keeps_every_rule(raw, protocol, terms)


@pytest.mark.parametrize("capability", [0.738, 1.0])
def test_a_meeting_point_on_a_nearly_flat_facet_is_still_reached(capability):
    """Found by the long profile: a party that barely cares about one issue (salience 0.0005 on a scale of
    100) makes a facet almost flat, and the meeting point computed on it lay a hair beyond every package, so
    recovering the package failed. The package is now the one that falls least short (within 1e-7)."""
    judged = {"profile": "judgment: test", "ideal.i0": "judgment: test", "ideal.i1": "judgment: test",
              "ideal.i2": "judgment: test"}  # fmt: skip
    raw = {
        "name": "flat", "deadline": 29,
        "issues": {"i0": {"low_label": "low", "high_label": "high", "low": -1.0, "high": 1.0},
                   "i1": {"low_label": "low", "high_label": "high", "low": -1.0, "high": 99.0},
                   "i2": {"low_label": "low", "high_label": "high", "low": 10.0, "high": 110.0}},
        "actors": {
            "a0": {"veto": True, "capability": capability, "ideal": {"i0": 0.0, "i1": 19.0, "i2": 20.0},
                   "salience": {"i0": 0.9892367045132796, "i1": 0.0, "i2": 0.010763295486720423},
                   "discount": 0.972, "reservation": 0.553, "concession": "conceder", "evidence": judged},
            "a1": {"veto": True, "capability": 0.563, "ideal": {"i0": -0.9, "i1": 3.0, "i2": 28.0},
                   "salience": {"i0": 0.17083108831323413, "i1": 0.0004743386708359273, "i2": 0.8286945730159299},
                   "discount": 0.871, "reservation": 0.357, "concession": 0.37,
                   "red_lines": {"i0": {"max": -0.30000000000000004}, "i2": {"max": 100.0}},
                   "evidence": judged | {"red_lines.i0": "judgment: test", "red_lines.i2": "judgment: test"}},
        },
    }  # fmt: skip
    result = play(raw, {"name": "alternating_offers", "proposer": "rotation"}, replications=1, seed=3)
    assert result.outcome[0] == Outcome.AGREEMENT
