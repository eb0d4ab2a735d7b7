"""Outcome charts for a sweep, chosen from its shape (how many parameters vary, and of which kind)."""

from __future__ import annotations

import itertools
from html import escape as esc
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from negsim.experiments.pages.page import CHART_LAYOUT, PALETTE, Section, write_page

__all__ = ["sweep_sections", "varying_parameters", "write_sweep_page"]

LAYOUT = CHART_LAYOUT
RATE_AXIS = {"title": "agreement rate", "range": [0, 1], "tickformat": ".0%"}


def varying_parameters(cells: pd.DataFrame, params: list[str]) -> tuple[list[str], list[str]]:
    """The swept parameters that take more than one value: ``(numeric, categorical)``."""
    varying = [p for p in params if cells[p].nunique(dropna=False) > 1]
    numeric = [p for p in varying if pd.api.types.is_numeric_dtype(cells[p])]
    return numeric, [p for p in varying if p not in numeric]


def _hover(cells: pd.DataFrame) -> list[str]:
    return [
        f"job {row.job}: {esc(row.overrides)}<br>agreement {row.agreement_rate:.1%} "
        f"(95% {row.agreement_low:.1%}–{row.agreement_high:.1%}) of {row.replications:,}<br>"
        f"mean rounds {row.mean_rounds:.2f}"
        for row in cells.itertuples()
    ]


def _groups(cells: pd.DataFrame, categorical: list[str]):
    """Split cells by the categorical parameters: ``(label, subset)`` pairs."""
    if not categorical:
        yield "", cells
        return
    for values, subset in cells.groupby(categorical, sort=False, dropna=False):
        values = values if isinstance(values, tuple) else (values,)
        yield esc(", ".join(f"{p}={v}" for p, v in zip(categorical, values, strict=True))), subset


def _one_numeric(cells: pd.DataFrame, x: str, categorical: list[str], issues: list[str]) -> list[go.Figure]:
    rate = go.Figure()
    terms = make_subplots(rows=1, cols=len(issues), subplot_titles=[esc(i) for i in issues], shared_yaxes=True)
    for (label, subset), colour in zip(_groups(cells, categorical), itertools.cycle(PALETTE), strict=False):
        subset = subset.sort_values(x)
        name = label or "agreement rate"
        band = np.concatenate([subset["agreement_high"], subset["agreement_low"][::-1]])
        rate.add_scatter(
            x=np.concatenate([subset[x], subset[x][::-1]]),
            y=band,
            fill="toself",
            mode="lines",
            line_width=0,
            fillcolor=colour,
            opacity=0.2,
            hoverinfo="skip",
            showlegend=False,
            legendgroup=name,
        )
        rate.add_scatter(
            x=subset[x],
            y=subset["agreement_rate"],
            mode="lines+markers",
            name=name,
            line_color=colour,
            legendgroup=name,
            hovertext=_hover(subset),
            hoverinfo="text",
        )
        for col, issue in enumerate(issues, start=1):
            terms.add_scatter(
                x=subset[x],
                y=subset[f"terms.{issue}"],
                mode="lines+markers",
                name=name,
                line_color=colour,
                legendgroup=name,
                showlegend=col == 1 and bool(label),
                hovertext=_hover(subset),
                hoverinfo="text+y",
                row=1,
                col=col,
            )
            terms.update_xaxes(title_text=esc(x), row=1, col=col)
    rate.update_layout(**LAYOUT, title="Agreement rate (shaded: 95% interval)", xaxis_title=esc(x), yaxis=RATE_AXIS)
    terms.update_layout(**LAYOUT, title="Agreed terms per issue (mean over agreements)", yaxis_title="agreed value")
    return [rate, terms]


def _heatmap(cells: pd.DataFrame, x: str, y: str, value: str) -> go.Heatmap:
    table = cells.pivot_table(index=y, columns=x, values=value, aggfunc="mean")
    hover = cells.assign(overrides=cells["overrides"].map(esc)).pivot_table(
        index=y, columns=x, values="overrides", aggfunc="first"
    )
    return go.Heatmap(
        z=table.to_numpy(),
        x=table.columns,
        y=table.index,
        coloraxis="coloraxis",
        customdata=hover.to_numpy(),
        hovertemplate=f"{esc(x)}=%{{x}}<br>{esc(y)}=%{{y}}<br>{esc(value)}=%{{z:.3f}}<br>%{{customdata}}<extra></extra>",
    )


def _two_numeric(cells: pd.DataFrame, x: str, y: str, categorical: list[str], actors: list[str]) -> list[go.Figure]:
    figures = []
    for label, subset in _groups(cells, categorical):
        suffix = f" ({label})" if label else ""
        rate = go.Figure(_heatmap(subset, x, y, "agreement_rate"))
        rate.update_layout(
            **LAYOUT,
            title=f"Agreement rate{suffix}",
            xaxis_title=esc(x),
            yaxis_title=esc(y),
            coloraxis={"colorscale": "Viridis", "cmin": 0, "cmax": 1, "colorbar_tickformat": ".0%"},
        )
        utility = make_subplots(rows=1, cols=len(actors), subplot_titles=[esc(a) for a in actors], shared_yaxes=True)
        for col, actor in enumerate(actors, start=1):
            utility.add_trace(_heatmap(subset, x, y, f"utility.{actor}"), row=1, col=col)
            utility.update_xaxes(title_text=esc(x), row=1, col=col)
        utility.update_layout(
            **LAYOUT, title=f"Mean utility per actor{suffix}", yaxis_title=esc(y), coloraxis={"colorscale": "Cividis"}
        )
        figures += [rate, utility]
    return figures


