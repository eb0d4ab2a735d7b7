"""Evidence behind scenario values: source documents, quotes checked verbatim, stated judgments."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from negsim.sim.errors import ConfigError, got

__all__ = ["JUDGMENT", "SUPPORT", "check_evidence", "flat_evidence", "locate_source", "read_source"]

#: Evidence that starts with this prefix is the modeller's judgment, not a quote.
JUDGMENT = "judgment:"
#: What an evidence entry may be, as error messages say it.
SUPPORT = f"a quote from the source document or '{JUDGMENT} <why>'"


def locate_source(name: str, folders: tuple[Path, ...] = ()) -> Path | None:
    """Absolute path of a source document kept outside ``seeds/``, or ``None``.

    Looked up as a path (absolute, or from the working folder), then in each
    of ``folders`` (the config folders, so a user scenario can sit beside its
    document).
    """
    for path in (Path(name).expanduser(), *(Path(folder) / name for folder in folders)):
        if path.is_file():
            return path.resolve()
    return None


def read_source(name: str, folders: tuple[Path, ...] = ()) -> str:
    """Text of a scenario's source document: see :func:`locate_source`, then the documents in ``seeds/``."""
    path = locate_source(name, folders)
    if path is not None:
        return path.read_text(encoding="utf-8")
    packaged = resources.files("negsim.seeds").joinpath(name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    raise FileNotFoundError(name)


def check_evidence(value: Any, key: str, source: str | None) -> str:
    """The evidence text at ``key``: a judgment, or a quote found verbatim in ``source``."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, f"{got(value)}; allowed: {SUPPORT}")
    if value.lower().startswith(JUDGMENT):
        return value
    if source is None:
        raise ConfigError(key, f"a quote but no source document; allowed: set scenario.source or '{JUDGMENT} <why>'")
    if value not in source:
        raise ConfigError(key, f"quote not found verbatim in the source document: {value!r}; allowed: {SUPPORT}")
    return value


def _as_mapping(value: Any, key: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise ConfigError(key, f"{got(value)}; allowed: a mapping")
    return value


def flat_evidence(raw: Any, key: str) -> dict:
    """Evidence keyed ``ideal.<issue>``, also when written nested (as ``a.b=...`` overrides make it)."""
    flat = {}
    for item, text in _as_mapping(raw, key).items():
        if isinstance(text, Mapping):
            flat |= {f"{item}.{sub}": inner for sub, inner in text.items()}
        else:
            flat[item] = text
    return flat
