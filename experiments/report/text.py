"""Report part 5, in plain words: the result and its uncertainty, written from the run's data and specs."""

from __future__ import annotations

import numpy as np

from negsim.experiments.pages.glossary import Glossary
from negsim.experiments.pages.page import Section
from negsim.experiments.report.actors import range_words, red_line_words, value_words
from negsim.experiments.report.common import OUTCOMES, REFERENCES, ReportData, evidence_text, quote_text
from negsim.experiments.report.zone import breakdown_words, escalation_words, holdout_words, zone_paragraphs
from negsim.experiments.run.files import wilson_interval
from negsim.sim.spec import ActorSpec, IssueSpec, ScenarioSpec

__all__ = [
    "below_reservation",
    "headline",
    "linkage_sentences",
    "outcome_sentence",
    "plain_words",
    "plain_words_section",
    "red_line_conflicts",
    "red_line_sentences",
]

_TOL = 1e-6  # of an issue's span: a term this close to a bound sits on it
_TIE = 1e-12  # the engine's slack when it compares red lines
_SHORT = 1e-9  # a realised utility this far below the reservation value counts as below it


def _interval(count: int, n: int) -> str:
    low, high = wilson_interval(count, n)
    return f"95% interval {low:.1%}–{high:.1%}"


def headline(data: ReportData) -> str:
    """How many runs agreed, with the 95 % Wilson interval, and after how many rounds.

    The numbers come from ``results.parquet``: agreements, runs, mean and quartiles of ``round``.
    """
    n, rounds = len(data.results), data.agreed["round"].to_numpy()
    if rounds.size == 0:
        return f"In none of the {n:,} runs did the parties agree ({_interval(0, n)})."
    lead = f"In all {n:,} runs" if rounds.size == n else f"In {rounds.size:,} of {n:,} runs"
    q1, q3 = np.quantile(rounds, 0.25, method="lower"), np.quantile(rounds, 0.75, method="higher")
    spread = f"rounds {q1} to {q3}" if q1 != q3 else f"round {q1}"
    return (
        f"{lead} ({rounds.size / n:.1%}; {_interval(rounds.size, n)}) the parties agreed, on average after "
        f"{rounds.mean():.1f} rounds (the middle half of the agreements came in {spread})."
    )


def red_line_conflicts(scenario: ScenarioSpec) -> list[str]:
    """Per issue on which the veto parties' red lines leave no common value: whose red lines clash, in words.

    On each issue the feasible range runs from the highest of the veto parties' ``min`` to the lowest of their
    ``max``; the engine ends every replication in breakdown before the first round when one is empty.
    """
    veto, clashes = [a for a in scenario.actors if a.veto], []
    for k, issue in enumerate(scenario.issues):
        low = max((a.red_low[k] for a in veto), default=issue.low)
        high = min((a.red_high[k] for a in veto), default=issue.high)
        if low <= high + _TIE:
            continue
        floors = [f"{a.label}'s red line demands at least {value_words(a.red_low[k], issue)}"
                  for a in veto if a.red_low[k] > high + _TIE]  # fmt: skip
        caps = [f"{a.label}'s allows at most {value_words(a.red_high[k], issue)}"
                for a in veto if a.red_high[k] < low - _TIE]  # fmt: skip
        clashes.append(f"on {issue.label}, {' and '.join(floors)}, but {' and '.join(caps)}")
    return clashes


def outcome_sentence(data: ReportData) -> str:
    """What became of the runs that did not agree, and what each way of failing means."""
    n, scenario = len(data.results), data.scenario
    counts = data.results["outcome"].astype(str).value_counts()
    clashes = red_line_conflicts(scenario)
    reasons = {
        "breakdown": f"broke down before the first round, because no deal is possible: {breakdown_words(data)}",
        "stalemate": f"ended in stalemate at the {scenario.deadline}-round deadline",
        "escalation": f"ended in escalation: {escalation_words(scenario)}",
    }
    if clashes:
        reasons["breakdown"] = (
            "broke down before the first round, because the veto parties' red lines leave no deal possible: "
            + "; ".join(clashes)
        )
    failed = [o for o in OUTCOMES[1:] if counts.get(o, 0)]
    never = [o for o in OUTCOMES[1:] if not counts.get(o, 0)]
    parts = [f"{int(counts[o]):,} ({counts[o] / n:.1%}; {_interval(int(counts[o]), n)}) {reasons[o]}" for o in failed]
    if len(failed) == 1:
        text = f"{'All' if data.agreed.empty else 'The other'} {parts[0]}."
    elif failed:
        text = f"Of the other {n - len(data.agreed):,}, " + "; ".join(parts) + "."
    else:
        text = ""
    text = (text + (f" No run ended in {' or '.join(never)}." if never else "")).strip()
    held = holdout_words(data)
    return f"{text} {held}".strip()


