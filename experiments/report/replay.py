"""Report parts 2 and 3: the figure replaying one replication round by round, with the influence network beside it.

Both panels are one Plotly figure, so the slider and the play button move the
positions, the package, the answers and the network's colours together.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from negsim.experiments.pages.figure import Figure, merge
from negsim.experiments.report.common import ReportData, esc, issue_strips
from negsim.experiments.report.network import NetworkLayout, network_static, node_frame, node_style
from negsim.experiments.report.zone import breakdown_words, escalation_words

__all__ = ["Replay", "load_replay", "no_rounds", "replay_base", "replay_figure", "starting_replay", "state_words"]

#: What each state after a round means, in words (the failures are completed by :func:`state_words`).
STATES = {
    "ongoing": "no agreement yet, talks go on",
    "agreement": "<b>AGREEMENT</b>: every veto party accepted",
    "breakdown": "<b>BREAKDOWN</b>",
    "stalemate": "<b>STALEMATE</b>: the deadline has passed",
    "escalation": "<b>ESCALATION</b>",
}
#: Marker symbol and words for an actor's answer to the package.
ANSWERS = {"tabled": ("star", "★ tabled it"), "yes": ("circle", "✓ accepts"), "no": ("x", "✗ rejects")}
_TOP = 170  # pixels above the charts: title (2 lines), the slider, legend, the first issue's title
#: No tween between frames: Plotly cannot morph one marker symbol's outline into another's (SVG arc flags).
_STEP = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}


@dataclass(frozen=True, slots=True, kw_only=True)
class Replay:
    """One replication's log as arrays over rounds (``R``), actors (``n``) and issues (``m``)."""

    replication: int
    positions: np.ndarray  # (R, n, m) when each round opened
    proposal: np.ndarray  # (R, m), NaN without a package
    accepted: np.ndarray  # (R, n)
    proposer: tuple[str, ...]  # (R,) actor name, "mediator" or "none"
    state: tuple[str, ...]  # (R,) outcome after the round

    @property
    def rounds(self) -> int:
        """Number of rounds played."""
        return len(self.state)


def load_replay(data: ReportData, replication: int) -> Replay:
    """The logged rounds of ``replication`` from ``rounds.parquet``."""
    scenario = data.scenario
    log = data.rounds[data.rounds["replication"] == replication]
    t = log["round"].to_numpy()
    a = log["actor"].map({name: i for i, name in enumerate(scenario.actor_names)}).to_numpy()
    k = log["issue"].map({name: i for i, name in enumerate(scenario.issue_names)}).to_numpy()
    shape = (int(t.max()) + 1, len(scenario.actors), len(scenario.issues))
    positions, proposal, accepted = np.full(shape, np.nan), np.full(shape[::2], np.nan), np.zeros(shape[:2], bool)
    positions[t, a, k] = log["position"].to_numpy().round(4)  # four decimals: finer than any chart shows
    proposal[t, k] = log["proposal"].to_numpy().round(4)
    accepted[t, a] = log["accepted"].to_numpy()
    per_round = log.groupby("round", sort=True)
    return Replay(
        replication=replication, positions=positions, proposal=proposal, accepted=accepted,
        proposer=tuple(per_round["proposer"].first()), state=tuple(per_round["outcome"].first()),
    )  # fmt: skip


def starting_replay(data: ReportData) -> Replay:
    """The starting positions as a one-round replay, for runs without logged rounds (see :func:`no_rounds`)."""
    n, m = len(data.scenario.actors), len(data.scenario.issues)
    ideals = np.array([a.ideal for a in data.scenario.actors])[None]
    return Replay(replication=-1, positions=ideals, proposal=np.full((1, m), np.nan), accepted=np.zeros((1, n), bool),
                  proposer=("none",), state=("ongoing",))  # fmt: skip


def no_rounds(data: ReportData) -> str:
    """Why no round can be replayed: none was played (and who stopped it), or the run kept no round log."""
    if (data.results["round"] == 0).all():
        return f"no round was played, because no deal is possible: {breakdown_words(data)}"
    return "this run kept no round log (record=0), so only the starting positions are shown"


