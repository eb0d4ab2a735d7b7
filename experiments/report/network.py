"""Report part 3: the influence network in Plotly: node area by capability, arrow width by influence weight."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from negsim.experiments.pages.figure import Figure
from negsim.experiments.report.common import ReportData, esc, quote_text, wrap

__all__ = ["NetworkLayout", "network_static", "node_frame", "node_style"]

_COLOURSCALE = "Cividis"  # sequential and colour-blind safe; the actor colour is the node's ring


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkLayout:
    """Where the network sits in its figure: axis references, node centres and sizes (px)."""

    xref: str
    yref: str
    xy: np.ndarray  # (n, 2)
    sizes: np.ndarray  # (n,) marker diameters
    centre: float  # middle of the network column, in paper coordinates


def _positions(data: ReportData) -> np.ndarray:
    """Nodes on a circle in scenario order (deterministic: no seed), turned so none sits level with the centre.

    With four actors the nodes sit at the corners of a square, leaving room for labels above and below.
    """
    layout = nx.circular_layout(data.scenario.influence_graph(), scale=1.2)
    xy = np.array([layout[name] for name in data.scenario.actor_names])
    angle = np.pi / 2 + np.pi / max(len(xy), 1)
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return xy @ turn.T


def _edges(data: ReportData, net: NetworkLayout, fig: Figure) -> None:
    """One arrow per influence edge (width by weight), its weight written near the arrow's head."""
    scenario = data.scenario
    pairs = {(e.source, e.target) for e in scenario.edges}
    arrows, label_x, label_y, text, hover = [], [], [], [], []
    for edge in scenario.edges:
        i, j = scenario.actor_index(edge.source), scenario.actor_index(edge.target)
        start, end = net.xy[i], net.xy[j]
        normal = np.array([start[1] - end[1], end[0] - start[0]]) / max(np.linalg.norm(end - start), 1e-9)
        shift = 0.07 * normal if (edge.target, edge.source) in pairs else np.zeros(2)
        start, end = start + shift, end + shift
        arrows.append({
            "x": end[0], "y": end[1], "ax": start[0], "ay": start[1], "xref": net.xref, "yref": net.yref,
            "axref": net.xref, "ayref": net.yref, "showarrow": True, "arrowhead": 2, "arrowsize": 0.8,
            "arrowwidth": 1.5 + 10 * edge.weight, "arrowcolor": "#7a7a7a", "text": "",
            "standoff": net.sizes[j] / 2 + 4, "startstandoff": net.sizes[i] / 2 + 2,
        })  # fmt: skip
        label = end + 0.3 * (start - end) + 0.11 * normal
        label_x.append(label[0])
        label_y.append(label[1])
        text.append(f"{edge.weight:.2f}")
        source, target = scenario.actors[i].label, scenario.actors[j].label
        hover.append(f"<b>{esc(source)} → {esc(target)}</b>: weight {edge.weight:.2f}<br>"
                     f"{wrap(quote_text(edge.evidence), 60)}")  # fmt: skip
    fig.annotations.extend(arrows)
    fig.add_scatter(x=label_x, y=label_y, mode="text", text=text, textfont={"size": 14, "color": "#444"},
                    hovertext=hover, hoverinfo="text", showlegend=False, row=1, col=2)  # fmt: skip


def network_static(data: ReportData, fig: Figure) -> NetworkLayout:
    """Set up the network panel (column 2 of an :func:`issue_strips` figure): axes and arrows."""
    xref, yref = fig.axis_refs(1, 2)
    capability = np.array([a.capability for a in data.scenario.actors])
    sizes = np.maximum(28.0, 80.0 * np.sqrt(capability / max(capability.max(), 1e-9)))
    centre = float(np.mean(fig.domain(1, 2)))
    net = NetworkLayout(xref=xref, yref=yref, xy=_positions(data), sizes=sizes, centre=centre)
    hidden = {"visible": False, "fixedrange": True}
    fig.update_xaxes(hidden | {"range": [-1.7, 1.7]}, row=1, col=2)
    fig.update_yaxes(hidden | {"range": [-1.6, 1.95], "domain": [0.4, 1.0]}, row=1, col=2)
    _edges(data, net, fig)
    return net


def node_style(data: ReportData, net: NetworkLayout, k: int) -> dict:
    """The fixed look of the node trace coloured by stance on issue ``k`` (only the first is visible)."""
    issue = data.scenario.issues[k]
    colourbar = {
        "orientation": "h", "x": net.centre, "xanchor": "center", "y": 0.33, "yanchor": "top", "len": 0.3,
        "thickness": 16, "title": {"text": f"Fill: stance on {wrap(issue.label, 40)}", "side": "top",
                                   "font": {"size": 14}},
        "tickvals": [issue.low, issue.high], "ticktext": [wrap(issue.low_label, 18), wrap(issue.high_label, 18)],
        "tickfont": {"size": 14},
    }  # fmt: skip
    above = net.xy[:, 1] >= -1e-9
    return {
        "type": "scatter", "x": net.xy[:, 0].tolist(), "y": net.xy[:, 1].tolist(), "mode": "markers+text",
        "visible": k == 0, "showlegend": False, "cliponaxis": False, "hoverinfo": "text",
        "textposition": ["top center" if up else "bottom center" for up in above],
        "textfont": {"size": 15, "color": [data.colours[name] for name in data.scenario.actor_names]},
        "marker": {"size": net.sizes.tolist(), "colorscale": _COLOURSCALE, "cmin": issue.low, "cmax": issue.high,
                   "showscale": True, "colorbar": colourbar, "opacity": 1,
                   "line": {"width": 6, "color": [data.colours[name] for name in data.scenario.actor_names]}},
    }  # fmt: skip


def node_frame(data: ReportData, values: np.ndarray, k: int, words: list[str]) -> dict:
    """What changes each round on the node trace of issue ``k``: fill colours, answers, hover text."""
    issue = data.scenario.issues[k]
    text = [f"<b>{esc(a.label)}</b><br>{w}" if w else f"<b>{esc(a.label)}</b>" for a, w in
            zip(data.scenario.actors, words, strict=True)]  # fmt: skip
    hover = [f"<b>{esc(a.label)}</b> (capability {a.capability:.2f})<br>{esc(issue.label)}: {v:.2f}"
             for a, v in zip(data.scenario.actors, values, strict=True)]  # fmt: skip
    return {"type": "scatter", "marker": {"color": [float(v) for v in values]}, "text": text, "hovertext": hover}
