"""The frontier of reachable deals against linear programs over packages."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from negsim.sim.frontier import Frontier, feasible_boxes, utilities
from tests.strategies import geometry_cases


def test_boxes_keep_exactly_the_packages_that_respect_every_linkage():
    rng = np.random.default_rng(0)
    links = [(0, 0.0, 0.3, 1, 0.0, 0.5), (2, 0.4, 1.0, 0, 0.2, 0.9), (1, 0.0, 0.6, 2, 0.5, 1.0)]
    boxes = feasible_boxes(np.zeros(3), np.ones(3), links)
    for x in rng.random((4000, 3)):
        rule = all(lo <= x[k] <= hi or wlo <= x[q] <= whi for k, lo, hi, q, wlo, whi in links)
        inside = any(np.all(a <= x) and np.all(x <= b) for a, b in boxes)
        assert rule == inside


def test_boxes_are_empty_when_red_lines_clash():
    assert feasible_boxes(np.array([0.6]), np.array([0.4]), []) == []
    assert Frontier(np.array([[0.5]]), np.ones((1, 1)), np.array([0.6]), np.array([0.4])).empty


@settings(max_examples=40, deadline=None)
@given(geometry_cases())
def test_slack_is_the_largest_equal_gain(case):
    deals, frontier, rng = case
    for u in rng.uniform(-0.1, 1.1, (4, deals.n)):
        assert frontier.slack(u[None, :])[0] == pytest.approx(deals.slack(u), abs=1e-7)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(geometry_cases())
def test_a_settled_package_meets_the_target_and_leaves_no_gain_for_all(case):
    deals, frontier, rng = case
    floor = rng.uniform(-0.1, 0.8, (6, deals.n))
    reach, box = frontier.best_box(floor, np.ones_like(floor))
    ok = np.isfinite(reach)
    if not ok.any():
        return
    target = floor[ok] + reach[ok, None]
    package = frontier.settle(target, box[ok])
    value = utilities(package, frontier.ideal, frontier.scaled)
    assert np.all(value >= target - 1e-7)
    for x in package:
        assert deals.pareto_gap(x) <= 1e-7
        assert any(np.all(lo - 1e-12 <= x) and np.all(x <= hi + 1e-12) for lo, hi in deals.boxes)
    for row in value:  # no party can gain alone either (strong efficiency)
        for j in range(deals.n):
            assert deals.best_for(j, row) <= row[j] + 1e-7


@settings(max_examples=30, deadline=None)
@given(geometry_cases())
def test_touch_finds_the_first_reachable_point_of_a_falling_path(case):
    deals, frontier, rng = case
    start = rng.uniform(0.6, 1.0, (5, deals.n))
    end = start - rng.uniform(0.0, 0.8, (5, deals.n))
    lam, _ = frontier.touch(start, end)
    for s, e, found in zip(start, end, lam, strict=True):
        if np.isinf(found):
            assert deals.slack(e) < 1e-7
        else:
            assert deals.slack(s + found * (e - s)) >= -1e-7
            if found > 1e-6:
                assert deals.slack(s + (found - 1e-6) * (e - s)) < 1e-9
