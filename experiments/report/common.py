"""Shared pieces of the teaching report: its data, escaping, styles and the issue-strip chart.

Everything that comes from a scenario file (names, labels, quotes) is escaped
with :func:`esc` before it reaches HTML or a Plotly string: Plotly renders a
subset of HTML in labels, titles and hover text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from negsim.experiments.pages.figure import Figure, subplots
from negsim.experiments.pages.labels import esc, wrap
from negsim.experiments.pages.page import OUTCOME_STYLE, OUTCOMES, actor_colours, legend_above
from negsim.experiments.pages.provenance import Override, hydra_settings, parse_overrides, run_overrides
from negsim.experiments.run.folder import RunFolder
from negsim.sim.spec import ActorSpec, IssueSpec, RunSpec, ScenarioSpec

__all__ = [
    "LAYOUT",
    "OUTCOMES",
    "OUTCOME_STYLE",
    "REFERENCES",
    "REFERENCE_WORDS",
    "ReportData",
    "actor_ticks",
    "end_labels",
    "end_lines",
    "esc",
    "evidence_text",
    "issue_strips",
    "legend_above",
    "quote_text",
    "red_line_segments",
    "wrap",
]

#: Large type for laptops and projectors; axes fixed so a stray drag does not zoom.
LAYOUT = {
    "template": "plotly_white",
    "font": {"size": 16, "color": "#1b1b1b"},
    "hoverlabel": {"font": {"size": 15}},
    "legend": {"font": {"size": 15}, "orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
}
_LANE, _GAP = 22, 72  # pixels per actor lane; between issue rows (ticks, end labels, next title)
_END = 26  # characters per line of an end label: both ends fit side by side on a printed page
#: Closed-form references from ``summary.json``: legend name, line dash and marker symbol.
REFERENCES = {
    "nash_bargaining": ("Nash bargaining solution (veto parties)", "solid", "circle"),
    "weighted_nash": ("Nash, weighted by capability (veto parties)", "longdash", "diamond"),
    "compromise": ("compromise: weighted mean (all parties)", "dash", "triangle-down"),
    "weighted_median": ("weighted median (all parties)", "dot", "square"),
}
#: What each reference is, for hover text on the charts.
REFERENCE_WORDS = {
    "nash_bargaining": "inside the zone of possible agreement, the package that maximises the product of the veto "
                       "parties' gains over no deal",
    "weighted_nash": "the Nash solution with each veto party's gain weighted by its capability",
    "compromise": "on each issue, the average of all parties' ideal points weighted by capability × salience",
    "weighted_median": "on each issue, the point no capability-weighted majority of the parties would pull away from",
}  # fmt: skip


def quote_text(text: str) -> str:
    """Evidence as plain text: a quote in quotation marks, or the modeller's judgment.

    >>> quote_text("judgment: a guess")
    "modeller's judgment: a guess"
    """
    if text.startswith("judgment:"):
        return "modeller's judgment: " + text.removeprefix("judgment:").strip()
    return f"“{text}”"


def evidence_text(actor: ActorSpec, key: str) -> str:
    """The evidence behind ``actor``'s ``key`` (``ideal.ISSUE``, ``red_lines.ISSUE``, ``profile``), or ``""``."""
    text = dict(actor.evidence).get(key)
    return "" if text is None else quote_text(text)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportData:
    """What the report is built from: the run's specs, summary and tables."""

    run: RunSpec
    summary: dict
    results: pd.DataFrame
    rounds: pd.DataFrame
    question: str = ""
    overrides: tuple[Override, ...] | None = None  # None: not recorded
    hydra: dict = field(default_factory=dict)

    @classmethod
    def load(cls, folder: RunFolder) -> ReportData:
        """Read everything the report needs from a finished run folder."""
        question = str((folder.settings.get("scenario") or {}).get("question") or "")
        lines = run_overrides(folder.path)
        overrides = None if lines is None else tuple(parse_overrides(lines))
        return cls(run=folder.run, summary=folder.summary, results=folder.results(), rounds=folder.rounds(),
                   question=question, overrides=overrides, hydra=hydra_settings(folder.path))  # fmt: skip

    @property
    def scenario(self) -> ScenarioSpec:
        """The run's scenario."""
        return self.run.scenario

    @property
    def colours(self) -> dict[str, str]:
        """One colour per actor name, the same on every chart."""
        return actor_colours(self.scenario.actor_names)

    @property
    def agreed(self) -> pd.DataFrame:
        """Rows of ``results`` that ended in agreement."""
        return self.results[self.results["outcome"] == "agreement"]


