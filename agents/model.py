"""The negotiation as a Mesa model that steps every replication at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from mesa.agent import Agent
from mesa.model import Model

from negsim.agents.negotiator import TIE, Negotiator
from negsim.agents.protocols import behaviour
from negsim.sim.draws import RoundDraws, draw_optimism, draw_round, shock_cap, spawn_generators
from negsim.sim.frontier import Frontier, utilities
from negsim.sim.kernels import fj_step
from negsim.sim.outcomes import Outcome, RoundLog, RunResult
from negsim.sim.parameters import Parameters, parameters_for
from negsim.sim.protocols import PROTOCOLS
from negsim.sim.spec import RunSpec
from negsim.sim.styles import TimeDependent
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

    The scenario is ``talks`` (``Model.scenario`` is Mesa's own, from Mesa 3.5). Every scenario number is
    read from ``parameters`` (:mod:`negsim.sim.parameters`): arrays with one row per replication, or a
    single row that broadcasts when the value is the same in every replication.
    """

    def __init__(self, run: RunSpec, parameters: Parameters | None = None,
                 common_noise: int | tuple[np.ndarray, int] | None = None) -> None:  # fmt: skip
        mesa_rng, self.streams = spawn_generators(run.seed)
        super().__init__(rng=mesa_rng)
        self.talks, self.protocol, self.replications = run.scenario, run.protocol, run.replications
        self.recorded = min(run.record, run.replications)
        self.parameters = parameters_for(run) if parameters is None else parameters
        self._read_parameters()
        R, (n, m) = run.replications, self.ideal.shape[1:]
        self.cap = shock_cap(self.talks)
        # With common noise, replication r plays noise row r % common_noise (or rows[r] of ``size`` rows): the
        # parameter samples of a design meet the same chance events, so their differences are the parameters'.
        self.noise_rows, self.noise_size = None, R
        if isinstance(common_noise, tuple):
            self.noise_rows, self.noise_size = np.asarray(common_noise[0], np.intp), int(common_noise[1])
        elif common_noise is not None:
            self.noise_rows, self.noise_size = np.arange(R) % common_noise, int(common_noise)
        optimism = draw_optimism(self.streams, replications=self.noise_size, actors=n)
        if self.noise_rows is not None:
            optimism = optimism[self.noise_rows]
        self.perceived = np.minimum(self.reservation + self.noise[:, :1] * optimism, 1.0)
        self.veto_perceived = self.perceived[:, self.veto]
        ceiling = np.maximum(np.ones((R, n)), self.perceived)
        self.state = NegotiationState(
            round=0, positions=np.broadcast_to(self.ideal, (R, n, m)).copy(), ceiling=ceiling,
            demand=np.where(self.veto, ceiling, np.nan), demand_before=np.where(self.veto, ceiling, np.nan),
            outcome=np.zeros(R, np.int8), rounds=np.zeros(R, np.int32), terms=np.full((R, m), np.nan),
            holdout=np.zeros((R, n), bool),
        )  # fmt: skip
        self.negotiators = [Negotiator(self, index=i, spec=actor) for i, actor in enumerate(self.talks.actors)]
        self.mediator = None
        self.frontier, self.group = self._frontier()
        self.tables_offers = PROTOCOLS[self.protocol.name].tables_offers
        if self.tables_offers:  # no package is worth no deal to every veto party: no talks
            self.state.outcome[np.broadcast_to(self._no_zone(), (R,))] = Outcome.BREAKDOWN
        self.behaviour = behaviour(self)
        self.speed = 1.0 + self.protocol.pressure
        self.log: list[RoundLog] = []
        self.running = bool(self.state.active.any())

    def _read_parameters(self) -> None:
        """The scenario's numbers as arrays: issues ``(m,)``; per row, actors ``(P, n)`` and ``(P, n, m)``."""
        scenario, at = self.talks, self.parameters.per_replication
        self.span = np.array([issue.span for issue in scenario.issues])
        self.issue_low = np.array([issue.low for issue in scenario.issues])
        self.issue_high = np.array([issue.high for issue in scenario.issues])
        self.veto = np.array([actor.veto for actor in scenario.actors])
        self.ideal, self.scaled_salience = at("ideal"), at("salience") / self.span
        self.veto_ideal, self.veto_scaled = self.ideal[:, self.veto], self.scaled_salience[:, self.veto]
        self.red_low, self.red_high = at("red_low"), at("red_high")
        self.discount, self.reservation, self.capability = at("discount"), at("reservation"), at("capability")
        self.exponent = at("exponent")
        self.strength = self.veto.sum() * self.capability
        self.escalation, self.noise = at("escalation"), at("noise")
        bounds = at("linkage")
        self.linkages = [
            (scenario.actor_index(l.actor), scenario.issue_index(l.issue), bounds[:, j, 0], bounds[:, j, 1],
             scenario.issue_index(l.when_issue), bounds[:, j, 2], bounds[:, j, 3])
            for j, l in enumerate(scenario.linkages)
        ]  # fmt: skip
        incoming = at("incoming")
        weights = incoming + np.eye(len(self.veto)) * (1.0 - incoming.sum(axis=2))[:, :, None]
        stubbornness = at("stubbornness")
        self.pull = (1.0 - stubbornness)[:, :, None] * weights
        self.anchor = stubbornness[:, :, None] * self.ideal

    @staticmethod
    def at(array: np.ndarray, rows) -> np.ndarray:
        """The rows ``rows`` of a per-replication array (a single-row array is the same for all)."""
        return array if array.shape[0] == 1 else array[rows]

    def groups(self, rows) -> np.ndarray | None:
        """The frontier geometry of replications ``rows`` (``None``: there is only one)."""
        return None if self.group is None else self.group[rows]

    def _frontier(self) -> tuple[Frontier, np.ndarray | None]:
        """What the veto parties can reach together (their red lines and linkages), one geometry per distinct draw.

        Returns the frontier and each replication's geometry (``None`` when all share one).
        """
        veto, arrays, scenario = self.veto, self.parameters.arrays, self.talks
        self.draw_group = None  # each parameter draw's geometry, when the draws have several
        kept = [j for j, l in enumerate(scenario.linkages) if veto[scenario.actor_index(l.actor)]]
        parts = [arrays["ideal"][:, veto], arrays["salience"][:, veto] / self.span,
                 arrays["red_low"][:, veto].max(axis=1), arrays["red_high"][:, veto].min(axis=1),
                 arrays["linkage"][:, kept]]  # fmt: skip
        D = max(part.shape[0] for part in parts)
        ideal, scaled, low, high, bounds = (np.broadcast_to(p, (D, *p.shape[1:])) for p in parts)
        links = [(self.talks.issue_index(scenario.linkages[j].issue), bounds[:, i, 0], bounds[:, i, 1],
                  self.talks.issue_index(scenario.linkages[j].when_issue), bounds[:, i, 2], bounds[:, i, 3])
                 for i, j in enumerate(kept)]  # fmt: skip
        if D == 1:
            return Frontier(ideal[0], scaled[0], low[0], high[0], [(*l[:1], l[1][0], l[2][0], l[3], l[4][0], l[5][0])
                                                                  for l in links]), None  # fmt: skip
        flat = np.concatenate([p.reshape(D, -1) for p in (ideal, scaled, low, high, bounds)], axis=1)
        _, first, inverse = np.unique(flat, axis=0, return_index=True, return_inverse=True)
        links = [(l[0], l[1][first], l[2][first], l[3], l[4][first], l[5][first]) for l in links]
        frontier = Frontier(ideal[first], scaled[first], low[first], high[first], links)
        if len(first) == 1:
            return frontier, None
        self.draw_group = inverse.ravel()
        return frontier, self.draw_group[self.parameters.draw]

    def _no_zone(self) -> np.ndarray:
        """``(R,)`` or ``(1,)``: where no package is worth what no deal is to every veto party (worked out per draw)."""
        if self.frontier.empty:
            return np.ones(1, bool)
        floor, group = self.parameters.arrays["reservation"][:, self.veto], self.draw_group
        if group is not None and len(floor) == 1:
            floor = np.broadcast_to(floor, (len(group), floor.shape[1]))
        empty = self.frontier.slack(floor, group) < -TIE
        return empty if len(empty) == 1 else empty[self.parameters.draw]

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
                agent.concede(self.share(agent))

    def share(self, agent: Negotiator) -> np.ndarray:
        """``(P,)`` the share of its room ``agent`` still demands at the end of this round."""
        i, style = agent.index, agent.spec.concession
        if isinstance(style, TimeDependent):
            style = TimeDependent(self.exponent[:, i])  # its exponent as drawn (the scenario's, if fixed)
        return style.share(self.state.round, deadline=self.talks.deadline, strength=self.strength[:, i],
                           discount=self.discount[:, i], speed=self.speed)  # fmt: skip

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
        state, at = self.state, self.at
        active = state.active
        # Step the replications still talking; with per-replication values and most still talking, stepping
        # them all and keeping the ended ones' positions is cheaper than gathering their values.
        whole = active.all() or (self.pull.shape[0] > 1 and active.mean() > 0.5)
        rows = slice(None) if whole else np.flatnonzero(active)
        moved = fj_step(state.positions[rows], at(self.pull, rows), at(self.anchor, rows))
        hits = draws.hits(self.noise[:, 1], self.noise[:, 2])
        if hits is not None:
            hit_rows, actors, jolt = hits
            if not isinstance(rows, slice):  # only the replications still talking move
                place = np.full(self.replications, -1)
                place[rows] = np.arange(len(rows))
                keep = place[hit_rows] >= 0
                hit_rows, actors, jolt = place[hit_rows[keep]], actors[keep], jolt[keep]
            moved[hit_rows, actors] += jolt * self.span
        np.clip(moved, at(self.red_low, rows), at(self.red_high, rows), out=moved)
        ended = None if active.all() or not whole else ~active
        if ended is not None:
            moved[ended] = state.positions[ended]
        if whole:
            state.positions = moved
        else:
            state.positions[rows] = moved
        veto = self.veto
        ideal, scaled = at(self.veto_ideal, rows), at(self.veto_scaled, rows)
        if len(ideal) == 1:
            said = 1.0 - np.einsum("rnm,nm->rn", np.abs(moved[:, veto] - ideal), scaled[0])
        else:
            said = 1.0 - np.einsum("rnm,rnm->rn", np.abs(moved[:, veto] - ideal), scaled)
        ceiling = state.ceiling[rows] if not whole else state.ceiling
        worth = np.maximum(np.minimum(ceiling[:, veto], said), self.veto_perceived[rows])
        if ended is not None:
            worth[ended] = ceiling[ended][:, veto]
        ceiling[:, veto] = worth
        if not whole:
            state.ceiling[rows] = ceiling  # what each veto party's stated position is worth to it

    def conclude(self, package: np.ndarray, accepted: np.ndarray, draws: RoundDraws) -> None:
        """Settle agreements, escalations and, at the deadline, stalemates."""
        state, t = self.state, self.state.round
        if self.tables_offers:
            self._end(np.all(accepted[:, self.veto], axis=1), Outcome.AGREEMENT, terms=package)
        escalation = self.talks.escalation
        if escalation is not None and t >= escalation.after_round:
            fires = self._escalation_crosses() & (draws.escalate < self.escalation[:, 1])
            self._end(np.broadcast_to(fires, (self.replications,)), Outcome.ESCALATION)
        if t + 1 >= self.talks.deadline:
            stalled = self._end(np.ones(self.replications, bool), Outcome.STALEMATE)
            if self.tables_offers and stalled.any():
                rows = np.flatnonzero(stalled)
                held = holdouts(self.frontier, state.demand[rows][:, self.veto], self.groups(rows))
                state.holdout[np.ix_(rows, np.flatnonzero(self.veto))] = held

    def _escalation_crosses(self) -> np.ndarray:
        """``(P,)`` whether the move crosses another veto party's red line, per row."""
        spec = self.talks.escalation
        k, mover = self.talks.issue_index(spec.issue), self.talks.actor_index(spec.actor)
        others = self.veto & (np.arange(len(self.veto)) != mover)
        value = self.escalation[:, :1]
        return np.any(others & ((value < self.red_low[:, :, k]) | (value > self.red_high[:, :, k])), axis=1)

    def _end(self, where: np.ndarray, outcome: Outcome, terms: np.ndarray | None = None) -> np.ndarray:
        where = where & self.state.active
        self.state.outcome[where] = outcome
        self.state.rounds[where] = self.state.round + 1
        if terms is not None:
            self.state.terms[where] = terms[where]
        return where

    def step(self) -> None:
        """One round for every replication still negotiating."""
        draws = draw_round(self.streams, replications=self.noise_size, actors=len(self.veto), issues=len(self.span),
                           cap=self.cap)  # fmt: skip
        if self.noise_rows is not None:
            draws = draws.rows(self.noise_rows)
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
        where = np.concatenate(missing)
        made = offers(proposers, demands, where)
        tabled = iter(np.split(made, np.cumsum([len(rows) for rows in missing])[:-1]))
        done = []
        for entry, rows in zip(self.log, missing, strict=True):
            packages = next(tabled)
            if len(rows):
                package, accepted = entry.package.copy(), entry.accepted.copy()
                package[rows] = packages
                for agent in self.negotiators:
                    accepted[rows, agent.index] = agent.judge(packages, entry.demand[rows, agent.index], rows)
                entry = RoundLog(round=entry.round, positions=entry.positions, demand=entry.demand, package=package,
                                 proposer=entry.proposer, accepted=accepted, outcome=entry.outcome)  # fmt: skip
            done.append(entry)
        return tuple(done)

    def result(self) -> RunResult:
        """Per-replication outcomes, what the terms are worth to each actor and realised utilities."""
        state = self.state
        agreed = state.outcome == Outcome.AGREEMENT
        value = np.full((self.replications, len(self.veto)), np.nan)
        rows = np.flatnonzero(agreed)
        value[rows] = utilities(state.terms[rows], self.at(self.ideal, rows), self.at(self.scaled_salience, rows))
        delay = np.maximum(state.rounds - 1, 0)[:, None]
        reservation = np.broadcast_to(self.reservation, value.shape)
        realised = np.where(agreed[:, None], reservation + self.discount**delay * (value - reservation), reservation)
        return RunResult(outcome=state.outcome.copy(), rounds=state.rounds.copy(), terms=state.terms.copy(),
                         value=value, utility=realised, holdout=state.holdout.copy(),
                         final_positions=state.positions.copy(), log=self._complete_log(),
                         **({"draw": self.parameters.draw, "parameters": self.parameters.values}
                            if self.talks.uncertain else {}))  # fmt: skip


