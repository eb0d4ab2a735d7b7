"""Run a sweep's jobs in this process, each with the folder and files Hydra's ``run_job`` would give it.

What the basic launcher does per job, done with less work: the job's config
comes from :class:`~negsim.experiments.sweep.configs.JobConfigs` (changed in
place, not composed), the ``.hydra/`` files from
:class:`~negsim.experiments.sweep.hydra_files.HydraFiles` (written again
only where the config changed), and no copy of the config is made for the
job. The rest follows ``hydra.core.utils.run_job`` step by step: the
``hydra`` config the job sees, its output folder, its log file (``app.log``),
``hydra.job.env_set``, the job callbacks, and the :class:`JobReturn`.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import JobReturn, JobRuntime, JobStatus, _flush_loggers, configure_log, env_override
from hydra.experimental.callback import Callback
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from negsim.experiments.sweep.configs import JobConfigs, Working
from negsim.experiments.sweep.hydra_files import HydraFiles

__all__ = ["run_job", "run_jobs", "worker_count"]

log = logging.getLogger(__name__)


def worker_count(n_jobs: int, jobs: int) -> int:
    """Workers for ``n_jobs`` as joblib reads it (``-1``: one per core, ``-2``: all cores but one), at most ``jobs``.

    >>> worker_count(-1, 100) == min(os.cpu_count() or 1, 100), worker_count(4, 3), worker_count(0, 3)
    (True, 3, 1)
    """
    count = (os.cpu_count() or 1) + 1 + n_jobs if n_jobs < 0 else n_jobs
    return max(1, min(count, jobs))


def _job_callbacks(hydra_context: HydraContext) -> bool:
    """Whether a callback acts on each job (then each gets its own copies of the config, as in Hydra)."""
    return any(type(c).on_job_start is not Callback.on_job_start or type(c).on_job_end is not Callback.on_job_end
               for c in hydra_context.callbacks.callbacks)  # fmt: skip


def _prepare(state: Working, idx: int) -> Path:
    """Number the job and work out its folder (``hydra.sweep.dir``/``hydra.sweep.subdir``), as the launchers do."""
    config = state.config
    with read_write(config.hydra), open_dict(config.hydra):
        config.hydra.job.id = idx
        config.hydra.job.num = idx
    HydraConfig.instance().cfg = config  # HydraConfig.get() is cfg.hydra; run_job sets this attribute too
    folder = os.path.join(str(OmegaConf.select(config, "hydra.sweep.dir")),
                          str(OmegaConf.select(config, "hydra.sweep.subdir")))  # fmt: skip
    with read_write(config.hydra.runtime), open_dict(config.hydra.runtime):
        config.hydra.runtime.output_dir = os.path.abspath(folder)
    OmegaConf.set_readonly(config.hydra, True)
    return Path(folder)


def run_job(state: Working, idx: int, changed: set[str] | None, *, task_function: TaskFunction,
            hydra_context: HydraContext) -> JobReturn:  # fmt: skip
    """One job, as ``hydra.core.utils.run_job(..., job_dir_key="hydra.sweep.dir", ...)`` runs it."""
    config = state.config
    old_cwd, original = os.getcwd(), HydraConfig.instance().cfg
    chdir = False
    try:
        folder = _prepare(state, idx)
        if state.task is None:
            state.task = OmegaConf.masked_copy(config, [key for key in config if key != "hydra"])
            OmegaConf.set_struct(state.task, True)
        copies = _job_callbacks(hydra_context)
        ret = JobReturn(overrides=OmegaConf.to_container(config.hydra.overrides.task))
        ret.cfg = copy.deepcopy(state.task) if copies else state.task
        ret.hydra_cfg = copy.deepcopy(OmegaConf.masked_copy(config, "hydra")) if copies else None
        folder.mkdir(parents=True, exist_ok=True)
        chdir = bool(config.hydra.job.chdir)
        if chdir:
            os.chdir(folder)
        ret.working_dir = os.getcwd()
        configure_log(config.hydra.job_logging, config.hydra.verbose)
        if config.hydra.output_subdir is not None:
            if state.files is None:
                state.files = HydraFiles()
            subdir = Path(config.hydra.runtime.output_dir) / str(config.hydra.output_subdir)
            state.files.write(config, subdir, changed)
        with env_override(OmegaConf.to_container(config.hydra.job.env_set, resolve=True)):
            hydra_context.callbacks.on_job_start(config=config, task_function=task_function)
            OmegaConf.set_readonly(state.task, True)  # the next job reuses it: a task may read it, not change it
            try:
                ret.return_value = task_function(ret.cfg)
                ret.status = JobStatus.COMPLETED
            except Exception as error:
                ret.return_value = error
                ret.status = JobStatus.FAILED
            finally:
                OmegaConf.set_readonly(state.task, False)
        ret.task_name = JobRuntime.instance().get("name")
        _flush_loggers()
        hydra_context.callbacks.on_job_end(config=config, job_return=ret)
        return ret
    finally:
        HydraConfig.instance().cfg = original
        if chdir:
            os.chdir(old_cwd)


def run_jobs(job_overrides: Sequence[Sequence[str]], initial_job_idx: int, *, config: DictConfig,
             task_function: TaskFunction, hydra_context: HydraContext, n_jobs: int = 1) -> list[JobReturn]:  # fmt: skip
    """Run every job of the batch in turn, as the basic launcher does (log lines included)."""
    from hydra.core.utils import filter_overrides, setup_globals

    setup_globals()
    configure_log(config.hydra.hydra_logging, config.hydra.verbose)
    Path(str(config.hydra.sweep.dir)).mkdir(parents=True, exist_ok=True)
    jobs = JobConfigs(hydra_context.config_loader, config)
    workers = worker_count(n_jobs, len(job_overrides))
    log.info(f"Launching {len(job_overrides)} jobs " + (f"in {workers} worker processes" if workers > 1 else "locally"))
    if workers > 1:
        from negsim.experiments.sweep.workers import run_in_workers

        runs = run_in_workers(job_overrides, initial_job_idx, workers, config=config, task_function=task_function,
                              hydra_context=hydra_context, jobs=jobs)  # fmt: skip
    else:
        runs = []
        for offset, overrides in enumerate(job_overrides):
            idx = initial_job_idx + offset
            log.info(f"\t#{idx} : {' '.join(filter_overrides(overrides))}")
            state, changed = jobs.working(overrides)
            runs.append(run_job(state, idx, changed, task_function=task_function, hydra_context=hydra_context))
            configure_log(config.hydra.hydra_logging, config.hydra.verbose)
    for ret in runs:  # the first failure ends the sweep (the sweeper would, after printing a line of its own)
        if ret.status == JobStatus.FAILED:
            raise ret._return_value
    return runs
