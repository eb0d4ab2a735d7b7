"""Run the model on a design: many parameter samples, each with its own replications, in batches.

Samples in one *block* meet the same chance events (common random numbers: replication ``j`` of every sample
in block ``b`` plays noise row ``b * replications + j``), so differences between them are their parameters'
doing alone; different blocks meet independent chance events. A Saltelli design puts base sample ``j`` of
``A``, ``B`` and every ``AB_i`` in block ``j``: each estimator term compares samples under the same noise,
and the estimates average over as many noise draws as there are base samples, so the bootstrap over base
samples covers the noise too. The noise rows depend on the block alone, never on the batching.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from negsim.agents.model import simulate
from negsim.sim.outcomes import Outcome
from negsim.sim.parameters import Parameters
from negsim.sim.spec import RunSpec

__all__ = ["DesignOutputs", "run_design"]

#: Replications simulated at once (samples x replications per sample), to bound memory.
BATCH_ROWS = 16_384


@dataclass(frozen=True, slots=True)
class DesignOutputs:
    """Per sample: the agreement rate, mean terms of its agreements (NaN without any), mean realised
    utilities and mean rounds."""

    agreement: np.ndarray
    terms: np.ndarray
    utility: np.ndarray
    rounds: np.ndarray


def run_design(run: RunSpec, values: np.ndarray, *, replications: int, blocks: int = 1,
               progress: Callable[[int, int], None] | None = None) -> DesignOutputs:  # fmt: skip
    """Simulate every row of ``values`` ``(N, K)`` (one value per entry of ``run.scenario.uncertain``).

    Args:
        run: the run whose scenario, protocol and seed to use (its own replications are ignored).
        values: the samples.
        replications: replications per sample.
        blocks: sample ``i`` is in noise block ``i % blocks`` (a Saltelli design: its base samples).
        progress: called as ``progress(samples_done, samples)``.
    """
    samples = len(values)
    noise_size = blocks * replications
    m, n = len(run.scenario.issues), len(run.scenario.actors)
    agreement, rounds = np.zeros(samples), np.zeros(samples)
    terms, utility = np.full((samples, m), np.nan), np.zeros((samples, n))
    step = max(1, BATCH_ROWS // replications)
    for start in range(0, samples, step):
        part = slice(start, min(samples, start + step))
        count = part.stop - part.start
        batch = dataclasses.replace(run, replications=count * replications, record=0)
        parameters = Parameters.from_values(run.scenario, values[part], batch.replications)
        block = np.arange(part.start, part.stop) % blocks
        rows = (block[:, None] * replications + np.arange(replications)).ravel()
        result = simulate(batch, parameters=parameters, common_noise=(rows, noise_size))
        shape = (count, replications)
        agreed = (result.outcome == Outcome.AGREEMENT).reshape(shape)
        agreement[part] = agreed.mean(axis=1)
        rounds[part] = result.rounds.reshape(shape).mean(axis=1)
        utility[part] = result.utility.reshape(*shape, n).mean(axis=1)
        deals = agreed.sum(axis=1)
        total = np.nan_to_num(result.terms.reshape(*shape, m)).sum(axis=1)
        terms[part] = np.where(deals[:, None] > 0, total / np.maximum(deals, 1)[:, None], np.nan)
        del result, parameters
        # A finished model is a reference cycle (Mesa's model and agents) holding this batch's arrays; Python
        # frees cycles only when enough small objects have been allocated, so without this a design keeps
        # every batch until then (GBs for a full analysis). One collection per batch costs milliseconds.
        gc.collect()
        if progress is not None:
            progress(part.stop, samples)
    return DesignOutputs(agreement=agreement, terms=terms, utility=utility, rounds=rounds)
