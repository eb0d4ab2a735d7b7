"""Which uncertain values decide the outcome: a Sobol' analysis over them, and boxes where agreement is likely.

The analysis runs the model on a Saltelli design over every uncertain value of the run's scenario (its
ranges, and every judgment widened by ``uncertainty.judgments``), each sample with its own replications
under common random numbers, and reports first-order and total Sobol' indices with bootstrap intervals for
the agreement rate, each issue's mean terms and each veto party's mean realised utility. Scenario discovery
(PRIM) then looks, among the design's independent samples, for the values under which agreement is likely
(at least ``likely``, by default half, of a sample's replications agree) and under which it is not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from negsim.experiments.run.design import run_design
from negsim.sim.discovery import describe, prim
from negsim.sim.sensitivity import Indices, design, sobol
from negsim.sim.spec import RunSpec
from negsim.sim.uncertainty import QUANTILES, chance_summary

__all__ = ["Sensitivity", "SensitivitySettings", "analyse_sensitivity", "top_values"]
#: Outputs whose standard deviation over the design is below this share of their scale get no indices.
RESOLUTION = 1e-3


@dataclass(frozen=True, slots=True)
class SensitivitySettings:
    """``sensitivity.*`` in the config: the design's size and the intervals."""

    base_samples: int = 1024
    replications: int = 64
    resamples: int = 200
    confidence: float = 0.95
    #: A sample counts as "agreement likely" when at least this share of its replications agree.
    likely: float = 0.5


@dataclass(frozen=True, slots=True)
class Sensitivity:
    """An analysis' results: the design, its outputs, the indices and the discovered boxes."""

    run: RunSpec
    settings: SensitivitySettings
    values: np.ndarray
    outputs: np.ndarray
    names: tuple[str, ...]
    labels: tuple[str, ...]
    imputed: np.ndarray
    indices: Indices
    record: dict
    table: pd.DataFrame


def _outputs(run: RunSpec, design_outputs) -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...], np.ndarray]:
    """The outputs analysed ``(N, s)``, their names and labels, and how many samples had no deal to average."""
    scenario = run.scenario
    columns, names, labels = [design_outputs.agreement], ["agreement"], ["Agreement rate"]
    imputed = [0]
    for k, issue in enumerate(scenario.issues):
        terms = design_outputs.terms[:, k].copy()
        missing = np.isnan(terms)
        if missing.all():
            continue  # no sample ever agrees: there are no terms to explain
        terms[missing] = terms[~missing].mean()  # a sample without any deal takes the average terms
        columns.append(terms)
        names.append(f"terms.{issue.name}")
        labels.append(f"Terms: {issue.label}")
        imputed.append(int(missing.sum()))
    for i, actor in enumerate(scenario.actors):
        if actor.veto:
            columns.append(design_outputs.utility[:, i])
            names.append(f"utility.{actor.name}")
            labels.append(f"{actor.label}'s realised utility")
            imputed.append(0)
    return np.stack(columns, axis=1), tuple(names), tuple(labels), np.array(imputed)


