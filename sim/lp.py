"""Small linear programs, solved by HiGHS through its own Python interface.

The zone's issue ranges and the recovery of a package on a degenerate face are linear programs of a few
dozen variables. SciPy's ``linprog`` calls the same solver (HiGHS), but importing ``scipy.optimize`` takes
about 0.3 s, several times a default run's simulation; ``highspy`` imports in a tenth of that, and keeps
the model between solves, so the ranges' ``2 m`` programs over one polytope differ only in their cost.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["LinearProgram", "utility_program"]


class LinearProgram:
    """``min c @ x`` subject to ``rows @ x <= bound`` and ``low <= x <= high`` for one set of constraints.

    Args:
        rows: ``(r, v)`` dense constraint matrix; bound: ``(r,)``.
        low, high: ``(v,)`` variable bounds; ``±inf`` for none.
    """

    def __init__(self, rows: np.ndarray, bound: np.ndarray, low: np.ndarray, high: np.ndarray) -> None:
        import highspy  # only when a program is solved

        rows, bound, low, high = (np.asarray(a, float) for a in (rows, bound, low, high))
        if any(np.isnan(a).any() for a in (rows, bound, low, high)):
            raise ValueError("a linear program with NaN in its constraints or bounds")
        self.size = rows.shape[1]
        self._solver = _quiet_highs(highspy)()
        model = highspy.HighsLp()
        model.num_col_, model.num_row_ = self.size, rows.shape[0]
        model.col_cost_ = np.zeros(self.size)
        model.col_lower_, model.col_upper_ = low, high  # HiGHS reads an infinite bound as none
        model.row_lower_ = np.full(rows.shape[0], -highspy.kHighsInf)
        model.row_upper_ = bound
        column, row = np.nonzero(rows.T)  # column-wise: the non-zeros of each column in row order
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.start_ = np.searchsorted(column, np.arange(self.size + 1)).astype(np.int32)
        model.a_matrix_.index_ = row.astype(np.int32)
        model.a_matrix_.value_ = rows.T[column, row]
        if self._solver.passModel(model) != highspy.HighsStatus.kOk:
            raise ValueError("HiGHS refused the linear program")
        self._optimal = highspy.HighsModelStatus.kOptimal
        self._every = np.arange(self.size, dtype=np.int32)

    def minimize(self, cost: np.ndarray) -> np.ndarray | None:
        """The optimal ``x`` for ``cost`` ``(v,)``, or ``None`` when the program is infeasible or unbounded."""
        cost = np.asarray(cost, float)
        if np.isnan(cost).any():
            raise ValueError("a linear program with NaN in its cost")
        self._solver.changeColsCost(self.size, self._every, cost)
        self._solver.run()
        if self._solver.getModelStatus() != self._optimal:
            return None
        return np.array(self._solver.getSolution().col_value)


def utility_program(ideal: np.ndarray, scaled: np.ndarray, target: np.ndarray, low: np.ndarray, high: np.ndarray,
                    *, shortfall: bool = False) -> LinearProgram:  # fmt: skip
    """Packages ``x`` in ``[low, high]`` worth at least ``target`` ``(n,)`` to every party, as a linear program.

    Utilities ``1 - sum_k s_ik |x_k - p_ik|`` (ideals ``p`` and saliences over spans ``s``, ``(n, m)``) are
    concave: each distance gets a variable ``t_ik >= |x_k - p_ik|``, so the variables are ``x`` ``(m)``, then
    ``t`` ``(n m)``. With ``shortfall``, one more variable ``z >= 0`` lowers every target at once
    (``u_i >= target_i - z``).
    """
    n, m = ideal.shape
    extra = 1 if shortfall else 0
    picks, distance = np.tile(np.eye(m), (n, 1)), np.kron(np.eye(n), np.eye(m))
    weights = np.kron(np.eye(n), np.ones((1, m))) * scaled.ravel()  # sum_k s_ik t_ik
    rows = np.block([[picks, -distance, np.zeros((n * m, extra))], [-picks, -distance, np.zeros((n * m, extra))],
                     [np.zeros((n, m)), weights, -np.ones((n, extra))]])  # fmt: skip
    bound = np.concatenate([ideal.ravel(), -ideal.ravel(), 1.0 - target])
    free = n * m + extra
    return LinearProgram(rows, bound, np.concatenate([low, np.zeros(free)]),
                         np.concatenate([high, np.full(free, np.inf)]))  # fmt: skip


@functools.cache
def _quiet_highs(highspy):
    """HiGHS that prints nothing: its log is turned off before it is first set up (else it prints a banner)."""

    class Quiet(highspy.Highs):
        def enableCallbacks(self) -> None:
            self.silent()
            super().enableCallbacks()

    return Quiet
