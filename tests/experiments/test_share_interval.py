"""The agreement rate's interval when replications share parameter draws."""

from __future__ import annotations

import numpy as np

from negsim.experiments.run.files import share_interval, wilson_interval


def _clustered(rng, draws: int, per_draw: int, spread: float):
    """Each draw's chance from a Beta with mean 0.7 and the given spread; replications within it Bernoulli."""
    a = 0.7 * (1 / spread - 1)
    b = 0.3 * (1 / spread - 1)
    chance = rng.beta(a, b, draws)
    return rng.random((draws, per_draw)) < chance[:, None], np.repeat(np.arange(draws), per_draw)


def test_intervals_cover_the_mean_chance_when_draws_differ():
    rng = np.random.default_rng(11)
    covered = {"plain": 0, "clustered": 0}
    trials = 400
    for _ in range(trials):
        hits, groups = _clustered(rng, draws=100, per_draw=10, spread=0.3)
        hits = hits.ravel()
        low, high = wilson_interval(int(hits.sum()), len(hits))
        covered["plain"] += low <= 0.7 <= high
        low, high = share_interval(hits, groups)
        covered["clustered"] += low <= 0.7 <= high
    # binomial noise over 400 trials is about 1.1 points: the clustered interval keeps its 95 %, the plain
    # one falls far short (draws that differ make replications of one draw alike)
    assert covered["clustered"] / trials >= 0.92
    assert covered["plain"] / trials <= 0.80


def test_without_a_spread_between_draws_it_is_wilsons():
    rng = np.random.default_rng(5)
    hits = rng.random(2_000) < 0.6
    groups = np.repeat(np.arange(100), 20)
    plain = wilson_interval(int(hits.sum()), len(hits))
    low, high = share_interval(hits, groups)
    assert low <= plain[0] + 1e-12 and high >= plain[1] - 1e-12  # never narrower
    assert (high - low) / (plain[1] - plain[0]) < 1.15
    assert share_interval(hits) == plain


def test_the_comparison_bootstrap_resamples_whole_draws():
    from negsim.experiments.compare.stats import bootstrap_means

    rng = np.random.default_rng(7)
    groups = np.repeat(np.arange(50), 20)
    values = np.repeat(rng.random(50), 20)[:, None]  # every replication of a draw alike
    by_row = bootstrap_means(values, 3).std()
    by_draw = bootstrap_means(values, 3, groups=groups).std()
    expected = values[::20, 0].std() / np.sqrt(50)  # the standard error of a mean over 50 draws
    assert abs(by_draw / expected - 1) < 0.15
    assert by_row < 0.35 * by_draw  # rows one by one: as if 1,000 independent values
    again = bootstrap_means(values + 1.0, 3, groups=groups)
    np.testing.assert_allclose(again - bootstrap_means(values, 3, groups=groups), 1.0)  # same seed: paired
