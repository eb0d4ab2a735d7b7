"""Influence only: nobody tables anything; stated positions move on the influence graph until the deadline."""

from __future__ import annotations

import numpy as np

from negsim.agents.protocols import register

__all__ = ["InfluenceOnly"]


@register("influence_only")
class InfluenceOnly:
    """No offers: shows where stated positions settle before talks begin (Friedkin–Johnsen dynamics)."""

    def __init__(self, model) -> None:
        self.model = model

    def table(self, draws) -> tuple[np.ndarray, np.ndarray]:
        model = self.model
        return np.full((model.replications, len(model.span)), np.nan), np.full(model.replications, -2)
