"""Bad scenario, protocol and run input: each kind names its key and what is allowed."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import compose_config
from omegaconf import OmegaConf

from negsim.sim.errors import ConfigError
from negsim.sim.runspec import build_protocol, build_run
from negsim.sim.validate import build_scenario

BASELINE = Path(__file__).resolve().parents[2] / "configs" / "scenario" / "baseline.yaml"
ACTORS = "russia, ukraine, us, europe"
ISSUES = "guarantee_inclusion, territory_ceded, peacekeepers, election_timing"
JUDGED = "judgment: the modeller's reading"
DELETE = object()


def edit(raw: dict, changes: dict[str, object]) -> dict:
    """Apply ``{"a/b/c": value}`` to ``raw`` (``/`` separates keys; DELETE removes one)."""
    for path, value in changes.items():
        *parents, last = path.split("/")
        node = raw
        for name in parents:
            node = node.setdefault(name, {})
        if value is DELETE:
            del node[last]
        else:
            node[last] = copy.deepcopy(value)
    return raw


def scenario_error(raw: dict) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        build_scenario(raw)
    return info.value


def check(error: ConfigError, key: str, fragment: str, allowed: str) -> None:
    """The error names ``key``, says what is wrong and then what is allowed."""
    assert error.key == key, str(error)
    assert fragment in error.problem, str(error)
    wrong, sep, allows = error.problem.partition("; allowed: ")
    assert sep and wrong.strip(), f"no 'what is wrong; allowed: ...' in {error.problem!r}"
    assert allowed in allows, str(error)
    assert str(error) == f"<config>: {key}: {error.problem}"
    assert "\n" not in str(error)


def baseline_evidence_keys() -> list[tuple[str, str]]:
    raw = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    return [(actor, item) for actor, spec in raw["actors"].items() for item in spec["evidence"]]


# ---------------------------------------------------------------- the good case


def test_baseline_builds(baseline_raw):
    spec = build_scenario(baseline_raw)
    assert spec.actor_names == ("russia", "ukraine", "us", "europe")
    assert tuple(i.name for i in spec.issues) == tuple(ISSUES.split(", "))
    actors = {a.name: a for a in spec.actors}
    issue = {i.name: k for k, i in enumerate(spec.issues)}
    assert actors["ukraine"].red_high[issue["territory_ceded"]] == 0.0
    assert actors["russia"].red_high[issue["peacekeepers"]] == 0.1
    assert actors["russia"].red_low[issue["guarantee_inclusion"]] == 0.5
    assert [(e.source, e.target) for e in spec.edges if e.source == "us"] == [("us", "ukraine"), ("us", "europe")]
    (linkage,) = spec.linkages
    assert (linkage.actor, linkage.issue, linkage.high) == ("ukraine", "election_timing", 0.3)
    assert (linkage.when_issue, linkage.when_high) == ("guarantee_inclusion", 0.6)
    assert spec.escalation is None
    assert spec.deadline == 24
    for actor in spec.actors:
        assert math.isclose(sum(actor.salience), 1.0)


def test_baseline_run_accepts_seed_zero(baseline_raw):
    raw = {"scenario": baseline_raw, "protocol": {"name": "alternating_offers"}, "seed": 0, "replications": 20}
    run = build_run(raw)
    assert run.seed == 0
    assert run.replications == 20
    assert run.protocol.name == "alternating_offers"


def test_composed_app_config_builds():
    run = build_run(OmegaConf.to_container(compose_config(["replications=20"]), resolve=True))
    assert (run.seed, run.replications, run.scenario.name) == (0, 20, "baseline")


def test_judgment_prefix_is_case_insensitive_and_needs_no_quote(baseline_raw):
    edit(baseline_raw, {"actors/russia/evidence/profile": "Judgment: not in the article at all"})
    build_scenario(baseline_raw)


def test_enabled_escalation_builds(baseline_raw):
    edit(baseline_raw, {"escalation/enabled": True})
    escalation = build_scenario(baseline_raw).escalation
    assert (escalation.actor, escalation.issue, escalation.value) == ("europe", "peacekeepers", 0.8)


def test_equilibrium_builds_when_both_veto_parties_play_it(baseline_raw):
    baseline_raw["actors"]["us"]["veto"] = False
    del baseline_raw["actors"]["us"]["concession"]
    for actor in ("russia", "ukraine"):
        baseline_raw["actors"][actor]["concession"] = "equilibrium"
    raw = {"scenario": baseline_raw, "protocol": {"name": "alternating_offers"}, "seed": 1, "replications": 1}
    assert build_run(raw).scenario.actors[0].style == "equilibrium"


# ------------------------------------------------------------ unknown names

UNKNOWN_NAMES = [
    pytest.param(
        {"influence/nato": {"ukraine": {"weight": 0.1, "evidence": JUDGED}}},
        "scenario.influence.nato", "unknown actor 'nato'", ACTORS, id="influence-source",
    ),
    pytest.param(
        {"linkages/elections_need_guarantees/actor": "belarus"},
        "scenario.linkages.elections_need_guarantees.actor", "unknown actor 'belarus'", ACTORS, id="linkage-actor",
    ),
    pytest.param(
        {"escalation/enabled": True, "escalation/actor": "nato"},
        "scenario.escalation.actor", "unknown actor 'nato'", ACTORS, id="escalation-actor",
    ),
    pytest.param(
        {"actors/russia/salience/crimea": 0.0},
        "scenario.actors.russia.salience.crimea", "unknown issue 'crimea'", ISSUES, id="salience-issue",
    ),
    pytest.param(
        {"actors/ukraine/ideal/crimea": 0.0},
        "scenario.actors.ukraine.ideal.crimea", "unknown issue 'crimea'", ISSUES, id="ideal-issue",
    ),
    pytest.param(
        {"actors/russia/red_lines/crimea": {"min": 0.5}},
        "scenario.actors.russia.red_lines.crimea", "unknown issue 'crimea'", ISSUES, id="red-line-issue",
    ),
    pytest.param(
        {"linkages/elections_need_guarantees/issue": "crimea"},
        "scenario.linkages.elections_need_guarantees.issue", "unknown issue 'crimea'", ISSUES, id="linkage-issue",
    ),
    pytest.param(
        {"linkages/elections_need_guarantees/when/issue": "crimea"},
        "scenario.linkages.elections_need_guarantees.when.issue", "unknown issue 'crimea'", ISSUES,
        id="linkage-when-issue",
    ),
    pytest.param(
        {"linkages/elections_need_guarantees/issue": DELETE},
        "scenario.linkages.elections_need_guarantees.issue", "missing", ISSUES, id="linkage-issue-missing",
    ),
    pytest.param(
        {"escalation/enabled": True, "escalation/issue": "crimea"},
        "scenario.escalation.issue", "unknown issue 'crimea'", ISSUES, id="escalation-issue",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "key", "fragment", "allowed"), UNKNOWN_NAMES)
def test_unknown_actor_or_issue(baseline_raw, changes, key, fragment, allowed):
    check(scenario_error(edit(baseline_raw, changes)), key, fragment, allowed)


# ------------------------------------------------------------------ salience


def test_negative_salience(baseline_raw):
    salience = "actors/russia/salience/"
    edit(baseline_raw, {salience + "peacekeepers": -0.1, salience + "guarantee_inclusion": 0.75})
    check(scenario_error(baseline_raw), "scenario.actors.russia.salience.peacekeepers", "-0.1", "[0, 1]")


@pytest.mark.parametrize("value", [0.9, 0.0])
def test_salience_not_summing_to_one(baseline_raw, value):
    edit(baseline_raw, {"actors/ukraine/salience/territory_ceded": value})
    total = f"{0.6 + value:g}"
    check(scenario_error(baseline_raw), "scenario.actors.ukraine.salience", f"sums to {total}", "sum to 1")


def test_salience_missing_an_issue(baseline_raw):
    edit(baseline_raw, {"actors/us/salience/peacekeepers": DELETE})
    check(scenario_error(baseline_raw), "scenario.actors.us.salience.peacekeepers", "missing", ISSUES)


# ------------------------------------------------------- values out of range

OUT_OF_RANGE = [
    pytest.param({"actors/russia/ideal/territory_ceded": 1.2}, "scenario.actors.russia.ideal.territory_ceded",
                 "1.2", "[0, 1]", id="ideal-above"),
    pytest.param({"actors/europe/ideal/peacekeepers": -0.5}, "scenario.actors.europe.ideal.peacekeepers",
                 "-0.5", "[0, 1]", id="ideal-below"),
    pytest.param({"issues/election_timing/high": 0.5}, "scenario.actors.russia.ideal.election_timing",
                 "0.7", "[0, 0.5]", id="ideal-outside-narrowed-issue"),
    pytest.param({"actors/russia/red_lines/guarantee_inclusion/min": 1.5},
                 "scenario.actors.russia.red_lines.guarantee_inclusion.min", "1.5", "[0, 1]", id="red-line-min"),
    pytest.param({"actors/ukraine/red_lines/territory_ceded/max": -0.1},
                 "scenario.actors.ukraine.red_lines.territory_ceded.max", "-0.1", "[0, 1]", id="red-line-max"),
    pytest.param({"actors/russia/red_lines/guarantee_inclusion": {"min": 0.5, "max": 0.4}},
                 "scenario.actors.russia.red_lines.guarantee_inclusion.max", "0.4", "[0.5, 1]",
                 id="red-line-max-below-min"),
    pytest.param({"escalation/enabled": True, "escalation/value": 1.5}, "scenario.escalation.value",
                 "1.5", "[0, 1]", id="escalation-value"),
    pytest.param({"escalation/enabled": True, "escalation/p_per_round": 2}, "scenario.escalation.p_per_round",
                 "2", "[0, 1]", id="escalation-probability"),
    pytest.param({"linkages/elections_need_guarantees/max": 3}, "scenario.linkages.elections_need_guarantees.max",
                 "3", "[0, 1]", id="linkage-bound"),
    pytest.param({"actors/russia/capability": -1}, "scenario.actors.russia.capability", "-1", "[0, 1]",
                 id="negative-capability"),
    pytest.param({"actors/russia/capability": math.inf}, "scenario.actors.russia.capability", "inf", "[0, 1]",
                 id="infinite-capability"),
    pytest.param({"actors/us/discount": 0}, "scenario.actors.us.discount", "0", "1", id="zero-discount"),
    pytest.param({"actors/us/reservation": 1.1}, "scenario.actors.us.reservation", "1.1", "[0, 1]",
                 id="reservation"),
    pytest.param({"actors/us/stubbornness": math.nan}, "scenario.actors.us.stubbornness", "nan", "[0, 1]",
                 id="nan-stubbornness"),
    pytest.param({"influence/us/ukraine/weight": 1.5}, "scenario.influence.us.ukraine.weight", "1.5", "[0, 1]",
                 id="edge-weight"),
    pytest.param({"noise/perception": -0.2}, "scenario.noise.perception", "-0.2", "[0, 1]", id="noise"),
    pytest.param({"issues/peacekeepers/low": -math.inf}, "scenario.issues.peacekeepers.low", "-inf", "[-1e+12, 1e+12]",
                 id="infinite-issue-bound"),
    pytest.param({"issues/peacekeepers/high": 1e300}, "scenario.issues.peacekeepers.high", "1e+300",
                 "[-1e+12, 1e+12]", id="huge-issue-bound"),
    pytest.param({"actors/russia/capability": 1.7e308}, "scenario.actors.russia.capability", "1.7e+308", "[0, 1]",
                 id="huge-capability"),
    pytest.param({"escalation/after_round": 10**12}, "scenario.escalation.after_round", "1000000000000",
                 "from 0 to 100000", id="huge-after-round"),
    pytest.param({"deadline": 10**7}, "scenario.deadline", "10000000", "from 1 to 100000", id="huge-deadline"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "key", "fragment", "allowed"), OUT_OF_RANGE)
def test_value_out_of_range(baseline_raw, changes, key, fragment, allowed):
    check(scenario_error(edit(baseline_raw, changes)), key, fragment, allowed)


@pytest.mark.parametrize(
    ("changes", "key", "fragment", "allowed"),
    [
        pytest.param({"actors/russia/ideal/peacekeepers": 0.5}, "scenario.actors.russia.red_lines.peacekeepers",
                     "own ideal 0.5 breaks its red line [0, 0.1]", "min <= 0.5 <= max", id="russia-peacekeepers"),
        pytest.param({"actors/ukraine/ideal/territory_ceded": 0.2}, "scenario.actors.ukraine.red_lines.territory_ceded",
                     "own ideal 0.2 breaks its red line [0, 0]", "min <= 0.2 <= max", id="ukraine-territory"),
        pytest.param({"actors/russia/red_lines/guarantee_inclusion/min": 0.99},
                     "scenario.actors.russia.red_lines.guarantee_inclusion", "own ideal 0.95 breaks",
                     "min <= 0.95 <= max", id="min-above-ideal"),
    ],
)  # fmt: skip
def test_red_line_broken_by_own_ideal(baseline_raw, changes, key, fragment, allowed):
    check(scenario_error(edit(baseline_raw, changes)), key, fragment, allowed)


def test_empty_red_line(baseline_raw):
    edit(baseline_raw, {"actors/ukraine/red_lines/territory_ceded": {}})
    check(scenario_error(baseline_raw), "scenario.actors.ukraine.red_lines.territory_ceded", "empty", "min, max")


# ------------------------------------------------------------------ influence


def test_influence_edge_to_nobody(baseline_raw):
    edit(baseline_raw, {"influence/us/nobody": {"weight": 0.2, "evidence": JUDGED}})
    check(scenario_error(baseline_raw), "scenario.influence.us.nobody", "unknown target actor 'nobody'", ACTORS)


def test_self_influence(baseline_raw):
    edit(baseline_raw, {"influence/us/us": {"weight": 0.2, "evidence": JUDGED}})
    check(scenario_error(baseline_raw), "scenario.influence.us.us", "cannot influence itself", "ukraine")


def test_incoming_weights_over_one(baseline_raw):
    edit(baseline_raw, {"influence/russia/ukraine": {"weight": 0.6, "evidence": JUDGED}})
    check(scenario_error(baseline_raw), "scenario.influence.*.ukraine", "sum to 1.1", "<= 1")


def test_incoming_weights_of_exactly_one_are_fine(baseline_raw):
    edit(baseline_raw, {"influence/russia/ukraine": {"weight": 0.5, "evidence": JUDGED}})
    assert sum(e.weight for e in build_scenario(baseline_raw).edges if e.target == "ukraine") == pytest.approx(1.0)


# ------------------------------------------------------------------- evidence


@pytest.mark.parametrize(("actor", "item"), baseline_evidence_keys())
def test_missing_actor_evidence(baseline_raw, actor, item):
    edit(baseline_raw, {f"actors/{actor}/evidence/{item}": DELETE})
    check(scenario_error(baseline_raw), f"scenario.actors.{actor}.evidence.{item}", "missing", JUDGED[:9])


def test_new_red_line_needs_evidence(baseline_raw):
    edit(baseline_raw, {"actors/us/red_lines/territory_ceded": {"max": 0.5}})
    check(scenario_error(baseline_raw), "scenario.actors.us.evidence.red_lines.territory_ceded", "missing", "quote")


def test_evidence_for_a_red_line_the_actor_lacks(baseline_raw):
    edit(baseline_raw, {"actors/us/evidence/red_lines.peacekeepers": JUDGED})
    check(scenario_error(baseline_raw), "scenario.actors.us.evidence.red_lines.peacekeepers", "unknown key", "profile")


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        pytest.param({"influence/us/ukraine/evidence": DELETE}, "scenario.influence.us.ukraine.evidence", id="edge"),
        pytest.param({"influence/europe/us/evidence": None}, "scenario.influence.europe.us.evidence", id="edge-null"),
        pytest.param({"linkages/elections_need_guarantees/evidence": DELETE},
                     "scenario.linkages.elections_need_guarantees.evidence", id="linkage"),
        pytest.param({"escalation/enabled": True, "escalation/evidence": DELETE}, "scenario.escalation.evidence",
                     id="escalation"),
    ],
)  # fmt: skip
def test_missing_evidence_elsewhere(baseline_raw, changes, key):
    check(scenario_error(edit(baseline_raw, changes)), key, "missing", "judgment: <why>")


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_evidence(baseline_raw, blank):
    edit(baseline_raw, {"actors/europe/evidence/profile": blank})
    check(scenario_error(baseline_raw), "scenario.actors.europe.evidence.profile", repr(blank), "quote")


QUOTES = [
    pytest.param("actors/russia/evidence/ideal.guarantee_inclusion", "any security guarantees must include Russia",
                 id="actor-word-dropped"),
    pytest.param("actors/ukraine/evidence/red_lines.territory_ceded", "Lacks both the legal and moral grounds",
                 id="actor-case-changed"),
    pytest.param("influence/us/ukraine/evidence", 'approach the conflict with a "realistic" mindset',
                 id="edge-straight-quotes"),
    pytest.param("linkages/elections_need_guarantees/evidence", "contingent on guarantees of safety",
                 id="linkage-paraphrase"),
    pytest.param("actors/us/evidence/profile", "judgement: misspelt prefix is a quote", id="misspelt-judgment"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "quote"), QUOTES)
def test_quote_not_verbatim(baseline_raw, path, quote):
    edit(baseline_raw, {path: quote})
    key = "scenario." + path.replace("/", ".")
    check(scenario_error(baseline_raw), key, "not found verbatim", "judgment: <why>")
    assert quote in scenario_error(baseline_raw).problem


def test_escalation_quote_not_verbatim(baseline_raw):
    edit(baseline_raw, {"escalation/enabled": True, "escalation/evidence": "legitimate targets for Russia"})
    check(scenario_error(baseline_raw), "scenario.escalation.evidence", "not found verbatim", "judgment:")


def test_quote_without_a_source(baseline_raw):
    edit(baseline_raw, {"source": DELETE})
    check(scenario_error(baseline_raw), "scenario.actors.russia.evidence.ideal.guarantee_inclusion",
          "no source", "scenario.source")  # fmt: skip


def test_unknown_source_document(baseline_raw):
    edit(baseline_raw, {"source": "no-such-article.txt"})
    check(scenario_error(baseline_raw), "scenario.source", "no such document", "seeds/")


def test_judgments_need_no_source(baseline_raw):
    edit(baseline_raw, {"source": DELETE, "influence": {}, "linkages": {}, "escalation": {"enabled": False}})
    for actor in baseline_raw["actors"].values():
        actor["evidence"] = {item: JUDGED for item in actor["evidence"]}
        actor.pop("stubbornness", None)  # nobody influences anybody now
    assert build_scenario(baseline_raw).source == ""


# ---------------------------------------------------------------- wrong types

WRONG_TYPES = [
    pytest.param({"actors/russia/capability": "high"}, "scenario.actors.russia.capability", "'high'", "number",
                 id="string-for-number"),
    pytest.param({"actors/russia/capability": "0.3"}, "scenario.actors.russia.capability", "'0.3'", "number",
                 id="numeric-string"),
    pytest.param({"actors/ukraine/ideal/peacekeepers": True}, "scenario.actors.ukraine.ideal.peacekeepers", "True",
                 "number", id="bool-for-number"),
    pytest.param({"actors/ukraine/salience/peacekeepers": False}, "scenario.actors.ukraine.salience.peacekeepers",
                 "False", "number", id="bool-salience"),
    pytest.param({"actors/us/capability": DELETE}, "scenario.actors.us.capability", "missing", "number",
                 id="missing-number"),
    pytest.param({"influence/us/ukraine/weight": [0.3]}, "scenario.influence.us.ukraine.weight", "[0.3]", "number",
                 id="list-for-number"),
    pytest.param({"actors/russia/ideal": [0.95, 0.8, 0.0, 0.7]}, "scenario.actors.russia.ideal", "list", "mapping",
                 id="list-for-mapping"),
    pytest.param({"actors/russia/red_lines": [{"min": 0.5}]}, "scenario.actors.russia.red_lines", "list", "mapping",
                 id="list-red-lines"),
    pytest.param({"actors/russia/red_lines/peacekeepers": 0.1}, "scenario.actors.russia.red_lines.peacekeepers",
                 "float", "mapping", id="number-for-red-line"),
    pytest.param({"influence/us": ["ukraine", "europe"]}, "scenario.influence.us", "list", "mapping",
                 id="list-influence"),
    pytest.param({"actors/europe": "European allies"}, "scenario.actors.europe", "str", "mapping",
                 id="string-for-actor"),
    pytest.param({"issues": ["guarantee_inclusion"]}, "scenario.issues", "list", "mapping", id="list-issues"),
    pytest.param({"actors/russia/ideal": DELETE}, "scenario.actors.russia.ideal", "missing", "mapping",
                 id="missing-mapping"),
    pytest.param({"deadline": 2.5}, "scenario.deadline", "2.5", "whole number", id="fractional-deadline"),
    pytest.param({"deadline": 24.0}, "scenario.deadline", "24.0", "whole number", id="float-deadline"),
    pytest.param({"deadline": "24"}, "scenario.deadline", "'24'", "whole number", id="string-deadline"),
    pytest.param({"deadline": True}, "scenario.deadline", "True", "whole number", id="bool-deadline"),
    pytest.param({"deadline": 0}, "scenario.deadline", "0", "from 1 to", id="zero-deadline"),
    pytest.param({"actors/russia/veto": "yes"}, "scenario.actors.russia.veto", "'yes'", "true or false",
                 id="string-veto"),
    pytest.param({"actors/russia/veto": 1}, "scenario.actors.russia.veto", "1", "true or false", id="int-veto"),
    pytest.param({"escalation/enabled": "no"}, "scenario.escalation.enabled", "'no'", "true or false",
                 id="string-enabled"),
    pytest.param({"escalation/enabled": True, "escalation/after_round": 1.5}, "scenario.escalation.after_round",
                 "1.5", "whole number", id="fractional-after-round"),
    pytest.param({"issues/peacekeepers/low_label": 0}, "scenario.issues.peacekeepers.low_label", "0", "string",
                 id="number-for-label"),
    pytest.param({"actors/us/concession": "stubborn"}, "scenario.actors.us.concession", "'stubborn'", "boulware",
                 id="unknown-style"),
    pytest.param({"actors/us/concession": 0}, "scenario.actors.us.concession", "0", "a number > 0",
                 id="zero-exponent"),
    pytest.param({"actors/us/concession": True}, "scenario.actors.us.concession", "True", "conceder",
                 id="bool-style"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "key", "fragment", "allowed"), WRONG_TYPES)
def test_wrong_type(baseline_raw, changes, key, fragment, allowed):
    check(scenario_error(edit(baseline_raw, changes)), key, fragment, allowed)


def test_scenario_not_a_mapping():
    check(scenario_error(["baseline"]), "scenario", "list", "mapping")


# --------------------------------------------------------------- unknown keys

UNKNOWN_KEYS = [
    pytest.param({"actors/russia/capabilty": 0.35}, "scenario.actors.russia.capabilty", "capability",
                 id="actor-key-typo"),
    pytest.param({"actors/ukraine/redlines": {}}, "scenario.actors.ukraine.redlines", "red_lines",
                 id="actor-red-lines-typo"),
    pytest.param({"actor": {}}, "scenario.actor", "actors", id="top-level-typo"),
    pytest.param({"issues/peacekeepers/hi": 1}, "scenario.issues.peacekeepers.hi", "high", id="issue-key"),
    pytest.param({"actors/russia/red_lines/peacekeepers/maximum": 0.1},
                 "scenario.actors.russia.red_lines.peacekeepers.maximum", "max", id="red-line-key"),
    pytest.param({"influence/us/ukraine/wieght": 0.3}, "scenario.influence.us.ukraine.wieght", "weight",
                 id="edge-key"),
    pytest.param({"linkages/elections_need_guarantees/when/maximum": 0.6},
                 "scenario.linkages.elections_need_guarantees.when.maximum", "max", id="linkage-when-key"),
    pytest.param({"escalation/probability": 0.1}, "scenario.escalation.probability", "p_per_round",
                 id="escalation-key"),
    pytest.param({"noise/shock": 0.1}, "scenario.noise.shock", "shock_size", id="noise-key"),
    pytest.param({"actors/us/evidence/ideal.peacekeeper": JUDGED}, "scenario.actors.us.evidence.ideal.peacekeeper",
                 "ideal.peacekeepers", id="evidence-key"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "key", "allowed"), UNKNOWN_KEYS)
def test_unknown_key(baseline_raw, changes, key, allowed):
    check(scenario_error(edit(baseline_raw, changes)), key, "unknown key", allowed)


# --------------------------------------------------------- scenario structure


@pytest.mark.parametrize(("low", "high"), [(0, 0), (0.5, 0.2)])
def test_issue_high_not_above_low(baseline_raw, low, high):
    edit(baseline_raw, {"issues/peacekeepers/low": low, "issues/peacekeepers/high": high})
    check(scenario_error(baseline_raw), "scenario.issues.peacekeepers.high", f"{high:g}", f"> {low:g}")


def test_no_issues(baseline_raw):
    edit(baseline_raw, {"issues": {}})
    check(scenario_error(baseline_raw), "scenario.issues", "empty", "one or more")


def test_linkage_on_its_own_issue(baseline_raw):
    edit(baseline_raw, {"linkages/elections_need_guarantees/when/issue": "election_timing"})
    check(scenario_error(baseline_raw), "scenario.linkages.elections_need_guarantees.when.issue",
          "'election_timing'", "another issue")  # fmt: skip


def test_no_veto_party(baseline_raw):
    for actor in baseline_raw["actors"].values():
        actor["veto"] = False
        actor.pop("concession", None)
    baseline_raw["linkages"] = {}
    check(scenario_error(baseline_raw), "scenario.actors", "0 with veto", "veto: true")


def test_single_actor(baseline_raw):
    edit(baseline_raw, {"actors": {"russia": baseline_raw["actors"]["russia"]}, "influence": {}, "linkages": {}})
    check(scenario_error(baseline_raw), "scenario.actors", "1 actor", "two or more")


# ------------------------------------------------------------------ protocols

PROTOCOL = {"name": "alternating_offers", "proposer": "rotation"}


@pytest.mark.parametrize(
    ("raw", "key", "fragment", "allowed"),
    [
        pytest.param({**PROTOCOL, "name": "auction"}, "protocol.name", "'auction'",
                     "alternating_offers, mediated, influence_only", id="unknown-name"),
        pytest.param({"proposer": "rotation"}, "protocol.name", "missing", "mediated", id="missing-name"),
        pytest.param({**PROTOCOL, "proposer": "random"}, "protocol.proposer", "'random'", "rotation, weighted",
                     id="unknown-proposer"),
        pytest.param({"name": "mediated", "weights": "mode"}, "protocol.weights", "'mode'", "capability, equal",
                     id="unknown-weights"),
        pytest.param({"name": "mediated", "pressure": -1}, "protocol.pressure", "-1", "[0, 10]",
                     id="negative-pressure"),
        pytest.param({"name": "mediated", "pressure": "fast"}, "protocol.pressure", "'fast'", "[0, 10]",
                     id="string-pressure"),
        pytest.param({"name": "mediated", "anchor": "mean"}, "protocol.anchor", "unknown key", "weights",
                     id="retired-option"),
        pytest.param({**PROTOCOL, "proposr": "weighted"}, "protocol.proposr", "unknown key", "proposer",
                     id="unknown-key"),
        pytest.param(["alternating_offers"], "protocol", "list", "mapping", id="not-a-mapping"),
    ],
)  # fmt: skip
def test_protocol_errors(raw, key, fragment, allowed):
    with pytest.raises(ConfigError) as info:
        build_protocol(raw)
    check(info.value, key, fragment, allowed)


@pytest.mark.parametrize("path", sorted((BASELINE.parents[1] / "protocol").glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_protocols_build(path):
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert build_protocol(raw).name == path.stem


# ------------------------------------------------------------------ run sizes


@pytest.mark.parametrize(
    ("changes", "key", "fragment", "allowed"),
    [
        pytest.param({"replications": 0}, "replications", "0", ">= 1", id="zero-replications"),
        pytest.param({"replications": 2.5}, "replications", "2.5", "whole number", id="fractional-replications"),
        pytest.param({"replications": DELETE}, "replications", "missing", "whole number", id="missing-replications"),
        pytest.param({"seed": -1}, "seed", "-1", ">= 0", id="negative-seed"),
        pytest.param({"seed": "7"}, "seed", "'7'", "whole number", id="string-seed"),
        pytest.param({"seed": "random"}, "seed", "'random'", "whole number", id="word-seed"),
        pytest.param({"seed": True}, "seed", "True", "whole number", id="bool-seed"),
        pytest.param({"seed": 1.0}, "seed", "1.0", "whole number", id="float-seed"),
        pytest.param({"record": -1}, "record", "-1", ">= 0", id="negative-record"),
    ],
)  # fmt: skip
def test_run_errors(baseline_raw, changes, key, fragment, allowed):
    raw = edit({"scenario": baseline_raw, "protocol": dict(PROTOCOL), "seed": 0, "replications": 20}, changes)
    with pytest.raises(ConfigError) as info:
        build_run(raw)
    check(info.value, key, fragment, allowed)


# ---------------------------------------------------------------- equilibrium


@pytest.mark.parametrize(
    ("changes", "protocol", "fragment", "allowed"),
    [
        pytest.param({}, PROTOCOL, "ukraine, us bargain by another style", "every veto party",
                     id="not-every-veto-party"),
        pytest.param({"actors/ukraine/concession": "equilibrium", "actors/us/concession": "equilibrium"},
                     PROTOCOL, "got 3", "exactly two veto parties", id="three-veto-parties"),
        pytest.param({"actors/ukraine/concession": "equilibrium", "actors/us/veto": False,
                      "actors/us/concession": DELETE}, {"name": "mediated"}, "got protocol mediated",
                     "alternating_offers", id="wrong-protocol"),
    ],
)  # fmt: skip
def test_equilibrium_style_limits(baseline_raw, changes, protocol, fragment, allowed):
    edit(baseline_raw, {"actors/russia/concession": "equilibrium", **changes})
    build_scenario(baseline_raw)  # the scenario alone is fine; the run is not
    with pytest.raises(ConfigError) as info:
        build_run({"scenario": baseline_raw, "protocol": protocol, "seed": 0, "replications": 20})
    check(info.value, "scenario.actors.russia.concession", fragment, allowed)
    assert "equilibrium" in info.value.problem


def test_a_described_but_disabled_escalation_is_still_checked(baseline_raw):
    baseline_raw["escalation"]["actor"] = "nobody"
    with pytest.raises(ConfigError) as caught:
        build_scenario(baseline_raw)
    assert caught.value.key == "scenario.escalation.actor"


def test_config_errors_survive_pickling_for_worker_processes():
    import pickle

    error = ConfigError("scenario.deadline", "0 is out of range; allowed: a whole number >= 1", file="x.yaml")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.key, copy.problem, copy.file, str(copy)) == (error.key, error.problem, error.file, str(error))


# ------------------------------------------------------- settings that could change nothing


def test_a_party_without_a_veto_has_no_concession_style(baseline_raw):
    baseline_raw["actors"]["europe"]["concession"] = "linear"
    check(scenario_error(baseline_raw), "scenario.actors.europe.concession", "no veto", "veto: true")


def test_stubbornness_needs_someone_to_influence_the_party(baseline_raw):
    baseline_raw["actors"]["russia"]["stubbornness"] = 0.9
    check(scenario_error(baseline_raw), "scenario.actors.russia.stubbornness", "no one influences russia",
          "an influence edge into it")  # fmt: skip


def test_a_linkage_binds_only_a_party_with_a_veto(baseline_raw):
    baseline_raw["linkages"]["elections_need_guarantees"]["actor"] = "europe"
    check(scenario_error(baseline_raw), "scenario.linkages.elections_need_guarantees.actor", "no veto",
          "russia, ukraine, us")  # fmt: skip


def test_a_round_is_described_in_words(baseline_raw):
    baseline_raw["round"] = "one week of talks"
    assert build_scenario(baseline_raw).round == "one week of talks"
    baseline_raw["round"] = 7
    check(scenario_error(baseline_raw), "scenario.round", "got 7", "a non-empty string")


def test_too_many_veto_parties_or_linkages(baseline_raw):
    template = baseline_raw["actors"]["us"]
    for i in range(4):
        baseline_raw["actors"][f"us{i}"] = copy.deepcopy(template)
    check(scenario_error(baseline_raw), "scenario.actors", "7 parties with a veto", "at most 6")


# ------------------------------------------------ names that YAML reads as values, unknown top-level keys


@pytest.mark.parametrize("name", [False, True, 1, 1.5, None], ids=repr)
@pytest.mark.parametrize("where", ["actors", "issues", "linkages", "influence"])
def test_a_name_that_is_not_text_is_refused_with_the_reason(baseline_raw, where, name):
    """``no:`` read by plain YAML is the value false: the error says so (user files keep names as text)."""
    if where == "influence":
        baseline_raw["influence"]["us"][name] = {"weight": 0.1, "evidence": JUDGED}
        key = f"scenario.influence.us.{name}"
    else:
        baseline_raw.setdefault(where, {})[name] = next(iter(baseline_raw[where].values()))
        key = f"scenario.{where}.{name}"
    check(scenario_error(baseline_raw), key, "not text", "in quotes")


def test_a_label_yaml_read_as_a_value_says_to_quote_it(baseline_raw):
    edit(baseline_raw, {"issues/peacekeepers/low_label": False})
    check(scenario_error(baseline_raw), "scenario.issues.peacekeepers.low_label", "got False", "quotes")


@pytest.mark.parametrize(
    ("key", "near"), [("replicatons", "replications"), ("sed", "seed"), ("scenarios", "scenario"), ("zzz", None)]
)
def test_an_unknown_top_level_key_is_refused_naming_the_nearest(baseline_raw, key, near):
    raw = {"scenario": baseline_raw, "protocol": dict(PROTOCOL), "seed": 0, "replications": 20, key: 100}
    with pytest.raises(ConfigError) as info:
        build_run(raw)
    check(info.value, key, f"unknown key {key!r}", "seed, replications, record, progress, rerun, report")
    assert (f"did you mean {near}?" in info.value.problem) if near else "did you mean" not in info.value.problem


def test_an_unknown_scenario_key_names_the_nearest(baseline_raw):
    edit(baseline_raw, {"actors/russia/capabilty": 0.3})
    error = scenario_error(baseline_raw)
    check(error, "scenario.actors.russia.capabilty", "did you mean capability?", "capability")


def test_a_scale_too_narrow_for_its_size_is_refused(baseline_raw):
    edit(baseline_raw, {"issues/peacekeepers/low": 1e9, "issues/peacekeepers/high": 1e9 + 1e-3})
    for actor in baseline_raw["actors"].values():
        actor["ideal"]["peacekeepers"] = 1e9
        actor.get("red_lines", {}).pop("peacekeepers", None)
    baseline_raw["actors"]["russia"]["evidence"].pop("red_lines.peacekeepers", None)
    check(scenario_error(baseline_raw), "scenario.issues.peacekeepers.high", "too narrow", "high - low >= 1")


@pytest.mark.parametrize(("key", "value"), [("seed", 2**63), ("replications", 10**8 + 1), ("record", 1001)])
def test_run_numbers_have_upper_bounds(baseline_raw, key, value):
    raw = {"scenario": baseline_raw, "protocol": dict(PROTOCOL), "seed": 0, "replications": 20, key: value}
    with pytest.raises(ConfigError) as info:
        build_run(raw)
    check(info.value, key, str(value), "at most" if key != "record" else "from 0 to 1000")


def test_a_frontier_too_costly_to_compute_is_refused_before_it_is_built():
    """Six veto parties on eight issues: 1.4 million combinations of walls (the first release took 24 s and 480 MB)."""
    from tests.strategies import scenario_mapping

    raw = scenario_mapping(np.random.default_rng(0), actors=6, issues=8)
    check(scenario_error(raw), "scenario.actors", "1,370,754 steps", "at most 500,000 steps")
    raw = scenario_mapping(np.random.default_rng(0), actors=6, issues=6)
    assert len(build_scenario(raw).actors) == 6  # 376,992: allowed
