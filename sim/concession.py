"""Concession: what each veto party demands, round by round, and who proposes.

A veto party demands its reservation (what it believes no deal is worth) plus a share of its room:
what its stated position is worth to it, less that reservation. Its style sets the share for each
round, falling to nothing at the deadline; a concession once made is never taken back.
"""

from __future__ import annotations

import numpy as np

from negsim.sim.spec import ScenarioSpec
from negsim.sim.styles import Equilibrium

__all__ = [
    "chances_by_row", "demand_shares", "equilibrium_play", "order_by_row", "proposer_chances", "proposer_order",
    "strengths",
]


def strengths(scenario: ScenarioSpec) -> np.ndarray:
    """``(n,)`` each actor's capability against an equal share of the veto parties' (1/number of them).

    >>> from negsim.sim.scenarios import split_the_pie
    >>> strengths(split_the_pie()).tolist()
    [2.0, 2.0]
    """
    vetoes = sum(actor.veto for actor in scenario.actors)
    return np.array([vetoes * actor.capability for actor in scenario.actors])


def order_by_row(capability: np.ndarray, veto: np.ndarray) -> np.ndarray:
    """``(P, v)`` per row of capabilities ``(P, n)``: the veto parties, strongest first (ties in scenario order).

    >>> order_by_row(np.array([[0.2, 0.5, 0.5], [0.9, 0.1, 0.3]]), np.array([True, True, True])).tolist()
    [[1, 2, 0], [0, 2, 1]]
    """
    index = np.flatnonzero(veto)
    return index[np.argsort(-capability[:, index], axis=1, kind="stable")]


def chances_by_row(capability: np.ndarray, veto: np.ndarray) -> np.ndarray:
    """``(P, n)`` per row: each actor's chance to propose in a capability-weighted draw (zero without a veto)."""
    weights = capability * veto
    return weights / weights.sum(axis=1, keepdims=True)


def equilibrium_play(scenario: ScenarioSpec) -> bool:
    """Whether the veto parties play the equilibrium style (validation makes it all of them or none)."""
    return any(isinstance(actor.concession, Equilibrium) for actor in scenario.actors if actor.veto)


def demand_shares(scenario: ScenarioSpec, *, speed: float = 1.0) -> np.ndarray:
    """``(T, n)`` the share of its room each veto party still demands at the end of each round.

    Non-veto parties demand nothing (they cannot block); under the equilibrium style the shares are
    unused and left at zero.
    """
    shares = np.zeros((scenario.deadline, len(scenario.actors)))
    if equilibrium_play(scenario):
        return shares
    for i, (actor, strength) in enumerate(zip(scenario.actors, strengths(scenario), strict=True)):
        if actor.veto:
            shares[:, i] = actor.concession.shares(deadline=scenario.deadline, strength=strength,
                                                   discount=actor.discount, speed=speed)  # fmt: skip
    return shares


def proposer_order(scenario: ScenarioSpec) -> np.ndarray:
    """The veto parties in the order they propose in rotation: strongest first, ties in scenario order.

    >>> from negsim.sim.scenarios import split_the_pie
    >>> proposer_order(split_the_pie()).tolist()
    [0, 1]
    """
    capability = np.array([[actor.capability for actor in scenario.actors]])
    return order_by_row(capability, np.array([actor.veto for actor in scenario.actors]))[0]


def proposer_chances(scenario: ScenarioSpec) -> np.ndarray:
    """``(n,)`` each actor's chance to propose in a capability-weighted draw (zero without a veto)."""
    capability = np.array([[actor.capability for actor in scenario.actors]])
    return chances_by_row(capability, np.array([actor.veto for actor in scenario.actors]))[0]
