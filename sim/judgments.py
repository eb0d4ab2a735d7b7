"""Which scenario values are uncertain, what backs them, and the switch that widens every judgment.

A value's key is its path inside the scenario, as in config overrides without the ``scenario.``
prefix: ``actors.russia.reservation``, ``actors.ukraine.ideal.peacekeepers``,
``influence.us.ukraine.weight``, ``linkages.NAME.when.max``, ``escalation.value``, ``noise.perception``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping

from negsim.sim.evidence import JUDGMENT
from negsim.sim.spec import ScenarioSpec
from negsim.sim.styles import TimeDependent
from negsim.sim.uncertainty import Distribution, Uncertain

__all__ = ["describe", "evidence_kind", "judged_values", "widen", "with_ranges"]

_PROFILE = {"capability", "stubbornness", "discount", "reservation", "concession", "salience"}
_WORDS = {
    "capability": "capability", "stubbornness": "stubbornness", "discount": "discount per round",
    "reservation": "value of no deal", "concession": "concession exponent",
}  # fmt: skip
_NOISE = {"perception": "Perception noise", "p_shock": "Shock chance per round", "shock_size": "Shock size"}


def _kind(text: str) -> str:
    return "judgment" if text.lower().startswith(JUDGMENT) else "quote"


def evidence_kind(scenario: ScenarioSpec, key: str) -> str:
    """``judgment`` or ``quote``: what backs the value at ``key`` (noise is always a judgment).

    >>> from negsim.sim.scenarios import toy_scenario
    >>> evidence_kind(toy_scenario(), "actors.a.reservation")
    'judgment'
    """
    part = key.split(".")
    if part[0] == "actors":
        evidence = dict(scenario.actors[scenario.actor_index(part[1])].evidence)
        field = part[2]
        item = "profile" if field in _PROFILE else f"{field}.{part[3]}"
        return _kind(evidence.get(item, JUDGMENT))
    if part[0] == "influence":
        return _kind(next(e.evidence for e in scenario.edges if (e.source, e.target) == (part[1], part[2])))
    if part[0] == "linkages":
        return _kind(next(link.evidence for link in scenario.linkages if link.name == part[1]))
    if part[0] == "escalation" and scenario.escalation is not None:
        return _kind(scenario.escalation.evidence)
    return "judgment"


def describe(scenario: ScenarioSpec, key: str) -> tuple[str, str | None]:
    """The value at ``key`` in words, and the actor it belongs to (``None`` for noise)."""
    part = key.split(".")
    label = {a.name: a.label for a in scenario.actors}
    issue = {i.name: i.label for i in scenario.issues}
    if part[0] == "actors":
        who, field = label[part[1]], part[2]
        if field in ("ideal", "salience"):
            return f"{who} · {field} ({issue[part[3]]})", part[1]
        if field == "red_lines":
            return f"{who} · red line {part[4]} ({issue[part[3]]})", part[1]
        return f"{who} · {_WORDS[field]}", part[1]
    if part[0] == "influence":
        return f"{label[part[1]]} → {label[part[2]]} · influence", part[1]
    if part[0] == "linkages":
        link = next(link for link in scenario.linkages if link.name == part[1])
        side = ".".join(part[2:])
        return f"{label[link.actor]} · linkage {link.name} ({side})", link.actor
    if part[0] == "escalation":
        move = scenario.escalation
        what = "escalation value" if part[1] == "value" else "escalation chance per round"
        return (f"{label[move.actor]} · {what}", move.actor) if move is not None else (what, None)
    return _NOISE[part[1]], None


def with_ranges(scenario: ScenarioSpec, ranges: Mapping[str, Distribution]) -> ScenarioSpec:
    """The scenario with ``ranges`` (key -> distribution, as validation found them) listed as uncertain.

    Ranges written for a disabled escalation are dropped: the move is never drawn.
    """
    uncertain = []
    for key, distribution in ranges.items():
        if key.startswith("escalation.") and scenario.escalation is None:
            continue
        label, actor = describe(scenario, key)
        uncertain.append(Uncertain(key, label, distribution, evidence_kind(scenario, key), actor))
    return dataclasses.replace(scenario, uncertain=tuple(uncertain))


def judged_values(scenario: ScenarioSpec) -> Iterator[tuple[str, float, float, float]]:
    """Every value the scenario backs by a judgment that could change the run: ``(key, value, low, high)``.

    ``low``/``high`` are the legal bounds a widened range is clipped to: an issue's scale, an actor's own
    red lines for its ideal, its ideal for its red lines, ``[0, 1]`` for shares and probabilities. Ends
    of an issue's scale that stand for "no red line" are skipped, and so are values that cannot matter:
    stubbornness with nobody pulling, shocks that never happen, a disabled escalation.
    """
    targets = {edge.target for edge in scenario.edges}
    for actor in scenario.actors:
        base = f"actors.{actor.name}"
        judged = {item for item, text in actor.evidence if _kind(text) == "judgment"}
        for k, issue in enumerate(scenario.issues):
            if f"ideal.{issue.name}" in judged:
                yield f"{base}.ideal.{issue.name}", actor.ideal[k], actor.red_low[k], actor.red_high[k]
            if f"red_lines.{issue.name}" in judged:
                if actor.red_low[k] > issue.low:
                    yield f"{base}.red_lines.{issue.name}.min", actor.red_low[k], issue.low, actor.ideal[k]
                if actor.red_high[k] < issue.high:
                    yield f"{base}.red_lines.{issue.name}.max", actor.red_high[k], actor.ideal[k], issue.high
        if "profile" not in judged:
            continue
        yield f"{base}.capability", actor.capability, 0.0, 1.0
        for issue, value in zip(scenario.issues, actor.salience, strict=True):
            yield f"{base}.salience.{issue.name}", value, 0.0, 1.0
        if actor.name in targets:
            yield f"{base}.stubbornness", actor.stubbornness, 0.0, 1.0
        yield f"{base}.discount", actor.discount, 1e-9, 1.0
        yield f"{base}.reservation", actor.reservation, 0.0, 1.0
        if actor.veto and isinstance(actor.concession, TimeDependent):
            yield f"{base}.concession", actor.concession.exponent, 1e-3, 1000.0
    for edge in scenario.edges:
        if _kind(edge.evidence) == "judgment":
            yield f"influence.{edge.source}.{edge.target}.weight", edge.weight, 0.0, 1.0
    for link in scenario.linkages:
        if _kind(link.evidence) == "judgment":
            span = {i.name: (i.low, i.high) for i in scenario.issues}
            low, high = span[link.issue]
            when_low, when_high = span[link.when_issue]
            if link.low > low:
                yield f"linkages.{link.name}.min", link.low, low, link.high
            if link.high < high:
                yield f"linkages.{link.name}.max", link.high, link.low, high
            if link.when_low > when_low:
                yield f"linkages.{link.name}.when.min", link.when_low, when_low, link.when_high
            if link.when_high < when_high:
                yield f"linkages.{link.name}.when.max", link.when_high, link.when_low, when_high
    move = scenario.escalation
    if move is not None and _kind(move.evidence) == "judgment":
        issue = scenario.issues[scenario.issue_index(move.issue)]
        yield "escalation.value", move.value, issue.low, issue.high
        yield "escalation.p_per_round", move.p_per_round, 0.0, 1.0
    noise = scenario.noise
    if noise.perception > 0:
        yield "noise.perception", noise.perception, 0.0, 1.0
    if noise.p_shock > 0 and noise.shock_size > 0:
        yield "noise.p_shock", noise.p_shock, 0.0, 1.0
        yield "noise.shock_size", noise.shock_size, 0.0, 1.0


def _scale(scenario: ScenarioSpec, key: str) -> float:
    """What ``± amount`` is a share of: an issue's span for issue values, 1 for shares and probabilities."""
    part = key.split(".")
    names = {i.name: i.span for i in scenario.issues}
    if part[0] == "actors" and part[2] in ("ideal", "red_lines"):
        return names[part[3]]
    if part[0] == "linkages":
        link = next(link for link in scenario.linkages if link.name == part[1])
        return names[link.when_issue if part[2] == "when" else link.issue]
    if key == "escalation.value":
        return names[scenario.escalation.issue]
    return 1.0


