"""A plain per-replication implementation of the rules, the oracle for the fast path.

It walks one replication at a time, written from the rules in the README rather than from the
vectorised engine: where the engine uses the frontier's facets (:mod:`negsim.sim.frontier`), this
solves linear programs over packages (one binary choice per linkage, enumerated), and it reads the
same draw blocks as :class:`negsim.agents.model.NegotiationModel`. What it shares with the engine, the
demand shares of :mod:`negsim.sim.concession`, is tested on its own. Slow by design: use it in tests,
not in runs. It covers the time-dependent styles and the chair's text; the equilibrium style has its
own oracle in the tests. A run with uncertain values is played one parameter draw at a time, each as a
plain scenario.
"""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import linprog

from negsim.sim.concession import demand_shares
from negsim.sim.draws import draw_optimism, draw_round, shock_cap, spawn_generators
from negsim.sim.outcomes import Outcome, RunResult
from negsim.sim.parameters import Parameters, parameters_for
from negsim.sim.spec import RunSpec, ScenarioSpec

__all__ = ["Packages", "simulate_reference"]

TIE = 1e-9


class Packages:
    """Linear programs over the packages that keep every veto party's red lines and linkages."""

    def __init__(self, scenario: ScenarioSpec) -> None:
        veto = [a for a in scenario.actors if a.veto]
        self.m, self.n = len(scenario.issues), len(veto)
        self.ideal = np.array([a.ideal for a in veto])
        span = np.array([i.span for i in scenario.issues])
        self.scaled = np.array([a.salience for a in veto]) / span
        low = np.max([a.red_low for a in veto], axis=0)
        high = np.min([a.red_high for a in veto], axis=0)
        vetoes = {a.name for a in veto}
        links = [(scenario.issue_index(l.issue), l.low, l.high, scenario.issue_index(l.when_issue), l.when_low,
                  l.when_high) for l in scenario.linkages if l.actor in vetoes]  # fmt: skip
        self.boxes = []
        for choice in itertools.product((0, 1), repeat=len(links)):  # each linkage: keep the condition, or the issue
            lo, hi = low.copy(), high.copy()
            for pick, (k, a, b, q, c, d) in zip(choice, links, strict=True):
                j, x, y = (q, c, d) if pick == 0 else (k, a, b)
                lo[j], hi[j] = max(lo[j], x), min(hi[j], y)
            if np.all(lo <= hi):
                self.boxes.append((lo, hi))

    def _solve(self, cost_x, cost_t, floor, extra=None, boxes=None):
        """min over boxes of cost . (x, t, z) with u_i(x) >= floor_i (+ z * extra_i); ``None`` if infeasible."""
        n, m = self.n, self.m
        z = extra is not None
        size = m + n * m + z
        rows, bound = [], []
        for i in range(n):
            for k in range(m):
                for sign in (1.0, -1.0):
                    row = np.zeros(size)
                    row[k], row[m + i * m + k] = sign, -1.0
                    rows.append(row)
                    bound.append(sign * self.ideal[i, k])
            row = np.zeros(size)
            row[m + i * m : m + (i + 1) * m] = self.scaled[i]
            if z:
                row[-1] = extra[i]
            rows.append(row)
            bound.append(1.0 - floor[i])
        cost = np.concatenate([cost_x, cost_t, [-1.0] if z else []])
        best = None
        for lo, hi in self.boxes if boxes is None else boxes:
            limits = list(zip(lo, hi, strict=True)) + [(0.0, None)] * (n * m) + ([(None, None)] if z else [])
            result = linprog(cost, A_ub=np.array(rows), b_ub=np.array(bound), bounds=limits, method="highs")
            if result.status == 0 and (best is None or result.fun < best.fun - 1e-12):
                best = result
        return best

    def reachable(self, u: np.ndarray, boxes=None) -> bool:
        """Whether some package (in ``boxes``, default all) gives every veto party at least ``u``."""
        return self._solve(np.zeros(self.m), np.zeros(self.n * self.m), u, boxes=boxes) is not None

    def furthest(self, u: np.ndarray, direction: np.ndarray, boxes=None) -> float:
        """The largest ``z`` with ``u + z direction`` reachable (``-inf`` if none)."""
        result = self._solve(np.zeros(self.m), np.zeros(self.n * self.m), u, extra=direction, boxes=boxes)
        return -np.inf if result is None else float(result.x[-1])

    def settle(self, u: np.ndarray) -> np.ndarray:
        """Utilities of the settled package: in each box where ``u`` is reachable, the parties that can gain
        alone gain together; the box with the largest total gain is taken; until nobody can gain."""
        u = u.copy()
        for _ in range(self.n + 1):
            best_total, best_step = 0.0, None
            for box in self.boxes:
                if not self.reachable(u - TIE, boxes=[box]):
                    continue
                alone = np.array([self.furthest(u, np.eye(self.n)[i], boxes=[box]) for i in range(self.n)])
                can = alone > 1e-8
                if not can.any():
                    continue
                together = self.furthest(u, can * 1.0, boxes=[box])
                if together * can.sum() > best_total + TIE:
                    best_total, best_step = together * can.sum(), together * can
            if best_step is None:
                return u
            u = u + best_step
        return u


