"""Sweeps: a stable folder per command, job progress, resume, and the end-of-sweep report."""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from negsim.experiments.aggregate import aggregate_sweep
from negsim.experiments.outputs import write_atomic
from negsim.experiments.sweep_charts import write_sweep_page
from omegaconf import DictConfig

__all__ = ["SWEEP_FILES", "cli", "count_jobs", "job_progress", "report_sweep", "start_sweep", "sweep_name"]

STATE = ".negsim-sweep.json"
#: What a sweep writes into its folder when it ends (besides the job folders).
SWEEP_FILES = ("sweep.parquet", "sweep.html", "comparison.html", "comparison.csv")
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


def count_jobs(config: DictConfig) -> int | None:
    """Number of jobs the basic sweeper will launch, or ``None`` for other sweepers."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper

    sweeper = config.hydra.sweeper
    if "BasicSweeper" not in str(sweeper.get("_target_", "")):
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


def _planned_jobs(sweep_dir: Path) -> int | None:
    """How many jobs the last sweep into ``sweep_dir`` launched (older job folders beyond are left out)."""
    try:
        return json.loads((sweep_dir / STATE).read_text(encoding="utf-8"))["total"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return None


def _best_and_worst(cells) -> list[str]:
    ordered = cells.sort_values("agreement_rate", kind="stable")
    lines = []
    for label, row in (("best", ordered.iloc[-1]), ("worst", ordered.iloc[0])):
        lines.append(f"  {label:<5} agreement {row.agreement_rate:6.1%} (95% {row.agreement_low:.1%}–"
                     f"{row.agreement_high:.1%})  job {row.job}: {row.overrides or '(no overrides)'}")  # fmt: skip
    return lines


def report_sweep(sweep_dir: Path, *, title: str | None = None) -> str:
    """Write ``sweep.parquet`` and ``sweep.html`` for ``sweep_dir``; return the printed summary."""
    sweep_dir = Path(sweep_dir)
    table, cells, missing = aggregate_sweep(sweep_dir, jobs=_planned_jobs(sweep_dir))
    params = _param_columns(cells)
    page = write_sweep_page(sweep_dir / "sweep.html", cells, params, title=title)
    lines = [f"sweep of {len(cells)} jobs ({int(cells['replications'].sum()):,} replications)",
             f"  table  {table}", f"  charts {page}", *_best_and_worst(cells)]  # fmt: skip
    if missing:
        lines.append(f"  left out {len(missing)} unfinished jobs: {', '.join(str(j.number) for j in missing)}")
    if "scenario" in params and cells["scenario"].nunique() > 1:
        lines += ["", _compare_scenarios(sweep_dir)]
    return "\n".join(lines)


def _compare_scenarios(sweep_dir: Path) -> str:
    """A sweep over ``scenario=`` ends with the same comparison ``negsim-compare SWEEP_DIR`` writes."""
    from negsim.experiments.compare import compare_runs
    from negsim.experiments.compare_page import collect, format_comparison, write_comparison

    comparison = compare_runs(*collect([sweep_dir]))
    page, csv = write_comparison(sweep_dir, comparison)
    return f"{format_comparison(comparison)}\n  comparison {page}\n  table      {csv}"


def _param_columns(cells) -> list[str]:
    """Columns of ``cells`` that are override keys (those before ``job``)."""
    columns = list(cells.columns)
    return columns[: columns.index("job")]


def cli(argv: list[str] | None = None) -> None:
    """``negsim-aggregate SWEEP_DIR``: rebuild a sweep's table and charts from its job folders."""
    parser = argparse.ArgumentParser(
        prog="negsim-aggregate",
        description="Rebuild sweep.parquet and sweep.html from the job folders of a finished or interrupted sweep.",
    )
    parser.add_argument("sweep_dir", type=Path, help="the sweep's folder (multirun/...)")
    args = parser.parse_args(argv)
    if not args.sweep_dir.is_dir():
        print(f"negsim-aggregate: error: {args.sweep_dir}: no such folder", file=sys.stderr)
        sys.exit(2)
    try:
        print(report_sweep(args.sweep_dir))
    except FileNotFoundError as error:
        print(f"negsim-aggregate: error: {error}", file=sys.stderr)
        sys.exit(2)
