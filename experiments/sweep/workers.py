"""Run a sweep's jobs in worker processes, each job as :func:`~negsim.experiments.sweep.launch.run_job` runs it.

On Linux the workers are forked from this process once the configs of every
shape are composed and checked, so they start with everything imported and
nothing to compose; they take jobs one at a time from a shared queue.
Elsewhere (no safe ``fork``) joblib starts them, as Hydra's joblib launcher
does, and each runs an equal share of the jobs in order. A job's files do not
depend on which worker ran it.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Sequence
from typing import Any

from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, JobStatus, configure_log, setup_globals
from hydra.types import HydraContext, TaskFunction
from omegaconf import DictConfig

from negsim.experiments.sweep.configs import JobConfigs
from negsim.experiments.sweep.launch import run_job

__all__ = ["run_in_workers"]

#: The batch forked workers inherit: set just before the pool starts.
_BATCH: dict[str, Any] = {}


def _one(position: int) -> tuple[int, JobStatus, Any, str]:
    """Run the batch's job at ``position`` (in a forked worker); what the parent needs to rebuild its JobReturn."""
    batch = _BATCH
    state, changed = batch["jobs"].working(batch["overrides"][position])
    ret = run_job(state, batch["initial"] + position, changed, task_function=batch["task_function"],
                  hydra_context=batch["hydra_context"])  # fmt: skip
    config = batch["config"]
    configure_log(config.hydra.hydra_logging, config.hydra.verbose)
    return position, ret.status, ret._return_value, ret.task_name


def _share(positions: list[int], payload: dict[str, Any]) -> list[tuple[int, JobStatus, Any, str]]:
    """Run ``positions`` of the batch in order (in a worker joblib started)."""
    Singleton.set_state(payload.pop("singletons"))
    setup_globals()
    payload["jobs"] = JobConfigs(payload["hydra_context"].config_loader, payload["config"])
    _BATCH.clear()
    _BATCH.update(payload)
    return [_one(position) for position in positions]


def _returns(results: list[tuple[int, JobStatus, Any, str]], job_overrides: Sequence[Sequence[str]]) -> list[JobReturn]:
    runs = []
    for position, status, value, task_name in sorted(results, key=lambda result: result[0]):
        ret = JobReturn(overrides=list(job_overrides[position]), status=status, task_name=task_name)
        ret._return_value = value
        runs.append(ret)
    return runs


def run_in_workers(job_overrides: Sequence[Sequence[str]], initial_job_idx: int, workers: int, *,
                   config: DictConfig, task_function: TaskFunction, hydra_context: HydraContext,
                   jobs: JobConfigs) -> list[JobReturn]:  # fmt: skip
    """Run the batch in ``workers`` processes; the returns come back in job order."""
    for overrides in job_overrides:  # every shape composed and checked here, once, before the workers start
        jobs.prepare(overrides)
    payload = {"overrides": [list(o) for o in job_overrides], "initial": initial_job_idx, "config": config,
               "task_function": task_function, "hydra_context": hydra_context}  # fmt: skip
    if sys.platform.startswith("linux"):
        _BATCH.clear()
        _BATCH.update(payload, jobs=jobs)
        sys.stdout.flush()
        sys.stderr.flush()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = list(pool.imap_unordered(_one, range(len(job_overrides))))
        return _returns(results, job_overrides)
    from joblib import Parallel, delayed

    shares = [list(range(w, len(job_overrides), workers)) for w in range(workers)]
    done = Parallel(n_jobs=workers, backend="loky")(
        delayed(_share)(share, {**payload, "singletons": Singleton.get_state()}) for share in shares
    )
    return _returns([result for share in done for result in share], job_overrides)
