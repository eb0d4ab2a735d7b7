"""Limits on what a scenario may ask of the engine: the exact frontier's work, and what a run needs per replication.

The frontier of deals the veto parties can reach is computed exactly (:mod:`negsim.sim.frontier`): for each
box the red lines and linkages leave, every choice of ``parties - 1`` walls from different issues is tried.
That count grows like ``issues ** (parties - 1)`` per box, so a scenario file with six veto parties, many
issues and linkages could keep the machine busy for hours; :func:`frontier_work` counts it before anything
is built, and :func:`check_frontier_work` refuses more than :data:`MAX_FRONTIER_WORK`.

:func:`replication_bytes` is the engine's memory per replication, measured on the 2-core development
machine (peak resident memory of whole runs, from 1 to 40 actors, 1 to 6 veto parties, 1 to 20 issues and
3 to 809 facets, November 2026) and rounded up: the state arrays ``(replications, actors, issues)`` and,
for protocols that table offers, the products over the frontier's facets of every replication still talking.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from negsim.sim.errors import ConfigError
from negsim.sim.frontier import feasible_boxes
from negsim.sim.spec import ScenarioSpec

__all__ = ["MAX_FRONTIER_WORK", "check_frontier_work", "draw_bytes", "frontier_work", "replication_bytes"]

#: Most combinations of walls the exact frontier may try, over all its boxes (about 7 s and 200 MB at most).
MAX_FRONTIER_WORK = 500_000


def frontier_work(ideal: np.ndarray, low: np.ndarray, high: np.ndarray, linkages: Sequence = ()) -> int:
    """How many combinations of walls building the frontier of ``ideal`` ``(parties, issues)`` tries.

    ``low``, ``high`` and ``linkages`` are the veto parties' red-line box and linkages, as for
    :class:`~negsim.sim.frontier.Frontier`. An upper bound: walls between parties of zero salience are counted.

    >>> frontier_work(np.array([[0.1, 0.2], [0.9, 0.8], [0.5, 0.5]]), np.zeros(2), np.ones(2))
    21
    """
    ideal = np.asarray(ideal, float)
    n = ideal.shape[0]
    if n < 2:
        return 0
    work = 0
    for box_low, box_high in feasible_boxes(low, high, linkages):
        clipped = np.clip(ideal, box_low, box_high)
        walls = sum(len(np.unique(clipped[:, k])) - 1 for k in range(ideal.shape[1])) + n
        work += math.comb(walls, n - 1)
    return work


def check_frontier_work(scenario: ScenarioSpec) -> None:
    """Refuse (``scenario.actors``) a frontier that would take more than :data:`MAX_FRONTIER_WORK` combinations."""
    veto = [a for a in scenario.actors if a.veto]
    ideal = np.array([a.ideal for a in veto])
    low, high = np.max([a.red_low for a in veto], axis=0), np.min([a.red_high for a in veto], axis=0)
    linkages = [(scenario.issue_index(l.issue), l.low, l.high, scenario.issue_index(l.when_issue), l.when_low,
                 l.when_high) for l in scenario.linkages]  # fmt: skip
    work = frontier_work(ideal, low, high, linkages)
    if work > MAX_FRONTIER_WORK:
        parties, issues = np.shape(ideal)
        raise ConfigError(
            "scenario.actors",
            f"the exact set of possible deals among {parties} veto parties on {issues} issues with "
            f"{len(linkages)} linkages would take {work:,} steps to compute (it grows like issues^(parties - 1) "
            f"per linkage); allowed: at most {MAX_FRONTIER_WORK:,} steps: fewer parties with a veto (veto: false "
            "keeps a party's voice through influence), fewer issues, or fewer linkages",
        )


def replication_bytes(*, actors: int, veto: int, issues: int, facets: int, protocol: str) -> int:
    """Peak memory of one replication in the engine, rounded up from measurements (see the module's docstring).

    ``facets`` is the number of facets of the frontier (all boxes); ``protocol`` its registered name.

    >>> replication_bytes(actors=4, veto=3, issues=4, facets=32, protocol="alternating_offers")
    3712
    """
    per_facet = {"alternating_offers": veto + 7, "mediated": 3 * veto + 5, "influence_only": 0}.get(
        protocol, 3 * veto + 7
    )
    return 8 * facets * per_facet + 24 * actors * issues + 48 * actors + 16 * issues + 512


def draw_bytes(*, veto: int, issues: int, facets: int, protocol: str) -> int:
    """Peak memory of one parameter draw with its own frontier (a run with uncertain values, ``uncertainty.draws``).

    Each draw's red lines, linkages, ideals and saliences give the frontier its own geometry, kept for the whole
    run. Measured like :func:`replication_bytes` (per facet and draw, 600-930 bytes under alternating offers
    and about 1,460 mediated, for 3 to 5 veto parties on 3 to 6 issues, November 2026) and rounded up.

    >>> draw_bytes(veto=3, issues=4, facets=32, protocol="alternating_offers")
    24576
    """
    per_party = {"alternating_offers": 24}.get(protocol, 40)
    return 8 * facets * (per_party * veto + 4 * issues + 8)