def state_words(data: ReportData, replay: Replay, t: int) -> str:
    """How replay ``replay`` stood after round ``t``, naming the party and the reason when the talks failed."""
    state = replay.state[t]
    if state == "escalation":
        return f"{STATES[state]}: {esc(escalation_words(data.scenario))}"
    if state == "breakdown":
        return f"{STATES[state]}: {esc(breakdown_words(data) or 'a veto party prefers no deal')}"
    if state == "stalemate" and "holdouts" in data.results:
        names = str(data.results.set_index("replication").at[replay.replication, "holdouts"] or "").split()
        labels = [a.label for a in data.scenario.actors if a.name in names]
        if labels:
            who = ", ".join(labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1]
            return f"{STATES[state]}: {esc(who)} held out for more than the others could give"
    return STATES[state]


def _answer(replay: Replay, t: int, i: int, name: str) -> str:
    if replay.proposer[t] == "none":
        return ""
    if replay.proposer[t] == name:
        return "tabled"
    return "yes" if replay.accepted[t, i] else "no"


def _title(data: ReportData, replay: Replay, t: int) -> str:
    labels = {a.name: esc(a.label) for a in data.scenario.actors}
    who = replay.proposer[t]
    if replay.replication < 0:
        words = esc(no_rounds(data)).split(": ", 1)
        return f"<b>Starting positions</b> · {words[0]}" + (f":<br>{words[1]}" if len(words) > 1 else "")
    head = f"<b>Round {t + 1} of {replay.rounds}</b>"
    state = state_words(data, replay, t)
    if who == "none":
        return f"{head} · no package on the table: positions move by influence only<br>{state}"
    opener = "the mediator tables a text" if who == "mediator" else f"{labels[who]} tables a package"
    yes = [labels[a.name] for i, a in enumerate(data.scenario.actors) if replay.accepted[t, i]]
    no = [labels[a.name] + ("" if a.veto else " (no veto)") for i, a in enumerate(data.scenario.actors)
          if not replay.accepted[t, i]]  # fmt: skip
    answers = f"✓ {', '.join(yes) or 'nobody'}   ✗ {', '.join(no) or 'nobody'}"
    return f"{head} · {opener} → {state}<br>{answers}"


def _animated(data: ReportData, replay: Replay, t: int) -> list[dict]:
    """What changes each round: per issue the package and the positions (symbol = answer), then the nodes."""
    scenario, lanes = data.scenario, len(data.scenario.actors)
    answers = [_answer(replay, t, i, a.name) for i, a in enumerate(scenario.actors)]
    symbols = [ANSWERS[x][0] if x else "circle" for x in answers]
    words = [ANSWERS[x][1] if x else "" for x in answers]
    traces = []
    for k in range(len(scenario.issues)):
        value = float(replay.proposal[t, k])
        package = [None, None] if np.isnan(value) else [value, value]
        traces.append({"type": "scatter", "x": package, "y": [-0.5, lanes - 0.5],
                       "hovertemplate": f"package on the table: {value:.2f}<extra></extra>"})  # fmt: skip
        hover = [f"<b>{esc(a.label)}</b>: position {replay.positions[t, i, k]:.2f}<br>{words[i]}"
                 for i, a in enumerate(scenario.actors)]  # fmt: skip
        traces.append({"type": "scatter", "x": replay.positions[t, :, k].tolist(), "y": list(range(lanes)),
                       "marker": {"symbol": symbols}, "hovertext": hover})  # fmt: skip
    return traces + [node_frame(data, replay.positions[t, :, k], k, words) for k in range(len(scenario.issues))]


def _animated_styles(data: ReportData, fig: Figure, net: NetworkLayout) -> list[int]:
    """Add the animated traces' fixed look; return their indices (frames fill in the data)."""
    first, colours = len(fig.data), [data.colours[name] for name in data.scenario.actor_names]
    for k in range(len(data.scenario.issues)):
        fig.add_scatter(x=[None], y=[None], mode="lines", line={"color": "#1b1b1b", "width": 5}, row=k + 1, col=1,
                        name="package on the table", legendgroup="package", showlegend=k == 0)  # fmt: skip
        fig.add_scatter(x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="text", cliponaxis=False,
                        marker={"size": 19, "color": colours, "line": {"width": 1.5, "color": "#1b1b1b"}},
                        row=k + 1, col=1)  # fmt: skip
    for k in range(len(data.scenario.issues)):
        fig.add_trace(node_style(data, net, k), row=1, col=2)
    return list(range(first, len(fig.data)))


