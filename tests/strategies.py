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
    influenced = {target for targets in influence.values() for target in targets}
    return {
        "name": "random", "deadline": deadline,
        "issues": {name: {"low_label": "low", "high_label": "high"} for name in issue_names},
        "actors": {
            name: {
                "ideal": dict(zip(issue_names, rng.random(issues).tolist(), strict=True)),
                "salience": dict(zip(issue_names, rng.dirichlet(np.ones(issues)).tolist(), strict=True)),
                "capability": float(rng.uniform(0.1, 1.0)), "concession": style, "reservation": reservation,
                "discount": 1.0, "evidence": {**{f"ideal.{i}": WHY for i in issue_names}, "profile": WHY},
                **({"stubbornness": float(rng.uniform(*stubbornness))} if name in influenced else {}),
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
        raw["linkages"] = {"tied": {"actor": actors[0], "issue": issues[1], "max": 0.5, "when": {"issue": issues[0],
                                    "max": 1.0}, "evidence": WHY}}  # fmt: skip
    if len(actors) > 2:
        raw["actors"][actors[-1]]["veto"] = False
        raw["actors"][actors[-1]].pop("concession", None)
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


@st.composite
def geometry_cases(draw, *, max_parties: int = 4, max_issues: int = 4):
    """A random frontier of veto parties (ties and zero saliences included), its LP twin and a generator."""
    from negsim.sim.frontier import Frontier
    from tests.lp import Deals

    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n, m = draw(st.integers(1, max_parties)), draw(st.integers(1, max_issues))
    raw = scenario_mapping(rng, actors=max(n, 2), issues=m, edge_p=0.0)
    for k, spec in enumerate(raw["actors"].values()):
        spec["ideal"] = {i: round(v, int(rng.integers(1, 3))) for i, v in spec["ideal"].items()}  # ties happen
        if k >= n:
            spec["veto"] = False
            spec.pop("concession", None)
        if m > 1 and rng.random() < 0.3:
            names = list(spec["salience"])
            spec["salience"] = {i: (0.0 if i == names[0] else 1.0 / (m - 1)) for i in names}
    first = raw["actors"]["a0"]
    issue = list(raw["issues"])[-1]
    if rng.random() < 0.5:
        first["red_lines"] = {issue: {"max": min(1.0, first["ideal"][issue] + 0.3)}}
        first["evidence"][f"red_lines.{issue}"] = WHY
    if m > 1 and rng.random() < 0.5:
        raw["linkages"] = {"tied": {"actor": "a0", "issue": next(iter(raw["issues"])), "max": 0.4,
                                    "when": {"issue": issue, "max": 0.5}, "evidence": WHY}}  # fmt: skip
    scenario = build_scenario(raw)
    deals = Deals(scenario)
    veto = [a for a in scenario.actors if a.veto]
    low = np.max([a.red_low for a in veto], axis=0)
    high = np.min([a.red_high for a in veto], axis=0)
    links = [(scenario.issue_index(l.issue), l.low, l.high, scenario.issue_index(l.when_issue), l.when_low,
              l.when_high) for l in scenario.linkages]  # fmt: skip
    return deals, Frontier(deals.ideal, deals.scaled, low, high, links), rng


# ------------------------------------------------------------------ whole negotiations for the validity suite

STYLE_NAMES = ("hardliner", "boulware", "linear", "conceder")


@st.composite
def negotiations(draw, *, max_actors: int = 8, max_veto: int = 4, max_issues: int = 6, noise: bool = False,
                 escalation: bool = False, equilibrium: bool = True) -> tuple[dict, dict]:  # fmt: skip
    """A random valid negotiation ``(scenario mapping, protocol mapping)``.

    2 to ``max_actors`` actors (1 to ``max_veto`` of them with a veto), 1 to ``max_issues`` issues on random
    scales, red lines and linkages of veto parties, influence edges, every named style or a numeric exponent
    (or the equilibrium style for every veto party), discounts, reservations and capabilities; every protocol.
    """
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(2, max_actors))
    vetoes = draw(st.integers(1, min(n, max_veto)))
    m = draw(st.integers(1, max_issues))
    issues = [f"i{k}" for k in range(m)]
    actors = [f"a{i}" for i in range(n)]
    low = rng.choice([0.0, -1.0, 10.0], m)
    span = rng.choice([1.0, 2.0, 100.0], m)
    play_equilibrium = equilibrium and vetoes == 2 and draw(st.integers(0, 3)) == 0
    protocol = draw(st.sampled_from([
        {"name": "alternating_offers", "proposer": "rotation"}, {"name": "alternating_offers", "proposer": "weighted"},
        {"name": "mediated", "weights": "capability"}, {"name": "mediated", "weights": "equal", "pressure": 0.5},
    ]))  # fmt: skip
    if play_equilibrium:
        protocol = {"name": "alternating_offers", "proposer": draw(st.sampled_from(["rotation", "weighted"]))}
    raw: dict = {
        "name": "generated", "deadline": int(rng.integers(1, 41)),
        "issues": {k: {"low_label": "low", "high_label": "high", "low": float(low[j]), "high": float(low[j] + span[j])}
                   for j, k in enumerate(issues)},
        "actors": {}, "influence": {}, "linkages": {},
    }  # fmt: skip
    for i, name in enumerate(actors):
        ideal = np.round(rng.random(m), int(rng.integers(1, 4)))
        salience = rng.dirichlet(np.ones(m))
        if m > 1 and rng.random() < 0.2:
            salience[rng.integers(m)] = 0.0
            salience /= salience.sum()
        spec = {
            "veto": i < vetoes, "capability": float(np.round(rng.uniform(0.05, 1.0), 3)),
            "ideal": {k: float(low[j] + span[j] * ideal[j]) for j, k in enumerate(issues)},
            "salience": {k: float(salience[j]) for j, k in enumerate(issues)},
            "discount": float(np.round(rng.uniform(0.85, 1.0), 3)),
            "reservation": float(np.round(rng.uniform(0, 0.6), 3)),
            "evidence": {**{f"ideal.{k}": WHY for k in issues}, "profile": WHY},
        }  # fmt: skip
        if i < vetoes:
            spec["concession"] = (
                "equilibrium"
                if play_equilibrium
                else (str(rng.choice(STYLE_NAMES)) if rng.random() < 0.8 else float(np.round(rng.uniform(0.05, 5), 2)))
            )
            lines = {}
            for j, k in enumerate(issues):
                if rng.random() < 0.25:  # a red line on the far side of its own ideal
                    side = "max" if rng.random() < 0.5 else "min"
                    cut = ideal[j] + (1 - ideal[j]) * rng.random() if side == "max" else ideal[j] * rng.random()
                    bound = float(low[j] + span[j] * np.round(cut, 2))
                    lines[k] = {side: max(bound, spec["ideal"][k]) if side == "max" else min(bound, spec["ideal"][k])}
                    spec["evidence"][f"red_lines.{k}"] = WHY
            if lines:
                spec["red_lines"] = lines
        raw["actors"][name] = spec
    for target in actors:
        sources = [a for a in actors if a != target and rng.random() < 0.25]
        if sources:
            weights = rng.dirichlet(np.ones(len(sources) + 1))[:-1]
            for source, weight in zip(sources, weights, strict=True):
                raw["influence"].setdefault(source, {})[target] = {"weight": float(weight), "evidence": WHY}
            raw["actors"][target]["stubbornness"] = float(np.round(rng.random(), 2))
    if m > 1:
        for j in range(int(rng.integers(0, 3))):
            owner = actors[int(rng.integers(vetoes))]
            k, q = rng.choice(m, 2, replace=False)
            cut = float(low[k] + span[k] * np.round(rng.random(), 2))
            raw["linkages"][f"link{j}"] = {
                "actor": owner, "issue": issues[k], "max": max(cut, float(low[k])),
                "when": {"issue": issues[q], "max": float(low[q] + span[q] * np.round(rng.random(), 2))},
                "evidence": WHY,
            }  # fmt: skip
    if noise:
        raw["noise"] = {
            "perception": float(np.round(rng.uniform(0.01, 0.15), 3)),
            "p_shock": float(np.round(rng.uniform(0, 0.3), 2)),
            "shock_size": float(np.round(rng.uniform(0, 0.3), 2)),
        }
    if escalation and vetoes >= 2:
        k = int(rng.integers(m))
        raw["escalation"] = {"enabled": True, "actor": actors[-1], "issue": issues[k],
                             "value": float(low[k] + span[k] * rng.random()), "p_per_round": 0.1, "after_round": 1,
                             "evidence": WHY}  # fmt: skip
    return raw, protocol
