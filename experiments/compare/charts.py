"""The comparison page's charts: differences from the reference with their intervals (one chart per kind of
metric), then the levels: how the runs ended, the agreed terms on each issue's full scale, and each party's
utility against its reservation value. Runs are rows, so twelve runs make a longer page, never a wider one."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from negsim.experiments.compare.stats import OUTCOMES, Comparison
from negsim.experiments.compare.words import display_label, material
from negsim.experiments.pages.labels import esc, wrap
from negsim.experiments.pages.page import CHART_LAYOUT, actor_colours, outcome_marker
from negsim.sim.spec import ScenarioSpec

__all__ = ["difference_figures", "shares_figure", "terms_figure", "utility_figure"]

LAYOUT = CHART_LAYOUT
TICKS = {"tickfont": {"size": 14}, "fixedrange": True}
_ROW = 30  # pixels per run in a panel


def _top(text: str) -> dict:
    """A chart title held at the top of the figure, so a second line grows down into the margin, not the plot."""
    return {"text": text, "x": 0, "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 26}}


def _names(comparison: Comparison) -> list[str]:
    return [esc(display_label(label)) for label in comparison.labels]


def _metric_label(metric: str, scenario: ScenarioSpec) -> str:
    kind, _, name = metric.partition(".")
    if kind == "share":
        return f"share of {name}"
    if kind == "rounds":
        return "rounds played"
    found = {i.name: i.label for i in scenario.issues} | {a.name: a.label for a in scenario.actors}
    return found.get(name, name.replace("_", " "))


def _difference(comparison: Comparison, scenario: ScenarioSpec, metrics: list[str], title: str, axis: str,
                colours: dict[str, str], percent: bool = False) -> go.Figure:  # fmt: skip
    table, names = comparison.table, _names(comparison)
    runs = comparison.labels[1:]
    spans = {f"terms.{i.name}": i.span for i in scenario.issues}
    fig, outer, inner, reach = go.Figure(), [], [], 0.0
    for metric in metrics:
        rows = table[(table["metric"] == metric) & table["run"].isin(runs)].set_index("run").loc[runs]
        label = esc(_metric_label(metric, scenario))
        outer += [label] * len(runs)
        inner += names[1:]
        strong = [bool(r.differs) and material(metric, r.difference, spans.get(metric, 1.0)) for r in rows.itertuples()]
        colour = colours.get(metric, "#1b1b1b")
        scale = 100 if percent else 1
        hover = [f"<b>{esc(display_label(run))}</b>: {label} {r.difference * scale:+.3f}{' points' if percent else ''}"
                 f" (95% interval {r.diff_low * scale:+.3f} to {r.diff_high * scale:+.3f}); "
                 f"{'paired' if r.paired else 'not paired'}"
                 for run, r in zip(runs, rows.itertuples(), strict=True)]  # fmt: skip
        fig.add_scatter(
            x=rows["difference"], y=[[label] * len(runs), names[1:]], mode="markers", showlegend=False,
            error_x={"type": "data", "symmetric": False, "array": (rows["diff_high"] - rows["difference"]).fillna(0),
                     "arrayminus": (rows["difference"] - rows["diff_low"]).fillna(0), "color": colour, "thickness": 2},
            marker={"size": 12, "color": [colour if s else "#fff" for s in strong],
                    "line": {"color": colour, "width": 2}},
            hovertext=hover, hoverinfo="text",
        )  # fmt: skip
        reach = max(reach, float(np.nanmax(np.abs(rows[["diff_low", "diff_high"]].to_numpy()), initial=0.0)))
    reach = max(reach * 1.1, 0.05)  # never zoom in so far that a tiny shift looks large
    fig.add_vline(x=0, line={"color": "#555", "width": 1.5})
    fig.update_layout(**LAYOUT, height=_ROW * len(outer) + 190, margin={"t": 90, "b": 70, "l": 10, "r": 30},
                      title=_top(title))
    fig.update_xaxes(range=[-reach, reach], title=axis, tickformat="+.0%" if percent else "+.2f", zeroline=False,
                     **TICKS)
    fig.update_yaxes(autorange="reversed", **TICKS)
    return fig


def difference_figures(comparison: Comparison, scenario: ScenarioSpec) -> list[go.Figure]:
    """One chart per kind of metric: each run's difference from the reference, with its 95 % interval."""
    table = comparison.table
    colours = actor_colours(scenario.actor_names)
    shares = [f"share.{o}" for o in OUTCOMES if table.loc[table["metric"] == f"share.{o}", "estimate"].max() > 0]
    figures = [_difference(comparison, scenario, shares, "Share of runs: difference from the reference<br>"
                           "(filled: clear, and at least 1 point)", "difference in the share of runs", {},
                           percent=True)]
    terms = [f"terms.{i}" for i in comparison.issues
             if table.loc[table["metric"] == f"terms.{i}", "estimate"].notna().any()]
    if terms:
        figures.append(_difference(comparison, scenario, terms, "Agreed terms: difference from the reference<br>"
                                   "(filled: clear, and at least 1% of the scale)", "difference on the issue's scale",
                                   {}))
    utilities = [f"utility.{a}" for a in comparison.actors]
    colours = {f"utility.{a}": colours.get(a, "#1b1b1b") for a in comparison.actors}
    figures.append(_difference(comparison, scenario, utilities, "Realised utility: difference from the reference<br>"
                               "(filled: clear, and at least 0.005)", "difference in utility", colours))
    figures.append(_difference(comparison, scenario, ["rounds"], "Rounds played: difference from the reference",
                               "difference in rounds", {}))
    return figures


