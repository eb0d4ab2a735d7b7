"""Compare finished runs: what differs in their configs and how their outcomes differ, with intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.outputs import wilson_interval
from experiments.runfolder import RunFolder

__all__ = ["BOOTSTRAP", "Comparison", "compare_runs", "config_diff", "flatten"]

#: Bootstrap resamples; the generator is seeded so a comparison is reproducible.
BOOTSTRAP = 4000
OUTCOMES = ("agreement", "breakdown", "stalemate", "escalation")


def flatten(value, prefix: str = "") -> dict[str, object]:
    """Dotted keys for nested mappings and ``key[i]`` for list items.

    >>> flatten({"a": {"b": 1, "c": [2, {"d": 3}]}})
    {'a.b': 1, 'a.c[0]': 2, 'a.c[1].d': 3}
    """
    if isinstance(value, dict):
        items = {}
        for key, inner in value.items():
            items |= flatten(inner, f"{prefix}.{key}" if prefix else str(key))
        return items or {prefix: {}}
    if isinstance(value, list):
        items = {}
        for index, inner in enumerate(value):
            items |= flatten(inner, f"{prefix}[{index}]")
        return items or {prefix: []}
    return {prefix: value}


MISSING = "(absent)"


def config_diff(settings: list[dict], labels: list[str]) -> pd.DataFrame:
    """Only the keys whose values differ between configs, side by side (``(absent)`` where missing)."""
    flat = [flatten(s) for s in settings]
    keys = list(dict.fromkeys(key for f in flat for key in f))
    rows = [{"key": key} | {label: f.get(key, MISSING) for label, f in zip(labels, flat, strict=True)} for key in keys]
    table = pd.DataFrame(rows, columns=["key", *labels])
    differs = table[labels].astype(str).nunique(axis=1) > 1
    return table[differs].reset_index(drop=True)


def _metrics(results: pd.DataFrame, issues: list[str], actors: list[str]) -> dict[str, np.ndarray]:
    outcome = results["outcome"].astype(str).to_numpy()
    metrics = {f"share.{o}": (outcome == o).astype(float) for o in OUTCOMES}
    metrics["rounds"] = results["round"].to_numpy(float)
    metrics |= {f"terms.{i}": results[f"terms.{i}"].to_numpy(float) for i in issues}
    metrics |= {f"utility.{a}": results[f"utility.{a}"].to_numpy(float) for a in actors}
    return metrics


def _resampled_means(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    sample = values[index]
    counts = np.sum(~np.isnan(sample), axis=1)
    sums = np.nansum(sample, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _interval(draws: np.ndarray) -> tuple[float, float]:
    draws = draws[~np.isnan(draws)]
    if len(draws) == 0:
        return (np.nan, np.nan)
    low, high = np.quantile(draws, [0.025, 0.975])
    return float(low), float(high)


@dataclass(frozen=True)
class Comparison:
    """Runs side by side: their labels, config differences and outcome table.

    ``table`` has one row per metric and run: ``estimate`` with its 95 %
    interval (Wilson for shares, bootstrap otherwise), then the difference
    from the first (reference) run with a bootstrap interval, paired over
    replications when both runs share seed and size (common random numbers),
    and ``differs`` where that interval excludes zero.
    """

    labels: list[str]
    folders: list[RunFolder]
    diff: pd.DataFrame
    table: pd.DataFrame
    issues: list[str]
    actors: list[str]
    notes: list[str]


def _shared(folders: list[RunFolder]) -> tuple[list[str], list[str], list[str]]:
    issue_sets = [f.run.scenario.issue_names for f in folders]
    actor_sets = [f.run.scenario.actor_names for f in folders]
    issues = [i for i in issue_sets[0] if all(i in s for s in issue_sets)]
    actors = [a for a in actor_sets[0] if all(a in s for s in actor_sets)]
    notes = []
    if not issues:
        raise ValueError("the runs share no issue, so their agreed terms cannot be compared")
    if any(set(s) != set(issues) for s in issue_sets):
        notes.append(f"the runs have different issues; terms are compared on the shared ones only: {', '.join(issues)}")
    if any(set(s) != set(actors) for s in actor_sets):
        notes.append(f"the runs have different actors; utilities are compared for the shared ones only: "
                     f"{', '.join(actors) or 'none'}")  # fmt: skip
    return issues, actors, notes


def _row(metric: str, label: str, values: np.ndarray, index: np.ndarray) -> dict:
    estimate = float(np.nanmean(values)) if np.any(~np.isnan(values)) else np.nan
    if metric.startswith("share."):
        low, high = wilson_interval(int(np.nansum(values)), len(values))
    else:
        low, high = _interval(_resampled_means(values, index))
    return {"metric": metric, "run": label, "estimate": estimate, "low": low, "high": high}


def compare_runs(folders: list[RunFolder], labels: list[str], *, seed: int = 0) -> Comparison:
    """Compare ``folders`` (the first is the reference) on their shared issues and actors."""
    if len(folders) < 2:
        raise ValueError("give at least two finished runs to compare")
    issues, actors, notes = _shared(folders)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    metrics = [_metrics(f.results(), issues, actors) for f in folders]
    sizes = [len(m["rounds"]) for m in metrics]
    index = [rng.integers(0, n, size=(BOOTSTRAP, n)) for n in sizes]
    reference = folders[0].summary
    rows = []
    for k, (folder, label, values) in enumerate(zip(folders, labels, metrics, strict=True)):
        paired = folder.summary["seed"] == reference["seed"] and sizes[k] == sizes[0]
        for metric, vector in values.items():
            row = _row(metric, label, vector, index[k])
            base = metrics[0][metric]
            own = index[0] if paired else index[k]
            diff = _resampled_means(vector, own) - _resampled_means(base, index[0])
            row["difference"] = row["estimate"] - (np.nanmean(base) if np.any(~np.isnan(base)) else np.nan)
            row["diff_low"], row["diff_high"] = (0.0, 0.0) if k == 0 else _interval(diff)
            row["paired"] = paired
            rows.append(row)
    table = pd.DataFrame(rows)
    table["differs"] = (table["diff_low"] > 0) | (table["diff_high"] < 0)
    diff = config_diff([f.settings for f in folders], labels)
    return Comparison(labels=labels, folders=folders, diff=diff, table=table, issues=issues, actors=actors,
                      notes=notes)  # fmt: skip
