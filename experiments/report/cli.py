"""``negsim-report RUN_DIR``: build or rebuild the teaching report of a finished run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from negsim.experiments.report.page import sweep_hint, write_report
from negsim.experiments.run.failures import fault_problem

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Rebuild a run's ``report.html``; exit 2 with one line if the folder is not a finished run."""
    parser = argparse.ArgumentParser(
        prog="negsim-report", description="Rebuild report.html, the teaching report, from a finished negsim run."
    )
    parser.add_argument("run_dir", type=Path, help="the run's folder (outputs/DATE/TIME or hydra.run.dir)")
    args = parser.parse_args(argv)
    try:
        path = write_report(args.run_dir)
    except (OSError, ValueError, yaml.YAMLError) as error:  # ConfigError, BadRunFile and JSON errors included
        hint = sweep_hint(args.run_dir) if isinstance(error, FileNotFoundError) else ""
        fault = isinstance(error, OSError) and not isinstance(error, FileNotFoundError | NotADirectoryError)
        line = fault_problem(error) if fault else " ".join(str(error).split())  # a fault: the page could not be written
        print(f"negsim-report: error: {line}{hint}", file=sys.stderr)
        sys.exit(1 if fault else 2)
    print(path)