def shares_figure(comparison: Comparison) -> go.Figure:
    """How each run ended: outcome shares as stacked bars, one row per run."""
    fig, table, names = go.Figure(), comparison.table, _names(comparison)
    for outcome in OUTCOMES:
        rows = table[table["metric"] == f"share.{outcome}"].set_index("run").loc[comparison.labels]
        if rows["estimate"].max() <= 0 and outcome != "agreement":
            continue
        fig.add_bar(y=names, x=rows["estimate"], orientation="h", name=outcome, marker=outcome_marker(outcome),
                    text=[f"{v:.0%}" if v >= 0.08 else "" for v in rows["estimate"]], textposition="inside",
                    insidetextfont={"size": 14, "color": "#fff" if outcome in ("agreement", "escalation")
                                    else "#1b1b1b"},
                    customdata=rows[["low", "high"]], hovertemplate="%{y}: %{x:.1%} (95% interval %{customdata[0]:.1%}"
                    "–%{customdata[1]:.1%})<extra>" + outcome + "</extra>")  # fmt: skip
    fig.update_layout(**LAYOUT, barmode="stack", height=_ROW * len(names) + 170, margin={"t": 100, "b": 60},
                      title={"text": "How the talks ended in each run", "x": 0})  # fmt: skip
    fig.update_layout(legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title="share of runs", **TICKS)
    fig.update_yaxes(autorange="reversed", **TICKS)
    return fig


def _spread(comparison: Comparison) -> dict[tuple[str, str], tuple[float, float, int]]:
    """Per run and issue: the 5th and 95th percentiles of the agreed terms and the number of agreements."""
    found = {}
    for folder, label in zip(comparison.folders, comparison.labels, strict=True):
        results = folder.results()
        agreed = results[results["outcome"].astype(str) == "agreement"]
        for issue in comparison.issues:
            values = agreed[f"terms.{issue}"].to_numpy(float)
            low, high = np.quantile(values, [0.05, 0.95]) if values.size else (np.nan, np.nan)
            found[(label, issue)] = (float(low), float(high), int(values.size))
    return found


def _panel_grid(count: int, titles: list[str], runs: int) -> go.Figure:
    rows_n = math.ceil(count / 2)
    fig = make_subplots(rows=rows_n, cols=min(count, 2), subplot_titles=titles, shared_yaxes=True,
                        vertical_spacing=min(0.5 / rows_n, 130 / (rows_n * (_ROW * runs + 180))),
                        horizontal_spacing=0.06)  # fmt: skip
    fig.update_layout(height=rows_n * (_ROW * runs + 180) + 130)
    for annotation in fig.layout.annotations:
        annotation.font = {"size": 15}
    return fig