def actor_ticks(data: ReportData) -> dict:
    """A y-axis with one lane per actor (first on top), labelled in the actor's colour."""
    actors = data.scenario.actors
    text = [f'<span style="color:{data.colours[a.name]}"><b>{esc(a.label)}</b></span>' for a in actors]
    return {
        "tickvals": list(range(len(actors))), "ticktext": text, "range": [len(actors) - 0.5, -0.5],
        "showgrid": False, "zeroline": False, "fixedrange": True,
    }  # fmt: skip


def _scale_axis(issue: IssueSpec) -> dict:
    pad = 0.03 * issue.span
    return {
        "range": [issue.low - pad, issue.high + pad], "tickvals": list(np.linspace(issue.low, issue.high, 5)),
        "tickformat": ".2~f", "tickfont": {"size": 14, "color": "#555"}, "ticklen": 3, "zeroline": False,
        "fixedrange": True, "showline": True, "linecolor": "#999",
    }  # fmt: skip


def end_labels(issue: IssueSpec, x: str, y: str, shift: int = -20) -> list[dict]:
    """Annotations naming the issue's ends under axes ``x``/``y``, left- and right-aligned at the scale's ends."""
    return [
        {"text": wrap(text, _END), "x": end, "y": 0, "xref": f"{x} domain", "yref": f"{y} domain", "xanchor": anchor,
         "yanchor": "top", "yshift": shift, "showarrow": False, "font": {"size": 14, "color": "#333"},
         "align": anchor}
        for end, anchor, text in ((0, "left", f"◀ {issue.low_label}"), (1, "right", f"{issue.high_label} ▶"))
    ]  # fmt: skip


def end_lines(issues: tuple[IssueSpec, ...] | list[IssueSpec]) -> int:
    """How many lines the longest end label of ``issues`` takes (see :func:`end_labels`)."""
    return max((wrap(t, _END).count("<br>") + 1 for i in issues for t in (f"◀ {i.low_label}", f"{i.high_label} ▶")),
               default=1)  # fmt: skip


def issue_strips(data: ReportData, *, side: str | None = None, top: int = 90, bottom: int = 50) -> Figure:
    """One row per issue on its own labelled scale, one lane per actor; optionally a side panel.

    With ``side`` (its title), a second column spans every row, for the network. ``top`` and ``bottom``
    are the margins in pixels; the rows get a fixed height per lane, so the figure grows with the scenario.
    """
    issues, n = data.scenario.issues, len(data.scenario.actors)
    gap = _GAP + 18 * (end_lines(issues) - 1)
    plot = len(issues) * n * _LANE + (len(issues) - 1) * gap
    spacing = gap / plot if len(issues) > 1 else 0.0
    titles = [f"<b>{esc(i.label)}</b>" for i in issues]
    if side:
        specs = [[{}, {"rowspan": len(issues)}]] + [[{}, None] for _ in issues[1:]]
        titles = [titles[0], f"<b>{esc(side)}</b>", *titles[1:]]
        fig = subplots(len(issues), 2, specs=specs, column_widths=[0.6, 0.4], subplot_titles=titles,
                       vertical_spacing=spacing, horizontal_spacing=0.06)  # fmt: skip
    else:
        fig = subplots(len(issues), 1, subplot_titles=titles, vertical_spacing=spacing)
    labels, axes = [], {}
    for row, issue in enumerate(issues, start=1):
        x, y = fig.axis_refs(row, 1)
        axes[x.replace("x", "xaxis")] = _scale_axis(issue)
        axes[y.replace("y", "yaxis")] = actor_ticks(data)
        labels += end_labels(issue, x, y)
    left = fig.domain(1, 1)[0]
    for annotation in fig.annotations[: len(titles)]:
        annotation.update(font={"size": 17}, yshift=2)
        if annotation["x"] < 0.6:  # an issue's title: over the left end of its scale
            annotation.update(x=left, xanchor="left")
    bottom += 18 * (end_lines(issues) - 1)
    fig.update_layout(**LAYOUT, **axes, annotations=[*fig.annotations, *labels], height=plot + top + bottom,
                      margin={"t": top, "b": bottom, "l": 10, "r": 10})  # fmt: skip
    return fig


def red_line_segments(actor: ActorSpec, k: int, issue: IssueSpec) -> list[float | None]:
    """x values of the parts of ``issue``'s scale that ``actor``'s red line excludes (``None`` between parts)."""
    xs: list[float | None] = []
    if actor.red_low[k] > issue.low:
        xs += [issue.low, actor.red_low[k], None]
    if actor.red_high[k] < issue.high:
        xs += [actor.red_high[k], issue.high, None]
    return xs
