"""Hydra callback that checks a single run before Hydra writes anything."""

from __future__ import annotations

from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from negsim.experiments.run.checks import checked_run

__all__ = ["CheckBeforeRun"]


class CheckBeforeRun(Callback):
    """Validate a single run's config before Hydra saves it into the run folder.

    Hydra writes ``.hydra/*.yaml`` before it calls the app, so without this a
    bad run aimed at an earlier run's folder would overwrite that folder's
    record of its config.
    """

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        task = OmegaConf.masked_copy(config, [key for key in config if key != "hydra"])
        checked_run(task, config.hydra)
