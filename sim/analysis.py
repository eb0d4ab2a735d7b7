"""What a scenario allows before anyone bargains: its frontier, zone of possible agreement and references.

Computed once per run from the scenario alone (no random draw), for ``summary.json``, the pages and
the plain-words explanation of an outcome.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from negsim.sim.frontier import Frontier
from negsim.sim.references import REFERENCE_PARTIES, reference_packages
from negsim.sim.spec import ScenarioSpec
from negsim.sim.zopa import Zopa, find_zopa

__all__ = ["Analysis", "analyse", "analysis_record"]


@dataclass(frozen=True, slots=True)
class Analysis:
    """A scenario's zone of possible agreement and reference packages.

    Attributes:
        veto: the veto parties' names, in scenario order (the order of the zone's arrays).
        frontier: what they can reach together.
        zopa: the zone of possible agreement among them.
        references: reference packages ``(m,)`` by name (``None`` where one does not exist).
    """

    veto: tuple[str, ...]
    frontier: Frontier
    zopa: Zopa
    references: dict


def _arrays(scenario: ScenarioSpec):
    span = np.array([i.span for i in scenario.issues])
    low = np.array([i.low for i in scenario.issues])
    high = np.array([i.high for i in scenario.issues])
    veto = np.array([a.veto for a in scenario.actors])
    return span, low, high, veto


def _frontier(scenario: ScenarioSpec, red_low, red_high, linkages) -> Frontier:
    span, _, _, veto = _arrays(scenario)
    ideal = np.array([a.ideal for a in scenario.actors])[veto]
    scaled = np.array([a.salience for a in scenario.actors])[veto] / span
    return Frontier(ideal, scaled, red_low.max(axis=0), red_high.min(axis=0), linkages)


@functools.lru_cache(maxsize=64)
def analyse(scenario: ScenarioSpec, *, shaping: bool = True) -> Analysis:
    """Frontier, zone of possible agreement and references of ``scenario``.

    With ``shaping``, also which red lines and linkages shape the zone (a frontier and a few linear
    programs for each: about 0.03 s for the baseline). Remembered for the last scenarios analysed, so
    the jobs of a sweep over the same scenario analyse it once per process.
    """
    span, issue_low, issue_high, veto = _arrays(scenario)
    actors = [a for a in scenario.actors if a.veto]
    red_low, red_high = np.array([a.red_low for a in actors]), np.array([a.red_high for a in actors])
    links = [(l.name, scenario.issue_index(l.issue), l.low, l.high, scenario.issue_index(l.when_issue), l.when_low,
              l.when_high) for l in scenario.linkages if l.actor in {a.name for a in actors}]  # fmt: skip
    plain = [link[1:] for link in links]
    frontier = _frontier(scenario, red_low, red_high, plain)
    without = []
    for i, actor in enumerate(actors if shaping else ()):
        for k, issue in enumerate(scenario.issues):
            for side, bounds, free in (("min", red_low, issue_low[k]), ("max", red_high, issue_high[k])):
                if bounds[i, k] != free:
                    loosened = bounds.copy()
                    loosened[i, k] = free
                    lo, hi = (loosened, red_high) if side == "min" else (red_low, loosened)
                    without.append(((actor.name, "red_line", issue.name, side), _frontier(scenario, lo, hi, plain)))
    for j, link in enumerate(links if shaping else ()):
        owner = next(l.actor for l in scenario.linkages if l.name == link[0])
        without.append(
            ((owner, "linkage", link[0]), _frontier(scenario, red_low, red_high, plain[:j] + plain[j + 1 :]))
        )
    reservation = np.array([a.reservation for a in scenario.actors])
    zopa = find_zopa(frontier, reservation[veto], red_low=red_low, red_high=red_high, without=without)
    references = reference_packages(
        ideal=np.array([a.ideal for a in scenario.actors]), salience=np.array([a.salience for a in scenario.actors]),
        capability=np.array([a.capability for a in scenario.actors]), span=span, veto=veto,
        reservation=reservation, frontier=frontier,
    )  # fmt: skip
    return Analysis(veto=tuple(a.name for a in actors), frontier=frontier, zopa=zopa, references=references)


def _number(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def analysis_record(scenario: ScenarioSpec, analysis: Analysis) -> dict:
    """The analysis as plain data for ``summary.json``: keys ``zopa``, ``references`` and ``reference_parties``."""
    issues, zopa, veto = scenario.issue_names, analysis.zopa, analysis.veto

    def package(values) -> dict | None:
        if values is None or np.any(np.isnan(values)):
            return None
        return {issue: float(v) for issue, v in zip(issues, values, strict=True)}

    best = {}
    for i, name in enumerate(veto):
        values = zopa.best_value[i]
        best[name] = None if np.isnan(values).any() else {
            "package": package(zopa.best[i]), "value": {other: float(v) for other, v in zip(veto, values, strict=True)},
        }  # fmt: skip
    worst = {}
    if zopa.exists:
        for i, name in enumerate(veto):
            others = [zopa.best_value[j, i] for j in range(len(veto)) if j != i and not np.isnan(zopa.best_value[j, i])]
            worst[name] = float(min(others)) if others else None
    record = {
        "exists": zopa.exists,
        "depth": _number(zopa.depth),
        "range": {
            issue: ([float(zopa.low[k]), float(zopa.high[k])] if zopa.exists else None)
            for k, issue in enumerate(issues)
        },
        "best": best,
        "worst_value": worst,
        "shaped_by": [list(label) for label in zopa.shaped_by],
        "clash": [{"issue": issues[k], "parties": [veto[i] for i in parties]} for k, parties in zopa.clash],
        "short": None if zopa.short is None else {name: _number(v) for name, v in zip(veto, zopa.short, strict=True)},
    }
    references = {name: package(values) for name, values in analysis.references.items()}
    return {"zopa": record, "references": references, "reference_parties": dict(REFERENCE_PARTIES)}
