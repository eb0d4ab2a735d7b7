"""How a command tells what went wrong: one line for bad input (exit status 2) or a fault (exit status 1).

Bad input is the user's to fix: a value out of range, a file that is not data, a key that does not exist,
a folder that cannot be a run folder. A fault is the machine's: a full disk, a lost file system, memory
that ran out. Either way the user gets one line on stderr; the traceback only with ``HYDRA_FULL_ERROR=1``.
"""

from __future__ import annotations

import re
import sys
import traceback

from hydra.errors import CompactHydraException

from negsim.sim.errors import ConfigError, unknown_key

__all__ = ["TRACEBACKS", "BadFolder", "composition_problem", "failure", "fault_problem", "report"]


class BadFolder(ValueError):
    """A folder given to a command that cannot hold (or be read as) what the command writes or reads."""


def _override(argv: list[str], key: str) -> str:
    """The override on the command line that set ``key``, else ``key`` itself."""
    found = [a for a in argv if a.split("=", 1)[0].lstrip("+~") == key]
    return found[-1] if found else key


def composition_problem(error: CompactHydraException, argv: list[str]) -> str:
    """One line for an error Hydra raised while composing the config from the command line.

    A key that does not exist names the keys that do beside it, the nearest one first.
    """
    cause = error.__cause__
    parent = getattr(cause, "parent_node", None)
    wanted = re.match(r"Could not override '([^']+)'", str(error))
    if wanted and parent is not None and hasattr(parent, "keys") and getattr(cause, "key", None) is not None:
        siblings = [str(k) for k in parent if k != "hydra"]
        full = str(getattr(cause, "full_key", None) or cause.key)
        problem = unknown_key(full, cause.key, siblings)
        return f"command line: {_override(argv, wanted.group(1))}: {problem.key}: {problem.problem}"
    text = (
        str(error)
        .split("\nConfig search path")[0]
        .replace("\n\nAvailable", "; available")
        .replace(":\n\t", ": ")
        .replace("\n\t", ", ")
    )
    return "command line: " + re.sub(r"\s*\n\s*", " ", text).strip()


def fault_problem(error: BaseException) -> str:
    """One line for a fault: what could not be done, and why.

    >>> fault_problem(OSError(28, "No space left on device", "run/results.parquet"))
    'run/results.parquet: No space left on device (the disk is full: free some space, or choose another folder)'
    """
    if isinstance(error, MemoryError):
        return ("the run ran out of memory; allowed: fewer replications, a smaller round log (record), or a "
                "machine with more memory")  # fmt: skip
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        hint = " (the disk is full: free some space, or choose another folder)" if error.errno == 28 else ""
        return f"{where}{error.strerror or error}{hint}"
    return f"internal error: {type(error).__name__}: {' '.join(str(error).split())}"


def failure(error: BaseException, argv: list[str]) -> tuple[str, int]:
    """The one line (without the ``PROG: error:`` prefix) and the exit status for ``error``."""
    if isinstance(error, ConfigError | BadFolder):
        return str(error), 2
    if isinstance(error, CompactHydraException):
        return composition_problem(error, argv), 2
    return fault_problem(error), 1


#: Whether the user asked for tracebacks (``HYDRA_FULL_ERROR=1``); the ``negsim`` command sets it.
TRACEBACKS = False


def report(prog: str, error: BaseException, argv: list[str] | None = None) -> None:
    """Print ``error`` as one line (after its traceback, with :data:`TRACEBACKS`) and exit with its status.

    Exits rather than raising, so it also works inside Hydra callbacks, whose exceptions Hydra turns into
    warnings.
    """
    line, status = failure(error, sys.argv[1:] if argv is None else argv)
    if TRACEBACKS:
        traceback.print_exception(error)
    print(f"{prog}: error: {line}", file=sys.stderr, flush=True)
    sys.exit(status)
