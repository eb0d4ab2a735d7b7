"""The one error type for bad scenario or run configuration."""

from __future__ import annotations

__all__ = ["ConfigError", "got"]


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
        return f"{self.file}: {self.key}: {self.problem}"


def _rebuild(key: str, problem: str, file: str) -> ConfigError:
    """Unpickle a :class:`ConfigError` (its ``file`` is keyword-only)."""
    return ConfigError(key, problem, file=file)
