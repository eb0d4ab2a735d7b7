"""The negotiation as a Mesa model that steps every replication at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from mesa.model import Model

from negsim.agents.negotiator import TIE, Negotiator
from negsim.agents.protocols import behaviour
from negsim.sim.concession import demand_shares
from negsim.sim.draws import RoundDraws, draw_optimism, draw_round, spawn_generators
from negsim.sim.frontier import Frontier, utilities
from negsim.sim.kernels import fj_step
from negsim.sim.outcomes import Outcome, RoundLog, RunResult
from negsim.sim.protocols import PROTOCOLS
from negsim.sim.spec import RunSpec
from negsim.sim.zopa import holdouts

__all__ = ["NegotiationModel", "NegotiationState", "simulate"]


@dataclass(slots=True)
class NegotiationState:
    """The mutable state of all replications; the model owns exactly one.

    ``positions`` are stated positions ``(R, n, m)``; ``ceiling`` ``(R, n)`` is what each party's stated
    position is worth to it (its room's top); ``demand`` and ``demand_before`` ``(R, n)`` are what each veto
    party demands at the end of this round and of the last one.
    """

    round: int
    positions: np.ndarray
    ceiling: np.ndarray
    demand: np.ndarray
    demand_before: np.ndarray
    outcome: np.ndarray
    rounds: np.ndarray
    terms: np.ndarray
    holdout: np.ndarray

    @property
    def active(self) -> np.ndarray:
        """``(R,)`` replications still negotiating."""
        return self.outcome == Outcome.ONGOING


class NegotiationModel(Model):
    """Rounds of concede → table → respond → conclude → influence, over ``R`` replications.

    The scenario is ``talks`` (``Model.scenario`` is Mesa's own, from Mesa 3.5).
    """

    def __init__(self, run: RunSpec) -> None:
        mesa_rng, self.noise_rng = spawn_generators(run.seed)
        super().__init__(rng=mesa_rng)
        self.talks, self.protocol, self.replications = run.scenario, run.protocol, run.replications
        self.recorded = min(run.record, run.replications)
        self._read_scenario()
        self.perceived = np.minimum(self.reservation + draw_optimism(self.noise_rng, scenario=self.talks,
                                                                     replications=run.replications), 1.0)  # fmt: skip
        R, (n, m) = run.replications, self.ideal.shape
        ceiling = np.maximum(np.ones((R, n)), self.perceived)
        self.state = NegotiationState(
            round=0, positions=np.broadcast_to(self.ideal, (R, n, m)).copy(), ceiling=ceiling,
            demand=np.where(self.veto, ceiling, np.nan), demand_before=np.where(self.veto, ceiling, np.nan),
            outcome=np.zeros(R, np.int8), rounds=np.zeros(R, np.int32), terms=np.full((R, m), np.nan),
            holdout=np.zeros((R, n), bool),
        )  # fmt: skip
        self.negotiators = [Negotiator(self, index=i, spec=actor) for i, actor in enumerate(self.talks.actors)]
        self.mediator = None
        self.frontier = self._frontier()
        self.tables_offers = PROTOCOLS[self.protocol.name].tables_offers
        if self.tables_offers and (
            self.frontier.empty or self.frontier.slack(self.reservation[None, self.veto])[0] < -TIE
        ):
            self.state.outcome[:] = Outcome.BREAKDOWN  # no package is worth no deal to every veto party: no talks
        self.behaviour = behaviour(self)
        self.shares = demand_shares(self.talks, speed=1.0 + self.protocol.pressure)
        self.log: list[RoundLog] = []
        self.running = bool(self.state.active.any())

    def _read_scenario(self) -> None:
        """The scenario's numbers as arrays: issues ``(m,)``, actors ``(n,)`` and ``(n, m)``."""
        scenario = self.talks
        actors, issues = scenario.actors, scenario.issues
        self.span = np.array([issue.span for issue in issues])
        self.issue_low = np.array([issue.low for issue in issues])
        self.issue_high = np.array([issue.high for issue in issues])
        self.ideal = np.array([actor.ideal for actor in actors])
        self.scaled_salience = np.array([actor.salience for actor in actors]) / self.span
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
        susceptibility = 1.0 - np.array([actor.stubbornness for actor in actors])
        self.pull = susceptibility[:, None] * scenario.influence_matrix()
        self.anchor = (1.0 - susceptibility)[:, None] * self.ideal

    def _frontier(self) -> Frontier:
        """What the veto parties can reach together (their red lines and linkages)."""
        veto = self.veto
        links = [link[1:] for link in self.linkages if veto[link[0]]]
        low, high = self.red_low[veto].max(axis=0), self.red_high[veto].min(axis=0)
        return Frontier(self.ideal[veto], self.scaled_salience[veto], low, high, links)

    def concede(self) -> None:
        """Every veto party lowers its demand for this round (in equilibrium: to its subgame-perfect threshold)."""
        state = self.state
        state.demand_before = state.demand.copy()
        played = getattr(self.behaviour, "equilibrium", None)
        if played is not None:
            state.demand[:, self.veto] = played.threshold[state.round]
            return
        for agent in self.negotiators:
            if agent.spec.veto:
                agent.concede(self.shares[state.round, agent.index])

    def respond(self, package: np.ndarray) -> np.ndarray:
        """Every actor's answer ``(R, n)`` to the package on the table (no package: nobody accepts)."""
        accepted = np.zeros((self.replications, len(self.negotiators)), bool)
        tabled = np.flatnonzero(~np.isnan(package[:, 0])) if package.shape[1] else np.arange(self.replications)
        if len(tabled):
            rows = package[tabled]
            for agent in self.negotiators:
                accepted[tabled, agent.index] = agent.respond(rows, tabled)
        return accepted

    def influence(self, draws: RoundDraws) -> None:
        """Friedkin–Johnsen step on stated positions, plus shocks; they stay inside each actor's own red lines.

        Replications that have ended keep their last positions.
        """
        state = self.state
        active = state.active
        rows = slice(None) if active.all() else np.flatnonzero(active)
        moved = fj_step(state.positions[rows], self.pull, self.anchor)
        if draws.hit is not None:  # the shocks of the replications still talking, in row-major order
            sizes = draws.sizes if isinstance(rows, slice) else draws.sizes[(active[:, None] & draws.hit)[draws.hit]]
            moved[draws.hit[rows]] += sizes * self.span
        np.clip(moved, self.red_low, self.red_high, out=moved)
        state.positions[rows] = moved
        veto = self.veto
        said = 1.0 - np.einsum("rnm,nm->rn", np.abs(moved[:, veto] - self.ideal[veto]), self.scaled_salience[veto])
        ceiling = state.ceiling[rows]
        ceiling[:, veto] = np.maximum(np.minimum(ceiling[:, veto], said), self.perceived[rows][:, veto])
        state.ceiling[rows] = ceiling  # what each veto party's stated position is worth to it

    def conclude(self, package: np.ndarray, accepted: np.ndarray, draws: RoundDraws) -> None:
        """Settle agreements, escalations and, at the deadline, stalemates."""
        state, t = self.state, self.state.round
        if self.tables_offers:
            self._end(np.all(accepted[:, self.veto], axis=1), Outcome.AGREEMENT, terms=package)
        escalation = self.talks.escalation
        if escalation is not None and t >= escalation.after_round and self._escalation_crosses():
            self._end(draws.escalate < escalation.p_per_round, Outcome.ESCALATION)
        if t + 1 >= self.talks.deadline:
            stalled = self._end(np.ones(self.replications, bool), Outcome.STALEMATE)
            if self.tables_offers and stalled.any():
                held = holdouts(self.frontier, state.demand[stalled][:, self.veto])
                state.holdout[np.ix_(stalled, self.veto)] = held

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
        k = self.recorded
        opened, was_active = self.state.positions[:k].copy(), self.state.active[:k].copy()
        self.concede()
        package, proposer = self.behaviour.table(draws)
        accepted = self.respond(package)
        self.conclude(package, accepted, draws)
        if was_active.any():
            self.log.append(RoundLog(round=self.state.round, positions=opened, demand=self.state.demand[:k].copy(),
                                     package=package[:k].copy(), proposer=proposer[:k].copy(),
                                     accepted=accepted[:k].copy(), outcome=self.state.outcome[:k].copy()))  # fmt: skip
        self.influence(draws)
        self.state.round += 1
        self.running = bool(self.state.active.any())

    def _complete_log(self) -> tuple[RoundLog, ...]:
        """The logged rounds, with the offers that were turned down filled in (worked out once, at the end)."""
        offers = getattr(self.behaviour, "trade_off", None)
        if offers is None or self.frontier is None or self.frontier.empty or not self.log:
            return tuple(self.log)
        def turned_down(e: RoundLog) -> np.ndarray:
            demanded = ~np.isnan(e.demand[:, self.veto]).any(axis=1)
            return np.flatnonzero(np.isnan(e.package[:, 0]) & (e.proposer >= 0) & demanded)

        missing = [turned_down(e) for e in self.log]
        if not sum(len(rows) for rows in missing):
            return tuple(self.log)
        proposers = np.concatenate([e.proposer[rows] for e, rows in zip(self.log, missing, strict=True)])
        demands = np.concatenate([e.demand[rows][:, self.veto] for e, rows in zip(self.log, missing, strict=True)])
        tabled = iter(np.split(offers(proposers, demands), np.cumsum([len(rows) for rows in missing])[:-1]))
        done = []
        for entry, rows in zip(self.log, missing, strict=True):
            packages = next(tabled)
            if len(rows):
                package, accepted = entry.package.copy(), entry.accepted.copy()
                package[rows] = packages
                for agent in self.negotiators:
                    accepted[rows, agent.index] = agent.judge(packages, entry.demand[rows, agent.index])
                entry = RoundLog(round=entry.round, positions=entry.positions, demand=entry.demand, package=package,
                                 proposer=entry.proposer, accepted=accepted, outcome=entry.outcome)  # fmt: skip
            done.append(entry)
        return tuple(done)

    def result(self) -> RunResult:
        """Per-replication outcomes, what the terms are worth to each actor and realised utilities."""
        state = self.state
        agreed = state.outcome == Outcome.AGREEMENT
        value = np.full(state.terms.shape[:1] + self.reservation.shape, np.nan)
        value[agreed] = utilities(state.terms[agreed], self.ideal, self.scaled_salience)
        delay = np.maximum(state.rounds - 1, 0)[:, None]
        realised = np.where(agreed[:, None], self.reservation + self.discount**delay * (value - self.reservation),
                            self.reservation[None, :])  # fmt: skip
        return RunResult(outcome=state.outcome.copy(), rounds=state.rounds.copy(), terms=state.terms.copy(),
                         value=value, utility=realised, holdout=state.holdout.copy(),
                         final_positions=state.positions.copy(), log=self._complete_log())  # fmt: skip


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
