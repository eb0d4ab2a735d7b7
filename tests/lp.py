"""Linear programs over packages, written from the definitions and independently of the engine's frontier.

A package ``x`` is feasible when every veto party's red lines hold and, for each of their linkages,
the linked issue stays in its range or the condition issue stays in its range: the linkages are
enumerated as binary choices (each choice gives a box), and every program is solved over each box.
Utilities ``u_i(x) = 1 - sum_k s_ik |x_k - p_ik| / span_k`` enter through epigraph variables.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import linprog

from negsim.sim.spec import ScenarioSpec


class Deals:
    """The veto parties of ``scenario`` and the packages they can agree on."""

    def __init__(self, scenario: ScenarioSpec, *, parties: list[str] | None = None) -> None:
        names = parties or [a.name for a in scenario.actors if a.veto]
        actors = [scenario.actors[scenario.actor_index(name)] for name in names]
        self.names = names
        self.n, self.m = len(actors), len(scenario.issues)
        self.span = np.array([i.span for i in scenario.issues])
        self.ideal = np.array([a.ideal for a in actors])
        self.scaled = np.array([a.salience for a in actors]) / self.span
        self.reservation = np.array([a.reservation for a in actors])
        vetoes = [a for a in scenario.actors if a.veto]
        low = np.max([a.red_low for a in vetoes], axis=0)
        high = np.min([a.red_high for a in vetoes], axis=0)
        links = [(scenario.issue_index(l.issue), l.low, l.high, scenario.issue_index(l.when_issue), l.when_low,
                  l.when_high) for l in scenario.linkages if l.actor in {a.name for a in vetoes}]  # fmt: skip
        self.boxes = []
        for choice in itertools.product((0, 1), repeat=len(links)):
            lo, hi = low.copy(), high.copy()
            for pick, (k, a, b, q, c, d) in zip(choice, links, strict=True):
                j, x, y = (q, c, d) if pick == 0 else (k, a, b)
                lo[j], hi[j] = max(lo[j], x), min(hi[j], y)
            if np.all(lo <= hi):
                self.boxes.append((lo, hi))

    def utility(self, x: np.ndarray) -> np.ndarray:
        """``(..., n)`` utilities of packages ``(..., m)``."""
        return 1.0 - np.einsum("...nm,nm->...n", np.abs(np.asarray(x)[..., None, :] - self.ideal), self.scaled)

    def _program(self, floor, direction=None, objective=None):
        """Best over boxes of ``max z`` (``u >= floor + z direction``), or of ``max objective . u`` (``u >= floor``).

        Returns ``(value, package)`` or ``(-inf, None)`` when infeasible.
        """
        n, m = self.n, self.m
        size = m + n * m + 1
        rows, bound = [], []
        for i in range(n):
            for k in range(m):
                for sign in (1.0, -1.0):
                    row = np.zeros(size)
                    row[k], row[m + i * m + k] = sign, -1.0
                    rows.append(row)
                    bound.append(sign * self.ideal[i, k])
            row = np.zeros(size)
            row[m + i * m : m + (i + 1) * m] = self.scaled[i]
            row[-1] = 0.0 if direction is None else direction[i]
            rows.append(row)
            bound.append(1.0 - floor[i])
        cost = np.zeros(size)
        if direction is not None:
            cost[-1] = -1.0
        else:  # maximise objective . u = const - objective . (scaled * t)
            for i in range(n):
                cost[m + i * m : m + (i + 1) * m] = objective[i] * self.scaled[i]
        best, package = -np.inf, None
        for lo, hi in self.boxes:
            limits = list(zip(lo, hi, strict=True)) + [(0.0, None)] * (n * m) + [(None, None) if direction is not None
                                                                                 else (0.0, 0.0)]  # fmt: skip
            result = linprog(cost, A_ub=np.array(rows), b_ub=np.array(bound), bounds=limits, method="highs")
            if result.status == 0:
                value = -result.fun if direction is not None else float(objective @ self.utility(result.x[:m]))
                if value > best + 1e-12:
                    best, package = value, result.x[:m]
        return best, package

    def slack(self, floor: np.ndarray) -> float:
        """The largest gain every party can have above ``floor`` at once (negative: how far out of reach)."""
        return self._program(np.asarray(floor, float), direction=np.ones(self.n))[0]

    def zopa_depth(self) -> float:
        """How far above its reservation every veto party can be at once (negative: no zone of agreement)."""
        return self.slack(self.reservation)

    def pareto_gap(self, package: np.ndarray) -> float:
        """How much every party could gain at once over ``package`` (0 for an efficient one)."""
        return self.slack(self.utility(package))

    def best_for(self, i: int, floor: np.ndarray) -> float:
        """Party ``i``'s best utility with every other party at ``floor`` or above (``-inf``: impossible)."""
        start = np.asarray(floor, float).copy()
        start[i] = -10.0
        z = self._program(start, direction=np.eye(self.n)[i])[0]
        return -10.0 + z

    def proportional(self, disagreement: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Kalai's (1977) proportional point: ``d + z w`` with the largest reachable ``z``."""
        z = self._program(np.asarray(disagreement, float), direction=np.asarray(weight, float))[0]
        return disagreement + z * np.asarray(weight, float)

    def settle(self, u: np.ndarray) -> np.ndarray:
        """The engine's rule for free gains, by linear programs: in each box where ``u`` is reachable, the
        parties that can gain alone gain together by equal amounts; the box with the largest total gain is
        taken (ties: the first); until nobody can gain."""
        u = np.asarray(u, float).copy()
        boxes = self.boxes
        for _ in range(self.n + 1):
            best_total, best_step = 1e-9, None
            for box in boxes:
                self.boxes = [box]
                try:
                    if self.slack(u) < -1e-9:
                        continue
                    alone = np.array([self._program(u, direction=np.eye(self.n)[i])[0] for i in range(self.n)])
                    can = alone > 1e-9
                    if can.any():
                        together = self._program(u, direction=can * 1.0)[0]
                        if together * can.sum() > best_total + 1e-9:
                            best_total, best_step = together * can.sum(), together * can
                finally:
                    self.boxes = boxes
            if best_step is None:
                return u
            u = u + best_step
        return u
