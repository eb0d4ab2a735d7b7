"""Subgame-perfect offers of finite-horizon alternating offers, by backward induction on the frontier.

Payoffs are the engine's own: a deal ``x`` struck in round ``t`` is worth ``r + delta^t (u(x) - r)``
(no deal keeps its value ``r`` while talks go on), and after the last round there is no deal. So a
responder accepts in round ``t`` exactly what gives it ``r + delta (V(t + 1) - r)``, where ``V(t + 1)``
is what it expects from round ``t + 1`` on, and the proposer takes the best package that gives every
other veto party that much (free gains go to the others). With a random, capability-weighted
proposer ``V`` is the expectation over who proposes. As the deadline grows this approaches
Rubinstein's (1982) split, and as patience grows the asymmetric Nash solution (Binmore, Rubinstein and
Wolinsky 1986).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.sim.frontier import Frontier, utilities

__all__ = ["Equilibrium", "backward_induction"]


@dataclass(frozen=True, slots=True)
class Equilibrium:
    """The subgame-perfect path, per replication.

    Attributes:
        value: ``(T + 1, R, n)`` what each veto party expects from round ``t`` on (``value[T]`` is no deal).
        threshold: ``(T, R, n)`` the least a party accepts in round ``t``.
        offers: ``(T, n, R, m)`` the package proposer ``p`` tables in round ``t`` (NaN: it would rather wait).
    """

    value: np.ndarray
    threshold: np.ndarray
    offers: np.ndarray


def _proposal(frontier: Frontier, threshold: np.ndarray, p: int, group) -> tuple[np.ndarray, np.ndarray]:
    """Proposer ``p``'s best package giving the others their thresholds, and whether it beats waiting."""
    R, n = threshold.shape
    floor = threshold.copy()
    floor[:, p] = -1.0  # below any utility: only the others' thresholds bind
    up = np.zeros((R, n))
    up[:, p] = 1.0
    reach = np.full(R, -np.inf)
    box = np.zeros(R, int)
    fits = frontier.room(floor, group) >= -1e-12  # (R, B): the others' thresholds fit in this box
    for j in range(frontier.B):
        if not fits[:, j].any():
            continue
        z = np.where(fits[:, j], frontier.gain(floor, up, np.full(R, j), group), -np.inf)
        better = z > reach
        reach[better], box[better] = z[better], j
    worth = floor[:, p] + reach >= threshold[:, p] - 1e-12
    package = np.full((R, frontier.m), np.nan)
    rows = np.flatnonzero(worth)
    if len(rows):
        best = floor[rows].copy()
        best[:, p] = -1.0 + reach[rows]
        package[rows] = frontier.settle(best, box[rows], None if group is None else group[rows])
    return package, worth


def backward_induction(frontier: Frontier, reservation: np.ndarray, discount: np.ndarray, deadline: int, *,
                       order: np.ndarray | None = None, chance: np.ndarray | None = None,
                       group: np.ndarray | None = None) -> Equilibrium:  # fmt: skip
    """The equilibrium of ``deadline`` rounds among the frontier's veto parties.

    Args:
        frontier: what the veto parties can reach.
        reservation: ``(R, n)`` what no deal is worth to each (per replication).
        discount: ``(n,)``, or ``(R | 1, n)`` per replication: each party's discount per round.
        deadline: number of rounds.
        order: proposer of each round, ``(T,)``, or ``(T, R | 1)`` per replication, for a fixed rotation; or
        chance: ``(n,)`` or ``(R | 1, n)``: each party's chance to propose in any round (a capability-weighted draw).
        group: ``(R,)`` each replication's geometry when the frontier holds several.
    """
    R, n = reservation.shape
    value = np.empty((deadline + 1, R, n))
    value[deadline] = reservation
    threshold = np.empty((deadline, R, n))
    offers = np.full((deadline, n, R, frontier.m), np.nan)
    ideal, scaled = frontier.ideal, frontier.scaled
    if group is not None:
        ideal, scaled = ideal[group], scaled[group]
    for t in range(deadline - 1, -1, -1):
        threshold[t] = reservation + discount * (value[t + 1] - reservation)
        if chance is None:
            turn = np.broadcast_to(np.reshape(order[t], (-1,)), (R,))
            weights = {int(p): (turn == p) * 1.0 for p in np.unique(turn)}
        else:
            odds = np.broadcast_to(np.reshape(chance, (-1, n)), (R, n))
            weights = {p: odds[:, p] for p in range(n) if odds[:, p].any()}
        expected = np.zeros((R, n))
        for p, weight in weights.items():
            package, worth = _proposal(frontier, threshold[t], p, group)
            offers[t, p] = package
            got = threshold[t].copy()
            if worth.any():
                rows = np.flatnonzero(worth)
                got[rows] = utilities(package[rows], ideal if group is None else ideal[rows], scaled if group is None
                                      else scaled[rows])  # fmt: skip
            expected += got * weight[:, None]
        value[t] = expected
    return Equilibrium(value=value, threshold=threshold, offers=offers)
