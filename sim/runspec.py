"""Check the protocol and run settings and freeze a whole run."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from negsim.sim.errors import ConfigError, got, unknown_key
from negsim.sim.judgments import widen
from negsim.sim.protocols import PROTOCOLS
from negsim.sim.spec import ProtocolSpec, RunSpec, ScenarioSpec
from negsim.sim.styles import Equilibrium
from negsim.sim.validate import build_scenario

__all__ = ["MAX_RECORD", "MAX_REPLICATIONS", "MAX_SEED", "TOP_LEVEL", "build_protocol", "build_run"]

#: Most replications a run logs round by round (the log grows with replications x actors x issues x rounds).
MAX_RECORD = 1000
#: Most replications of one run, whatever the machine (the memory a run needs is checked before it starts).
MAX_REPLICATIONS = 100_000_000
#: Largest seed (a 64-bit integer, as tables store it).
MAX_SEED = 2**63 - 1
#: The keys of a run's config (``configs/negsim.yaml``, and ``configs/analysis/*.yaml`` with ``+analysis=``); any
#: other is refused.
TOP_LEVEL = ("seed", "replications", "record", "progress", "rerun", "report", "scenario", "protocol", "uncertainty",
             "analysis", "sensitivity")  # fmt: skip


def _whole(value: Any, key: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        span = f">= {low}" + ("" if high is None else f", at most {high}")
        raise ConfigError(key, f"{got(value)}; allowed: a whole number {span}")
    return value


def _switch(raw: Mapping, key: str) -> None:
    if key in raw and not isinstance(raw[key], bool):
        raise ConfigError(key, f"{got(raw[key])}; allowed: true or false")


def build_protocol(raw: Any) -> ProtocolSpec:
    """Check a protocol mapping (``configs/protocol/*.yaml``) against its registered rules."""
    if not isinstance(raw, Mapping):
        raise ConfigError("protocol", f"got a {type(raw).__name__}; allowed: a mapping (configs/protocol/*.yaml)")
    name = raw.get("name")
    if name not in PROTOCOLS:
        problem = "missing" if name is None else f"unknown value {name!r}"
        raise ConfigError("protocol.name", f"{problem}; allowed: {', '.join(PROTOCOLS)}")
    rules = PROTOCOLS[name]
    allowed = {"name", "description"} | {option.name for option in rules.options}
    for key in raw:
        if key not in allowed:
            raise unknown_key(f"protocol.{key}", key, sorted(allowed), f" for protocol {name}")
    values = {o.name: o.check(raw.get(o.name, o.default), f"protocol.{o.name}") for o in rules.options}
    return ProtocolSpec(name=name, **values)


def _check_styles(scenario: ScenarioSpec, protocol: ProtocolSpec) -> None:
    """The equilibrium style is a property of the whole negotiation: all veto parties or none."""
    veto = [a for a in scenario.actors if a.veto]
    playing = [a for a in veto if isinstance(a.concession, Equilibrium)]
    if not playing:
        return
    key = f"scenario.actors.{playing[0].name}.concession"
    if len(playing) < len(veto):
        others = ", ".join(a.name for a in veto if a not in playing)
        raise ConfigError(
            key,
            f"'equilibrium' is how a whole negotiation is played, but {others} bargain by another "
            "style; allowed: equilibrium for every veto party, or a time-dependent style",
        )
    if len(veto) != 2:
        raise ConfigError(
            key,
            f"'equilibrium' is offered for two parties with a veto, got {len(veto)}: with three or "
            "more, a party's subgame-perfect share can fall when its own outside option improves; "
            "allowed: exactly two veto parties, or a time-dependent style",
        )
    if not PROTOCOLS[protocol.name].equilibrium:
        solved = ", ".join(n for n, r in PROTOCOLS.items() if r.equilibrium)
        raise ConfigError(
            key,
            f"'equilibrium' is solved for {solved} only, got protocol {protocol.name}; allowed: "
            f"protocol={solved}, or a time-dependent style",
        )


def build_run(raw: Mapping, source_folders: tuple[Path, ...] = ()) -> RunSpec:
    """Freeze the whole composed config (scenario, protocol, seed, sizes); any key but :data:`TOP_LEVEL` (and
    ``hydra``) is refused."""
    for key in raw:
        if key not in TOP_LEVEL and key != "hydra":
            raise unknown_key(str(key), key, TOP_LEVEL)
    scenario = build_scenario(raw.get("scenario"), source_folders)
    protocol = build_protocol(raw.get("protocol"))
    _check_styles(scenario, protocol)
    for key in ("progress", "rerun"):
        _switch(raw, key)
    record = _whole(raw.get("record", 20), "record", 0)
    if record > MAX_RECORD:
        raise ConfigError("record", f"got {record}; allowed: a whole number from 0 to {MAX_RECORD}")
    if protocol.proposer == "weighted" and sum(a.capability for a in scenario.actors if a.veto) <= 0:
        problem = "proposer: weighted draws by capability, but the veto parties' capabilities sum to 0"
        raise ConfigError("protocol.proposer", f"{problem}; allowed: rotation, or a veto party with capability > 0")
    judgments, draws = _uncertainty(raw.get("uncertainty"))
    return RunSpec(
        scenario=widen(scenario, judgments), protocol=protocol, seed=_whole(raw.get("seed"), "seed", 0, MAX_SEED),
        replications=_whole(raw.get("replications"), "replications", 1, MAX_REPLICATIONS),
        record=record, draws=draws, judgments=judgments,
    )  # fmt: skip


def _uncertainty(raw: Any) -> tuple[float, int]:
    """``uncertainty.judgments`` (how far to widen every judgment) and ``uncertainty.draws``."""
    raw = {} if raw is None else raw
    if not isinstance(raw, Mapping):
        raise ConfigError("uncertainty", f"{got(raw)}; allowed: a mapping with judgments and draws")
    for key in raw:
        if key not in ("judgments", "draws"):
            raise unknown_key(f"uncertainty.{key}", key, ("judgments", "draws"))
    judgments = raw.get("judgments", 0.0)
    if isinstance(judgments, bool) or not isinstance(judgments, int | float) or not 0 <= judgments <= 1:
        raise ConfigError("uncertainty.judgments", f"{got(judgments)}; allowed: a number in [0, 1] (0: values as "
                          "written; 0.05: every judgment-backed value drawn from its value ± 0.05)")  # fmt: skip
    return float(judgments), _whole(raw.get("draws", 100), "uncertainty.draws", 1, MAX_REPLICATIONS)
