"""Exogenous randomness of a run, drawn in one fixed layout for all replications.

Both the vectorised model and the per-replication reference read the same blocks, so the same seed
gives the same draws whatever path runs them. Only what the scenario switches on is drawn: first,
once, each party's optimism; then, each round, in this order, the proposer draw, shocks and
escalation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from negsim.sim.spec import ProtocolSpec, RunSpec, ScenarioSpec

__all__ = ["RoundDraws", "draw_layout", "draw_optimism", "draw_round", "spawn_generators"]


@dataclass(frozen=True, slots=True)
class RoundDraws:
    """One round's draws; a field is ``None`` when the scenario does not use it.

    Attributes:
        pick: ``(R,)`` uniforms choosing a capability-weighted proposer.
        hit: ``(R, n)`` whom a shock hits; ``sizes``: ``(hits, m)`` the shocks, as shares of each issue's
            scale, in the order of ``hit``'s true entries (``None`` without shocks).
        escalate: ``(R,)`` uniforms deciding a unilateral move.
    """

    pick: np.ndarray | None
    hit: np.ndarray | None
    sizes: np.ndarray | None
    escalate: np.ndarray | None

    @property
    def jolt(self) -> np.ndarray | None:
        """``(R, n, m)`` the shocks as one array (zero where none hit), or ``None`` without shocks."""
        if self.hit is None:
            return None
        jolt = np.zeros((*self.hit.shape, self.sizes.shape[1]))
        jolt[self.hit] = self.sizes
        return jolt


def spawn_generators(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """The run's two generators: one for Mesa, one that owns exogenous noise.

    Spreading one seed with :class:`numpy.random.SeedSequence` keeps the noise
    stream independent of whatever Mesa draws while it sets itself up.
    """
    mesa_seq, noise_seq = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(mesa_seq), np.random.default_rng(noise_seq)


def draw_layout(run: RunSpec) -> tuple:
    """What decides the stream of draws: runs that agree on it see the same numbers.

    Two runs with the same layout give replication ``i`` the same draws in
    every round (common random numbers), so their outcomes can be compared
    in pairs.
    """
    return run.seed, run.replications, len(run.scenario.actors), len(run.scenario.issues)


def draw_optimism(rng: np.random.Generator, *, scenario: ScenarioSpec, replications: int) -> np.ndarray:
    """``(R, n)`` how much each party overrates what no deal is worth to it (zero without perception noise).

    A half-normal draw with scale ``noise.perception``, once per replication: a self-serving bias,
    never a reason to sign less than no deal is worth.
    """
    return scenario.noise.perception * np.abs(rng.standard_normal((replications, len(scenario.actors))))


def draw_round(rng: np.random.Generator, *, scenario: ScenarioSpec, protocol: ProtocolSpec,
               replications: int) -> RoundDraws:  # fmt: skip
    """Draw one round's blocks in the fixed order pick, shocks, escalation (``None`` where unused)."""
    n, m = len(scenario.actors), len(scenario.issues)
    noise = scenario.noise
    pick = rng.random(replications)
    hit = rng.random((replications, n)) < noise.p_shock
    sizes = rng.standard_normal((int(hit.sum()), m))
    escalate = rng.random(replications)
    shocks = noise.p_shock > 0 and noise.shock_size > 0
    return RoundDraws(pick=pick if protocol.proposer == "weighted" else None, hit=hit if shocks else None,
                      sizes=noise.shock_size * sizes if shocks else None,
                      escalate=escalate if scenario.escalation is not None else None)  # fmt: skip
