"""The ``negsim`` command: a Hydra app that runs one scenario and writes its files."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
import time
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.errors import CompactHydraException
from hydra.types import RunMode
from negsim.agents.model import simulate
from negsim.experiments.console import Progress, format_summary
from negsim.experiments.outputs import RUN_FILES, summarize, write_run
from negsim.experiments.report import report_wanted, write_report
from negsim.experiments.sweep import job_progress, sweep_name
from negsim.sim.errors import ConfigError
from negsim.sim.runspec import build_run
from negsim.sim.spec import RunSpec
from negsim.sim.validate import locate_source
from omegaconf import DictConfig, OmegaConf

from negsim import agents, sim

__all__ = ["checked_run", "cli", "config_file_for", "fingerprint", "main", "run_config"]

#: Settings that change how a run reports, not what it computes.
_NO_EFFECT = ("progress", "rerun", "report")
OmegaConf.register_new_resolver("negsim_sweep", lambda: sweep_name(), use_cache=True, replace=True)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def config_file_for(key: str, hydra_cfg: DictConfig | None = None) -> str:
    """The config file that supplied ``key``, as Hydra composed it.

    Keys under ``scenario.`` or ``protocol.`` come from that group's chosen
    file; the rest from the primary config. A key set on the command line
    says so. ``hydra_cfg`` is the ``hydra`` node (default: the running job's).
    """
    hydra_cfg = HydraConfig.get() if hydra_cfg is None else hydra_cfg
    group = key.split(".", 1)[0]
    choice = hydra_cfg.runtime.choices.get(group) if group in ("scenario", "protocol") else None
    relative = f"{group}/{choice}.yaml" if choice else f"{hydra_cfg.job.config_name}.yaml"
    found = relative
    for source in hydra_cfg.runtime.config_sources:
        if source.schema == "file":
            candidate = Path(source.path) / relative
        elif source.schema == "pkg":
            candidate = Path(str(resources.files(source.path.replace("/", ".")).joinpath(relative)))
        else:
            continue
        if candidate.is_file():
            found = _display(candidate)
            break
    overridden = [
        o for o in hydra_cfg.overrides.task
        if (name := o.split("=", 1)[0].lstrip("+~")) in (key, group)
        or key.startswith(name + ".") or name.startswith(key + ".")
    ]  # fmt: skip
    overridden.reverse()  # Hydra applies the last of repeated overrides
    overridden.sort(key=lambda o: len(o.split("=", 1)[0]), reverse=True)  # the most specific first (stable)
    return found + (f" (command line: {overridden[0]})" if overridden else "")


@functools.cache
def _engine_digest() -> str:
    digest = hashlib.sha256()
    for package in (sim, agents):
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def fingerprint(cfg: DictConfig) -> str:
    """Hash of everything that decides a run's results: the resolved config and the engine's code.

    The code is hashed file by file (``sim`` and ``agents``), so an edited
    engine in an editable install does not count earlier jobs as complete.
    """
    settings = {key: value for key, value in OmegaConf.to_container(cfg, resolve=True).items() if key not in _NO_EFFECT}
    text = json.dumps([version("negsim"), _engine_digest(), settings], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def finished(folder: Path, print_: str) -> dict | None:
    """The summary of a complete earlier run in ``folder`` with fingerprint ``print_``, if any."""
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    complete = all((folder / name).is_file() for name in RUN_FILES)
    return summary if complete and summary.get("fingerprint") == print_ else None


def run_config(
    run: RunSpec,
    folder: Path,
    settings: dict,
    *,
    show_progress: bool = True,
    print_: str | None = None,
    report: bool = False,
) -> dict:
    """Simulate ``run`` (built from ``settings``), write its files into ``folder`` and return the summary.

    With ``report``, ``report.html`` (the teaching report) is written after the other files.
    """
    progress = Progress(f"{run.scenario.name}/{run.protocol.name}") if show_progress else None
    start = time.perf_counter()
    result = simulate(run, progress=progress)
    summary = summarize(run, result, elapsed=time.perf_counter() - start) | {"fingerprint": print_}
    write_run(folder, run, result, summary, settings)
    if report:
        write_report(folder)
    return summary


def config_folders(hydra_cfg: DictConfig) -> tuple[Path, ...]:
    """Folders of the config sources on disk, and their ``scenario/`` folders (for source documents)."""
    folders = [Path(s.path) for s in hydra_cfg.runtime.config_sources if s.schema == "file"]
    return tuple(folders + [folder / "scenario" for folder in folders])


def resolved_settings(cfg: DictConfig, hydra_cfg: DictConfig) -> dict:
    """The resolved config as saved with a run; a source document outside ``seeds/`` gets its absolute path."""
    settings = OmegaConf.to_container(cfg, resolve=True)
    source = settings["scenario"].get("source")
    found = locate_source(source, config_folders(hydra_cfg)) if source else None
    if found is not None:
        settings["scenario"]["source"] = str(found)
    return settings


def checked_run(cfg: DictConfig, hydra_cfg: DictConfig | None = None) -> RunSpec:
    """Freeze the task config ``cfg``; on bad input print one line and exit with status 2."""
    hydra_cfg = HydraConfig.get() if hydra_cfg is None else hydra_cfg
    folders = config_folders(hydra_cfg)
    try:
        report_wanted(cfg.get("report", "auto"), multirun=False)  # only checks the value
        return build_run(OmegaConf.to_container(cfg, resolve=True), folders)
    except ConfigError as error:
        print(f"negsim: error: {error.in_file(config_file_for(error.key, hydra_cfg))}", file=sys.stderr)
        sys.exit(2)


@hydra.main(version_base="1.3", config_path="pkg://negsim.configs", config_name="negsim")
def main(cfg: DictConfig) -> None:
    """Run the composed scenario; bad input exits with status 2 and one line."""
    run = checked_run(cfg)
    hydra_cfg = HydraConfig.get()
    folder = Path(hydra_cfg.runtime.output_dir)
    settings = resolved_settings(cfg, hydra_cfg)
    print_ = fingerprint(cfg)
    report = report_wanted(cfg.get("report", "auto"), multirun=hydra_cfg.mode == RunMode.MULTIRUN)
    if hydra_cfg.mode != RunMode.MULTIRUN:
        summary = run_config(run, folder, settings, show_progress=bool(cfg.progress), print_=print_, report=report)
        print(format_summary(run, summary, _display(folder)))
        return
    job = f"job {hydra_cfg.job.num} ({' '.join(hydra_cfg.overrides.task) or 'defaults'})"
    summary = None if cfg.rerun else finished(folder, print_)
    if summary is None:
        summary = run_config(run, folder, settings, show_progress=bool(cfg.progress), print_=print_, report=report)
        status = f"agreement {summary['agreement_rate']['estimate']:.1%} in {summary['elapsed_seconds']:.2f} s"
    else:
        status = "already complete, kept (rerun=true runs it again)"
    print(f"{job}: {status}", flush=True)
    print(job_progress(folder.parent), file=sys.stderr, flush=True)


def cli() -> None:
    """Console entry point: the Hydra app, with Hydra's own input errors told in one line.

    A bad override that Hydra rejects while composing (an unknown scenario or
    protocol, a key that does not exist, bad syntax) exits with status 2 and
    one line, like the scenario checks do.
    """
    os.environ.setdefault("HYDRA_FULL_ERROR", "1")  # let composition errors reach us instead of Hydra's report
    try:
        main()
    except CompactHydraException as error:
        text = (
            str(error)
            .split("\nConfig search path")[0]
            .replace("\n\nAvailable", "; available")
            .replace(":\n\t", ": ")
            .replace("\n\t", ", ")
        )
        text = re.sub(r"\s*\n\s*", " ", text).strip()
        print(f"negsim: error: command line: {text}", file=sys.stderr)
        sys.exit(2)
