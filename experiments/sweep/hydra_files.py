"""A job's ``.hydra/`` files as Hydra's ``run_job`` writes them, written again only where the config changed.

Hydra saves ``config.yaml`` (the job's config less ``hydra``), ``hydra.yaml``
(the ``hydra`` node) and ``overrides.yaml`` with ``OmegaConf.to_yaml``, which
takes tens of milliseconds for the evidence-rich baseline. A YAML block
mapping is its entries one after another, so :class:`SavedYaml` keeps the
text of each entry and, job after job, writes again only the entries that may
have changed: the task keys a job overrides, and in ``hydra`` the fields a
launcher sets (:data:`JOB_FIELDS`). The first texts are checked against
``OmegaConf.to_yaml``; if they differ, ``OmegaConf.to_yaml`` is used from then on.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf._utils import get_omega_conf_dumper

__all__ = ["JOB_FIELDS", "HydraFiles", "SavedYaml"]

#: Fields of the ``hydra`` node that change from one job of a sweep to the next.
JOB_FIELDS = {"job": {"id", "num", "override_dirname"}, "runtime": {"output_dir"}, "overrides": {"task"}}


def _dump(data: object) -> str:
    """``OmegaConf.to_yaml`` of plain data (the dumper and options it uses)."""
    return yaml.dump(data, default_flow_style=False, allow_unicode=True, sort_keys=False,
                     Dumper=get_omega_conf_dumper())  # fmt: skip


def _entry(node: DictConfig, key: str) -> object:
    """Plain data of ``node[key]`` as ``OmegaConf.to_container(node, resolve=False, enum_to_str=True)`` has it."""
    child = node._get_node(key)
    if OmegaConf.is_config(child) and not child._is_interpolation() and not child._is_missing():
        return OmegaConf.to_container(child, resolve=False, enum_to_str=True)
    return OmegaConf.to_container(OmegaConf.masked_copy(node, [key]), resolve=False, enum_to_str=True)[key]


class SavedYaml:
    """The YAML of a mapping's entries, each kept until it changes; ``prefix`` is where the mapping is nested.

    >>> saved = SavedYaml()
    >>> config = OmegaConf.create({"seed": 1, "scenario": {"name": "x"}})
    >>> print(saved.entries(config, ["seed", "scenario"]), end="")
    seed: 1
    scenario:
      name: x
    >>> config.seed = 2
    >>> saved.entries(config, ["seed", "scenario"], changed={"seed"}) == OmegaConf.to_yaml(config)
    True
    """

    def __init__(self, prefix: tuple[str, ...] = ()) -> None:
        self.prefix = prefix
        self.texts: dict[str, str] = {}

    def _emit(self, node: DictConfig, key: str) -> str:
        data: object = {key: _entry(node, key)}
        for name in reversed(self.prefix):
            data = {name: data}
        return "".join(_dump(data).splitlines(keepends=True)[len(self.prefix):])

    def entries(self, node: DictConfig, keys: list[str], changed: set[str] | None = None) -> str:
        """The text of ``keys`` of ``node``; ``changed`` names the only entries that may differ from last time."""
        for key in keys:
            if changed is None or key in changed or key not in self.texts:
                self.texts[key] = self._emit(node, key)
        return "".join(self.texts[key] for key in keys)


class HydraFiles:
    """The three ``.hydra/`` files of the jobs of one config shape, written as ``hydra.core.utils.run_job`` does."""

    def __init__(self) -> None:
        self.task = SavedYaml()
        self.hydra = SavedYaml(("hydra",))
        self.fields = {name: SavedYaml(("hydra", name)) for name in JOB_FIELDS}
        self.checked = False
        self.exact = True

    def _hydra_text(self, config: DictConfig, changed: set[str] | None) -> str:
        hydra, parts = config.hydra, ["hydra:\n"]
        for key in hydra:
            child = hydra._get_node(key)
            if key in self.fields and OmegaConf.is_dict(child) and len(child) and not child._is_interpolation():
                fields = None if changed is None else JOB_FIELDS[key]
                parts.append(f"  {key}:\n" + self.fields[key].entries(child, list(child), fields))
            else:
                parts.append(self.hydra.entries(hydra, [key], None if changed is None else set()))
        return "".join(parts)

    def texts(self, config: DictConfig, changed: set[str] | None) -> tuple[str, str]:
        """``config.yaml`` and ``hydra.yaml``; ``changed`` names the task keys that may differ (``None``: any)."""
        task_keys = [key for key in config if key != "hydra"]
        if self.exact:
            task = self.task.entries(config, task_keys, changed) if task_keys else "{}\n"
            hydra = self._hydra_text(config, changed)
            if self.checked:
                return task, hydra
            self.checked = True
        task_ref = OmegaConf.to_yaml(OmegaConf.masked_copy(config, task_keys))
        hydra_ref = OmegaConf.to_yaml(OmegaConf.masked_copy(config, "hydra"))
        if self.exact and (task, hydra) != (task_ref, hydra_ref):
            self.exact = False
        return task_ref, hydra_ref

    def write(self, config: DictConfig, folder: Path, changed: set[str] | None) -> None:
        """Write ``config.yaml``, ``hydra.yaml`` and ``overrides.yaml`` of ``config`` into ``folder``.

        ``changed`` names the top-level task keys that may differ from the
        previous job written through this object (``None``: any of them).
        """
        folder.mkdir(parents=True, exist_ok=True)
        task, hydra = self.texts(config, changed)
        for name, text in (("config.yaml", task), ("hydra.yaml", hydra),
                           ("overrides.yaml", OmegaConf.to_yaml(config.hydra.overrides.task))):  # fmt: skip
            with open(folder / name, "w", encoding="utf-8") as file:
                file.write(text)
