"""Concession: how much each actor insists on, round by round."""

from __future__ import annotations

import numpy as np

from negsim.sim.kernels import aspiration_curve
from negsim.sim.spec import ScenarioSpec

__all__ = ["aspirations", "proposer_order"]


def proposer_order(scenario: ScenarioSpec) -> np.ndarray:
    """Indices of the veto parties, the actors who take turns to propose."""
    return np.array([i for i, actor in enumerate(scenario.actors) if actor.veto])


def _equilibrium(scenario: ScenarioSpec) -> tuple[np.ndarray, np.ndarray]:
    """Finite-horizon subgame-perfect aspirations for two alternating proposers.

    Backward induction on the constant-sum split: in the last round the
    responder accepts anything worth its reservation value; earlier it accepts
    what it would get by proposing next round, discounted once. The proposer
    keeps the rest. As the deadline grows this converges to Rubinstein (1982).
    """
    order = proposer_order(scenario)
    deadline = scenario.deadline
    n = len(scenario.actors)
    as_proposer = np.ones((deadline, n))
    as_responder = np.zeros((deadline, n))
    for t in range(deadline - 1, -1, -1):
        proposer = order[t % len(order)]
        responder = order[(t + 1) % len(order)]
        spec = scenario.actors[responder]
        later = as_proposer[t + 1, responder] if t + 1 < deadline else 0.0
        threshold = max(spec.reservation, spec.discount * later)
        as_responder[t, responder] = threshold
        as_proposer[t, proposer] = 1.0 - threshold
    return as_proposer, as_responder


def aspirations(scenario: ScenarioSpec) -> tuple[np.ndarray, np.ndarray]:
    """Aspiration levels ``(T, n)`` when proposing and when responding.

    Time-dependent styles insist on the same level in both roles; the
    equilibrium style (two veto parties only) differs by role.
    """
    curves = np.ones((scenario.deadline, len(scenario.actors)))
    equilibrium = None
    for i, actor in enumerate(scenario.actors):
        if actor.concession is None:
            equilibrium = equilibrium or _equilibrium(scenario)
            continue
        curves[:, i] = aspiration_curve(actor.concession, actor.reservation, scenario.deadline)
    as_proposer, as_responder = curves.copy(), curves.copy()
    if equilibrium is not None:
        for i, actor in enumerate(scenario.actors):
            if actor.concession is None:
                as_proposer[:, i], as_responder[:, i] = equilibrium[0][:, i], equilibrium[1][:, i]
    return as_proposer, as_responder
