"""The ``negsim`` command: the Hydra app that runs one scenario (or each job of a sweep) and writes its files.

A thin entry point: Hydra composes the config, :mod:`negsim.experiments.run`
checks it, simulates and writes the run folder, and the report and sweep
packages do the rest. Nothing imports this module.
"""

from __future__ import annotations

import contextlib
import os
import re

# The engine multiplies many small matrices, where BLAS threads only add synchronisation, and sweeps run one
# worker per core: one BLAS thread per process (set before numpy is first imported; a setting of yours is kept).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import sys
from collections.abc import Iterator
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from negsim.experiments.run import failures
from negsim.experiments.run.checks import ANALYSIS_CHECKS, checked_run, display, report_wanted
from negsim.experiments.run.console import format_summary
from negsim.experiments.run.job import fingerprint, finished, resolved_settings, run_config
from negsim.experiments.run.outdir import clear_run
from negsim.experiments.sweep.state import job_progress, sweep_name

__all__ = ["cli", "main", "mode_is_default", "sensitivity_cli"]

OmegaConf.register_new_resolver("negsim_sweep", lambda: sweep_name(), use_cache=True, replace=True)


def _check_sensitivity(run, raw: dict, *, multirun: bool) -> None:
    from negsim.experiments.sensitivity.job import check_analysis  # SciPy and plotly: only for an analysis

    check_analysis(run, raw, multirun=multirun)


ANALYSIS_CHECKS["sensitivity"] = _check_sensitivity


@hydra.main(version_base="1.3", config_path="pkg://negsim.configs", config_name="negsim")
def main(cfg: DictConfig) -> None:
    """Run the composed scenario; bad input exits with status 2 and one line, a fault with status 1.

    A sweep's job raises instead, and the launcher ends the sweep with that error once the other jobs are
    done (a job that exits would leave a worker process's pool waiting for it).
    """
    multirun = HydraConfig.get().mode == RunMode.MULTIRUN
    try:
        _run(cfg, multirun=multirun)
    except Exception as error:
        if multirun:
            raise
        failures.report("negsim", error)


def _run(cfg: DictConfig, *, multirun: bool) -> None:
    resolved = OmegaConf.to_container(cfg, resolve=True)
    run = checked_run(resolved)
    hydra_cfg = HydraConfig.get()
    folder = Path(hydra_cfg.runtime.output_dir)
    if resolved.get("analysis") is not None:
        _analysis(run, resolved, hydra_cfg, folder)
        return
    settings = resolved_settings(resolved, hydra_cfg)
    print_ = fingerprint(resolved)
    report = report_wanted(resolved.get("report", "auto"), multirun=multirun)
    summary = None if not multirun or resolved.get("rerun") else finished(folder, print_)
    kept = summary is not None
    if not kept:
        clear_run(folder, keep=(".hydra", "app.log"))  # summary.json first: until the new one, the job is not complete
        summary = run_config(run, folder, settings, show_progress=bool(resolved.get("progress")), print_=print_)
        if report:
            from negsim.experiments.report.page import write_report  # plotly: only when the page is written

            write_report(folder)
    if not multirun:
        print(format_summary(run, summary, display(folder)))
        return
    job = f"job {hydra_cfg.job.num} ({' '.join(hydra_cfg.overrides.task) or 'defaults'})"
    status = (
        "already complete, kept (rerun=true runs it again)" if kept
        else f"agreement {summary['agreement_rate']['estimate']:.1%} in {summary['elapsed_seconds']:.2f} s"
    )  # fmt: skip
    print(f"{job}: {status}", flush=True)
    print(job_progress(folder.parent), file=sys.stderr, flush=True)


def _analysis(run, resolved: dict, hydra_cfg, folder: Path) -> None:
    """``+analysis=sensitivity``: a Sobol' analysis over the run's uncertain values instead of one run."""
    from negsim.experiments.run.checks import config_file_for
    from negsim.experiments.sensitivity.job import checked_settings, format_sensitivity, run_sensitivity
    from negsim.sim.errors import ConfigError

    def fail(message: str) -> None:
        print(f"negsim: error: {message}", file=sys.stderr)
        sys.exit(2)

    if resolved["analysis"] != "sensitivity":
        fail(f"analysis: unknown value {resolved['analysis']!r}; allowed: sensitivity (+analysis=sensitivity)")
    if hydra_cfg.mode == RunMode.MULTIRUN:
        fail("analysis: a sensitivity analysis runs its own design; allowed: no -m (run it once per scenario)")
    try:
        settings = checked_settings(resolved.get("sensitivity"))
    except ConfigError as error:
        fail(error.in_file(config_file_for(error.key, hydra_cfg)))
    try:
        result = run_sensitivity(run, settings, folder, resolved_settings(resolved, hydra_cfg),
                                 show_progress=bool(resolved.get("progress")))  # fmt: skip
    except ValueError as error:
        fail(f"scenario: {error}")
    print(format_sensitivity(result, display(folder)))


