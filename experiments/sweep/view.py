"""What the sweep page is drawn from: one row per job with intervals and counts, and readable names.

Each job's row adds to the end-of-sweep table (``aggregate.py``) what a reader needs to judge a point: the number
of agreements behind its terms, 95 % intervals (Wilson for shares; the normal approximation for means over
replications), each party's realised utility and reservation value. Everything is a count or a mean per job, so
the page does not grow with the number of replications.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from negsim.experiments.pages.labels import key_label, value_label
from negsim.experiments.pages.page import OUTCOMES, actor_colours
from negsim.experiments.run.files import wilson_interval
from negsim.experiments.run.folder import RunFolder
from negsim.sim.spec import ActorSpec, IssueSpec, ScenarioSpec

__all__ = ["SweepView", "frame_statistics", "job_statistics", "mean_interval"]

_Z = 1.959963984540054


def mean_interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and 95 % interval (normal approximation) of ``values``; NaN where there are none.

    >>> [round(v, 3) for v in mean_interval(np.array([1.0, 2.0, 3.0]))]
    [2.0, 0.868, 3.132]
    """
    values = values[~np.isnan(values)]
    if values.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    half = _Z * float(values.std(ddof=1)) / math.sqrt(values.size) if values.size > 1 else 0.0
    return mean, mean - half, mean + half


def job_statistics(folder: Path) -> dict:
    """One job's counts, means and intervals, read from its ``results.parquet`` and ``summary.json``."""
    frame = pd.read_parquet(folder / "results.parquet")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return frame_statistics(frame, summary)


def frame_statistics(frame: pd.DataFrame, summary: dict) -> dict:
    """:func:`job_statistics` of a job already read: its results table and its summary."""
    outcome = frame["outcome"].astype(str).to_numpy()
    agreed = frame[outcome == "agreement"]
    stats: dict = {"agreements": len(agreed)}
    for name in OUTCOMES:
        stats[f"share.{name}.low"], stats[f"share.{name}.high"] = wilson_interval(int((outcome == name).sum()),
                                                                                  len(frame))  # fmt: skip
    means = {"rounds_agreed": agreed["round"].to_numpy(float)}
    for column in frame.columns:
        if column.startswith(("terms.", "value.")):
            means[column] = agreed[column].to_numpy(float)
        elif column.startswith("utility."):
            means[column] = frame[column].to_numpy(float)
    for column, values in means.items():
        stats[column], stats[f"{column}.low"], stats[f"{column}.high"] = mean_interval(values)
    stats |= {f"reservation.{actor}": value for actor, value in summary.get("reservation", {}).items()}
    return stats


@dataclass(frozen=True)
class SweepView:
    """A sweep's jobs, their varying settings, and the scenario that names parties and issues."""

    cells: pd.DataFrame
    numeric: list[str]
    categorical: list[str]
    scenario: ScenarioSpec | None

    @classmethod
    def build(cls, cells: pd.DataFrame, params: list[str], sweep_dir: Path | None) -> SweepView:
        """Add each job's statistics (when its folder is there) and find what varies."""
        varying = [p for p in params if cells[p].nunique(dropna=False) > 1]
        numeric = [p for p in varying if pd.api.types.is_numeric_dtype(cells[p])]
        categorical = [p for p in varying if p not in numeric]
        scenario = None
        if sweep_dir is not None:
            folders = [Path(sweep_dir) / str(job) for job in cells["job"]]
            if "agreements" not in cells:  # cells from the aggregation carry them already
                rows = [job_statistics(f) if (f / "results.parquet").is_file() else {} for f in folders]
                extra = pd.DataFrame(rows, index=cells.index)
                cells = cells.join(extra.drop(columns=[c for c in extra.columns if c in cells.columns]))
            try:
                scenario = RunFolder.open(folders[0]).run.scenario
            except (OSError, ValueError):
                scenario = None
        return cls(cells=cells.reset_index(drop=True), numeric=numeric, categorical=categorical, scenario=scenario)

    @property
    def varying(self) -> list[str]:
        """Every swept setting that takes more than one value, numbers first."""
        return self.numeric + self.categorical

    @cached_property
    def issues(self) -> list[IssueSpec]:
        """The issues whose terms the table holds, with their labels and scales."""
        names = [c.removeprefix("terms.") for c in self.cells.columns if c.startswith("terms.") and c.count(".") == 1]
        known = {i.name: i for i in self.scenario.issues} if self.scenario else {}
        return [known.get(n) or IssueSpec(name=n, label=n.replace("_", " "), low_label="low", high_label="high")
                for n in names]  # fmt: skip

    @cached_property
    def actors(self) -> list[ActorSpec | str]:
        """The parties (their specs where the scenario is known, else their names), in scenario order."""
        columns = self.cells.columns
        names = [c.removeprefix("utility.") for c in columns if c.startswith("utility.") and c.count(".") == 1]
        known = {a.name: a for a in self.scenario.actors} if self.scenario else {}
        return [known.get(n, n) for n in names]

    def actor_name(self, actor: ActorSpec | str) -> str:
        """An actor's key."""
        return actor if isinstance(actor, str) else actor.name

    def actor_label(self, actor: ActorSpec | str) -> str:
        """An actor's label."""
        return actor.replace("_", " ") if isinstance(actor, str) else actor.label

    @cached_property
    def colours(self) -> dict[str, str]:
        """One colour per party, the same as in its reports."""
        names = self.scenario.actor_names if self.scenario else [self.actor_name(a) for a in self.actors]
        return actor_colours(names)

    def label(self, key: str) -> str:
        """A swept key in words."""
        return key_label(key, self.scenario)

    def value(self, value: object) -> str:
        """A swept value in words."""
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return f"{value:g}"
        return value_label(value)

    def setting(self, row: pd.Series, keys: list[str] | None = None, sep: str = "; ") -> str:
        """A job's values of ``keys`` (the varying settings) in words: ``Russia · capability = 0.3; ...``."""
        keys = self.varying if keys is None else keys
        return sep.join(f"{self.label(k)} = {self.value(row[k])}" for k in keys) or f"job {row['job']}"

    def ordered(self, key: str) -> list:
        """The values ``key`` takes, in sweep order for names and ascending for numbers."""
        values = list(dict.fromkeys(self.cells[key].tolist()))
        return sorted(values) if key in self.numeric else values
