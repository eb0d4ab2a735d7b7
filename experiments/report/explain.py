"""The report explains itself: what was run (and how to run it again), how to read the page, one utility worked out.

Every number comes from the run's own files.
"""

from __future__ import annotations

from negsim.experiments.pages.glossary import Glossary
from negsim.experiments.pages.labels import key_label, value_label
from negsim.experiments.pages.page import Section, reading_list, run_box
from negsim.experiments.pages.provenance import changes, reproduce_command
from negsim.experiments.report.common import ReportData, esc
from negsim.sim.spec import ActorSpec

__all__ = ["change_words", "reading_section", "run_section", "worked_example_section"]


def change_words(data: ReportData) -> list[str]:
    """What this run changed from its named scenario, one ``label: value`` per override (``[]``: nothing)."""
    if data.overrides is None:
        return []
    return [f"{key_label(o.key, data.scenario)}: {value_label(o.value)}" for o in changes(list(data.overrides))]


def run_section(data: ReportData) -> Section:
    """What was run: the named scenario and its question, what differs from it, the command that reproduces it."""
    run, scenario = data.run, data.scenario
    facts = [
        f"Scenario <b>{esc(scenario.name)}</b>: {esc(scenario.title)}",
        f"Protocol <b>{esc(value_label(run.protocol.name))}</b>; {run.replications:,} replications with seed "
        f"{run.seed}; deadline {scenario.deadline} rounds, one round standing for {esc(scenario.round)}",
    ]
    if data.question:
        facts.insert(1, f"Question: {esc(data.question)}")
    changed = change_words(data)
    if data.overrides is None:
        diff = "<p>This run's command-line overrides were not recorded (no <code>.hydra/overrides.yaml</code>).</p>"
    elif changed:
        items = "".join(f'<li class="changed">{esc(c)}</li>' for c in changed)
        diff = f"<p>Changed from the named scenario ({len(changed)}):</p><ul>{items}</ul>"
    else:
        diff = "<p>Nothing changed: the named scenario exactly as its file sets it.</p>"
    command = reproduce_command(list(data.overrides or ()), data.hydra,
                                extra={"seed": run.seed, "replications": run.replications})  # fmt: skip
    return run_box(facts, command, after=diff)


def reading_section(data: ReportData, glossary: Glossary) -> Section:
    """A short guide for a student reading the page for the first time."""
    n = len(data.results)
    tips = [
        f"The talks were simulated {n:,} times (replications). The runs differ only by chance events, so the share "
        "of runs that end a given way estimates how likely that ending is; each share comes with its 95% interval.",
        "Each issue is a scale from 0 to 1 whose ends are named under it (for example ◀ None … All land Russia "
        "claims ▶). A package is one value on every issue.",
        "A party's utility says how good a package is for it: 1 is its ideal package. Compare it with the party's "
        "reservation value, what no deal is worth to it: a deal below that is worse than walking away.",
        "Start with “In plain words”, then the worked example; the charts below show the same numbers. Hover over "
        "a chart for exact values, and over an underlined word for its meaning (the glossary is at the end).",
        "For a class: “Projector mode” uses the whole width of the screen; “Print or save as PDF” keeps every chart "
        "whole on its page.",
    ]
    return reading_list(tips, glossary, heading="How to read this report")


def _example(data: ReportData) -> tuple[ActorSpec, dict, int | None, str]:
    """The party and package to work out: the veto party that gains least, on the first agreement; without one,
    a reference package or else the strongest other party's ideal. Returns the actor, the package, the
    agreement's replication (``None`` without one) and what the package is, in words."""
    scenario = data.scenario
    veto = [a for a in scenario.actors if a.veto] or list(scenario.actors)
    agreed = data.agreed
    if agreed.empty:
        actor = veto[0]
        for key, words in (("compromise", "the compromise package"), ("weighted_median", "the weighted median")):
            if data.summary["references"].get(key):
                return actor, data.summary["references"][key], None, f"{words} (no run agreed)"
        other = max((a for a in scenario.actors if a is not actor), key=lambda a: a.capability, default=actor)
        return actor, dict(zip(scenario.issue_names, other.ideal, strict=True)), None, (
            f"the package {other.label} wants most (no run agreed)")  # fmt: skip
    actor = min(veto, key=lambda a: agreed[f"value.{a.name}"].mean() - a.reservation)
    row = agreed.sort_values("replication").iloc[0]
    replication = int(row["replication"])
    package = {i: float(row[f"terms.{i}"]) for i in scenario.issue_names}
    return actor, package, replication, f"the terms agreed in replication {replication}"


def worked_example_section(data: ReportData, glossary: Glossary) -> Section:
    """One utility value worked out from the run's numbers, step by step, then its realised utility."""
    glossary.section()
    actor, package, replication, where = _example(data)
    rows, total = [], 0.0
    for k, issue in enumerate(data.scenario.issues):
        distance = abs(package[issue.name] - actor.ideal[k]) / issue.span
        cost = actor.salience[k] * distance
        total += cost
        rows.append(f"<tr><td>{esc(issue.label)}</td><td>{package[issue.name]:.3f}</td><td>{actor.ideal[k]:.2f}</td>"
                    f"<td>{distance:.3f}</td><td>{actor.salience[k]:.0%}</td><td>{cost:.3f}</td></tr>")  # fmt: skip
    value, who = 1.0 - total, esc(actor.label)
    head = ("<tr><th>issue</th><th>value in the package</th><th>" + who + "'s ideal</th><th>distance (share of "
            "the scale)</th><th>salience</th><th>distance × salience</th></tr>")  # fmt: skip
    intro = glossary.gloss(
        f"How does a number such as “{actor.label} {value:.2f} (no deal {actor.reservation:.2f})” come about? Take "
        f"{actor.label} and {where}. On each issue, the package misses {actor.label}'s ideal by some distance; "
        f"{actor.label} loses that distance times the issue's salience (how much it cares). Its utility is 1 minus "
        "the sum of those losses."
    )
    sums = f"utility = 1 − {total:.3f} = <b>{value:.3f}</b>"
    lines = [f"<p>{intro}</p><div class=\"wide\"><table>{head}{''.join(rows)}</table></div><p>{sums}.</p>"]
    gain = value - actor.reservation
    after = (f"It is worth {gain:+.3f} compared with no deal ({actor.reservation:.2f} to {actor.label}), so "
             f"{actor.label} {'prefers it to walking away' if gain >= 0 else 'would rather walk away'}.")  # fmt: skip
    if replication is not None:
        row = data.results.set_index("replication").loc[replication]
        rounds, stored = int(row["round"]), float(row[f"value.{actor.name}"])
        realised = actor.reservation + actor.discount ** (rounds - 1) * gain
        after += (
            f" The deal came in round {rounds}, and {actor.label}'s discount is {actor.discount:.2f} per round, so its "
            f"gain shrinks to {actor.discount:.2f}^{rounds - 1} × {gain:.3f}: its realised utility is "
            f"{actor.reservation:.2f} + {actor.discount ** (rounds - 1):.3f} × {gain:.3f} = {realised:.3f}. (The "
            f"run's results table holds {stored:.3f} and {float(row[f'utility.{actor.name}']):.3f}.)"
        )
    lines.append(f"<p>{glossary.gloss(after)}</p>")
    return Section(heading="Worked example: where one utility comes from", html="".join(lines), anchor="worked-example")
