"""Tables, summary and files written for one run."""

from __future__ import annotations

import functools
import io
import json
import math
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from negsim.sim.analysis import Analysis, analyse, analysis_record
from negsim.sim.outcomes import Outcome, RunResult
from negsim.sim.spec import RunSpec
from negsim.sim.uncertainty import chance_summary, draw_rates, parameter_share

__all__ = ["results_frame", "rounds_frame", "share_interval", "summarize", "wilson_interval", "write_atomic",
           "write_run", "yaml_text"]


def wilson_interval(successes: int, trials: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a proportion (95 % by default).

    >>> [round(x, 4) for x in wilson_interval(50, 100)]
    [0.4038, 0.5962]
    """
    if trials == 0:
        return (math.nan, math.nan)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def share_interval(hits: np.ndarray, groups: np.ndarray | None = None) -> tuple[float, float]:
    """Wilson interval for the share of ``hits``; with ``groups`` (each replication's parameter draw), widened
    for the draws: replications of one draw share its values, so they tell less than as many independent ones.

    The Wilson interval then uses the effective number of replications, ``n / design effect`` (Kish 1965),
    the design effect being the ratio of the share's variance estimated from the draws' spread (a
    cluster-robust variance) to the binomial one, at least 1.

    >>> [round(x, 4) for x in share_interval(np.array([True] * 50 + [False] * 50))]
    [0.4038, 0.5962]
    >>> [round(x, 4) for x in share_interval(np.repeat([True, False], 50), np.repeat(np.arange(10), 10))]
    [0.2265, 0.7735]
    """
    hits = np.asarray(hits, bool)
    n, k = len(hits), int(np.count_nonzero(hits))
    if groups is None or n == 0:
        return wilson_interval(k, n)
    sizes = np.bincount(groups)
    used = sizes > 0
    draws = int(np.count_nonzero(used))
    p = k / n
    if draws < 2 or p in (0.0, 1.0):
        return wilson_interval(k, n)
    rates = np.bincount(groups, weights=hits.astype(float))[used] / sizes[used]
    between = draws / (draws - 1) * float(np.sum((sizes[used] * (rates - p)) ** 2)) / n**2
    effective = n / max(1.0, between / (p * (1 - p) / n))
    return wilson_interval(p * effective, effective)


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``.

    A reader sees the old file or the new one, never half of one. The
    temporary file is created by ``write`` itself, so it gets the usual
    permissions (those of the umask), not the private ones of ``mkstemp``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except OSError as error:  # a full disk, say: named by the file meant, not the temporary one
        Path(tmp).unlink(missing_ok=True)
        if error.errno is None:
            raise
        raise type(error)(error.errno, error.strerror, str(path)) from error
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def holdout_names(holdout: np.ndarray, names: tuple[str, ...] | list[str]) -> np.ndarray:
    """Each row's holdouts ``(R, n)`` as the names of the parties, space-separated (``""`` for none).

    Rows take few distinct patterns, so each pattern is named once.

    >>> holdout_names(np.array([[True, False, True], [False, False, False], [True, False, True]]), ["a", "b", "c"])
    array(['a c', '', 'a c'], dtype=object)
    """
    holdout = np.asarray(holdout, bool)
    if holdout.shape[1] > 62:  # a pattern no longer fits in one integer
        return np.array([" ".join(name for name, held in zip(names, row, strict=True) if held) for row in holdout],
                        dtype=object)  # fmt: skip
    codes, index = np.unique(holdout @ (1 << np.arange(holdout.shape[1], dtype=np.int64)), return_inverse=True)
    words = np.array([" ".join(name for k, name in enumerate(names) if code >> k & 1) for code in codes.tolist()],
                     dtype=object)  # fmt: skip
    return words[index.reshape(-1)]


def results_frame(run: RunSpec, result: RunResult) -> pd.DataFrame:
    """One row per replication: outcome, round, agreed terms and utilities."""
    # Codes 1..4 are the final outcomes, categories 0..3 (a finished run has no ONGOING replication).
    outcome = pd.Categorical.from_codes(result.outcome.astype(np.int64) - 1, categories=[o.label for o in Outcome if o])
    columns = {
        "replication": np.arange(run.replications, dtype=np.int64),
        "outcome": outcome,
        "round": result.rounds.astype(np.int64),
    }
    for k, issue in enumerate(run.scenario.issue_names):
        columns[f"terms.{issue}"] = result.terms[:, k]
    for i, actor in enumerate(run.scenario.actor_names):
        columns[f"utility.{actor}"] = result.utility[:, i]
    for i, actor in enumerate(run.scenario.actor_names):
        columns[f"value.{actor}"] = result.value[:, i]
    columns["holdouts"] = holdout_names(result.holdout, run.scenario.actor_names)
    if result.draw is not None:  # each replication's uncertain values
        columns["draw"] = result.draw.astype(np.int64)
        for k, value in enumerate(run.scenario.uncertain):
            columns[f"param.{value.key}"] = result.parameters[result.draw, k]
    return pd.DataFrame(columns)


ROUND_COLUMNS = {
    "replication": "int64", "round": "int64", "actor": "str", "issue": "str", "position": "float64",
    "demand": "float64", "proposal": "float64", "proposer": "str", "accepted": "bool", "outcome": "str",
}  # fmt: skip


def rounds_frame(run: RunSpec, result: RunResult) -> pd.DataFrame:
    """Round-by-round log of the first replications, one row per actor and issue.

    ``proposer`` is the actor who tabled the package, ``mediator`` for the
    chair's text, or ``none`` when no package was tabled. ``demand`` is what
    the actor demanded that round (a utility; NaN for a party without a veto).
    """
    actors, issues = run.scenario.actor_names, run.scenario.issue_names
    names = np.array([*actors, "none", "mediator"])  # index -2: nobody, -1: the chair
    labels = np.array([o.label for o in Outcome])
    frames = []
    for entry in result.log:
        k, n, m = entry.positions.shape
        rep, actor, issue = np.meshgrid(np.arange(k), np.arange(n), np.arange(m), indexing="ij")
        frames.append(pd.DataFrame({
            "replication": rep.ravel(), "round": np.full(k * n * m, entry.round),
            "actor": np.array(actors)[actor.ravel()], "issue": np.array(issues)[issue.ravel()],
            "position": entry.positions.ravel(), "demand": entry.demand[rep.ravel(), actor.ravel()],
            "proposal": entry.package[rep.ravel(), issue.ravel()],
            "proposer": names[entry.proposer[rep.ravel()]],
            "accepted": entry.accepted[rep.ravel(), actor.ravel()],
            "outcome": labels[entry.outcome[rep.ravel()]],
        }))  # fmt: skip
    if not frames:
        return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in ROUND_COLUMNS.items()})
    table = pd.concat(frames, ignore_index=True)
    # Keep each replication's rounds up to the one in which it ended.
    table = table[table["round"].to_numpy() < result.rounds[table["replication"].to_numpy()]]
    return table.sort_values(["replication", "round", "actor", "issue"], kind="stable", ignore_index=True)


@functools.cache
def _empty_rounds() -> bytes:
    """``rounds.parquet`` of a run that logged no round, as ``to_parquet`` writes it."""
    buffer = io.BytesIO()
    pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in ROUND_COLUMNS.items()}).to_parquet(buffer, index=False)
    return buffer.getvalue()


def summarize(run: RunSpec, result: RunResult, *, elapsed: float | None = None,
              analysis: Analysis | None = None) -> dict:  # fmt: skip
    """The run's headline numbers, as written to ``summary.json``.

    ``analysis`` (the scenario's zone of possible agreement, what shapes it, and the references) is computed
    when not given (once per scenario in a process).
    """
    counts = np.bincount(result.outcome, minlength=len(Outcome))
    agreed = result.outcome == Outcome.AGREEMENT
    stalled = result.outcome == Outcome.STALEMATE
    low, high = share_interval(agreed, result.draw)  # with uncertain values, the draws' spread counts too
    scenario = run.scenario
    terms, value = result.terms[agreed], result.value[agreed]
    analysis = analysis if analysis is not None else analyse(scenario)
    return {
        "scenario": scenario.name, "title": scenario.title, "protocol": run.protocol.name,
        "seed": run.seed, "replications": run.replications, "round": scenario.round,
        "agreement_rate": {"estimate": counts[Outcome.AGREEMENT] / run.replications, "low": low, "high": high},
        "outcome_shares": {o.label: counts[o] / run.replications for o in Outcome if o},
        "mean_rounds": float(result.rounds.mean()),
        "mean_rounds_to_agreement": float(result.rounds[agreed].mean()) if agreed.any() else None,
        "mean_terms": {
            i: (float(terms[:, k].mean()) if agreed.any() else None) for k, i in enumerate(scenario.issue_names)
        },
        "mean_value": {a: (float(value[:, i].mean()) if agreed.any() else None)
                       for i, a in enumerate(scenario.actor_names)},
        "mean_utility": {a: float(result.utility[:, i].mean()) for i, a in enumerate(scenario.actor_names)},
        "reservation": {a.name: a.reservation for a in scenario.actors},
        "holdouts": {a.name: (float(result.holdout[stalled, i].mean()) if stalled.any() else 0.0)
                     for i, a in enumerate(scenario.actors) if a.veto},
        **analysis_record(scenario, analysis),
        **({"parameters": parameter_record(run, result)} if result.draw is not None else {}),
        "elapsed_seconds": elapsed,
    }  # fmt: skip


def parameter_record(run: RunSpec, result: RunResult) -> dict:
    """How the outcome varies over parameter draws: the spread of each draw's agreement rate and mean utilities.

    Each draw's rate comes from its own replications, so it carries Monte Carlo noise: ``agreement_rate`` gives
    the quantiles of the draws' chances of a deal with that noise removed (a beta-binomial fit,
    :func:`negsim.sim.uncertainty.chance_summary`), ``agreement_rate.observed`` those of the rates themselves;
    ``explained`` is the share of the variation the parameters account for (:func:`parameter_share`).
    """
    draws = len(result.parameters)
    rates, counts = draw_rates(result.outcome == Outcome.AGREEMENT, result.draw, draws)
    utility = np.stack([np.bincount(result.draw, weights=result.utility[:, i], minlength=draws) / counts
                        for i in range(result.utility.shape[1])], axis=1)  # fmt: skip
    chances = chance_summary(rates, counts)
    return {
        "draws": draws, "replications_per_draw": float(counts.mean()), "judgments": run.judgments,
        "agreement_rate": {k: v for k, v in chances.items() if k not in ("never_agree", "always_agree", "knife_edge")},
        "never_agree": chances["never_agree"], "always_agree": chances["always_agree"],
        "knife_edge": chances["knife_edge"], "explained": parameter_share(rates, counts),
        "mean_utility": {actor: {"p05": float(np.quantile(utility[:, i], 0.05)),
                                 "p95": float(np.quantile(utility[:, i], 0.95))}
                         for i, actor in enumerate(run.scenario.actor_names)},
        "uncertain": [{"key": u.key, "label": u.label, "evidence": u.evidence, "actor": u.actor,
                       "distribution": u.distribution.kind, "low": u.distribution.low, "high": u.distribution.high}
                      for u in run.scenario.uncertain],
    }  # fmt: skip


RUN_FILES = ("config.yaml", "results.parquet", "rounds.parquet", "summary.json")
#: Text of top-level config entries already emitted, by key and value (a sweep's jobs share most of them).
_EMITTED: dict[tuple[str, str], str] = {}


def yaml_text(settings: dict) -> str:
    """``yaml.safe_dump(settings, sort_keys=False, allow_unicode=True)``, remembering each top-level entry.

    A block mapping is written as its entries one after another, so the text
    of the whole is the text of each entry alone, joined; the jobs of a sweep,
    whose configs differ in a few keys, only write those again. Entries are
    known by ``repr`` of their value, which tells ``True`` from ``1`` and
    ``1`` from ``1.0`` (``==`` does not).

    >>> print(yaml_text({"seed": 1, "scenario": {"name": "x", "deadline": 3}}), end="")
    seed: 1
    scenario:
      name: x
      deadline: 3
    """
    if not settings:
        return yaml.safe_dump(settings, sort_keys=False, allow_unicode=True)
    parts = []
    for key, value in settings.items():
        known = (key, repr(value))
        text = _EMITTED.get(known)
        if text is None:
            if len(_EMITTED) >= 256:
                _EMITTED.clear()
            text = _EMITTED[known] = yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True)
        parts.append(text)
    return "".join(parts)


def write_run(folder: Path, run: RunSpec, result: RunResult, summary: dict, settings: dict) -> dict[str, Path]:
    """Write a run's files atomically, ``summary.json`` last (its presence marks a complete run).

    ``settings`` is the resolved config the run was built from; it is saved
    as ``config.yaml`` so the folder alone can be re-run, reported or compared.
    """
    paths = {name: folder / name for name in RUN_FILES}
    results = results_frame(run, result)
    config_text = yaml_text(settings)
    write_atomic(paths["config.yaml"], lambda p: p.write_text(config_text, encoding="utf-8"))
    write_atomic(paths["results.parquet"], lambda p: results.to_parquet(p, index=False))
    if result.log:
        rounds = rounds_frame(run, result)
        write_atomic(paths["rounds.parquet"], lambda p: rounds.to_parquet(p, index=False))
    else:  # no round was logged (record=0): the same empty table every time
        write_atomic(paths["rounds.parquet"], lambda p: p.write_bytes(_empty_rounds()))
    text = json.dumps(summary, indent=2, default=float) + "\n"
    write_atomic(paths["summary.json"], lambda p: p.write_text(text, encoding="utf-8"))
    return paths
