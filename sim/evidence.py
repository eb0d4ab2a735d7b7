"""Evidence behind scenario values: source documents, quotes checked verbatim, stated judgments."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from negsim.sim.errors import ConfigError, got

__all__ = ["JUDGMENT", "MAX_SOURCE_BYTES", "SUPPORT", "check_evidence", "flat_evidence", "locate_source", "read_source"]

#: Evidence that starts with this prefix is the modeller's judgment, not a quote.
JUDGMENT = "judgment:"
#: What an evidence entry may be, as error messages say it.
SUPPORT = f"a quote from the source document or '{JUDGMENT} <why>'"
#: Largest source document (an article or a report is a few hundred kilobytes).
MAX_SOURCE_BYTES = 20_000_000


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


def _text(path, name: str) -> str:
    """A source document's text; one that is too large or not UTF-8 text is refused (``scenario.source``)."""
    size = path.stat().st_size if isinstance(path, Path) else 0
    if size > MAX_SOURCE_BYTES:
        raise ConfigError("scenario.source", f"{name} is {size:,} bytes; allowed: a text document of at most "
                          f"{MAX_SOURCE_BYTES:,} bytes")  # fmt: skip
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError("scenario.source", f"{name} is not UTF-8 text (byte 0x{data[error.start]:02x} on line "
                          f"{line} cannot be read: a binary file, or text saved as Latin-1 or another code page); "
                          "allowed: a text document saved as UTF-8") from None  # fmt: skip


def read_source(name: str, folders: tuple[Path, ...] = ()) -> str:
    """Text of a scenario's source document: see :func:`locate_source`, then the documents in ``seeds/``.

    Raises:
        FileNotFoundError: no such document.
        ConfigError: the document is not UTF-8 text, or too large.
    """
    path = locate_source(name, folders)
    if path is not None:
        return _text(path, str(path))
    packaged = resources.files("negsim.seeds").joinpath(name)
    if packaged.is_file():
        return _text(packaged, name)
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
