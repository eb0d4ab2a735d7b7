"""Check the protocol and run settings and freeze a whole run."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sim.errors import ConfigError
from sim.spec import CONCESSION_STYLES, ProtocolSpec, RunSpec, ScenarioSpec
from sim.validate import build_scenario

__all__ = ["PROTOCOLS", "build_protocol", "build_run"]

PROTOCOLS = ("alternating_offers", "mediated", "influence_only")
_PROPOSERS = ("rotation", "weighted")
_ANCHORS = ("mean", "median")
_STYLES = ", ".join(CONCESSION_STYLES) + " or a number > 0"


def _got(value: Any) -> str:
    return "missing" if value is None else f"got {value!r}"


def _choice(raw: Mapping, key: str, allowed: tuple[str, ...], default: str | None) -> str:
    value = raw.get(key, default)
    if value not in allowed:
        problem = "missing" if value is None else f"unknown value {value!r}"
        raise ConfigError(f"protocol.{key}", f"{problem}; allowed: {', '.join(allowed)}")
    return value


def _whole(value: Any, key: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(key, f"{_got(value)}; allowed: a whole number >= {low}")
    return value


def build_protocol(raw: Any) -> ProtocolSpec:
    """Check a protocol mapping (``configs/protocol/*.yaml``)."""
    if not isinstance(raw, Mapping):
        raise ConfigError("protocol", f"got a {type(raw).__name__}; allowed: a mapping (configs/protocol/*.yaml)")
    allowed = {"name", "proposer", "anchor", "amend_rate", "description"}
    for key in raw:
        if key not in allowed:
            raise ConfigError(f"protocol.{key}", f"unknown key {key!r}; allowed: {', '.join(sorted(allowed))}")
    amend = raw.get("amend_rate", 0.25)
    if isinstance(amend, bool) or not isinstance(amend, int | float) or math.isnan(amend) or not 0 <= amend <= 10:
        raise ConfigError("protocol.amend_rate", f"got {amend!r}; allowed: a number in [0, 10]")
    return ProtocolSpec(
        name=_choice(raw, "name", PROTOCOLS, None), proposer=_choice(raw, "proposer", _PROPOSERS, "rotation"),
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
    return RunSpec(
        scenario=scenario, protocol=protocol, seed=_whole(raw.get("seed"), "seed", 0),
        replications=_whole(raw.get("replications"), "replications", 1),
        record=_whole(raw.get("record", 20), "record", 0),
    )  # fmt: skip
