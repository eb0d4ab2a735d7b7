"""Shared fixtures: the baseline scenario as plain data, composed configs, CLI runs."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_module
from hypothesis import HealthCheck, settings

# Generated scenarios: a few hundred in `make test`; `HYPOTHESIS_PROFILE=long` runs 10,000 per property test.
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("default", max_examples=60, deadline=None, suppress_health_check=_QUIET)
settings.register_profile("long", max_examples=10_000, deadline=None, suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "configs" / "scenario" / "baseline.yaml"
NEGSIM = Path(sys.executable).with_name("negsim")


@pytest.fixture(scope="session")
def _baseline() -> dict:
    return yaml.safe_load(BASELINE.read_text(encoding="utf-8"))


@pytest.fixture
def baseline_raw(_baseline) -> dict:
    """A fresh, mutable copy of the baseline scenario mapping."""
    return copy.deepcopy(_baseline)


def compose_config(overrides: list[str] | None = None, **kwargs):
    """Compose the app's primary config with ``overrides``, without running it."""
    with initialize_config_module(config_module="negsim.configs", version_base="1.3"):
        return compose(config_name="negsim", overrides=overrides or [], **kwargs)


def run_negsim(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    """Run the installed ``negsim`` command in ``cwd``; output is captured as text."""
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    return subprocess.run([str(NEGSIM), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300, **kwargs)
