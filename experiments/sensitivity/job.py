"""Run a sensitivity analysis from a composed config and write its files into the run folder."""

from __future__ import annotations

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

__all__ = ["SENSITIVITY_FILES", "checked_settings", "format_sensitivity", "run_sensitivity"]

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
    if isinstance(base, bool) or not isinstance(base, int) or base < 2 or base & (base - 1):
        raise ConfigError("sensitivity.base_samples", f"{got(base)}; allowed: a power of two >= 2 (256, 512, 1024, "
                          "...): the balance of Sobol' points needs it")  # fmt: skip
    for key, low in (("replications", 1), ("resamples", 10)):
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ConfigError(f"sensitivity.{key}", f"{got(value)}; allowed: a whole number >= {low}")
    for key, example in (("confidence", "0.95"), ("likely", "0.5")):
        share = values[key]
        number = not isinstance(share, bool) and isinstance(share, int | float) and math.isfinite(share)
        if not number or not 0 < share <= 1 or (key == "confidence" and share == 1):
            allowed = "a number above 0 and at most 1" if key == "likely" else "a number between 0 and 1"
            raise ConfigError(f"sensitivity.{key}", f"{got(share)}; allowed: {allowed}, such as {example}")
    return SensitivitySettings(base_samples=base, replications=values["replications"],
                               resamples=values["resamples"], confidence=float(values["confidence"]),
                               likely=float(values["likely"]))  # fmt: skip


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