def _number(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def _box_record(box, labels, keys, what: str) -> dict | None:
    if box is None:
        return None
    return {
        "text": describe(box, labels, what), "coverage": box.coverage, "density": box.density, "mass": box.mass,
        "limits": {keys[i]: [_number(lo) if lo is not None else None, _number(hi) if hi is not None else None]
                   for i, (lo, hi) in sorted(box.limits.items())},
    }  # fmt: skip


def analyse_sensitivity(run: RunSpec, settings: SensitivitySettings, *,
                        progress: Callable[[int, int], None] | None = None) -> Sensitivity:  # fmt: skip
    """Run the design for ``run``'s uncertain values and analyse it.

    Raises:
        ValueError: the scenario has no uncertain value (nothing to analyse).
    """
    uncertain = run.scenario.uncertain
    if not uncertain:
        raise ValueError("the scenario has no uncertain value: give a value a range ({distribution: uniform, "
                         "low: ..., high: ...}) or widen every judgment with uncertainty.judgments=0.05")  # fmt: skip
    d, n = len(uncertain), settings.base_samples
    # the seed's children 0-2 are Mesa's, the noise's and the parameter draws'; the design and the bootstrap get 3, 4
    design_seq, boot_seq = np.random.SeedSequence(run.seed).spawn(5)[3:]
    values = design([u.distribution for u in uncertain], n, np.random.default_rng(design_seq))
    start = time.perf_counter()
    simulated = run_design(run, values, replications=settings.replications, blocks=n, progress=progress)
    simulation = time.perf_counter() - start
    outputs, names, labels, imputed = _outputs(run, simulated)
    spans = {f"terms.{issue.name}": issue.span for issue in run.scenario.issues}
    scales = np.array([spans.get(name, 1.0) for name in names])
    start = time.perf_counter()
    indices = sobol(outputs, d, n, confidence=settings.confidence, resamples=settings.resamples,
                    rng=np.random.default_rng(boot_seq), resolution=RESOLUTION * scales)  # fmt: skip
    analysis = time.perf_counter() - start
    independent = slice(0, 2 * n)  # A and B: independent draws, for the rate's spread and for discovery
    rates = simulated.agreement[independent]
    keys = [u.key for u in uncertain]
    value_labels = [u.label for u in uncertain]
    likely = rates >= settings.likely
    chances = chance_summary(rates, np.full(len(rates), float(settings.replications)))
    discovered = {
        "likely": _box_record(prim(values[independent], likely), value_labels, keys, "agreement likely"),
        "unlikely": _box_record(prim(values[independent], ~likely), value_labels, keys, "agreement unlikely"),
    }
    record = {
        "scenario": run.scenario.name, "title": run.scenario.title, "protocol": run.protocol.name, "seed": run.seed,
        "judgments": run.judgments, "base_samples": n, "replications_per_sample": settings.replications,
        "samples": len(values), "replications": len(values) * settings.replications,
        "confidence": settings.confidence, "resamples": settings.resamples, "likely": settings.likely,
        "elapsed_seconds": {"simulation": simulation, "indices": analysis},
        "parameters": [{"key": u.key, "label": u.label, "evidence": u.evidence, "actor": u.actor,
                        "distribution": u.distribution.kind, "low": u.distribution.low,
                        "high": u.distribution.high} for u in uncertain],
        "agreement": {
            "quantiles": {("p50" if k == "median" else k): chances[k] for k in QUANTILES},
            "observed": {("p50" if k == "median" else k): v for k, v in chances["observed"].items()},
            "never_agree": chances["never_agree"], "always_agree": chances["always_agree"],
            "knife_edge": chances["knife_edge"], "likely_share": float(likely.mean()),
        },
        "outputs": [
            {"name": name, "label": label, "variance": float(indices.variance[j]), "imputed": int(imputed[j]),
             "indices": {key: {"first": _number(indices.first[j, i]), "first_low": _number(indices.first_low[j, i]),
                               "first_high": _number(indices.first_high[j, i]), "total": _number(indices.total[j, i]),
                               "total_low": _number(indices.total_low[j, i]),
                               "total_high": _number(indices.total_high[j, i])}
                         for i, key in enumerate(keys)}}
            for j, (name, label) in enumerate(zip(names, labels, strict=True))
        ],
        "discovery": discovered,
    }  # fmt: skip
    matrix = np.concatenate([np.full(n, "A"), np.full(n, "B"), np.repeat([f"AB.{k}" for k in keys], n)])
    table = pd.DataFrame({"sample": np.arange(len(values)), "matrix": matrix,
                          **{f"param.{k}": values[:, i] for i, k in enumerate(keys)},
                          **{name: outputs[:, j] for j, name in enumerate(names)},
                          "mean_rounds": simulated.rounds})  # fmt: skip
    return Sensitivity(run=run, settings=settings, values=values, outputs=outputs, names=names, labels=labels,
                       imputed=imputed, indices=indices, record=record, table=table)  # fmt: skip


def top_values(record: dict, output: str, count: int = 5) -> list[tuple[dict, dict]]:
    """The ``count`` values with the largest total index for ``output``: ``(parameter, indices)`` pairs."""
    entry = next(o for o in record["outputs"] if o["name"] == output)
    parameters = {p["key"]: p for p in record["parameters"]}
    ranked = sorted(entry["indices"].items(), key=lambda item: -(item[1]["total"] or 0.0))
    return [(parameters[key], found) for key, found in ranked[:count] if found["total"] is not None]
