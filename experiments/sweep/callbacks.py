"""Hydra callback around a sweep: check every value before the first job, report when the last one ends."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

__all__ = ["SweepReport"]


class SweepReport(Callback):
    """At the end of a multirun, gather the jobs into ``sweep.parquet`` and ``sweep.html``.

    Runs in the launching process under every launcher, reading the job
    folders from disk, so it works the same for local, joblib, Ray and SLURM
    sweeps.
    """

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """Before the sweeper and launcher are made: their targets, every swept value and the sweep's folder.

        A failure ends the command with one line (Hydra would turn it into a warning). The table and pages
        of an earlier sweep into the folder are removed: they are written again when this sweep ends.
        """
        from omegaconf import OmegaConf

        from negsim.experiments.run import failures
        from negsim.experiments.run.outdir import folder_for
        from negsim.experiments.run.userfiles import check_targets
        from negsim.experiments.sweep.check import check_sweep
        from negsim.experiments.sweep.report import SWEEP_FILES
        from negsim.experiments.sweep.state import start_sweep

        try:
            check_targets(config.hydra, "hydra")
            check_sweep(config)
            folder = folder_for(OmegaConf.select(config, "hydra.sweep.dir"), "hydra.sweep.dir", sweep=True)
            for name in SWEEP_FILES:
                (folder / name).unlink(missing_ok=True)
            start_sweep(config)
        except Exception as error:
            failures.report("negsim", error)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Write the sweep's table and page; if that fails, say so and exit 1.

        Hydra turns an exception in a callback into a warning and exits 0, which
        would leave an older ``sweep.html`` in place looking current. So a
        failure removes the sweep-level files and ends the command with status 1
        (``SystemExit`` passes through Hydra's callback guard).
        """
        from negsim.experiments.sweep.report import SWEEP_FILES, report_sweep

        folder = Path(config.hydra.sweep.dir)
        try:
            print(report_sweep(folder), flush=True)
        except Exception as error:
            for name in SWEEP_FILES:
                (folder / name).unlink(missing_ok=True)
            print(f"negsim: error: {folder}: the sweep's jobs finished, but its table and charts could not be "
                  f"written ({type(error).__name__}: {error}); rebuild them with negsim-aggregate {folder}",
                  file=sys.stderr, flush=True)  # fmt: skip
            raise SystemExit(1) from error
