"""Check every value a sweep will try before its first job starts."""

from __future__ import annotations

import copy

from hydra import compose
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig, OmegaConf, read_write

from negsim.experiments.run.checks import checked_run
from negsim.experiments.sweep.configs import JobConfigs
from negsim.experiments.sweep.launch import worker_count
from negsim.experiments.sweep.state import count_jobs, grid_sweeper

__all__ = ["check_sweep", "value_checks"]


def value_checks(overrides: list[str]) -> tuple[list[str], list[tuple[str, str, object]]]:
    """The overrides of a first job, and each swept value as ``(key, text, typed value)``.

    >>> value_checks(["seed=1", "a=1,2", "b=x"])
    (['seed=1', 'b=x', 'a=1'], [('a', '1', 1), ('a', '2', 2)])
    """
    parsed = OverridesParser.create().parse_overrides(overrides)
    fixed = [f"{o.get_key_element()}={o.get_value_element_as_str()}" for o in parsed if not o.is_sweep_override()]
    sweeps = [o for o in parsed if o.is_sweep_override()]
    first = [f"{o.get_key_element()}={next(iter(o.sweep_string_iterator()))}" for o in sweeps]
    values = [
        (o.get_key_element(), text, typed)
        for o in sweeps
        for text, typed in zip(o.sweep_string_iterator(), o.sweep_iterator(), strict=True)
    ]
    return fixed + first, values


def check_sweep(config: DictConfig) -> None:
    """Validate every swept value like a run, before any job starts (one line and exit status 2).

    The first job's config is composed once (and kept for the launcher to
    start from); each other value is set into a copy of it, except group
    choices (``scenario=...``), which are composed.
    The copy is plain data when it can be (no interpolations in the config,
    a scalar value), so a sweep over a hundred seeds is checked in a blink.
    A problem that only some combination of values has is still caught by
    the job that meets it.
    """
    if not grid_sweeper(config):
        return  # other sweepers choose their values as they go
    params = [f"{key}={value}" for key, value in (config.hydra.sweeper.get("params") or {}).items()]
    base, values = value_checks(params + list(config.hydra.overrides.task))
    name = config.hydra.job.config_name
    n_jobs = OmegaConf.select(config, "hydra.launcher.n_jobs")
    concurrent = worker_count(n_jobs, count_jobs(config) or 1) if isinstance(n_jobs, int) else 1
    first = _first_job(config)
    task = OmegaConf.masked_copy(first, [k for k in first if k != "hydra"])
    resolved = OmegaConf.to_container(task, resolve=True) if not _interpolated(task) else None
    hydra_cfg = copy.deepcopy(first.hydra)  # ``first`` is shared with the launcher: changes go into copies
    for key, text, typed in values:
        plain = key.lstrip("+~")
        overrides = [*base, f"{key}={text}"]
        if plain in first.hydra.runtime.choices or key != plain:
            job = compose(config_name=name, overrides=overrides, return_hydra_config=True)
            checked_run(OmegaConf.masked_copy(job, [k for k in job if k != "hydra"]), job.hydra, concurrent=concurrent)
            continue
        raw = _with_value(resolved, plain, typed) if resolved is not None else None
        if raw is None:  # interpolations, a list or mapping value, a list index in the key: the config's way
            job = copy.deepcopy(first)
            OmegaConf.update(job, plain, typed, force_add=True)
            job.hydra.overrides.task = overrides
            checked_run(OmegaConf.masked_copy(job, [k for k in job if k != "hydra"]), job.hydra, concurrent=concurrent)
            continue
        with read_write(hydra_cfg):
            hydra_cfg.overrides.task = overrides  # for the file and override an error names
        checked_run(raw, hydra_cfg, concurrent=concurrent)


def _first_job(config: DictConfig) -> DictConfig:
    """The first job's config, composed once for the whole sweep (the launchers derive the others from it).

    Read it, never change it: the sweep's jobs start from it.
    """
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.global_hydra import GlobalHydra

    params = [f"{key}={value}" for key, value in (config.hydra.sweeper.get("params") or {}).items()]
    parsed = OverridesParser.create().parse_overrides(params + list(config.hydra.overrides.task))
    first = BasicSweeper.split_arguments(parsed, None)[0][0]
    return JobConfigs(GlobalHydra.instance().config_loader(), config).template(first)[0].config


def _interpolated(task: DictConfig) -> bool:
    """Whether any value of ``task`` is an interpolation (setting one key could change others)."""
    def walk(node) -> bool:
        if isinstance(node, dict):
            return any(walk(value) for value in node.values())
        if isinstance(node, list):
            return any(walk(value) for value in node)
        return isinstance(node, str) and "${" in node

    return walk(OmegaConf.to_container(task, resolve=False))


def _with_value(resolved: dict, key: str, value: object) -> dict | None:
    """A copy of ``resolved`` with ``key`` (dotted) set to a scalar ``value``; ``None`` where that takes more.

    Only the mappings along the key's path are copied.

    >>> _with_value({"a": {"b": 1, "c": 2}, "d": 3}, "a.b", 5)
    {'a': {'b': 5, 'c': 2}, 'd': 3}
    """
    if isinstance(value, dict | list):
        return None
    parts = key.split(".")
    copy = dict(resolved)
    node = copy
    for part in parts[:-1]:
        inner = node.get(part, {})
        if not isinstance(inner, dict):
            return None
        node[part] = dict(inner)
        node = node[part]
    node[parts[-1]] = value
    return copy
