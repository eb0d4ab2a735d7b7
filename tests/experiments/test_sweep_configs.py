"""Job configs derived from one composition per shape are Hydra's own, and the .hydra files written from them too."""

from __future__ import annotations

import pickle

import pytest
from hydra import compose, initialize_config_module
from hydra.core.global_hydra import GlobalHydra
from hydra.errors import ConfigCompositionException
from omegaconf import OmegaConf, open_dict, read_write

import negsim.experiments.app  # noqa: F401  (registers the sweep folder's resolver)
from negsim.experiments.sweep import configs
from negsim.experiments.sweep.configs import JobConfigs, SweepConfigLoader
from negsim.experiments.sweep.hydra_files import HydraFiles

#: Jobs of one sweep: value overrides, a group choice, strings, booleans, an interpolation, a new key.
JOBS = [
    ["seed=1", "scenario.actors.russia.capability=0.3", "report=false", "protocol=alternating_offers"],
    ["seed=2", "scenario.actors.russia.capability=0.5", "report=true", "protocol=alternating_offers"],
    ["seed=3", "scenario.actors.russia.capability=0.3", "report=auto", "protocol=mediated"],
    ["seed=${replications}", "scenario.actors.russia.capability=0.9", "report=false", "protocol=mediated"],
    ["seed=5", "scenario.actors.russia.capability=0.5", "report=false", "protocol=alternating_offers"],
]


@pytest.fixture
def hydra():
    """A sweep's master config and Hydra's config loader, the templates of earlier tests forgotten."""
    configs._TEMPLATES.clear()
    with initialize_config_module(config_module="negsim.configs", version_base="1.3"):
        master = compose(config_name="negsim", overrides=["replications=7"], return_hydra_config=True)
        yield master, GlobalHydra.instance().config_loader()
    configs._TEMPLATES.clear()


def _composed(loader, master, overrides):
    return OmegaConf.to_yaml(loader.load_sweep_config(master, list(overrides)))


def test_fresh_configs_are_hydras_own(hydra):
    master, loader = hydra
    jobs = JobConfigs(loader, master)
    for overrides in JOBS:
        assert OmegaConf.to_yaml(jobs.fresh(overrides)) == _composed(loader, master, overrides), overrides
    assert all(t.trusted and t.verified for t in configs._TEMPLATES.values())
    assert len(configs._TEMPLATES) == 2  # one shape per protocol: the rest is derived


@pytest.mark.slow
def test_configs_changed_in_place_are_hydras_own(hydra):
    master, loader = hydra
    jobs = JobConfigs(loader, master)
    for overrides in [*JOBS, *reversed(JOBS)]:
        state, changed = jobs.working(overrides)
        assert OmegaConf.to_yaml(state.config) == _composed(loader, master, overrides), overrides
        if changed is not None:
            assert changed <= {"seed", "scenario", "report"}


def test_a_derivation_that_disagrees_with_hydra_is_dropped_for_hydras(hydra, monkeypatch):
    master, loader = hydra
    jobs = JobConfigs(loader, master)
    jobs.fresh(JOBS[0])
    original = JobConfigs.derive

    def wrong(self, config, *args, **kwargs):
        changed = original(self, config, *args, **kwargs)
        with open_dict(config):
            config.record = 99
        return changed

    monkeypatch.setattr(JobConfigs, "derive", wrong)
    assert OmegaConf.to_yaml(jobs.fresh(JOBS[1])) == _composed(loader, master, JOBS[1])
    assert OmegaConf.to_yaml(jobs.fresh(JOBS[4])) == _composed(loader, master, JOBS[4])
    assert not next(iter(configs._TEMPLATES.values())).trusted


def test_a_bad_override_fails_the_check_as_hydra_fails(hydra):
    master, loader = hydra
    jobs = JobConfigs(loader, master)
    jobs.check(["seed=1", "scenario.actors.russia.capability=0.3"])
    with pytest.raises(ConfigCompositionException):
        loader.load_sweep_config(master, ["seed=1", "scenario.actors.russia.nothing=0.3"])
    with pytest.raises(ConfigCompositionException):
        jobs.check(["seed=1", "scenario.actors.russia.nothing=0.3"])


def test_the_loader_travels_to_workers(hydra):
    master, loader = hydra
    wrapped = SweepConfigLoader(loader)
    wrapped.load_sweep_config(master, JOBS[0])
    copy = pickle.loads(pickle.dumps(wrapped))
    assert OmegaConf.to_yaml(copy.load_sweep_config(master, JOBS[1])) == _composed(loader, master, JOBS[1])
    assert copy.get_search_path() is not None and copy.list_groups("") == loader.list_groups("")


def test_hydra_files_are_what_run_job_writes(hydra, tmp_path):
    master, loader = hydra
    jobs, files = JobConfigs(loader, master), HydraFiles()
    for number, overrides in enumerate(JOBS[:2] + JOBS[4:]):
        state, changed = jobs.working(overrides)
        config = state.config
        with read_write(config.hydra), open_dict(config.hydra):
            config.hydra.job.id, config.hydra.job.num = number, number
            config.hydra.runtime.output_dir = str(tmp_path / str(number))
        files.write(config, tmp_path / str(number), changed)
        task = OmegaConf.masked_copy(config, [key for key in config if key != "hydra"])
        assert (tmp_path / str(number) / "config.yaml").read_text() == OmegaConf.to_yaml(task)
        assert (tmp_path / str(number) / "hydra.yaml").read_text() == OmegaConf.to_yaml(
            OmegaConf.masked_copy(config, "hydra"))  # fmt: skip
        assert (tmp_path / str(number) / "overrides.yaml").read_text() == OmegaConf.to_yaml(overrides)
    assert files.exact
