"""The parties at the table and the chair: conceding, valuing and answering packages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa.agent import Agent

from negsim.sim.kernels import linkage_holds
from negsim.sim.spec import ActorSpec

if TYPE_CHECKING:
    from negsim.agents.model import NegotiationModel

__all__ = ["TIE", "Mediator", "Negotiator"]

#: Slack for floating-point ties when a package exactly meets a demand.
TIE = 1e-9


class Negotiator(Agent):
    """One actor. Its state lives in the model's arrays, one row per replication.

    A party with a veto concedes (its demand falls each round) and answers packages by its demand; a
    party without one only says whether a package beats no deal for it, and sways the others through
    the influence graph.
    """

    def __init__(self, model: NegotiationModel, *, index: int, spec: ActorSpec) -> None:
        super().__init__(model)
        self.index = index
        self.spec = spec
        self.ideal = np.asarray(spec.ideal)
        self.scaled_salience = np.asarray(spec.salience) / model.span
        self.red_low = np.asarray(spec.red_low)
        self.red_high = np.asarray(spec.red_high)
        self.bounded = np.flatnonzero((self.red_low > model.issue_low) | (self.red_high < model.issue_high))
        self.linkages = [link for link in model.linkages if link[0] == index]
        self.perceived = model.perceived[:, index]  # what it believes no deal is worth, per replication

    def value(self, package: np.ndarray) -> np.ndarray:
        """Utility ``(R,)`` of packages ``(R, m)``, measured from its own ideal: what it wants, not what it says."""
        return 1.0 - np.abs(package - self.ideal) @ self.scaled_salience

    def concede(self, share: float) -> None:
        """Lower its demand to its reservation plus ``share`` of its room; a concession is never taken back."""
        state = self.model.state
        room = state.ceiling[:, self.index] - self.perceived
        state.demand[:, self.index] = np.minimum(state.demand[:, self.index], self.perceived + share * room)

    def respond(self, package: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Accept packages ``(r, m)`` tabled in replications ``rows``: a veto party when the package meets its
        demand, is worth at least no deal and breaks none of its red lines or linkages; a party without a
        veto when it beats no deal."""
        return self.judge(package, self.model.state.demand[rows, self.index])

    def judge(self, package: np.ndarray, demand: np.ndarray) -> np.ndarray:
        """The answer to packages ``(r, m)`` given its demands ``(r,)`` (ignored without a veto)."""
        value = self.value(package)
        if not self.spec.veto:
            return value >= self.spec.reservation - TIE
        return (value >= demand - TIE) & (value >= self.spec.reservation - TIE) & self.tolerates(package)

    def tolerates(self, package: np.ndarray) -> np.ndarray:
        """Whether packages ``(R, m)`` respect its red lines and linkages."""
        ok = np.ones(len(package), bool)
        for k in self.bounded:
            slack = TIE * self.model.span[k]
            ok &= (package[:, k] >= self.red_low[k] - slack) & (package[:, k] <= self.red_high[k] + slack)
        for _, issue, low, high, when, when_low, when_high in self.linkages:
            slack = TIE * self.model.span[issue]
            ok &= linkage_holds(package, issue, low - slack, high + slack, when, when_low, when_high)
        return ok


class Mediator(Agent):
    """A neutral chair who tables one text: the gains over no deal split in proportion to the parties' weights.

    This is Kalai's (1977) proportional solution among the veto parties, taken from what each says no deal
    is worth to it (a chair learns that in confidence), with every free gain added. ``weights`` is
    ``capability`` (the stronger gain more) or ``equal``.
    """

    def __init__(self, model: NegotiationModel, *, weights: str) -> None:
        super().__init__(model)
        veto = model.veto
        weight = model.capability[veto] if weights == "capability" else np.ones(int(veto.sum()))
        self.weight = weight / weight.sum() if weight.sum() > 0 else np.full(len(weight), 1.0 / len(weight))
        self.text = self._draft()

    def _draft(self) -> np.ndarray:
        """``(R, m)`` the text, per replication (NaN where nothing is worth no deal to every party)."""
        model = self.model
        text = np.full((model.replications, len(model.span)), np.nan)
        if model.frontier is None or model.frontier.empty:
            return text
        floor = model.perceived[:, model.veto]
        direction = np.broadcast_to(self.weight, floor.shape)
        reach, box = model.frontier.best_box(floor, direction)
        fits = reach >= -TIE
        if fits.any():
            point = floor[fits] + np.maximum(reach[fits], 0.0)[:, None] * direction[fits]
            text[fits] = model.frontier.settle(point, box[fits])
        return text