def _many_numeric(cells: pd.DataFrame, numeric: list[str]) -> list[go.Figure]:
    dims = [{"label": esc(p), "values": cells[p]} for p in numeric]
    dims.append({"label": "agreement rate", "values": cells["agreement_rate"], "range": [0, 1]})
    parallel = go.Figure(
        go.Parcoords(
            line={"color": cells["agreement_rate"], "colorscale": "Viridis", "cmin": 0, "cmax": 1, "showscale": True},
            dimensions=dims,
        )
    )
    parallel.update_layout(**LAYOUT, title="Every job: parameters and agreement rate (drag on an axis to filter)")
    small = make_subplots(rows=1, cols=len(numeric), shared_yaxes=True, subplot_titles=[esc(p) for p in numeric])
    for col, p in enumerate(numeric, start=1):
        mean = cells.groupby(p)["agreement_rate"].agg(["mean", "min", "max"]).reset_index()
        small.add_scatter(
            x=cells[p],
            y=cells["agreement_rate"],
            mode="markers",
            marker={"color": "#bbbbbb"},
            hovertext=_hover(cells),
            hoverinfo="text",
            showlegend=False,
            row=1,
            col=col,
        )
        small.add_scatter(
            x=mean[p],
            y=mean["mean"],
            mode="lines+markers",
            line_color=PALETTE[0],
            showlegend=False,
            name="mean over the other parameters",
            row=1,
            col=col,
        )
        small.update_xaxes(title_text=esc(p), row=1, col=col)
    small.update_layout(
        **LAYOUT, title="Agreement rate against each parameter (line: mean over the others)", yaxis=RATE_AXIS
    )
    return [parallel, small]


def _categorical_only(cells: pd.DataFrame, categorical: list[str]) -> list[go.Figure]:
    first, rest = categorical[0], categorical[1:]
    bars, shares = go.Figure(), go.Figure()
    for (label, subset), colour in zip(_groups(cells, rest), itertools.cycle(PALETTE), strict=False):
        bars.add_bar(
            x=[esc(str(v)) for v in subset[first]],
            y=subset["agreement_rate"],
            name=label or "agreement rate",
            marker_color=colour,
            hovertext=_hover(subset),
            hoverinfo="text",
            error_y={
                "type": "data",
                "symmetric": False,
                "array": subset["agreement_high"] - subset["agreement_rate"],
                "arrayminus": subset["agreement_rate"] - subset["agreement_low"],
            },
        )
    labels = [esc(" · ".join(str(v) for v in row)) for row in cells[categorical].itertuples(index=False)]
    for outcome, colour in zip(("agreement", "breakdown", "stalemate", "escalation"), PALETTE, strict=False):
        shares.add_bar(
            x=labels,
            y=cells[f"share.{outcome}"],
            name=outcome,
            marker_color=colour,
            hovertext=_hover(cells),
            hoverinfo="text+y",
        )
    bars.update_layout(
        **LAYOUT, title="Agreement rate (bars: 95% interval)", barmode="group", xaxis_title=first, yaxis=RATE_AXIS
    )
    shares.update_layout(**LAYOUT, title="How the talks ended", barmode="stack", yaxis=RATE_AXIS | {"title": "share"})
    return [bars, shares]


def sweep_sections(cells: pd.DataFrame, params: list[str]) -> list[Section]:
    """The sweep page's sections: outcome charts fitted to the sweep's shape, then the job table."""
    numeric, categorical = varying_parameters(cells, params)
    issues = [c.removeprefix("terms.") for c in cells.columns if c.startswith("terms.")]
    actors = [c.removeprefix("utility.") for c in cells.columns if c.startswith("utility.")]
    if not numeric and not categorical:
        figures, text = (
            _categorical_only(cells.assign(job_label=cells["job"].astype(str)), ["job_label"]),
            ("No parameter varies between jobs; each bar is one job."),
        )
    elif len(numeric) == 0:
        figures, text = _categorical_only(cells, categorical), f"Swept: {', '.join(categorical)}."
    elif len(numeric) == 1:
        figures, text = (
            _one_numeric(cells, numeric[0], categorical, issues),
            f"Swept: {', '.join(numeric + categorical)}.",
        )
    elif len(numeric) == 2:
        figures = _two_numeric(cells, numeric[0], numeric[1], categorical, actors)
        text = f"Swept: {', '.join(numeric + categorical)}."
    else:
        figures, text = _many_numeric(cells, numeric), f"Swept: {', '.join(numeric + categorical)}."
    shown = [*params, "job", "replications", "agreement_rate", "agreement_low", "agreement_high", "mean_rounds"]
    table = cells[shown].to_html(index=False, float_format=lambda v: f"{v:.4g}", border=0)
    return [
        Section(heading="Outcomes across the sweep", text=text, figures=tuple(figures)),
        Section(heading="Every job", html=f"<details><summary>Show the table</summary>{table}</details>"),
    ]


def write_sweep_page(path: Path, cells: pd.DataFrame, params: list[str], *, title: str | None = None) -> Path:
    """Write ``sweep.html``: self-contained, offline, interactive."""
    numeric, categorical = varying_parameters(cells, params)
    title = title or f"Sweep over {', '.join(numeric + categorical) or 'no varying parameter'}"
    lead = f"{len(cells)} jobs, {int(cells['replications'].sum()):,} replications in all, in {path.parent}."
    return write_page(path, title=title, lead=lead, sections=sweep_sections(cells, params))
