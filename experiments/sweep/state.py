"""A sweep's folder while it runs: a stable name per command, its planned size, and the jobs' progress line."""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig

from negsim.experiments.run.files import write_atomic

__all__ = ["STATE", "count_jobs", "grid_sweeper", "job_progress", "planned_jobs", "start_sweep", "sweep_name"]

STATE = ".negsim-sweep.json"
#: Settings that never change a sweep's results, so resuming may change them.
_UNHASHED = re.compile(
    r"^[+~]*(rerun=|progress=|report=|hydra/launcher=|hydra\.launcher\.|hydra\.sweep\.|hydra\.verbose=)"
)


def sweep_name(argv: list[str] | None = None) -> str:
    """A folder name that is the same each time the same sweep command is given.

    Built from the command line (less switches that do not change results),
    so running an interrupted sweep again finds its finished jobs.

    >>> sweep_name(["-m", "protocol=mediated,alternating_offers", "rerun=true", "hydra/launcher=joblib"])
    'protocol=mediated,alternating_offers-8dd5eec7'
    """
    args = [a for a in (sys.argv[1:] if argv is None else argv) if a not in ("-m", "--multirun")]
    kept = [a for a in args if not _UNHASHED.match(a)]
    digest = hashlib.sha256("\0".join(kept).encode()).hexdigest()[:8]
    slug = re.sub(r"[^A-Za-z0-9=,._+-]+", "_", "_".join(a for a in kept if "=" in a))[:80].strip("_")
    return f"{slug or 'sweep'}-{digest}"


def grid_sweeper(config: DictConfig) -> bool:
    """Whether the sweep runs every combination of the listed values (Hydra's basic sweeper, or negsim's)."""
    target = str(config.hydra.sweeper.get("_target_", ""))
    return target.endswith((".BasicSweeper", ".NegsimSweeper"))


def count_jobs(config: DictConfig) -> int | None:
    """Number of jobs a grid sweeper (:func:`grid_sweeper`) will launch, or ``None`` for other sweepers."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    sweeper = config.hydra.sweeper
    if not grid_sweeper(config):
        return None
    params = [f"{key}={value}" for key, value in (sweeper.get("params") or {}).items()]
    overrides = OverridesParser.create().parse_overrides(params + list(config.hydra.overrides.task))
    return len(BasicSweeper.split_arguments(overrides, None)[0])


def start_sweep(config: DictConfig) -> None:
    """Note the sweep's start and size in its folder, for the jobs' progress lines."""
    folder = Path(config.hydra.sweep.dir)
    folder.mkdir(parents=True, exist_ok=True)
    state = {"total": count_jobs(config), "started": time.time()}
    write_atomic(folder / STATE, lambda p: p.write_text(json.dumps(state), encoding="utf-8"))


def job_progress(sweep_dir: Path) -> str:
    """``jobs done / total`` with an estimate of the time left, from the job folders."""
    try:
        state = json.loads((sweep_dir / STATE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return ""
    total = state["total"]
    summaries = [
        p.stat().st_mtime
        for p in sweep_dir.glob("*/summary.json")
        if p.parent.name.isdigit() and (total is None or int(p.parent.name) < total)
    ]
    done, fresh = len(summaries), sum(m >= state["started"] for m in summaries)
    elapsed = time.time() - state["started"]
    if total is None:
        return f"sweep: {done} jobs done, {elapsed:.0f} s elapsed"
    left = elapsed / max(fresh, 1) * max(total - done, 0)
    return f"sweep: {done}/{total} jobs done, {elapsed:.0f} s elapsed, ~{left:.0f} s left"


def planned_jobs(sweep_dir: Path) -> int | None:
    """How many jobs the last sweep into ``sweep_dir`` launched (older job folders beyond are left out)."""
    try:
        return json.loads((sweep_dir / STATE).read_text(encoding="utf-8"))["total"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return None
