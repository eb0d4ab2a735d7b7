"""A sweep in plain words: how far agreement, the terms, each party's share and the time to agree move across
the jobs, and at which settings the extremes sit. Every number comes from the jobs' own files."""

from __future__ import annotations

import pandas as pd

from negsim.experiments.pages.page import OUTCOMES
from negsim.experiments.sweep.view import SweepView

__all__ = ["sweep_words"]

_SAME = 0.002  # of a scale (or of 1 for shares): a spread this small counts as no change


def _owners(view: SweepView) -> list[str] | None:
    """Whose setting each swept key is, when they are the same setting of different parties (``Russia``...)."""
    parts = [view.label(k).split(" · ", 1) for k in view.varying]
    if len(parts) > 1 and all(len(p) == 2 for p in parts) and len({p[1] for p in parts}) == 1:
        return [p[0] for p in parts]
    return None


def _at(view: SweepView, row: pd.Series) -> str:
    """A job's varying settings, ``0.1; 0`` (the page says once which is which), or ``Russia boulware; Ukraine
    conceder`` when they are one setting of several parties."""
    owners = _owners(view) or [""] * len(view.varying)
    return "; ".join(f"{o} {view.value(row[k])}".strip() for o, k in zip(owners, view.varying, strict=True)) or (
        f"job {row['job']}")  # fmt: skip


def _spread(view: SweepView, column: str, fmt: str, span: float = 1.0, count: str | None = None) -> str | None:
    """``from LOW (where) to HIGH (where)``, or ``VALUE in every job``; ``None`` without values."""
    cells = view.cells.dropna(subset=[column])
    if cells.empty:
        return None
    values = cells[column]
    if values.max() - values.min() <= _SAME * span:
        return f"{format(values.mean(), fmt)} in every job"
    low, high = cells.loc[values.idxmin()], cells.loc[values.idxmax()]

    def behind(row: pd.Series) -> str:
        if count and count in row and row[count] < row["replications"]:
            return f", over {int(row[count]):,} agreements"
        return ""

    return (
        f"from {format(low[column], fmt)} ({_at(view, low)}{behind(low)}) to {format(high[column], fmt)} "
        f"({_at(view, high)}{behind(high)})"
    )


def sweep_words(view: SweepView) -> list[str]:
    """Sentences that answer a sweep's question from its jobs."""
    cells, lines = view.cells, []
    jobs, runs = len(cells), int(cells["replications"].sum())
    rate = _spread(view, "agreement_rate", ".0%")
    keys = "; ".join(view.label(k) for k in view.varying)
    owners = _owners(view)
    if owners:
        keys = f"{view.label(view.varying[0]).split(' · ', 1)[1]} of {' and '.join(owners)}"
    where = f" In brackets after a value: the job's {keys}." if keys else ""
    lines.append(f"{jobs} jobs, {runs:,} runs in all.{where} Agreement: {rate}.")
    for outcome in OUTCOMES[1:]:
        column = f"share.{outcome}"
        if column in cells and cells[column].max() > 0:
            lines.append(f"Share of runs that ended in {outcome}: {_spread(view, column, '.0%')}.")
    for issue in view.issues:
        spread = _spread(view, f"terms.{issue.name}", ".2f", issue.span, "agreements")
        if spread:
            lines.append(f"{issue.label} (agreed terms, {issue.low:g} = {issue.low_label}, {issue.high:g} = "
                         f"{issue.high_label}): {spread}.")  # fmt: skip
    for actor in view.actors:
        name = view.actor_name(actor)
        spread = _spread(view, f"utility.{name}", ".2f")
        if spread is None:
            continue
        reserve = cells.get(f"reservation.{name}")
        gains = None if reserve is None else cells[f"utility.{name}"] - reserve
        tail = ""
        if gains is not None and gains.notna().any():
            tail = (" — above what no deal is worth to it in every job" if gains.min() > 0 else
                    f" — at or below what no deal is worth to it in {int((gains <= 0).sum())} of {jobs} "
                    "jobs")  # fmt: skip
        lines.append(f"{view.actor_label(actor)} (mean realised utility): {spread}{tail}.")
    if "rounds_agreed" in cells and cells["rounds_agreed"].notna().any():
        lines.append(f"Rounds until agreement: {_spread(view, 'rounds_agreed', '.1f', 1.0)}.")
    return lines
