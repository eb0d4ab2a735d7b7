"""Check the protocol and run settings and freeze a whole run."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from negsim.sim.errors import ConfigError, got
from negsim.sim.spec import CONCESSION_STYLES, ProtocolSpec, RunSpec, ScenarioSpec
from negsim.sim.validate import build_scenario

__all__ = ["PROTOCOLS", "build_protocol", "build_run"]

PROTOCOLS = ("alternating_offers", "mediated", "influence_only")
#: Most replications a run logs round by round (the log grows with replications x actors x issues x rounds).
MAX_RECORD = 1000
_PROPOSERS = ("rotation", "weighted")
_ANCHORS = ("mean", "median")
_STYLES = ", ".join(CONCESSION_STYLES) + " or a number > 0"


def _choice(raw: Mapping, key: str, allowed: tuple[str, ...], default: str | None) -> str:
    value = raw.get(key, default)
    if value not in allowed:
        problem = "missing" if value is None else f"unknown value {value!r}"
        raise ConfigError(f"protocol.{key}", f"{problem}; allowed: {', '.join(allowed)}")
    return value


def _whole(value: Any, key: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(key, f"{got(value)}; allowed: a whole number >= {low}")
    return value


#: The options each protocol takes; any other key is a mistake, not a no-op.
_OPTIONS = {"alternating_offers": {"proposer"}, "mediated": {"anchor", "amend_rate"}, "influence_only": set()}


def _switch(raw: Mapping, key: str) -> None:
    if key in raw and not isinstance(raw[key], bool):
        raise ConfigError(key, f"{got(raw[key])}; allowed: true or false")


def build_protocol(raw: Any) -> ProtocolSpec:
    """Check a protocol mapping (``configs/protocol/*.yaml``)."""
    if not isinstance(raw, Mapping):
        raise ConfigError("protocol", f"got a {type(raw).__name__}; allowed: a mapping (configs/protocol/*.yaml)")
    name = _choice(raw, "name", PROTOCOLS, None)
    allowed = {"name", "description"} | _OPTIONS[name]
    for key in raw:
        if key not in allowed:
            problem = f"unknown key {key!r} for protocol {name}"
            raise ConfigError(f"protocol.{key}", f"{problem}; allowed: {', '.join(sorted(allowed))}")
    amend = raw.get("amend_rate", 0.25)
    if isinstance(amend, bool) or not isinstance(amend, int | float) or math.isnan(amend) or not 0 <= amend <= 10:
        raise ConfigError("protocol.amend_rate", f"got {amend!r}; allowed: a number in [0, 10]")
    return ProtocolSpec(
        name=name, proposer=_choice(raw, "proposer", _PROPOSERS, "rotation"),
        anchor=_choice(raw, "anchor", _ANCHORS, "mean"), amend_rate=float(amend),
    )  # fmt: skip


def _check_equilibrium(scenario: ScenarioSpec, protocol: ProtocolSpec) -> None:
    for actor in scenario.actors:
        if actor.concession is not None:
            continue
        key = f"scenario.actors.{actor.name}.concession"
        vetoes = sum(a.veto for a in scenario.actors)
        if vetoes != 2:
            raise ConfigError(key, f"'equilibrium' needs exactly two veto parties, got {vetoes}; allowed: {_STYLES}")
        if protocol.name != "alternating_offers" or protocol.proposer != "rotation":
            problem = f"'equilibrium' is solved only for alternating offers in rotation, got {protocol.name}"
            allowed = "protocol=alternating_offers with proposer: rotation, or a named style"
            raise ConfigError(key, f"{problem} with proposer {protocol.proposer}; allowed: {allowed}")


def build_run(raw: Mapping, source_folders: tuple[Path, ...] = ()) -> RunSpec:
    """Freeze the whole composed config (scenario, protocol, seed, sizes)."""
    scenario = build_scenario(raw.get("scenario"), source_folders)
    protocol = build_protocol(raw.get("protocol"))
    _check_equilibrium(scenario, protocol)
    for key in ("progress", "rerun"):
        _switch(raw, key)
    record = _whole(raw.get("record", 20), "record", 0)
    if record > MAX_RECORD:
        raise ConfigError("record", f"got {record}; allowed: a whole number from 0 to {MAX_RECORD}")
    if protocol.proposer == "weighted" and sum(a.capability for a in scenario.actors if a.veto) <= 0:
        problem = "proposer: weighted draws by capability, but the veto parties' capabilities sum to 0"
        raise ConfigError("protocol.proposer", f"{problem}; allowed: rotation, or a veto party with capability > 0")
    return RunSpec(
        scenario=scenario, protocol=protocol, seed=_whole(raw.get("seed"), "seed", 0),
        replications=_whole(raw.get("replications"), "replications", 1),
        record=record,
    )  # fmt: skip