def _wanted(data: ReportData, k: int, bound: float, above: bool) -> str:
    """Who wanted a value beyond ``bound`` (above it, or below it), furthest first."""
    beyond = [a for a in data.scenario.actors if (a.ideal[k] > bound if above else a.ideal[k] < bound)]
    beyond.sort(key=lambda a: -abs(a.ideal[k] - bound))
    return ", ".join(f"{a.label} {a.ideal[k]:.2f}" for a in beyond)


def _bound_sentence(data: ReportData, actor: ActorSpec, k: int, bound: float, above: bool) -> str | None:
    """How often the agreed value of issue ``k`` sat on ``actor``'s red line at ``bound``, and why (None: never)."""
    issue, terms = data.scenario.issues[k], data.agreed[f"terms.{data.scenario.issue_names[k]}"].to_numpy()
    at = int(np.sum(np.abs(terms - bound) <= _TOL * issue.span))
    if at == 0:
        return None
    words = red_line_words(actor, k, issue)
    how_often = f"in every one of the {at:,} agreements" if at == len(terms) else (
        f"in {at:,} of the {len(terms):,} agreements ({at / len(terms):.0%})")  # fmt: skip
    wanted = _wanted(data, k, bound, above)
    wanted = f" Wanted {'more' if above else 'less'}: {wanted}." if wanted else ""
    return (
        f"{issue.label}: {value_words(bound, issue)} {how_often}, because {actor.label}'s red line allows {words}: "
        f"{evidence_text(actor, f'red_lines.{issue.name}')}.{wanted}"
    )


def red_line_sentences(data: ReportData) -> tuple[list[str], list[str]]:
    """Sentences for the veto parties' red lines that bound agreed terms, and the names of those that never did."""
    bound, free = [], []
    for actor in (a for a in data.scenario.actors if a.veto):
        for k, issue in enumerate(data.scenario.issues):
            limits = [(actor.red_low[k], False)] if actor.red_low[k] > issue.low else []
            limits += [(actor.red_high[k], True)] if actor.red_high[k] < issue.high else []
            for value, above in limits:
                sentence = _bound_sentence(data, actor, k, value, above) if len(data.agreed) else None
                (bound if sentence else free).append(sentence or f"{actor.label} on {issue.label.lower()}")
    return bound, free


def _linkage(data: ReportData, link, issue: IssueSpec, when: IssueSpec) -> str:
    terms, condition = data.agreed[f"terms.{issue.name}"].to_numpy(), data.agreed[f"terms.{when.name}"].to_numpy()
    outside = (condition < link.when_low - _TOL * when.span) | (condition > link.when_high + _TOL * when.span)
    limit = np.minimum(np.abs(terms - link.low), np.abs(terms - link.high)) <= _TOL * issue.span
    label = data.scenario.actors[data.scenario.actor_index(link.actor)].label
    rule = (
        f"“{issue.label}” {range_words(link.low, link.high, issue) or 'within its range'} unless “{when.label}” is "
        f"{range_words(link.when_low, link.when_high, when)}"
    )
    if not outside.any():
        return f"{label}'s linkage ({rule}) never came into play: every agreement kept the condition."
    return (
        f"{label}'s linkage, {rule} ({quote_text(link.evidence)}), came into play in {int(outside.sum()):,} of "
        f"the {len(terms):,} agreements; in {int((outside & limit).sum()):,} of them “{issue.label}” sat exactly "
        f"at the linkage's limit."
    )


def linkage_sentences(data: ReportData) -> list[str]:
    """One sentence per linkage: how often its condition failed in agreements and held the linked issue."""
    if data.agreed.empty:
        return []
    scenario = data.scenario
    return [
        _linkage(data, link, scenario.issues[scenario.issue_index(link.issue)],
                 scenario.issues[scenario.issue_index(link.when_issue)])
        for link in scenario.linkages
    ]  # fmt: skip


def _terms_items(data: ReportData) -> list[str]:
    """One line per issue: where the agreed value fell, against the closed-form references."""
    references = data.summary["references"]
    items = []
    for issue in data.scenario.issues:
        terms = data.agreed[f"terms.{issue.name}"].to_numpy()
        low, high = np.quantile(terms, [0.05, 0.95])
        if np.ptp(terms) <= _TOL * issue.span:
            spread = f"{terms[0]:.2f} in every agreement"
        elif high - low <= _TOL * issue.span:
            spread = f"{low:.2f} in at least 90% of agreements (mean {terms.mean():.2f})"
        else:
            spread = f"between {low:.2f} and {high:.2f} in 90% of agreements (mean {terms.mean():.2f})"
        marks = [f"{REFERENCES[key][0]} {ref[issue.name]:.2f}" for key, ref in references.items()
                 if ref and key in REFERENCES]  # fmt: skip
        items.append(
            f"{issue.label}: {spread}, on a scale from {issue.low:g} ({issue.low_label}) to {issue.high:g} "
            f"({issue.high_label}). For comparison: {', '.join(marks)}."
        )
    return items


