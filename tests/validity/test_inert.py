"""Nothing inert: every key the validator accepts changes some output in some suite scenario.

Outputs are the run's files as negsim writes them (``summary.json`` less its timing, ``results.parquet``,
``rounds.parquet``); the words a scenario gives (labels, quotes and the document they come from, the question)
reach the teaching report and are checked there by the report's tests. A linkage's owner among the veto
parties does not change which deals are possible (every veto party must accept); it changes who is named as
shaping the zone of possible agreement in ``summary.json``. Keys that could not change anything in a given
setting are refused by the validator (tested in ``tests/sim/test_validate.py``): a concession style or a
linkage for a party without a veto, a stubbornness for a party nobody influences, options of another protocol.
"""

from __future__ import annotations

import json

import pytest

from negsim.agents.model import simulate
from negsim.experiments.run.files import results_frame, rounds_frame, summarize
from negsim.sim.protocols import PROTOCOLS
from negsim.sim.validate import _ACTOR_KEYS
from tests.validity.common import changed, library_scenario, run_of

ALTERNATING, MEDIATED = {"name": "alternating_offers"}, {"name": "mediated"}

#: (key, scenario, protocol, path to change, new value). The key names what the validator accepts.
CHANGES = [
    ("name", "baseline", ALTERNATING, "name", "renamed"),
    ("title", "baseline", ALTERNATING, "title", "Another title"),
    ("round", "baseline", ALTERNATING, "round", "one week of talks"),
    ("deadline", "baseline", ALTERNATING, "deadline", 30),
    ("issues.low", "baseline", ALTERNATING, "issues/peacekeepers/low", -1.0),
    ("issues.high", "baseline", ALTERNATING, "issues/peacekeepers/high", 2.0),
    ("actors.veto", "baseline", ALTERNATING, "actors/europe/veto", True),
    ("actors.ideal", "baseline", ALTERNATING, "actors/russia/ideal/election_timing", 0.5),
    (
        "actors.salience",
        "baseline",
        ALTERNATING,
        "actors/russia/salience",
        {"guarantee_inclusion": 0.45, "territory_ceded": 0.15, "peacekeepers": 0.3, "election_timing": 0.1},
    ),
    ("actors.capability", "baseline", ALTERNATING, "actors/russia/capability", 0.6),
    ("actors.capability (no veto)", "baseline", ALTERNATING, "actors/europe/capability", 0.6),
    ("actors.red_lines", "baseline", ALTERNATING, "actors/russia/red_lines/peacekeepers/max", 0.3),
    ("actors.concession", "baseline", ALTERNATING, "actors/ukraine/concession", "conceder"),
    ("actors.stubbornness", "baseline", ALTERNATING, "actors/ukraine/stubbornness", 0.9),
    ("actors.stubbornness (no veto)", "baseline", ALTERNATING, "actors/europe/stubbornness", 0.1),
    ("actors.discount", "baseline", ALTERNATING, "actors/russia/discount", 0.9),
    ("actors.discount (no veto)", "baseline", ALTERNATING, "actors/europe/discount", 0.8),
    ("actors.reservation", "baseline", ALTERNATING, "actors/us/reservation", 0.4),
    ("actors.reservation (no veto)", "baseline", ALTERNATING, "actors/europe/reservation", 0.6),
    ("actors.ideal (no veto)", "baseline", ALTERNATING, "actors/europe/ideal/election_timing", 1.0),
    ("influence.weight", "baseline", ALTERNATING, "influence/us/ukraine/weight", 0.6),
    ("influence.weight (from no veto)", "baseline", ALTERNATING, "influence/europe/ukraine/weight", 0.0),
    ("linkages.issue", "baseline", ALTERNATING, "linkages/elections_need_guarantees/issue", "peacekeepers"),
    ("linkages.max", "baseline", ALTERNATING, "linkages/elections_need_guarantees/max", 0.9),
    ("linkages.min", "baseline", ALTERNATING, "linkages/elections_need_guarantees/min", 0.2),
    ("linkages.when", "baseline", ALTERNATING, "linkages/elections_need_guarantees/when/max", 0.9),
    ("linkages.actor", "baseline", ALTERNATING, "linkages/elections_need_guarantees/actor", "us"),
    ("escalation.enabled", "baseline", ALTERNATING, "escalation/enabled", True),
    ("escalation.actor", "coalition_deploys", ALTERNATING, "escalation/actor", "russia"),
    ("escalation.issue", "coalition_deploys", ALTERNATING, "escalation/issue", "guarantee_inclusion"),
    ("escalation.value", "coalition_deploys", ALTERNATING, "escalation/value", 0.05),
    ("escalation.p_per_round", "coalition_deploys", ALTERNATING, "escalation/p_per_round", 0.2),
    ("escalation.after_round", "coalition_deploys", ALTERNATING, "escalation/after_round", 10),
    ("noise.perception", "baseline", ALTERNATING, "noise/perception", 0.2),
    ("noise.p_shock", "baseline", ALTERNATING, "noise/p_shock", 0.3),
    ("noise.shock_size", "baseline", ALTERNATING, "noise/shock_size", 0.5),
    ("protocol.proposer", "baseline", ALTERNATING, "@proposer", "weighted"),
    ("protocol.weights", "baseline", MEDIATED, "@weights", "equal"),
    ("protocol.pressure", "baseline", MEDIATED, "@pressure", 1.0),
]


def outputs(raw: dict, protocol: dict) -> str:
    run = run_of(raw, protocol, seed=1, replications=300)
    run = type(run)(scenario=run.scenario, protocol=run.protocol, seed=1, replications=300, record=5)
    result = simulate(run)
    summary = summarize(run, result)
    summary.pop("elapsed_seconds")
    return json.dumps(summary, sort_keys=True, default=str) + results_frame(run, result).to_csv() + \
        rounds_frame(run, result).to_csv()  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(("key", "scenario", "protocol", "path", "value"), CHANGES, ids=[c[0] for c in CHANGES])
def test_every_key_changes_some_output(key, scenario, protocol, path, value):
    raw = library_scenario(scenario)
    other = (raw, {**protocol, path[1:]: value}) if path.startswith("@") else (changed(raw, path, value), protocol)
    assert outputs(raw, protocol) != outputs(*other), f"{key} changed nothing"


def test_the_table_names_every_key_the_validator_accepts():
    named = {c[0].split(" ")[0] for c in CHANGES}
    for key in _ACTOR_KEYS - {"label", "evidence"}:
        assert f"actors.{key}" in named, key
    for rules in PROTOCOLS.values():
        for option in rules.options:
            assert f"protocol.{option.name}" in named, option.name
