"""Report part 4, outcomes across all replications: shares, agreed terms, utilities and rounds.

Every chart carries counts, bins or quantiles, never one value per replication, so the page's size does not
grow with the number of replications.
"""

from __future__ import annotations

import math

import numpy as np

from negsim.experiments.pages.figure import Figure, subplots
from negsim.experiments.pages.page import Section, outcome_marker
from negsim.experiments.report.actors import red_line_words
from negsim.experiments.report.common import (
    LAYOUT,
    OUTCOMES,
    REFERENCE_WORDS,
    REFERENCES,
    ReportData,
    actor_ticks,
    end_labels,
    end_lines,
    esc,
)
from negsim.experiments.run.files import wilson_interval

__all__ = ["outcomes_section", "rounds_figure", "shares_figure", "terms_figure", "utility_figure"]

_BINS = 40
_TICKS = {"tickfont": {"size": 14}, "fixedrange": True}


def shares_figure(data: ReportData) -> Figure:
    """Share of each outcome with its 95 % Wilson interval."""
    n, counts = len(data.results), data.results["outcome"].astype(str).value_counts()
    fig = Figure()
    for outcome in OUTCOMES:
        count = int(counts.get(outcome, 0))
        low, high = wilson_interval(count, n)
        share = count / n
        fig.add_bar(
            y=[outcome], x=[share], orientation="h", name=outcome, showlegend=False, width=0.6,
            marker=outcome_marker(outcome),
            error_x={"type": "data", "symmetric": False, "array": [high - share], "arrayminus": [share - low],
                     "thickness": 2.5, "width": 10, "color": "#1b1b1b"},
            hovertemplate=f"{outcome}: {count:,} of {n:,} runs<extra></extra>",
        )  # fmt: skip
        fig.add_scatter(x=[high + 0.015], y=[outcome], mode="text", textposition="middle right", showlegend=False,
                        text=[f"<b>{share:.1%}</b> ({count:,} runs)<br>95% interval {low:.1%}–{high:.1%}"],
                        hoverinfo="skip", cliponaxis=False)  # fmt: skip
    fig.update_layout(**LAYOUT, height=360, title={"text": f"How the {n:,} runs ended", "x": 0},
                      margin={"l": 110, "r": 40, "t": 60, "b": 60})  # fmt: skip
    fig.update_xaxes(range=[0, 1.55], tickformat=".0%", title="share of runs (whiskers: 95% interval)",
                     tickvals=[0, 0.25, 0.5, 0.75, 1], **_TICKS)  # fmt: skip
    fig.update_yaxes(autorange="reversed", **_TICKS)
    return fig


def _excluded(fig: Figure, data: ReportData, k: int, top: float, row: int, col: int) -> None:
    """The parts of issue ``k``'s scale a veto party's red line rules out, shaded in its colour (never hidden)."""
    issue = data.scenario.issues[k]
    for actor in (a for a in data.scenario.actors if a.veto):
        words = red_line_words(actor, k, issue)
        parts = [(issue.low, actor.red_low[k])] if actor.red_low[k] > issue.low else []
        parts += [(actor.red_high[k], issue.high)] if actor.red_high[k] < issue.high else []
        for low, high in parts:
            edge = actor.red_low[k] if low == issue.low else actor.red_high[k]
            fig.add_scatter(
                x=[low, high, high, low, low], y=[0, 0, top, top, 0], mode="lines", fill="toself", opacity=0.12,
                fillcolor=data.colours[actor.name], line={"width": 0}, showlegend=False, legendgroup=actor.name,
                hoverinfo="text", hovertext=esc(f"{actor.label}'s red line: {words}; a red line is a limit the party "
                                                "never accepts a deal beyond"), row=row, col=col,
            )  # fmt: skip
            fig.add_scatter(x=[edge, edge], y=[0, top], mode="lines", showlegend=False, legendgroup=actor.name,
                            line={"color": data.colours[actor.name], "width": 3, "dash": "dashdot"}, hoverinfo="skip",
                            row=row, col=col)  # fmt: skip


