"""Mediation: a chair tables one text, the same in every round, and the parties sign once their demands allow."""

from __future__ import annotations

import numpy as np

from negsim.agents.negotiator import Mediator
from negsim.agents.protocols import register

__all__ = ["Mediated"]


@register("mediated")
class Mediated:
    """The chair's text (see :class:`~negsim.agents.negotiator.Mediator`) stays on the table.

    Its ``pressure`` option runs the parties' concession clocks faster; its ``weights`` option decides
    how the text splits the gains.
    """

    def __init__(self, model) -> None:
        self.model = model
        model.mediator = Mediator(model, weights=model.protocol.weights)

    def table(self, draws) -> tuple[np.ndarray, np.ndarray]:
        return self.model.mediator.text, np.full(self.model.replications, -1)
