"""Compare finished runs: what differs in their configs and how their outcomes differ, with intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from negsim.experiments.run.files import share_interval
from negsim.experiments.run.folder import RunFolder
from negsim.sim.draws import draw_layout
from negsim.sim.outcomes import Outcome

__all__ = ["BOOTSTRAP", "OUTCOMES", "Comparison", "bootstrap_means", "compare_runs", "config_diff", "flatten"]

#: Bootstrap resamples; the generator is seeded so a comparison is reproducible.
BOOTSTRAP = 4000
OUTCOMES = tuple(o.label for o in Outcome if o)


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


def bootstrap_means(values: np.ndarray, seed: int, *, chunk: int = 100, groups: np.ndarray | None = None) -> np.ndarray:
    """Means of every column of ``values (n, k)`` over ``BOOTSTRAP`` resamples of its rows: ``(B, k)``.

    NaN entries (no agreement, so no terms) are left out of each mean. Rows
    are drawn in chunks and counted with ``bincount``, so memory stays at
    ``chunk × n`` whatever the run's size. The same ``seed`` draws the same
    resamples, which is how two runs are paired. With ``groups`` (each row's
    parameter draw in a run with uncertain values), whole draws are resampled
    (a cluster bootstrap): replications of one draw share its values, so
    resampling them one by one would understate the uncertainty.
    """
    n, k = values.shape
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    means = np.empty((BOOTSTRAP, k))
    clusters = 0 if groups is None else int(groups.max()) + 1
    for start in range(0, BOOTSTRAP, chunk):
        size = min(chunk, BOOTSTRAP - start)
        if groups is None:
            rows = rng.integers(0, n, size=(size, n)) + (np.arange(size) * n)[:, None]
            counts = np.bincount(rows.ravel(), minlength=size * n).reshape(size, n).astype(float)
        else:
            picks = rng.integers(0, clusters, size=(size, clusters)) + (np.arange(size) * clusters)[:, None]
            taken = np.bincount(picks.ravel(), minlength=size * clusters).reshape(size, clusters).astype(float)
            counts = taken[:, groups]
        with np.errstate(invalid="ignore", divide="ignore"):
            means[start : start + size] = (counts @ filled) / (counts @ present)
    return means


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


def _mean(values: np.ndarray) -> float:
    return float(np.nanmean(values)) if np.any(~np.isnan(values)) else np.nan


def _run_rows(label: str, names: list[str], values: np.ndarray, own: np.ndarray, base: np.ndarray,
              diff: np.ndarray | None, paired: bool, groups: np.ndarray | None = None) -> list[dict]:  # fmt: skip
    rows = []
    for j, metric in enumerate(names):
        estimate = _mean(values[:, j])
        if metric.startswith("share."):
            low, high = share_interval(values[:, j] > 0.5, groups)
        else:
            low, high = _interval(own[:, j])
        diff_low, diff_high = (0.0, 0.0) if diff is None else _interval(diff[:, j])
        rows.append({"metric": metric, "run": label, "estimate": estimate, "low": low, "high": high,
                     "difference": estimate - _mean(base[:, j]), "diff_low": diff_low, "diff_high": diff_high,
                     "paired": paired})  # fmt: skip
    return rows


def compare_runs(folders: list[RunFolder], labels: list[str], *, seed: int = 0) -> Comparison:
    """Compare ``folders`` (the first is the reference) on their shared issues and actors.

    Run ``k`` is resampled with seed ``seed + k``; a run paired with the
    reference (same seed, size and draw layout, so replication ``i`` of
    both saw the same random draws) is resampled with the reference's seed.
    """
    if len(folders) < 2:
        raise ValueError("give at least two finished runs to compare")
    issues, actors, notes = _shared(folders)
    results = [f.results() for f in folders]
    tables = [_metrics(r, issues, actors) for r in results]
    groups = [r["draw"].to_numpy() if "draw" in r else None for r in results]  # parameter draws, with ranges
    names = list(tables[0])
    matrices = [np.column_stack([t[name] for name in names]) for t in tables]
    base = matrices[0]
    base_means = bootstrap_means(base, seed, groups=groups[0])
    key = draw_layout(folders[0].run)
    rows = _run_rows(labels[0], names, base, base_means, base, None, True, groups[0])
    for k in range(1, len(folders)):
        paired = draw_layout(folders[k].run) == key
        own = bootstrap_means(matrices[k], seed if paired else seed + k, groups=groups[k])
        rows += _run_rows(labels[k], names, matrices[k], own, base, own - base_means, paired, groups[k])
    table = pd.DataFrame(rows)
    table["differs"] = (table["diff_low"] > 0) | (table["diff_high"] < 0)
    diff = config_diff([f.settings for f in folders], labels)
    return Comparison(labels=labels, folders=folders, diff=diff, table=table, issues=issues, actors=actors,
                      notes=notes)  # fmt: skip