def _references(fig: Figure, data: ReportData, k: int, top: float, row: int, col: int) -> None:
    """Each reference as a thin line and a marker above the bars, stacked so references at one value all show."""
    issue = data.scenario.issues[k]
    for j, (key, (name, dash, symbol)) in enumerate(REFERENCES.items()):
        package = data.summary["references"].get(key)
        if package is None:
            continue
        x, hover = package[issue.name], f"{name}: {package[issue.name]:.2f}<br>{REFERENCE_WORDS[key]}<extra></extra>"
        style = {"showlegend": False, "legendgroup": key, "hovertemplate": hover}
        fig.add_scatter(x=[x, x], y=[0, top], mode="lines", line={"color": "#1b1b1b", "dash": dash, "width": 2},
                        row=row, col=col, **style)  # fmt: skip
        fig.add_scatter(x=[x], y=[top * (1.06 + 0.075 * j)], mode="markers", cliponaxis=False, row=row, col=col,
                        marker={"symbol": symbol, "size": 12, "color": "#1b1b1b",
                                "line": {"color": "#fff", "width": 1}}, **style)  # fmt: skip


def _terms_panel(data: ReportData, fig: Figure, k: int, row: int, col: int) -> None:
    issue, agreed = data.scenario.issues[k], data.agreed[f"terms.{data.scenario.issue_names[k]}"].to_numpy()
    counts, edges = np.histogram(agreed, bins=_BINS, range=(issue.low, issue.high))
    top = max(1, int(counts.max(initial=0))) * 1.05
    _excluded(fig, data, k, top, row, col)
    fig.add_bar(x=(edges[:-1] + edges[1:]) / 2, y=counts, width=np.diff(edges), marker_color="#8a8a8a",
                showlegend=False, customdata=np.c_[edges[:-1], edges[1:]], row=row, col=col,
                hovertemplate="%{customdata[0]:.3f}–%{customdata[1]:.3f}: %{y} agreements<extra></extra>")  # fmt: skip
    _references(fig, data, k, top, row, col)
    pad = 0.03 * issue.span
    fig.update_xaxes(range=[issue.low - pad, issue.high + pad], row=row, col=col, **_TICKS)
    fig.update_yaxes(range=[0, top * 1.36], fixedrange=True, title={"text": "agreements", "font": {"size": 14}},
                     tickfont={"size": 14}, row=row, col=col)  # fmt: skip


def _legend_entries(fig: Figure, data: ReportData) -> None:
    for key, (name, dash, symbol) in REFERENCES.items():
        if data.summary["references"].get(key) is not None:
            fig.add_scatter(x=[None], y=[None], mode="lines+markers", name=name, legendgroup=key,
                            line={"color": "#1b1b1b", "dash": dash, "width": 2},
                            marker={"symbol": symbol, "size": 11, "color": "#1b1b1b"})  # fmt: skip
    for actor in (a for a in data.scenario.actors if a.veto):
        if any(red_line_words(actor, k, issue) for k, issue in enumerate(data.scenario.issues)):
            fig.add_scatter(x=[None], y=[None], mode="lines", name=esc(f"{actor.label}'s red line (shaded: ruled out)"),
                            legendgroup=actor.name,
                            line={"color": data.colours[actor.name], "dash": "dashdot", "width": 3})  # fmt: skip


def terms_figure(data: ReportData) -> Figure:
    """Distribution of the agreed value on each issue, with the references and the veto parties' red lines."""
    issues = data.scenario.issues
    rows = math.ceil(len(issues) / 2)
    fig = subplots(rows, 2, subplot_titles=[f"<b>{esc(i.label)}</b>" for i in issues],
                   vertical_spacing=0.3 / rows, horizontal_spacing=0.1)  # fmt: skip
    for k in range(len(issues)):
        _terms_panel(data, fig, k, k // 2 + 1, k % 2 + 1)
    labels = [end_labels(issue, *fig.axis_refs(k // 2 + 1, k % 2 + 1), shift=-26) for k, issue in enumerate(issues)]
    fig.annotations.extend(a for pair in labels for a in pair)
    _legend_entries(fig, data)
    title = f"Agreed terms in the {len(data.agreed):,} agreements"
    if data.agreed.empty:
        title = "Agreed terms: no run ended in agreement"
    fig.update_layout(**LAYOUT, height=340 * rows + 150, title={"text": title, "x": 0},
                      margin={"t": 160, "b": 50 + 20 * end_lines(issues), "l": 70, "r": 20})  # fmt: skip
    fig.update_layout(legend={"y": 1 - 52 / fig.layout["height"], "yref": "container", "yanchor": "top"},
                      title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 14}})  # fmt: skip
    return fig


def _box(values: np.ndarray) -> dict:
    """Box statistics of ``values``: quartiles, mean, whiskers at the 5th and 95th percentiles."""
    q05, q1, median, q3, q95 = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95])
    return {"q1": [q1], "median": [median], "q3": [q3], "lowerfence": [q05], "upperfence": [q95],
            "mean": [values.mean()]}  # fmt: skip


