"""Will a run fit in memory? Its estimate, against what the machine has available, before anything is written.

A run needs memory for the engine (:func:`negsim.sim.limits.replication_bytes` per replication: its
state and, for protocols that table offers, products over the facets of the frontier), for the round log
(``record`` replications x ``deadline`` rounds x actors x issues rows, about :data:`ROW_BYTES` each while
the table is built and written), for the report (:data:`REPORT_BYTES` per replication) and, with uncertain
values, for each parameter draw's own frontier (:func:`negsim.sim.limits.draw_bytes`). A run whose
estimate is more than :data:`SHARE` of the memory available (read from the operating system: Linux's
``MemAvailable`` and the cgroup's limit, or the free pages POSIX reports) is refused with the estimate in
the message, instead of failing with a ``MemoryError`` after minutes, or pushing the machine into swap.
The estimate errs on the generous side (up to three times the measured peak on small frontiers).
"""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path

import numpy as np

from negsim.sim.errors import ConfigError
from negsim.sim.frontier import Frontier
from negsim.sim.limits import draw_bytes, replication_bytes
from negsim.sim.spec import RunSpec, ScenarioSpec

__all__ = ["REPORT_BYTES", "ROW_BYTES", "SHARE", "available_memory", "check_memory", "run_bytes"]

#: The share of the available memory a run may be estimated to need.
SHARE = 0.5
#: Bytes per row of the round log while it is built and written (measured: 280-300).
ROW_BYTES = 320
#: Bytes per replication while the report is built (measured: about 570).
REPORT_BYTES = 640
#: What any run needs besides (measured: the report's page and plotly, the summary's analysis).
FIXED_BYTES = 64 * 2**20


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _cgroup_room() -> int | None:
    """What the process's control group still allows (cgroup v2 or v1), if it sets a limit."""
    for line in (_read("/proc/self/cgroup") or "").splitlines():
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # v2
            limit, used = (_read(f"/sys/fs/cgroup{path}/memory.{n}") for n in ("max", "current"))
        elif "memory" in controllers.split(","):  # v1
            base = f"/sys/fs/cgroup/memory{path}"
            limit, used = (_read(f"{base}/memory.{n}") for n in ("limit_in_bytes", "usage_in_bytes"))
        else:
            continue
        if limit and used and limit.isdigit() and used.isdigit() and int(limit) < 2**60:
            return max(int(limit) - int(used), 0)
    return None


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation now, or ``None`` where the system does not say."""
    found = []
    for line in (_read("/proc/meminfo") or "").splitlines():
        if line.startswith("MemAvailable:"):
            found.append(int(line.split()[1]) * 1024)
    if not found:
        with contextlib.suppress(ValueError, OSError, AttributeError):
            found.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    room = _cgroup_room()
    if room is not None:
        found.append(room)
    return min(found) if found else None


@functools.lru_cache(maxsize=32)
def _facets(scenario: ScenarioSpec) -> int:
    """Facets of the veto parties' frontier (built once per scenario in a process; the work is bounded)."""
    veto = [a for a in scenario.actors if a.veto]
    span = np.array([i.span for i in scenario.issues])
    links = [(scenario.issue_index(l.issue), l.low, l.high, scenario.issue_index(l.when_issue), l.when_low,
              l.when_high) for l in scenario.linkages]  # fmt: skip
    frontier = Frontier(np.array([a.ideal for a in veto]), np.array([a.salience for a in veto]) / span,
                        np.max([a.red_low for a in veto], axis=0), np.min([a.red_high for a in veto], axis=0), links)
    return sum(len(box.offset) for box in frontier.boxes if box is not None)  # None: a box left empty


def run_bytes(run: RunSpec, *, report: bool) -> tuple[int, int, int]:
    """Estimated peak memory of ``run``: ``(total, per replication, round log)`` in bytes."""
    scenario = run.scenario
    n, m = len(scenario.actors), len(scenario.issues)
    veto = sum(a.veto for a in scenario.actors)
    per = replication_bytes(actors=n, veto=veto, issues=m, facets=_facets(scenario), protocol=run.protocol.name)
    per += REPORT_BYTES if report else 0
    log = min(run.record, run.replications) * scenario.deadline * n * m * ROW_BYTES
    return FIXED_BYTES + run.replications * per + log + _draws_bytes(run), per, log


def _draws_bytes(run: RunSpec) -> int:
    """Memory of the parameter draws' own frontiers (0 without uncertain values, or with one draw)."""
    draws = run.parameter_draws
    if draws <= 1:
        return 0
    veto = sum(a.veto for a in run.scenario.actors)
    facets = _facets(run.scenario)
    return draws * draw_bytes(veto=veto, issues=len(run.scenario.issues), facets=facets, protocol=run.protocol.name)


def _size(count: float) -> str:
    """Bytes in words: ``1.5 GB``.

    >>> _size(1.5e9), _size(3_500_000), _size(2_000)
    ('1.5 GB', '3.5 MB', '2.0 kB')
    """
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count / 1e3:.1f} kB"


def check_memory(run: RunSpec, *, report: bool, concurrent: int = 1, available: int | None = None) -> None:
    """Refuse a run estimated to need more than :data:`SHARE` of the available memory (``ConfigError``).

    ``concurrent`` runs like it at once (a parallel sweep's workers) share that memory; ``available``
    defaults to :func:`available_memory` (no check where the system does not say).
    """
    available = available_memory() if available is None else available
    if available is None:
        return
    budget = SHARE * available / max(concurrent, 1)
    total, per, log = run_bytes(run, report=report)
    if total <= budget:
        return
    scenario = run.scenario
    n, m = len(scenario.actors), len(scenario.issues)
    workers = f" for each of {concurrent} jobs at once" if concurrent > 1 else ""
    need = (f"the run would need about {_size(total)} of memory ({run.replications:,} replications of "
            f"{_size(per)} each with {n} actors and {m} issues")  # fmt: skip
    if log:
        need += f", and {_size(log)} for the round log of {min(run.record, run.replications):,} replications"
    drawn = _draws_bytes(run)
    if drawn:
        need += f", and {_size(drawn)} for the frontiers of {run.parameter_draws:,} parameter draws"
    need += f"), more than {SHARE:.0%} of the {_size(available)} available{workers}"
    if drawn > max(log, run.replications * per):
        most = int((budget - FIXED_BYTES - run.replications * per - log) // max(drawn // run.parameter_draws, 1))
        raise ConfigError("uncertainty.draws", f"{need}; allowed: uncertainty.draws={max(most, 1)} or less here, or "
                          "a machine with more memory")  # fmt: skip
    if log > run.replications * per:
        most = int((budget - FIXED_BYTES - run.replications * per - drawn) // max(log // max(run.record, 1), 1))
        raise ConfigError("record", f"{need}; allowed: record={max(most, 0)} or less, or a shorter deadline")
    most = int((budget - FIXED_BYTES - log - drawn) // per)
    raise ConfigError("replications", f"{need}; allowed: replications={max(most, 0)} or less here, or a "
                      "machine with more memory")  # fmt: skip
