"""Check every value a sweep will try before its first job starts."""

from __future__ import annotations

from hydra import compose
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import DictConfig, OmegaConf

from negsim.experiments.run.checks import checked_run

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

    The first job's config is composed once; each other value is set into a
    copy of it, except group choices (``scenario=...``), which are composed.
    A problem that only some combination of values has is still caught by
    the job that meets it.
    """
    sweeper = config.hydra.sweeper
    if "BasicSweeper" not in str(sweeper.get("_target_", "")):
        return  # other sweepers choose their values as they go
    params = [f"{key}={value}" for key, value in (sweeper.get("params") or {}).items()]
    base, values = value_checks(params + list(config.hydra.overrides.task))
    name = config.hydra.job.config_name
    first = compose(config_name=name, overrides=base, return_hydra_config=True)
    for key, text, typed in values:
        plain = key.lstrip("+~")
        if plain in first.hydra.runtime.choices or key != plain:
            job = compose(config_name=name, overrides=[*base, f"{key}={text}"], return_hydra_config=True)
        else:
            job = first.copy()
            OmegaConf.update(job, plain, typed, force_add=True)
            job.hydra.overrides.task = [*base, f"{key}={text}"]
        checked_run(OmegaConf.masked_copy(job, [k for k in job if k != "hydra"]), job.hydra)
