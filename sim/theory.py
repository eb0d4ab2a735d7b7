"""Closed-form reference solutions: test oracles and chart markers.

Each function here is written from its theorem, independently of the engine,
so that tests can hold the engine against it.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "compromise",
    "degroot_limit",
    "friedkin_johnsen_limit",
    "nash_bargaining",
    "rubinstein_share",
    "weighted_median",
]


def rubinstein_share(delta_proposer: float, delta_responder: float) -> float:
    """First proposer's share of a unit pie in Rubinstein's (1982) game.

    >>> rubinstein_share(0.9, 0.9)  # 1 / (1 + 0.9)
    0.5263157894736843
    """
    return (1.0 - delta_responder) / (1.0 - delta_proposer * delta_responder)


def compromise(positions: np.ndarray, capability: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Capability×salience-weighted mean position on each issue.

    Args:
        positions: ``(actors, issues)``.
        capability: ``(actors,)``.
        salience: ``(actors, issues)``.

    >>> compromise(np.array([[0.0], [1.0]]), np.array([1.0, 3.0]), np.ones((2, 1))).tolist()
    [0.75]
    """
    weights = np.asarray(capability, float)[:, None] * np.asarray(salience, float)
    return (weights * positions).sum(axis=0) / weights.sum(axis=0)


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Lower weighted median: the smallest value whose cumulative weight reaches half.

    In one dimension with single-peaked preferences it is the position no
    weighted majority can beat (Black's median voter theorem).

    >>> weighted_median(np.array([0.1, 0.5, 0.9]), np.array([1.0, 1.0, 3.0]))
    0.9
    """
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(np.asarray(weights, float)[order])
    return float(np.asarray(values)[order][np.searchsorted(cumulative, cumulative[-1] / 2.0)])


def degroot_limit(weights: np.ndarray, initial: np.ndarray) -> np.ndarray:
    """Consensus reached by DeGroot (1974) averaging ``x <- W x``.

    For a row-stochastic, irreducible and aperiodic ``W`` every row of the
    limit is ``pi @ initial`` where ``pi`` is the left eigenvector of ``W`` for
    eigenvalue 1, normalised to sum to one.
    """
    eigenvalues, vectors = np.linalg.eig(np.asarray(weights, float).T)
    pi = np.real(vectors[:, np.argmin(np.abs(eigenvalues - 1.0))])
    pi = pi / pi.sum()
    consensus = pi @ np.asarray(initial, float)
    return np.broadcast_to(consensus, np.shape(initial)).copy()


def friedkin_johnsen_limit(weights: np.ndarray, susceptibility: np.ndarray, initial: np.ndarray) -> np.ndarray:
    """Fixed point of ``x <- Λ W x + (I - Λ) x0`` (Friedkin and Johnsen, 1990).

    ``x* = (I - Λ W)^-1 (I - Λ) x0``, defined when ``I - Λ W`` is invertible
    (for example when some actor is at least partly stubborn and reachable).
    """
    lam = np.diag(np.asarray(susceptibility, float))
    identity = np.eye(len(lam))
    return np.linalg.solve(identity - lam @ weights, (identity - lam) @ np.asarray(initial, float))


def nash_bargaining(
    ideals: np.ndarray,
    salience: np.ndarray,
    disagreement: np.ndarray,
    *,
    low: np.ndarray,
    high: np.ndarray,
    span: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """(Asymmetric) Nash bargaining package for linear-distance utilities.

    Maximises ``sum_i w_i log(u_i(x) - d_i)`` over the box ``low <= x <= high``
    where ``u_i(x) = 1 - sum_k s_ik |x_k - p_ik| / span_k``. The absolute values
    are replaced by epigraph variables so the problem is smooth and concave.

    Args:
        ideals: ``(actors, issues)`` positions ``p``.
        salience: ``(actors, issues)`` weights ``s``.
        disagreement: ``(actors,)`` utilities ``d`` of no deal.
        low, high: ``(issues,)`` the feasible box.
        span: ``(issues,)`` scale widths (default ``high - low``).
        weights: ``(actors,)`` bargaining powers (default equal).
    """
    from scipy.optimize import minimize  # SciPy's optimiser takes ~0.4 s to import: only when a package is solved

    p = np.asarray(ideals, float)
    n, m = p.shape
    a = np.asarray(salience, float) / np.asarray(high - low if span is None else span, float)
    d = np.asarray(disagreement, float)
    w = np.ones(n) if weights is None else np.asarray(weights, float)

    def gains(z):
        return 1.0 - (a * z[m:].reshape(n, m)).sum(axis=1) - d

    def objective(z):
        return -np.sum(w * np.log(np.maximum(gains(z), 1e-300)))

    def gradient(z):
        g = gains(z)
        return np.concatenate([np.zeros(m), ((w / g)[:, None] * a).ravel()])

    x0 = np.clip(compromise(p, np.ones(n), np.ones_like(p)), low, high)
    z0 = np.concatenate([x0, np.abs(x0 - p).ravel()])
    pick_t = np.eye(n * m)  # picks the epigraph variables t_ik
    pick_x = np.tile(np.eye(m), (n, 1))
    above, below = np.hstack([-pick_x, pick_t]), np.hstack([pick_x, pick_t])
    gain_jac = np.hstack([np.zeros((n, m)), -np.kron(np.eye(n), np.ones((1, m))) * a.ravel()])
    constraints = [
        {"type": "ineq", "fun": lambda z: z[m:] - (pick_x @ z[:m] - p.ravel()), "jac": lambda z: above},
        {"type": "ineq", "fun": lambda z: z[m:] + (pick_x @ z[:m] - p.ravel()), "jac": lambda z: below},
        {"type": "ineq", "fun": lambda z: gains(z) - 1e-12, "jac": lambda z: gain_jac},
    ]
    bounds = [(lo, hi) for lo, hi in zip(low, high, strict=True)] + [(0.0, None)] * (n * m)
    result = minimize(
        objective, z0, jac=gradient, bounds=bounds, constraints=constraints, method="SLSQP",
        options={"ftol": 1e-15, "maxiter": 1000},
    )  # fmt: skip
    # Status 8 (no descent direction left) is SLSQP stopping at the optimum within rounding.
    if result.status not in (0, 8) or np.any(gains(result.x) <= 0):
        raise ValueError(f"no Nash bargaining package found: {result.message}")
    return result.x[:m]
