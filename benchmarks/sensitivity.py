"""A Sobol' analysis over every judgment of the baseline, timed on one core, beside the fixed engine.

Runs ``negsim-sensitivity uncertainty.judgments=0.05`` (about 40 judgment-backed values, 1,024 base samples,
64 replications per sample: about three million replications) as a whole process and reports its wall
time against the 2-minute goal, how it splits (simulation, indices, the rest), and the simulation's
replication-rounds per second beside the engine's on the same baseline with fixed values, measured in the
same run (each parameter sample there has its own frontier geometry, so the per-replication work is larger).

Usage: python benchmarks/sensitivity.py [--base-samples N] [--replications K]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the goal is stated per core
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pandas as pd

GOAL_SECONDS = 120.0
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.engine import baseline_run, timed  # noqa: E402
from negsim.agents.model import simulate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-samples", type=int, default=1024, help="Saltelli base samples (a power of two)")
    parser.add_argument("--replications", type=int, default=64, help="replications per sample")
    args = parser.parse_args()
    command = Path(sys.executable).with_name("negsim-sensitivity")
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        done = subprocess.run(
            [str(command), "uncertainty.judgments=0.05", f"sensitivity.base_samples={args.base_samples}",
             f"sensitivity.replications={args.replications}", "progress=false", f"hydra.run.dir={folder}"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        wall = time.perf_counter() - start
        if done.returncode:
            sys.exit(done.stderr)
        record = json.loads((Path(folder) / "sensitivity.json").read_text(encoding="utf-8"))
        rounds = pd.read_parquet(Path(folder) / "sensitivity.parquet")["mean_rounds"].mean()
    seconds = record["elapsed_seconds"]
    work = record["replications"] * rounds
    fixed_seconds, fixed_work = timed(simulate, baseline_run("alternating_offers", 100_000), 1)
    print(f"{len(record['parameters'])} uncertain values, {record['base_samples']:,} base samples x "
          f"{record['replications_per_sample']} replications = {record['replications']:,} replications")  # fmt: skip
    print(f"{'wall time':<34}{wall:>8.1f} s  ({wall / GOAL_SECONDS:.2f} of the {GOAL_SECONDS:.0f} s goal)")
    print(f"{'  simulation':<34}{seconds['simulation']:>8.1f} s")
    print(f"{'  indices and intervals':<34}{seconds['indices']:>8.1f} s")
    print(f"{'  start-up, discovery, files':<34}{wall - seconds['simulation'] - seconds['indices']:>8.1f} s")
    design_rate, fixed_rate = work / seconds["simulation"], fixed_work / fixed_seconds
    print(f"{'rep-rounds/s, design':<34}{design_rate:>12,.0f}  ({design_rate / fixed_rate:.2f} x the fixed engine)")
    print(f"{'rep-rounds/s, fixed baseline':<34}{fixed_rate:>12,.0f}  (100,000 replications)")


if __name__ == "__main__":
    main()
