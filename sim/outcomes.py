"""How a negotiation ends, and the per-replication results of a run."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

__all__ = ["Outcome", "RoundLog", "RunResult"]


class Outcome(IntEnum):
    """State of one replication; every one but ``ONGOING`` is final."""

    ONGOING = 0
    AGREEMENT = 1
    BREAKDOWN = 2
    STALEMATE = 3
    ESCALATION = 4

    @property
    def label(self) -> str:
        """Lower-case name used in output files."""
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class RoundLog:
    """One round of the first replications, enough to replay them.

    Attributes:
        round: round index.
        positions: ``(k, n, m)`` stated positions when the round opened.
        demand: ``(k, n)`` what each veto party demanded this round, as a utility (NaN without a veto).
        package: ``(k, m)`` the package on the table (NaN without offers).
        proposer: ``(k,)`` index of the proposing actor, -1 for a mediator.
        accepted: ``(k, n)`` each actor's answer: a veto party accepts what meets its demand; a party
            without a veto says whether the package beats no deal for it.
        outcome: ``(k,)`` outcome codes after the round.
    """

    round: int
    positions: np.ndarray
    demand: np.ndarray
    package: np.ndarray
    proposer: np.ndarray
    accepted: np.ndarray
    outcome: np.ndarray


@dataclass(frozen=True, slots=True)
class RunResult:
    """Per-replication outcome of a run.

    Attributes:
        outcome: ``(R,)`` :class:`Outcome` codes.
        rounds: ``(R,)`` how many rounds the replication lasted (0: no round, the zone of agreement is empty).
        terms: ``(R, m)`` agreed package, NaN without agreement.
        value: ``(R, n)`` what the agreed terms are worth to each actor (its utility, measured from its
            own ideal), NaN without agreement.
        utility: ``(R, n)`` each actor's realised utility: ``r + discount ** (round - 1) * (value - r)``
            for an agreement in round ``round`` (no deal keeps its worth ``r`` while talks go on), or
            ``r`` without agreement.
        holdout: ``(R, n)`` the veto parties whose demands nothing could meet when talks stalled.
        final_positions: ``(R, n, m)`` stated positions when the replication ended.
        log: round logs of the first replications.
        draw: ``(R,)`` the parameter draw each replication played (``None`` when no value is uncertain).
        parameters: ``(D, K)`` each draw's uncertain values, in the order of ``scenario.uncertain``.
    """

    outcome: np.ndarray
    rounds: np.ndarray
    terms: np.ndarray
    value: np.ndarray
    utility: np.ndarray
    holdout: np.ndarray
    final_positions: np.ndarray
    log: tuple[RoundLog, ...] = ()
    draw: np.ndarray | None = None
    parameters: np.ndarray | None = None
