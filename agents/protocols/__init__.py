"""Protocol behaviours, registered by name (their rules are in :mod:`negsim.sim.protocols`).

Each round the model asks the run's protocol to table a package. A behaviour returns the package on
the table ``(R, m)`` (NaN rows: nothing tabled), who tabled it ``(R,)`` (an actor index, -1 for the
chair, -2 for nobody), and whether the parties' demands can all be met by it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from negsim.agents.model import NegotiationModel
    from negsim.sim.draws import RoundDraws

__all__ = ["BEHAVIOURS", "Behaviour", "behaviour", "register"]


class Behaviour(Protocol):
    """How a protocol tables packages."""

    def __init__(self, model: NegotiationModel) -> None: ...

    def table(self, draws: RoundDraws) -> tuple[np.ndarray, np.ndarray]:
        """The package on the table in every replication, and who tabled it."""
        ...


#: Protocol name -> behaviour class.
BEHAVIOURS: dict[str, type] = {}


def register(name: str):
    """Class decorator: the behaviour of protocol ``name``."""

    def add(cls: type) -> type:
        BEHAVIOURS[name] = cls
        return cls

    return add


def behaviour(model: NegotiationModel) -> Behaviour:
    """The behaviour of the model's protocol (importing the built-in ones on first use)."""
    from negsim.agents.protocols import alternating_offers, influence_only, mediated  # noqa: F401

    return BEHAVIOURS[model.protocol.name](model)
