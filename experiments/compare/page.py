"""A comparison of runs as a printed table, ``comparison.csv`` and the offline page ``comparison.html``."""

from __future__ import annotations

import html
from pathlib import Path

import plotly.graph_objects as go
import yaml
from plotly.subplots import make_subplots

from negsim.experiments.compare.stats import OUTCOMES, Comparison
from negsim.experiments.pages.page import CHART_LAYOUT, PALETTE, Section, write_page
from negsim.experiments.run.files import write_atomic
from negsim.experiments.run.folder import RunFolder, find_jobs

__all__ = ["collect", "format_comparison", "write_comparison"]

LAYOUT = CHART_LAYOUT
METRIC_NAMES = {"share.agreement": "agreement rate", "rounds": "rounds played"}


def collect(paths: list[Path]) -> tuple[list[RunFolder], list[str]]:
    """Run folders named on the command line; a sweep folder stands for its finished jobs."""
    folders, labels = [], []
    for path in paths:
        jobs = [job for job in find_jobs(path) if job.complete] if path.is_dir() else []
        if jobs and not (path / "summary.json").exists():
            folders += [RunFolder.open(job.folder) for job in jobs]
            labels += _job_labels(jobs)
        else:
            folder = RunFolder.open(path)
            folders.append(folder)
            labels.append(folder.summary["scenario"])
    return folders, _unique(labels, folders)


def _job_labels(jobs: list) -> list[str]:
    """Each job's overrides, less those every job shares."""
    shared = set.intersection(*(set(job.overrides) for job in jobs))
    return [" ".join(o for o in job.overrides if o not in shared) or f"job {job.number}" for job in jobs]


def _unique(labels: list[str], folders: list[RunFolder]) -> list[str]:
    if len(set(labels)) == len(labels):
        return labels
    return [f"{label} ({folder.path.name})" for label, folder in zip(labels, folders, strict=True)]


def _name(metric: str) -> str:
    return METRIC_NAMES.get(metric, metric.replace("share.", "share of ").replace("terms.", "terms: ")
                            .replace("utility.", "utility: "))  # fmt: skip


def format_comparison(comparison: Comparison) -> str:
    """The printed table: estimates with intervals, and differences from the reference flagged ``*``."""
    lines = [f"reference: {comparison.labels[0]}", *[f"note: {n}" for n in comparison.notes]]
    if len(comparison.diff):
        lines.append("config keys that differ: " + ", ".join(comparison.diff["key"]))
    for label in comparison.labels:
        lines += ["", label]
        for row in comparison.table[comparison.table["run"] == label].itertuples():
            flag = " *" if row.differs else ""
            change = "" if label == comparison.labels[0] else (
                f"   diff {row.difference:+.3f} [{row.diff_low:+.3f}, {row.diff_high:+.3f}]{flag}")  # fmt: skip
            lines.append(f"  {_name(row.metric):<34}{row.estimate:8.3f} [{row.low:.3f}, {row.high:.3f}]{change}")
    lines += ["", "* the 95% interval of the difference from the reference excludes zero"]
    return "\n".join(lines)


def _shares_figure(comparison: Comparison) -> go.Figure:
    figure = go.Figure()
    table = comparison.table
    for outcome, colour in zip(OUTCOMES, PALETTE, strict=False):
        rows = table[table["metric"] == f"share.{outcome}"]
        figure.add_bar(x=[html.escape(r) for r in rows["run"]], y=rows["estimate"], name=outcome, marker_color=colour,
                       customdata=rows[["low", "high"]], hovertemplate="%{x}: %{y:.1%} (95% %{customdata[0]:.1%}–"
                       "%{customdata[1]:.1%})<extra>" + outcome + "</extra>")  # fmt: skip
    figure.update_layout(**LAYOUT, barmode="stack", title="How the talks ended", yaxis={"tickformat": ".0%"})
    return figure


def _terms_figure(comparison: Comparison) -> go.Figure:
    figure = make_subplots(
        rows=1, cols=len(comparison.issues), subplot_titles=[html.escape(i) for i in comparison.issues]
    )
    for k, (folder, label) in enumerate(zip(comparison.folders, comparison.labels, strict=True)):
        results = folder.results()
        agreed = results[results["outcome"].astype(str) == "agreement"]
        for col, issue in enumerate(comparison.issues, start=1):
            figure.add_box(y=agreed[f"terms.{issue}"], name=html.escape(label), marker_color=PALETTE[k % len(PALETTE)],
                           showlegend=col == 1, legendgroup=label, boxmean=True, row=1, col=col)  # fmt: skip
    figure.update_xaxes(showticklabels=False)
    figure.update_layout(**LAYOUT, title="Agreed terms per issue (agreements only; dashed line: mean)")
    return figure


def _utility_figure(comparison: Comparison) -> go.Figure:
    figure = go.Figure()
    table = comparison.table
    for k, label in enumerate(comparison.labels):
        rows = table[(table["run"] == label) & table["metric"].str.startswith("utility.")]
        actors = [html.escape(a) for a in rows["metric"].str.removeprefix("utility.")]
        figure.add_bar(
            x=actors, y=rows["estimate"], name=html.escape(label), marker_color=PALETTE[k % len(PALETTE)],
            error_y={"type": "data", "symmetric": False, "array": rows["high"] - rows["estimate"],
                     "arrayminus": rows["estimate"] - rows["low"]},
        )  # fmt: skip
    figure.update_layout(**LAYOUT, barmode="group", title="Mean utility per actor (bars: 95% interval)")
    return figure


def _outcome_table(comparison: Comparison) -> str:
    shown = comparison.table.assign(metric=comparison.table["metric"].map(_name))
    shown = shown[["metric", "run", "estimate", "low", "high", "difference", "diff_low", "diff_high", "differs"]]
    return shown.to_html(index=False, float_format=lambda v: f"{v:.3f}", border=0, escape=True)


def _configs_html(comparison: Comparison) -> str:
    parts = [comparison.diff.to_html(index=False, border=0, escape=True) if len(comparison.diff)
             else "<p>The configs are identical.</p>"]  # fmt: skip
    for label, folder in zip(comparison.labels, comparison.folders, strict=True):
        text = yaml.safe_dump(folder.settings, sort_keys=False, allow_unicode=True)
        parts.append(f"<details><summary>Full config of {html.escape(label)}</summary><pre>{html.escape(text)}</pre>"
                     "</details>")  # fmt: skip
    return "\n".join(parts)


def write_comparison(out: Path, comparison: Comparison) -> tuple[Path, Path]:
    """Write ``comparison.csv`` and ``comparison.html`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    csv = out / "comparison.csv"
    write_atomic(csv, lambda p: comparison.table.to_csv(p, index=False, float_format="%.6g"))
    notes = " ".join(comparison.notes)
    sections = [
        Section(heading="What differs in the configs", text="Only the keys whose values differ; each run's full "
                "config is one click away.", html=_configs_html(comparison)),
        Section(heading="How the outcomes differ", text=f"Reference: {comparison.labels[0]}. {notes}".strip(),
                figures=(_shares_figure(comparison), _terms_figure(comparison), _utility_figure(comparison))),
        Section(heading="Every estimate", text="95% intervals: Wilson for shares, bootstrap over replications "
                "otherwise; differences from the reference by bootstrap, paired when runs share seed and size.",
                html=_outcome_table(comparison)),
    ]  # fmt: skip
    page = write_page(out / "comparison.html", title="Comparing " + " · ".join(comparison.labels),
                      lead=f"{len(comparison.labels)} runs compared.", sections=sections)  # fmt: skip
    return page, csv