def _touch(packages: Packages, before: np.ndarray, now: np.ndarray) -> float | None:
    """Smallest ``lam`` in [0, 1] with ``before + lam (now - before)`` reachable, by bisection on the LP."""
    if not packages.reachable(now - TIE):
        return None
    if packages.reachable(before - TIE):
        return 0.0
    low, high = 0.0, 1.0
    for _ in range(60):
        mid = (low + high) / 2
        if packages.reachable(before + mid * (now - before) - 1e-13):
            high = mid
        else:
            low = mid
    return high


def _setup(sc: ScenarioSpec, protocol) -> dict:
    """Everything one scenario's replications share: arrays, the package LPs, the chair's weights."""
    veto = np.array([a.veto for a in sc.actors])
    packages = Packages(sc)
    reservation = np.array([a.reservation for a in sc.actors])
    weight = None
    if protocol.name == "mediated":
        caps = np.array([a.capability for a in sc.actors])[veto]
        weight = (
            caps / caps.sum()
            if protocol.weights == "capability" and caps.sum() > 0
            else np.full(veto.sum(), 1 / veto.sum())
        )
    return {
        "veto": veto, "packages": packages, "reservation": reservation, "weight": weight,
        "discount": np.array([a.discount for a in sc.actors]), "ideal": np.array([a.ideal for a in sc.actors]),
        "scaled": np.array([a.salience for a in sc.actors]) / np.array([i.span for i in sc.issues]),
        "shares": demand_shares(sc, speed=1.0 + protocol.pressure),
        "lam": 1.0 - np.array([a.stubbornness for a in sc.actors]), "W": sc.influence_matrix(),
        "red_low": np.array([a.red_low for a in sc.actors]), "red_high": np.array([a.red_high for a in sc.actors]),
        "zopa": bool(packages.boxes) and packages.reachable(reservation[veto]),
    }  # fmt: skip


