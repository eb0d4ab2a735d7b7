"""The negotiation as a Mesa model that steps every replication at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from mesa.model import Model

from negsim.agents.negotiator import TIE, Mediator, Negotiator
from negsim.sim.concession import aspirations, proposer_order
from negsim.sim.draws import RoundDraws, draw_round, spawn_generators
from negsim.sim.kernels import fj_step
from negsim.sim.outcomes import Outcome, RoundLog, RunResult
from negsim.sim.spec import RunSpec

__all__ = ["NegotiationModel", "NegotiationState", "simulate"]


@dataclass(slots=True)
class NegotiationState:
    """The mutable state of all replications; the model owns exactly one."""

    round: int
    positions: np.ndarray
    outcome: np.ndarray
    rounds: np.ndarray
    terms: np.ndarray
    utility: np.ndarray

    @property
    def active(self) -> np.ndarray:
        """``(R,)`` replications still negotiating."""
        return self.outcome == Outcome.ONGOING


def _column_fallback(weights: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Replace issues whose weights sum to zero by ``fallback`` weights."""
    empty = weights.sum(axis=0) <= 0
    return np.where(empty[None, :], fallback, weights)


class NegotiationModel(Model):
    """Rounds of propose → respond → influence → conclude, over ``R`` replications.

    The scenario is ``talks`` (``Model.scenario`` is Mesa's own, from Mesa 3.5).
    """

    def __init__(self, run: RunSpec) -> None:
        mesa_rng, self.noise_rng = spawn_generators(run.seed)
        super().__init__(rng=mesa_rng)
        self.talks, self.protocol, self.replications = run.scenario, run.protocol, run.replications
        self.recorded = min(run.record, run.replications)
        self._read_scenario()
        self._weigh()
        n, m = self.initial.shape
        self.state = NegotiationState(
            round=0, positions=np.broadcast_to(self.initial, (run.replications, n, m)).copy(),
            outcome=np.zeros(run.replications, np.int8), rounds=np.zeros(run.replications, np.int32),
            terms=np.full((run.replications, m), np.nan), utility=np.zeros((run.replications, n)),
        )  # fmt: skip
        self.negotiators = [Negotiator(self, index=i, spec=actor) for i, actor in enumerate(self.talks.actors)]
        self.mediator = None
        if self.protocol.name == "mediated":
            self.mediator = Mediator(self, anchor=self.protocol.anchor, amend_rate=self.protocol.amend_rate)
        self.log: list[RoundLog] = []
        if np.any(self.feasible_low > self.feasible_high + TIE):
            self.state.outcome[:] = Outcome.BREAKDOWN  # the veto parties' red lines leave no deal
        self.running = bool(self.state.active.any())

    def _read_scenario(self) -> None:
        """The scenario's numbers as arrays: issues ``(m,)``, actors ``(n,)`` and ``(n, m)``."""
        scenario = self.talks
        actors, issues = scenario.actors, scenario.issues
        self.span = np.array([issue.span for issue in issues])
        self.issue_low = np.array([issue.low for issue in issues])
        self.issue_high = np.array([issue.high for issue in issues])
        self.initial = np.array([actor.ideal for actor in actors])
        self.salience = np.array([actor.salience for actor in actors])
        self.scaled_salience = self.salience / self.span
        self.red_low = np.array([actor.red_low for actor in actors])
        self.red_high = np.array([actor.red_high for actor in actors])
        self.discount = np.array([actor.discount for actor in actors])
        self.reservation = np.array([actor.reservation for actor in actors])
        self.veto = np.array([actor.veto for actor in actors])
        self.capability = np.array([actor.capability for actor in actors])
        self.linkages = [
            (scenario.actor_index(l.actor), scenario.issue_index(l.issue), l.low, l.high,
             scenario.issue_index(l.when_issue), l.when_low, l.when_high)
            for l in scenario.linkages
        ]  # fmt: skip
        self.feasible_low = self.red_low[self.veto].max(axis=0)
        self.feasible_high = self.red_high[self.veto].min(axis=0)
        self.aspiration_proposer, self.aspiration_responder = aspirations(scenario)
        self.order = proposer_order(scenario)

    def _weigh(self) -> None:
        """Who pulls whom: offer targets, the mediator's weights and the Friedkin–Johnsen terms."""
        n, m = self.initial.shape
        equal = np.broadcast_to(self.veto[:, None] * 1.0, (n, m))
        self.veto_weights = _column_fallback(self.capability[:, None] * self.salience * self.veto[:, None], equal)
        self.pull_weights = np.empty((n, n, m))
        for i in range(n):
            others = self.veto_weights * (np.arange(n) != i)[:, None]
            self_only = np.zeros((n, m))
            self_only[i] = 1.0
            self.pull_weights[i] = _column_fallback(others, self_only)
        self.influence_weights = self.talks.influence_matrix()
        susceptibility = 1.0 - np.array([actor.stubbornness for actor in self.talks.actors])
        self.pull = susceptibility[:, None] * self.influence_weights
        self.anchor = (1.0 - susceptibility)[:, None] * self.initial

    def make_feasible(self, package: np.ndarray) -> np.ndarray:
        """Clip packages ``(R, m)`` into the veto parties' red lines and linkages."""
        package = np.clip(package, self.feasible_low, np.maximum(self.feasible_high, self.feasible_low))
        for actor, issue, low, high, when, when_low, when_high in self.linkages:
            if self.veto[actor]:
                unmet = (package[:, when] < when_low) | (package[:, when] > when_high)
                package[:, issue] = np.where(unmet, np.clip(package[:, issue], low, high), package[:, issue])
        return package

    def propose(self, draws: RoundDraws) -> tuple[np.ndarray, np.ndarray]:
        """The package on the table ``(R, m)`` and who tabled it ``(R,)`` (-1: mediator)."""
        if self.mediator is not None:
            return self.mediator.propose(), np.full(self.replications, -1)
        if draws.pick is None:
            proposer = self.order[self.state.round % len(self.order)]
            return self.negotiators[proposer].propose(), np.full(self.replications, proposer)
        share = np.cumsum(self.capability[self.order]) / self.capability[self.order].sum()
        chosen = np.minimum(np.searchsorted(share, draws.pick, side="right"), len(self.order) - 1)
        offers = np.stack([self.negotiators[i].propose() for i in self.order], axis=1)
        return offers[np.arange(self.replications), chosen], self.order[chosen]

    def respond(self, package: np.ndarray, proposer: np.ndarray, draws: RoundDraws) -> np.ndarray:
        """Every actor's answer ``(R, n)``; a proposer accepts its own offer.

        Also keeps each actor's discounted value of the package, which is its
        realised utility if the package is agreed this round.
        """
        values = np.empty((self.replications, len(self.negotiators)))
        accepted = np.empty(values.shape, bool)
        for agent in self.negotiators:
            values[:, agent.index] = agent.value(package)
            accepted[:, agent.index] = agent.respond(package, values[:, agent.index], draws.noise)
        self.offer_utility = values * (self.discount**self.state.round)[None, :]
        tabled = np.flatnonzero(proposer >= 0)  # a proposer signs its own offer if it beats no deal
        for i in np.unique(proposer[tabled]):
            mine = tabled[proposer[tabled] == i]
            accepted[mine, i] = self.negotiators[i].worth_signing(values[mine, i])
        if self.mediator is not None:
            self.mediator.amend(accepted)
        return accepted

    def influence(self, draws: RoundDraws) -> None:
        """Friedkin–Johnsen step plus shocks; positions stay inside own red lines."""
        moved = fj_step(self.state.positions, self.pull, self.anchor)
        if draws.jolt is not None:
            moved += draws.jolt
        np.clip(moved, self.red_low, self.red_high, out=moved)
        active = self.state.active
        self.state.positions = moved if active.all() else np.where(active[:, None, None], moved, self.state.positions)

    def conclude(self, package: np.ndarray, accepted: np.ndarray, draws: RoundDraws) -> None:
        """Settle agreements, escalations, breakdowns and, at the deadline, stalemates."""
        state, t = self.state, self.state.round
        agreed = self._end(np.all(accepted[:, self.veto], axis=1), Outcome.AGREEMENT, terms=package)
        if agreed.any():
            state.utility[agreed] = self.offer_utility[agreed]
        escalation = self.talks.escalation
        if escalation is not None and t >= escalation.after_round and self._escalation_crosses():
            self._end(draws.escalate < escalation.p_per_round, Outcome.ESCALATION)
        if self.protocol.name != "influence_only":
            positions = state.positions[:, self.veto]
            shortfall = np.clip(positions, self.feasible_low, self.feasible_high) - positions
            best = 1.0 - np.einsum("rnm,nm->rn", np.abs(shortfall, out=shortfall), self.scaled_salience[self.veto])
            hopeless = (self.discount[self.veto] ** (t + 1)) * best < self.reservation[self.veto] - TIE
            self._end(np.any(hopeless, axis=1), Outcome.BREAKDOWN)
        if t + 1 >= self.talks.deadline:
            self._end(np.ones(self.replications, bool), Outcome.STALEMATE)

    def _escalation_crosses(self) -> bool:
        spec = self.talks.escalation
        k, mover = self.talks.issue_index(spec.issue), self.talks.actor_index(spec.actor)
        others = self.veto & (np.arange(len(self.veto)) != mover)
        return bool(np.any(others & ((spec.value < self.red_low[:, k]) | (spec.value > self.red_high[:, k]))))

    def _end(self, where: np.ndarray, outcome: Outcome, terms: np.ndarray | None = None) -> np.ndarray:
        where = where & self.state.active
        self.state.outcome[where] = outcome
        self.state.rounds[where] = self.state.round + 1
        if terms is not None:
            self.state.terms[where] = terms[where]
        return where

    def step(self) -> None:
        """One round for every replication still negotiating."""
        draws = draw_round(self.noise_rng, scenario=self.talks, protocol=self.protocol, replications=self.replications)
        opened = self.state.positions[: self.recorded].copy()
        was_active = self.state.active[: self.recorded].copy()
        if self.protocol.name == "influence_only":
            package = np.full((self.replications, len(self.talks.issues)), np.nan)
            proposer = np.full(self.replications, -1)
            accepted = np.zeros((self.replications, len(self.negotiators)), bool)
        else:
            package, proposer = self.propose(draws)
            accepted = self.respond(package, proposer, draws)
        self.influence(draws)
        self.conclude(package, accepted, draws)
        if was_active.any():
            k = self.recorded
            self.log.append(RoundLog(round=self.state.round, positions=opened, package=package[:k].copy(),
                                     proposer=proposer[:k].copy(), accepted=accepted[:k].copy(),
                                     outcome=self.state.outcome[:k].copy()))  # fmt: skip
        self.state.round += 1
        self.running = bool(self.state.active.any())

    def result(self) -> RunResult:
        """Per-replication outcomes and realised utilities."""
        state = self.state
        agreed = state.outcome == Outcome.AGREEMENT
        realised = np.where(agreed[:, None], state.utility, self.reservation[None, :])
        return RunResult(outcome=state.outcome.copy(), rounds=state.rounds.copy(), terms=state.terms.copy(),
                         utility=realised, final_positions=state.positions.copy(), log=tuple(self.log))  # fmt: skip


def simulate(run: RunSpec, *, progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Run every replication of ``run`` to its end and return the results.

    Args:
        run: the frozen run specification; its seed fixes every draw.
        progress: called as ``progress(round, deadline)`` after each round.
    """
    model = NegotiationModel(run)
    while model.running:
        model.step()
        if progress is not None:
            progress(model.state.round, run.scenario.deadline)
    return model.result()