def widen(scenario: ScenarioSpec, amount: float) -> ScenarioSpec:
    """Give every judgment-backed value without a range the range ``value ± amount``, clipped to its legal bounds.

    ``amount`` is a share of the issue's scale for positions, red lines and linkage bounds, an absolute
    amount for shares and probabilities (capability, salience, stubbornness, discount, value of no deal,
    influence weights, noise), and a share of the value for a concession exponent, which has no fixed
    scale. Influence weights into one actor are widened so that their sum stays at most 1 in every draw.
    Values given a range in the scenario keep it; quoted values stay fixed.
    """
    if amount <= 0:
        return scenario
    extent = {u.key: (u.distribution.low, u.distribution.high) for u in scenario.uncertain}
    added = {}
    widened = [(k, v, lo, hi) for k, v, lo, hi in judged_values(scenario) if k not in extent]
    room = _weight_room(scenario, [k for k, *_ in widened])
    # In order (an ideal before its red lines, a linkage's min before its max), each range is kept clear of
    # the ranges already set, the file's and those added here, so every pair stays ordered in every draw.
    for key, value, low, high in widened:
        low, high = _inside_ranges(extent, key, low, high)
        step = amount * (value if key.endswith(".concession") else _scale(scenario, key))
        top = min(high, value + step, value + room.get(key, math.inf))
        added[key] = Distribution("uniform", max(low, value - step), max(top, value))
        extent[key] = (added[key].low, added[key].high)
    return with_ranges(scenario, {u.key: u.distribution for u in scenario.uncertain} | added)


