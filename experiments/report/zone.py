"""The zone of possible agreement in plain words: whether a deal is possible, what shapes it, who walks away.

Every number comes from ``summary.json`` (its ``zopa`` block, computed exactly from the scenario) and the
run's specs; the words name parties and issues by their labels.
"""

from __future__ import annotations

from negsim.experiments.report.actors import value_words
from negsim.experiments.report.common import ReportData
from negsim.sim.spec import ScenarioSpec

__all__ = ["breakdown_words", "constraint_words", "escalation_words", "holdout_words", "zone_paragraphs"]


def _actor(scenario: ScenarioSpec, name: str):
    return scenario.actors[scenario.actor_index(name)]


def constraint_words(scenario: ScenarioSpec, label: list) -> str:
    """``["russia", "red_line", "peacekeepers", "max"]`` in words: Russia's red line on “Foreign peacekeepers...”."""
    who = _actor(scenario, label[0]).label
    if label[1] == "linkage":
        link = next(l for l in scenario.linkages if l.name == label[2])
        issue = scenario.issues[scenario.issue_index(link.issue)]
        when = scenario.issues[scenario.issue_index(link.when_issue)]
        return f"{who}'s linkage of “{issue.label}” to “{when.label}”"
    k = scenario.issue_index(label[2])
    actor, issue = _actor(scenario, label[0]), scenario.issues[k]
    bound = actor.red_high[k] if label[3] == "max" else actor.red_low[k]
    side = "at most" if label[3] == "max" else "at least"
    return f"{who}'s red line on “{issue.label}” ({side} {value_words(bound, issue)})"


def _ranges(scenario: ScenarioSpec, zone: dict) -> str:
    parts = []
    for issue in scenario.issues:
        low, high = zone["range"][issue.name]
        if high - low <= 1e-9 * issue.span:
            parts.append(f"“{issue.label}” only at {value_words(low, issue)}")
        elif low > issue.low + 1e-9 * issue.span or high < issue.high - 1e-9 * issue.span:
            parts.append(f"“{issue.label}” from {low:.2f} to {high:.2f}")
    return "; ".join(parts)


def zone_paragraphs(data: ReportData) -> list[str]:
    """Whether a deal is possible, and why (or why not), before any bargaining."""
    scenario, summary = data.scenario, data.summary
    zone = summary["zopa"]
    reservation = summary["reservation"]
    veto = [a for a in scenario.actors if a.veto]
    names = ", ".join(a.label for a in veto)
    if zone["exists"]:
        ranges = _ranges(scenario, zone)
        lines = [
            f"A deal is possible. Some packages keep every red line and linkage of the parties with a veto ({names}) "
            f"and are worth at least what no deal is worth to each of them: this is the zone of possible agreement. "
            f"Every veto party could have up to {zone['depth']:.2f} more than its no-deal value at once."
            + (f" Inside the zone: {ranges}." if ranges else "")
        ]
        best = [f"{_actor(scenario, name).label} {entry['value'][name]:.2f} (no deal {reservation[name]:.2f})"
                for name, entry in zone["best"].items() if entry]  # fmt: skip
        if best:
            lines.append(f"The best each veto party could hope for inside the zone, in utility: {'; '.join(best)}.")
    elif zone["clash"]:
        parts = [f"on “{issue}”, {who}'s red lines leave no value in common" for issue, who in _clashes(scenario, zone)]
        lines = ["No deal is possible: " + "; ".join(parts) + ". The talks break down before the first round."]
    else:
        short = [
            f"{_actor(scenario, name).label} (its best package, with the others given what no deal is worth to them, "
            f"is worth {value:.2f} to it; no deal is worth {reservation[name]:.2f})"
            for name, value in (zone["short"] or {}).items() if value is not None and value < reservation[name]
        ]  # fmt: skip
        who = "; ".join(short) or "no single party, but all of them together"
        lines = [
            "No deal is possible: no package inside the veto parties' red lines and linkages is worth what no deal "
            f"is worth to every one of them. Who would walk away: {who}. The talks break down before the first round."
        ]
    if zone["shaped_by"]:
        shaped = "; ".join(constraint_words(scenario, label) for label in zone["shaped_by"])
        verb = "shape the zone: without any one of them it would be larger" if zone["exists"] else (
            "stand in the way: without any one of them a deal would become possible")  # fmt: skip
        lines.append(f"These constraints {verb}: {shaped}.")
    return lines


def holdout_words(data: ReportData) -> str:
    """Who held out in the runs that stalled at the deadline (``""`` when none did)."""
    stalled = data.results[data.results["outcome"].astype(str) == "stalemate"]
    if stalled.empty:
        return ""
    counts = {}
    for names in stalled["holdouts"]:
        for name in str(names).split():
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return ""
    parts = [f"{_actor(data.scenario, name).label} in {count:,} of them" for name, count in
             sorted(counts.items(), key=lambda item: -item[1])]  # fmt: skip
    return (
        f"In the {len(stalled):,} runs that stalled, a veto party overrated what no deal is worth to it, so that no "
        f"package could meet its demand and everyone else's at the deadline: {'; '.join(parts)}."
    )


def _clashes(scenario, zone: dict) -> list[tuple[str, str]]:
    """Each clash of red lines in the zone record: the issue's label and the parties named together."""
    return [(scenario.issues[scenario.issue_index(clash["issue"])].label,
             " and ".join(_actor(scenario, name).label for name in clash["parties"]))
            for clash in zone["clash"]]  # fmt: skip


def breakdown_words(data: ReportData) -> str:
    """Who stops a deal before the first round, and why, in a clause (``""`` when a zone exists)."""
    scenario, zone = data.scenario, data.summary["zopa"]
    if zone["exists"]:
        return ""
    if zone["clash"]:
        clashes = _clashes(scenario, zone)
        return "; ".join(f"{who}'s red lines on “{issue}” leave no value in common" for issue, who in clashes)
    reservation = data.summary["reservation"]
    short = [
        f"{_actor(scenario, name).label} would walk away: the best package the others could accept is worth "
        f"{value:.2f} to it, less than the {reservation[name]:.2f} no deal is worth to it"
        for name, value in (zone["short"] or {}).items() if value is not None and value < reservation[name]
    ]  # fmt: skip
    return "; ".join(short) or "no package is worth what no deal is worth to every veto party at once"


def escalation_words(scenario: ScenarioSpec) -> str:
    """The unilateral move and whose red line it breaks, in a clause (``""`` without escalation)."""
    move = scenario.escalation
    if move is None:
        return ""
    k = scenario.issue_index(move.issue)
    issue = scenario.issues[k]
    broken = [
        f"{a.label}'s red line ({'at most' if move.value > a.red_high[k] else 'at least'} "
        f"{value_words(a.red_high[k] if move.value > a.red_high[k] else a.red_low[k], issue)})"
        for a in scenario.actors
        if a.veto and a.name != move.actor and not a.red_low[k] <= move.value <= a.red_high[k]
    ]
    over = f", over {' and '.join(broken)}" if broken else ""
    who = _actor(scenario, move.actor).label
    return f"{who} acted alone, setting “{issue.label}” to {value_words(move.value, issue)}{over}"
