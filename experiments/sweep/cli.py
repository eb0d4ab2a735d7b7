"""``negsim-aggregate SWEEP_DIR``: rebuild a sweep's table and charts from its job folders."""

from __future__ import annotations

import os

# One BLAS thread, as in the ``negsim`` command: the bootstrap's sums then come out to the last bit the same
# here as at the end of a sweep, so the same runs give byte-identical pages (set before numpy is imported).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import sys
from pathlib import Path

from negsim.experiments.run.failures import fault_problem
from negsim.experiments.sweep.report import report_sweep

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Rebuild ``sweep.parquet`` and ``sweep.html`` without running anything; exit 2 with one line on a bad folder."""
    parser = argparse.ArgumentParser(
        prog="negsim-aggregate",
        description="Rebuild sweep.parquet and sweep.html from the job folders of a finished or interrupted sweep.",
    )
    parser.add_argument("sweep_dir", type=Path, help="the sweep's folder (multirun/...)")
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        print(f"negsim-aggregate: error: {args.sweep_dir}: no such folder", file=sys.stderr)
        sys.exit(2)
    try:
        print(report_sweep(args.sweep_dir))
    except FileNotFoundError as error:
        print(f"negsim-aggregate: error: {error}", file=sys.stderr)
        sys.exit(2)
    except OSError as error:  # a fault: a full disk, a folder that went away
        print(f"negsim-aggregate: error: {fault_problem(error)}", file=sys.stderr)
        sys.exit(1)
