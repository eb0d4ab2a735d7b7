"""The chance of a deal over parameter draws, with each draw's Monte Carlo noise removed."""

from __future__ import annotations

import numpy as np
from scipy import stats

from negsim.sim.uncertainty import chance_summary, knife_edge


def _rates(rng, chances: np.ndarray, per_draw: int) -> tuple[np.ndarray, np.ndarray]:
    return rng.binomial(per_draw, chances) / per_draw, np.full(len(chances), float(per_draw))


def test_draws_that_do_not_differ_give_no_spread_and_no_knife_edge():
    rng = np.random.default_rng(2)
    rates, counts = _rates(rng, np.full(400, 0.6), 10)  # the parameters cannot matter
    assert np.quantile(rates, 0.95) - np.quantile(rates, 0.05) >= 0.3  # the raw rates spread by chance alone
    summary = chance_summary(rates, counts)
    assert summary["high"] - summary["low"] < 0.02
    assert abs(summary["median"] - 0.6) < 0.03
    assert not summary["knife_edge"]
    rates, counts = _rates(rng, np.full(400, 0.5), 1)  # one replication a draw: rates of 0 and 1 only
    assert knife_edge(rates) and not knife_edge(rates, counts)


def test_a_real_spread_is_recovered_and_a_split_is_a_knife_edge():
    rng = np.random.default_rng(3)
    truth = stats.beta(2.0, 5.0)
    rates, counts = _rates(rng, truth.rvs(2_000, random_state=rng), 10)
    summary = chance_summary(rates, counts)
    for name, q in (("p05", 0.05), ("median", 0.5), ("p95", 0.95)):
        assert abs(summary[name] - truth.ppf(q)) < 0.03, name
    split = stats.beta(0.3, 0.3)  # draws that nearly always or nearly never agree
    rates, counts = _rates(rng, split.rvs(2_000, random_state=rng), 20)
    summary = chance_summary(rates, counts)
    assert summary["knife_edge"]
    assert abs(summary["never_agree"] - split.cdf(0.1)) < 0.05
    assert abs(summary["always_agree"] - split.sf(0.9)) < 0.05
