"""Sweep charts along one setting (a number or a name), one series per combination of the other names.

How the talks ended, the agreed terms on each issue's full scale with their intervals and the number of
agreements behind each point, what each party gets against its reservation value, and how long a deal took.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from negsim.experiments.pages.figure import Figure, subplots
from negsim.experiments.pages.page import OUTCOMES, legend_above, outcome_marker
from negsim.experiments.sweep.figures import (
    LAYOUT,
    SERIES,
    TICKS,
    below_title,
    esc,
    hover,
    scale_title,
    setting_axis,
    tick_lines,
    top,
    wrap,
    x_values,
)
from negsim.experiments.sweep.view import SweepView

__all__ = ["groups", "profile_figures"]


def groups(view: SweepView, keys: list[str]) -> list[tuple[str, pd.DataFrame]]:
    """The jobs split by the values of ``keys``, each with a readable name (``""`` for one group)."""
    if not keys:
        return [("", view.cells)]
    found = []
    for values, rows in view.cells.groupby(keys, sort=False, dropna=False):
        values = values if isinstance(values, tuple) else (values,)
        found.append(("; ".join(f"{view.label(k)} = {view.value(v)}" for k, v in zip(keys, values, strict=True)),
                      rows))  # fmt: skip
    return found


def _rows(parts: list) -> int:
    """Rows a legend of ``parts`` series takes (about three names to a row; none for a single series)."""
    return math.ceil(len(parts) / 3) if len(parts) > 1 else 0


def _spread_out(fig: Figure, view: SweepView, x: str) -> int:
    """Set a named setting's points side by side rather than on top of each other; return the pixels its
    wrapped tick labels take beyond one line (what the margins and the gaps between rows must add)."""
    if x not in view.numeric:
        fig.update_layout(scattermode="group", scattergap=0.5)
    return 18 * (tick_lines(view, x) - 1)


def _errors(rows: pd.DataFrame, column: str) -> dict:
    return {"type": "data", "symmetric": False, "array": (rows[f"{column}.high"] - rows[column]).fillna(0),
            "arrayminus": (rows[column] - rows[f"{column}.low"]).fillna(0), "thickness": 2, "width": 6}  # fmt: skip


def _outcomes(view: SweepView, x: str, parts: list) -> Figure:
    fig, cells = Figure(), view.cells
    shown = [o for o in OUTCOMES if o == "agreement" or cells[f"share.{o}"].max() > 0]
    if len(parts) == 1:
        rows = parts[0][1].sort_values(x) if x in view.numeric else parts[0][1]
        for outcome in shown:
            share = rows[f"share.{outcome}"]
            low, high = rows.get(f"share.{outcome}.low", share), rows.get(f"share.{outcome}.high", share)
            texts = [f"{outcome} {s:.1%} (95% interval {lo:.1%}–{hi:.1%})<br>{hover(view, r)}"
                     for s, lo, hi, (_, r) in zip(share, low, high, rows.iterrows(), strict=True)]  # fmt: skip
            error = {"type": "data", "symmetric": False, "array": high - share, "arrayminus": share - low,
                     "thickness": 2, "width": 8, "color": "#a0a0a0"}
            fig.add_bar(x=x_values(view, x, rows), y=share, name=outcome, marker=outcome_marker(outcome),
                        error_y=error if outcome == "agreement" else None, hovertext=texts, hoverinfo="text",
                        text=[f"{s:.0%}" if outcome == "agreement" else "" for s in share], textposition="inside",
                        insidetextfont={"color": "#fff", "size": 15})  # fmt: skip
        fig.update_layout(barmode="stack")
    else:
        for (label, rows), (colour, dash, symbol) in zip(parts, SERIES * 4, strict=False):
            rows = rows.sort_values(x) if x in view.numeric else rows
            fig.add_scatter(x=x_values(view, x, rows), y=rows["agreement_rate"], name=wrap(label, 50),
                            mode="lines+markers" if x in view.numeric else "markers",
                            line={"color": colour, "dash": dash}, marker={"symbol": symbol, "size": 11},
                            error_y={"type": "data", "symmetric": False, "thickness": 2,
                                     "array": rows["agreement_high"] - rows["agreement_rate"],
                                     "arrayminus": rows["agreement_rate"] - rows["agreement_low"]},
                            hovertext=[hover(view, r) for _, r in rows.iterrows()], hoverinfo="text")  # fmt: skip
    title = "How the talks ended" if len(parts) == 1 else "Agreement rate (whiskers: 95% interval)"
    extra = _spread_out(fig, view, x)
    fig.update_layout(**LAYOUT, height=460 + 30 * _rows(parts) + extra, title=top(title),
                      margin={"t": 90 + 30 * _rows(parts), "b": 110 + extra})
    legend_above(fig, 12)
    fig.update_xaxes(setting_axis(view, x))
    fig.update_yaxes(range=[0, 1.04], tickformat=".0%", title="share of runs", **TICKS)
    below_title(fig, view.label(x), shift=-58 - extra)
    return fig


def _terms(view: SweepView, x: str, parts: list) -> Figure:
    issues = view.issues
    cols = 2 if len(issues) > 1 else 1
    rows_n = math.ceil(len(issues) / cols)
    lines = tick_lines(view, x) - 1
    fig = subplots(rows_n, cols, subplot_titles=[scale_title(i) for i in issues],
                        vertical_spacing=min(0.3 / rows_n, 0.12) * (1 + 0.25 * lines), horizontal_spacing=0.1)
    counts = view.cells["agreements"] if "agreements" in view.cells else view.cells["replications"]
    most, differ = max(int(counts.max()), 1), counts.nunique() > 1
    # Few points of one series: each carries its value (and its count); with more, hover and marker size tell.
    valued = len(view.ordered(x)) <= 8 and len(parts) == 1
    counted = differ and len(view.ordered(x)) <= 12 and len(parts) == 1
    labelled = counted or valued
    for j, ((label, rows), (colour, dash, symbol)) in enumerate(zip(parts, SERIES * 4, strict=False)):
        rows = rows.sort_values(x) if x in view.numeric else rows
        n = rows["agreements"] if "agreements" in rows else rows["replications"]
        for k, issue in enumerate(issues):
            column = f"terms.{issue.name}"
            low, high = rows.get(f"{column}.low", rows[column]), rows.get(f"{column}.high", rows[column])
            texts = [f"{esc(issue.label)}: {m:.3f} (95% interval {lo:.3f}–{hi:.3f}) over {int(c):,} agreements<br>"
                     f"{hover(view, r)}" for m, lo, hi, c, (_, r) in
                     zip(rows[column], low, high, n, rows.iterrows(), strict=True)]  # fmt: skip
            fig.add_scatter(
                x=x_values(view, x, rows), y=rows[column], mode=("lines+" if x in view.numeric else "") + "markers"
                + ("+text" if labelled else ""), name=wrap(label, 50) or "mean over agreements", legendgroup=str(j),
                showlegend=k == 0 and len(parts) > 1, line={"color": colour, "dash": dash},
                marker={"symbol": symbol, "color": colour, "size": (7 + 11 * np.sqrt(n / most)).tolist()},
                error_y=_errors(rows, column) if f"{column}.low" in rows else None, hovertext=texts,
                hoverinfo="text", textposition="middle right",
                text=[(f"{m:.2f}" if valued else "") + (f" (n {int(c):,})" if counted else "")
                      for m, c in zip(rows[column], n, strict=True)],
                textfont={"size": 14, "color": "#444"}, row=k // cols + 1, col=k % cols + 1, cliponaxis=False,
            )  # fmt: skip
            pad = 0.04 * issue.span
            fig.update_yaxes(range=[issue.low - pad, issue.high + pad], tickvals=np.linspace(issue.low, issue.high, 5),
                             tickformat=".2~f", row=k // cols + 1, col=k % cols + 1, **TICKS)  # fmt: skip
            fig.update_xaxes(setting_axis(view, x), row=k // cols + 1, col=k % cols + 1)
    for annotation in fig.annotations:
        annotation["font"] = {"size": 15}
    extra = _spread_out(fig, view, x)
    fig.update_layout(**LAYOUT, height=(340 + extra) * rows_n + 200 + 30 * _rows(parts),
                      margin={"t": 190 + 30 * _rows(parts), "b": 110 + extra},
                      title=top("Agreed terms: mean over the agreements<br><span style=\"font-size:15px\">whiskers: "
                                "95% interval" + ("; n: agreements behind the point (also the marker's size)"
                                                  if counted else "; marker's size: agreements behind the point"
                                                  if differ else "") + "</span>"))  # fmt: skip
    legend_above(fig, 75)
    below_title(fig, view.label(x), shift=-58 - extra)
    return fig


def _parties(view: SweepView, x: str, parts: list) -> Figure:
    cols = 1 if len(parts) == 1 else 2
    rows_n = math.ceil(len(parts) / cols)
    fig = subplots(rows_n, cols, subplot_titles=[wrap(label, 50) for label, _ in parts] if cols > 1
                        else None, vertical_spacing=min(0.3 / rows_n, 0.14) * (1 + 0.25 * (tick_lines(view, x) - 1)))
    for j, (_, rows) in enumerate(parts):
        rows = rows.sort_values(x) if x in view.numeric else rows
        where = {"row": j // cols + 1, "col": j % cols + 1}
        for actor in view.actors:
            name, label = view.actor_name(actor), view.actor_label(actor)
            colour, column = view.colours.get(name, "#555"), f"utility.{name}"
            value = rows.get(f"value.{name}", pd.Series(np.nan, index=rows.index))
            texts = [f"<b>{esc(label)}</b>: realised utility {u:.3f}; value of the terms {v:.3f} (over agreements); "
                     f"reservation value {r:.2f}<br>{hover(view, row)}" for u, v, r, (_, row) in
                     zip(rows[column], value, rows.get(f"reservation.{name}", value), rows.iterrows(), strict=True)]
            fig.add_scatter(x=x_values(view, x, rows), y=rows[column], name=esc(label), legendgroup=name,
                            showlegend=j == 0, mode="lines+markers" if x in view.numeric else "markers",
                            offsetgroup=name, line={"color": colour}, marker={"color": colour, "size": 11},
                            error_y=_errors(rows, column) | {"color": colour} if f"{column}.low" in rows else None,
                            hovertext=texts, hoverinfo="text", **where)  # fmt: skip
            if f"reservation.{name}" in rows:
                fig.add_scatter(x=x_values(view, x, rows), y=rows[f"reservation.{name}"],
                                mode="lines+markers" if x in view.numeric else "markers",
                                line={"color": colour, "dash": "dot", "width": 2}, marker={"symbol": "line-ew",
                                "size": 22, "line": {"width": 3, "color": colour}}, showlegend=False, legendgroup=name,
                                offsetgroup=name,
                                hovertemplate=f"{esc(label)}: reservation value %{{y:.2f}} (what no deal is worth)"
                                "<extra></extra>", **where)  # fmt: skip
        fig.update_xaxes(setting_axis(view, x), **where)
        fig.update_yaxes(title="utility" if where["col"] == 1 else None, **TICKS, **where)
    extra = _spread_out(fig, view, x)
    fig.update_layout(**LAYOUT, height=max(420, (330 + extra) * rows_n + 170),
                      margin={"t": 150 if cols > 1 else 120, "b": 110 + extra},
                      title={"text": "What each party gets<br><span style=\"font-size:15px\">mean realised utility "
                             "(whiskers: 95% interval); dashes (—): what no deal is worth</span>", "x": 0, "y": 1,
                             "yref": "container", "yanchor": "top", "pad": {"t": 20}})  # fmt: skip
    legend_above(fig, 50 if cols > 1 else 10)
    below_title(fig, view.label(x), shift=-58 - extra)
    return fig


def _rounds(view: SweepView, x: str, parts: list) -> Figure:
    fig, few = Figure(), len(view.ordered(x)) <= 8 and len(parts) == 1
    for (label, rows), (colour, dash, symbol) in zip(parts, SERIES * 4, strict=False):
        rows = rows.sort_values(x) if x in view.numeric else rows
        fig.add_scatter(x=x_values(view, x, rows), y=rows["rounds_agreed"], name=wrap(label, 50) or "rounds",
                        showlegend=len(parts) > 1, line={"color": colour, "dash": dash},
                        mode=("lines+" if x in view.numeric else "") + "markers+text",
                        marker={"symbol": symbol, "size": 11, "color": colour}, textfont={"size": 14},
                        error_y=_errors(rows, "rounds_agreed"), textposition="middle right",
                        text=[f"{v:.1f}" for v in rows["rounds_agreed"]] if few else None,
                        hovertext=[f"{r['rounds_agreed']:.2f} rounds to agreement<br>{hover(view, r)}"
                                   for _, r in rows.iterrows()], hoverinfo="text")  # fmt: skip
    deadline = view.scenario.deadline if view.scenario else None
    extra = _spread_out(fig, view, x)
    fig.update_layout(**LAYOUT, height=400 + 30 * _rows(parts) + extra,
                      margin={"t": 90 + 30 * _rows(parts), "b": 110 + extra},
                      title=top("Rounds until agreement (mean over agreements; whiskers: 95% interval)"))
    legend_above(fig, 12)
    fig.update_xaxes(setting_axis(view, x))
    fig.update_yaxes(range=[0, (deadline or float(view.cells["rounds_agreed"].max()) or 1) * 1.05], title="rounds",
                     **TICKS)  # fmt: skip
    below_title(fig, view.label(x), shift=-58 - extra)
    return fig


def profile_figures(view: SweepView, x: str, series: list[str]) -> dict[str, list[Figure]]:
    """The charts along ``x``, one series per combination of ``series``: outcomes, terms, parties."""
    parts = groups(view, series)
    outcomes = [_outcomes(view, x, parts)]
    if "rounds_agreed" in view.cells and view.cells["rounds_agreed"].notna().any():
        outcomes.append(_rounds(view, x, parts))
    terms = [_terms(view, x, parts)] if view.issues and "agreements" in view.cells else []
    return {"outcomes": outcomes, "terms": terms, "parties": [_parties(view, x, parts)] if view.actors else []}
