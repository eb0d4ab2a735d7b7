"""The end of a sweep: ``sweep.parquet``, ``sweep.html`` and a printed summary (plus a comparison for ``scenario=``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from negsim.experiments.pages.provenance import RUN_ONLY
from negsim.experiments.sweep.aggregate import aggregate_sweep
from negsim.experiments.sweep.charts import write_sweep_page
from negsim.experiments.sweep.state import planned_jobs

__all__ = ["SWEEP_FILES", "report_sweep"]

#: What a sweep writes into its folder when it ends (besides the job folders).
SWEEP_FILES = ("sweep.parquet", "sweep.html", "comparison.html", "comparison.csv")


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
    table, cells, missing = aggregate_sweep(sweep_dir, jobs=planned_jobs(sweep_dir))
    params = _param_columns(cells)
    compared = _compared(cells, params)
    page = write_sweep_page(sweep_dir / "sweep.html", cells, params, title=title, comparison=compared)
    lines = [f"sweep of {len(cells)} jobs ({int(cells['replications'].sum()):,} replications)",
             f"  table  {table}", f"  charts {page}", *_best_and_worst(cells)]  # fmt: skip
    if missing:
        lines.append(f"  left out {len(missing)} unfinished or damaged jobs (run the sweep again to run them):")
        lines += [f"    job {job.number}: {job.problem}" for job in missing]
    if compared:
        lines += ["", _compare_scenarios(sweep_dir)]
    return "\n".join(lines)


def _compare_scenarios(sweep_dir: Path) -> str:
    """A sweep over ``scenario=`` (or one named setting) ends with the comparison ``negsim-compare SWEEP_DIR``
    writes."""
    from negsim.experiments.compare.page import collect, format_comparison, write_comparison
    from negsim.experiments.compare.stats import compare_runs

    comparison = compare_runs(*collect([sweep_dir]))
    page, csv = write_comparison(sweep_dir, comparison)
    return f"{format_comparison(comparison)}\n  comparison {page}\n  table      {csv}"


def _compared(cells, params: list[str]) -> bool:
    """Whether the sweep ends with a comparison: it sweeps scenarios, or a single named setting (a protocol, a
    style), whose jobs are then set against the first with intervals."""
    varying = [p for p in params if cells[p].nunique(dropna=False) > 1 and p not in RUN_ONLY]
    named = len(varying) == 1 and not pd.api.types.is_numeric_dtype(cells[varying[0]])
    return ("scenario" in varying) or named


def _param_columns(cells) -> list[str]:
    """Columns of ``cells`` that are override keys (those before ``job``)."""
    columns = list(cells.columns)
    return columns[: columns.index("job")]