def sensitivity_cli() -> None:
    """``negsim-sensitivity [KEY=VALUE ...]``: ``negsim +analysis=sensitivity`` with the same overrides."""
    sys.argv = [*sys.argv, "+analysis=sensitivity"]
    cli()


#: Flags after which ``hydra.mode`` is still Hydra's default.
_PLAIN_FLAGS = ("-m", "--multirun")
#: Override keys that may set ``hydra.mode``: an experiment (negsim's set MULTIRUN), the mode itself, the
#: whole ``hydra`` node, and a search path (which brings configs from elsewhere).
_MODE_KEYS = re.compile(r"^(?:experiment(?:$|[/.@])|hydra(?:\.mode)?$|hydra\.searchpath(?:$|[.\[]))")


def mode_is_default(args: list[str]) -> bool:
    """Whether nothing in ``args`` can set ``hydra.mode``: no key of :data:`_MODE_KEYS`, no value that climbs
    out of its group (``scenario=../experiment/mediation`` is an experiment), and no other config folder or
    primary config (any flag but ``-m``). negsim's own configs set the mode in experiments only, and the
    configs of Hydra's groups (``hydra/launcher=joblib``) stay inside their own node.

    >>> mode_is_default(["-m", "seed=1,2", "hydra.run.dir=/tmp/out", "hydra/launcher=basic", "+analysis=sensitivity"])
    True
    >>> [mode_is_default([a]) for a in ("+experiment=mediation", "+/experiment=x", "experiment/x=y",
    ...     "hydra.mode=MULTIRUN", "hydra.searchpath=[file://x]", "~hydra", "scenario=../experiment/mediation",
    ...     "hydra/launcher=../../experiment/x", "--config-dir=x", "--cfg")]
    [False, False, False, False, False, False, False, False, False, False]
    """
    for arg in args:
        if arg in _PLAIN_FLAGS:
            continue
        key, _, value = arg.partition("=")
        if arg.startswith("-") or _MODE_KEYS.match(key.lstrip("+~/")) or ".." in value:
            return False
    return True


@contextlib.contextmanager
def _mode_without_composing(args: list[str]) -> Iterator[None]:
    """Compose the config once instead of twice.

    Hydra 1.3's ``hydra.main`` composes the whole config once only to read ``hydra.mode``
    (``Hydra.get_mode``), then again to run it: about 0.1 s a command. Where :func:`mode_is_default`, the
    mode is unset and ``get_mode`` answers ``None`` (after which Hydra picks the mode from ``-m`` and adds
    ``hydra.mode=RUN`` or ``MULTIRUN`` to the overrides as usual); the answer is given here without composing.
    Anything else goes through Hydra's ``get_mode`` as it is.
    """
    from hydra._internal.hydra import Hydra

    if not mode_is_default(args):
        yield
        return
    original = Hydra.get_mode
    Hydra.get_mode = lambda self, config_name, overrides: None
    try:
        yield
    finally:
        Hydra.get_mode = original


def cli() -> None:
    """Console entry point: the Hydra app, with every failure told in one line.

    Bad input (a value out of range, a user file that is not data, a key that does not exist, bad override
    syntax) exits with status 2, a fault (a full disk, no memory left) with status 1; the traceback only with
    ``HYDRA_FULL_ERROR=1``. User config files are read as data (:mod:`negsim.experiments.run.userfiles`).
    """
    from negsim.experiments.run.userfiles import check_overrides, install

    failures.TRACEBACKS = os.environ.get("HYDRA_FULL_ERROR") == "1"  # the user asked for tracebacks
    os.environ["HYDRA_FULL_ERROR"] = "1"  # Hydra raises its errors to us instead of printing its own report
    try:
        install()
        check_overrides(sys.argv[1:])
        with _mode_without_composing(sys.argv[1:]):
            main()
    except Exception as error:  # MemoryError and OSError included
        failures.report("negsim", error)
