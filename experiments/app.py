"""The ``negsim`` command: a Hydra app that runs one scenario and writes its files."""

from __future__ import annotations

import os
import re
import sys
import time
from importlib import resources
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.errors import CompactHydraException
from omegaconf import DictConfig, OmegaConf

from experiments.console import Progress, format_summary
from experiments.outputs import summarize, write_run
from sim.errors import ConfigError
from sim.model import simulate
from sim.runspec import build_run
from sim.spec import RunSpec

__all__ = ["checked_run", "cli", "config_file_for", "main", "run_config"]


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
    overridden.sort(key=lambda o: len(o.split("=", 1)[0]), reverse=True)  # the most specific first
    return found + (f" (command line: {overridden[0]})" if overridden else "")


def run_config(run: RunSpec, folder: Path, *, show_progress: bool = True) -> dict:
    """Simulate ``run``, write its files into ``folder`` and return the summary."""
    progress = Progress(f"{run.scenario.name}/{run.protocol.name}") if show_progress else None
    start = time.perf_counter()
    result = simulate(run, progress=progress)
    summary = summarize(run, result, elapsed=time.perf_counter() - start)
    write_run(folder, run, result, summary)
    return summary


def checked_run(cfg: DictConfig, hydra_cfg: DictConfig | None = None) -> RunSpec:
    """Freeze the task config ``cfg``; on bad input print one line and exit with status 2."""
    hydra_cfg = HydraConfig.get() if hydra_cfg is None else hydra_cfg
    folders = [Path(s.path) for s in hydra_cfg.runtime.config_sources if s.schema == "file"]
    folders += [folder / "scenario" for folder in folders]
    try:
        return build_run(OmegaConf.to_container(cfg, resolve=True), tuple(folders))
    except ConfigError as error:
        print(f"negsim: error: {error.in_file(config_file_for(error.key, hydra_cfg))}", file=sys.stderr)
        sys.exit(2)


@hydra.main(version_base="1.3", config_path="pkg://configs", config_name="negsim")
def main(cfg: DictConfig) -> None:
    """Run the composed scenario; bad input exits with status 2 and one line."""
    run = checked_run(cfg)
    folder = Path(HydraConfig.get().runtime.output_dir)
    summary = run_config(run, folder, show_progress=bool(cfg.get("progress", True)))
    print(format_summary(run, summary, _display(folder)))


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
