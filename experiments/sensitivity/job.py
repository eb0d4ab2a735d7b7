"""Run a sensitivity analysis from a composed config and write its files into the run folder."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from negsim.experiments.run.console import Progress
from negsim.experiments.run.files import write_atomic, yaml_text
from negsim.experiments.sensitivity.analysis import Sensitivity, SensitivitySettings, analyse_sensitivity, top_values
from negsim.sim.errors import ConfigError, got
from negsim.sim.spec import RunSpec

__all__ = ["SENSITIVITY_FILES", "check_analysis", "check_design", "checked_settings", "format_sensitivity",
           "run_sensitivity"]

SENSITIVITY_FILES = ("config.yaml", "sensitivity.parquet", "sensitivity.json", "sensitivity.html")


def checked_settings(raw: Any) -> SensitivitySettings:
    """Check ``sensitivity.*``: a power-of-two design, whole numbers of replications and resamples, a level."""
    raw = {} if raw is None else raw
    if not isinstance(raw, Mapping):
        raise ConfigError("sensitivity", f"{got(raw)}; allowed: a mapping (configs/analysis/sensitivity.yaml)")
    allowed = ("base_samples", "replications", "resamples", "confidence", "likely")
    for key in raw:
        if key not in allowed:
            raise ConfigError(f"sensitivity.{key}", f"unknown key {key!r}; allowed: {', '.join(allowed)}")
    defaults = SensitivitySettings()
    values = {key: raw.get(key, getattr(defaults, key)) for key in allowed}
    base = values["base_samples"]
    if isinstance(base, bool) or not isinstance(base, int) or base < 2 or base & (base - 1) or base > 2**24:
        raise ConfigError("sensitivity.base_samples", f"{got(base)}; allowed: a power of two from 2 to 2^24 (256, "
                          "512, 1024, ...): the balance of Sobol' points needs it")  # fmt: skip
    for key, low, high in (("replications", 1, 100_000_000), ("resamples", 10, 100_000)):
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"sensitivity.{key}", f"{got(value)}; allowed: a whole number from {low} to {high:,}")
    for key, example in (("confidence", "0.95"), ("likely", "0.5")):
        share = values[key]
        number = not isinstance(share, bool) and isinstance(share, int | float) and math.isfinite(share)
        if not number or not 0 < share <= 1 or (key == "confidence" and share == 1):
            allowed = "a number above 0 and at most 1" if key == "likely" else "a number between 0 and 1"
            raise ConfigError(f"sensitivity.{key}", f"{got(share)}; allowed: {allowed}, such as {example}")
    return SensitivitySettings(base_samples=base, replications=values["replications"],
                               resamples=values["resamples"], confidence=float(values["confidence"]),
                               likely=float(values["likely"]))  # fmt: skip


def check_design(run: RunSpec, settings: SensitivitySettings, *, available: int | None) -> None:
    """Refuse, before anything is written, a design with nothing to analyse, more replications in all than a run
    may have, or an estimated memory above the share of ``available`` a run may use (``ConfigError``).

    The design simulates ``base_samples x (uncertain values + 2)`` samples of ``replications`` each, in batches
    (:data:`~negsim.experiments.run.design.BATCH_ROWS` rows at a time); the bootstrap of the indices holds
    ``resamples x base_samples x (uncertain values + 2)`` numbers per output at once.
    """
    from negsim.experiments.run.design import BATCH_ROWS
    from negsim.experiments.run.memory import SHARE, _size, run_bytes
    from negsim.sim.runspec import MAX_REPLICATIONS

    d, n, r = len(run.scenario.uncertain), settings.base_samples, settings.replications
    if d == 0:
        raise ConfigError("scenario", "the scenario has no uncertain value, so there is nothing to analyse; allowed: "
                          "a value written as a range ({distribution: uniform, low: ..., high: ...}) or "
                          "uncertainty.judgments=0.05")  # fmt: skip
    samples = n * (d + 2)
    if samples * r > MAX_REPLICATIONS:
        raise ConfigError("sensitivity.base_samples", f"the design simulates {n:,} x ({d} uncertain values + 2) x "
                          f"{r:,} replications = {samples * r:,}; allowed: at most {MAX_REPLICATIONS:,} (fewer "
                          "base_samples or sensitivity.replications)")  # fmt: skip
    if available is None:
        return
    rows = max(BATCH_ROWS, r)
    batch = dataclasses.replace(run, replications=rows, record=0, draws=max(1, min(samples, rows // r)))
    need = run_bytes(batch, report=False)[0] + 24 * settings.resamples * samples + 8 * samples * 64
    if need > SHARE * available:
        raise ConfigError("sensitivity.resamples", f"the analysis would need about {_size(need)} of memory, more "
                          f"than {SHARE:.0%} of the {_size(available)} available; allowed: fewer resamples or "
                          "base_samples")  # fmt: skip


def check_analysis(run: RunSpec, raw: dict, *, multirun: bool) -> None:
    """``+analysis=sensitivity`` before anything is written: no sweep, good settings, a design that fits."""
    from negsim.experiments.run.memory import available_memory

    if multirun:
        raise ConfigError("analysis", "a sensitivity analysis runs its own design; allowed: no -m (run it once per "
                          "scenario)")  # fmt: skip
    check_design(run, checked_settings(raw.get("sensitivity")), available=available_memory())


def run_sensitivity(run: RunSpec, settings: SensitivitySettings, folder: Path, config: dict, *,
                    show_progress: bool = True) -> Sensitivity:  # fmt: skip
    """Analyse ``run``'s uncertain values and write the files into ``folder``, ``sensitivity.json`` after the data.

    Raises:
        ValueError: the scenario has no uncertain value.
    """
    from negsim.experiments.sensitivity.page import write_sensitivity_page  # plotly: only when the page is written

    progress = Progress(f"{run.scenario.name} sensitivity", unit="samples") if show_progress else None
    result = analyse_sensitivity(run, settings, progress=progress)
    text = yaml_text(config)
    write_atomic(folder / "config.yaml", lambda p: p.write_text(text, encoding="utf-8"))
    write_atomic(folder / "sensitivity.parquet", lambda p: result.table.to_parquet(p, index=False))
    write_sensitivity_page(folder / "sensitivity.html", result)
    body = json.dumps(result.record, indent=2, ensure_ascii=False)
    write_atomic(folder / "sensitivity.json", lambda p: p.write_text(body + "\n", encoding="utf-8"))
    return result


def format_sensitivity(result: Sensitivity, folder: str) -> str:
    """What the command prints: the spread of the agreement rate, the values that matter most, the boxes."""
    record = result.record
    q, agreement = record["agreement"]["quantiles"], record["agreement"]
    parameters = record["parameters"]
    judged = sum(p["evidence"] == "judgment" for p in parameters)
    seconds = record["elapsed_seconds"]
    lines = [
        f"negsim sensitivity · {record['title']}",
        f"{len(parameters)} uncertain values ({judged} judgments, {len(parameters) - judged} quotes) · "
        f"{record['base_samples']:,} base samples x {record['replications_per_sample']} replications = "
        f"{record['replications']:,} replications · simulated in {seconds['simulation']:.1f} s, "
        f"indices in {seconds['indices']:.1f} s",
        "",
        f"chance of a deal over the draws: median {100 * q['p50']:.0f}%, 90% of draws between {100 * q['p05']:.0f}% "
        f"and {100 * q['p95']:.0f}%" + (" · knife-edge" if agreement["knife_edge"] else ""),
        "",
    ]
    width = 2 + max([len("output")] + [len(entry["label"]) for entry in record["outputs"]])
    level = f"{100 * record['confidence']:.0f}%"
    lines.append(f"{'output':<{width}}most influential values (total index, {level} interval)")
    for entry in record["outputs"]:
        ranked = top_values(record, entry["name"], 3)
        if not ranked or entry["variance"] <= 0:
            lines.append(f"{entry['label']:<{width}}does not vary over the draws")
            continue
        for k, (p, found) in enumerate(ranked):
            head = entry["label"] if k == 0 else ""
            low, high = found["total_low"], found["total_high"]
            interval = "[no interval]" if low is None or high is None else f"[{low:.2f}, {high:.2f}]"
            lines.append(f"{head:<{width}}{found['total']:.2f} {interval}  {p['label']} ({p['evidence']})")
    lines.append("")
    for name in ("likely", "unlikely"):
        box = record["discovery"][name]
        lines.append(box["text"] if box else f"agreement {name}: no box (every draw is alike in this respect)")
    lines += ["", f"files in {folder}: {', '.join(SENSITIVITY_FILES)}"]
    return "\n".join(lines)
