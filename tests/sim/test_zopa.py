"""The zone of possible agreement and its explanations, against linear programs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from negsim.sim.analysis import analyse, analysis_record
from negsim.sim.validate import build_scenario
from negsim.sim.zopa import holdouts
from tests.lp import Deals
from tests.strategies import geometry_cases


@settings(max_examples=40, deadline=None)
@given(geometry_cases())
def test_zone_and_best_packages_match_linear_programs(case):
    deals, frontier, rng = case
    from negsim.sim.zopa import find_zopa

    reservation = rng.uniform(0.0, 0.8, deals.n)
    zopa = find_zopa(frontier, reservation)
    depth = deals.slack(reservation)
    assert zopa.depth == pytest.approx(depth, abs=1e-7)
    assert zopa.exists == (depth >= -1e-12)
    for i in range(deals.n):
        best = deals.best_for(i, reservation)
        if np.isfinite(best) and best > -5:
            assert zopa.best_value[i, i] == pytest.approx(best, abs=1e-7)
    if zopa.exists:  # every issue's range is the reach of packages worth the reservations to all
        for k in range(deals.m):
            for x in (zopa.low[k], zopa.high[k]):
                probe = deals.boxes
                assert any(lo[k] - 1e-9 <= x <= hi[k] + 1e-9 for lo, hi in probe)
        held = holdouts(frontier, reservation[None, :])
        assert not held.any()


def test_baseline_zone_and_what_shapes_it(baseline_raw):
    scenario = build_scenario(baseline_raw)
    record = analysis_record(scenario, analyse(scenario))
    zopa = record["zopa"]
    assert zopa["exists"] and zopa["depth"] > 0
    assert zopa["range"]["territory_ceded"] == [0.0, 0.0]  # Ukraine's red line: no land
    assert zopa["range"]["guarantee_inclusion"][0] == pytest.approx(0.5)  # Russia's red line
    assert zopa["best"]["ukraine"]["value"]["ukraine"] == pytest.approx(0.7675)
    shaped = {tuple(x) for x in zopa["shaped_by"]}
    assert ("ukraine", "red_line", "territory_ceded", "max") in shaped
    assert ("ukraine", "linkage", "elections_need_guarantees") in shaped
    refs = record["references"]
    for name, package in refs.items():  # every reference keeps the veto parties' red lines
        assert package["territory_ceded"] == pytest.approx(0.0), name
        assert package["guarantee_inclusion"] >= 0.5 - 1e-9, name
        assert package["peacekeepers"] <= 0.1 + 1e-9, name


def test_a_clash_of_red_lines_is_named(baseline_raw):
    baseline_raw["actors"]["ukraine"]["red_lines"]["guarantee_inclusion"] = {"max": 0.3}
    baseline_raw["actors"]["ukraine"]["ideal"]["guarantee_inclusion"] = 0.1
    baseline_raw["actors"]["ukraine"]["evidence"]["red_lines.guarantee_inclusion"] = "judgment: test"
    scenario = build_scenario(baseline_raw)
    zopa = analysis_record(scenario, analyse(scenario))["zopa"]
    assert not zopa["exists"]
    assert zopa["clash"] == [{"issue": "guarantee_inclusion", "parties": ["russia", "ukraine"]}]


def test_who_cannot_be_satisfied_when_reservations_leave_no_zone(baseline_raw):
    baseline_raw["actors"]["ukraine"]["reservation"] = 0.8  # more than its best package within Russia's red lines
    scenario = build_scenario(baseline_raw)
    analysis = analyse(scenario)
    zopa = analysis_record(scenario, analysis)["zopa"]
    assert not zopa["exists"] and zopa["clash"] == []
    assert zopa["short"]["ukraine"] == pytest.approx(0.7675)  # its best, with Russia and the US at theirs
    # for Russia and the US the question does not arise: Ukraine cannot have 0.8 whatever they give up
    assert zopa["short"]["russia"] is None and zopa["short"]["us"] is None
    assert ["ukraine", "red_line", "territory_ceded", "max"] not in zopa["shaped_by"]  # its own line is not why
    assert ["russia", "red_line", "guarantee_inclusion", "min"] in zopa["shaped_by"]  # loosening it opens a zone
    deals = Deals(scenario)
    assert deals.zopa_depth() < 0
