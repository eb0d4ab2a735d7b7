"""The parties at the table and the mediator: proposing, responding, conceding."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.agent import Agent

from negsim.sim.kernels import concede, linkage_holds, weighted_mean, weighted_median
from negsim.sim.spec import ActorSpec

if TYPE_CHECKING:
    from negsim.agents.model import NegotiationModel

__all__ = ["Mediator", "Negotiator"]

#: Slack for floating-point ties when an offer exactly meets an aspiration.
TIE = 1e-12


class Negotiator(Agent):
    """One actor. Its state lives in the model's arrays, one row per replication."""

    def __init__(self, model: NegotiationModel, *, index: int, spec: ActorSpec) -> None:
        super().__init__(model)
        self.index = index
        self.spec = spec
        self.scaled_salience = np.asarray(spec.salience) / model.span
        self.red_low = np.asarray(spec.red_low)
        self.red_high = np.asarray(spec.red_high)
        self.bounded = np.flatnonzero((self.red_low > model.issue_low) | (self.red_high < model.issue_high))
        self.linkages = [link for link in model.linkages if link[0] == index]

    @property
    def position(self) -> np.ndarray:
        """Current position ``(R, m)`` in every replication."""
        return self.model.state.positions[:, self.index]

    def target(self) -> np.ndarray:
        """Where it concedes toward: the weighted mean of the other veto parties."""
        weights = self.model.pull_weights[self.index]
        return weighted_mean(self.model.state.positions, weights)

    def propose(self) -> np.ndarray:
        """Table the package closest to the others that still meets its aspiration."""
        aspiration = self.model.aspiration_proposer[self.model.state.round, self.index]
        package = concede(self.position, self.target(), aspiration, self.scaled_salience)
        return self.model.make_feasible(package)

    def value(self, package: np.ndarray) -> np.ndarray:
        """Utility ``(R,)`` of packages ``(R, m)`` measured from its current position."""
        return 1.0 - np.abs(package - self.position) @ self.scaled_salience

    def respond(self, package: np.ndarray, value: np.ndarray, noise: np.ndarray | None) -> np.ndarray:
        """Accept ``(R,)`` a package worth ``value`` to it.

        It accepts when the value as it perceives it (with noise) clears its
        aspiration for this round, the true value discounted for the delay is
        at least what no deal is worth, and the package breaks none of its red
        lines or linkages: misreading an offer can make it accept early, never
        accept a deal worse than walking away.
        """
        perceived = value if noise is None else value + noise[:, self.index]
        aspiration = self.model.aspiration_responder[self.model.state.round, self.index]
        return (perceived >= aspiration - TIE) & self.worth_signing(value) & self.tolerates(package)

    def worth_signing(self, value: np.ndarray) -> np.ndarray:
        """Whether a deal worth ``value`` now, discounted for the delay, beats no deal."""
        return self.spec.discount**self.model.state.round * value >= self.spec.reservation - TIE

    def tolerates(self, package: np.ndarray) -> np.ndarray:
        """Whether packages ``(R, m)`` respect its red lines and linkages."""
        ok = np.ones(len(package), bool)
        for k in self.bounded:
            ok &= (package[:, k] >= self.red_low[k] - TIE) & (package[:, k] <= self.red_high[k] + TIE)
        for _, issue, low, high, when, when_low, when_high in self.linkages:
            ok &= linkage_holds(package, issue, low - TIE, high + TIE, when, when_low, when_high)
        return ok


class Mediator(Agent):
    """A neutral chair who tables one text and amends it toward those who reject."""

    def __init__(self, model: NegotiationModel, *, anchor: str, amend_rate: float) -> None:
        super().__init__(model)
        self.anchor = weighted_median if anchor == "median" else weighted_mean
        self.amend_rate = amend_rate
        self.boost = np.ones((model.replications, len(model.talks.actors)))

    def propose(self) -> np.ndarray:
        """The single text: the veto parties' weighted anchor, made feasible."""
        weights = self.model.veto_weights[None, :, :] * self.boost[:, :, None]
        return self.model.make_feasible(self.anchor(self.model.state.positions, weights))

    def amend(self, accepted: np.ndarray) -> None:
        """Give more weight next round to each veto party that rejected."""
        self.boost *= np.where(accepted, 1.0, 1.0 + self.amend_rate)
