"""Concession styles: how a veto party's demand falls from what it asks for to what no deal is worth.

A style is a small registered piece. Each round a party demands its reservation plus a share of its
room (what its stated position is worth to it, less its reservation); a time-dependent style sets
that share, round by round. Register a new style with :func:`register` and name it in a scenario as
``concession: NAME``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["STYLES", "Equilibrium", "Style", "TimeDependent", "register", "style_names"]


class Style:
    """Base class: a concession style, frozen and hashable so that specs can hold it."""

    name: str = "style"

    def shares(self, *, deadline: int, strength: float, discount: float, speed: float = 1.0) -> np.ndarray:
        """``(deadline,)`` the share of its room a party still demands at the end of each round.

        ``speed`` above 1 runs the clock faster (a chair's pressure): the room is gone by round
        ``deadline / speed``.
        """
        return self.share(np.arange(deadline), deadline=deadline, strength=strength, discount=discount, speed=speed)

    def share(self, t, *, deadline: int, strength, discount, speed: float = 1.0) -> np.ndarray:
        """The share still demanded at the end of round ``t`` (from 0); arguments may be arrays that broadcast."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class TimeDependent(Style):
    """Faratin, Sierra and Jennings' (1998) time-dependent tactic, sped up by impatience.

    At the end of round ``t`` (``tau = (t + 1) / T``) a party still demands the share
    ``(1 - tau ** (strength / exponent)) * discount ** (t + 1)`` of its room: all of it at the start,
    none at the deadline. ``exponent`` below 1 holds out (Boulware), above 1 gives ground early
    (Conceder). ``strength`` is the party's capability against an equal share of the veto parties'
    (``1`` for an ordinary party), so clout lets a party hold out as a tougher style would; the
    discount makes an impatient party give up its room sooner.

    >>> TimeDependent(1.0).shares(deadline=4, strength=1.0, discount=1.0).tolist()
    [0.75, 0.5, 0.25, 0.0]
    """

    exponent: float
    label: str = ""

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.label or f"exponent {self.exponent:g}"

    def share(self, t, *, deadline: int, strength, discount, speed: float = 1.0) -> np.ndarray:
        done = np.asarray(t) + 1
        tau = np.minimum(done * speed / deadline, 1.0)
        return (1.0 - tau ** (strength / np.asarray(self.exponent))) * np.asarray(discount) ** done


@dataclass(frozen=True, slots=True)
class Equilibrium(Style):
    """Subgame-perfect play of alternating offers (:mod:`negsim.sim.equilibrium`).

    Only a whole negotiation can be in equilibrium: every veto party must have this style.
    """

    name: str = "equilibrium"

    def share(self, t, *, deadline: int, strength, discount, speed: float = 1.0) -> np.ndarray:
        raise TypeError("the equilibrium style has no demand curve: its offers come from backward induction")


#: Every named style: a name maps to a factory of its :class:`Style`.
STYLES: dict[str, Callable[[], Style]] = {}


def register(name: str, factory: Callable[[], Style]) -> None:
    """Make ``concession: name`` mean ``factory()`` in scenarios."""
    STYLES[name] = factory


for _name, _exponent in {"hardliner": 0.02, "boulware": 0.3, "linear": 1.0, "conceder": 3.0}.items():
    register(_name, lambda e=_exponent, n=_name: TimeDependent(e, n))
register("equilibrium", Equilibrium)


def style_names() -> str:
    """The named styles, as error messages list them.

    >>> style_names()
    'hardliner, boulware, linear, conceder, equilibrium or a number > 0 (a time-dependent exponent)'
    """
    return ", ".join(STYLES) + " or a number > 0 (a time-dependent exponent)"
