"""Check a composed config before anything runs; an error names the file and the override behind the bad key."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from negsim.sim.errors import ConfigError
from negsim.sim.runspec import build_run
from negsim.sim.spec import RunSpec

__all__ = ["ANALYSIS_CHECKS", "checked_run", "config_file_for", "config_folders", "display", "report_wanted"]

#: The check of each ``+analysis=NAME``'s settings, ``check(run, raw, multirun=...)``, registered by the entry
#: point (``negsim.experiments.app``): the analyses live in a layer above this one.
ANALYSIS_CHECKS: dict[str, Callable[..., None]] = {}


def display(path: Path) -> str:
    """``path`` relative to the working folder when it lies inside it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def report_wanted(mode: object, *, multirun: bool) -> bool:
    """Whether a run writes ``report.html``: ``auto`` for single runs only, ``true`` always, ``false`` never.

    >>> report_wanted("auto", multirun=True), report_wanted(True, multirun=True)
    (False, True)

    Raises:
        ConfigError: for any other value.
    """
    if mode == "auto" and isinstance(mode, str):
        return not multirun
    if isinstance(mode, bool):
        return mode
    raise ConfigError("report", f"got {mode!r}; allowed: auto, true, false")


def config_file_for(key: str, hydra_cfg: DictConfig | None = None) -> str:
    """The config file that supplied ``key``, as Hydra composed it.

    Keys under ``scenario.`` or ``protocol.`` come from that group's chosen file
    (``sensitivity.`` from the chosen ``analysis``); the rest from the primary config. A key set on the
    command line says so. ``hydra_cfg`` is the ``hydra`` node (default: the running job's).
    """
    hydra_cfg = HydraConfig.get() if hydra_cfg is None else hydra_cfg
    group = key.split(".", 1)[0]
    folder = {"scenario": "scenario", "protocol": "protocol", "sensitivity": "analysis"}.get(group)
    choice = hydra_cfg.runtime.choices.get(folder) if folder else None
    relative = f"{folder}/{choice}.yaml" if choice else f"{hydra_cfg.job.config_name}.yaml"
    found = relative
    for source in hydra_cfg.runtime.config_sources:
        if source.schema == "file":
            candidate = Path(source.path) / relative
        elif source.schema == "pkg":
            candidate = Path(str(resources.files(source.path.replace("/", ".")).joinpath(relative)))
        else:
            continue
        if candidate.is_file():
            found = display(candidate)
            break
    overridden = [
        o for o in hydra_cfg.overrides.task
        if (name := o.split("=", 1)[0].lstrip("+~")) in (key, group)
        or key.startswith(name + ".") or name.startswith(key + ".")
    ]  # fmt: skip
    overridden.reverse()  # Hydra applies the last of repeated overrides
    overridden.sort(key=lambda o: len(o.split("=", 1)[0]), reverse=True)  # the most specific first (stable)
    return found + (f" (command line: {overridden[0]})" if overridden else "")


def config_folders(hydra_cfg: DictConfig) -> tuple[Path, ...]:
    """Folders of the config sources on disk, and their ``scenario/`` folders (for source documents)."""
    folders = [Path(s.path) for s in hydra_cfg.runtime.config_sources if s.schema == "file"]
    return tuple(folders + [folder / "scenario" for folder in folders])


def checked_run(cfg: DictConfig | dict, hydra_cfg: DictConfig | None = None, *, concurrent: int = 1) -> RunSpec:
    """Freeze the task config ``cfg`` (composed, or already resolved to plain data) and check that the run fits
    in memory (``concurrent`` runs like it at once).

    Raises:
        ConfigError: naming the config file that supplied the bad key (and the override, if one did).
    """
    from negsim.experiments.run.memory import check_memory

    hydra_cfg = HydraConfig.get() if hydra_cfg is None else hydra_cfg
    folders = config_folders(hydra_cfg)
    raw = cfg if isinstance(cfg, dict) else OmegaConf.to_container(cfg, resolve=True)
    try:
        report = report_wanted(raw.get("report", "auto"), multirun=str(hydra_cfg.mode) == str(RunMode.MULTIRUN))
        run = build_run(raw, folders)
        check_memory(run, report=report, concurrent=concurrent)
        if raw.get("analysis") is not None or raw.get("sensitivity") is not None:
            _check_analysis(run, raw, multirun=str(hydra_cfg.mode) == str(RunMode.MULTIRUN))
        return run
    except ConfigError as error:
        raise error.in_file(config_file_for(error.key, hydra_cfg)) from None


def _check_analysis(run: RunSpec, raw: dict, *, multirun: bool) -> None:
    """``+analysis=NAME`` and its settings, checked before Hydra writes anything (see :data:`ANALYSIS_CHECKS`)."""
    analysis = raw.get("analysis")
    if analysis is None:
        raise ConfigError("sensitivity", "set without an analysis, so nothing would read it; allowed: "
                          "+analysis=sensitivity (or the negsim-sensitivity command)")  # fmt: skip
    check = ANALYSIS_CHECKS.get(analysis)
    if check is None:
        raise ConfigError("analysis", f"unknown value {analysis!r}; allowed: {', '.join(ANALYSIS_CHECKS)} "
                          "(+analysis=NAME)")  # fmt: skip
    check(run, raw, multirun=multirun)
