"""Gather a sweep's job folders into one table, streaming one job at a time."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from hydra.core.override_parser.overrides_parser import OverridesParser

from negsim.experiments.run.files import write_atomic
from negsim.experiments.run.folder import SweepJob, find_jobs
from negsim.experiments.sweep.view import frame_statistics

__all__ = ["aggregate_sweep", "parameter_values"]


def _plain(value):
    """A swept value as tables and charts hold it: true/false as Hydra spells them, so they read as categories."""
    return ("true" if value else "false") if isinstance(value, bool) else value


def parameter_values(jobs: list[SweepJob]) -> dict[str, list]:
    """Each override key's typed value in every job (``None`` where a job lacks it).

    Booleans become the words ``true`` and ``false``: a switch is a category, not a number.
    """
    parser, known = OverridesParser.create(), {}
    for line in {line for job in jobs for line in job.overrides}:  # each distinct override text parsed once
        known[line] = parser.parse_overrides([line])[0]
    parsed = [{known[line].key_or_group: _plain(known[line].value()) for line in job.overrides} for job in jobs]
    keys = list(dict.fromkeys(key for job in parsed for key in job))
    return {key: [job.get(key) for job in parsed] for key in keys}


def _column(values: list) -> pa.Array:
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values if v is not None)
    if numeric and any(v is not None for v in values):
        return pa.array([math.nan if v is None else float(v) for v in values], pa.float64())
    return pa.array([None if v is None else str(v) for v in values], pa.string())


def _schema(jobs: list[SweepJob], columns: dict[str, pa.Array]) -> pa.Schema:
    fields = [pa.field(key, column.type) for key, column in columns.items()]
    fields.append(pa.field("job", pa.int64()))
    seen: dict[str, pa.Field] = {}
    for job in jobs:
        for field in pq.read_schema(job.folder / "results.parquet"):
            seen.setdefault(field.name, field if field.name != "outcome" else pa.field("outcome", pa.string()))
    return pa.schema(fields + list(seen.values()), metadata=None)


def _readable(job: SweepJob) -> tuple[pd.DataFrame, dict] | str:
    """The job's results and summary, or why they cannot be read (one line naming the file)."""
    try:
        frame = pd.read_parquet(job.folder / "results.parquet")
    except (OSError, ValueError) as error:  # pyarrow's errors are OSError or ValueError
        return f"{job.folder / 'results.parquet'}: not a readable Parquet table ({' '.join(str(error).split())})"
    try:
        summary = job.summary()
        if not isinstance(summary.get("agreement_rate"), dict) or "mean_terms" not in summary:
            raise ValueError(f"{job.folder / 'summary.json'}: not a negsim summary")
    except ValueError as error:
        return str(error)
    return frame, summary


def _cell(job: SweepJob, summary: dict, params: dict, index: int) -> dict:
    """One job's parameters and headline numbers, taken from the ``summary.json`` it wrote."""
    rate = summary["agreement_rate"]
    cell = {key: values[index] for key, values in params.items()}
    cell |= {"job": job.number, "overrides": " ".join(job.overrides), "replications": summary["replications"],
             "agreement_rate": rate["estimate"], "agreement_low": rate["low"], "agreement_high": rate["high"],
             "mean_rounds": summary["mean_rounds"]}  # fmt: skip
    cell |= {f"share.{outcome}": share for outcome, share in summary["outcome_shares"].items()}
    cell |= {f"terms.{i}": math.nan if v is None else v for i, v in summary["mean_terms"].items()}
    cell |= {f"utility.{a}": v for a, v in summary["mean_utility"].items()}
    return cell


def _job_table(job: SweepJob, read: tuple[pd.DataFrame, dict], schema: pa.Schema, params: dict, index: int,
               swept: dict[str, pa.Array]) -> tuple[pa.Table, dict]:  # fmt: skip
    frame, summary = read
    cell = _cell(job, summary, params, index)
    cell |= {k: v for k, v in frame_statistics(frame, summary).items() if k not in cell}  # for the page
    frame["outcome"] = frame["outcome"].astype(str)
    n = len(frame)
    columns = {}
    for field in schema:
        if field.name in swept:
            columns[field.name] = pa.repeat(swept[field.name][index], n)  # the job's value, typed as its column
        elif field.name == "job":
            columns["job"] = pa.array(np.full(n, job.number, np.int64))
        elif field.name in frame.columns:
            columns[field.name] = pa.array(frame[field.name].to_numpy(), field.type, from_pandas=True)
        else:
            columns[field.name] = pa.nulls(n, field.type)
    return pa.table(columns, schema=schema), cell


def aggregate_sweep(sweep_dir: Path, *, jobs: int | None = None) -> tuple[Path, pd.DataFrame, list[SweepJob]]:
    """Write ``sweep.parquet`` from every complete job; return it with one summary row per job.

    Jobs are read one at a time and appended through a Parquet writer, so
    memory holds one job's rows plus the per-job summary, never all rows.
    With ``jobs``, folders numbered ``jobs`` or more (left by an earlier,
    larger sweep into the same folder) are ignored. A job whose files are
    missing, cut short or damaged is left out (its ``problem`` says why).

    Returns:
        The table's path, the per-job cells (parameters, agreement rate with
        its interval, outcome shares, mean terms and utilities) and the jobs
        left out because they are incomplete or could not be read.
    """
    sweep_dir = Path(sweep_dir)
    found = [job for job in find_jobs(sweep_dir) if jobs is None or job.number < jobs]
    done = [job for job in found if job.complete]
    left_out = [job for job in found if not job.complete]
    if not done:
        raise FileNotFoundError(f"{sweep_dir}: no finished job folders (N/results.parquet with N/summary.json)"
                                + (f"; {len(left_out)} incomplete or damaged" if left_out else ""))  # fmt: skip
    target = sweep_dir / "sweep.parquet"
    while True:  # a job found damaged while it is read is left out, and the table written again without it
        cells, damaged = _write_table(target, done)
        if damaged is None:
            return target, pd.DataFrame(cells), left_out
        done = [job for job in done if job.number != damaged.number]
        left_out = sorted([*left_out, damaged], key=lambda job: job.number)
        if not done:
            target.unlink(missing_ok=True)
            raise FileNotFoundError(f"{sweep_dir}: no readable job folders; {len(left_out)} incomplete or damaged")


def _write_table(target: Path, done: list[SweepJob]) -> tuple[list[dict], SweepJob | None]:
    """Write the table of ``done``; stop at the first job that cannot be read and return it (with its reason)."""
    params = parameter_values(done)
    swept = {key: _column(values) for key, values in params.items()}
    schema = _schema(done, swept)
    cells: list[dict] = []
    damaged: list[SweepJob] = []

    def write(path: Path) -> None:
        with pq.ParquetWriter(path, schema) as writer:
            for index, job in enumerate(done):
                read = _readable(job)
                if isinstance(read, str):
                    damaged.append(replace(job, unreadable=read))
                    return
                table, cell = _job_table(job, read, schema, params, index, swept)
                writer.write_table(table)
                cells.append(cell)

    write_atomic(target, write)
    return cells, (damaged[0] if damaged else None)
