"""The frozen specs: the influence matrix the engine steps with is the influence graph's."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings

from negsim.sim.scenarios import toy_scenario
from tests.strategies import scenarios


def _from_graph(scenario) -> np.ndarray:
    """``W`` as it was first written: networkx's adjacency matrix of the influence graph."""
    incoming = nx.to_numpy_array(scenario.influence_graph(), nodelist=scenario.actor_names, weight="weight").T
    return incoming + np.diag(1.0 - incoming.sum(axis=1))


@settings(max_examples=60, deadline=None)
@given(scenarios(max_actors=6, max_issues=2))
def test_influence_matrix_is_the_graphs_to_the_bit(scenario):
    """Built without networkx (whose import a run would pay for), but the same array, layout included."""
    matrix, expected = scenario.influence_matrix(), _from_graph(scenario)
    assert matrix.tobytes() == expected.tobytes()
    assert (matrix.dtype, matrix.shape, matrix.strides) == (expected.dtype, expected.shape, expected.strides)


def test_influence_graph_carries_the_actors_and_weights():
    graph = toy_scenario().influence_graph()
    assert list(graph.nodes) == ["a", "b"] and graph["a"]["b"]["weight"] == 0.5
    assert graph.nodes["a"]["capability"] == 1.0
