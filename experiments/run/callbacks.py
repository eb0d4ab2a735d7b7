"""Hydra callback that checks a single run before Hydra writes anything."""

from __future__ import annotations

from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from negsim.experiments.run import failures
from negsim.experiments.run.checks import checked_run
from negsim.experiments.run.outdir import clear_run, folder_for
from negsim.experiments.run.userfiles import check_targets

__all__ = ["CheckBeforeRun"]


class CheckBeforeRun(Callback):
    """Validate a single run's config and its folder before Hydra saves anything into it.

    Hydra writes ``.hydra/*.yaml`` (and opens ``app.log``) before it calls the app, so without this a bad
    run aimed at an earlier run's folder would overwrite that folder's record of its config. Once the
    input is known to be good, the earlier run's files are removed, so none is left beside the new ones.
    Any failure ends the command here with one line (Hydra would turn an exception in a callback into a
    warning and go on to write the folder).
    """

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        try:
            check_targets(config.hydra, "hydra")
            task = OmegaConf.masked_copy(config, [key for key in config if key != "hydra"])
            checked_run(task, config.hydra)
            folder = folder_for(OmegaConf.select(config, "hydra.run.dir"), "hydra.run.dir")
            clear_run(folder)
        except Exception as error:
            failures.report("negsim", error)
