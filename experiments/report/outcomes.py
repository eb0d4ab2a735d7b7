"""Report part 4, outcomes across all replications: shares, agreed terms, utilities and rounds."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from negsim.experiments.pages.page import Section
from negsim.experiments.report.actors import red_line_words
from negsim.experiments.report.common import (
    LAYOUT,
    OUTCOME_STYLE,
    OUTCOMES,
    REFERENCES,
    ReportData,
    actor_ticks,
    axis_refs,
    end_labels,
    esc,
)
from negsim.experiments.run.files import wilson_interval

__all__ = ["outcomes_section", "rounds_figure", "shares_figure", "terms_figure", "utility_figure"]

_BINS = 40


def shares_figure(data: ReportData) -> go.Figure:
    """Share of each outcome with its 95 % Wilson interval."""
    n, counts = len(data.results), data.results["outcome"].astype(str).value_counts()
    fig = go.Figure()
    for outcome in OUTCOMES:
        count = int(counts.get(outcome, 0))
        low, high = wilson_interval(count, n)
        share = count / n
        colour, pattern = OUTCOME_STYLE[outcome]
        fig.add_bar(
            y=[outcome], x=[share], orientation="h", name=outcome, showlegend=False, width=0.6,
            marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "#1b1b1b"}, "line_color": "#1b1b1b"},
            error_x={"type": "data", "symmetric": False, "array": [high - share], "arrayminus": [share - low],
                     "thickness": 2.5, "width": 10, "color": "#1b1b1b"},
            hovertemplate=f"{outcome}: {count:,} of {n:,} runs<extra></extra>",
        )  # fmt: skip
        fig.add_scatter(x=[high + 0.015], y=[outcome], mode="text", textposition="middle right", showlegend=False,
                        text=[f"<b>{share:.1%}</b> ({count:,} runs; 95% interval {low:.1%}–{high:.1%})"],
                        hoverinfo="skip", cliponaxis=False)  # fmt: skip
    fig.update_layout(**LAYOUT, height=330, title={"text": f"How the {n:,} runs ended", "x": 0},
                      margin={"l": 110, "r": 40, "t": 60, "b": 50})  # fmt: skip
    fig.update_xaxes(range=[0, 1.45], tickformat=".0%", title="share of runs (whiskers: 95% interval)",
                     tickvals=[0, 0.25, 0.5, 0.75, 1], fixedrange=True)  # fmt: skip
    fig.update_yaxes(autorange="reversed", fixedrange=True)
    return fig


def _vline(fig: go.Figure, x: float, top: float, row: int, col: int, **style) -> None:
    fig.add_scatter(x=[x, x], y=[0, top], mode="lines", row=row, col=col, **style)


def _terms_panel(data: ReportData, fig: go.Figure, k: int, row: int, col: int) -> None:
    issue, agreed = data.scenario.issues[k], data.agreed[f"terms.{data.scenario.issue_names[k]}"].to_numpy()
    counts, edges = np.histogram(agreed, bins=_BINS, range=(issue.low, issue.high))
    top = max(1, int(counts.max(initial=0))) * 1.08
    fig.add_bar(x=(edges[:-1] + edges[1:]) / 2, y=counts, width=np.diff(edges), marker_color="#9a9a9a",
                showlegend=False, customdata=np.c_[edges[:-1], edges[1:]], row=row, col=col,
                hovertemplate="%{customdata[0]:.3f}–%{customdata[1]:.3f}: %{y} agreements<extra></extra>")  # fmt: skip
    for key, (name, dash) in REFERENCES.items():
        package = data.summary["references"].get(key)
        if package is not None:
            style = {"line": {"color": "#1b1b1b", "dash": dash, "width": 2.5}, "name": name, "legendgroup": key}
            _vline(fig, package[issue.name], top, row, col, showlegend=k == 0, **style,
                   hovertemplate=f"{name}: {package[issue.name]:.2f}<extra></extra>")  # fmt: skip
    for actor in (a for a in data.scenario.actors if a.veto):
        words = red_line_words(actor, k, issue)
        for bound in {actor.red_low[k], actor.red_high[k]} - {issue.low, issue.high}:
            style = {"line": {"color": data.colours[actor.name], "dash": "dashdot", "width": 3}}
            _vline(fig, bound, top, row, col, showlegend=False, **style, legendgroup=actor.name,
                   hoverinfo="text", hovertext=esc(f"{actor.label}'s red line: {words}"))  # fmt: skip
    fig.update_xaxes(range=[issue.low, issue.high], fixedrange=True, tickfont={"size": 12}, row=row, col=col)
    fig.update_yaxes(range=[0, top], fixedrange=True, title={"text": "agreements", "font": {"size": 13}},
                     row=row, col=col)  # fmt: skip


def terms_figure(data: ReportData) -> go.Figure:
    """Distribution of the agreed value on each issue, with the references and the veto parties' red lines."""
    issues = data.scenario.issues
    rows = math.ceil(len(issues) / 2)
    fig = make_subplots(rows=rows, cols=2, subplot_titles=[f"<b>{esc(i.label)}</b>" for i in issues],
                        vertical_spacing=0.28 / rows, horizontal_spacing=0.1)  # fmt: skip
    for k in range(len(issues)):
        _terms_panel(data, fig, k, k // 2 + 1, k % 2 + 1)
    labels = [end_labels(issue, *axis_refs(fig, k // 2 + 1, k % 2 + 1), shift=-24) for k, issue in enumerate(issues)]
    fig.update_layout(annotations=[*fig.layout.annotations, *(a for pair in labels for a in pair)])
    for actor in (a for a in data.scenario.actors if a.veto):
        if any(red_line_words(actor, k, issue) for k, issue in enumerate(issues)):
            fig.add_scatter(x=[None], y=[None], mode="lines", name=esc(f"{actor.label}'s red line"),
                            line={"color": data.colours[actor.name], "dash": "dashdot", "width": 3})  # fmt: skip
    title = f"Agreed terms in the {len(data.agreed):,} agreements"
    if data.agreed.empty:
        title = "Agreed terms: no run ended in agreement"
    fig.update_layout(**LAYOUT, height=330 * rows + 130, title={"text": title, "x": 0},
                      margin={"t": 140, "b": 60, "l": 60, "r": 20})  # fmt: skip
    fig.update_layout(legend={"y": 1 - 52 / fig.layout.height, "yref": "container", "yanchor": "top"},
                      title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 14}})  # fmt: skip
    return fig


def utility_figure(data: ReportData) -> go.Figure:
    """Each actor's realised utility over all runs (box) against its reservation value (the value of no deal)."""
    fig, actors = go.Figure(), data.scenario.actors
    for lane, actor in enumerate(actors):
        colour = data.colours[actor.name]
        fig.add_box(x=data.results[f"utility.{actor.name}"].to_numpy(), y=np.full(len(data.results), lane),
                    orientation="h", name=esc(actor.label), marker_color=colour, fillcolor=colour,
                    line={"color": "#1b1b1b", "width": 1.5}, boxpoints=False, boxmean=True, width=0.55,
                    showlegend=False)  # fmt: skip
    fig.add_scatter(x=[a.reservation for a in actors], y=list(range(len(actors))), mode="markers",
                    name="reservation value (what no deal is worth)",
                    marker={"symbol": "line-ns", "size": 38, "line": {"width": 4, "color": "#1b1b1b"}},
                    hovertemplate="reservation value %{x:.2f}<extra></extra>")  # fmt: skip
    fig.update_layout(**LAYOUT, height=110 + 80 * len(actors), margin={"t": 110, "b": 60, "l": 10, "r": 20},
                      title={"text": "Each party's realised utility over all runs (box: middle half; dashed: mean)",
                             "x": 0})  # fmt: skip
    fig.update_yaxes(actor_ticks(data))
    fig.update_xaxes(title="utility (1 = the party's own position)", fixedrange=True)
    return fig


def rounds_figure(data: ReportData) -> go.Figure:
    """How many rounds the runs lasted, stacked by how they ended (0: ended before the first round)."""
    fig, deadline = go.Figure(), data.scenario.deadline
    first = 0 if (data.results["round"] == 0).any() else 1
    rounds = np.arange(first, deadline + 1)
    for outcome in OUTCOMES:
        played = data.results.loc[data.results["outcome"] == outcome, "round"].to_numpy()
        if played.size:
            colour, pattern = OUTCOME_STYLE[outcome]
            fig.add_bar(x=rounds, y=np.bincount(played, minlength=deadline + 1)[first:], name=outcome,
                        marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "#1b1b1b"}},
                        hovertemplate=f"{outcome} after %{{x}} rounds: %{{y}} runs<extra></extra>")  # fmt: skip
    fig.update_layout(**LAYOUT, barmode="stack", height=380, legend_traceorder="normal", margin={"t": 100, "b": 60},
                      title={"text": f"When the talks ended (deadline: {deadline} rounds)", "x": 0})  # fmt: skip
    title = "rounds played (0: ended before the first round)" if first == 0 else "rounds played"
    fig.update_xaxes(title=title, dtick=2, tick0=0, fixedrange=True)
    fig.update_yaxes(title="runs", fixedrange=True)
    return fig


def outcomes_section(data: ReportData) -> Section:
    """Section 4: every replication's outcome, terms, utilities and length."""
    text = (
        "Across all replications: how the talks ended, what was agreed when they succeeded (with the closed-form "
        "references and the veto parties' red lines marked), what each party got compared with no deal, and how "
        "long it took."
    )
    figures = (shares_figure(data), terms_figure(data), utility_figure(data), rounds_figure(data))
    ids = ("negsim-shares", "negsim-terms", "negsim-utility", "negsim-rounds")
    return Section(heading="Outcomes across all replications", text=text, figures=figures, figure_ids=ids)
