"""The zone of possible agreement (Raiffa 1982): the packages every veto party prefers to no deal.

Computed exactly from the scenario, once per run: whether the zone exists and how deep it is, the
range of each issue inside it, each veto party's best package in it, and, when it is empty, who
cannot be satisfied and why. Also what shapes it: the red lines and linkages without which it
would be larger.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from negsim.sim.frontier import Frontier, utilities

__all__ = ["Zopa", "find_zopa", "holdouts"]


@dataclass(frozen=True, slots=True)
class Zopa:
    """The zone of possible agreement among the veto parties.

    Attributes:
        exists: some package keeps every veto party's red lines and linkages and is worth at least its
            reservation to each.
        depth: the largest utility every veto party could gain above its reservation at once (negative:
            how far the zone is from existing).
        low, high: ``(m,)`` the range of each issue over the zone's packages (NaN without a zone).
        best: ``(n, m)`` each veto party's best package in the zone; ``best_value``: ``(n, n)`` its value to
            every veto party (row: whose best package).
        clash: when red lines alone leave no package, ``(issue, [parties])`` pairs naming each issue whose
            red lines conflict and the parties behind the bounds.
        short: when red lines leave packages but no zone, each veto party's best value with the others at
            their reservations (``-inf``: the others alone cannot be satisfied), against its reservation.
        shaped_by: the red lines (``("red_line", party, issue)``) and linkages (``("linkage", name)``) whose
            removal would widen some issue's range, or open the zone.
    """

    exists: bool
    depth: float
    low: np.ndarray
    high: np.ndarray
    best: np.ndarray
    best_value: np.ndarray
    clash: list = field(default_factory=list)
    short: np.ndarray | None = None
    shaped_by: list = field(default_factory=list)


def _issue_range(frontier: Frontier, reservation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest value of each issue over packages worth at least ``reservation`` to everyone."""
    from negsim.sim.lp import utility_program

    n, m = frontier.n, frontier.m
    low, high = np.full(m, np.inf), np.full(m, -np.inf)
    for poly in (p for p in frontier.boxes if p is not None):
        program = utility_program(frontier.ideal.reshape(n, m), frontier.scaled.reshape(n, m), reservation - 1e-12,
                                  poly.low, poly.high)  # fmt: skip
        for k in range(m):
            for sign in (1.0, -1.0):
                cost = np.zeros(m + n * m)
                cost[k] = sign
                x = program.minimize(cost)
                if x is not None:
                    low[k], high[k] = (min(low[k], x[k]), high[k]) if sign > 0 else (low[k], max(high[k], x[k]))
    return low, high


def best_packages(frontier: Frontier, reservation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each party's best package with every other party at its reservation, and that package's values.

    Rows whose others cannot all be satisfied are NaN.
    """
    n = frontier.n
    best = np.full((n, frontier.m), np.nan)
    for i in range(n):
        start = reservation.copy()
        start[i] = -1.0
        reach, box = frontier.best_box(start[None, :], np.eye(n)[i][None, :])
        fits = frontier.slack(start[None, :])[0] >= -1e-12
        if fits and np.isfinite(reach[0]):
            point = start.copy()
            point[i] = -1.0 + reach[0]
            best[i] = frontier.settle(point[None, :], box)[0]
    values = np.where(np.isnan(best[:, :1]), np.nan, utilities(np.nan_to_num(best), frontier.ideal, frontier.scaled))
    return best, values


def find_zopa(frontier: Frontier, reservation: np.ndarray, *, red_low=None, red_high=None,
              without=()) -> Zopa:  # fmt: skip
    """The zone of possible agreement for veto parties with ``reservation`` ``(n,)``.

    Args:
        frontier: what the veto parties can reach.
        reservation: what no deal is worth to each.
        red_low, red_high: ``(n, m)`` their red lines, to name the parties behind a clash.
        without: ``(label, frontier)`` pairs, each the frontier with one red line or linkage removed; the
            labels of those that widen the zone (or open it) go into ``shaped_by``.
    """
    n, m = frontier.n, frontier.m
    reservation = np.asarray(reservation, float)
    nan = np.full(m, np.nan)
    if frontier.empty:
        clash = []
        if red_low is not None:
            for k in range(m):
                top, bottom = red_low[:, k].max(), red_high[:, k].min()
                if top > bottom:
                    clash.append((k, sorted({int(np.argmax(red_low[:, k])), int(np.argmin(red_high[:, k]))})))
        return Zopa(False, -np.inf, nan, nan, np.full((n, m), np.nan), np.full((n, n), np.nan), clash=clash)
    depth = float(frontier.slack(reservation[None, :])[0])
    best, value = best_packages(frontier, reservation)
    if depth < -1e-12:
        short = np.array([value[i, i] if not np.isnan(value[i, i]) else -np.inf for i in range(n)])
        return Zopa(False, depth, nan, nan, best, value, short=short, shaped_by=_shaped(reservation, without, None))
    low, high = _issue_range(frontier, reservation)
    zopa = Zopa(True, depth, low, high, best, value)
    return Zopa(True, depth, low, high, best, value, shaped_by=_shaped(reservation, without, zopa))


def _shaped(reservation: np.ndarray, without, zopa: Zopa | None) -> list:
    """Labels of the constraints whose removal enlarges the zone: opens it, widens an issue's range, deepens it,
    or lets some party's best package in it improve."""
    found = []
    for label, other in without:
        if other.empty:
            continue
        depth = other.slack(reservation[None, :])[0]
        if zopa is None:
            widened = depth >= -1e-12
        elif depth > zopa.depth + 1e-9:
            widened = True
        else:  # cheapest checks first: each party's best package, then (linear programs) each issue's range
            _, value = best_packages(other, reservation)
            widened = bool(np.any(np.diagonal(value) > np.diagonal(zopa.best_value) + 1e-9))
            if not widened:
                low, high = _issue_range(other, reservation)
                widened = bool(np.any(low < zopa.low - 1e-9) or np.any(high > zopa.high + 1e-9))
        if widened:
            found.append(label)
    return found


def holdouts(frontier: Frontier, demand: np.ndarray, group: np.ndarray | None = None) -> np.ndarray:
    """Which parties' demands ``(R, n)`` nothing can meet while the others get theirs: ``(R, n)`` booleans.

    ``group`` gives each row's geometry when the frontier holds several.
    """
    R, n = demand.shape
    out = np.zeros((R, n), bool)
    for i in range(n):
        start = demand.copy()
        start[:, i] = -1.0
        reach, _ = frontier.best_box(start, np.broadcast_to(np.eye(n)[i], start.shape), group)
        fits = frontier.slack(start, group) >= -1e-12
        out[:, i] = ~fits | (-1.0 + reach < demand[:, i] - 1e-12)
    return out
