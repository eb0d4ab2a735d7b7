"""Frozen specifications of a negotiation scenario, a protocol and a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from negsim.sim.styles import Style
from negsim.sim.uncertainty import Uncertain

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "ActorSpec",
    "EdgeSpec",
    "EscalationSpec",
    "IssueSpec",
    "LinkageSpec",
    "NoiseSpec",
    "ProtocolSpec",
    "RunSpec",
    "ScenarioSpec",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueSpec:
    """One negotiable issue: a continuous scale with labelled ends."""

    name: str
    label: str
    low_label: str
    high_label: str
    low: float = 0.0
    high: float = 1.0

    @property
    def span(self) -> float:
        """Width of the issue's scale."""
        return self.high - self.low


@dataclass(frozen=True, slots=True, kw_only=True)
class ActorSpec:
    """One party: what it wants, how much it cares and how it bargains.

    ``ideal``, ``salience`` and the bounds in ``red_lines`` are tuples in the
    scenario's issue order; a missing red line is the issue's whole range.
    ``concession`` is its concession style (:mod:`negsim.sim.styles`).
    """

    name: str
    label: str
    ideal: tuple[float, ...]
    salience: tuple[float, ...]
    capability: float
    red_low: tuple[float, ...]
    red_high: tuple[float, ...]
    concession: Style
    stubbornness: float
    discount: float
    reservation: float
    veto: bool
    evidence: tuple[tuple[str, str], ...] = ()

    @property
    def style(self) -> str:
        """Name of the concession style (or its exponent, in words)."""
        return self.concession.name


@dataclass(frozen=True, slots=True, kw_only=True)
class EdgeSpec:
    """Directed influence: ``source`` pulls ``target`` with ``weight``."""

    source: str
    target: str
    weight: float
    evidence: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkageSpec:
    """A conditional red line tying two issues for one actor.

    The actor accepts ``issue`` outside ``[low, high]`` only when the package
    keeps ``when_issue`` inside ``[when_low, when_high]``.
    """

    name: str
    actor: str
    issue: str
    low: float
    high: float
    when_issue: str
    when_low: float
    when_high: float
    evidence: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationSpec:
    """A unilateral move over another party's red line, drawn each round."""

    actor: str
    issue: str
    value: float
    p_per_round: float
    after_round: int
    evidence: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NoiseSpec:
    """Randomness inside a run.

    ``perception``: how far each veto party overrates what no deal is worth to it (the scale of a
    half-normal draw, once per replication: a self-serving bias). ``p_shock`` and ``shock_size``:
    the chance per actor and round that an event jolts its stated position, and the jolt's standard
    deviation as a share of each issue's scale.
    """

    perception: float = 0.0
    p_shock: float = 0.0
    shock_size: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioSpec:
    """A whole negotiation: issues, actors, influence and rules of the game."""

    name: str
    title: str
    source: str
    issues: tuple[IssueSpec, ...]
    actors: tuple[ActorSpec, ...]
    edges: tuple[EdgeSpec, ...]
    linkages: tuple[LinkageSpec, ...] = ()
    escalation: EscalationSpec | None = None
    noise: NoiseSpec = field(default_factory=NoiseSpec)
    deadline: int = 24
    round: str = "one round of talks"
    #: The values written as distributions (or widened as judgments), each drawn per parameter draw.
    uncertain: tuple[Uncertain, ...] = ()

    @property
    def issue_names(self) -> tuple[str, ...]:
        """Issue names in scenario order."""
        return tuple(issue.name for issue in self.issues)

    @property
    def actor_names(self) -> tuple[str, ...]:
        """Actor names in scenario order."""
        return tuple(actor.name for actor in self.actors)

    def actor_index(self, name: str) -> int:
        """Position of actor ``name`` in the scenario order."""
        return self.actor_names.index(name)

    def issue_index(self, name: str) -> int:
        """Position of issue ``name`` in the scenario order."""
        return self.issue_names.index(name)

    def influence_graph(self) -> nx.DiGraph:
        """The influence network: actors as nodes, ``source -> target`` edges with ``weight``.

        >>> from negsim.sim.scenarios import toy_scenario
        >>> list(toy_scenario().influence_graph().edges(data="weight"))
        [('a', 'b', 0.5)]
        """
        import networkx as nx  # only for callers that want the graph: a run needs the matrix alone

        graph = nx.DiGraph()
        for actor in self.actors:
            graph.add_node(actor.name, label=actor.label, capability=actor.capability)
        for edge in self.edges:
            graph.add_edge(edge.source, edge.target, weight=edge.weight)
        return graph

    def influence_matrix(self) -> np.ndarray:
        """Row-stochastic Friedkin–Johnsen weight matrix ``W`` of the influence graph.

        ``W[i, j]`` is the weight actor ``i`` puts on actor ``j``'s position;
        what incoming edges leave over stays on the diagonal.

        >>> from negsim.sim.scenarios import toy_scenario
        >>> toy_scenario().influence_matrix().tolist()
        [[1.0, 0.0], [0.5, 0.5]]
        """
        # The graph's adjacency matrix (what networkx.to_numpy_array gives), built without importing networkx.
        names = self.actor_names
        adjacency = np.full((len(names), len(names)), 0.0)
        for edge in self.edges:
            adjacency[names.index(edge.source), names.index(edge.target)] = edge.weight
        incoming = adjacency.T
        return incoming + np.diag(1.0 - incoming.sum(axis=1))


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtocolSpec:
    """How offers are made: a registered protocol and its options.

    ``name`` is ``alternating_offers`` (veto parties table packages in turn;
    ``proposer``: ``rotation`` or a capability-``weighted`` draw), ``mediated``
    (a chair tables one text splitting the gains; ``weights``: ``capability``
    or ``equal``; ``pressure``: how much faster the chair makes parties concede)
    or ``influence_only`` (no offers: stated positions evolve on the influence
    graph until the deadline).
    """

    name: str
    proposer: str = "rotation"
    weights: str = "capability"
    pressure: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSpec:
    """Everything one run needs: scenario, protocol, seed and sizes."""

    scenario: ScenarioSpec
    protocol: ProtocolSpec
    seed: int
    replications: int
    record: int = 20
    #: Parameter draws the replications are split among (used when the scenario has uncertain values).
    draws: int = 100
    #: How far every judgment was widened (``uncertainty.judgments``; 0: as written).
    judgments: float = 0.0

    @property
    def uncertain(self) -> bool:
        """Whether any scenario value is drawn, so replications differ in their parameters."""
        return bool(self.scenario.uncertain)

    @property
    def parameter_draws(self) -> int:
        """How many parameter draws the run makes: ``draws`` (at most one per replication), or 1."""
        return min(self.draws, self.replications) if self.uncertain else 1
