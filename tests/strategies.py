"""Hypothesis strategies and builders for random, valid scenarios."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from negsim.sim.validate import build_scenario

WHY = "judgment: generated for a test"


def scenario_mapping(
    rng: np.random.Generator,
    *,
    actors: int,
    issues: int,
    style: str | float = "linear",
    stubbornness: tuple[float, float] = (0.2, 0.8),
    edge_p: float = 0.6,
    deadline: int = 24,
    reservation: float = 0.0,
    noise: dict | None = None,
) -> dict:
    """A valid scenario mapping with random positions, saliences and influence."""
    import networkx as nx

    issue_names = [f"i{k}" for k in range(issues)]
    actor_names = [f"a{i}" for i in range(actors)]
    graph = nx.gnp_random_graph(actors, edge_p, seed=rng, directed=True)
    influence: dict = {}
    for target in range(actors):
        sources = list(graph.predecessors(target))
        if not sources:
            continue
        weights = rng.dirichlet(np.ones(len(sources) + 1))[:-1]  # leave a self-weight
        for source, weight in zip(sources, weights, strict=True):
            influence.setdefault(actor_names[source], {})[actor_names[target]] = {
                "weight": float(weight),
                "evidence": WHY,
            }
    return {
        "name": "random", "deadline": deadline,
        "issues": {name: {"low_label": "low", "high_label": "high"} for name in issue_names},
        "actors": {
            name: {
                "ideal": dict(zip(issue_names, rng.random(issues).tolist(), strict=True)),
                "salience": dict(zip(issue_names, rng.dirichlet(np.ones(issues)).tolist(), strict=True)),
                "capability": float(rng.uniform(0.1, 1.0)), "concession": style, "reservation": reservation,
                "stubbornness": float(rng.uniform(*stubbornness)), "discount": 1.0,
                "evidence": {**{f"ideal.{i}": WHY for i in issue_names}, "profile": WHY},
            }
            for name in actor_names
        },
        "influence": influence,
        "noise": noise or {},
    }  # fmt: skip


@st.composite
def scenarios(draw, *, max_actors: int = 5, max_issues: int = 3, **kwargs):
    """A random valid :class:`~sim.spec.ScenarioSpec`."""
    seed = draw(st.integers(0, 2**32 - 1))
    actors = draw(st.integers(2, max_actors))
    issues = draw(st.integers(1, max_issues))
    return build_scenario(scenario_mapping(np.random.default_rng(seed), actors=actors, issues=issues, **kwargs))


def enrich(raw: dict, rng: np.random.Generator) -> dict:
    """Add what the plain builder leaves out: other scales, red lines, a linkage, a
    non-veto party, escalation, discounting and reservation values."""
    issues, actors = list(raw["issues"]), list(raw["actors"])
    low, high = -1.0, 3.0  # the first issue gets another scale
    raw["issues"][issues[0]] |= {"low": low, "high": high}
    for spec in raw["actors"].values():
        spec["ideal"][issues[0]] = low + (high - low) * spec["ideal"][issues[0]]
        spec["discount"] = float(rng.uniform(0.9, 1.0))
        spec["reservation"] = float(rng.uniform(0.0, 0.4))
    first = raw["actors"][actors[0]]
    ideal = first["ideal"][issues[-1]]
    lo, hi = (low, high) if len(issues) == 1 else (0.0, 1.0)
    bounds = {"min": lo + (ideal - lo) * rng.uniform(0, 1), "max": ideal + (hi - ideal) * rng.uniform(0, 1)}
    first["red_lines"] = {issues[-1]: bounds}
    first["evidence"][f"red_lines.{issues[-1]}"] = WHY
    if len(issues) > 1:
        raw["linkages"] = {"tied": {"actor": actors[-1], "issue": issues[1], "max": 0.5, "when": {"issue": issues[0],
                                    "max": 1.0}, "evidence": WHY}}  # fmt: skip
    if len(actors) > 2:
        raw["actors"][actors[-1]]["veto"] = False
    raw["escalation"] = {"enabled": True, "actor": actors[-1], "issue": issues[-1], "value": 1.0, "p_per_round": 0.1,
                         "after_round": 2, "evidence": WHY}  # fmt: skip
    return raw


@st.composite
def rich_scenarios(draw, *, max_actors: int = 5, max_issues: int = 3, **kwargs):
    """Random scenarios that use every rule of the engine (see :func:`enrich`)."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    raw = scenario_mapping(rng, actors=draw(st.integers(2, max_actors)), issues=draw(st.integers(1, max_issues)),
                           **kwargs)  # fmt: skip
    return build_scenario(enrich(raw, rng))
