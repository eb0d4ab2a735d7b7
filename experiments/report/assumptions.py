"""The report's section "Which assumptions decide this outcome", for runs with uncertain values.

It works from the run's own parameter draws (``results.parquet``'s ``draw`` and ``param.*`` columns): how far
the chance of a deal moves from draw to draw, and which values go with the largest moves, by the
correlation ratio of each value against the draws' agreement rates (or, when every draw agrees, against
each veto party's gain). That ranking is rough with a hundred draws; ``negsim-sensitivity`` gives Sobol'
indices with intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from negsim.experiments.pages.figure import Figure
from negsim.experiments.pages.page import Section
from negsim.experiments.report.common import LAYOUT, ReportData, esc
from negsim.sim.sensitivity import chance_level, given_data_index
from negsim.sim.uncertainty import chance_summary

__all__ = ["HEADING", "assumptions_section", "per_draw", "ranking"]

HEADING = "Which assumptions decide this outcome"
#: Values shown on the chart.
SHOWN = 10
#: The agreement rate counts as varying when its draws' rates spread more than this (standard deviation).
VARIES = 0.02


def per_draw(results: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per parameter draw: its values, agreement rate and each actor's mean realised utility."""
    frame = results.assign(agreed=(results["outcome"] == "agreement").astype(float))
    utilities = [c for c in results.columns if c.startswith("utility.")]
    grouped = frame.groupby("draw", sort=True)
    table = grouped[[f"param.{k}" for k in keys]].first()
    table["agreement"] = grouped["agreed"].mean()
    table[utilities] = grouped[utilities].mean()
    return table


def ranking(table: pd.DataFrame, keys: list[str], column: str) -> list[tuple[str, float]]:
    """Every value's correlation ratio against ``column`` of :func:`per_draw`, largest first."""
    scores = [(key, given_data_index(table[f"param.{key}"].to_numpy(), table[column].to_numpy())) for key in keys]
    return sorted(scores, key=lambda item: -item[1])


def _bars(data: ReportData, scores: list[tuple[str, float]], title: str, chance: float) -> Figure:
    uncertain = {u.key: u for u in data.scenario.uncertain}
    shown = scores[:SHOWN][::-1]
    colours = data.colours
    figure = Figure()
    figure.add_bar(
        x=[score for _, score in shown],
        y=[esc(f"{uncertain[key].label} · {uncertain[key].evidence}") for key, _ in shown],
        orientation="h",
        marker={"color": [colours.get(uncertain[key].actor, "#7f7f7f") for key, _ in shown],
                "pattern": {"shape": ["/" if uncertain[key].evidence == "judgment" else "" for key, _ in shown],
                            "fgcolor": "white"}},
        hovertemplate="%{y}<br>share of the spread: %{x:.2f}<extra></extra>",
    )  # fmt: skip
    figure.update_layout(
        shapes=[{"type": "line", "x0": chance, "x1": chance, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                 "line": {"dash": "dash", "color": "#555"}}],
        annotations=[{"text": "chance level", "x": chance, "xref": "x", "xanchor": "left", "y": 1, "yref": "y domain",
                      "yanchor": "top", "showarrow": False}],
    )  # fmt: skip
    figure.update_layout(**LAYOUT, title=esc(title), height=160 + 40 * len(shown), xaxis_title="share of the spread "
                         "that goes with this value (0–1)", xaxis={"range": [0, 1]}, showlegend=False)  # fmt: skip
    figure.update_yaxes(automargin=True)
    return figure


def _spread(table: pd.DataFrame) -> Figure:
    figure = Figure()
    figure.add_trace({"type": "histogram", "x": 100 * table["agreement"].to_numpy(),
                      "xbins": {"start": -2.5, "end": 102.5, "size": 5}, "marker_color": "#1b1b1b",
                      "hovertemplate": "%{x}% agree: %{y} draws<extra></extra>"})  # fmt: skip
    figure.update_layout(**LAYOUT, height=340, bargap=0.05, xaxis_title="% of a draw's replications that agree",
                         yaxis_title="parameter draws", xaxis={"range": [-3, 103]})  # fmt: skip
    return figure


def assumptions_section(data: ReportData) -> Section | None:
    """The section, or ``None`` when the run drew no parameter (every value as written)."""
    if "draw" not in data.results.columns or not data.scenario.uncertain:
        return None
    keys = [u.key for u in data.scenario.uncertain]
    table = per_draw(data.results, keys)
    rates = table["agreement"].to_numpy()
    judged = sum(u.evidence == "judgment" for u in data.scenario.uncertain)
    counts = np.full(len(rates), len(data.results) / len(table))
    chances = chance_summary(rates, counts)
    low, median, high = chances["low"], chances["median"], chances["high"]
    seen = chances["observed"]
    text = (
        f"This run did not take its {len(keys)} uncertain values ({judged} of them the modeller's judgments) as "
        f"fixed: it drew them {len(table)} times, with {len(data.results) // len(table)} replications each. Across "
        f"these draws, the chance of a deal has a median of {100 * median:.0f} %, and 90 % of draws give it between "
        f"{100 * low:.0f} % and {100 * high:.0f} %. (Each draw's own rate also carries the luck of its few "
        f"replications: the rates in the chart lie between {100 * seen['p05']:.0f} % and {100 * seen['p95']:.0f} %; "
        "the figures above have that luck removed.)"
    )
    if chances["knife_edge"]:
        text += (f" This is a knife-edge: in {100 * chances['never_agree']:.0f} % of draws a deal is almost "
                 f"impossible and in {100 * chances['always_agree']:.0f} % almost certain, so the forecast stands or "
                 "falls with these assumptions.")  # fmt: skip
    figures = [_spread(table)]
    chance = chance_level(len(table))
    if rates.std() > VARIES:
        text += (" The chart below ranks the values by how much of the spread in the chance of a deal goes with "
                 "each one alone (a correlation ratio from this run's draws; negsim-sensitivity computes Sobol' "
                 "indices with intervals). Colours are actors; hatched bars are judgments; bars short of the dashed "
                 "line are within what chance gives this many draws, and with many values a few bars will cross it "
                 "by chance alone, so read the line as a guide, not a test.")  # fmt: skip
        figures.append(_bars(data, ranking(table, keys, "agreement"), "What moves the chance of a deal", chance))
    else:
        text += (" The chance of a deal barely depends on these assumptions within their ranges. What they decide "
                 "is how much each party gains: the charts rank the values by how much of the spread in each veto "
                 "party's realised utility goes with each one alone (negsim-sensitivity computes Sobol' indices "
                 "with intervals). Colours are actors; hatched bars are judgments; bars short of the dashed line are "
                 "within what chance gives this many draws, and with many values a few bars will cross it by chance "
                 "alone, so read the line as a guide, not a test.")  # fmt: skip
        for actor in data.scenario.actors:
            if actor.veto:
                scores = ranking(table, keys, f"utility.{actor.name}")
                figures.append(_bars(data, scores, f"What decides {actor.label}'s gain", chance))
    return Section(heading=HEADING, text=text, figures=tuple(figures))
