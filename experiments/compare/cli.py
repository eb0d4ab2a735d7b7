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
from negsim.experiments.run.failures import fault_problem

__all__ = ["main"]


def _writable(out: Path) -> None:
    """Make the ``--out`` folder now, so a bad one is told before the comparison is computed."""
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"--out {out}: a file, not a folder; allowed: a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise NotADirectoryError(f"--out {out}: cannot make the folder ({error.strerror}); allowed: a folder you "
                                 "can write to") from None  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    """Compare the runs named on the command line; print the table and write the CSV and the page."""
    parser = argparse.ArgumentParser(prog="negsim-compare",
                                     description="Compare finished runs, the first being the reference.")  # fmt: skip
    parser.add_argument("paths", nargs="+", type=Path, help="run folders, or sweep folders (all their jobs)")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: the sweep, or here)")
    args = parser.parse_args(argv)
    try:
        if args.out is not None:
            _writable(args.out)
        folders, labels = collect(args.paths)
        comparison = compare_runs(folders, labels)
    except (FileNotFoundError, NotADirectoryError, ValueError) as error:  # BadRunFile and ConfigError included
        print(f"negsim-compare: error: {' '.join(str(error).split())}", file=sys.stderr)
        sys.exit(2)
    single_sweep = len(args.paths) == 1 and not (args.paths[0] / "summary.json").exists()
    out = args.out or (args.paths[0] if single_sweep else Path.cwd())
    try:
        page, csv = write_comparison(out, comparison)
    except OSError as error:  # a fault: a full disk, a folder that went away
        print(f"negsim-compare: error: {fault_problem(error)}", file=sys.stderr)
        sys.exit(1)
    print(format_comparison(comparison))
    print(f"\nwrote {page} and {csv}")
