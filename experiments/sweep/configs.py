"""Each job's config of a sweep, composed by Hydra once per shape and derived for the other jobs.

Hydra composes a job's config from scratch (about 0.1 s with the evidence-rich
baseline: every YAML file read and merged again). The jobs of a sweep differ
in a few values, so :class:`JobConfigs` composes the first job of each
*shape* (the same group choices and the same keys overridden) with Hydra and
derives the others from it by applying their differing ``key=value``
overrides with Hydra's own code (``_apply_overrides_to_config``) and setting
the bookkeeping Hydra records (``hydra.overrides.task``,
``hydra.job.override_dirname``). Anything that changes the defaults list (a
group such as ``scenario=``, a ``+``/``~`` override, a ``hydra.`` key, a list
or mapping value) makes a shape of its own, composed by Hydra.

Derivation is checked, not trusted: the second job of each shape is also
composed by Hydra, and if the two configs differ in any way, every job of
that shape is composed by Hydra from then on.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hydra._internal.config_loader_impl import ConfigLoaderImpl, get_overrides_dirname
from hydra.core.config_loader import ConfigLoader
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override, OverrideType
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

if TYPE_CHECKING:
    from negsim.experiments.sweep.hydra_files import HydraFiles

__all__ = ["JobConfigs", "SweepConfigLoader", "Template", "Working"]

#: Shapes composed so far in this process, by what decides them (see :meth:`JobConfigs._parse`).
_TEMPLATES: dict[tuple, Template] = {}


@dataclass
class Template:
    """A config Hydra composed for one job, and what is known about deriving others from it."""

    overrides: list[Override]
    config: DictConfig
    verified: bool = False
    trusted: bool = True
    #: The config the in-process launcher changes job after job (:meth:`JobConfigs.working`).
    running: Working | None = None
    #: A copy the pre-launch check applies overrides to (:meth:`JobConfigs.check`).
    scratch: DictConfig | None = None


def _simple(override: Override, groups: set[str], overlapping: set[str]) -> bool:
    """Whether ``override`` only sets a value (it cannot change which config files are composed)."""
    key = override.key_or_group
    return (
        override.type == OverrideType.CHANGE and override.package is None and not override.is_hydra_override()
        and not override.is_sweep_override() and "/" not in key and key not in groups and key not in overlapping
        and not isinstance(override.value(), dict | list)
    )  # fmt: skip


def _overlapping(overrides: list[Override]) -> set[str]:
    """Keys one of which lies inside another (``a`` and ``a.b``): their order matters, so compose them."""
    keys = [o.key_or_group for o in overrides]
    return {k for k in keys for other in keys if k != other and other.startswith(f"{k}.")} | {
        k for k in keys for other in keys if k != other and k.startswith(f"{other}.")
    }


@dataclass
class Working:
    """A config changed in place job after job, with a view of its task part and its saved ``.hydra`` files."""

    config: DictConfig
    overrides: list[Override]
    task: DictConfig | None = None
    files: HydraFiles | None = None


class JobConfigs:
    """The configs of one sweep's jobs: ``master`` is the sweep's config, ``loader`` Hydra's config loader."""

    def __init__(self, loader: ConfigLoader, master: DictConfig) -> None:
        self.loader = loader.loader if isinstance(loader, SweepConfigLoader) else loader
        self.master = master
        self.parser = OverridesParser.create()
        self.parsed: dict[str, Override] = {}
        self.hydra_overrides = list(OmegaConf.to_container(master.hydra.overrides.hydra))
        self.groups = set(master.hydra.runtime.choices.keys())
        self.sweep_dir = str(master.hydra.sweep.dir)

    def compose(self, overrides: Sequence[str]) -> DictConfig:
        """The job's config as Hydra composes it (what ``load_sweep_config`` gives)."""
        return self.loader.load_sweep_config(self.master, list(overrides))

    def _parse(self, overrides: Sequence[str]) -> tuple[list[Override], list[bool], tuple]:
        parsed = []
        for line in overrides:  # Hydra's parser takes milliseconds an override: each text is parsed once
            if line not in self.parsed:
                self.parsed[line] = self.parser.parse_overrides([line])[0]
            parsed.append(self.parsed[line])
        overlapping = _overlapping(parsed)
        simple = [_simple(o, self.groups, overlapping) for o in parsed]
        shape = tuple(("=", o.key_or_group) if s else o.input_line for o, s in zip(parsed, simple, strict=True))
        key = (self.master.hydra.job.config_name, tuple(self.hydra_overrides), str(self.loader.get_search_path()),
               self.master.hydra.runtime.cwd, self.sweep_dir, shape)  # fmt: skip
        return parsed, simple, key

    def template(self, overrides: Sequence[str]) -> tuple[Template, list[Override], list[bool]]:
        """The template of the job's shape (composed now if it is the first of its shape)."""
        parsed, simple, key = self._parse(overrides)
        template = _TEMPLATES.get(key)
        if template is None:
            template = _TEMPLATES[key] = Template(overrides=parsed, config=self.compose(overrides))
        return template, parsed, simple

    def derive(self, config: DictConfig, base: list[Override], parsed: list[Override], simple: list[bool],
               also: DictConfig | None = None, *, record: bool = True) -> set[str]:  # fmt: skip
        """Turn ``config`` (composed or derived for the overrides ``base``) into the config for ``parsed``.

        The changed values are also set into ``also`` (a view of the task
        part, when there is one); without ``record`` the ``hydra`` node is left
        as it is (enough to check the values). Returns the top-level keys whose
        values may have changed.
        """
        changed: set[str] = set()
        for old, new, is_simple in zip(base, parsed, simple, strict=True):
            if is_simple and old.input_line != new.input_line:
                for target in (config,) if also is None else (config, also):
                    ConfigLoaderImpl._apply_overrides_to_config([new], target)
                changed.add(new.key_or_group.split(".")[0])
        if not record:
            return changed
        task = [o for o in parsed if not o.is_hydra_override()]
        job = config.hydra.job
        with read_write(config.hydra), open_dict(config.hydra):
            config.hydra.overrides.task = [o.input_line for o in task]
            job.override_dirname = get_overrides_dirname(
                overrides=task, kv_sep=job.config.override_dirname.kv_sep,
                item_sep=job.config.override_dirname.item_sep, exclude_keys=job.config.override_dirname.exclude_keys,
            )  # fmt: skip
        return changed

    def fresh(self, overrides: Sequence[str]) -> DictConfig:
        """A new config for the job, equal to Hydra's composition of it, derived where the shape allows."""
        template, parsed, simple = self.template(overrides)
        if template.overrides == parsed or not template.trusted:
            return copy.deepcopy(template.config) if template.overrides == parsed else self.compose(overrides)
        config = copy.deepcopy(template.config)
        self.derive(config, template.overrides, parsed, simple)
        if not template.verified:
            template.verified = True
            composed = self.compose(overrides)
            if OmegaConf.to_yaml(composed) != OmegaConf.to_yaml(config):
                template.trusted = False
                return composed
        return config

    def working(self, overrides: Sequence[str]) -> tuple[Working, set[str] | None]:
        """The job's config, changed in place from the previous job of its shape.

        Returns it with the top-level keys that may differ from that job's
        (``None`` when the config is new). The launcher that runs jobs in this
        process uses it: no copy per job.
        """
        template, parsed, simple = self.template(overrides)
        state = template.running
        if state is not None and template.trusted:
            if not template.verified:
                self.fresh(overrides)  # checks derivation once against Hydra's composition
            if template.trusted:
                changed = self.derive(state.config, state.overrides, parsed, simple, also=state.task)
                state.overrides = parsed
                return state, changed
        config = self.fresh(overrides)
        state = Working(config=config, overrides=parsed)
        if template.trusted:
            template.running = state
        return state, None

    def prepare(self, overrides: Sequence[str]) -> tuple[Template, list[Override], list[bool]]:
        """:meth:`template`, with the derivation for the job's shape checked once against Hydra's composition."""
        template, parsed, simple = self.template(overrides)
        if template.trusted and not template.verified and template.overrides != parsed:
            self.fresh(overrides)
        return template, parsed, simple

    def check(self, overrides: Sequence[str]) -> None:
        """Raise what composing the job would raise (a key that does not exist, a bad value for its type)."""
        template, parsed, simple = self.prepare(overrides)
        if template.overrides == parsed or not template.trusted:
            return
        if template.scratch is None:
            template.scratch = copy.deepcopy(template.config)
        self.derive(template.scratch, template.overrides, parsed, simple, record=False)


