"""What a sweep spends besides simulating: wall time against the sum of its jobs' simulation time.

Runs ``negsim -m seed=range(0,JOBS) replications=R record=0`` in a temporary
folder with each launcher named and reports the ratio of the sweep's wall
time (the whole command, start-up and the end-of-sweep table and charts
included) to the sum of the jobs' ``elapsed_seconds``; 1.0 would mean no
overhead at all. Launchers:

- ``negsim``: the default, negsim's sweeper and launcher, every job in the sweep's process;
- ``parallel``: negsim's launcher with one worker process per core (``hydra/launcher=parallel``);
- ``basic``, ``joblib``: Hydra's basic and joblib launchers, with negsim's sweeper (derived job configs);
- ``hydra-basic``, ``hydra-joblib``: Hydra's launchers with Hydra's basic sweeper, as before negsim had its own.

Usage: python benchmarks/sweep_cost.py [--jobs 100] [--replications 1000 ...] [--launcher negsim parallel ...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NEGSIM = Path(sys.executable).with_name("negsim")
LAUNCHERS = {
    "negsim": [],
    "parallel": ["hydra/launcher=parallel"],
    "basic": ["hydra/launcher=basic"],
    "joblib": ["hydra/launcher=joblib"],
    "hydra-basic": ["hydra/launcher=basic", "hydra/sweeper=basic"],
    "hydra-joblib": ["hydra/launcher=joblib", "hydra/sweeper=basic"],
}


def measure(jobs: int, replications: int, launcher: str) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="negsim-sweep-cost-"))
    args = [str(NEGSIM), "-m", f"seed=range(0,{jobs})", f"replications={replications}", "record=0",
            f"hydra.sweep.dir={folder / 'sweep'}", "progress=false", *LAUNCHERS[launcher]]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(args, check=True, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    simulated = sum(
        json.loads(p.read_text(encoding="utf-8"))["elapsed_seconds"] for p in (folder / "sweep").glob("*/summary.json")
    )
    shutil.rmtree(folder)
    return {"jobs": jobs, "replications": replications, "launcher": launcher, "wall_seconds": wall,
            "simulation_seconds": simulated, "ratio": wall / simulated}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--replications", type=int, nargs="+", default=[1000])
    parser.add_argument("--launcher", nargs="+", default=["negsim", "parallel"], choices=list(LAUNCHERS))
    args = parser.parse_args()
    print(f"{'jobs':>5}{'replications':>14}{'launcher':>14}{'wall s':>9}{'simulating s':>14}{'wall/sim':>10}")
    for replications in args.replications:
        for launcher in args.launcher:
            row = measure(args.jobs, replications, launcher)
            print(f"{row['jobs']:>5}{row['replications']:>14,}{row['launcher']:>14}{row['wall_seconds']:>9.1f}"
                  f"{row['simulation_seconds']:>14.1f}{row['ratio']:>10.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