def _static(data: ReportData, fig: Figure) -> None:
    """Starting ideals on each issue, and the legend's answer symbols (lanes and nodes name the actors)."""
    scenario = data.scenario
    for k in range(len(scenario.issues)):
        fig.add_scatter(
            x=[a.ideal[k] for a in scenario.actors], y=list(range(len(scenario.actors))), mode="markers",
            marker={"symbol": "circle-open", "size": 14, "color": [data.colours[a.name] for a in scenario.actors],
                    "line_width": 2}, opacity=0.6, name="starting ideal", legendgroup="ideal", showlegend=k == 0,
            hovertemplate="starting ideal %{x:.2f}<extra></extra>", row=k + 1, col=1,
        )  # fmt: skip
    for key, (symbol, words) in ANSWERS.items():
        fig.add_scatter(x=[None], y=[None], mode="markers", name=words.split(" ", 1)[1], legendgroup=key,
                        marker={"symbol": symbol, "size": 14, "color": "#555"})  # fmt: skip


def _controls(steps: int, above: float) -> dict:
    """The slider over the rounds at ``above`` (paper y) over the charts; Play and stepping are page buttons."""
    slider = {
        "active": 0, "x": 0.02, "len": 0.96, "y": above, "yanchor": "top", "pad": {"t": 0, "b": 0},
        "currentvalue": {"visible": False}, "font": {"size": 14}, "ticklen": 5,
        "steps": [{"label": str(t + 1), "method": "animate", "args": [[str(t)], _STEP]} for t in range(steps)],
    }  # fmt: skip
    return {"sliders": [slider]}


def replay_base(data: ReportData) -> tuple[dict, list[int]]:
    """What every replication's figure shares, as a plain dict, and the indices of the animated traces.

    From the top: the round's description (the title), the play buttons and slider, the legend, the charts.
    """
    fig = issue_strips(data, side="Who influences whom", top=_TOP, bottom=45)
    _static(data, fig)
    animated = _animated_styles(data, fig, network_static(data, fig))
    title = {"x": 0, "xanchor": "left", "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 22, "l": 4},
             "font": {"size": 17}}  # fmt: skip
    legend = {"y": 1 - 108 / fig.layout["height"], "yanchor": "top", "yref": "container"}
    fig.update_layout(title=title, legend=legend, meta={"controls": 1 + (_TOP - 62) / _plot_height(fig)})
    return fig.to_dict(), animated


def _plot_height(fig: Figure) -> float:
    return fig.layout["height"] - fig.layout["margin"]["t"] - fig.layout["margin"]["b"]


def replay_figure(data: ReportData, replay: Replay, base: tuple[dict, list[int]] | None = None) -> dict:
    """The animated figure (``data``, ``layout``, ``frames``) for one replication, as a plain dict.

    Frames carry only what changes each round; ``base`` is :func:`replay_base` (built when not given).
    """
    layout, animated = base or replay_base(data)
    figure = copy.deepcopy(layout)
    frames = [{"name": str(t), "data": _animated(data, replay, t), "traces": animated,
               "layout": {"title": {"text": _title(data, replay, t)}}} for t in range(replay.rounds)]  # fmt: skip
    for index, trace in zip(animated, frames[0]["data"], strict=True):
        merge(figure["data"][index], copy.deepcopy(trace))
    figure["layout"]["title"]["text"] = frames[0]["layout"]["title"]["text"]
    above = figure["layout"].pop("meta")["controls"]
    if replay.replication >= 0:  # a log to step through; the starting positions alone have no rounds
        figure["layout"].update(_controls(replay.rounds, above))
    figure["frames"] = frames
    return figure
