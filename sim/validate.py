"""Turn a plain scenario mapping (from Hydra or YAML) into a checked ScenarioSpec."""

from __future__ import annotations

import contextvars
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from negsim.sim.errors import ConfigError, got, unknown_key
from negsim.sim.evidence import JUDGMENT, SUPPORT, check_evidence, flat_evidence, locate_source, read_source
from negsim.sim.frontier import MAX_VETO
from negsim.sim.judgments import with_ranges
from negsim.sim.limits import check_frontier_work
from negsim.sim.spec import (
    ActorSpec,
    EdgeSpec,
    EscalationSpec,
    IssueSpec,
    LinkageSpec,
    NoiseSpec,
    ScenarioSpec,
)
from negsim.sim.styles import STYLES, Style, TimeDependent, style_names
from negsim.sim.uncertainty import parse_distribution

__all__ = ["JUDGMENT", "build_scenario", "locate_source", "read_source"]  # evidence names re-exported

_ACTOR_KEYS = {
    "label", "veto", "ideal", "salience", "capability", "red_lines", "concession",
    "stubbornness", "discount", "reservation", "evidence",
}  # fmt: skip
#: Most linkages among the veto parties (each one doubles the boxes the frontier is built from).
MAX_LINKAGES = 6
#: Most rounds a scenario may have (at 1,000 replications and influence only, about 35 s).
MAX_DEADLINE = 100_000
#: Largest end of an issue's scale, either way; and the narrowest scale, relative to its size.
MAX_SCALE, MIN_SPAN = 1e12, 1e-9


def _span(low: float, high: float) -> str:
    """Which numbers lie in ``[low, high]``, in words."""
    if math.isinf(low):
        return "a finite number" + ("" if math.isinf(high) else f" <= {high:g}")
    return f"a finite number >= {low:g}" if math.isinf(high) else f"a number in [{low:g}, {high:g}]"


def _mapping(value: Any, key: str) -> Mapping:
    if not isinstance(value, Mapping):
        got = "missing" if value is None else f"got a {type(value).__name__}"
        raise ConfigError(key, f"{got}; allowed: a mapping of names to values")
    return value


def _named(value: Any, key: str) -> Mapping:
    """A mapping of names (issues, actors, linkages): every name text, never a value YAML read it as."""
    value = _mapping(value, key)
    for name in value:
        if not isinstance(name, str):
            raise ConfigError(
                f"{key}.{name}",
                f"the name {name!r} is a {type(name).__name__}, not text (YAML reads yes, no, on, off, true, false "
                "and numbers as values); allowed: a name in quotes, such as 'no'",
            )
    return value


#: The distributions written in the scenario being checked, by key (set by :func:`build_scenario`).
_RANGES: contextvars.ContextVar[dict | None] = contextvars.ContextVar("negsim_ranges", default=None)


def _extent(key: str, nominal: float) -> tuple[float, float]:
    """The lowest and highest value ``key`` can take: its distribution's range, or its one value."""
    ranges = _RANGES.get() or {}
    return (ranges[key].low, ranges[key].high) if key in ranges else (nominal, nominal)


def _number(value: Any, key: str, low: float = -math.inf, high: float = math.inf, *, ranged: bool = True) -> float:
    if ranged and isinstance(value, Mapping) and _RANGES.get() is not None:
        distribution = parse_distribution(value, key, low, high, _span(low, high))
        _RANGES.get()[key] = distribution
        return distribution.centre
    if isinstance(value, bool) or not isinstance(value, int | float):
        problem = "missing" if value is None else f"not a number: {value!r}"
        if ranged and isinstance(value, Mapping):
            problem = f"got a mapping {dict(value)!r}"
        raise ConfigError(key, f"{problem}; allowed: {_span(low, high)}")
    if not (math.isfinite(value) and low <= value <= high):
        raise ConfigError(key, f"{value!r} is out of range; allowed: {_span(low, high)}")
    return float(value)


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        quote = " (YAML reads yes, no, on, off, true, false and numbers as values: put text in quotes)"
        raise ConfigError(key, f"{got(value)}; allowed: a non-empty string{quote if value is not None else ''}")
    return value


