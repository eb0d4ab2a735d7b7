"""A run's scenario values as arrays, one row per parameter draw; uncertain values drawn per draw.

The engine reads every scenario number from here. Without uncertain values each array has one row and
broadcasts over the replications; with them, the replications are split into ``D`` parameter draws of
(nearly) equal size, in order, and each draw has its own row.

Draws come from the run's third :class:`numpy.random.SeedSequence` child (Mesa and the noise take the
first two), with one stream per uncertain value keyed by its name: a value keeps its draws when other
values gain or lose a range, so paired comparisons keep common random numbers in the parameters too.
Draws map uniforms through each distribution's inverse, so a design (Sobol) can supply the uniforms.

Two rules turn drawn values into a scenario: an actor's drawn saliences are divided by their total (so
they sum to 1), and nothing else is changed (validation and :func:`negsim.sim.judgments.widen` keep
every range legal, ideals inside red lines and incoming influence at most 1).
"""

from __future__ import annotations

import dataclasses
import zlib
from dataclasses import dataclass

import numpy as np

from negsim.sim.spec import NoiseSpec, RunSpec, ScenarioSpec
from negsim.sim.styles import TimeDependent

__all__ = ["Parameters", "draw_uniforms", "nominal", "parameters_for", "slot"]

_ACTOR_FIELDS = ("capability", "stubbornness", "discount", "reservation")
_NOISE = ("perception", "p_shock", "shock_size")
_LINKAGE = {"min": 0, "max": 1, "when.min": 2, "when.max": 3}


def nominal(scenario: ScenarioSpec) -> dict[str, np.ndarray]:
    """The scenario's own values as arrays: ``(n, m)`` per actor and issue, ``(n,)`` per actor, and so on.

    ``incoming[i, j]`` is the weight actor ``i`` takes from actor ``j``; ``exponent`` is a time-dependent
    style's exponent (NaN for other styles); ``linkage`` rows are ``(min, max, when.min, when.max)``;
    ``escalation`` is ``(value, p_per_round)``; ``noise`` is ``(perception, p_shock, shock_size)``.
    """
    actors = scenario.actors
    names = scenario.actor_names
    incoming = np.zeros((len(actors), len(actors)))
    for edge in scenario.edges:
        incoming[names.index(edge.target), names.index(edge.source)] = edge.weight
    move = scenario.escalation
    noise = scenario.noise
    return {
        "ideal": np.array([a.ideal for a in actors], float),
        "salience": np.array([a.salience for a in actors], float),
        "red_low": np.array([a.red_low for a in actors], float),
        "red_high": np.array([a.red_high for a in actors], float),
        **{field: np.array([getattr(a, field) for a in actors], float) for field in _ACTOR_FIELDS},
        "exponent": np.array([a.concession.exponent if isinstance(a.concession, TimeDependent) else np.nan
                              for a in actors]),
        "incoming": incoming,
        "linkage": np.array([(link.low, link.high, link.when_low, link.when_high) for link in scenario.linkages],
                            float).reshape(-1, 4),
        "escalation": np.array([move.value, move.p_per_round] if move is not None else [np.nan, 0.0]),
        "noise": np.array([noise.perception, noise.p_shock, noise.shock_size]),
    }  # fmt: skip


def slot(scenario: ScenarioSpec, key: str) -> tuple[str, tuple[int, ...]]:
    """Where the value at ``key`` lives in :func:`nominal`'s arrays: the array's name and the index in it.

    >>> from negsim.sim.scenarios import toy_scenario
    >>> slot(toy_scenario(), "influence.a.b.weight")
    ('incoming', (1, 0))
    """
    part = key.split(".")
    if part[0] == "actors":
        i, field = scenario.actor_index(part[1]), part[2]
        if field in ("ideal", "salience"):
            return field, (i, scenario.issue_index(part[3]))
        if field == "red_lines":
            return ("red_low" if part[4] == "min" else "red_high"), (i, scenario.issue_index(part[3]))
        return ("exponent" if field == "concession" else field), (i,)
    if part[0] == "influence":
        return "incoming", (scenario.actor_index(part[2]), scenario.actor_index(part[1]))
    if part[0] == "linkages":
        index = [link.name for link in scenario.linkages].index(part[1])
        return "linkage", (index, _LINKAGE[".".join(part[2:])])
    if part[0] == "escalation":
        return "escalation", (0 if part[1] == "value" else 1,)
    return "noise", (_NOISE.index(part[1]),)