class SweepConfigLoader(ConfigLoader):
    """Hydra's config loader, with ``load_sweep_config`` answered by :class:`JobConfigs`.

    Handed to every launcher (Hydra's basic, joblib, Ray and submitit
    launchers call ``load_sweep_config`` for each job); it pickles as the
    wrapped loader does, and each process keeps its own templates.
    """

    def __init__(self, loader: ConfigLoader) -> None:
        self.loader = loader
        self._jobs: JobConfigs | None = None

    def __getstate__(self) -> dict:
        return {"loader": self.loader, "_jobs": None}

    def jobs(self, master: DictConfig) -> JobConfigs:
        """The :class:`JobConfigs` of the sweep whose config is ``master``."""
        if self._jobs is None or self._jobs.master is not master:
            self._jobs = JobConfigs(self.loader, master)
        return self._jobs

    def load_sweep_config(self, master_config: DictConfig, sweep_overrides: list[str]) -> DictConfig:
        return self.jobs(master_config).fresh(sweep_overrides)

    def load_configuration(self, *args, **kwargs) -> DictConfig:
        return self.loader.load_configuration(*args, **kwargs)

    def get_search_path(self):
        return self.loader.get_search_path()

    def get_sources(self):
        return self.loader.get_sources()

    def list_groups(self, parent_name: str) -> list[str]:
        return self.loader.list_groups(parent_name)

    def get_group_options(self, *args, **kwargs) -> list[str]:
        return self.loader.get_group_options(*args, **kwargs)

    def compute_defaults_list(self, *args, **kwargs):
        return self.loader.compute_defaults_list(*args, **kwargs)