def _known(value: Any, key: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        problem = "missing" if value is None else f"unknown {what} {value!r}"
        raise ConfigError(key, f"{problem}; allowed: {', '.join(allowed)}")
    return value


def _keys(mapping: Mapping, key: str, allowed: set[str]) -> None:
    for name in mapping:
        if name not in allowed:
            raise unknown_key(f"{key}.{name}", name, sorted(allowed))


def _issue(name: str, raw: Any) -> IssueSpec:
    key = f"scenario.issues.{name}"
    raw = _mapping(raw, key)
    _keys(raw, key, {"label", "low_label", "high_label", "low", "high"})
    low = _number(raw.get("low", 0.0), f"{key}.low", -MAX_SCALE, MAX_SCALE, ranged=False)
    high = _number(raw.get("high", 1.0), f"{key}.high", -MAX_SCALE, MAX_SCALE, ranged=False)
    if high <= low:
        raise ConfigError(f"{key}.high", f"{high:g} is not above low ({low:g}); allowed: a number > {low:g}")
    narrowest = MIN_SPAN * max(1.0, abs(low), abs(high))
    if high - low < narrowest:
        raise ConfigError(f"{key}.high", f"the scale from {low:g} to {high:g} is too narrow to compute on; "
                          f"allowed: high - low >= {narrowest:g}")  # fmt: skip
    return IssueSpec(
        name=name, label=_text(raw.get("label", name), f"{key}.label"),
        low_label=_text(raw.get("low_label"), f"{key}.low_label"),
        high_label=_text(raw.get("high_label"), f"{key}.high_label"), low=low, high=high,
    )  # fmt: skip


def _per_issue(raw: Any, key: str, issues: tuple[IssueSpec, ...], bounded: bool) -> tuple[float, ...]:
    raw = _mapping(raw, key)
    names = tuple(issue.name for issue in issues)
    for name in raw:
        _known(name, f"{key}.{name}", names, "issue")
    values = []
    for issue in issues:
        if issue.name not in raw:
            raise ConfigError(f"{key}.{issue.name}", f"missing; allowed: a value for every issue ({', '.join(names)})")
        low, high = (issue.low, issue.high) if bounded else (0.0, 1.0)
        values.append(_number(raw[issue.name], f"{key}.{issue.name}", low, high))
    return tuple(values)


def _concession(raw: Any, key: str) -> Style:
    if isinstance(raw, str) and raw in STYLES:
        return STYLES[raw]()
    if isinstance(raw, Mapping) and _RANGES.get() is not None:
        return TimeDependent(_number(raw, key, 1e-3, 1000.0))
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not (math.isfinite(raw) and 0 < raw <= 1000):
        problem = f"unknown style {raw!r}" if isinstance(raw, str) else got(raw)
        raise ConfigError(key, f"{problem}; allowed: {style_names()}")
    return TimeDependent(float(raw))


def _red_lines(raw: Any, key: str, issues: tuple[IssueSpec, ...], ideal: tuple[float, ...]):
    raw = _mapping(raw or {}, key)
    names = tuple(issue.name for issue in issues)
    low, high = [i.low for i in issues], [i.high for i in issues]
    for name, bound in raw.items():
        k = names.index(_known(name, f"{key}.{name}", names, "issue"))
        bound = _mapping(bound, f"{key}.{name}")
        _keys(bound, f"{key}.{name}", {"min", "max"})
        if not bound:
            raise ConfigError(f"{key}.{name}", "empty; allowed: min, max or both")
        low[k] = _number(bound.get("min", issues[k].low), f"{key}.{name}.min", issues[k].low, issues[k].high)
        floor = _extent(f"{key}.{name}.min", low[k])[1]
        high[k] = _number(bound.get("max", issues[k].high), f"{key}.{name}.max", floor, issues[k].high)
        ceiling = _extent(f"{key}.{name}.max", high[k])[0]
        lowest, highest = _extent(f"{key.rsplit('.', 1)[0]}.ideal.{name}", ideal[k])
        if not floor <= lowest <= highest <= ceiling:
            raise ConfigError(
                f"{key}.{name}",
                f"the actor's own ideal {ideal[k]:g} breaks its red line [{low[k]:g}, {high[k]:g}] (in some draw, "
                f"if they are ranges); allowed: bounds with min <= {ideal[k]:g} <= max for every value drawn",
            )
    return tuple(low), tuple(high), tuple(raw)


def _actor(name: str, raw: Any, issues: tuple[IssueSpec, ...], source: str | None) -> ActorSpec:
    key = f"scenario.actors.{name}"
    raw = _mapping(raw, key)
    _keys(raw, key, _ACTOR_KEYS)
    ideal = _per_issue(raw.get("ideal"), f"{key}.ideal", issues, bounded=True)
    salience = _per_issue(raw.get("salience"), f"{key}.salience", issues, bounded=False)
    if abs(sum(salience) - 1.0) > 1e-6:
        ranged = any(f"{key}.salience.{issue.name}" in (_RANGES.get() or {}) for issue in issues)
        centres = " (the centres of its ranges)" if ranged else ""
        raise ConfigError(f"{key}.salience", f"sums to {sum(salience):g}{centres}; allowed: values >= 0 that sum to 1 "
                          "(a drawn salience is divided by its actor's total, so each draw sums to 1)")  # fmt: skip
    if sum(_extent(f"{key}.salience.{issue.name}", v)[0] for issue, v in zip(issues, salience, strict=True)) <= 0:
        raise ConfigError(f"{key}.salience", "the lows of its ranges sum to 0, so a draw could leave it caring about "
                          "nothing; allowed: ranges whose lows sum to more than 0")  # fmt: skip
    red_low, red_high, red_issues = _red_lines(raw.get("red_lines"), f"{key}.red_lines", issues, ideal)
    evidence = flat_evidence(raw.get("evidence"), f"{key}.evidence")
    needed = [f"ideal.{i.name}" for i in issues] + [f"red_lines.{i}" for i in red_issues] + ["profile"]
    _keys(evidence, f"{key}.evidence", set(needed))
    for item in needed:
        if item not in evidence:
            raise ConfigError(f"{key}.evidence.{item}", f"missing; allowed: {SUPPORT}")
    veto = raw.get("veto", True)
    if not isinstance(veto, bool):
        raise ConfigError(f"{key}.veto", f"got {veto!r}; allowed: true or false")
    if not veto and "concession" in raw:
        raise ConfigError(
            f"{key}.concession",
            f"{name} has no veto (veto: false), so it tables and blocks no offer "
            "and a concession style would change nothing; allowed: no concession key, or veto: true",
        )
    return ActorSpec(
        name=name, label=_text(raw.get("label", name), f"{key}.label"), ideal=ideal, salience=salience,
        capability=_number(raw.get("capability"), f"{key}.capability", 0.0, 1.0),
        red_low=red_low, red_high=red_high,
        concession=_concession(raw.get("concession", "linear"), f"{key}.concession"),
        stubbornness=_number(raw.get("stubbornness", 0.5), f"{key}.stubbornness", 0.0, 1.0),
        discount=_number(raw.get("discount", 1.0), f"{key}.discount", 1e-9, 1.0),
        reservation=_number(raw.get("reservation", 0.0), f"{key}.reservation", 0.0, 1.0), veto=veto,
        evidence=tuple((item, check_evidence(evidence[item], f"{key}.evidence.{item}", source)) for item in needed),
    )  # fmt: skip


def _edges(raw: Any, actors: tuple[str, ...], source: str | None) -> tuple[EdgeSpec, ...]:
    raw = _named(raw or {}, "scenario.influence")
    edges = []
    for src, targets in raw.items():
        _known(src, f"scenario.influence.{src}", actors, "actor")
        for dst, edge in _named(targets, f"scenario.influence.{src}").items():
            key = f"scenario.influence.{src}.{dst}"
            _known(dst, key, actors, "target actor")
            if dst == src:
                others = ", ".join(a for a in actors if a != src)
                raise ConfigError(key, f"an actor cannot influence itself (its self-weight is what is left); "
                                  f"allowed: {others}")  # fmt: skip
            edge = _mapping(edge, key)
            _keys(edge, key, {"weight", "evidence"})
            edges.append(EdgeSpec(
                source=src, target=dst, weight=_number(edge.get("weight"), f"{key}.weight", 0.0, 1.0),
                evidence=check_evidence(edge.get("evidence"), f"{key}.evidence", source),
            ))  # fmt: skip
    for target in actors:
        total = sum(_extent(f"scenario.influence.{e.source}.{e.target}.weight", e.weight)[1] for e in edges
                    if e.target == target)  # fmt: skip
        if total > 1.0 + 1e-9:
            raise ConfigError(f"scenario.influence.*.{target}", f"incoming weights sum to {total:g}; allowed: <= 1")
    return tuple(edges)


def _linkage(name: str, raw: Any, issues: tuple[IssueSpec, ...], actors, source, vetoes) -> LinkageSpec:
    key = f"scenario.linkages.{name}"
    raw = _mapping(raw, key)
    _keys(raw, key, {"actor", "issue", "min", "max", "when", "evidence"})
    names = tuple(i.name for i in issues)
    issue = issues[names.index(_known(raw.get("issue"), f"{key}.issue", names, "issue"))]
    when = _mapping(raw.get("when"), f"{key}.when")
    _keys(when, f"{key}.when", {"issue", "min", "max"})
    other = issues[names.index(_known(when.get("issue"), f"{key}.when.issue", names, "issue"))]
    if other is issue:
        raise ConfigError(f"{key}.when.issue", f"same as the linked issue {issue.name!r}; allowed: another issue")
    low = _number(raw.get("min", issue.low), f"{key}.min", issue.low, issue.high)
    when_low = _number(when.get("min", other.low), f"{key}.when.min", other.low, other.high)
    floor, when_floor = _extent(f"{key}.min", low)[1], _extent(f"{key}.when.min", when_low)[1]
    actor = _known(raw.get("actor"), f"{key}.actor", actors, "actor")
    if actor not in vetoes:
        raise ConfigError(
            f"{key}.actor",
            f"{actor} has no veto, so its linkage could never block a package; "
            f"allowed: a party with a veto ({', '.join(vetoes)})",
        )
    return LinkageSpec(
        name=name, actor=actor, issue=issue.name,
        low=low, high=_number(raw.get("max", issue.high), f"{key}.max", floor, issue.high),
        when_issue=other.name, when_low=when_low,
        when_high=_number(when.get("max", other.high), f"{key}.when.max", when_floor, other.high),
        evidence=check_evidence(raw.get("evidence"), f"{key}.evidence", source),
    )  # fmt: skip


def _escalation(raw: Any, issues: tuple[IssueSpec, ...], actors, source) -> EscalationSpec | None:
    key = "scenario.escalation"
    raw = _mapping(raw or {"enabled": False}, key)
    _keys(raw, key, {"enabled", "actor", "issue", "value", "p_per_round", "after_round", "evidence"})
    if not isinstance(raw.get("enabled", False), bool):
        raise ConfigError(f"{key}.enabled", f"got {raw.get('enabled')!r}; allowed: true or false")
    if set(raw) <= {"enabled"}:
        return None  # nothing to check: escalation is off and not described
    names = tuple(i.name for i in issues)
    issue = issues[names.index(_known(raw.get("issue"), f"{key}.issue", names, "issue"))]
    after = raw.get("after_round", 0)
    if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after <= MAX_DEADLINE:
        raise ConfigError(f"{key}.after_round", f"got {after!r}; allowed: a whole number from 0 to {MAX_DEADLINE}")
    spec = EscalationSpec(
        actor=_known(raw.get("actor"), f"{key}.actor", actors, "actor"), issue=issue.name,
        value=_number(raw.get("value"), f"{key}.value", issue.low, issue.high),
        p_per_round=_number(raw.get("p_per_round"), f"{key}.p_per_round", 0.0, 1.0), after_round=after,
        evidence=check_evidence(raw.get("evidence"), f"{key}.evidence", source),
    )  # fmt: skip
    return spec if raw.get("enabled", False) else None  # a described but disabled move is still checked


def _noise(raw: Any) -> NoiseSpec:
    raw = _mapping(raw or {}, "scenario.noise")
    _keys(raw, "scenario.noise", {"perception", "p_shock", "shock_size"})
    return NoiseSpec(
        perception=_number(raw.get("perception", 0.0), "scenario.noise.perception", 0.0, 1.0),
        p_shock=_number(raw.get("p_shock", 0.0), "scenario.noise.p_shock", 0.0, 1.0),
        shock_size=_number(raw.get("shock_size", 0.0), "scenario.noise.shock_size", 0.0, 1.0),
    )


def build_scenario(raw: Any, source_folders: tuple[Path, ...] = ()) -> ScenarioSpec:
    """Check a scenario mapping and freeze it into a :class:`ScenarioSpec`.

    A value written as a distribution (:mod:`negsim.sim.uncertainty`) is checked over its whole range;
    the spec holds its centre and lists it in ``uncertain``.

    Raises:
        ConfigError: naming the first bad key and what it allows.
    """
    ranges: dict = {}
    token = _RANGES.set(ranges)
    try:
        return _build_scenario(raw, source_folders, ranges)
    finally:
        _RANGES.reset(token)


def _build_scenario(raw: Any, source_folders: tuple[Path, ...], ranges: dict) -> ScenarioSpec:
    raw = _mapping(raw, "scenario")
    _keys(raw, "scenario", {
        "name", "title", "source", "deadline", "issues", "actors", "influence", "linkages",
        "escalation", "noise", "question", "round",
    })  # fmt: skip
    source_name = raw.get("source")
    source = None
    if source_name is not None:
        try:
            source = read_source(_text(source_name, "scenario.source"), source_folders)
        except FileNotFoundError:
            problem = f"no such document {source_name!r}; allowed: a file path or a file in seeds/"
            raise ConfigError("scenario.source", problem) from None
    issues = tuple(_issue(n, v) for n, v in _named(raw.get("issues"), "scenario.issues").items())
    if not issues:
        raise ConfigError("scenario.issues", "empty; allowed: one or more issues")
    raw_actors = _named(raw.get("actors"), "scenario.actors")
    actors = tuple(_actor(n, v, issues, source) for n, v in raw_actors.items())
    vetoes = tuple(a.name for a in actors if a.veto)
    if not vetoes or len(actors) < 2:
        problem = f"{len(actors)} actor(s), {len(vetoes)} with veto"
        raise ConfigError("scenario.actors", f"{problem}; allowed: two or more actors, one or more with veto: true")
    if len(vetoes) > MAX_VETO:
        raise ConfigError(
            "scenario.actors",
            f"{len(vetoes)} parties with a veto; allowed: at most {MAX_VETO} (the set "
            "of possible deals is computed exactly, and grows too fast beyond that)",
        )
    names = tuple(a.name for a in actors)
    deadline = raw.get("deadline", 24)
    if isinstance(deadline, bool) or not isinstance(deadline, int) or not 1 <= deadline <= MAX_DEADLINE:
        raise ConfigError(
            "scenario.deadline", f"got {deadline!r}; allowed: a whole number of rounds from 1 to {MAX_DEADLINE}"
        )
    edges = _edges(raw.get("influence"), names, source)
    _stubbornness_matters(raw_actors, edges)
    linkages = _named(raw.get("linkages") or {}, "scenario.linkages")
    if len(linkages) > MAX_LINKAGES:
        raise ConfigError("scenario.linkages", f"{len(linkages)} linkages; allowed: at most {MAX_LINKAGES}")
    scenario = ScenarioSpec(
        name=_text(raw.get("name", "scenario"), "scenario.name"),
        title=_text(raw.get("title", raw.get("name", "scenario")), "scenario.title"),
        source=source_name or "", issues=issues, actors=actors, edges=edges,
        linkages=tuple(_linkage(n, v, issues, names, source, vetoes) for n, v in linkages.items()),
        escalation=_escalation(raw.get("escalation"), issues, names, source),
        noise=_noise(raw.get("noise")), deadline=deadline,
        round=_text(raw.get("round", "one round of talks"), "scenario.round"),
    )  # fmt: skip
    check_frontier_work(scenario)
    return with_ranges(scenario, {key.removeprefix("scenario."): value for key, value in ranges.items()})


def _stubbornness_matters(raw_actors: Mapping, edges: tuple[EdgeSpec, ...]) -> None:
    """Refuse a stubbornness for an actor that nobody influences: it could change nothing."""
    targets = {edge.target for edge in edges}
    for name, raw in raw_actors.items():
        if "stubbornness" in raw and name not in targets:
            raise ConfigError(
                f"scenario.actors.{name}.stubbornness",
                f"no one influences {name} (no "
                f"scenario.influence.*.{name} edge), so how firmly it holds its stated position "
                "changes nothing; allowed: no stubbornness key, or an influence edge into it",
            )
