"""Read back finished run folders: a run's config, specs, summary and tables; the job folders of a sweep.

A run is complete when all its files are there and readable: ``summary.json`` a whole JSON object,
``config.yaml`` a YAML mapping, both tables whole Parquet files, ``results.parquet`` with one row per
replication (:func:`problem`). A file cut short (a full disk, a copy interrupted) or damaged makes the run
incomplete: a sweep runs it again, and the readers skip it or say which file is wrong
(:class:`BadRunFile`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from negsim.experiments.run.files import RUN_FILES
from negsim.sim.errors import ConfigError
from negsim.sim.runspec import build_run
from negsim.sim.spec import RunSpec

__all__ = ["BadRunFile", "RunFolder", "SweepJob", "find_jobs", "problem"]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BadRunFile(ValueError):
    """A file of a run folder that is missing, cut short or damaged: the message names it and what is wrong."""


def _summary(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadRunFile(f"{path}: not a whole summary ({' '.join(str(error).split())}); the run did not finish "
                         "or the file was damaged") from None  # fmt: skip
    if not isinstance(data, dict) or not isinstance(data.get("replications"), int):
        raise BadRunFile(f"{path}: not a negsim summary (no replications)")
    return data


def _settings(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        where = getattr(error, "problem_mark", None)
        line = f" on line {where.line + 1}" if where is not None else ""
        raise BadRunFile(f"{path}: not a readable config{line} ({getattr(error, 'problem', None) or error}); the "
                         "run did not finish or the file was damaged") from None  # fmt: skip
    if not isinstance(data, dict) or not isinstance(data.get("scenario"), dict):
        raise BadRunFile(f"{path}: not a negsim run's config (no scenario)")
    return data


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    try:
        return pq.read_metadata(path).num_rows
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
        raise BadRunFile(f"{path}: not a whole Parquet table ({' '.join(str(error).split())}); the run did not "
                         "finish or the file was damaged") from None  # fmt: skip


def problem(folder: Path) -> str | None:
    """Why ``folder`` does not hold a complete run (one line naming the file), or ``None`` when it does."""
    for name in RUN_FILES:
        if not (folder / name).is_file():
            return f"{folder}: not a finished negsim run (no {name})"
    try:
        summary = _summary(folder / "summary.json")
        rows = _rows(folder / "results.parquet")
        _rows(folder / "rounds.parquet")
        _settings(folder / "config.yaml")
    except BadRunFile as error:
        return str(error)
    if rows != summary["replications"]:
        return (f"{folder / 'results.parquet'}: {rows} rows, but summary.json counts {summary['replications']} "
                "replications")  # fmt: skip
    return None


@dataclass(frozen=True)
class RunFolder:
    """A run's folder as ``negsim`` wrote it (``config.yaml``, tables, ``summary.json``)."""

    path: Path

    @classmethod
    def open(cls, path: str | Path) -> RunFolder:
        """Check that ``path`` holds a complete run and return it.

        Raises:
            FileNotFoundError: naming the folder and the missing file.
            BadRunFile: naming the file that is cut short or damaged.
        """
        folder = Path(path)
        for name in RUN_FILES:
            if not (folder / name).is_file():
                raise FileNotFoundError(f"{folder}: not a finished negsim run (no {name})")
        wrong = problem(folder)
        if wrong is not None:
            raise BadRunFile(wrong)
        return cls(folder)

    @cached_property
    def settings(self) -> dict:
        """The resolved config the run was built from."""
        return _settings(self.path / "config.yaml")

    @cached_property
    def run(self) -> RunSpec:
        """The frozen run specification, rebuilt from ``config.yaml`` (an error names that file)."""
        try:
            return build_run(self.settings, (self.path,))
        except ConfigError as error:
            raise error.in_file(str(self.path / "config.yaml")) from None

    @cached_property
    def summary(self) -> dict:
        """The run's ``summary.json``."""
        return _summary(self.path / "summary.json")

    def _table(self, name: str) -> pd.DataFrame:
        try:
            return pd.read_parquet(self.path / name)
        except (OSError, ValueError) as error:  # pyarrow's errors are OSError or ValueError
            raise BadRunFile(f"{self.path / name}: not a readable Parquet table ({' '.join(str(error).split())}); "
                             "the file was damaged") from None  # fmt: skip

    def results(self) -> pd.DataFrame:
        """``results.parquet``: one row per replication."""
        return self._table("results.parquet")

    def rounds(self) -> pd.DataFrame:
        """``rounds.parquet``: the round-by-round log of the first replications."""
        return self._table("rounds.parquet")


@dataclass(frozen=True)
class SweepJob:
    """One job folder of a sweep."""

    number: int
    folder: Path
    overrides: tuple[str, ...]
    #: What is wrong with the job's ``.hydra/overrides.yaml``, if anything.
    unreadable: str | None = None

    @cached_property
    def problem(self) -> str | None:
        """Why the job is not complete (missing, cut short or damaged files; see :func:`problem`), or ``None``."""
        return self.unreadable or problem(self.folder)

    @property
    def complete(self) -> bool:
        """Whether the job finished and its files are whole (its summary is written last, after its tables)."""
        return self.problem is None

    def summary(self) -> dict:
        """The job's ``summary.json``."""
        return _summary(self.folder / "summary.json")


def find_jobs(sweep_dir: Path) -> list[SweepJob]:
    """Job folders of ``sweep_dir`` (those Hydra made: ``N/.hydra/overrides.yaml``), by job number."""
    jobs = []
    for path in Path(sweep_dir).iterdir():
        overrides = path / ".hydra" / "overrides.yaml"
        if path.is_dir() and path.name.isdigit() and overrides.is_file():
            try:
                listed = yaml.load(overrides.read_text(encoding="utf-8"), Loader=_Loader) or []
                if not isinstance(listed, list) or not all(isinstance(o, str) for o in listed):
                    raise ValueError("not a list of overrides")
            except (UnicodeDecodeError, yaml.YAMLError, ValueError) as error:
                note = f"{overrides}: not a readable list of overrides ({' '.join(str(error).split())})"
                jobs.append(SweepJob(number=int(path.name), folder=path, overrides=(), unreadable=note))
                continue
            jobs.append(SweepJob(number=int(path.name), folder=path, overrides=tuple(listed)))
    return sorted(jobs, key=lambda job: job.number)
