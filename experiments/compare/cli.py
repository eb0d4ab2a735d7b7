"""``negsim-compare RUN_OR_SWEEP_DIR ...``: compare finished runs, the first being the reference."""

from __future__ import annotations

import os

# One BLAS thread, as in the ``negsim`` command: the bootstrap's sums then come out to the last bit the same
# here as at the end of a sweep, so the same runs give byte-identical pages (set before numpy is imported).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse
import sys
from pathlib import Path

from negsim.experiments.compare.page import collect, format_comparison, write_comparison
from negsim.experiments.compare.stats import compare_runs

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Compare the runs named on the command line; print the table and write the CSV and the page."""
    parser = argparse.ArgumentParser(prog="negsim-compare",
                                     description="Compare finished runs, the first being the reference.")  # fmt: skip
    parser.add_argument("paths", nargs="+", type=Path, help="run folders, or sweep folders (all their jobs)")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: the sweep, or here)")
    args = parser.parse_args(argv)
    try:
        folders, labels = collect(args.paths)
        comparison = compare_runs(folders, labels)
    except (FileNotFoundError, ValueError) as error:
        print(f"negsim-compare: error: {error}", file=sys.stderr)
        sys.exit(2)
    single_sweep = len(args.paths) == 1 and not (args.paths[0] / "summary.json").exists()
    out = args.out or (args.paths[0] if single_sweep else Path.cwd())
    page, csv = write_comparison(out, comparison)
    print(format_comparison(comparison))
    print(f"\nwrote {page} and {csv}")
