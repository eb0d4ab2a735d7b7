"""A plain per-replication implementation of the rules, the oracle for the fast path.

It walks one replication at a time with scalar loops over actors and issues,
written from the rules in DESIGN.md rather than from the vectorised kernels,
and reads the same draw blocks as :class:`agents.model.NegotiationModel`. Slow by
design: use it in tests, not in runs.
"""

from __future__ import annotations

import numpy as np

from negsim.sim.concession import aspirations, proposer_order
from negsim.sim.draws import RoundDraws, draw_round, spawn_generators
from negsim.sim.outcomes import Outcome, RunResult
from negsim.sim.spec import RunSpec, ScenarioSpec

__all__ = ["simulate_reference"]

TIE = 1e-12


def _utility(package, position, salience, span) -> float:
    return 1.0 - sum(s * abs(x - p) / w for x, p, s, w in zip(package, position, salience, span, strict=True))


def _mean(values: list[float], weights: list[float]) -> float:
    return sum(w * v for v, w in zip(values, weights, strict=True)) / sum(weights)


def _median(values: list[float], weights: list[float]) -> float:
    order = sorted(range(len(values)), key=lambda i: values[i])
    total, running = sum(weights), 0.0
    for i in order:
        running += weights[i]
        if running >= total / 2.0:
            return values[i]
    return values[order[-1]]


