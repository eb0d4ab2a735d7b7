"""User config files are data: a YAML file from a user's folder holds values, never code or Hydra settings.

negsim's own configs (``pkg://negsim.configs``), Hydra's (``pkg://hydra.conf``) and its plugins' are
trusted: they ship with the installed packages. Every other config file Hydra reads (a ``--config-dir``
folder, a ``file://`` or other ``pkg://`` entry of ``hydra.searchpath``, a ``--config-path``) is read by
:func:`read_user_config` instead, once :func:`install` has been called:

- as UTF-8 YAML; a file that is not (a tab, an unclosed bracket, a key twice, Latin-1 text, a binary file)
  is one error naming the file and the line;
- a key is the text written: ``no:`` (Norway), ``on:`` or ``1:`` stay the names ``no``, ``on`` and ``1``,
  which YAML alone would read as a boolean or a number (the command line reads them as text too);
- no ``_target_`` anywhere (it names code for Hydra to call), no ``hydra`` node (callbacks, logging and
  launchers are code too), no ``# @package`` line that moves the content elsewhere, no ``@`` in a defaults
  entry, no resolver call such as ``${oc.env:HOME}`` (plain ``${key}`` references are fine);
- a file of the ``experiment`` group may start with ``# @package _global_``, like negsim's own experiments,
  and then holds only negsim's top-level keys, its defaults (scenario, protocol and the choice of
  ``hydra/launcher`` or ``hydra/sweeper``) and ``hydra.mode`` and ``hydra.sweeper.params``.

The command line is the user's own, but a command copied from someone else should not run code either:
:func:`check_overrides` refuses a ``_target_`` that does not name one of :data:`TARGETS`, and
:func:`check_targets` checks every ``_target_`` of a composed config the same way.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path

import yaml
from hydra._internal.core_plugins.file_config_source import FileConfigSource
from hydra._internal.core_plugins.importlib_resources_config_source import ImportlibResourcesConfigSource
from hydra.plugins.config_source import ConfigLoadError, ConfigResult, ConfigSource
from omegaconf import DictConfig, OmegaConf
from omegaconf._utils import get_yaml_loader

from negsim.experiments.run.checks import display
from negsim.sim.errors import ConfigError
from negsim.sim.runspec import TOP_LEVEL

__all__ = ["TARGETS", "check_overrides", "check_targets", "install", "read_user_config"]

#: What a ``_target_`` may name: negsim's classes, and the Hydra sweepers, launchers and plugins negsim uses.
TARGETS = (
    "negsim.", "hydra_plugins.negsim_sweeps.", "hydra._internal.core_plugins.",
    "hydra_plugins.hydra_joblib_launcher.", "hydra_plugins.hydra_ray_launcher.",
    "hydra_plugins.hydra_submitit_launcher.",
)  # fmt: skip
#: Config packages that ship with negsim or Hydra: read as Hydra reads them.
TRUSTED = ("negsim.configs", "hydra.conf", "hydra_plugins.")
#: Hydra groups a user experiment may choose in its defaults list.
EXPERIMENT_CHOICES = ("hydra/launcher", "hydra/sweeper")
_TAG = "tag:yaml.org,2002:"
_READ_AS_VALUES = {f"{_TAG}{kind}" for kind in ("bool", "int", "float", "null")}
_RESOLVER = re.compile(r"(?<!\\)\$\{\s*[A-Za-z_][\w.]*\s*:")
_DATA_ONLY = "allowed: data only (a user file cannot name code for Hydra to run)"
_YAML = "allowed: YAML text (indent with spaces, close every bracket and quote, each key once in a mapping)"


class _Loader(get_yaml_loader()):
    """OmegaConf's YAML loader (its floats, its duplicate-key check), taking nodes one at a time."""


