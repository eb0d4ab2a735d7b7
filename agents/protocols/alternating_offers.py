"""Alternating offers: the veto parties table packages in turn, and sign where their demands meet."""

from __future__ import annotations

import numpy as np

from negsim.agents.protocols import register
from negsim.sim.concession import chances_by_row, equilibrium_play, order_by_row
from negsim.sim.equilibrium import backward_induction

__all__ = ["AlternatingOffers"]


@register("alternating_offers")
class AlternatingOffers:
    """Each round one veto party proposes: in rotation (strongest first) or by a capability-weighted draw.

    A proposer trades issues (Faratin, Sierra and Jennings 2002): it tables the package that keeps its
    own demand and gives the others as much as it can, equally above theirs (:meth:`trade_off`; the
    model works these offers out for the logged replications only, since someone turns each down). In the
    round in which the demands come to fit together, the package tabled is the one where they meet, with
    every free gain added, and all sign: so a deal comes exactly when some package is worth what every veto
    party still demands, on terms no package improves for all.

    When every veto party plays the equilibrium style, the proposer instead tables its subgame-perfect
    offer (:mod:`negsim.sim.equilibrium`), computed from what each party believes no deal is worth.
    """

    def __init__(self, model) -> None:
        self.model = model
        scenario = model.talks
        self.order = order_by_row(model.capability, model.veto)  # (P, veto): strongest first, per replication
        self.chances = chances_by_row(model.capability, model.veto)
        self.veto_index = np.flatnonzero(model.veto)
        self.local = np.full(len(model.veto), -1)
        self.local[self.veto_index] = np.arange(len(self.veto_index))  # actor index -> place among the veto parties
        self.witness = np.zeros((model.replications, model.frontier.B), dtype=np.intp)
        self.equilibrium = None
        if equilibrium_play(scenario) and model.frontier is not None and not model.frontier.empty:
            weighted = model.protocol.proposer == "weighted"
            rounds = np.arange(scenario.deadline) % len(self.veto_index)
            self.equilibrium = backward_induction(
                model.frontier, model.perceived[:, model.veto], model.discount[:, model.veto], scenario.deadline,
                order=None if weighted else self.local[self.order[:, rounds]].T,
                chance=self.chances[:, model.veto] if weighted else None, group=model.group,
            )  # fmt: skip

    def proposer(self, draws) -> np.ndarray:
        """``(R,)`` who proposes this round."""
        model = self.model
        if model.protocol.proposer != "weighted":
            turn = self.order[:, model.state.round % len(self.veto_index)]
            return np.broadcast_to(turn, (model.replications,))
        share = np.cumsum(self.chances[:, self.veto_index], axis=1)
        chosen = np.minimum((share <= draws.pick[:, None]).sum(axis=1), len(self.veto_index) - 1)
        return self.veto_index[chosen]

    def table(self, draws) -> tuple[np.ndarray, np.ndarray]:
        model = self.model
        proposer = self.proposer(draws)
        package = np.full((model.replications, len(model.span)), np.nan)
        if model.frontier is None or model.frontier.empty:
            return package, proposer
        if self.equilibrium is not None:
            local = self.local[proposer]
            return self.equilibrium.offers[model.state.round, local, np.arange(model.replications)], proposer
        state = model.state
        active = np.flatnonzero(state.active)
        before, now = state.demand_before[active][:, model.veto], state.demand[active][:, model.veto]
        witness = self.witness[active]
        lam, box = model.frontier.touch(before, now, witness, model.groups(active))
        self.witness[active] = witness
        meet = np.flatnonzero(np.isfinite(lam))
        if len(meet):
            point = before[meet] + lam[meet, None] * (now[meet] - before[meet])
            package[active[meet]] = model.frontier.settle(point, box[meet], model.groups(active[meet]))
        return package, proposer

    def trade_off(self, proposer: np.ndarray, demand: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The proposer's offers ``(r, m)`` in replications ``rows`` while demands ``(r, veto)`` cannot all be met:
        its own demand kept, the others raised equally.

        If even its own demand is out of reach, it tables its best package.
        """
        frontier, group = self.model.frontier, self.model.groups(rows)
        local = self.local[proposer]
        others = np.ones_like(demand)
        others[np.arange(len(local)), local] = 0.0
        reach, box = frontier.best_box(demand, others, group)
        out_of_reach = ~np.isfinite(reach) | (reach == -np.inf)
        start = demand.copy()
        if out_of_reach.any():
            lost = np.flatnonzero(out_of_reach)
            start[lost] = -1.0
            own = np.zeros_like(demand[lost])
            own[np.arange(len(lost)), local[lost]] = 1.0
            reach[lost], box[lost] = frontier.best_box(start[lost], own, None if group is None else group[lost])
            start[lost, local[lost]] = -1.0 + reach[lost]
            reach[lost] = 0.0
        point = start + reach[:, None] * others
        return frontier.package(point, box, group)
