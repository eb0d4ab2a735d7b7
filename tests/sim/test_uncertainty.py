"""Uncertain values: distributions in scenario files, the judgments switch, per-replication parameters."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from scipy import stats

from negsim.agents.model import simulate
from negsim.sim.errors import ConfigError
from negsim.sim.judgments import judged_values, widen
from negsim.sim.parameters import Parameters, draw_uniforms, nominal, parameters_for
from negsim.sim.runspec import build_protocol, build_run
from negsim.sim.scenarios import split_the_pie
from negsim.sim.spec import RunSpec
from negsim.sim.uncertainty import Distribution
from negsim.sim.validate import build_scenario
from tests.agents.test_reference import NOISE, PROTOCOLS, assert_same
from tests.strategies import rich_scenarios, scenarios


def ranged(raw: dict, **ranges) -> dict:
    """``raw`` with values replaced by distributions: ``actors__russia__reservation={...}``."""
    for path, value in ranges.items():
        *parents, last = path.split("__")
        node = raw
        for key in parents:
            node = node[key]
        node[last] = value
    return raw


# --- distributions ------------------------------------------------------------------------------


def test_quantiles_match_scipy():
    u = np.linspace(0.0, 1.0, 101)
    uniform = Distribution("uniform", 0.2, 0.6)
    np.testing.assert_allclose(uniform.quantile(u), stats.uniform(0.2, 0.4).ppf(u))
    triangular = Distribution("triangular", 0.1, 0.9, mode=0.3)
    np.testing.assert_allclose(triangular.quantile(u), stats.triang((0.3 - 0.1) / 0.8, loc=0.1, scale=0.8).ppf(u))
    normal = Distribution("normal", 0.2, 0.5, mean=0.3, sd=0.1)
    a, b = (0.2 - 0.3) / 0.1, (0.5 - 0.3) / 0.1
    np.testing.assert_allclose(normal.quantile(u), stats.truncnorm(a, b, loc=0.3, scale=0.1).ppf(u), atol=1e-9)
    assert (uniform.centre, triangular.centre, normal.centre) == (0.4, 0.3, 0.3)


@pytest.mark.parametrize(
    ("value", "key", "words"),
    [
        ({"distribution": "uniform", "low": 0.4, "high": 0.3}, "reservation.high", "is below low"),
        ({"distribution": "uniform", "low": 0.9, "high": 1.2}, "reservation.high", "leaves the legal values"),
        ({"distribution": "lognormal", "low": 0.1, "high": 0.2}, "reservation.distribution",
         "unknown distribution 'lognormal'; allowed: uniform, triangular, normal"),
        ({"distribution": "triangular", "low": 0.1, "high": 0.2}, "reservation.mode", "allowed: a finite number"),
        ({"distribution": "uniform", "low": 0.1, "high": 0.2, "sd": 1}, "reservation.sd", "unknown key 'sd'"),
        ({"distribution": "normal", "mean": 0.3, "sd": 0, "low": 0.1, "high": 0.5}, "reservation.sd", "> 0"),
    ],
)
def test_bad_ranges_get_one_line_errors(baseline_raw, value, key, words):
    raw = ranged(baseline_raw, actors__russia__reservation=value)
    with pytest.raises(ConfigError) as caught:
        build_scenario(raw)
    message = str(caught.value)
    assert f"scenario.actors.russia.{key}" in message and words in message
    assert "\n" not in message


def test_a_range_must_be_legal_in_every_draw(baseline_raw):
    # Ukraine's ideal on territory is 0 and its red line is max 0: a range above it breaks the red line
    raw = ranged(baseline_raw, actors__ukraine__ideal__territory_ceded={"distribution": "uniform", "low": 0.0,
                                                                       "high": 0.1})  # fmt: skip
    with pytest.raises(ConfigError, match=r"red_lines\.territory_ceded.*every value drawn"):
        build_scenario(raw)
    raw["actors"]["ukraine"]["ideal"]["territory_ceded"] = 0.0
    weight = {"distribution": "uniform", "low": 0.3, "high": 0.9}
    with pytest.raises(ConfigError, match=r"scenario.influence.\*.ukraine.*incoming weights sum to 1.1"):
        build_scenario(ranged(raw, influence__us__ukraine__weight=weight))


def test_salience_ranges_are_normalised_in_every_draw(baseline_raw):
    salience = baseline_raw["actors"]["russia"]["salience"]
    salience["territory_ceded"] = {"distribution": "uniform", "low": 0.15, "high": 0.35}  # centre 0.25: sums to 1
    scenario = build_scenario(baseline_raw)
    assert scenario.actors[0].salience[1] == pytest.approx(0.25)
    values = np.array([[0.15], [0.35], [0.25]])
    params = Parameters.from_values(scenario, values, replications=3)
    drawn = params.arrays["salience"]
    np.testing.assert_allclose(drawn[:, 0].sum(axis=1), 1.0)
    written = np.array(scenario.actors[0].salience)
    for row, value in zip(drawn[:, 0], values[:, 0], strict=True):
        expected = written.copy()
        expected[1] = value
        np.testing.assert_allclose(row, expected / expected.sum())
    np.testing.assert_array_equal(drawn[:, 1:], np.broadcast_to(nominal(scenario)["salience"][1:], drawn[:, 1:].shape))
    salience["territory_ceded"] = {"distribution": "uniform", "low": 0.3, "high": 0.4}
    with pytest.raises(ConfigError, match="centres of its ranges"):
        build_scenario(baseline_raw)


# --- the judgments switch -----------------------------------------------------------------------


def test_widening_touches_judgments_only_and_stays_legal(baseline_raw):
    scenario = build_scenario(baseline_raw)
    wide = widen(scenario, 0.05)
    judged = {key: (value, low, high) for key, value, low, high in judged_values(scenario)}
    assert {u.key for u in wide.uncertain} == set(judged)
    assert 35 <= len(judged) <= 50  # about 40 judgment-backed values in the baseline
    for u in wide.uncertain:
        value, low, high = judged[u.key]
        assert u.evidence == "judgment"
        assert low <= u.distribution.low <= value <= u.distribution.high <= high
    quoted = {"actors.russia.ideal.guarantee_inclusion", "actors.ukraine.ideal.territory_ceded",
              "influence.us.ukraine.weight", "actors.russia.red_lines.peacekeepers.max"}  # fmt: skip
    assert not quoted & set(judged)
    # every draw keeps the influence into Ukraine at most 1 and each ideal inside its actor's red lines
    run = build_run({"scenario": baseline_raw, "protocol": {"name": "alternating_offers"}, "seed": 3,
                     "replications": 400, "uncertainty": {"judgments": 0.3, "draws": 400}})  # fmt: skip
    arrays = parameters_for(run).arrays
    assert arrays["incoming"].sum(axis=2).max() <= 1.0 + 1e-12
    assert np.all((arrays["ideal"] >= arrays["red_low"] - 1e-12) & (arrays["ideal"] <= arrays["red_high"] + 1e-12))
    assert widen(scenario, 0.0) is scenario


def test_widening_keeps_judged_pairs_ordered_in_every_draw(baseline_raw):
    """An ideal close to its own red line, and a linkage's min close to its max, all judgments: the ranges the
    switch adds must not cross each other (they used to, in about one draw in seven)."""
    russia = baseline_raw["actors"]["russia"]
    russia["ideal"]["guarantee_inclusion"] = 0.55
    russia["evidence"]["ideal.guarantee_inclusion"] = "judgment: test"
    russia["evidence"]["red_lines.guarantee_inclusion"] = "judgment: test"
    link = baseline_raw["linkages"]["elections_need_guarantees"]
    link["min"], link["evidence"] = 0.25, "judgment: test"
    run = build_run({"scenario": baseline_raw, "protocol": {"name": "alternating_offers"}, "seed": 3,
                     "replications": 400, "uncertainty": {"judgments": 0.05, "draws": 400}})  # fmt: skip
    keys = {u.key for u in run.scenario.uncertain}
    assert {"actors.russia.ideal.guarantee_inclusion", "actors.russia.red_lines.guarantee_inclusion.min",
            "linkages.elections_need_guarantees.min", "linkages.elections_need_guarantees.max"} <= keys  # fmt: skip
    parameters = parameters_for(run)
    arrays = parameters.arrays
    assert np.all(arrays["ideal"] >= arrays["red_low"] - 1e-12)
    assert np.all(arrays["ideal"] <= arrays["red_high"] + 1e-12)
    for d in range(400):
        link = parameters.scenario_of(d).linkages[0]
        assert link.low <= link.high and link.when_low <= link.when_high


def test_bad_uncertainty_settings(baseline_raw):
    base = {"scenario": baseline_raw, "protocol": {"name": "alternating_offers"}, "seed": 0, "replications": 10}
    for setting, key in [({"judgments": 2}, "uncertainty.judgments"), ({"draws": 0}, "uncertainty.draws"),
                         ({"judgement": 0.1}, "uncertainty.judgement")]:  # fmt: skip
        with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
            build_run({**base, "uncertainty": setting})


# --- parameters in the engine -------------------------------------------------------------------


def test_each_draw_is_the_scenario_it_stands_for(baseline_raw):
    run = build_run({"scenario": baseline_raw, "protocol": {"name": "alternating_offers"}, "seed": 1,
                     "replications": 50, "uncertainty": {"judgments": 0.05, "draws": 5}})  # fmt: skip
    params = parameters_for(run)
    assert params.values.shape == (5, len(run.scenario.uncertain))
    assert params.draw.tolist() == sorted(params.draw.tolist()) and np.bincount(params.draw).tolist() == [10] * 5
    for d in range(5):
        concrete = nominal(params.scenario_of(d))
        for name, array in params.arrays.items():
            np.testing.assert_allclose(array[d if len(array) > 1 else 0], concrete[name], err_msg=name)


def test_draws_are_reproducible_and_kept_per_value(baseline_raw):
    scenario = widen(build_scenario(baseline_raw), 0.05)
    first = draw_uniforms(scenario, 7, 20)
    np.testing.assert_array_equal(first, draw_uniforms(scenario, 7, 20))
    assert not np.allclose(first, draw_uniforms(scenario, 8, 20))
    # a value keeps its draws when another value loses its range: common random numbers across scenarios
    fewer = dataclasses.replace(scenario, uncertain=scenario.uncertain[1:])
    np.testing.assert_array_equal(draw_uniforms(fewer, 7, 20), first[:, 1:])
    run = build_run({"scenario": baseline_raw, "protocol": {"name": "alternating_offers"}, "seed": 4,
                     "replications": 200, "uncertainty": {"judgments": 0.05, "draws": 20}})  # fmt: skip
    a, b = simulate(run), simulate(run)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    np.testing.assert_array_equal(a.utility, b.utility)


def test_ranges_change_outcomes_across_draws(baseline_raw):
    """Wide judgments make some draws agree and others not: the draws reach the engine."""
    run = build_run({"scenario": baseline_raw, "protocol": {"name": "alternating_offers"}, "seed": 2,
                     "replications": 2000, "uncertainty": {"judgments": 0.25, "draws": 100}})  # fmt: skip
    result = simulate(run)
    rates = np.bincount(parameters_for(run).draw, weights=result.outcome == 1) / 20
    assert rates.min() < 0.5 < rates.max()


@pytest.mark.slow
@settings(max_examples=8, deadline=None)
@given(scenarios(style="conceder", noise=NOISE))
def test_ranged_runs_match_the_reference_draw_by_draw(scenario):
    wide = widen(scenario, 0.1)
    for protocol in PROTOCOLS[:4]:
        assert_same(RunSpec(scenario=wide, protocol=build_protocol(protocol), seed=5, replications=8, draws=4))


@pytest.mark.slow
@settings(max_examples=6, deadline=None)
@given(rich_scenarios(style="linear", noise=NOISE))
def test_ranged_runs_with_linkages_and_escalation_match_the_reference(scenario):
    wide = widen(scenario, 0.15)
    for protocol in PROTOCOLS:
        assert_same(RunSpec(scenario=wide, protocol=build_protocol(protocol), seed=9, replications=6, draws=6))


@pytest.mark.parametrize("weighted", [False, True])
def test_equilibrium_play_with_ranges_is_each_draws_equilibrium(weighted):
    """Under the equilibrium style each replication plays the equilibrium of its own draw."""
    from negsim.agents.model import NegotiationModel

    scenario = widen(split_the_pie(discount_a=0.9, discount_b=0.8, deadline=30), 0.08)
    kept = tuple(u for u in scenario.uncertain if u.key.endswith(("discount", "capability")))
    scenario = dataclasses.replace(scenario, uncertain=kept)
    protocol = build_protocol({"name": "alternating_offers", "proposer": "weighted" if weighted else "rotation"})
    run = RunSpec(scenario=scenario, protocol=protocol, seed=3, replications=6, draws=6)
    model = NegotiationModel(run)
    expected = model.behaviour.equilibrium.value[0]
    for d in range(6):
        alone = NegotiationModel(RunSpec(scenario=model.parameters.scenario_of(d), protocol=protocol, seed=3,
                                         replications=1))  # fmt: skip
        np.testing.assert_allclose(expected[d], alone.behaviour.equilibrium.value[0, 0], atol=1e-12)
    assert len(np.unique(expected[:, 0].round(9))) > 1


def test_common_noise_gives_every_draw_the_same_chance_events(baseline_raw):
    """Under common noise, two draws with the same values play out identically, replication by replication."""
    run = build_run({"scenario": baseline_raw, "protocol": {"name": "alternating_offers"}, "seed": 6,
                     "replications": 3 * 16, "uncertainty": {"judgments": 0.1, "draws": 3}})  # fmt: skip
    values = parameters_for(run).values
    values = np.stack([values[0], values[1], values[0]])  # draws 0 and 2 alike
    params = Parameters.from_values(run.scenario, values, run.replications)
    result = simulate(run, parameters=params, common_noise=16)
    blocks = [slice(16 * d, 16 * (d + 1)) for d in range(3)]
    np.testing.assert_array_equal(result.outcome[blocks[0]], result.outcome[blocks[2]])
    np.testing.assert_array_equal(result.rounds[blocks[0]], result.rounds[blocks[2]])
    np.testing.assert_array_equal(result.utility[blocks[0]], result.utility[blocks[2]])
    assert not np.array_equal(result.utility[blocks[0]], result.utility[blocks[1]])
    alone = simulate(dataclasses.replace(run, replications=16), parameters=Parameters.from_values(
        run.scenario, values[:1], 16))  # fmt: skip
    np.testing.assert_array_equal(result.rounds[blocks[0]], alone.rounds)  # the noise of replications 0..15
    np.testing.assert_allclose(result.utility[blocks[0]], alone.utility, rtol=0, atol=1e-9)
