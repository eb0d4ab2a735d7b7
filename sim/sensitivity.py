"""Variance-based sensitivity: Sobol' indices with bootstrap intervals, and a quick ranking from a run's own draws.

The design is Saltelli's: two independent quasi-random matrices ``A`` and ``B`` of ``n`` rows (one column
per uncertain value, from a scrambled Sobol' sequence of twice the width) and, for each value ``i``, ``A``
with column ``i`` taken from ``B``: ``n (d + 2)`` rows in all. SciPy's :func:`scipy.stats.sobol_indices`
turns the outputs into first-order and total indices (Saltelli et al. 2010's estimators); the intervals
come from :func:`scipy.stats.bootstrap` (percentile intervals) over the ``n`` base rows, with a seeded
generator so the same seed gives the same intervals.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from negsim.sim.uncertainty import Distribution

__all__ = ["Indices", "chance_level", "design", "given_data_index", "sobol", "split_outputs"]


@dataclass(frozen=True, slots=True)
class Indices:
    """First-order and total Sobol' indices, ``(s, d)`` for ``s`` outputs and ``d`` inputs, with intervals.

    ``variance`` ``(s,)`` is each output's variance over the design; an output that does not vary has no
    indices (NaN). ``confidence`` is the intervals' level.
    """

    first: np.ndarray
    total: np.ndarray
    first_low: np.ndarray
    first_high: np.ndarray
    total_low: np.ndarray
    total_high: np.ndarray
    variance: np.ndarray
    confidence: float


def design(distributions: Sequence[Distribution], base_samples: int, rng: np.random.Generator) -> np.ndarray:
    """``(n (d + 2), d)`` input values: the rows of ``A``, then ``B``, then each ``AB_i`` (``A`` with ``B``'s column i).

    ``base_samples`` must be a power of two (the balance of Sobol' points needs it).
    """
    from scipy.stats import qmc

    d, n = len(distributions), base_samples
    if n < 2 or n & (n - 1):
        raise ValueError(f"base_samples must be a power of two >= 2, got {n}")
    uniforms = qmc.Sobol(d=2 * d, scramble=True, rng=rng).random(n)
    a, b = uniforms[:, :d], uniforms[:, d:]
    mixed = np.repeat(a[None], d, axis=0)
    mixed[np.arange(d), :, np.arange(d)] = b.T  # AB_i: column i from B
    rows = np.concatenate([a, b, mixed.reshape(d * n, d)])
    return np.stack([dist.quantile(rows[:, i]) for i, dist in enumerate(distributions)], axis=1)


def split_outputs(outputs: np.ndarray, d: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``f_A`` and ``f_B`` ``(s, n)`` and ``f_AB`` ``(d, s, n)`` from outputs ``(n (d + 2), s)`` in design order."""
    outputs = np.asarray(outputs, float).T
    return outputs[:, :n], outputs[:, n : 2 * n], outputs[:, 2 * n :].reshape(-1, d, n).transpose(1, 0, 2)


def _estimates(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Saltelli et al. (2010) estimators, as SciPy computes them: centred outputs over the pooled variance.

    Works on a trailing axis of rows, so resamples can be stacked in front of it.
    """
    mean = np.mean([f_a, f_b], axis=(0, -1))[..., None]
    f_a, f_b, f_ab = f_a - mean, f_b - mean, f_ab - mean
    variance = np.var([f_a, f_b], axis=(0, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.mean(f_b * (f_ab - f_a), axis=-1) / variance
        total = 0.5 * np.mean((f_a - f_ab) ** 2, axis=-1) / variance
    return first, total  # (d, s, ...)


def sobol(outputs: np.ndarray, d: int, n: int, *, confidence: float = 0.95, resamples: int = 200,
          rng: np.random.Generator, resolution: np.ndarray | float = 0.0) -> Indices:  # fmt: skip
    """Sobol' indices of ``outputs`` ``(n (d + 2), s)`` (in :func:`design` order) with bootstrap intervals.

    Args:
        outputs: the model's outputs on the design; NaN is not allowed.
        d, n: inputs and base samples of the design.
        confidence: level of the intervals.
        resamples: bootstrap resamples of the ``n`` base rows (percentile intervals).
        rng: the generator the resampling draws from.
        resolution: per output, the smallest standard deviation worth analysing (an output that varies less,
            such as terms that move in the last decimals, gets no indices rather than unstable ones).
    """
    from scipy.stats import bootstrap, sobol_indices

    f_a, f_b, f_ab = split_outputs(outputs, d, n)
    variance = np.var(np.concatenate([f_a, f_b], axis=1), axis=1)
    scale = np.maximum(1.0, np.abs(np.concatenate([f_a, f_b], axis=1)).max(axis=1))
    varies = np.sqrt(variance) > np.maximum(1e-6 * scale, resolution)
    s = f_a.shape[0]
    shape = (s, d)
    first, total = np.full(shape, np.nan), np.full(shape, np.nan)
    first_low, first_high, total_low, total_high = (np.full(shape, np.nan) for _ in range(4))
    if varies.any():
        keep = np.flatnonzero(varies)
        result = sobol_indices(func={"f_A": f_a[keep], "f_B": f_b[keep], "f_AB": f_ab[:, keep]}, n=n)
        first[keep] = np.reshape(result.first_order, (len(keep), d))
        total[keep] = np.reshape(result.total_order, (len(keep), d))

        def statistic(index: np.ndarray, axis: int = -1) -> np.ndarray:
            index = np.asarray(index)
            a, b, ab = f_a[keep][:, index], f_b[keep][:, index], f_ab[:, keep][:, :, index]
            if index.ndim == 2:  # (resamples, n): put the resamples in front of the rows
                a, b, ab = np.moveaxis(a, 1, -2), np.moveaxis(b, 1, -2), np.moveaxis(ab, 2, -2)
            one, all_ = _estimates(a, b, ab)
            return np.stack([np.moveaxis(one, 0, 1), np.moveaxis(all_, 0, 1)])  # (2, s, d, ...)

        with warnings.catch_warnings():  # an index with no spread in its resamples: a degenerate interval
            warnings.simplefilter("ignore")
            batch = max(1, 4_000_000 // max(1, f_ab[:, keep].size))
            boot = bootstrap((np.arange(n),), statistic, n_resamples=resamples, confidence_level=confidence,
                             method="percentile", vectorized=True, batch=batch, rng=rng)  # fmt: skip
        low, high = boot.confidence_interval
        first_low[keep], first_high[keep] = low[0], high[0]
        total_low[keep], total_high[keep] = low[1], high[1]
    return Indices(first=first, total=total, first_low=first_low, first_high=first_high, total_low=total_low,
                   total_high=total_high, variance=variance, confidence=confidence)  # fmt: skip


def given_data_index(x: np.ndarray, y: np.ndarray, *, bins: int | None = None) -> float:
    """First-order index of ``y`` on one input ``x`` from plain random draws (no design): the correlation ratio.

    The draws are sorted by ``x`` and cut into equal bins; the share of ``y``'s variance carried by the bin
    means, less what ``bins`` means would carry by chance (the adjusted correlation ratio), clipped to
    ``[0, 1]``. Rough with a hundred draws, but it needs no extra runs.

    >>> x = np.linspace(0, 1, 200); round(given_data_index(x, x), 2)
    0.99
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    count = len(x)
    bins = bins or max(2, round(np.sqrt(count)))
    total = np.var(y)
    if count < 2 * bins or total <= 0:
        return 0.0
    order = np.argsort(x, kind="stable")
    groups = np.array_split(y[order], bins)
    between = sum(len(g) * (g.mean() - y.mean()) ** 2 for g in groups) / count
    ratio = between / total
    adjusted = 1.0 - (1.0 - ratio) * (count - 1) / (count - bins)
    return float(np.clip(adjusted, 0.0, 1.0))


def chance_level(count: int, bins: int | None = None) -> float:
    """About how high :func:`given_data_index` reaches by chance for an idle input (two standard deviations).

    Under no effect the correlation ratio of ``count`` draws in ``bins`` bins is Beta-distributed with mean
    ``(bins - 1) / (count - 1)`` and variance about ``2 (bins - 1) / count**2``; the adjusted index removes the
    mean, so twice the standard deviation is what chance alone gives.

    >>> round(chance_level(200), 3)
    0.051
    """
    bins = bins or max(2, round(np.sqrt(count)))
    return float(2.0 * np.sqrt(2.0 * (bins - 1)) / count)


#: Type of a model evaluated on a design: values ``(N, d)`` -> outputs ``(N, s)``.
Model = Callable[[np.ndarray], np.ndarray]
