"""The one error type for bad scenario or run configuration."""

from __future__ import annotations

import difflib

__all__ = ["ConfigError", "got", "unknown_key"]


def got(value: object) -> str:
    """How an error names the value it was given.

    >>> got(None), got(-1)
    ('missing', 'got -1')
    """
    return "missing" if value is None else f"got {value!r}"


class ConfigError(ValueError):
    """Bad input, told in one line: the file, the key, and what is allowed.

    >>> str(ConfigError("scenario.actors.x.capability", "must be >= 0, got -1"))
    '<config>: scenario.actors.x.capability: must be >= 0, got -1'

    An error about a whole file (invalid YAML) has no key: ``ConfigError("", problem, file=...)``.
    """

    def __init__(self, key: str, problem: str, *, file: str = "<config>") -> None:
        super().__init__(key, problem, file)
        self.key = key
        self.problem = problem
        self.file = file

    def __reduce__(self):
        return (_rebuild, (self.key, self.problem, self.file))

    def in_file(self, file: str) -> ConfigError:
        """The same error, naming ``file`` as its source."""
        return ConfigError(self.key, self.problem, file=file)

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.problem}" if self.key else f"{self.file}: {self.problem}"


def _rebuild(key: str, problem: str, file: str) -> ConfigError:
    """Unpickle a :class:`ConfigError` (its ``file`` is keyword-only)."""
    return ConfigError(key, problem, file=file)


def unknown_key(key: str, name: object, allowed, where: str = "") -> ConfigError:
    """The error for an unknown key ``name`` at ``key`` (``where``: a phrase after it), naming the nearest allowed one.

    >>> str(unknown_key("replicatons", "replicatons", ["seed", "replications"]))
    "<config>: replicatons: unknown key 'replicatons' (did you mean replications?); allowed: seed, replications"
    """
    allowed = [str(a) for a in allowed]
    near = difflib.get_close_matches(str(name), allowed, n=1)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return ConfigError(key, f"unknown key {name!r}{where}{hint}; allowed: {', '.join(allowed)}")