def _utility_sentence(data: ReportData) -> str:
    """Each party's value of the agreed terms and its realised utility, against what no deal is worth to it."""
    actors = data.scenario.actors
    if data.agreed.empty:
        return "Without an agreement, every party got exactly what no deal is worth to it."
    parts = [f"{a.label} {data.agreed[f'value.{a.name}'].mean():.2f} (no deal {a.reservation:.2f})" for a in actors]
    gains = {a.label: data.agreed[f"value.{a.name}"].mean() - a.reservation for a in actors}
    best, worst = max(gains, key=gains.get), min(gains, key=gains.get)
    realised = [f"{a.label} {data.results[f'utility.{a.name}'].mean():.2f}" for a in actors]
    return (
        f"What the agreed terms are worth to each party, on average over the agreements (1 is its ideal package): "
        f"{'; '.join(parts)}. {best} gained most over no deal ({gains[best]:+.2f}), {worst} least "
        f"({gains[worst]:+.2f}). Counting the rounds it took to get there (while talks go on, each party lives with "
        f"no deal, and the deal's gain is discounted per round of delay), and no deal where talks failed, the mean "
        f"realised utility over all runs was: {'; '.join(realised)}."
    )


def below_reservation(data: ReportData) -> str:
    """Every party, veto or not, that some agreements left worse off than no deal (``""``: none did).

    A party without a veto can be outvoted into such a deal; a veto party accepts only deals whose true value,
    discounted for the delay, reaches its reservation value, so for it this would point to a fault.
    """
    parts = []
    for actor in data.scenario.actors:
        # with a range, each replication's own value of no deal
        floor = data.agreed.get(f"param.actors.{actor.name}.reservation", actor.reservation)
        below = int((data.agreed[f"utility.{actor.name}"] < floor - _SHORT).sum())
        if below:
            why = "a veto party, which should accept no such deal" if actor.veto else "no veto: its yes was not needed"
            parts.append(f"{actor.label} ({why}) in {below:,} of the {len(data.agreed):,} agreements")
    if parts:
        return f"Some agreements left a party worse off than no deal: {'; '.join(parts)}."
    return "No agreement left any party worse off than no deal." if len(data.agreed) else ""


def plain_words(data: ReportData) -> dict[str, list[str]]:
    """The plain-words section as plain text: ``zone``, ``outcome``, ``terms``, ``bounds`` and ``parties``."""
    bound, free = red_line_sentences(data)
    bounds = bound + linkage_sentences(data)
    if free and len(data.agreed):
        bounds.append(f"Red lines that never bound an agreement: {'; '.join(free)}.")
    caveat = (
        f"These are shares of {len(data.results):,} simulated runs of one scenario (seed {data.run.seed}); the "
        "intervals measure only the Monte Carlo sampling, not doubt about the scenario's inputs."
    )
    return {
        "zone": zone_paragraphs(data),
        "outcome": [headline(data), outcome_sentence(data)],
        "terms": _terms_items(data) if len(data.agreed) else [],
        "bounds": bounds,
        "parties": [p for p in (_utility_sentence(data), below_reservation(data), caveat) if p],
    }


def plain_words_section(data: ReportData, glossary: Glossary | None = None) -> Section:
    """The result in sentences (shown first), every number taken from the run's files; terms glossed."""
    words, glossary = plain_words(data), glossary or Glossary()
    glossary.section()
    gloss = glossary.gloss
    body = "".join(f"<p>{gloss(p)}</p>" for p in words["zone"] + words["outcome"] if p)
    for key, heading in (("terms", "Agreed terms"), ("bounds", "Red lines and linkages that shaped the agreements")):
        if words[key]:
            body += f"<h3>{heading}</h3><ul>" + "".join(f"<li>{gloss(item)}</li>" for item in words[key]) + "</ul>"
    body += "".join(f"<p>{gloss(p)}</p>" for p in words["parties"])
    style = "<style>.words { font-size: 1.08rem; } .words h3 { font-size: 1.1rem; margin: 1rem 0 .3rem; }</style>"
    return Section(heading="In plain words", html=f'{style}<div class="words">{body}</div>')
