"""Numpy kernels over the replication axis.

Shapes: ``R`` replications, ``n`` actors, ``m`` issues. Positions are
``(R, n, m)``, packages ``(R, m)``, per-actor quantities ``(R, n)``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "fj_step",
    "linkage_holds",
]


def fj_step(positions: np.ndarray, pull: np.ndarray, anchor: np.ndarray) -> np.ndarray:
    """One Friedkin–Johnsen update ``x <- Λ W x + (I - Λ) x0`` for every replication.

    Args:
        positions: ``(R, n, m)`` current positions.
        pull: ``(n, n)``, or ``(R, n, n)`` per replication: the product ``Λ W`` of susceptibilities (one
            minus stubbornness) and the row-stochastic influence matrix.
        anchor: ``(n, m)`` or ``(R, n, m)``: the constant ``(I - Λ) x0`` toward starting positions.

    >>> fj_step(np.array([[[0.0], [1.0]]]), np.array([[0.5, 0.5], [0.0, 0.0]]), np.array([[0.0], [1.0]])).tolist()
    [[[0.5], [1.0]]]
    """
    return np.matmul(pull, positions) + anchor


def linkage_holds(package: np.ndarray, issue: int, low: float, high: float, when: int, when_low: float,
                  when_high: float) -> np.ndarray:  # fmt: skip
    """Whether packages ``(R, m)`` respect a linkage: ``(R,)`` booleans."""
    condition = (package[:, when] >= when_low) & (package[:, when] <= when_high)
    return condition | ((package[:, issue] >= low) & (package[:, issue] <= high))
