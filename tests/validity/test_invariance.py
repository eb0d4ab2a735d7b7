"""Invariance: renaming or reordering actors and issues, or rescaling an issue, changes no outcome.

The one order-dependent rule is who proposes first in rotation: the strongest veto party, and among equals
the one listed first; reordering is tested with distinct capabilities, which fixes that order. Draws are made
in actor order, so with noise (or a capability-weighted proposer) a reordered scenario sees the same draws
dealt to other actors: the outcome distributions must agree (within Monte Carlo error), not every
replication.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.strategies import negotiations
from tests.validity.common import agreed, changed, play

NOISE = {"perception": 0.08, "p_shock": 0.2, "shock_size": 0.2}


def rename(raw: dict, actors: dict[str, str], issues: dict[str, str]) -> dict:
    """``raw`` with actors and issues renamed, every reference to them included."""
    raw = copy.deepcopy(raw)

    def evidence_key(item: str) -> str:
        kind, _, name = item.partition(".")
        return f"{kind}.{issues[name]}" if name in issues else item

    raw["issues"] = {issues[k]: v for k, v in raw["issues"].items()}
    new_actors = {}
    for name, spec in raw["actors"].items():
        for key in ("ideal", "salience", "red_lines"):
            if key in spec:
                spec[key] = {issues[k]: v for k, v in spec[key].items()}
        spec["evidence"] = {evidence_key(item): text for item, text in spec["evidence"].items()}
        new_actors[actors[name]] = spec
    raw["actors"] = new_actors
    raw["influence"] = {
        actors[s]: {actors[t]: e for t, e in targets.items()} for s, targets in raw["influence"].items()
    }
    for link in raw.get("linkages", {}).values():
        link["actor"], link["issue"] = actors[link["actor"]], issues[link["issue"]]
        link["when"]["issue"] = issues[link["when"]["issue"]]
    if raw.get("escalation"):
        raw["escalation"]["actor"] = actors[raw["escalation"]["actor"]]
        raw["escalation"]["issue"] = issues[raw["escalation"]["issue"]]
    return raw


def reorder(raw: dict, actors: list[str], issues: list[str]) -> dict:
    raw = copy.deepcopy(raw)
    raw["actors"] = {a: raw["actors"][a] for a in actors}
    raw["issues"] = {k: raw["issues"][k] for k in issues}
    for spec in raw["actors"].values():
        for key in ("ideal", "salience"):
            spec[key] = {k: spec[key][k] for k in issues}
    return raw


def distinct_capabilities(raw: dict) -> dict:
    raw = copy.deepcopy(raw)
    for i, spec in enumerate(raw["actors"].values()):
        spec["capability"] = round(0.1 + 0.1 * i, 3)
    return raw


def same(a, b, actor_order=None, issue_order=None) -> None:
    actor_order = actor_order if actor_order is not None else slice(None)
    issue_order = issue_order if issue_order is not None else slice(None)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    np.testing.assert_array_equal(a.rounds, b.rounds)
    np.testing.assert_allclose(a.value[:, actor_order], b.value, atol=1e-9)
    np.testing.assert_allclose(a.terms[:, issue_order], b.terms, atol=1e-9)


@given(negotiations(noise=False), st.booleans())
def test_renaming_actors_and_issues_changes_nothing(case, noisy):
    raw, protocol = case
    if noisy:
        raw = changed(raw, "noise", NOISE)
    renamed = rename(raw, {a: f"party_{a}_x" for a in raw["actors"]}, {k: f"topic_{k}_y" for k in raw["issues"]})
    same(play(raw, protocol, replications=20, seed=1), play(renamed, protocol, replications=20, seed=1))


@given(negotiations(noise=False), st.randoms(use_true_random=False))
def test_reordering_actors_and_issues_changes_nothing(case, random):
    raw, protocol = case
    raw = distinct_capabilities(raw)
    if protocol.get("proposer") == "weighted":  # a draw picks the proposer: reordering deals the draws out anew,
        protocol = {**protocol, "proposer": "rotation"}  # which the distribution test covers
    actors, issues = list(raw["actors"]), list(raw["issues"])
    random.shuffle(actors)
    random.shuffle(issues)
    moved = reorder(raw, actors, issues)
    a, b = play(raw, protocol), play(moved, protocol)
    same(a, b, [list(raw["actors"]).index(x) for x in actors], [list(raw["issues"]).index(k) for k in issues])


@pytest.mark.slow
@given(negotiations(noise=False, max_actors=4, max_issues=3), st.randoms(use_true_random=False))
def test_reordering_keeps_the_noisy_distribution(case, random):
    raw, protocol = case
    raw = changed(distinct_capabilities(raw), "noise", NOISE)
    actors = list(raw["actors"])
    random.shuffle(actors)
    moved = reorder(raw, actors, list(raw["issues"]))
    a, b = play(raw, protocol, replications=400, seed=1), play(moved, protocol, replications=400, seed=1)
    assert abs(agreed(a).mean() - agreed(b).mean()) <= 0.08
    order = [list(raw["actors"]).index(x) for x in actors]
    if agreed(a).sum() > 50 and agreed(b).sum() > 50:
        gap = np.abs(np.nanmean(a.value[:, order], axis=0) - np.nanmean(b.value, axis=0))
        assert np.nanmax(gap) <= 0.05


@given(negotiations(noise=False), st.booleans(), st.floats(-50, 50), st.floats(0.1, 30), st.data())
def test_rescaling_an_issue_changes_nothing_but_its_numbers(case, noisy, shift, stretch, data):
    raw, protocol = case
    if noisy:
        raw = changed(raw, "noise", NOISE)
    issue = data.draw(st.sampled_from(list(raw["issues"])))
    old = raw["issues"][issue]

    def move(x: float) -> float:
        return shift + stretch * (x - old["low"])

    scaled = copy.deepcopy(raw)
    scaled["issues"][issue] |= {"low": move(old["low"]), "high": move(old["high"])}
    for spec in scaled["actors"].values():
        spec["ideal"][issue] = move(spec["ideal"][issue])
        for side, bound in spec.get("red_lines", {}).get(issue, {}).items():
            spec["red_lines"][issue][side] = move(bound)
    for link in scaled.get("linkages", {}).values():
        for node in (link, link["when"]):
            if node["issue"] == issue:
                for side in ("min", "max"):
                    if side in node:
                        node[side] = move(node[side])
    if scaled.get("escalation", {}).get("issue") == issue:
        scaled["escalation"]["value"] = move(scaled["escalation"]["value"])
    a, b = play(raw, protocol, replications=10, seed=2), play(scaled, protocol, replications=10, seed=2)
    k = list(raw["issues"]).index(issue)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    np.testing.assert_array_equal(a.rounds, b.rounds)
    np.testing.assert_allclose(a.value, b.value, atol=1e-7)
    expected = a.terms.copy()
    expected[:, k] = shift + stretch * (a.terms[:, k] - old["low"])
    np.testing.assert_allclose(expected, b.terms, atol=1e-6 * max(1.0, stretch))
