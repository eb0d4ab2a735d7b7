"""Read back finished run folders: a run's config, specs, summary and tables; the job folders of a sweep."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from negsim.experiments.run.files import RUN_FILES
from negsim.sim.runspec import build_run
from negsim.sim.spec import RunSpec

__all__ = ["RunFolder", "SweepJob", "find_jobs"]


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


@dataclass(frozen=True, slots=True)
class SweepJob:
    """One job folder of a sweep."""

    number: int
    folder: Path
    overrides: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """Whether the job finished: its summary is written last, after its tables."""
        return all((self.folder / name).is_file() for name in RUN_FILES)

    def summary(self) -> dict:
        """The job's ``summary.json``."""
        return json.loads((self.folder / "summary.json").read_text(encoding="utf-8"))


def find_jobs(sweep_dir: Path) -> list[SweepJob]:
    """Job folders of ``sweep_dir`` (those Hydra made: ``N/.hydra/overrides.yaml``), by job number."""
    jobs = []
    for path in Path(sweep_dir).iterdir():
        overrides = path / ".hydra" / "overrides.yaml"
        if path.is_dir() and path.name.isdigit() and overrides.is_file():
            listed = yaml.safe_load(overrides.read_text(encoding="utf-8")) or []
            jobs.append(SweepJob(number=int(path.name), folder=path, overrides=tuple(listed)))
    return sorted(jobs, key=lambda job: job.number)