def terms_figure(comparison: Comparison, scenario: ScenarioSpec) -> go.Figure:
    """Each issue on its full scale: per run the mean agreed value, its 95 % interval and where 90 % of deals fell."""
    issues = [i for i in scenario.issues if i.name in comparison.issues]
    names, table, spread = _names(comparison), comparison.table, _spread(comparison)
    titles = [f"<b>{esc(i.label)}</b><br>" + wrap(f"{i.low:g} = {i.low_label} · {i.high:g} = {i.high_label}", 46)
              for i in issues]  # fmt: skip
    fig = _panel_grid(len(issues), titles, len(names))
    for k, issue in enumerate(issues):
        where = {"row": k // 2 + 1, "col": k % 2 + 1}
        rows = table[table["metric"] == f"terms.{issue.name}"].set_index("run").loc[comparison.labels]
        bands = [spread[(label, issue.name)] for label in comparison.labels]
        for name, (low, high, _) in zip(names, bands, strict=True):
            fig.add_scatter(x=[low, high], y=[name, name], mode="lines", line={"color": "#c8c8c8", "width": 9},
                            hoverinfo="skip", showlegend=False, **where)  # fmt: skip
        hover = [f"<b>{n}</b>: mean {m:.3f} (95% interval {lo:.3f}–{hi:.3f}) over {b[2]:,} agreements; 90% of them "
                 f"{b[0]:.2f}–{b[1]:.2f}" for n, m, lo, hi, b in zip(names, rows["estimate"], rows["low"], rows["high"],
                                                                     bands, strict=True)]  # fmt: skip
        fig.add_scatter(x=rows["estimate"], y=names, mode="markers", showlegend=False, hovertext=hover,
                        hoverinfo="text", marker={"size": 11, "color": "#1b1b1b"},
                        error_x={"type": "data", "symmetric": False, "color": "#1b1b1b", "thickness": 2,
                                 "array": (rows["high"] - rows["estimate"]).fillna(0),
                                 "arrayminus": (rows["estimate"] - rows["low"]).fillna(0)}, **where)  # fmt: skip
        pad = 0.03 * issue.span
        fig.update_xaxes(range=[issue.low - pad, issue.high + pad], tickformat=".2~f", **TICKS, **where)
        fig.update_yaxes(autorange="reversed", type="category", **TICKS, **where)
    fig.update_layout(**LAYOUT, margin={"t": 170, "b": 50, "l": 10, "r": 20},
                      title=_top("Agreed terms on each issue's full scale: mean over the agreements<br>"
                                 "(whiskers: 95% interval; grey bar: where 90% of the agreements fell)"))
    return fig


def utility_figure(comparison: Comparison, scenario: ScenarioSpec) -> go.Figure:
    """Each party's mean realised utility per run (95 % interval) against that run's reservation value."""
    actors = [a for a in scenario.actors if a.name in comparison.actors]
    colours, names, table = actor_colours(scenario.actor_names), _names(comparison), comparison.table
    titles = [f'<b><span style="color:{colours[a.name]}">{esc(a.label)}</span></b>' for a in actors]
    fig = _panel_grid(len(actors), titles, len(names))
    for k, actor in enumerate(actors):
        where = {"row": k // 2 + 1, "col": k % 2 + 1}
        rows = table[table["metric"] == f"utility.{actor.name}"].set_index("run").loc[comparison.labels]
        reserve = [next((a.reservation for a in f.run.scenario.actors if a.name == actor.name), np.nan)
                   for f in comparison.folders]  # fmt: skip
        fig.add_scatter(x=reserve, y=names, mode="markers", showlegend=False, name="reservation value (no deal)",
                        marker={"symbol": "line-ns", "size": 20, "line": {"width": 3, "color": "#1b1b1b"}},
                        hovertemplate="%{y}: reservation value %{x:.2f}<extra></extra>", **where)  # fmt: skip
        fig.add_scatter(x=rows["estimate"], y=names, mode="markers", showlegend=False,
                        marker={"size": 12, "color": colours[actor.name], "line": {"color": "#1b1b1b", "width": 1}},
                        error_x={"type": "data", "symmetric": False, "color": colours[actor.name], "thickness": 2,
                                 "array": rows["high"] - rows["estimate"],
                                 "arrayminus": rows["estimate"] - rows["low"]},
                        customdata=np.c_[rows["low"], rows["high"]], hovertemplate="%{y}: %{x:.3f} (95% interval "
                        "%{customdata[0]:.3f}–%{customdata[1]:.3f})<extra></extra>", **where)  # fmt: skip
        values = np.r_[rows["low"].to_numpy(float), rows["high"].to_numpy(float), reserve]
        low, high = float(np.nanmin(values)), float(np.nanmax(values))
        pad = max(0.02, 0.08 * (high - low))
        fig.update_xaxes(range=[low - pad, high + pad], tickformat=".2f", **TICKS, **where)
        fig.update_yaxes(autorange="reversed", type="category", **TICKS, **where)
    fig.update_layout(**LAYOUT, margin={"t": 170, "b": 50, "l": 10, "r": 20},
                      title=_top("What each party gets: mean realised utility (whiskers: 95% interval)<br>against "
                                 "what no deal is worth to it (black tick)"))
    return fig