def utility_figure(data: ReportData) -> Figure:
    """Each actor's realised utility over all runs (a box of quantiles) against its reservation value."""
    fig, actors, n = Figure(), data.scenario.actors, len(data.results)
    for lane, actor in enumerate(actors):
        colour, values = data.colours[actor.name], data.results[f"utility.{actor.name}"].to_numpy(float)
        stats = _box(values)
        half = 1.96 * values.std(ddof=1) / math.sqrt(n) if n > 1 else 0.0
        hover = (f"<b>{esc(actor.label)}</b><br>mean {stats['mean'][0]:.3f} (95% interval ±{half:.3f})<br>middle half "
                 f"{stats['q1'][0]:.3f}–{stats['q3'][0]:.3f}<br>90% of runs {stats['lowerfence'][0]:.3f}–"
                 f"{stats['upperfence'][0]:.3f}<extra></extra>")  # fmt: skip
        fig.add_box(y=[lane], orientation="h", name=esc(actor.label), marker_color=colour, fillcolor=colour,
                    line={"color": "#1b1b1b", "width": 1.5}, boxpoints=False, width=0.55, showlegend=False,
                    hovertemplate=hover, **stats)  # fmt: skip
    fig.add_scatter(x=[a.reservation for a in actors], y=list(range(len(actors))), mode="markers",
                    name="reservation value (what no deal is worth)",
                    marker={"symbol": "line-ns", "size": 38, "line": {"width": 4, "color": "#1b1b1b"}},
                    hovertemplate="reservation value %{x:.2f}: what no deal is worth to the party"
                    "<extra></extra>")  # fmt: skip
    title = ("Each party's realised utility over all runs<br><span style=\"font-size:15px\">box: middle half of the "
             "runs; line: median; dashed: mean; whiskers: 90% of them</span>")  # fmt: skip
    fig.update_layout(**LAYOUT, height=130 + 80 * len(actors), margin={"t": 120, "b": 70, "l": 10, "r": 20},
                      title={"text": title, "x": 0})
    fig.update_yaxes(actor_ticks(data))
    fig.update_xaxes(title="utility (1 = the party's ideal package)", **_TICKS)
    return fig


def rounds_figure(data: ReportData) -> Figure:
    """How many rounds the runs lasted, stacked by how they ended (0: ended before the first round)."""
    fig, deadline = Figure(), data.scenario.deadline
    first = 0 if (data.results["round"] == 0).any() else 1
    rounds = np.arange(first, deadline + 1)
    for outcome in OUTCOMES:
        played = data.results.loc[data.results["outcome"] == outcome, "round"].to_numpy()
        if played.size:
            fig.add_bar(x=rounds, y=np.bincount(played, minlength=deadline + 1)[first:], name=outcome,
                        marker=outcome_marker(outcome),
                        hovertemplate=f"{outcome} after %{{x}} rounds: %{{y}} runs<extra></extra>")  # fmt: skip
    fig.update_layout(**LAYOUT, barmode="stack", height=390, legend_traceorder="normal", margin={"t": 100, "b": 70},
                      title={"text": f"When the talks ended (deadline: {deadline} rounds; one round: "
                             f"{esc(data.scenario.round)})", "x": 0})  # fmt: skip
    title = "rounds played (0: ended before the first round)" if first == 0 else "rounds played"
    fig.update_xaxes(title=title, dtick=2, tick0=0, **_TICKS)
    fig.update_yaxes(title="runs", **_TICKS)
    return fig


def outcomes_section(data: ReportData) -> Section:
    """Every replication's outcome, terms, utilities and length."""
    text = (
        "Across all replications: how the talks ended, what was agreed when they succeeded (with the reference "
        "packages and the parts of each scale a veto party's red line rules out), what each party got compared "
        "with what no deal is worth to it, and how long it took."
    )
    figures = (shares_figure(data), terms_figure(data), utility_figure(data), rounds_figure(data))
    ids = ("negsim-shares", "negsim-terms", "negsim-utility", "negsim-rounds")
    return Section(heading="Outcomes across all replications", text=text, figures=figures, figure_ids=ids)