def draw_uniforms(scenario: ScenarioSpec, seed: int, draws: int) -> np.ndarray:
    """``(draws, K)`` uniforms for the scenario's uncertain values, one stream per value's name."""
    parent = np.random.SeedSequence(seed).spawn(3)[2]
    columns = []
    for value in scenario.uncertain:
        child = np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, zlib.crc32(value.key.encode())))
        columns.append(np.random.default_rng(child).random(draws))
    return np.stack(columns, axis=1) if columns else np.zeros((draws, 0))


@dataclass(frozen=True, slots=True, eq=False)
class Parameters:
    """The arrays of :func:`nominal` with a leading axis: one row per draw, or a single row when fixed.

    Attributes:
        values: ``(D, K)`` the drawn values, in the order of ``scenario.uncertain``.
        draw: ``(R,)`` the draw each replication uses.
        arrays: name -> ``(D | 1, ...)``.
    """

    scenario: ScenarioSpec
    values: np.ndarray
    draw: np.ndarray
    arrays: dict

    @classmethod
    def from_values(cls, scenario: ScenarioSpec, values: np.ndarray, replications: int) -> Parameters:
        """The parameters for draws ``values`` ``(D, K)``, split over ``replications`` in contiguous blocks."""
        K = len(scenario.uncertain)
        values = np.asarray(values, float).reshape(-1, K) if K else np.zeros((1, 0))
        D = len(values)
        arrays = {name: array[None] for name, array in nominal(scenario).items()}
        for k, value in enumerate(scenario.uncertain):
            name, index = slot(scenario, value.key)
            if arrays[name].shape[0] == 1 and D > 1:
                arrays[name] = np.repeat(arrays[name], D, axis=0)
            arrays[name][(slice(None), *index)] = values[:, k]
        salient = [v.key for v in scenario.uncertain if v.key.split(".")[2:3] == ["salience"]]
        ranged = sorted({slot(scenario, key)[1][0] for key in salient})
        if ranged:  # each draw's saliences sum to 1
            salience = arrays["salience"]
            salience[:, ranged] /= salience[:, ranged].sum(axis=2, keepdims=True)
        draw = np.arange(replications) * D // replications
        return cls(scenario=scenario, values=values, draw=draw, arrays=arrays)

    @property
    def draws(self) -> int:
        """How many parameter draws the replications are split among."""
        return len(self.values)

    def per_replication(self, name: str) -> np.ndarray:
        """``(R | 1, ...)`` an array with one row per replication (a single row when it is fixed)."""
        array = self.arrays[name]
        return array if array.shape[0] == 1 else array[self.draw]

    def scenario_of(self, d: int) -> ScenarioSpec:
        """Draw ``d`` as a scenario with fixed values (for the reference oracle and per-draw analyses)."""
        sc = self.scenario
        a = {name: array[0 if array.shape[0] == 1 else d] for name, array in self.arrays.items()}
        actors = tuple(
            dataclasses.replace(
                actor, ideal=tuple(a["ideal"][i]), salience=tuple(a["salience"][i]),
                red_low=tuple(a["red_low"][i]), red_high=tuple(a["red_high"][i]),
                **{field: float(a[field][i]) for field in _ACTOR_FIELDS},
                concession=(TimeDependent(float(a["exponent"][i]), actor.concession.label)
                            if isinstance(actor.concession, TimeDependent) else actor.concession),
            )
            for i, actor in enumerate(sc.actors)
        )  # fmt: skip
        names = sc.actor_names
        edges = tuple(dataclasses.replace(e, weight=float(a["incoming"][names.index(e.target), names.index(e.source)]))
                      for e in sc.edges)  # fmt: skip
        linkages = tuple(
            dataclasses.replace(link, low=float(row[0]), high=float(row[1]), when_low=float(row[2]),
                                when_high=float(row[3]))
            for link, row in zip(sc.linkages, a["linkage"], strict=True)
        )  # fmt: skip
        move = sc.escalation
        if move is not None:
            move = dataclasses.replace(move, value=float(a["escalation"][0]), p_per_round=float(a["escalation"][1]))
        noise = NoiseSpec(**dict(zip(_NOISE, map(float, a["noise"]), strict=True)))
        return dataclasses.replace(sc, actors=actors, edges=edges, linkages=linkages, escalation=move, noise=noise,
                                   uncertain=())  # fmt: skip


def parameters_for(run: RunSpec, values: np.ndarray | None = None) -> Parameters:
    """The run's parameters: ``values`` ``(D, K)`` if given (a design), else drawn from the run's seed."""
    scenario = run.scenario
    if values is None:
        uniforms = draw_uniforms(scenario, run.seed, run.parameter_draws)
        values = np.stack([v.distribution.quantile(uniforms[:, k]) for k, v in enumerate(scenario.uncertain)],
                          axis=1) if scenario.uncertain else uniforms  # fmt: skip
    return Parameters.from_values(scenario, values, run.replications)
