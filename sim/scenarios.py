"""Small built-in scenarios for examples, doctests and theory checks."""

from __future__ import annotations

from dataclasses import replace

from negsim.sim.spec import EdgeSpec, ScenarioSpec
from negsim.sim.validate import build_scenario

__all__ = ["split_the_pie", "toy_scenario"]


def split_the_pie(
    *, discount_a: float = 0.9, discount_b: float = 0.9, deadline: int = 400, style: str = "equilibrium"
) -> ScenarioSpec:
    """Two veto parties dividing one unit pie: ``share`` is what ``a`` gets.

    >>> split_the_pie().actor_names
    ('a', 'b')
    """
    why = {"ideal.share": "judgment: textbook example", "profile": "judgment: textbook example"}
    actor = {"salience": {"share": 1.0}, "capability": 1.0, "concession": style, "reservation": 0.0,
             "evidence": why}  # fmt: skip
    return build_scenario({
        "name": "split_the_pie", "deadline": deadline,
        "issues": {"share": {"low_label": "all to b", "high_label": "all to a"}},
        "actors": {"a": {**actor, "ideal": {"share": 1.0}, "discount": discount_a},
                   "b": {**actor, "ideal": {"share": 0.0}, "discount": discount_b}},
    })  # fmt: skip


def toy_scenario() -> ScenarioSpec:
    """The pie split with one influence edge, ``a`` pulling ``b`` by 0.5.

    >>> toy_scenario().edges[0].weight
    0.5
    """
    base = split_the_pie(style="linear", deadline=10)
    edge = EdgeSpec(source="a", target="b", weight=0.5, evidence="judgment: example")
    return replace(base, name="toy", edges=(edge,))
