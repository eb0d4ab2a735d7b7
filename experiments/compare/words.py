"""A comparison in words: the runs and how to run each again, whether each pairs with the reference and why,
what changed in its config, and which outcomes moved clearly, by how much and what that means for the parties."""

from __future__ import annotations

import pandas as pd

from negsim.experiments.compare.stats import Comparison
from negsim.experiments.pages.labels import key_label, value_label
from negsim.experiments.pages.provenance import hydra_settings, parse_overrides, reproduce_command, run_overrides
from negsim.sim.draws import draw_layout
from negsim.sim.spec import ScenarioSpec

__all__ = ["MATERIAL", "config_rows", "display_label", "glance", "material", "pairing", "run_commands", "summary"]

#: The smallest difference worth a sentence, per metric kind (shares: 1 point; terms: 1 % of the scale).
MATERIAL = {"share": 0.01, "rounds": 0.1, "terms": 0.01, "utility": 0.005}
#: Config keys that only name or describe a scenario: listed, but never given as the reason for a change.
_NAMING = ("scenario.name", "scenario.title", "scenario.question", "scenario.source", "scenario.round")


def display_label(label: str) -> str:
    """A run's label as readers see it: a lone ``scenario=NAME`` becomes ``NAME``.

    >>> display_label("scenario=corruption_scandal"), display_label("seed=3")
    ('corruption_scandal', 'seed = 3')
    """
    parts = label.split()
    if all("=" in p for p in parts):
        pairs = [p.split("=", 1) for p in parts]
        if len(pairs) == 1 and pairs[0][0] == "scenario":
            return pairs[0][1]
        return "; ".join(f"{key_label(k)} = {value_label(v)}" for k, v in pairs)
    return label


def material(metric: str, difference: float, span: float = 1.0) -> bool:
    """Whether a difference is large enough to mention (see :data:`MATERIAL`)."""
    kind = metric.split(".")[0]
    return abs(difference) >= MATERIAL.get(kind, 0.01) * (span if kind == "terms" else 1.0)


def pairing(comparison: Comparison, k: int) -> str:
    """Whether run ``k`` was paired with the reference, and the rule as applied to it."""
    own = draw_layout(comparison.folders[k].run)
    if not _mismatches(comparison, k):
        return (f"paired with the reference: the same seed ({own[0]}), {own[1]:,} replications, {own[2]} actors and "
                f"{own[3]} issues, so replication i of both drew the same random numbers")  # fmt: skip
    why = [f"{name} ({a:,}; the reference's: {b:,})" for name, a, b in _mismatches(comparison, k)]
    verb = "differs" if len(why) == 1 else "differ"
    return f"not paired with the reference, because its {' and '.join(why)} {verb}: the two are resampled apart"


def _mismatches(comparison: Comparison, k: int) -> list[tuple[str, int, int]]:
    """What keeps run ``k`` from pairing with the reference: ``(what, its value, the reference's)``."""
    names = ("seed", "replications", "number of actors", "number of issues")
    own, ref = draw_layout(comparison.folders[k].run), draw_layout(comparison.folders[0].run)
    return [(name, a, b) for name, a, b in zip(names, own, ref, strict=True) if a != b]


def run_commands(comparison: Comparison) -> list[str]:
    """The ``negsim`` command that reproduces each run (from its recorded overrides)."""
    commands = []
    for folder in comparison.folders:
        run = folder.run
        overrides = parse_overrides(run_overrides(folder.path) or [])
        commands.append(reproduce_command(overrides, hydra_settings(folder.path),
                                          extra={"seed": run.seed, "replications": run.replications}))  # fmt: skip
    return commands


def config_rows(comparison: Comparison, scenario: ScenarioSpec) -> list[tuple[str, str, dict[str, str]]]:
    """Each differing config key: its dotted key, its label in words, and each run's value in words."""
    rows = []
    for record in comparison.diff.to_dict("records"):
        key = record.pop("key")
        rows.append((key, key_label(key, scenario), {run: value_label(value) for run, value in record.items()}))
    return rows


def _changes(comparison: Comparison, k: int, scenario: ScenarioSpec) -> str:
    ref, own = comparison.labels[0], comparison.labels[k]
    moved = [(label, values) for key, label, values in config_rows(comparison, scenario)
             if key not in _NAMING and ".evidence" not in key and not key.endswith(("description", ".label"))
             and values[ref] != values[own]]  # fmt: skip
    if not moved:
        return "Nothing in its config differs from the reference's but names and descriptions."
    shown = "; ".join(f"{label} {values[ref]} → {values[own]}" for label, values in moved[:5])
    more = f" (and {len(moved) - 5} more)" if len(moved) > 5 else ""
    return f"What changed from the reference: {shown}{more}."