def simulate(run: RunSpec, *, progress: Callable[[int, int], None] | None = None,
             parameters: Parameters | None = None,
             common_noise: int | tuple[np.ndarray, int] | None = None) -> RunResult:  # fmt: skip
    """Run every replication of ``run`` to its end and return the results.

    Args:
        run: the frozen run specification; its seed fixes every draw.
        progress: called as ``progress(round, deadline)`` after each round.
        parameters: the scenario's values per replication (default: drawn from the run's seed, see
            :func:`negsim.sim.parameters.parameters_for`); a design passes its own.
        common_noise: give replication ``r`` the noise of replication ``r % common_noise``, or, as
            ``(rows, size)``, noise row ``rows[r]`` of ``size`` rows drawn (a design's common random
            numbers); default: every replication its own.
    """
    model = NegotiationModel(run, parameters, common_noise)
    try:
        while model.running:
            model.step()
            if progress is not None:
                progress(model.state.round, run.scenario.deadline)
        return model.result()
    finally:
        release(model)


def release(model: Model) -> None:
    """Let ``model`` be freed once its caller drops it.

    Mesa before 3.4 keeps every model it has seen alive in ``Agent._ids``, a class-level id counter keyed by
    model (mesa issue 3179), so a process that runs many models (a sweep's jobs, a design's batches) would
    keep every one's arrays: several GB for a sensitivity analysis. Dropping the model's entry after its
    run fixes that; newer Mesa has no such counter.
    """
    ids = getattr(Agent, "_ids", None)
    if isinstance(ids, dict):
        ids.pop(model, None)
