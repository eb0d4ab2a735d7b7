"""Exogenous randomness of a run, drawn in one fixed layout for all replications.

The run's seed is spread with :class:`numpy.random.SeedSequence` into Mesa's generator, the noise and the
parameter draws (:mod:`negsim.sim.parameters`). The noise has one stream per block: each party's optimism
(once), and each round the proposer draw, the shocks' uniforms, their sizes and the escalation draw. A
block is raw randomness (uniforms, standard normals), turned into events by each replication's own
parameters, so two runs with the same seed and sizes give replication ``i`` the same numbers in every
round whatever their parameters (common random numbers), and a block a scenario does not use leaves the
others as they are. Both the vectorised model and the per-replication reference read these blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.sim.spec import RunSpec, ScenarioSpec

__all__ = [
    "NoiseStreams", "RoundDraws", "draw_layout", "draw_optimism", "draw_round", "shock_cap", "spawn_generators",
]


@dataclass(frozen=True, slots=True)
class NoiseStreams:
    """One generator per block of noise."""

    optimism: np.random.Generator
    pick: np.random.Generator
    shock: np.random.Generator
    size: np.random.Generator
    escalate: np.random.Generator


@dataclass(frozen=True, slots=True)
class RoundDraws:
    """One round's raw draws; a field is ``None`` when the scenario cannot use it.

    Attributes:
        pick: ``(R,)`` uniforms choosing a capability-weighted proposer.
        shock: ``(R, n)`` uniforms: a shock hits actor ``i`` when its uniform is below the chance of a shock.
        sizes: ``(c, m)`` standard normal shocks for the entries of ``shock`` below the highest chance the
            scenario allows (:func:`shock_cap`), in row-major order (``None`` when ``dense`` holds them).
        escalate: ``(R,)`` uniforms deciding a unilateral move.
    """

    pick: np.ndarray | None
    shock: np.ndarray | None
    sizes: np.ndarray | None
    escalate: np.ndarray | None
    cap: float = 0.0
    dense: np.ndarray | None = None  # (R, n, m) the sizes laid out by replication and actor, when already built

    def _dense(self) -> np.ndarray:
        if self.dense is not None:
            return self.dense
        dense = np.zeros((*self.shock.shape, self.sizes.shape[1]))
        dense[self.shock < self.cap] = self.sizes
        return dense

    def rows(self, rows: np.ndarray) -> RoundDraws:
        """The draws of replications ``rows`` (rows may repeat: replications that share their noise)."""
        pick = None if self.pick is None else self.pick[rows]
        escalate = None if self.escalate is None else self.escalate[rows]
        if self.shock is None:
            return RoundDraws(pick=pick, shock=None, sizes=None, escalate=escalate)
        dense = self._dense()[rows]
        shock = self.shock[rows]
        return RoundDraws(pick=pick, shock=shock, sizes=None, escalate=escalate, cap=self.cap, dense=dense)

    def hits(self, p_shock: np.ndarray, shock_size: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Who is jolted and by how much: replications ``(h,)``, actors ``(h,)`` and shocks ``(h, m)`` as shares
        of each issue's scale (``None`` without shocks).

        ``p_shock`` and ``shock_size`` are ``(R,)`` or ``(1,)``: each replication's own noise settings.
        """
        if self.shock is None:
            return None
        p_shock, shock_size = np.reshape(p_shock, -1), np.reshape(shock_size, -1)
        if self.dense is not None:
            rows, actors = np.nonzero(self.shock < (p_shock[:, None] if len(p_shock) > 1 else p_shock[0]))
            sizes = self.dense[rows, actors]
        else:
            rows, actors = np.nonzero(self.shock < self.cap)  # row-major, as the sizes were drawn
            hit = self.shock[rows, actors] < (p_shock[rows] if len(p_shock) > 1 else p_shock[0])
            rows, actors, sizes = rows[hit], actors[hit], self.sizes[hit]
        size = shock_size[rows, None] if len(shock_size) > 1 else shock_size[0]
        return rows, actors, sizes * size

    def jolt(self, p_shock: np.ndarray, shock_size: np.ndarray) -> np.ndarray | None:
        """``(R, n, m)`` the shocks of :meth:`hits` as one array (zero where none hit), or ``None``."""
        hits = self.hits(p_shock, shock_size)
        if hits is None:
            return None
        jolt = np.zeros((*self.shock.shape, self._dense().shape[2]))
        jolt[hits[0], hits[1]] = hits[2]
        return jolt


def spawn_generators(seed: int) -> tuple[np.random.Generator, NoiseStreams]:
    """The run's generator for Mesa and its noise streams.

    Spreading one seed keeps the noise independent of whatever Mesa draws while it sets itself up; the
    third child of the seed is the parameter draws'.
    """
    mesa_seq, noise_seq = np.random.SeedSequence(seed).spawn(2)
    streams = NoiseStreams(*(np.random.default_rng(s) for s in noise_seq.spawn(5)))
    return np.random.default_rng(mesa_seq), streams


def draw_layout(run: RunSpec) -> tuple:
    """What decides the stream of draws: runs that agree on it see the same numbers.

    Two runs with the same layout give replication ``i`` the same draws in
    every round (common random numbers), so their outcomes can be compared
    in pairs.
    """
    return run.seed, run.replications, len(run.scenario.actors), len(run.scenario.issues)


def shock_cap(scenario: ScenarioSpec) -> float:
    """The highest chance of a shock any draw of the scenario can have (0: no shocks are drawn)."""
    ranges = {u.key: u.distribution.high for u in scenario.uncertain}
    chance = ranges.get("noise.p_shock", scenario.noise.p_shock)
    size = ranges.get("noise.shock_size", scenario.noise.shock_size)
    return chance if size > 0 else 0.0


def draw_optimism(streams: NoiseStreams, *, replications: int, actors: int) -> np.ndarray:
    """``(R, n)`` how much each party overrates what no deal is worth to it, per unit of perception noise.

    A standard half-normal draw, once per replication; times the replication's ``noise.perception`` it is
    a self-serving bias, never a reason to sign less than no deal is worth.
    """
    return np.abs(streams.optimism.standard_normal((replications, actors)))


def draw_round(streams: NoiseStreams, *, replications: int, actors: int, issues: int, cap: float) -> RoundDraws:
    """Draw one round's blocks, each from its own stream; shocks only when ``cap`` (:func:`shock_cap`) is above 0."""
    pick = streams.pick.random(replications)
    escalate = streams.escalate.random(replications)
    if cap <= 0:
        return RoundDraws(pick=pick, shock=None, sizes=None, escalate=escalate)
    shock = streams.shock.random((replications, actors))
    sizes = streams.size.standard_normal((int(np.count_nonzero(shock < cap)), issues))
    return RoundDraws(pick=pick, shock=shock, sizes=sizes, escalate=escalate, cap=cap)
