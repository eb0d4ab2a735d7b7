"""Pieces the sweep page's charts share: series styles, scale titles, the x axis of a setting, hover text."""

from __future__ import annotations

import pandas as pd

from negsim.experiments.pages.figure import Figure
from negsim.experiments.pages.labels import esc, wrap
from negsim.experiments.pages.page import CHART_LAYOUT
from negsim.experiments.sweep.view import SweepView
from negsim.sim.spec import IssueSpec

__all__ = ["LAYOUT", "SERIES", "TICKS", "below_title", "esc", "hover", "scale_title", "setting_axis", "tick_lines",
           "top", "wrap", "x_values"]

LAYOUT = CHART_LAYOUT
TICKS = {"tickfont": {"size": 14}, "fixedrange": True}
_TICK = 14  # characters per line of a named setting's tick label: six names fit side by side in half a page
#: Series of one chart (combinations of the other settings): black and greys told apart by dash and symbol, so
#: colour keeps meaning a party, and greys with patterns an outcome.
SERIES = (
    ("#1b1b1b", "solid", "circle"),
    ("#1b1b1b", "dash", "square"),
    ("#5a5a5a", "dot", "diamond"),
    ("#5a5a5a", "dashdot", "triangle-up"),
    ("#8a8a8a", "longdash", "x"),
    ("#8a8a8a", "solid", "star"),
)


def scale_title(issue: IssueSpec, width: int = 48) -> str:
    """An issue's panel title with its scale: ``label`` over ``0 = low end · 1 = high end``."""
    ends = f"{issue.low:g} = {issue.low_label} · {issue.high:g} = {issue.high_label}"
    return f"<b>{wrap(issue.label, width)}</b><br><span style=\"font-size:14px\">{wrap(ends, width + 12)}</span>"


def hover(view: SweepView, row: pd.Series) -> str:
    """What a job is and how it ended, for any point of the page."""
    return (
        f"<b>{esc(view.setting(row))}</b><br>job {row['job']}: agreement {row['agreement_rate']:.1%} (95% interval "
        f"{row['agreement_low']:.1%}–{row['agreement_high']:.1%}) in {int(row['replications']):,} runs"
    )


def setting_axis(view: SweepView, key: str) -> dict:
    """An x (or y) axis over the values of ``key``: ticks at exactly the swept values."""
    values = view.ordered(key)
    if key in view.numeric:
        low, high = min(values), max(values)
        pad = (high - low) or 1.0
        return {"tickvals": values, "ticktext": [view.value(v) for v in values], "type": "linear",
                "range": [low - 0.06 * pad, high + 0.12 * pad], **TICKS}
    names = [view.value(v) for v in values]
    return {"type": "category", "categoryorder": "array", "categoryarray": names, "tickvals": names,
            "ticktext": [wrap(name, _TICK) for name in names], "tickangle": 0, "range": [-0.5, len(values) - 0.5],
            **TICKS}  # fmt: skip


def tick_lines(view: SweepView, key: str) -> int:
    """How many lines the tick labels of :func:`setting_axis` take (names wrap; numbers take one)."""
    if key in view.numeric:
        return 1
    return max((wrap(view.value(v), _TICK).count("<br>") + 1 for v in view.ordered(key)), default=1)


def x_values(view: SweepView, key: str, rows: pd.DataFrame) -> list:
    """The x positions of ``rows`` on :func:`setting_axis`."""
    return rows[key].tolist() if key in view.numeric else [view.value(v) for v in rows[key]]


def top(text: str) -> dict:
    """A chart title held at the top of the figure (a legend sits between it and the plot)."""
    return {"text": text, "x": 0, "y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 22}}


def below_title(fig: Figure, text: str, shift: int = -58) -> None:
    """One axis title under the whole figure (small multiples share it, so titles never pile up)."""
    fig.add_annotation(text=f"<b>{wrap(text, 90)}</b>", x=0.5, xref="paper", y=0, yref="paper", yanchor="top",
                       yshift=shift, showarrow=False, font={"size": 15})  # fmt: skip
