"""Reference packages for a scenario, each computed over the parties it names and kept feasible.

The compromise (capability x salience weighted mean) and the weighted median are taken over every
party at the table, veto or not, then moved to the nearest package that every veto party's red lines
and linkages allow (nearest in scale-free distance, ``sum_k |x_k - y_k| / span_k``). The Nash
bargaining solution, plain and capability-weighted, is taken over the veto parties, with what no deal
is worth to each as the disagreement point, inside the zone of possible agreement.
"""

from __future__ import annotations

import numpy as np

from negsim.sim.frontier import Frontier
from negsim.sim.theory import compromise, weighted_median

__all__ = ["REFERENCE_PARTIES", "nash_point", "project", "reference_packages"]

#: Whose positions each reference weighs, as pages say it.
REFERENCE_PARTIES = {
    "compromise": "all parties",
    "weighted_median": "all parties",
    "nash_bargaining": "veto parties",
    "weighted_nash": "veto parties, weighted by capability",
}


def project(point: np.ndarray, frontier: Frontier, span: np.ndarray) -> np.ndarray | None:
    """The package nearest ``point`` that the veto parties' red lines and linkages allow (``None`` if none).

    >>> f = Frontier(np.array([[0.2]]), np.array([[1.0]]), np.zeros(1), np.array([0.5]))
    >>> project(np.array([0.9]), f, np.ones(1)).tolist()
    [0.5]
    """
    if frontier.empty:
        return None
    candidates = [np.clip(point, poly.low, poly.high) for poly in frontier.boxes if poly is not None]
    distance = [float(np.sum(np.abs(c - point) / span)) for c in candidates]
    return candidates[int(np.argmin(distance))]


def nash_point(frontier: Frontier, disagreement: np.ndarray, weight: np.ndarray) -> np.ndarray | None:
    """The package maximising ``sum_i w_i log(u_i - d_i)`` over what the veto parties can reach.

    Solved in utility space on each box's polytope (at most six dimensions), then the package at the
    optimum is recovered with every free gain taken. ``None`` when no package gives every party more
    than ``d``.
    """
    from scipy.optimize import minimize

    if frontier.empty or frontier.slack(disagreement[None, :])[0] <= 1e-9:
        return None
    w = np.asarray(weight, float) / np.sum(weight)
    best, best_value, best_box = None, -np.inf, 0
    for j, poly in enumerate(frontier.boxes):
        if poly is None:
            continue
        room = np.min(poly.offset - poly.normal @ disagreement)
        if room <= 1e-9:
            continue
        start = disagreement + room / 2.0  # inside: equal gains, half the way to this box's frontier
        result = minimize(
            lambda u: -np.sum(w * np.log(np.maximum(u - disagreement, 1e-300))), start,
            jac=lambda u: -w / np.maximum(u - disagreement, 1e-300), method="SLSQP",
            constraints=[
                {"type": "ineq", "fun": lambda u, p=poly: p.offset - p.normal @ u, "jac": lambda u, p=poly: -p.normal},
                {"type": "ineq", "fun": lambda u: u - disagreement - 1e-12, "jac": lambda u: np.eye(len(u))},
            ],
            options={"ftol": 1e-14, "maxiter": 500},
        )  # fmt: skip
        value = float(np.sum(w * np.log(np.maximum(result.x - disagreement, 1e-300))))
        if value > best_value:
            best, best_value, best_box = result.x, value, j
    if best is None:
        return None
    point = np.minimum(best, best + np.min(frontier.boxes[best_box].offset - frontier.boxes[best_box].normal @ best))
    return frontier.settle(point[None, :], np.array([best_box]))[0]


def reference_packages(*, ideal, salience, capability, span, veto, reservation, frontier: Frontier) -> dict:
    """Every reference package ``(m,)`` (or ``None`` when it does not exist), by name.

    Args:
        ideal, salience: ``(n, m)`` for every actor.
        capability, veto, reservation: ``(n,)``.
        span: ``(m,)`` issue widths.
        frontier: the veto parties' frontier.
    """
    weights = np.asarray(capability)[:, None] * np.asarray(salience)
    m = ideal.shape[1]
    mean = compromise(ideal, capability, salience) if np.all(weights.sum(axis=0) > 0) else ideal.mean(axis=0)
    median = np.array([weighted_median(ideal[:, k], weights[:, k]) if weights[:, k].sum() > 0
                       else float(np.median(ideal[:, k])) for k in range(m)])  # fmt: skip
    caps = np.asarray(capability)[veto]
    return {
        "compromise": project(mean, frontier, span),
        "weighted_median": project(median, frontier, span),
        "nash_bargaining": nash_point(frontier, reservation[veto], np.ones(int(veto.sum()))),
        "weighted_nash": nash_point(frontier, reservation[veto], caps if caps.sum() > 0 else np.ones(len(caps))),
    }
