"""negsim's linear programs (HiGHS through highspy) against SciPy's linprog on the same programs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy.optimize import linprog

from negsim.sim.lp import LinearProgram


@pytest.mark.parametrize("seed", range(40))
def test_optimum_matches_linprog(seed):
    rng = np.random.default_rng(seed)
    size, count = rng.integers(2, 12), rng.integers(1, 15)
    rows = rng.normal(size=(count, size)) * (rng.random((count, size)) < 0.7)
    bound = rng.normal(size=count) + 0.5
    low = np.where(rng.random(size) < 0.8, -rng.random(size), -np.inf)
    high = np.where(rng.random(size) < 0.8, rng.random(size), np.inf)
    program = LinearProgram(rows, bound, low, high)
    for _ in range(3):  # one model, several costs: each solve starts from the last
        cost = rng.normal(size=size)
        expected = linprog(cost, A_ub=rows, b_ub=bound, bounds=list(zip(low, high, strict=True)), method="highs")
        x = program.minimize(cost)
        if expected.status == 0:
            assert x is not None
            assert cost @ x == pytest.approx(expected.fun, abs=1e-8)
            assert np.all(rows @ x <= bound + 1e-8) and np.all(x >= low - 1e-9) and np.all(x <= high + 1e-9)
        else:  # infeasible or unbounded
            assert x is None


def test_infeasible_and_unbounded_are_none():
    free = np.array([-np.inf]), np.array([np.inf])
    infeasible = LinearProgram(np.array([[1.0], [-1.0]]), np.array([0.0, -1.0]), *free)  # x <= 0 and x >= 1
    assert infeasible.minimize(np.array([1.0])) is None
    unbounded = LinearProgram(np.array([[1.0]]), np.array([1.0]), *free)
    assert unbounded.minimize(np.array([1.0])) is None
    assert unbounded.minimize(np.array([-1.0])) == pytest.approx([1.0])


def test_solving_prints_nothing():
    """HiGHS prints a banner the first time a process sets it up, from C++: checked in a fresh process."""
    code = (
        "import numpy as np; from negsim.sim.lp import LinearProgram; "
        "print(LinearProgram(np.eye(2), np.ones(2), np.zeros(2), np.full(2, np.inf)).minimize(-np.ones(2)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (done.stdout, done.stderr) == ("[1. 1.]\n", "")


def test_nan_is_refused_and_an_infinite_bound_is_none():
    free = np.array([-np.inf]), np.array([np.inf])
    with pytest.raises(ValueError, match="NaN"):
        LinearProgram(np.array([[1.0]]), np.array([1.0]), np.array([np.nan]), np.array([1.0]))
    with pytest.raises(ValueError, match="NaN"):
        LinearProgram(np.array([[1.0]]), np.array([np.nan]), *free)
    with pytest.raises(ValueError, match="NaN"):
        LinearProgram(np.array([[1.0]]), np.array([1.0]), *free).minimize(np.array([np.nan]))
    with pytest.raises(ValueError, match="refused"):  # x <= -inf: no variable at all, not a free one
        LinearProgram(np.zeros((1, 1)), np.zeros(1), np.array([-np.inf]), np.array([-np.inf]))
