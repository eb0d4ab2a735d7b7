"""The rules of each protocol: its name, its options and what they allow (its behaviour is in agents).

A protocol is a small registered piece: its rules here, its behaviour in ``agents/protocols/NAME.py``
and its defaults in ``configs/protocol/NAME.yaml``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from negsim.sim.errors import ConfigError, got

__all__ = ["PROTOCOLS", "Option", "ProtocolRules", "choice", "number", "register_protocol"]


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a protocol: its default and a check that returns the value or raises."""

    name: str
    default: Any
    check: Callable[[Any, str], Any]


def choice(*allowed: str) -> Callable[[Any, str], str]:
    """A check that accepts one of ``allowed``."""

    def check(value: Any, key: str) -> str:
        if value not in allowed:
            problem = "missing" if value is None else f"unknown value {value!r}"
            raise ConfigError(key, f"{problem}; allowed: {', '.join(allowed)}")
        return value

    return check


def number(low: float, high: float) -> Callable[[Any, str], float]:
    """A check that accepts a finite number in ``[low, high]``."""

    def check(value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                or not low <= value <= high:  # fmt: skip
            raise ConfigError(key, f"{got(value)}; allowed: a number in [{low:g}, {high:g}]")
        return float(value)

    return check


@dataclass(frozen=True, slots=True)
class ProtocolRules:
    """What a protocol accepts.

    Attributes:
        name: how configs name it.
        options: the options it takes (any other key is an error, not a no-op).
        tables_offers: whether packages are put to the parties (else no deal can be struck).
        equilibrium: whether the equilibrium style can be played under it.
    """

    name: str
    options: tuple[Option, ...] = ()
    tables_offers: bool = True
    equilibrium: bool = False


#: Every protocol, by name.
PROTOCOLS: dict[str, ProtocolRules] = {}


def register_protocol(rules: ProtocolRules) -> ProtocolRules:
    """Add a protocol's rules."""
    PROTOCOLS[rules.name] = rules
    return rules


register_protocol(ProtocolRules(
    "alternating_offers", (Option("proposer", "rotation", choice("rotation", "weighted")),), equilibrium=True,
))  # fmt: skip
_WEIGHTS = Option("weights", "capability", choice("capability", "equal"))
register_protocol(ProtocolRules("mediated", (_WEIGHTS, Option("pressure", 0.0, number(0, 10)))))
register_protocol(ProtocolRules("influence_only", tables_offers=False))
