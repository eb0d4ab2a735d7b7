"""Report part 4 under ``influence_only``: where the parties' stated positions settle when nobody tables offers.

The positions are the run's own where it logged rounds (``rounds.parquet``); the path without shocks and its
long-run limit are worked out from the scenario's influence weights by the rule the model states (one
Friedkin–Johnsen step per round, each position kept inside its party's own red lines).
"""

from __future__ import annotations

import numpy as np

from negsim.experiments.pages.figure import Figure
from negsim.experiments.pages.page import Section
from negsim.experiments.report.common import ReportData, esc, issue_strips, legend_above
from negsim.sim.spec import ScenarioSpec

__all__ = ["settle_figure", "settle_section", "settled_positions"]

_LIMIT_STEPS = 10_000


def settled_positions(scenario: ScenarioSpec, steps: int) -> np.ndarray:
    """Stated positions ``(n, m)`` after ``steps`` influence steps without shocks (``x <- clip(Λ W x + (I − Λ) x0)``).

    >>> from negsim.sim.scenarios import toy_scenario
    >>> settled_positions(toy_scenario(), 0).shape
    (2, 1)
    """
    ideal = np.array([a.ideal for a in scenario.actors], float)
    low = np.array([a.red_low for a in scenario.actors], float)
    high = np.array([a.red_high for a in scenario.actors], float)
    open_to = 1.0 - np.array([a.stubbornness for a in scenario.actors])
    pull, anchor = open_to[:, None] * scenario.influence_matrix(), (1.0 - open_to)[:, None] * ideal
    x = ideal.copy()
    for _ in range(steps):
        moved = np.clip(pull @ x + anchor, low, high)
        if np.allclose(moved, x, rtol=0, atol=1e-12):
            break
        x = moved
    return x


def _logged_final(data: ReportData) -> np.ndarray | None:
    """Each logged replication's positions when its last round opened, ``(r, n, m)``; ``None`` without a log."""
    log = data.rounds
    if log.empty:
        return None
    last = log[log["round"] == log.groupby("replication")["round"].transform("max")]
    names, issues = list(data.scenario.actor_names), list(data.scenario.issue_names)
    table = last.pivot_table(index=["replication", "actor"], columns="issue", values="position")
    reps = sorted(last["replication"].unique())
    return np.stack([table.loc[r].reindex(index=names, columns=issues).to_numpy() for r in reps])


def settle_figure(data: ReportData) -> Figure:
    """Each party's starting ideal, its position at the deadline and the long-run limit, on every issue."""
    scenario, fig = data.scenario, issue_strips(data, top=110)
    deadline = settled_positions(scenario, scenario.deadline - 1)
    limit = settled_positions(scenario, _LIMIT_STEPS)
    logged = _logged_final(data)
    lanes = list(range(len(scenario.actors)))
    colours = [data.colours[a.name] for a in scenario.actors]
    for k in range(len(scenario.issues)):
        first, row = k == 0, {"row": k + 1, "col": 1}
        for lane, actor in enumerate(scenario.actors):
            fig.add_scatter(x=[actor.ideal[k], deadline[lane, k]], y=[lane, lane], mode="lines", showlegend=False,
                            line={"color": colours[lane], "width": 2}, hoverinfo="skip", **row)  # fmt: skip
        if logged is not None:
            fig.add_scatter(
                x=logged[:, :, k].ravel(), y=np.tile(lanes, len(logged)), mode="markers", opacity=0.35,
                marker={"size": 7, "color": np.tile(colours, len(logged)).tolist()},
                name="a logged run at its deadline",
                legendgroup="logged", showlegend=first, hovertemplate="logged run: %{x:.2f}<extra></extra>", **row,
            )  # fmt: skip
        fig.add_scatter(x=[a.ideal[k] for a in scenario.actors], y=lanes, mode="markers", name="starting ideal",
                        legendgroup="ideal", showlegend=first,
                        marker={"symbol": "circle-open", "size": 15, "color": colours, "line": {"width": 2.5}},
                        hovertemplate="starting ideal %{x:.2f}<extra></extra>", **row)  # fmt: skip
        hover = [f"<b>{esc(a.label)}</b>: {deadline[i, k]:.2f} when the last round opened" for i, a in
                 enumerate(scenario.actors)]  # fmt: skip
        fig.add_scatter(x=deadline[:, k], y=lanes, mode="markers", name="stated position at the deadline (no shocks)",
                        legendgroup="deadline", showlegend=first, hovertext=hover, hoverinfo="text",
                        marker={"size": 17, "color": colours, "line": {"width": 1.5, "color": "#1b1b1b"}}, **row)
        fig.add_scatter(x=limit[:, k], y=lanes, mode="markers", name="where positions tend in the long run",
                        legendgroup="limit", showlegend=first, hovertemplate="long-run limit %{x:.2f}<extra></extra>",
                        marker={"symbol": "x-thin", "size": 15, "line": {"width": 3, "color": "#1b1b1b"}}, **row)
    title = f"Stated positions at the {scenario.deadline}-round deadline, with influence only"
    fig.update_layout(margin={"t": 135}, title={"text": title, "x": 0, "y": 1, "yref": "container", "yanchor": "top",
                                                "pad": {"t": 6}})  # fmt: skip
    legend_above(fig)
    return fig


def _moves(data: ReportData) -> list[str]:
    """The parties whose stated position moves most, per issue, in words."""
    scenario = data.scenario
    deadline = settled_positions(scenario, scenario.deadline - 1)
    lines = []
    for k, issue in enumerate(scenario.issues):
        moved = [(abs(deadline[i, k] - a.ideal[k]), a, deadline[i, k]) for i, a in enumerate(scenario.actors)]
        moved = [m for m in moved if m[0] > 0.005 * issue.span]
        if not moved:
            lines.append(f"{issue.label}: no stated position moves.")
            continue
        parts = [f"{a.label} from {a.ideal[k]:.2f} to {x:.2f}" for _, a, x in sorted(moved, key=lambda m: -m[0])]
        lines.append(f"{issue.label}: {'; '.join(parts)}.")
    return lines


def settle_section(data: ReportData) -> Section:
    """The outcome section under ``influence_only``: no offers, so where stated positions settle."""
    n = len(data.results)
    text = (
        f"Under the influence-only protocol nobody tables an offer, so none of the {n:,} runs can agree: every run "
        "ends at the deadline, and each party keeps what no deal is worth to it. What the runs show is where the "
        "parties' stated positions settle as they influence each other, before any bargaining: the open circle is "
        "where a party started (its ideal), the filled dot its stated position when the last round opened (without "
        "shocks), and the × where it would tend if the talks went on for ever. Red lines hold positions in place."
    )
    items = "".join(f"<li>{esc(line)}</li>" for line in _moves(data))
    return Section(heading="Where stated positions settle", text=text, html=f"<ul>{items}</ul>",
                   figures=(settle_figure(data),), figure_ids=("negsim-settle",))  # fmt: skip
