"""Numpy kernels over the replication axis.

Shapes: ``R`` replications, ``n`` actors, ``m`` issues. Positions are
``(R, n, m)``, packages ``(R, m)``, per-actor quantities ``(R, n)``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "aspiration_curve",
    "concede",
    "fj_step",
    "linkage_holds",
    "weighted_mean",
    "weighted_median",
]


def concede(own: np.ndarray, target: np.ndarray, aspiration: np.ndarray, scaled_salience: np.ndarray) -> np.ndarray:
    """Move from ``own`` toward ``target`` until utility falls to ``aspiration``.

    Along the segment utility falls linearly, so the step is exact:
    ``x = own + λ (target - own)`` with ``λ = (1 - aspiration) / loss(target)``
    clipped to ``[0, 1]``.

    Args:
        own: ``(R, m)`` the proposer's position.
        target: ``(R, m)`` where it concedes toward.
        aspiration: ``(R,)`` or scalar utility the proposer insists on.
        scaled_salience: ``(m,)`` the proposer's salience over issue spans.

    >>> concede(np.array([[1.0]]), np.array([[0.0]]), 0.75, np.array([1.0])).tolist()
    [[0.75]]
    """
    loss = np.abs(target - own) @ scaled_salience
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(loss > 0, (1.0 - aspiration) / loss, 0.0)
    step = np.clip(step, 0.0, 1.0)
    return own + step[:, None] * (target - own)


def fj_step(positions: np.ndarray, pull: np.ndarray, anchor: np.ndarray) -> np.ndarray:
    """One Friedkin–Johnsen update ``x <- Λ W x + (I - Λ) x0`` for every replication.

    Args:
        positions: ``(R, n, m)`` current positions.
        pull: ``(n, n)`` the product ``Λ W`` of susceptibilities (one minus
            stubbornness) and the row-stochastic influence matrix.
        anchor: ``(n, m)`` the constant ``(I - Λ) x0`` toward starting positions.

    >>> fj_step(np.array([[[0.0], [1.0]]]), np.array([[0.5, 0.5], [0.0, 0.0]]), np.array([[0.0], [1.0]])).tolist()
    [[[0.5], [1.0]]]
    """
    return np.matmul(pull, positions) + anchor


def weighted_mean(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per-issue weighted mean over actors: ``(R, n, m)`` -> ``(R, m)``.

    ``weights`` is ``(n, m)`` (the same in every replication) or ``(R, n, m)``.
    """
    if weights.ndim == 2:
        return np.einsum("rnm,nm->rm", positions, weights) / weights.sum(axis=0)
    return np.einsum("rnm,rnm->rm", positions, weights) / weights.sum(axis=1)


def weighted_median(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per-issue lower weighted median over actors: ``(R, n, m)`` -> ``(R, m)``.

    The smallest position whose cumulative weight reaches half the total.
    """
    weights = np.broadcast_to(weights, positions.shape)
    order = np.argsort(positions, axis=1, kind="stable")
    ordered = np.take_along_axis(positions, order, axis=1)
    cumulative = np.cumsum(np.take_along_axis(weights, order, axis=1), axis=1)
    index = (cumulative < cumulative[:, -1:, :] / 2.0).sum(axis=1, keepdims=True)
    return np.take_along_axis(ordered, index, axis=1)[:, 0, :]


def aspiration_curve(exponent: float, reservation: float, deadline: int) -> np.ndarray:
    """Time-dependent aspiration (Faratin, Sierra and Jennings, 1998).

    ``a(t) = r + (1 - r) (1 - (t / (T - 1)) ** (1 / e))``: 1 at the first round,
    the reservation value ``r`` at the last. ``e < 1`` holds out (Boulware),
    ``e > 1`` concedes early (Conceder).

    >>> aspiration_curve(1.0, 0.0, 3).tolist()
    [1.0, 0.5, 0.0]
    """
    time = np.arange(deadline) / max(deadline - 1, 1)
    return reservation + (1.0 - reservation) * (1.0 - time ** (1.0 / exponent))


def linkage_holds(package: np.ndarray, issue: int, low: float, high: float, when: int, when_low: float,
                  when_high: float) -> np.ndarray:  # fmt: skip
    """Whether packages ``(R, m)`` respect a linkage: ``(R,)`` booleans."""
    condition = (package[:, when] >= when_low) & (package[:, when] <= when_high)
    return condition | ((package[:, issue] >= low) & (package[:, issue] <= high))
