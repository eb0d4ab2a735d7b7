"""Shared helpers of the behavioural validity suite: building runs, changing one thing, the library."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import yaml
from omegaconf import OmegaConf

from negsim.agents.model import simulate
from negsim.sim.outcomes import Outcome, RunResult
from negsim.sim.runspec import build_run
from negsim.sim.spec import RunSpec
from tests.conftest import compose_config
from tests.lp import Deals

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted(p.stem for p in (ROOT / "configs" / "scenario").glob("*.yaml"))
PROTOCOLS = [
    {"name": "alternating_offers", "proposer": "rotation"},
    {"name": "alternating_offers", "proposer": "weighted"},
    {"name": "mediated", "weights": "capability"},
    {"name": "mediated", "weights": "equal", "pressure": 0.5},
]
#: Tolerance for comparing utilities computed two ways (frontier facets, linear programs).
EXACT = 1e-7


def library_scenario(name: str) -> dict:
    """A scenario of the library as plain data (composed by Hydra, so derived scenarios inherit)."""
    return OmegaConf.to_container(compose_config([f"scenario={name}"]).scenario, resolve=True)


def run_of(raw: dict, protocol: dict, *, seed: int = 0, replications: int = 1) -> RunSpec:
    return build_run({"scenario": raw, "protocol": protocol, "seed": seed, "replications": replications, "record": 0})


def play(raw: dict, protocol: dict, **kwargs) -> RunResult:
    return simulate(run_of(raw, protocol, **kwargs))


def quiet(raw: dict) -> dict:
    """The same scenario without noise (misperception and shocks off)."""
    raw = copy.deepcopy(raw)
    raw["noise"] = {}
    return raw


def changed(raw: dict, path: str, value) -> dict:
    """A copy of ``raw`` with ``a/b/c`` set to ``value``."""
    raw = copy.deepcopy(raw)
    *parents, last = path.split("/")
    node = raw
    for name in parents:
        node = node.setdefault(name, {})
    node[last] = value
    return raw


def vetoes(raw: dict) -> list[str]:
    return [name for name, spec in raw["actors"].items() if spec.get("veto", True)]


def deals_of(raw: dict) -> Deals:
    return Deals(run_of(raw, PROTOCOLS[0]).scenario)


def agreed(result: RunResult) -> np.ndarray:
    return result.outcome == Outcome.AGREEMENT


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