def _weight_room(scenario: ScenarioSpec, keys: list[str]) -> dict[str, float]:
    """How far each widened influence weight may rise: an equal part of what its target's incoming weights leave."""
    highs = {u.key: u.distribution.high for u in scenario.uncertain}
    room = {}
    for target in {e.target for e in scenario.edges}:
        into = [f"influence.{e.source}.{e.target}.weight" for e in scenario.edges if e.target == target]
        total = sum(highs.get(k, e.weight) for k, e in zip(into, (e for e in scenario.edges if e.target == target),
                                                             strict=True))  # fmt: skip
        widened = [k for k in into if k in keys]
        for k in widened:
            room[k] = max(0.0, 1.0 - total) / len(widened)
    return room


def _inside_ranges(extent: dict[str, tuple[float, float]], key: str, low: float,
                   high: float) -> tuple[float, float]:  # fmt: skip
    """Tighten legal bounds that depend on another value which already has a range in ``extent`` (an ideal
    inside its red lines, a red line beyond its ideal, a linkage's min below its max), so every pair stays
    ordered in every draw."""
    part = key.split(".")
    if part[0] == "actors" and part[2] == "ideal":
        base = f"actors.{part[1]}.red_lines.{part[3]}"
        low = max(low, extent.get(f"{base}.min", (low, low))[1])
        high = min(high, extent.get(f"{base}.max", (high, high))[0])
    elif part[0] == "actors" and part[2] == "red_lines":
        lowest, highest = extent.get(f"actors.{part[1]}.ideal.{part[3]}", (high, low))
        low, high = (low, min(high, lowest)) if part[4] == "min" else (max(low, highest), high)
    elif part[0] == "linkages":
        side, other = part[-1], "max" if part[-1] == "min" else "min"
        pair = extent.get(".".join([*part[:-1], other]))
        if pair is not None:
            low, high = (low, min(high, pair[0])) if side == "min" else (max(low, pair[1]), high)
    return low, high
