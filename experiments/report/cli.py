"""``negsim-report RUN_DIR``: build or rebuild the teaching report of a finished run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from negsim.experiments.report.page import sweep_hint, write_report
from negsim.sim.errors import ConfigError

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
    except (OSError, ConfigError, yaml.YAMLError, json.JSONDecodeError) as error:
        hint = sweep_hint(args.run_dir) if isinstance(error, FileNotFoundError) else ""
        print(f"negsim-report: error: {error}{hint}", file=sys.stderr)
        sys.exit(2)
    print(path)
