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

    Solved in utility space on each box's polytope (at most six dimensions) by :func:`_nash_on_polytope`,
    then the package at the optimum is recovered with every free gain taken. ``None`` when no package gives
    every party more than ``d``.
    """
    if frontier.empty or frontier.slack(disagreement[None, :])[0] <= 1e-9:
        return None
    w = np.asarray(weight, float) / np.sum(weight)
    best, best_value, best_box = None, -np.inf, 0
    for j, poly in enumerate(frontier.boxes):
        if poly is None or np.min(poly.offset - poly.normal @ disagreement) <= 1e-9:
            continue
        u = _nash_on_polytope(poly.normal, poly.offset, disagreement, w)
        value = float(np.sum(w * np.log(np.maximum(u - disagreement, 1e-300))))
        if value > best_value:
            best, best_value, best_box = u, value, j
    if best is None:
        return None
    point = np.minimum(best, best + np.min(frontier.boxes[best_box].offset - frontier.boxes[best_box].normal @ best))
    return frontier.settle(point[None, :], np.array([best_box]))[0]


#: Where the barrier method stops: its bound on how far the Nash objective is below the optimum.
NASH_GAP = 1e-12


def _nash_on_polytope(normal: np.ndarray, offset: np.ndarray, d: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``argmax sum_i w_i log(u_i - d_i)`` subject to ``normal @ u <= offset``, by a log-barrier method.

    The polytope has an interior point above ``d`` (the caller checks). Each barrier problem
    ``t * sum w log(u - d) + sum log(u - d) + sum log(offset - normal @ u)`` keeps every party above ``d`` as a
    constraint of its own, so a party of weight 0 (capability 0) is held at ``d`` rather than pushed below it;
    it is solved by damped Newton steps that stay inside, and ``t`` grows until ``(facets + parties) / t`` (the
    method's bound on the remaining gap, Boyd and Vandenberghe 2004, section 11.3) is below :data:`NASH_GAP`.

    >>> _nash_on_polytope(np.array([[0.5, 0.5]]), np.array([0.5]), np.zeros(2), np.array([0.5, 0.5])).round(9)
    array([0.5, 0.5])
    """
    room = np.min(offset - normal @ d)
    u = d + room / 2.0  # inside: normals are non-negative and sum to one, so every facet keeps room / 2

    def barrier(x: np.ndarray, t: float) -> float:  # -inf outside, where a log's argument is not positive
        gap, slack = x - d, offset - normal @ x
        if np.any(gap <= 0) or np.any(slack <= 0):
            return -np.inf
        return float(np.sum((t * w + 1.0) * np.log(gap))) + float(np.sum(np.log(slack)))

    t = 1.0
    while True:
        for _ in range(100):
            gap, slack = u - d, offset - normal @ u
            gradient = (t * w + 1.0) / gap - normal.T @ (1.0 / slack)  # of the barrier objective, to be maximised
            hessian = np.diag((t * w + 1.0) / gap**2) + (normal.T / slack**2) @ normal
            try:
                step = np.linalg.solve(hessian, gradient)
            except np.linalg.LinAlgError:  # slacks near rounding at a vertex where many facets meet: done
                return u
            decrement = float(gradient @ step)  # Newton decrement squared: twice the barrier's remaining gain
            if decrement / t <= NASH_GAP:  # the objective's share of that gain is decrement / 2t
                break
            # the longest step that stays inside (99 % of the way to the nearest boundary), then backtracking
            rate = np.concatenate([-step / gap, (normal @ step) / slack])
            size, value = min(1.0, 0.99 / rate.max()) if rate.max() > 0 else 1.0, barrier(u, t)
            while barrier(u + size * step, t) < value + 0.25 * size * decrement and size > 1e-12:
                size /= 2.0
            u = u + size * step
        if (len(offset) + len(d)) / t < NASH_GAP:
            return u
        t *= 200.0


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
