"""Sweep charts over two settings: heatmaps with the value (and its 95 % interval) written in every cell.

Rows and columns sit at exactly the swept values. One heatmap per outcome that occurs, one per issue whose
agreed terms move (coloured on the issue's full scale), and one panel per party whose colour is its gain over
its reservation value. Further named settings get a set of heatmaps each.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from negsim.experiments.pages.figure import Figure, subplots
from negsim.experiments.pages.page import OUTCOMES
from negsim.experiments.sweep.figures import LAYOUT, TICKS, below_title, esc, hover, scale_title, wrap
from negsim.experiments.sweep.profile import groups
from negsim.experiments.sweep.view import SweepView

__all__ = ["grid_figures", "still_issues"]

_ROW = 78  # pixels per heatmap row: three lines of 14 px type
_MOVES = 0.002  # of an issue's span: terms that move less than this across the jobs are reported as fixed


def _cells(view: SweepView, rows: pd.DataFrame, x: str, y: str):
    """The job at each (y value, x value), or ``None``."""
    found = {(view.value(r[y]), view.value(r[x])): r for _, r in rows.iterrows()}
    xs, ys = [view.value(v) for v in view.ordered(x)], [view.value(v) for v in view.ordered(y)]
    return xs, ys, [[found.get((yv, xv)) for xv in xs] for yv in ys]


def _heatmap(view: SweepView, grid, value, text, **style) -> dict:
    xs, ys, cells = grid[:3]
    z = [[np.nan if c is None else value(c) for c in row] for row in cells]
    words = [["" if c is None else text(c) for c in row] for row in cells]
    hovers = [["no job" if c is None else f"{text(c)}<br>{hover(view, c)}" for c in row] for row in cells]
    return dict(type="heatmap", z=z, x=xs, y=ys, text=words, texttemplate="%{text}", textfont={"size": 14},
                customdata=hovers, hovertemplate="%{customdata}<extra></extra>", xgap=2, ygap=2, **style)


def _axes(fig: Figure, view: SweepView, x: str, y: str, **where) -> None:
    fig.update_xaxes(type="category", **TICKS, **where)
    fig.update_yaxes(type="category", **TICKS, title={"text": wrap(view.label(y), 30), "font": {"size": 15}}, **where)


def _share(view: SweepView, grid, outcome: str, suffix: str) -> Figure:
    column = f"share.{outcome}"

    def text(c) -> str:
        low, high = c.get(f"{column}.low", c[column]), c.get(f"{column}.high", c[column])
        return f"<b>{c[column]:.0%}</b><br>{low:.0%}–{high:.0%}"

    fig = Figure([_heatmap(view, grid, lambda c: c[column], text, zmin=0, zmax=1, colorscale="Viridis",
                             colorbar={"tickformat": ".0%", "tickfont": {"size": 14}})])
    _axes(fig, view, *grid[3:])
    fig.update_layout(**LAYOUT, height=_ROW * len(grid[1]) + 190, margin={"t": 70, "b": 100},
                      title={"text": f"Share of runs that ended in {outcome}{suffix} (below: 95% interval)", "x": 0})
    below_title(fig, view.label(grid[3]), shift=-40)
    return fig


def _rounds(view: SweepView, grid, suffix: str) -> Figure:
    deadline = view.scenario.deadline if view.scenario else float(view.cells["rounds_agreed"].max())

    def text(c) -> str:
        if np.isnan(c["rounds_agreed"]):
            return "no deal"
        return f"<b>{c['rounds_agreed']:.1f}</b><br>±{(c['rounds_agreed.high'] - c['rounds_agreed.low']) / 2:.1f}"

    fig = Figure([_heatmap(view, grid, lambda c: c["rounds_agreed"], text, zmin=0, zmax=deadline,
                             colorscale="Cividis", colorbar={"tickfont": {"size": 14}, "title": {"text": "rounds"}})])
    _axes(fig, view, *grid[3:])
    fig.update_layout(**LAYOUT, height=_ROW * len(grid[1]) + 190, margin={"t": 70, "b": 100},
                      title={"text": f"Rounds until agreement{suffix} (mean over agreements; below: ± half its 95% "
                             "interval)", "x": 0})  # fmt: skip
    below_title(fig, view.label(grid[3]), shift=-40)
    return fig


def still_issues(view: SweepView, rows: pd.DataFrame) -> tuple[list, list[str]]:
    """The issues whose terms move across ``rows``, and sentences for those that do not."""
    moving, still = [], []
    for issue in view.issues:
        values = rows[f"terms.{issue.name}"].dropna()
        if values.empty:
            continue
        if values.max() - values.min() > _MOVES * issue.span:
            moving.append(issue)
        else:
            still.append(f"{issue.label}: {values.mean():.2f} in every job")
    return moving, still


def _terms(view: SweepView, grid, issue, suffix: str) -> Figure:
    column = f"terms.{issue.name}"
    counts = view.cells.get("agreements", view.cells["replications"])
    differ = counts.nunique() > 1
    spread = view.cells[column].max() - view.cells[column].min()
    digits = 3 if spread < 0.1 * issue.span else 2  # small moves need the third decimal to show

    def text(c) -> str:
        if np.isnan(c[column]):
            return "no deal"
        half = (c.get(f"{column}.high", c[column]) - c.get(f"{column}.low", c[column])) / 2
        count = f"<br>n {int(c.get('agreements', c['replications'])):,}" if differ else ""
        return f"<b>{c[column]:.{digits}f}</b><br>±{half:.{digits}f}{count}"

    colourbar = {"tickvals": [issue.low, issue.high],
                 "ticktext": [wrap(issue.low_label, 16), wrap(issue.high_label, 16)],
                 "tickfont": {"size": 14}, "len": 0.9}  # fmt: skip
    fig = Figure([_heatmap(view, grid, lambda c: c[column], text, zmin=issue.low, zmax=issue.high,
                             colorscale="Cividis", colorbar=colourbar)])  # fmt: skip
    _axes(fig, view, *grid[3:])
    fig.update_layout(**LAYOUT, height=_ROW * len(grid[1]) + 220, margin={"t": 110, "b": 100},
                      title={"text": f"Agreed terms{suffix}: {scale_title(issue, 70)}", "x": 0})  # fmt: skip
    below_title(fig, view.label(grid[3]), shift=-40)
    return fig


def _parties(view: SweepView, grid, suffix: str) -> Figure:
    actors = view.actors
    cols = 2 if len(actors) > 1 else 1
    rows_n = math.ceil(len(actors) / cols)
    titles = [f'<b><span style="color:{view.colours.get(view.actor_name(a), "#1b1b1b")}">{esc(view.actor_label(a))}'
              "</span></b>" for a in actors]  # fmt: skip
    fig = subplots(rows_n, cols, subplot_titles=titles, vertical_spacing=0.6 / (rows_n * 3),
                   horizontal_spacing=0.16)  # fmt: skip
    for k, actor in enumerate(actors):
        name = view.actor_name(actor)
        column, reserve = f"utility.{name}", f"reservation.{name}"

        def gain(c, column=column, reserve=reserve) -> float:
            return c[column] - c.get(reserve, 0.0)

        def text(c, column=column, reserve=reserve) -> str:
            return f"<b>{c[column]:.2f}</b><br>no deal {c.get(reserve, float('nan')):.2f}"

        where = {"row": k // cols + 1, "col": k % cols + 1}
        fig.add_trace(_heatmap(view, grid, gain, text, coloraxis="coloraxis"), **where)
        _axes(fig, view, *grid[3:], **where)
        if where["col"] > 1:
            fig.update_yaxes(title=None, **where)
    fig.update_layout(**LAYOUT, height=(_ROW * len(grid[1]) + 90) * rows_n + 150, margin={"t": 120, "b": 100},
                      coloraxis={"colorscale": "PuOr", "cmid": 0,
                                 "colorbar": {"title": {"text": "gain over<br>no deal"},
                                 "tickfont": {"size": 14}}},
                      title={"text": f"What each party gets{suffix}<br><span style=\"font-size:15px\">mean "
                             "realised utility against what no deal is worth; colour: the difference</span>",
                             "x": 0})  # fmt: skip
    below_title(fig, view.label(grid[3]), shift=-40)
    return fig


def grid_figures(view: SweepView, x: str, y: str, others: list[str]) -> dict[str, list[Figure]]:
    """Heatmaps over ``x`` (columns) and ``y`` (rows), a set for each combination of ``others``."""
    found: dict[str, list[Figure]] = {"outcomes": [], "terms": [], "parties": [], "notes": []}
    for label, rows in groups(view, others):
        suffix = f" ({esc(label)})" if label else ""
        grid = (*_cells(view, rows, x, y), x, y)
        shown = [o for o in OUTCOMES if o == "agreement" or view.cells[f"share.{o}"].max() > 0]
        found["outcomes"] += [_share(view, grid, outcome, suffix) for outcome in shown]
        if "rounds_agreed" in rows and rows["rounds_agreed"].nunique() > 1:
            found["outcomes"].append(_rounds(view, grid, suffix))
        moving, still = still_issues(view, rows)
        if "agreements" in view.cells:
            found["terms"] += [_terms(view, grid, issue, suffix) for issue in moving]
        found["notes"] += [f"{line}{' (' + label + ')' if label else ''}" for line in still]
        if view.actors:
            found["parties"].append(_parties(view, grid, suffix))
    return found
