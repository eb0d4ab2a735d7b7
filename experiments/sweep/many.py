"""Sweep charts over three or more numeric settings: every job on parallel axes, then one panel per setting.

Each panel shows every job as a point (its 95 % interval as whiskers) against one setting, and the mean over
the other settings as a line: for the agreement rate, and for each issue whose agreed terms move.
"""

from __future__ import annotations

import math

import numpy as np

from negsim.experiments.pages.figure import Figure, subplots
from negsim.experiments.pages.page import legend_above
from negsim.experiments.sweep.figures import LAYOUT, TICKS, esc, hover, scale_title, setting_axis, wrap
from negsim.experiments.sweep.grid import still_issues
from negsim.experiments.sweep.view import SweepView

__all__ = ["many_figures"]


def _parallel(view: SweepView) -> Figure:
    cells = view.cells
    dims = [{"label": wrap(view.label(p), 22), "values": cells[p], "tickvals": view.ordered(p)} for p in view.numeric]
    dims.append({"label": "agreement rate", "values": cells["agreement_rate"], "range": [0, 1], "tickformat": ".0%"})
    fig = Figure([dict(
        type="parcoords",
        line={"color": cells["agreement_rate"], "colorscale": "Viridis", "cmin": 0, "cmax": 1, "showscale": True,
              "colorbar": {"tickformat": ".0%", "tickfont": {"size": 14}}},
        dimensions=dims, labelfont={"size": 14}, tickfont={"size": 14}, rangefont={"size": 14},
    )])  # fmt: skip
    fig.update_layout(**LAYOUT, height=480, margin={"t": 140, "l": 80, "r": 80},
                      title={"text": "Every job: its settings and agreement rate (drag along an axis to pick jobs)",
                             "x": 0})  # fmt: skip
    return fig


def _panels(view: SweepView, column: str, title: str, y_axis: dict) -> Figure:
    params = view.numeric
    cols = 2
    rows_n = math.ceil(len(params) / cols)
    fig = subplots(rows_n, cols, subplot_titles=[wrap(view.label(p), 50) for p in params],
                   vertical_spacing=min(0.35 / rows_n, 0.14), horizontal_spacing=0.1)  # fmt: skip
    cells = view.cells
    low, high = cells.get(f"{column}.low", cells[column]), cells.get(f"{column}.high", cells[column])
    if column == "agreement_rate":
        low, high = cells["agreement_low"], cells["agreement_high"]
    size, behind = 9, [""] * len(cells)
    if column.startswith("terms.") and "agreements" in cells:  # the agreements behind each point: its size
        counts = cells["agreements"].to_numpy(float)
        size = (7 + 11 * np.sqrt(counts / max(counts.max(), 1.0))).tolist()
        behind = [f"<br>over {int(n):,} agreements" for n in counts]
    for k, p in enumerate(params):
        where = {"row": k // cols + 1, "col": k % cols + 1}
        fig.add_scatter(x=cells[p], y=cells[column], mode="markers", marker={"color": "#8a8a8a", "size": size},
                        error_y={"type": "data", "symmetric": False, "array": (high - cells[column]).fillna(0),
                                 "arrayminus": (cells[column] - low).fillna(0), "color": "#8a8a8a", "thickness": 1.5},
                        hovertext=[hover(view, r) + b for (_, r), b in zip(cells.iterrows(), behind, strict=True)],
                        hoverinfo="text+y",
                        showlegend=k == 0, name="one job (whiskers: 95% interval" + ("; size: agreements behind it)"
                        if behind[0] else ")"), **where)  # fmt: skip
        mean = cells.groupby(p)[column].mean().reset_index()
        fig.add_scatter(x=mean[p], y=mean[column], mode="lines+markers", line={"color": "#1b1b1b", "width": 3},
                        marker={"size": 9, "color": "#1b1b1b"}, name="mean over the other settings",
                        showlegend=k == 0, **where)  # fmt: skip
        fig.update_xaxes(setting_axis(view, p), **where)
        fig.update_yaxes(y_axis | TICKS, **where)
    for annotation in fig.annotations:
        annotation["font"] = {"size": 15}
    fig.update_layout(**LAYOUT, height=320 * rows_n + 200, margin={"t": 180, "b": 60},
                      title={"text": title, "x": 0, "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 20}})
    legend_above(fig, 45)
    return fig


def _parties(view: SweepView) -> Figure:
    """Each party's mean realised utility against each setting (averaged over the others), and its reservation."""
    params, cells = view.numeric, view.cells
    cols, rows_n = 2, math.ceil(len(view.numeric) / 2)
    fig = subplots(rows_n, cols, subplot_titles=[wrap(view.label(p), 50) for p in params],
                   vertical_spacing=min(0.35 / rows_n, 0.14), horizontal_spacing=0.1)  # fmt: skip
    for k, p in enumerate(params):
        where = {"row": k // cols + 1, "col": k % cols + 1}
        for actor in view.actors:
            name, label = view.actor_name(actor), view.actor_label(actor)
            colour = view.colours.get(name, "#555")
            mean = cells.groupby(p)[[f"utility.{name}", f"reservation.{name}"]].mean().reset_index()
            fig.add_scatter(x=mean[p], y=mean[f"utility.{name}"], mode="lines+markers", name=esc(label),
                            legendgroup=name, showlegend=k == 0, line={"color": colour, "width": 3},
                            marker={"color": colour, "size": 9}, hovertemplate=f"{esc(label)}: mean realised "
                            "utility %{y:.3f} over the jobs at %{x}<extra></extra>", **where)  # fmt: skip
            fig.add_scatter(x=mean[p], y=mean[f"reservation.{name}"], mode="lines", legendgroup=name,
                            showlegend=False, line={"color": colour, "dash": "dot", "width": 2},
                            hovertemplate=f"{esc(label)}: reservation value %{{y:.2f}} (what no deal is worth)"
                            "<extra></extra>", **where)  # fmt: skip
        fig.update_xaxes(setting_axis(view, p), **where)
        fig.update_yaxes(title="utility" if where["col"] == 1 else None, **TICKS, **where)
    for annotation in fig.annotations:
        annotation["font"] = {"size": 15}
    fig.update_layout(**LAYOUT, height=320 * rows_n + 200, margin={"t": 180, "b": 60},
                      title={"text": "What each party gets against each setting<br><span style=\"font-size:15px\">"
                             "mean realised utility over the other settings; dotted: what no deal is worth</span>",
                             "x": 0, "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 20}})  # fmt: skip
    legend_above(fig, 45)
    return fig


def many_figures(view: SweepView) -> dict[str, list[Figure]]:
    """Parallel coordinates and per-setting panels for the agreement rate and the terms that move."""
    rate = {"range": [0, 1.04], "tickformat": ".0%", "title": "agreement rate"}
    panels = _panels(view, "agreement_rate", "Agreement rate against each setting", rate)
    found = {"outcomes": [_parallel(view), panels],
             "terms": [], "parties": [], "notes": []}  # fmt: skip
    moving, still = still_issues(view, view.cells)
    for issue in moving:
        pad = 0.04 * issue.span
        axis = {"range": [issue.low - pad, issue.high + pad], "tickformat": ".2~f"}
        found["terms"].append(_panels(view, f"terms.{issue.name}", f"Agreed terms: {scale_title(issue, 80)}", axis))
    found["notes"] = still
    if view.actors and all(f"reservation.{view.actor_name(a)}" in view.cells for a in view.actors):
        found["parties"].append(_parties(view))
    return found
