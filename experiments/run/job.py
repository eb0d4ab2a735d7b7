"""One run from its checked spec to its files: simulate, summarise, write; and what makes a run complete."""

from __future__ import annotations

import functools
import hashlib
import json
import time
from importlib.metadata import version
from pathlib import Path

from omegaconf import DictConfig

from negsim import agents, sim
from negsim.agents.model import simulate
from negsim.experiments.run.checks import config_folders
from negsim.experiments.run.console import Progress
from negsim.experiments.run.files import summarize, write_run
from negsim.experiments.run.folder import problem
from negsim.sim.spec import RunSpec
from negsim.sim.validate import locate_source

__all__ = ["ENGINE", "engine_digest", "fingerprint", "finished", "resolved_settings", "run_config"]

#: Settings that change how a run reports, not what it computes.
_NO_EFFECT = ("progress", "rerun", "report")
#: The packages whose code decides a run's results (the engine), hashed into every fingerprint.
ENGINE = (sim, agents)


@functools.cache
def engine_digest() -> str:
    """Hash of every ``.py`` file of the engine's packages (:data:`ENGINE`), by path inside its package."""
    digest = hashlib.sha256()
    for package in ENGINE:
        root = Path(package.__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def fingerprint(resolved: dict) -> str:
    """Hash of everything that decides a run's results: the resolved config and the engine's code.

    ``resolved`` is the task config as plain data (``OmegaConf.to_container(cfg, resolve=True)``). The
    code is hashed file by file (``negsim.sim`` and ``negsim.agents``), so an edited engine in an editable
    install does not count earlier jobs as complete.
    """
    settings = {key: value for key, value in resolved.items() if key not in _NO_EFFECT}
    text = json.dumps([version("negsim"), engine_digest(), settings], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def finished(folder: Path, print_: str) -> dict | None:
    """The summary of a complete earlier run in ``folder`` with fingerprint ``print_``, if any.

    A run whose files are missing, cut short or damaged is not complete (see ``folder.problem``).
    """
    if not (folder / "summary.json").is_file() or problem(folder) is not None:
        return None
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return summary if summary.get("fingerprint") == print_ else None


def resolved_settings(resolved: dict, hydra_cfg: DictConfig) -> dict:
    """The resolved config as saved with a run; a source document outside ``seeds/`` gets its absolute path.

    ``resolved`` is left as it is (the copy shares everything but the scenario's top level).
    """
    settings = dict(resolved)
    source = settings["scenario"].get("source")
    found = locate_source(source, config_folders(hydra_cfg)) if source else None
    if found is not None:
        settings["scenario"] = {**settings["scenario"], "source": str(found)}
    return settings


def run_config(run: RunSpec, folder: Path, settings: dict, *, show_progress: bool = True,
               print_: str | None = None) -> dict:  # fmt: skip
    """Simulate ``run`` (built from ``settings``), write its files into ``folder`` and return the summary."""
    progress = Progress(f"{run.scenario.name}/{run.protocol.name}") if show_progress else None
    start = time.perf_counter()
    result = simulate(run, progress=progress)
    summary = summarize(run, result, elapsed=time.perf_counter() - start) | {"fingerprint": print_}
    write_run(folder, run, result, summary, settings)
    return summary
