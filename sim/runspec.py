"""Check the protocol and run settings and freeze a whole run."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sim.errors import ConfigError
from sim.spec import ProtocolSpec, RunSpec, ScenarioSpec
from sim.validate import build_scenario

__all__ = ["PROTOCOLS", "build_protocol", "build_run"]

PROTOCOLS = ("alternating_offers", "mediated", "influence_only")
_PROPOSERS = ("rotation", "weighted")
_ANCHORS = ("mean", "median")


def _choice(raw: Mapping, key: str, allowed: tuple[str, ...], default: str) -> str:
    value = raw.get(key, default)
    if value not in allowed:
        raise ConfigError(f"protocol.{key}", f"unknown value {value!r}; allowed: {', '.join(allowed)}")
    return value


def _whole(value: Any, key: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(key, f"must be a whole number >= {low}, got {value!r}")
    return value


def build_protocol(raw: Any) -> ProtocolSpec:
    """Check a protocol mapping (``configs/protocol/*.yaml``)."""
    if not isinstance(raw, Mapping):
        raise ConfigError("protocol", f"must be a mapping, got {type(raw).__name__}")
    allowed = {"name", "proposer", "anchor", "amend_rate", "description"}
    for key in raw:
        if key not in allowed:
            raise ConfigError(f"protocol.{key}", f"unknown key; allowed: {', '.join(sorted(allowed))}")
    amend = raw.get("amend_rate", 0.25)
    if isinstance(amend, bool) or not isinstance(amend, int | float) or math.isnan(amend) or not 0 <= amend <= 10:
        raise ConfigError("protocol.amend_rate", f"must be a number in [0, 10], got {amend!r}")
    return ProtocolSpec(
        name=_choice(raw, "name", PROTOCOLS, ""), proposer=_choice(raw, "proposer", _PROPOSERS, "rotation"),
        anchor=_choice(raw, "anchor", _ANCHORS, "mean"), amend_rate=float(amend),
    )  # fmt: skip


def _check_equilibrium(scenario: ScenarioSpec, protocol: ProtocolSpec) -> None:
    for actor in scenario.actors:
        if actor.concession is not None:
            continue
        key = f"scenario.actors.{actor.name}.concession"
        if sum(a.veto for a in scenario.actors) != 2:
            problem = "'equilibrium' needs exactly two veto parties; otherwise use a named style or a number"
            raise ConfigError(key, problem)
        if protocol.name != "alternating_offers" or protocol.proposer != "rotation":
            raise ConfigError(key, "'equilibrium' needs protocol=alternating_offers with proposer: rotation")


def build_run(raw: Mapping) -> RunSpec:
    """Freeze the whole composed config (scenario, protocol, seed, sizes)."""
    scenario = build_scenario(raw.get("scenario"))
    protocol = build_protocol(raw.get("protocol"))
    _check_equilibrium(scenario, protocol)
    return RunSpec(
        scenario=scenario, protocol=protocol, seed=_whole(raw.get("seed"), "seed", 0),
        replications=_whole(raw.get("replications"), "replications", 1),
        record=_whole(raw.get("record", 5), "record", 0),
    )  # fmt: skip
