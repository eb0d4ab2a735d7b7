"""A design's noise: shared within a block of samples, independent between blocks, whatever the batching."""

from __future__ import annotations

import numpy as np
import pytest

import negsim.experiments.run.design as design_module
from negsim.experiments.run.design import run_design
from negsim.sim.judgments import widen
from negsim.sim.runspec import build_protocol
from negsim.sim.spec import RunSpec
from negsim.sim.validate import build_scenario


def _run(baseline_raw, perception: float = 0.15):
    raw = {**baseline_raw, "noise": {"perception": perception, "p_shock": 0.1, "shock_size": 0.2}}
    scenario = widen(build_scenario(raw), 0.05)
    return RunSpec(scenario=scenario, protocol=build_protocol({"name": "alternating_offers"}), seed=5, replications=1)


def _nominal(run) -> np.ndarray:
    return np.array([u.distribution.centre for u in run.scenario.uncertain])


def test_samples_share_noise_within_a_block_and_not_between_blocks(baseline_raw):
    run = _run(baseline_raw)
    values = np.repeat(_nominal(run)[None], 8, axis=0)  # eight identical samples in four blocks
    out = run_design(run, values, replications=32, blocks=4)
    assert np.array_equal(out.rounds[:4], out.rounds[4:]) and np.array_equal(out.utility[:4], out.utility[4:])
    assert len(np.unique(out.rounds[:4])) > 1  # different blocks, different chance events


@pytest.mark.slow
def test_the_batching_never_changes_a_design(baseline_raw, monkeypatch):
    run = _run(baseline_raw)
    rng = np.random.default_rng(0)
    low = np.array([u.distribution.quantile(np.zeros(1))[0] for u in run.scenario.uncertain])
    high = np.array([u.distribution.quantile(np.ones(1))[0] for u in run.scenario.uncertain])
    values = low + rng.random((24, len(low))) * (high - low)
    whole = run_design(run, values, replications=16, blocks=8)
    monkeypatch.setattr(design_module, "BATCH_ROWS", 40)  # two samples a batch
    pieces = run_design(run, values, replications=16, blocks=8)
    assert np.array_equal(whole.agreement, pieces.agreement) and np.array_equal(whole.rounds, pieces.rounds)
    # values agree to rounding: a batch's linear algebra may sum in another order
    np.testing.assert_allclose(pieces.terms, whole.terms, rtol=0, atol=1e-12)
    np.testing.assert_allclose(pieces.utility, whole.utility, rtol=0, atol=1e-12)
