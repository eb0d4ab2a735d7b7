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
        i = index
        low, high = model.red_low[:, i], model.red_high[:, i]
        self.bounded = np.flatnonzero(np.any((low > model.issue_low) | (high < model.issue_high), axis=0))
        self.linkages = [link for link in model.linkages if link[0] == index]
        self.perceived = model.perceived[:, index]  # what it believes no deal is worth, per replication

    def _at(self, array: np.ndarray, rows) -> np.ndarray:
        """Its own column of a per-replication model array, for replications ``rows``."""
        return self.model.at(array, rows)[:, self.index]

    def value(self, package: np.ndarray, rows) -> np.ndarray:
        """Utility ``(r,)`` of packages ``(r, m)`` in replications ``rows``, measured from its own ideal: what it
        wants, not what it says."""
        model = self.model
        gap = np.abs(package - self._at(model.ideal, rows)) * self._at(model.scaled_salience, rows)
        return 1.0 - gap.sum(axis=1)

    def concede(self, share: np.ndarray) -> None:
        """Lower its demand to its reservation plus ``share`` of its room; a concession is never taken back."""
        state = self.model.state
        room = state.ceiling[:, self.index] - self.perceived
        state.demand[:, self.index] = np.minimum(state.demand[:, self.index], self.perceived + share * room)

    def respond(self, package: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Accept packages ``(r, m)`` tabled in replications ``rows``: a veto party when the package meets its
        demand, is worth at least no deal and breaks none of its red lines or linkages; a party without a
        veto when it beats no deal."""
        return self.judge(package, self.model.state.demand[rows, self.index], rows)

    def judge(self, package: np.ndarray, demand: np.ndarray, rows) -> np.ndarray:
        """The answer to packages ``(r, m)`` in replications ``rows`` given its demands ``(r,)`` (ignored without
        a veto)."""
        value = self.value(package, rows)
        reservation = self._at(self.model.reservation, rows)
        if not self.spec.veto:
            return value >= reservation - TIE
        return (value >= demand - TIE) & (value >= reservation - TIE) & self.tolerates(package, rows)

    def tolerates(self, package: np.ndarray, rows) -> np.ndarray:
        """Whether packages ``(r, m)`` in replications ``rows`` respect its red lines and linkages."""
        model, at = self.model, self.model.at
        ok = np.ones(len(package), bool)
        for k in self.bounded:
            slack = TIE * model.span[k]
            low, high = at(model.red_low, rows)[:, self.index, k], at(model.red_high, rows)[:, self.index, k]
            ok &= (package[:, k] >= low - slack) & (package[:, k] <= high + slack)
        for _, issue, low, high, when, when_low, when_high in self.linkages:
            slack = TIE * model.span[issue]
            ok &= linkage_holds(package, issue, at(low, rows) - slack, at(high, rows) + slack, when,
                                at(when_low, rows), at(when_high, rows))  # fmt: skip
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
        weight = model.capability[:, veto] if weights == "capability" else np.ones((1, int(veto.sum())))
        total = weight.sum(axis=1, keepdims=True)
        self.weight = np.where(total > 0, weight / np.where(total > 0, total, 1.0), 1.0 / weight.shape[1])
        self.text = self._draft()

    def _draft(self) -> np.ndarray:
        """``(R, m)`` the text, per replication (NaN where nothing is worth no deal to every party)."""
        model = self.model
        text = np.full((model.replications, len(model.span)), np.nan)
        if model.frontier is None or model.frontier.empty:
            return text
        floor = model.perceived[:, model.veto]
        direction = np.broadcast_to(self.weight, floor.shape)
        reach, box = model.frontier.best_box(floor, direction, model.group)
        fits = np.flatnonzero(reach >= -TIE)
        if len(fits):
            point = floor[fits] + np.maximum(reach[fits], 0.0)[:, None] * direction[fits]
            text[fits] = model.frontier.settle(point, box[fits], model.groups(fits))
        return text
