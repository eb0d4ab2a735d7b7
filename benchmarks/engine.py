"""Engine throughput on the baseline, measured side by side in one run.

Reports replication-rounds per second (the sum over replications of the
rounds each one played, divided by wall time) for the vectorised model at
several sizes, a per-replication loop over the same Mesa model, and the
scalar reference path (linear programs instead of the frontier), with ratios
against the 1,000,000 per second goal.

Usage: python benchmarks/engine.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the goal is stated per core
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import yaml

from negsim.agents.model import simulate
from negsim.sim.reference import simulate_reference
from negsim.sim.runspec import build_run

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1_000_000


def baseline_run(protocol: str, replications: int, seed: int = 0):
    scenario = yaml.safe_load((ROOT / "configs/scenario/baseline.yaml").read_text(encoding="utf-8"))
    raw = yaml.safe_load((ROOT / f"configs/protocol/{protocol}.yaml").read_text(encoding="utf-8"))
    return build_run({"scenario": scenario, "protocol": raw, "seed": seed, "replications": replications})


def timed(function, run, repeat: int) -> tuple[float, int]:
    best, work = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(run)
        best = min(best, time.perf_counter() - start)
        work = int(result.rounds.sum())
    return best, work


def per_replication_mesa(run):
    """The same Mesa model, one replication per model instance."""
    from dataclasses import replace

    from negsim.sim.outcomes import RunResult

    results = [simulate(replace(run, replications=1, seed=run.seed + r)) for r in range(run.replications)]

    def joined(field: str) -> np.ndarray:
        return np.concatenate([getattr(r, field) for r in results])

    return RunResult(
        outcome=joined("outcome"),
        rounds=joined("rounds"),
        terms=joined("terms"),
        value=joined("value"),
        utility=joined("utility"),
        holdout=joined("holdout"),
        final_positions=joined("final_positions"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N timings (default 3)")
    args = parser.parse_args()
    cases = [
        ("vectorised", simulate, "alternating_offers", 1_000),
        ("vectorised", simulate, "alternating_offers", 10_000),
        ("vectorised", simulate, "alternating_offers", 100_000),
        ("vectorised", simulate, "mediated", 1_000),
        ("vectorised", simulate, "mediated", 10_000),
        ("per-replication Mesa loop", per_replication_mesa, "alternating_offers", 200),
        ("scalar reference (LPs)", simulate_reference, "alternating_offers", 10),
    ]
    rows = []
    for name, function, protocol, replications in cases:
        repeat = args.repeat if replications < 100_000 else 1
        seconds, work = timed(function, baseline_run(protocol, replications), repeat)
        rows.append((name, protocol, replications, seconds, work / seconds))
    loop = next(rate for name, *_, rate in rows if name.startswith("per-replication"))
    print(f"{'path':<27}{'protocol':<20}{'replications':>13}{'seconds':>10}{'rep-rounds/s':>15}"
          f"{'vs goal':>9}{'vs loop':>10}")  # fmt: skip
    for name, protocol, replications, seconds, rate in rows:
        print(f"{name:<27}{protocol:<20}{replications:>13,}{seconds:>10.3f}{rate:>15,.0f}"
              f"{rate / GOAL:>8.2f}x{rate / loop:>9.0f}x")  # fmt: skip


if __name__ == "__main__":
    main()
