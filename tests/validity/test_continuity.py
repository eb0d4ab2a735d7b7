"""Continuity: as noise goes to zero, the agreement rate and the terms converge to the noise-free result.

Away from knife-edges, that is: where the zone of possible agreement is at least 0.02 deep (every veto party
could have 0.02 more than its reservation at once) or absent. At a knife-edge (a zone of depth zero) the
noise-free talks agree and any misperception of what no deal is worth, however small, can close the zone.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from tests.strategies import negotiations
from tests.validity.common import agreed, changed, deals_of, library_scenario, play, quiet

LEVELS = (0.1, 0.01, 0.001, 0.00001)


def noisy(raw: dict, level: float) -> dict:
    return changed(raw, "noise", {"perception": level, "p_shock": 0.2, "shock_size": level})


@pytest.mark.slow
@given(negotiations(noise=False, equilibrium=True))
def test_noise_to_zero_converges_to_the_noise_free_result(case):
    raw, protocol = case
    deals = deals_of(raw)
    depth = deals.zopa_depth() if deals.boxes else -np.inf
    if -0.02 < depth < 0.02:
        return  # a knife-edge, see the module's docstring
    exact = play(quiet(raw), protocol, replications=40, seed=2)  # the same draws (a weighted proposer's, say)
    veto = np.array([spec.get("veto", True) for spec in raw["actors"].values()])
    errors = []
    for level in LEVELS:
        result = play(noisy(raw, level), protocol, replications=40, seed=2)
        rate_error = abs(agreed(result).mean() - agreed(exact).mean())
        both = agreed(result) & agreed(exact)
        value_error = np.abs(result.value[both][:, veto] - exact.value[both][:, veto]).max() if both.any() else 0.0
        errors.append(max(rate_error, value_error))
    assert errors[-1] <= 0.01, errors  # how close depends on the scenario's slopes; 1e-5 is close enough for all
    assert errors[-1] <= errors[0] + 1e-9, (
        errors
    )  # closer than at the largest noise (in between, Monte Carlo may wobble)


def test_baseline_terms_converge_as_noise_vanishes():
    raw = library_scenario("baseline")
    exact = play(quiet(raw), {"name": "alternating_offers"})
    gaps = []
    for level in LEVELS:
        result = play(noisy(raw, level), {"name": "alternating_offers"}, replications=400, seed=4)
        assert agreed(result).all()
        gaps.append(np.abs(np.nanmean(result.terms, axis=0) - exact.terms[0]).max())
    assert gaps[-1] < 0.01 and gaps[-1] < gaps[0]