def _fail(path: str, line: int | None, key: str, problem: str) -> ConfigError:
    return ConfigError(key, problem, file=f"{path}:{line}" if line else path)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _text(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        problem = f"not UTF-8 text (byte 0x{byte:02x} cannot be read: a binary file, or text saved as Latin-1 or"
        raise _fail(path, line, "", f"{problem} another code page); allowed: a YAML file saved as UTF-8") from None


def _yaml_error(error: yaml.YAMLError, text: str, path: str) -> ConfigError:
    """One line for a YAML error: the file, the line and what is wrong."""
    if isinstance(error, yaml.reader.ReaderError):
        line = text.count("\n", 0, error.position) + 1
        return _fail(path, line, "", f"invalid YAML: character #x{error.character:04x} is not allowed in YAML "
                     "text (is this a binary file?); " + _YAML)  # fmt: skip
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = " ".join(str(getattr(error, "problem", None) or error).split())
    duplicate = re.fullmatch(r"found duplicate key (.+)", problem)
    if duplicate:
        first = getattr(error, "context_mark", None)
        where = f" (the mapping starts at line {first.line + 1})" if first is not None else ""
        return _fail(path, line, duplicate.group(1), f"appears twice in one mapping{where}; allowed: each key once")
    context = " ".join(str(getattr(error, "context", None) or "").split())
    return _fail(path, line, "", f"invalid YAML: {problem}" + (f" ({context})" if context else "") + f"; {_YAML}")


def _walk(node: yaml.Node, key: str = "") -> Iterator[tuple[str, yaml.Node, yaml.Node | None]]:
    """Every ``(dotted key, value node, key node)`` below ``node``; plain keys made names."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.tag in _READ_AS_VALUES and key_node.style is None:
                    key_node.tag = f"{_TAG}str"  # ``no:`` is the name "no", not the value false
                name = f"{key}.{key_node.value}" if key else str(key_node.value)
            else:
                name = f"{key}.?" if key else "?"
            yield name, value, key_node
            yield from _walk(value, name)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            name = f"{key}[{index}]"
            yield name, value, None
            yield from _walk(value, name)


def _defaults(node: yaml.Node, path: str, experiment: bool) -> None:
    """A user file's defaults list: other configs by name, never moved (``@``) nor Hydra's groups."""
    entries = node.value if isinstance(node, yaml.SequenceNode) else []
    allowed = "allowed: names of configs in the same group, such as baseline, and _self_"
    for entry in entries:
        parts = [entry] if isinstance(entry, yaml.ScalarNode) else [p for pair in entry.value for p in pair]
        text = " ".join(str(p.value) for p in parts if isinstance(p, yaml.ScalarNode))
        if "@" in text:
            raise _fail(path, _line(entry), "defaults", f"{text!r} moves a config elsewhere (@); {allowed}")
        group = re.sub(r"^(override|optional)\s+", "", text).lstrip("/")
        if group.startswith("hydra") and not (experiment and group.startswith(EXPERIMENT_CHOICES)):
            also = f" (an experiment may choose {' or '.join(EXPERIMENT_CHOICES)})" if experiment else ""
            raise _fail(path, _line(entry), "defaults", f"{text!r} chooses Hydra's own settings; {allowed}{also}")


def _experiment(root: yaml.MappingNode, path: str) -> None:
    """A user experiment at the top level (``# @package _global_``): negsim's keys and a declared sweep only."""
    for key_node, value in root.value:
        key = str(key_node.value)
        if key == "hydra":
            for name, node, key in _walk(value, "hydra"):
                if name in ("hydra.mode", "hydra.sweeper", "hydra.sweeper.params"):
                    continue
                swept = name.removeprefix("hydra.sweeper.params.")
                if name.startswith("hydra.sweeper.params.") and isinstance(node, yaml.ScalarNode) and not (
                    swept.lstrip("+~").startswith("hydra")
                ):
                    continue
                raise _fail(path, _line(key or node), name, "an experiment may set hydra.mode and sweep negsim's keys "
                            "(hydra.sweeper.params.KEY: a,b,c), nothing else of Hydra's; " + _DATA_ONLY)  # fmt: skip
        elif key not in (*TOP_LEVEL, "defaults"):
            near = difflib.get_close_matches(key, TOP_LEVEL, n=1)
            hint = f"did you mean {near[0]}? " if near else ""
            raise _fail(path, _line(key_node), key, f"unknown top-level key; {hint}allowed: "
                        f"{', '.join(TOP_LEVEL)}, defaults, hydra.mode, hydra.sweeper.params")  # fmt: skip


def _check(root: yaml.Node, header: dict, path: str, group_file: str) -> None:
    experiment = group_file.replace("\\", "/").startswith("experiment/")
    package = header.get("package")
    at_top = experiment and package == "_global_"
    if package not in (None, "_group_") and not at_top:
        also = "; an experiment file may use # @package _global_" if experiment else ""
        raise _fail(path, 1, "", f"'# @package {package}' moves the file's content elsewhere in the configuration; "
                    f"allowed: no @package line (a {group_file.split('/')[0]} file is data under its group){also}")
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        raise _fail(path, _line(root), "", f"holds {kind}; allowed: a mapping of keys to values")
    for name, node, key_node in _walk(root):
        last = name.rsplit(".", 1)[-1]
        if key_node is not None and not isinstance(key_node, yaml.ScalarNode):
            raise _fail(path, _line(key_node), name, "a key that is a list or mapping; allowed: a name")
        if last == "_target_":
            raise _fail(path, _line(key_node), name, f"a _target_ in a user file; {_DATA_ONLY}")
        if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and _RESOLVER.search(node.value):
            raise _fail(path, _line(node), name, f"calls a resolver ({node.value!r}); allowed: plain values, "
                        "or ${key} references to other keys")  # fmt: skip
        if name == "defaults":
            _defaults(node, path, experiment)
        elif name == "hydra" and not at_top:
            raise _fail(path, _line(key_node), name, f"Hydra's settings in a user file; {_DATA_ONLY}")
    if at_top:
        _experiment(root, path)


def read_user_config(data: bytes, *, path: str, group_file: str) -> tuple[DictConfig, dict]:
    """A user's config file as Hydra would load it, and its header; refused as :class:`ConfigError` if not data.

    ``path`` names the file in errors; ``group_file`` is its path in the config tree (``scenario/x.yaml``).

    >>> cfg, _ = read_user_config(b"actors:\\n  no: {label: Norway}\\n  1: {label: One}\\n", path="x.yaml",
    ...                           group_file="scenario/x.yaml")
    >>> list(cfg.actors)
    ['no', '1']
    >>> read_user_config(b"a: 1\\na: 2\\n", path="x.yaml", group_file="scenario/x.yaml")
    Traceback (most recent call last):
    ...
    negsim.sim.errors.ConfigError: x.yaml:2: a: appears twice in one mapping (...); allowed: each key once
    """
    text = _text(data, path)
    try:
        header = ConfigSource._get_header_dict(text[:512])
    except ValueError as error:
        raise _fail(path, 1, "", f"{error}; allowed: no @package line") from None
    loader = None
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
        if root is not None:
            _check(root, header, path, group_file)
        content = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        raise _yaml_error(error, text, path) from None
    finally:
        if loader is not None:
            loader.dispose()
    return OmegaConf.create(content or {}), header


class UserFileSource(FileConfigSource):
    """Hydra's ``file://`` config source, reading each file with :func:`read_user_config`."""

    def load_config(self, config_path: str) -> ConfigResult:
        normalized = self._normalize_file_name(config_path)
        full = Path(self.path.removeprefix(f"{self.scheme()}://"), normalized).resolve()
        if not full.exists():
            raise ConfigLoadError(f"Config not found : {full}")
        cfg, header = read_user_config(full.read_bytes(), path=display(full), group_file=normalized)
        return ConfigResult(config=cfg, path=f"{self.scheme()}://{self.path}", provider=self.provider, header=header)


class UserPackageSource(ImportlibResourcesConfigSource):
    """Hydra's ``pkg://`` config source: negsim's, Hydra's and its plugins' packages as they are, others as data."""

    def load_config(self, config_path: str) -> ConfigResult:
        if self.path.startswith(TRUSTED):
            return super().load_config(config_path)
        from importlib import resources

        normalized = self._normalize_file_name(config_path)
        res = resources.files(self.path).joinpath(normalized)
        if not res.is_file():
            raise ConfigLoadError(f"Config not found : {normalized}")
        name = f"{self.scheme()}://{self.path}/{normalized}"
        cfg, header = read_user_config(res.read_bytes(), path=name, group_file=normalized)
        return ConfigResult(config=cfg, path=f"{self.scheme()}://{self.path}", provider=self.provider, header=header)


# Hydra's joblib and Ray workers restore the sources registry from the parent (ours) and then register Hydra's own
# sources again, which Hydra accepts only under the same class name (it then keeps the registered one: ours).
UserFileSource.__name__ = FileConfigSource.__name__
UserPackageSource.__name__ = ImportlibResourcesConfigSource.__name__


def install() -> None:
    """Read every config file Hydra loads in this process through :class:`UserFileSource` and
    :class:`UserPackageSource` (Hydra's own sources are registered first, then replaced)."""
    from hydra._internal.sources_registry import SourcesRegistry
    from hydra.core.plugins import Plugins

    Plugins.instance()  # registers Hydra's sources; replacing them first would make it refuse its own
    registry = SourcesRegistry.instance()
    registry.types[UserFileSource.scheme()] = UserFileSource
    registry.types[UserPackageSource.scheme()] = UserPackageSource


def _target_problem(value: object) -> str | None:
    if isinstance(value, str) and value.startswith(TARGETS):
        return None
    return f"{value!r} is not one of negsim's classes; allowed: a class under {', '.join(TARGETS)}"


def check_targets(cfg: object, key: str = "") -> None:
    """Raise :class:`ConfigError` for any ``_target_`` in ``cfg`` (a config or plain data) outside :data:`TARGETS`.

    >>> check_targets({"hydra": {"callbacks": {"x": {"_target_": "negsim.experiments.run.callbacks.CheckBeforeRun"}}}})
    >>> check_targets({"hydra": {"callbacks": {"x": {"_target_": "pathlib.Path.write_text"}}}})
    Traceback (most recent call last):
    ...
    negsim.sim.errors.ConfigError: <config>: hydra.callbacks.x._target_: 'pathlib.Path.write_text' is not ...
    """
    if isinstance(cfg, DictConfig):
        cfg = OmegaConf.to_container(cfg, resolve=False)
    if isinstance(cfg, dict):
        for name, value in cfg.items():
            inner = f"{key}.{name}" if key else str(name)
            if name == "_target_" and (problem := _target_problem(value)):
                raise ConfigError(inner, problem)
            check_targets(value, inner)
    elif isinstance(cfg, list):
        for index, value in enumerate(cfg):
            check_targets(value, f"{key}[{index}]")


def check_overrides(overrides: list[str]) -> None:
    """Refuse a command-line override that sets a ``_target_`` outside :data:`TARGETS` (``ConfigError``)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    suspicious = [line for line in overrides if "_target_" in line]
    if not suspicious:
        return
    for line in suspicious:
        try:
            override = OverridesParser.create().parse_overrides([line])[0]
        except Exception:  # a bad override: Hydra says what is wrong with it
            continue
        key = override.key_or_group.lstrip("+~")
        values = list(override.sweep_iterator()) if override.is_sweep_override() else [override.value()]
        for value in values:
            try:
                if key.rsplit(".", 1)[-1] == "_target_":
                    if problem := _target_problem(value):
                        raise ConfigError(key, problem, file=f"command line: {line}")
                else:
                    check_targets(value, key)
            except ConfigError as error:
                raise error.in_file(f"command line: {line}") from None