class _Replication:
    """One replication's state and its round, in scalar form."""

    def __init__(self, run: RunSpec, index: int) -> None:
        self.run, self.r, sc = run, index, run.scenario
        self.sc: ScenarioSpec = sc
        self.n, self.m = len(sc.actors), len(sc.issues)
        self.span = [issue.span for issue in sc.issues]
        self.x0 = [list(a.ideal) for a in sc.actors]
        self.pos = [list(a.ideal) for a in sc.actors]
        veto = [a for a in sc.actors if a.veto]
        self.f_low = [max(a.red_low[k] for a in veto) for k in range(self.m)]
        self.f_high = [min(a.red_high[k] for a in veto) for k in range(self.m)]
        self.boost = [1.0] * self.n
        self.order = list(proposer_order(sc))
        self.asp_prop, self.asp_resp = aspirations(sc)
        self.w = sc.influence_matrix()

    def weights(self, k: int, exclude: int | None = None) -> list[float]:
        """Capability × salience weights of the veto parties on issue ``k``."""
        sc = self.sc
        veto_w = [a.capability * a.salience[k] * a.veto for a in sc.actors]
        if sum(veto_w) <= 0:
            veto_w = [1.0 * a.veto for a in sc.actors]
        if exclude is None:
            return veto_w
        others = [0.0 if i == exclude else w for i, w in enumerate(veto_w)]
        return others if sum(others) > 0 else [1.0 * (i == exclude) for i in range(self.n)]

    def feasible(self, package: list[float]) -> list[float]:
        package = [min(max(x, lo), max(hi, lo)) for x, lo, hi in zip(package, self.f_low, self.f_high, strict=True)]
        for link in self.sc.linkages:
            a, k, q = (
                self.sc.actor_index(link.actor),
                self.sc.issue_index(link.issue),
                self.sc.issue_index(link.when_issue),
            )
            if self.sc.actors[a].veto and not link.when_low <= package[q] <= link.when_high:
                package[k] = min(max(package[k], link.low), link.high)
        return package

    def proposal(self, i: int, t: int) -> list[float]:
        actor = self.sc.actors[i]
        target = [_mean([p[k] for p in self.pos], self.weights(k, exclude=i)) for k in range(self.m)]
        loss = sum(
            s * abs(c - p) / w for c, p, s, w in zip(target, self.pos[i], actor.salience, self.span, strict=True)
        )
        step = min(max((1.0 - self.asp_prop[t, i]) / loss, 0.0), 1.0) if loss > 0 else 0.0
        return self.feasible([p + step * (c - p) for p, c in zip(self.pos[i], target, strict=True)])

    def tolerates(self, i: int, package: list[float]) -> bool:
        actor = self.sc.actors[i]
        if any(not lo - TIE <= x <= hi + TIE for x, lo, hi in zip(package, actor.red_low, actor.red_high, strict=True)):
            return False
        for link in self.sc.linkages:
            if self.sc.actor_index(link.actor) != i:
                continue
            k, q = self.sc.issue_index(link.issue), self.sc.issue_index(link.when_issue)
            if not (link.when_low <= package[q] <= link.when_high or link.low - TIE <= package[k] <= link.high + TIE):
                return False
        return True

    def table(self, t: int, draws: RoundDraws) -> tuple[list[float], int]:
        protocol = self.run.protocol
        if protocol.name == "mediated":
            anchor = _median if protocol.anchor == "median" else _mean
            text = [anchor([p[k] for p in self.pos], [w * b for w, b in zip(self.weights(k), self.boost, strict=True)])
                    for k in range(self.m)]  # fmt: skip
            return self.feasible(text), -1
        if draws.pick is None:
            proposer = self.order[t % len(self.order)]
        else:
            caps = [self.sc.actors[i].capability for i in self.order]
            share, total, chosen = 0.0, sum(caps), len(self.order) - 1
            for j, c in enumerate(caps):
                share += c
                if draws.pick[self.r] < share / total:
                    chosen = j
                    break
            proposer = self.order[chosen]
        return self.proposal(proposer, t), proposer

    def respond(self, t: int, package: list[float], proposer: int, draws: RoundDraws) -> list[bool]:
        answers, self.values = [], []
        for i, actor in enumerate(self.sc.actors):
            value = _utility(package, self.pos[i], actor.salience, self.span)
            self.values.append(actor.discount**t * value)
            worth = actor.discount**t * value >= actor.reservation - TIE
            perceived = value + (draws.noise[self.r, i] if draws.noise is not None else 0.0)
            if i == proposer:
                answers.append(worth)
            else:
                answers.append(perceived >= self.asp_resp[t, i] - TIE and worth and self.tolerates(i, package))
        if self.run.protocol.name == "mediated":
            self.boost = [
                b * (1.0 if ok else 1.0 + self.run.protocol.amend_rate)
                for b, ok in zip(self.boost, answers, strict=True)
            ]
        return answers

    def influence(self, draws: RoundDraws) -> None:
        moved = []
        for i, actor in enumerate(self.sc.actors):
            lam = 1.0 - actor.stubbornness
            row = []
            for k in range(self.m):
                pulled = sum(self.w[i, j] * self.pos[j][k] for j in range(self.n))
                value = lam * pulled + (1.0 - lam) * self.x0[i][k]
                if draws.jolt is not None:
                    value += draws.jolt[self.r, i, k]
                row.append(min(max(value, actor.red_low[k]), actor.red_high[k]))
            moved.append(row)
        self.pos = moved

    def ended(self, t: int, package, answers, draws: RoundDraws) -> Outcome | None:
        sc, veto = self.sc, [i for i, a in enumerate(self.sc.actors) if a.veto]
        if self.run.protocol.name != "influence_only" and all(answers[i] for i in veto):
            return Outcome.AGREEMENT
        esc = sc.escalation
        if esc is not None and t >= esc.after_round:
            k, mover = sc.issue_index(esc.issue), sc.actor_index(esc.actor)
            crosses = any(
                not sc.actors[i].red_low[k] <= esc.value <= sc.actors[i].red_high[k] for i in veto if i != mover
            )
            if crosses and draws.escalate[self.r] < esc.p_per_round:
                return Outcome.ESCALATION
        if self.run.protocol.name != "influence_only":
            for i in veto:
                actor = sc.actors[i]
                best_pos = [min(max(p, lo), hi) for p, lo, hi in zip(self.pos[i], self.f_low, self.f_high, strict=True)]
                if (
                    actor.discount ** (t + 1) * _utility(best_pos, self.pos[i], actor.salience, self.span)
                    < actor.reservation - TIE
                ):
                    return Outcome.BREAKDOWN
        return Outcome.STALEMATE if t + 1 >= sc.deadline else None

    def play(self, blocks: list[RoundDraws]) -> tuple[Outcome, int, list[float] | None]:
        if any(lo > hi + TIE for lo, hi in zip(self.f_low, self.f_high, strict=True)):
            return Outcome.BREAKDOWN, 0, None
        for t, draws in enumerate(blocks):
            if self.run.protocol.name == "influence_only":
                package, answers = None, [False] * self.n
            else:
                package, proposer = self.table(t, draws)
                answers = self.respond(t, package, proposer, draws)
            self.influence(draws)
            outcome = self.ended(t, package, answers, draws)
            if outcome is not None:
                return outcome, t + 1, package if outcome == Outcome.AGREEMENT else None
        raise AssertionError("a replication always ends by the deadline")


def simulate_reference(run: RunSpec) -> RunResult:
    """Simulate ``run`` one replication at a time (same seed → same draws as the model)."""
    sc, R = run.scenario, run.replications
    _, noise_rng = spawn_generators(run.seed)
    blocks = [draw_round(noise_rng, scenario=sc, protocol=run.protocol, replications=R) for _ in range(sc.deadline)]
    n, m = len(sc.actors), len(sc.issues)
    outcome, rounds = np.zeros(R, np.int8), np.zeros(R, np.int32)
    terms, utility, final = np.full((R, m), np.nan), np.zeros((R, n)), np.zeros((R, n, m))
    for r in range(R):
        replication = _Replication(run, r)
        outcome[r], rounds[r], package = replication.play(blocks)
        final[r] = replication.pos
        if package is None:
            utility[r] = [actor.reservation for actor in sc.actors]
        else:
            utility[r], terms[r] = replication.values, package
    return RunResult(outcome=outcome, rounds=rounds, terms=terms, utility=utility, final_positions=final)