def simulate_reference(run: RunSpec, parameters: Parameters | None = None) -> RunResult:
    """Simulate ``run`` one replication at a time (same seed → same draws as the model).

    Each replication plays its parameter draw as a scenario of its own (:meth:`Parameters.scenario_of`).
    Returns per-replication outcomes, rounds and values; ``terms`` holds NaN (packages are not unique where
    parties are indifferent, so the oracle checks utilities, not packages).
    """
    base, R, protocol = run.scenario, run.replications, run.protocol
    n, m, T = len(base.actors), len(base.issues), base.deadline
    parameters = parameters_for(run) if parameters is None else parameters
    scenarios = [parameters.scenario_of(d) for d in range(parameters.draws)]
    row = [scenarios[d] for d in parameters.draw]
    _, streams = spawn_generators(run.seed)
    perception = np.array([sc.noise.perception for sc in row])[:, None]
    optimism = perception * draw_optimism(streams, replications=R, actors=n)
    blocks = [draw_round(streams, replications=R, actors=n, issues=m, cap=shock_cap(base)) for _ in range(T)]
    jolts = [b.jolt(np.array([sc.noise.p_shock for sc in row]), np.array([sc.noise.shock_size for sc in row]))
             for b in blocks]  # fmt: skip
    span = np.array([i.span for i in base.issues])
    outcome, rounds = np.zeros(R, np.int8), np.zeros(R, np.int32)
    value, utility = np.full((R, n), np.nan), np.zeros((R, n))
    talks = protocol.name != "influence_only"
    setups: dict[int, dict] = {}
    for r in range(R):
        d = int(parameters.draw[r])
        sc = scenarios[d]
        if d not in setups:
            setups[d] = _setup(sc, protocol)
        s = setups[d]
        veto, packages, reservation, weight = s["veto"], s["packages"], s["reservation"], s["weight"]
        ideal, scaled, shares, lam, W = s["ideal"], s["scaled"], s["shares"], s["lam"], s["W"]
        red_low, red_high, discount = s["red_low"], s["red_high"], s["discount"]
        utility[r] = reservation
        if talks and not s["zopa"]:
            outcome[r] = Outcome.BREAKDOWN
            continue
        perceived = np.minimum(reservation + optimism[r], 1.0)
        pos = ideal.copy()
        ceiling = np.maximum(1.0, perceived)
        demand = ceiling.copy()
        text_value = None
        if weight is not None:
            z = packages.furthest(perceived[veto], weight)
            text_value = packages.settle(perceived[veto] + max(z, 0.0) * weight) if z >= -TIE else None
        for t in range(T):
            before = demand.copy()
            demand = np.minimum(demand, perceived + shares[t] * (ceiling - perceived))
            agreed = None
            if talks and weight is None:
                hit = _touch(packages, before[veto], demand[veto])
                if hit is not None:
                    # a hair inside: the LP solver's feasibility tolerance (1e-7) can put the bisection just outside
                    agreed = packages.settle(before[veto] + hit * (demand[veto] - before[veto]) - 1e-7)
            elif talks and text_value is not None and np.all(text_value >= demand[veto] - TIE):
                agreed = text_value
            if agreed is not None:
                outcome[r], rounds[r] = Outcome.AGREEMENT, t + 1
                value[r, veto] = agreed
                break
            esc = sc.escalation
            if esc is not None and t >= esc.after_round:
                k, mover = sc.issue_index(esc.issue), sc.actor_index(esc.actor)
                crosses = any(
                    not red_low[i, k] <= esc.value <= red_high[i, k] for i in range(n) if veto[i] and i != mover
                )
                if crosses and blocks[t].escalate[r] < esc.p_per_round:
                    outcome[r], rounds[r] = Outcome.ESCALATION, t + 1
                    break
            if t + 1 >= T:
                outcome[r], rounds[r] = Outcome.STALEMATE, T
                break
            moved = lam[:, None] * (W @ pos) + (1 - lam)[:, None] * ideal
            if jolts[t] is not None:
                moved = moved + jolts[t][r] * span
            pos = np.clip(moved, red_low, red_high)
            said = 1.0 - (np.abs(pos - ideal) * scaled).sum(axis=1)
            ceiling = np.maximum(np.minimum(ceiling, said), perceived)
        if outcome[r] == Outcome.AGREEMENT:
            delay = rounds[r] - 1
            utility[r, veto] = reservation[veto] + discount[veto] ** delay * (value[r, veto] - reservation[veto])
    return RunResult(
        outcome=outcome,
        rounds=rounds,
        terms=np.full((R, m), np.nan),
        value=value,
        utility=utility,
        holdout=np.zeros((R, n), bool),
        final_positions=np.zeros((R, n, m)),
    )