def _metric_words(comparison: Comparison, row: pd.Series, scenario: ScenarioSpec) -> str:
    kind, name = row["metric"].split(".", 1) if "." in row["metric"] else (row["metric"], "")
    interval = f"{row['difference']:+.3f} [{row['diff_low']:+.3f}, {row['diff_high']:+.3f}]"
    reference = comparison.table[(comparison.table["run"] == comparison.labels[0])
                                 & (comparison.table["metric"] == row["metric"])]  # fmt: skip
    base = reference["estimate"].iloc[0]
    if kind == "share":
        return (f"{name} in {row['estimate']:.0%} of runs against {base:.0%} ({row['difference'] * 100:+.1f} points, "
                f"95% interval {row['diff_low'] * 100:+.1f} to {row['diff_high'] * 100:+.1f})")  # fmt: skip
    if kind == "rounds":
        return f"rounds played: {row['estimate']:.1f} against {base:.1f} ({interval})"
    if kind == "terms":
        issue = next((i for i in scenario.issues if i.name == name), None)
        label, toward = (issue.label, issue.high_label if row["difference"] > 0 else issue.low_label) if issue else (
            name, "higher" if row["difference"] > 0 else "lower")  # fmt: skip
        return f"{label}: {row['estimate']:.2f} against {base:.2f} ({interval}), toward “{toward}”"
    actor = next((a for a in scenario.actors if a.name == name), None)
    label = actor.label if actor else name
    gap = ""
    if actor:
        over = row["estimate"] - actor.reservation
        gap = (f"; {over:.2f} more than what no deal is worth to it" if over >= 0.005 else
               "; no more than what no deal is worth to it")  # fmt: skip
    return f"{label}'s realised utility: {row['estimate']:.3f} against {base:.3f} ({interval}{gap})"


def _movers(big: list[pd.Series], scenario: ScenarioSpec) -> tuple[list[str], list[str]]:
    """The parties clearly (and materially) better off, and those worse off."""
    labels = {a.name: a.label for a in scenario.actors}
    utilities = [r for r in big if r["metric"].startswith("utility.")]
    better = [labels.get(r["metric"][8:], r["metric"][8:]) for r in utilities if r["difference"] > 0]
    return better, [labels.get(r["metric"][8:], r["metric"][8:]) for r in utilities if r["difference"] < 0]


def _big(comparison: Comparison, label: str, scenario: ScenarioSpec) -> tuple[pd.DataFrame, list[pd.Series]]:
    """A run's clear differences from the reference, and those among them large enough to matter."""
    spans = {i.name: i.span for i in scenario.issues}
    rows = comparison.table[comparison.table["run"] == label]
    clear = rows[rows["differs"]]
    return clear, [r for _, r in clear.iterrows() if material(r["metric"], r["difference"],
                                                              spans.get(r["metric"].split(".", 1)[-1], 1.0))]


def glance(comparison: Comparison, scenario: ScenarioSpec) -> pd.DataFrame:
    """One row per run against the reference: its agreement rate and difference, who is clearly better or worse
    off, and whether it is paired (or why not)."""
    rows = []
    for k, label in enumerate(comparison.labels[1:], start=1):
        _, big = _big(comparison, label, scenario)
        rate = comparison.table[(comparison.table["run"] == label) & (comparison.table["metric"] == "share.agreement")]
        r = rate.iloc[0]
        better, worse = _movers(big, scenario)
        why = "; ".join(f"{name} {a:,} against {b:,}" for name, a, b in _mismatches(comparison, k))
        rows.append({
            "run": display_label(label),
            "agreement (difference, 95% interval)": f"{r['estimate']:.0%} ({r['difference'] * 100:+.1f} points, "
                                                    f"{r['diff_low'] * 100:+.1f} to {r['diff_high'] * 100:+.1f})",
            "clearly better off": ", ".join(better) or "none", "clearly worse off": ", ".join(worse) or "none",
            "paired with the reference": f"no: {why}" if why else "yes",
        })  # fmt: skip
    return pd.DataFrame(rows)


def _verdict(comparison: Comparison, big: list[pd.Series], scenario: ScenarioSpec) -> str:
    """Why the run's differences matter, in one sentence: deals more or less often, who gains and who loses."""
    parts = []
    rate = next((r for r in big if r["metric"] == "share.agreement"), None)
    if rate is not None:
        failures = [r["metric"].split(".")[1] for r in big if r["metric"].startswith("share.") and r["difference"] > 0
                    and r["metric"] != "share.agreement"]  # fmt: skip
        instead = f" ({' and '.join(failures)} instead)" if failures else ""
        more = "more" if rate["difference"] > 0 else "less"
        parts.append(f"a deal is {abs(rate['difference']) * 100:.0f} points {more} likely{instead}")
    else:
        parts.append("deals come about as often as in the reference")
    utilities = [r for r in big if r["metric"].startswith("utility.")]
    better, worse = _movers(big, scenario)
    if better:
        parts.append(f"better off: {', '.join(better)}")
    if worse:
        parts.append(f"worse off: {', '.join(worse)}")
    if not utilities:
        parts.append("no party is clearly better or worse off")
    return "In short: " + "; ".join(parts) + "."


def summary(comparison: Comparison, scenario: ScenarioSpec) -> list[tuple[str, list[str]]]:
    """For each run against the reference: a heading, then what changed, why it matters, the clear differences
    and whether it is paired."""
    found = []
    for k, label in enumerate(comparison.labels[1:], start=1):
        clear, big = _big(comparison, label, scenario)
        items = [_changes(comparison, k, scenario), _verdict(comparison, big, scenario)]
        if big:
            items.append("Clear differences (their 95% interval excludes zero): "
                         + "; ".join(_metric_words(comparison, r, scenario) for r in big) + ".")
        else:
            items.append("No outcome differs clearly and by enough to matter.")
        tiny = len(clear) - len(big)
        if tiny:
            items.append(f"{tiny} other difference{'s are' if tiny > 1 else ' is'} clear but tiny (under a point of "
                         "a share, 1% of a scale or 0.005 of utility): too small to matter.")  # fmt: skip
        items.append(pairing(comparison, k)[:1].upper() + pairing(comparison, k)[1:] + ".")
        found.append((display_label(label), items))
    return found
