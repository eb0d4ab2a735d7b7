"""Uncertain scenario values: distributions written in scenario files, and the switch that widens judgments.

A value may be written as a distribution instead of a number::

    reservation: {distribution: uniform, low: 0.3, high: 0.4}
    discount: {distribution: triangular, low: 0.95, mode: 0.97, high: 0.99}
    capability: {distribution: normal, mean: 0.35, sd: 0.05, low: 0.2, high: 0.5}   # truncated to [low, high]

The scenario's own value is the distribution's centre (the midpoint, the mode, the mean); each run draws
one value per parameter draw. Draws map uniforms through the inverse distribution function, so a
design (Sobol, Latin hypercube) can supply its own uniforms.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from negsim.sim.errors import ConfigError, got

__all__ = ["DISTRIBUTIONS", "Distribution", "Uncertain", "parse_distribution"]

DISTRIBUTIONS = ("uniform", "triangular", "normal")
_KEYS = {"uniform": {"low", "high"}, "triangular": {"low", "mode", "high"}, "normal": {"mean", "sd", "low", "high"}}


@dataclass(frozen=True, slots=True)
class Distribution:
    """A distribution on ``[low, high]``: uniform, triangular (with ``mode``), or normal truncated to it."""

    kind: str
    low: float
    high: float
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None

    @property
    def centre(self) -> float:
        """The value the scenario stands for: the midpoint, the mode or the mean.

        >>> Distribution("triangular", 0.0, 1.0, mode=0.2).centre
        0.2
        """
        if self.kind == "triangular":
            return float(self.mode)
        if self.kind == "normal":
            return float(self.mean)
        return (self.low + self.high) / 2.0

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """The values at uniforms ``u`` in ``[0, 1]`` (the inverse distribution function).

        >>> Distribution("uniform", 1.0, 3.0).quantile(np.array([0.0, 0.5, 1.0])).tolist()
        [1.0, 2.0, 3.0]
        """
        u = np.clip(np.asarray(u, float), 0.0, 1.0)
        low, high = self.low, self.high
        if high <= low:
            return np.full(u.shape, low)
        if self.kind == "uniform":
            return low + u * (high - low)
        if self.kind == "triangular":
            cut = (self.mode - low) / (high - low)
            left = low + np.sqrt(u * (high - low) * (self.mode - low))
            right = high - np.sqrt((1.0 - u) * (high - low) * (high - self.mode))
            return np.where(u <= cut, left, right)
        from scipy.special import ndtr, ndtri  # only when a normal distribution is used

        a, b = ndtr((low - self.mean) / self.sd), ndtr((high - self.mean) / self.sd)
        return np.clip(self.mean + self.sd * ndtri(a + u * (b - a)), low, high)


@dataclass(frozen=True, slots=True)
class Uncertain:
    """One uncertain value of a scenario.

    Attributes:
        key: where it lives, as in config keys (``actors.russia.reservation``, ``influence.us.ukraine.weight``).
        label: the same in words (``Russia · reservation``).
        distribution: what it is drawn from.
        evidence: ``judgment`` or ``quote``: what backs the scenario's own value.
        actor: the actor it belongs to (``None`` for noise), for colours on pages.
    """

    key: str
    label: str
    distribution: Distribution
    evidence: str
    actor: str | None = None


def _finite(raw: Mapping, name: str, key: str) -> float:
    value = raw.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{key}.{name}", f"{got(value)}; allowed: a finite number")
    return float(value)


def parse_distribution(raw: Any, key: str, low: float, high: float, span: str) -> Distribution:
    """Check a distribution written at ``key``: its kind, its keys, and that its whole range is legal.

    ``low``/``high`` are the legal bounds of the value and ``span`` says them in words.
    """
    kind = raw.get("distribution")
    if kind not in DISTRIBUTIONS:
        problem = "missing" if kind is None else f"unknown distribution {kind!r}"
        raise ConfigError(f"{key}.distribution", f"{problem}; allowed: {', '.join(DISTRIBUTIONS)}")
    extra = set(raw) - _KEYS[kind] - {"distribution"}
    if extra:
        name = sorted(extra)[0]
        raise ConfigError(f"{key}.{name}", f"unknown key {name!r} for a {kind} distribution; allowed: "
                          f"{', '.join(sorted(_KEYS[kind]))}")  # fmt: skip
    values = {name: _finite(raw, name, key) for name in sorted(_KEYS[kind])}
    lo, hi = values["low"], values["high"]
    if hi < lo:
        raise ConfigError(f"{key}.high", f"{hi:g} is below low ({lo:g}); allowed: high >= low")
    if lo < low or hi > high:
        name = "low" if lo < low else "high"
        raise ConfigError(f"{key}.{name}", f"the range [{lo:g}, {hi:g}] leaves the legal values; allowed: {span}")
    if kind == "triangular" and not lo <= values["mode"] <= hi:
        problem = f"{values['mode']:g} is outside [{lo:g}, {hi:g}]"
        raise ConfigError(f"{key}.mode", f"{problem}; allowed: low <= mode <= high")
    if kind == "normal":
        if values["sd"] <= 0:
            raise ConfigError(f"{key}.sd", f"{values['sd']:g}; allowed: a number > 0")
        if not lo <= values["mean"] <= hi:
            problem = f"{values['mean']:g} is outside [{lo:g}, {hi:g}]"
            raise ConfigError(f"{key}.mean", f"{problem}; allowed: low <= mean <= high")
    return Distribution(kind, lo, hi, mode=values.get("mode"), mean=values.get("mean"), sd=values.get("sd"))


#: A knife-edge: at least this share of draws almost never agree and at least this share almost always do.
KNIFE_EDGE_SHARE = 0.1


def draw_rates(success: np.ndarray, draw: np.ndarray, draws: int) -> tuple[np.ndarray, np.ndarray]:
    """Each parameter draw's rate of ``success`` ``(R,)`` booleans, and its number of replications.

    >>> [r.tolist() for r in draw_rates(np.array([1, 0, 1, 1]), np.array([0, 0, 1, 1]), 2)]
    [[0.5, 1.0], [2.0, 2.0]]
    """
    counts = np.bincount(draw, minlength=draws).astype(float)
    hits = np.bincount(draw, weights=np.asarray(success, float), minlength=draws)
    return hits / np.maximum(counts, 1.0), counts


def parameter_share(rates: np.ndarray, counts: np.ndarray) -> float | None:
    """The share of the replication-to-replication variance of a yes/no outcome that the parameters explain.

    The variance of the draws' true rates is the variance of their estimates less the binomial noise each
    estimate carries (``p (1 - p) / (k - 1)`` unbiased, for ``k`` replications a draw), over the total
    variance ``p (1 - p)`` of one replication's outcome. ``None`` with fewer than two replications a draw or
    an outcome that never varies.

    >>> parameter_share(np.array([0.0, 1.0, 0.0, 1.0]), np.full(4, 10.0))
    1.0
    """
    if len(rates) < 2 or counts.min() < 2:
        return None
    mean = float(np.average(rates, weights=counts))
    total = mean * (1.0 - mean)
    if total <= 0:
        return None
    between = np.var(rates, ddof=1) - np.mean(rates * (1.0 - rates) / (counts - 1.0))
    return float(np.clip(between / total, 0.0, 1.0))


def chance_spread(rates: np.ndarray, counts: np.ndarray) -> tuple[float, float] | None:
    """The spread of the draws' *chances* of success, their Monte Carlo noise removed: a Beta distribution's
    ``(a, b)`` with the draws' mean and the variance between their true rates (the beta-binomial method of
    moments, the variance as in :func:`parameter_share`). ``None`` when the draws differ by no more than their
    noise, or with fewer than two draws or two replications a draw.

    >>> a, b = chance_spread(np.array([0.0, 1.0] * 20), np.full(40, 10.0))
    >>> bool(a < 0.05 and b < 0.05)  # draws that never or always agree: a U-shaped Beta
    True
    """
    rates, counts = np.asarray(rates, float), np.asarray(counts, float)
    if len(rates) < 2 or counts.min() < 2:
        return None
    mean = float(np.average(rates, weights=counts))
    total = mean * (1.0 - mean)
    between = float(np.var(rates, ddof=1) - np.mean(rates * (1.0 - rates) / (counts - 1.0)))
    if total <= 0 or between <= 0:
        return None
    size = max(total / min(between, total) - 1.0, 1e-3)  # a + b; between -> total: all mass at 0 and 1
    return mean * size, (1.0 - mean) * size


def chance_quantiles(rates: np.ndarray, counts: np.ndarray, probabilities) -> np.ndarray:
    """Quantiles of the draws' chances (:func:`chance_spread`); every quantile is the mean rate when the draws
    differ by no more than their noise."""
    from scipy.special import betaincinv

    spread = chance_spread(rates, counts)
    if spread is None:
        mean = float(np.average(rates, weights=counts)) if np.sum(counts) > 0 else float(np.mean(rates))
        return np.full(len(probabilities), mean)
    return betaincinv(*spread, np.asarray(probabilities, float))


def knife_edge(rates: np.ndarray, counts: np.ndarray | None = None) -> bool:
    """Whether the outcome flips with the assumptions: some draws almost never agree and some almost always do.

    Given each draw's number of replications ``counts``, judged on the draws' chances (:func:`chance_spread`),
    not on their noisy rates: with few replications a draw, rates of 0 and 1 come from chance alone.

    >>> knife_edge(np.array([0.0, 0.05, 0.5, 0.95, 1.0]))
    True
    >>> knife_edge(np.array([0.0, 1.0] * 20), np.full(40, 1.0))  # one replication a draw: cannot tell
    False
    """
    rates = np.asarray(rates, float)
    if counts is None:
        return bool(np.mean(rates < 0.1) >= KNIFE_EDGE_SHARE and np.mean(rates > 0.9) >= KNIFE_EDGE_SHARE)
    from scipy.special import betainc

    spread = chance_spread(rates, counts)
    if spread is None:
        return False
    low, high = betainc(*spread, 0.1), 1.0 - betainc(*spread, 0.9)
    return bool(low >= KNIFE_EDGE_SHARE and high >= KNIFE_EDGE_SHARE)


#: Quantiles of the draws' chances written to the outputs.
QUANTILES = {"p05": 0.05, "p25": 0.25, "median": 0.5, "p75": 0.75, "p95": 0.95}


def chance_summary(rates: np.ndarray, counts: np.ndarray) -> dict:
    """How the chance of success spreads over parameter draws, Monte Carlo noise removed: its quantiles (``low``
    and ``high`` are the 5 % and 95 % ones), the shares of draws whose chance is below 0.1 (``never_agree``) and
    above 0.9 (``always_agree``), whether that is a knife-edge; and ``observed``, the quantiles of the draws'
    own rates, noise included.
    """
    from scipy.special import betainc

    rates, counts = np.asarray(rates, float), np.asarray(counts, float)
    chances = chance_quantiles(rates, counts, list(QUANTILES.values()))
    quantile = {name: float(q) for name, q in zip(QUANTILES, chances, strict=True)}
    spread = chance_spread(rates, counts)
    if spread is None:
        mean = quantile["median"]
        never, always = float(mean < 0.1), float(mean > 0.9)
    else:
        never, always = float(betainc(*spread, 0.1)), float(1.0 - betainc(*spread, 0.9))
    return quantile | {
        "low": quantile["p05"], "high": quantile["p95"], "never_agree": never, "always_agree": always,
        "knife_edge": knife_edge(rates, counts),
        "observed": {name: float(np.quantile(rates, q)) for name, q in QUANTILES.items()},
    }  # fmt: skip
