"""Readable names for config keys and values: ``Russia · red line on Foreign peacekeepers (max)``, not dotted keys.

Party and issue labels come from the scenario; a key this module does not know is shown with its dots
turned into `` · `` and underscores into spaces, so no page ever shows a raw dotted key.
"""

from __future__ import annotations

import html
import textwrap

from negsim.sim.spec import ScenarioSpec

__all__ = ["esc", "key_label", "setting_label", "value_label", "wrap"]

_ACTOR_FIELDS = {
    "capability": "capability", "reservation": "reservation value", "discount": "discount per round",
    "stubbornness": "stubbornness", "concession": "concession style", "veto": "veto", "label": "label",
}  # fmt: skip
_TOP = {
    "scenario": "scenario", "protocol": "protocol", "seed": "seed", "replications": "replications",
    "record": "replications logged", "protocol.proposer": "who proposes", "protocol.weights": "mediator's weights",
    "protocol.pressure": "mediator's pressure", "scenario.deadline": "deadline (rounds)",
    "scenario.noise.perception": "misperception (noise)", "scenario.noise.p_shock": "chance of a shock per round",
    "scenario.noise.shock_size": "size of a shock", "scenario.escalation.enabled": "escalation allowed",
    "scenario.escalation.p_per_round": "chance of escalation per round",
    "scenario.escalation.after_round": "escalation possible after round",
    "scenario.escalation.value": "escalation's value",
    "experiment": "experiment", "+experiment": "experiment",
}  # fmt: skip


def esc(text: object) -> str:
    """HTML-escape ``text`` (quotes included) for pages and Plotly strings (Plotly renders a subset of HTML).

    >>> esc("<script>x</script>")
    '&lt;script&gt;x&lt;/script&gt;'
    """
    return html.escape(str(text), quote=True)


def wrap(text: str, width: int = 28) -> str:
    """Escape ``text`` and break it into lines of about ``width`` characters with ``<br>``.

    >>> wrap("Russia a co-guarantor (2021 treaty framework)", 24)
    'Russia a co-guarantor<br>(2021 treaty framework)'
    """
    lines = textwrap.wrap(str(text), width, break_on_hyphens=False)
    return "<br>".join(esc(line) for line in lines or [""])


def _plain(key: str) -> str:
    return " · ".join(part.replace("_", " ") for part in key.lstrip("+").split("."))


def _actor(scenario: ScenarioSpec | None, name: str) -> str:
    if scenario is not None and name in scenario.actor_names:
        return scenario.actors[scenario.actor_index(name)].label
    return name.replace("_", " ")


def _issue(scenario: ScenarioSpec | None, name: str) -> str:
    if scenario is not None and name in scenario.issue_names:
        return scenario.issues[scenario.issue_index(name)].label
    return name.replace("_", " ")


def _actor_key(scenario: ScenarioSpec | None, parts: list[str]) -> str | None:
    who, rest = _actor(scenario, parts[0]), parts[1:]
    if len(rest) > 1 and rest[0] == "evidence":
        backed = "profile" if rest[1:] == ["profile"] else _actor_key(scenario, [parts[0], *rest[1:]])
        return f"{who} · evidence for {backed.split(' · ', 1)[-1] if backed else ' '.join(rest[1:])}"
    if len(rest) == 1 and rest[0] in _ACTOR_FIELDS:
        return f"{who} · {_ACTOR_FIELDS[rest[0]]}"
    if len(rest) == 2 and rest[0] in ("ideal", "salience"):
        return f"{who} · {rest[0]} on {_issue(scenario, rest[1])}"
    if len(rest) in (2, 3) and rest[0] == "red_lines":
        bound = f" ({rest[2]})" if len(rest) == 3 else ""
        return f"{who} · red line on {_issue(scenario, rest[1])}{bound}"
    return None


def key_label(key: str, scenario: ScenarioSpec | None = None) -> str:
    """A config key in words, with the scenario's party and issue labels.

    >>> key_label("scenario.actors.russia.red_lines.peacekeepers.max")
    'russia · red line on peacekeepers (max)'
    >>> key_label("scenario.influence.us.ukraine.weight")
    'influence of us on ukraine (weight)'
    >>> key_label("protocol.weights")
    "mediator's weights"
    >>> key_label("scenario.actors.ukraine.evidence.red_lines.territory_ceded")
    'ukraine · evidence for red line on territory ceded'

    """
    key = key.lstrip("+")
    if key in _TOP:
        return _TOP[key]
    parts = key.split(".")
    if parts[:2] == ["scenario", "actors"] and len(parts) > 3:
        found = _actor_key(scenario, parts[2:])
        if found:
            return found
    if parts[:2] == ["scenario", "influence"] and len(parts) >= 4:
        tail = f" ({parts[4].replace('_', ' ')})" if len(parts) > 4 else ""
        return f"influence of {_actor(scenario, parts[2])} on {_actor(scenario, parts[3])}{tail}"
    if parts[:2] == ["scenario", "issues"] and len(parts) >= 4:
        return f"{_issue(scenario, parts[2])} · {parts[3].replace('_', ' ')}"
    if parts[:2] == ["scenario", "linkages"] and len(parts) >= 4:
        return f"linkage {parts[2].replace('_', ' ')} · {_plain('.'.join(parts[3:]))}"
    if parts[0] == "scenario" and len(parts) > 1:
        return _plain(".".join(parts[1:]))
    return _plain(key)


def value_label(value: object) -> str:
    """A config value in words: numbers as written, names with spaces, mappings as ``key value`` pairs.

    >>> value_label("alternating_offers"), value_label(0.5), value_label({"min": 0.2})
    ('alternating offers', '0.5', 'min 0.2')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {value_label(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(value_label(v) for v in value)
    return str(value).replace("_", " ")


def setting_label(key: str, value: object, scenario: ScenarioSpec | None = None) -> str:
    """``key = value`` in words.

    >>> setting_label("scenario.actors.russia.capability", 0.5)
    'russia · capability = 0.5'
    """
    return f"{key_label(key, scenario)} = {value_label(value)}"
