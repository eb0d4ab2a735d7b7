"""Read back a finished run folder: its config, specs, summary and tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml
from negsim.experiments.outputs import RUN_FILES
from negsim.sim.runspec import build_run
from negsim.sim.spec import RunSpec

__all__ = ["RunFolder"]


@dataclass(frozen=True)
class RunFolder:
    """A run's folder as ``negsim`` wrote it (``config.yaml``, tables, ``summary.json``)."""

    path: Path

    @classmethod
    def open(cls, path: str | Path) -> RunFolder:
        """Check that ``path`` holds a complete run and return it.

        Raises:
            FileNotFoundError: naming the folder and the missing file.
        """
        folder = Path(path)
        for name in RUN_FILES:
            if not (folder / name).is_file():
                raise FileNotFoundError(f"{folder}: not a finished negsim run (no {name})")
        return cls(folder)

    @cached_property
    def settings(self) -> dict:
        """The resolved config the run was built from."""
        return yaml.safe_load((self.path / "config.yaml").read_text(encoding="utf-8"))

    @cached_property
    def run(self) -> RunSpec:
        """The frozen run specification, rebuilt from ``config.yaml``."""
        return build_run(self.settings, (self.path,))

    @cached_property
    def summary(self) -> dict:
        """The run's ``summary.json``."""
        return json.loads((self.path / "summary.json").read_text(encoding="utf-8"))

    def results(self) -> pd.DataFrame:
        """``results.parquet``: one row per replication."""
        return pd.read_parquet(self.path / "results.parquet")

    def rounds(self) -> pd.DataFrame:
        """``rounds.parquet``: the round-by-round log of the first replications."""
        return pd.read_parquet(self.path / "rounds.parquet")
