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
        positions: ``(k, n, m)`` positions when the round opened.
        package: ``(k, m)`` the package on the table (NaN without offers).
        proposer: ``(k,)`` index of the proposing actor, -1 for a mediator.
        accepted: ``(k, n)`` each actor's answer.
        outcome: ``(k,)`` outcome codes after the round.
    """

    round: int
    positions: np.ndarray
    package: np.ndarray
    proposer: np.ndarray
    accepted: np.ndarray
    outcome: np.ndarray


@dataclass(frozen=True, slots=True)
class RunResult:
    """Per-replication outcome of a run.

    Attributes:
        outcome: ``(R,)`` :class:`Outcome` codes.
        rounds: ``(R,)`` round in which the replication ended (1-based count).
        terms: ``(R, m)`` agreed package, NaN without agreement.
        utility: ``(R, n)`` each actor's realised utility: the agreement's
            value measured from the position the actor held when it agreed,
            discounted for the rounds it took (``discount ** (round - 1)``), or
            its reservation value when there is no agreement.
        final_positions: ``(R, n, m)`` positions when the replication ended.
        log: round logs of the first replications.
    """

    outcome: np.ndarray
    rounds: np.ndarray
    terms: np.ndarray
    utility: np.ndarray
    final_positions: np.ndarray
    log: tuple[RoundLog, ...] = ()
