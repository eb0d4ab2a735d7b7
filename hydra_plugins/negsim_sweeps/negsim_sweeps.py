"""``hydra/sweeper=negsim`` and ``hydra/launcher=negsim``: sweeps whose jobs cost little besides simulating.

The sweeper is Hydra's basic sweeper (the same jobs, in the same order, in
the same batches) with cheaper job configs: it hands every launcher a config
loader that composes each config shape once and derives the other jobs'
configs from it, and checks every job that way before the first one starts
(instead of composing each job twice). The launcher runs the jobs in this
process (or, with ``n_jobs``, in worker processes), each with the folder,
``.hydra/`` files and results Hydra's basic launcher gives it. The work is
done in :mod:`negsim.experiments.sweep`; the classes live here because Hydra
instantiates only plugins defined in ``hydra_plugins``.
"""

# No ``from __future__ import annotations`` here: Hydra's plugin scan runs this module before it is in
# sys.modules, where dataclasses cannot look string annotations up, and OmegaConf reads these types.
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore
from hydra.core.utils import JobReturn
from hydra.plugins.launcher import Launcher
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig

__all__ = ["NegsimLauncher", "NegsimLauncherConf", "NegsimSweeper", "NegsimSweeperConf"]


@dataclass
class NegsimSweeperConf:
    """Options of ``hydra/sweeper=negsim``: those of Hydra's basic sweeper."""

    _target_: str = "hydra_plugins.negsim_sweeps.negsim_sweeps.NegsimSweeper"
    max_batch_size: Optional[int] = None  # noqa: UP045 (OmegaConf reads typing.Optional)
    params: Optional[dict[str, str]] = None  # noqa: UP045


@dataclass
class NegsimLauncherConf:
    """Options of ``hydra/launcher=negsim``: ``n_jobs`` worker processes (1: run the jobs in this process)."""

    _target_: str = "hydra_plugins.negsim_sweeps.negsim_sweeps.NegsimLauncher"
    n_jobs: int = 1


ConfigStore.instance().store(group="hydra/sweeper", name="negsim", node=NegsimSweeperConf, provider="negsim")
ConfigStore.instance().store(group="hydra/launcher", name="negsim", node=NegsimLauncherConf, provider="negsim")


class NegsimSweeper(BasicSweeper):
    """Hydra's basic sweeper, with each job's config derived rather than composed twice."""

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig) -> None:
        from negsim.experiments.sweep.configs import SweepConfigLoader

        loader = SweepConfigLoader(hydra_context.config_loader)
        context = HydraContext(config_loader=loader, callbacks=hydra_context.callbacks)
        super().setup(hydra_context=context, task_function=task_function, config=config)

    def validate_batch_is_legal(self, batch: Sequence[Sequence[str]]) -> None:
        """Raise what composing any job of ``batch`` would raise, before the first one runs."""
        jobs = self.hydra_context.config_loader.jobs(self.config)
        for overrides in batch:
            jobs.check(overrides)


class NegsimLauncher(Launcher):
    """Runs a sweep's jobs in this process (``n_jobs: 1``) or in ``n_jobs`` worker processes."""

    def __init__(self, n_jobs: int = 1) -> None:
        self.n_jobs = n_jobs
        self.config: Optional[DictConfig] = None  # noqa: UP045
        self.task_function: Optional[TaskFunction] = None  # noqa: UP045
        self.hydra_context: Optional[HydraContext] = None  # noqa: UP045

    def setup(self, *, hydra_context: HydraContext, task_function: TaskFunction, config: DictConfig) -> None:
        self.config, self.task_function, self.hydra_context = config, task_function, hydra_context

    def launch(self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int) -> Sequence[JobReturn]:
        from negsim.experiments.sweep.launch import run_jobs

        assert self.config is not None and self.task_function is not None and self.hydra_context is not None
        kwargs: dict[str, Any] = {"config": self.config, "task_function": self.task_function,
                                  "hydra_context": self.hydra_context}  # fmt: skip
        return run_jobs(job_overrides, initial_job_idx, n_jobs=self.n_jobs, **kwargs)
