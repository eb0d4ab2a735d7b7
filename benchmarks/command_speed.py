"""How long the ``negsim`` command takes as a whole process, against starting Python with numpy and pandas.

Each command runs as a fresh process several times, the commands taking turns
so that a slow spell of the machine hits all of them alike; one warm-up run
of each comes first (it fills the file cache and writes ``__pycache__``). The
floor is ``python -c "import numpy, pandas"``: no command that writes a
Parquet table can start faster. Prints each command's median wall time and
its ratio to the floor's median, then the same for CPU time (user and
system), then the median of each round's own ratio (the commands of one
round run back to back, so a slow spell of the machine hits them alike).

Usage: python benchmarks/command_speed.py [--runs 7] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
#: One BLAS thread for every command, as negsim sets for itself: the floor's numpy would otherwise start a
#: thread per core, which costs CPU time that negsim never spends.
ENV = {**os.environ, **{name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}}
#: Targets from the issue: a ratio to the floor each command should stay under.
TARGETS = {"negsim report=false": 2.0, "negsim": 3.0}


def commands(folder: Path) -> dict[str, list[str]]:
    """The measured commands; each negsim command writes (and rewrites) one run folder in ``folder``."""
    negsim = str(BIN / "negsim")
    return {
        "python -c 'import numpy, pandas'": [sys.executable, "-c", "import numpy, pandas"],
        "negsim report=false": [negsim, "report=false", f"hydra.run.dir={folder / 'quiet'}"],
        "negsim": [negsim, f"hydra.run.dir={folder / 'report'}"],
    }


def wall_time(args: list[str], cwd: Path) -> tuple[float, float]:
    """Seconds from starting ``args`` to its exit, and the CPU seconds it used (user and system, its children
    included); a failed command stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with status {done.returncode}:\n{done.stderr[-2000:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(runs: int) -> dict[str, list[tuple[float, float]]]:
    """Wall and CPU times of every command, ``runs`` each after one warm-up, taking turns."""
    folder = Path(tempfile.mkdtemp(prefix="negsim-command-speed-"))
    try:
        cases = commands(folder)
        for args in cases.values():
            wall_time(args, folder)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(runs):
            for name, args in cases.items():
                times[name].append(wall_time(args, folder))
        return times
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each command (default 7)")
    parser.add_argument("--json", type=Path, help="also write the raw times to this file")
    args = parser.parse_args()
    times = measure(args.runs)
    walls = {name: [wall for wall, _ in values] for name, values in times.items()}
    cpus = {name: [cpu for _, cpu in values] for name, values in times.items()}
    floor, floor_cpu = (statistics.median(next(iter(found.values()))) for found in (walls, cpus))
    first = next(iter(walls.values()))
    print(f"{'command':<36}{'median s':>10}{'min s':>8}{'max s':>8}{'vs floor':>10}{'target':>8}"
          f"{'CPU s':>8}{'vs floor':>10}{'by round':>10}")  # fmt: skip
    for name, values in walls.items():
        median, cpu = statistics.median(values), statistics.median(cpus[name])
        # each round runs every command back to back: its own ratio is spared the machine's slow spells
        paired = statistics.median(value / base for value, base in zip(values, first, strict=True))
        target = f"{TARGETS[name]:.1f}x" if name in TARGETS else ""
        print(f"{name:<36}{median:>10.3f}{min(values):>8.3f}{max(values):>8.3f}{median / floor:>9.2f}x{target:>8}"
              f"{cpu:>8.3f}{cpu / floor_cpu:>9.2f}x{paired:>9.2f}x")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(times, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
