"""A comparison of runs as a printed table, ``comparison.csv`` and the offline page ``comparison.html``."""

from __future__ import annotations

import html
from pathlib import Path

import yaml

from negsim.experiments.compare.charts import difference_figures, shares_figure, terms_figure, utility_figure
from negsim.experiments.compare.stats import Comparison
from negsim.experiments.compare.words import config_rows, display_label, glance, pairing, run_commands, summary
from negsim.experiments.pages.glossary import Glossary
from negsim.experiments.pages.page import Section, reading_list, write_page
from negsim.experiments.run.files import write_atomic
from negsim.experiments.run.folder import RunFolder, find_jobs

__all__ = ["collect", "format_comparison", "write_comparison"]

METRIC_NAMES = {"share.agreement": "agreement rate", "rounds": "rounds played"}


def collect(paths: list[Path]) -> tuple[list[RunFolder], list[str]]:
    """Run folders named on the command line; a sweep folder stands for its finished jobs."""
    folders, labels = [], []
    for path in paths:
        jobs = [job for job in find_jobs(path) if job.complete] if path.is_dir() else []
        if jobs and not (path / "summary.json").exists():
            folders += [RunFolder.open(job.folder) for job in jobs]
            labels += _job_labels(jobs)
        else:
            folder = RunFolder.open(path)
            folders.append(folder)
            labels.append(folder.summary["scenario"])
    return folders, _unique(labels, folders)


def _job_labels(jobs: list) -> list[str]:
    """Each job's overrides, less those every job shares."""
    shared = set.intersection(*(set(job.overrides) for job in jobs))
    return [" ".join(o for o in job.overrides if o not in shared) or f"job {job.number}" for job in jobs]


def _unique(labels: list[str], folders: list[RunFolder]) -> list[str]:
    if len(set(labels)) == len(labels):
        return labels
    return [f"{label} ({folder.path.name})" for label, folder in zip(labels, folders, strict=True)]


def _name(metric: str, scenario=None) -> str:
    """A metric in words: ``terms: guarantee_inclusion``, or with the scenario's labels ``terms: Who guarantees...``."""
    if scenario is not None and "." in metric and not metric.startswith("share."):
        kind, name = metric.split(".", 1)
        found = {i.name: i.label for i in scenario.issues} | {a.name: a.label for a in scenario.actors}
        return f"{'terms' if kind == 'terms' else 'utility'}: {found.get(name, name)}"
    return METRIC_NAMES.get(metric, metric.replace("share.", "share of ").replace("terms.", "terms: ")
                            .replace("utility.", "utility: "))  # fmt: skip


def format_comparison(comparison: Comparison) -> str:
    """The printed table: estimates with intervals, and differences from the reference flagged ``*``."""
    lines = [f"reference: {comparison.labels[0]}", *[f"note: {n}" for n in comparison.notes]]
    if len(comparison.diff):
        lines.append("config keys that differ: " + ", ".join(comparison.diff["key"]))
    for label in comparison.labels:
        lines += ["", label]
        for row in comparison.table[comparison.table["run"] == label].itertuples():
            flag = " *" if row.differs else ""
            change = "" if label == comparison.labels[0] else (
                f"   diff {row.difference:+.3f} [{row.diff_low:+.3f}, {row.diff_high:+.3f}]{flag}")  # fmt: skip
            lines.append(f"  {_name(row.metric):<34}{row.estimate:8.3f} [{row.low:.3f}, {row.high:.3f}]{change}")
    lines += ["", "* the 95% interval of the difference from the reference excludes zero"]
    return "\n".join(lines)


def _runs_html(comparison: Comparison) -> str:
    """Each run: its label, scenario and question, protocol, size, pairing, and the command that reproduces it."""
    rows, seen = [], set()
    for k, (folder, label, command) in enumerate(zip(comparison.folders, comparison.labels, run_commands(comparison),
                                                     strict=True)):  # fmt: skip
        run, question = folder.run, str((folder.settings.get("scenario") or {}).get("question") or "")
        paired = "the reference" if k == 0 else pairing(comparison, k)
        about = f"{run.scenario.title}" + (f" — {question}" if question else "")
        shown = ": " + html.escape(about) if about not in seen else ""  # a scenario's title and question once
        seen.add(about)
        rows.append(
            f"<li><b>{html.escape(display_label(label))}</b>{shown}"
            + f"<br>protocol {html.escape(run.protocol.name.replace('_', ' '))}, seed {run.seed}, "
            f"{run.replications:,} replications; {html.escape(paired)}"
            f'<code class="command">{html.escape(command)}</code></li>'
        )
    return "<ul>" + "".join(rows) + "</ul>"


def _configs_html(comparison: Comparison, scenario) -> str:
    rows = config_rows(comparison, scenario)
    if not rows:
        return "<p>The configs are identical.</p>"
    labels = comparison.labels
    if len(labels) <= 4:
        head = "<tr><th>setting</th>" + "".join(f"<th>{html.escape(display_label(r))}</th>" for r in labels) + "</tr>"
        body = "".join(f"<tr><td>{html.escape(name)}</td>" + "".join(f"<td>{html.escape(values[r])}</td>"
                       for r in labels) + "</tr>" for _, name, values in rows)  # fmt: skip
    else:  # many runs: one row per setting and value, naming the runs that have it
        head = "<tr><th>setting</th><th>value</th><th>runs</th></tr>"
        body = ""
        for _, name, values in rows:
            by_value: dict[str, list[str]] = {}
            for run in labels:
                by_value.setdefault(values[run], []).append(display_label(run))
            body += "".join(f"<tr><td>{html.escape(name)}</td><td>{html.escape(v)}</td><td>{html.escape(', '.join(r))}"
                            "</td></tr>" for v, r in by_value.items())  # fmt: skip
    table = f'<div class="wide"><table>{head}{body}</table></div>'
    if len(rows) > 12:
        table = f"<details><summary>Show all {len(rows)} settings that differ</summary>{table}</details>"
    parts = [table]
    for label, folder in zip(labels, comparison.folders, strict=True):
        text = yaml.safe_dump(folder.settings, sort_keys=False, allow_unicode=True)
        parts.append(f"<details><summary>Full config of {html.escape(display_label(label))}</summary><pre>"
                     f"{html.escape(text)}</pre></details>")  # fmt: skip
    return "\n".join(parts)


def _outcome_table(comparison: Comparison, scenario) -> str:
    shown = comparison.table.assign(metric=comparison.table["metric"].map(lambda m: _name(m, scenario)),
                                    run=comparison.table["run"].map(display_label))  # fmt: skip
    shown = shown[["metric", "run", "estimate", "low", "high", "difference", "diff_low", "diff_high", "paired",
                   "differs"]]  # fmt: skip
    body = shown.to_html(index=False, float_format=lambda v: f"{v:.3f}", border=0, escape=True)
    return f'<details><summary>Show all {len(shown)} rows</summary><div class="wide">{body}</div></details>'


def _sections(comparison: Comparison, glossary: Glossary) -> list[Section]:
    scenario = comparison.folders[0].run.scenario
    notes = " ".join(comparison.notes)
    glossary.section()
    words = "".join(f"<h3>{html.escape(name)}</h3><ul>" + "".join(f"<li>{glossary.gloss(item)}</li>" for item in items)
                    + "</ul>" for name, items in summary(comparison, scenario))  # fmt: skip
    if len(comparison.labels) > 3:  # many runs: one line each first, the sentences a click away
        table = glance(comparison, scenario).to_html(index=False, border=0, escape=True)
        words = (f'<p>Each run against {html.escape(display_label(comparison.labels[0]))}, at a glance:</p><div '
                 f'class="wide">{table}</div><details><summary>Run by run, in sentences</summary>{words}</details>')
    reading = [
        f"The first run, {display_label(comparison.labels[0])}, is the reference: every other run is compared with "
        "it. A difference is called clear when its 95% interval excludes zero; the page mentions it only if it is "
        "also large enough to matter (a point of a share, 1% of an issue's scale, 0.005 of utility).",
        "Runs pair when they share their seed, their number of replications and their numbers of actors and "
        "issues: then replication i of both drew the same random numbers, and comparing them in pairs narrows "
        "the interval.",
        "Runs are rows, so every chart reads top to bottom. Colours stand for parties only; outcomes are greys with "
        "patterns; each issue is drawn on its full scale; a party's utility is shown against its reservation value.",
    ]
    return [
        Section(heading="What was compared", html=_runs_html(comparison), anchor="what-was-run", kind="run-box",
                text=notes),
        reading_list(reading, glossary),
        Section(heading="In plain words", html=words, anchor="in-plain-words"),
        Section(heading="Differences from the reference", text="Each run's difference from the reference with its "
                "95% interval; filled markers are clear differences large enough to matter.",
                figures=tuple(difference_figures(comparison, scenario)), anchor="differences"),
        Section(heading="How each run came out", text="The levels behind the differences: how the talks ended, where "
                "the agreements fell on each issue, and what each party got against what no deal is worth to it.",
                figures=(shares_figure(comparison), terms_figure(comparison, scenario),
                         utility_figure(comparison, scenario)), anchor="levels"),
        Section(heading="What differs in the configs", text="Only the settings whose values differ; each run's full "
                "config is one click away.", html=_configs_html(comparison, scenario), anchor="configs"),
        Section(heading="Every estimate", text="95% intervals: Wilson for shares, a bootstrap over replications "
                "otherwise; differences from the reference by bootstrap, in pairs where the runs pair.",
                html=_outcome_table(comparison, scenario), anchor="every-estimate"),
    ]  # fmt: skip


def write_comparison(out: Path, comparison: Comparison) -> tuple[Path, Path]:
    """Write ``comparison.csv`` and ``comparison.html`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    csv = out / "comparison.csv"
    write_atomic(csv, lambda p: comparison.table.to_csv(p, index=False, float_format="%.6g"))
    scenario = comparison.folders[0].run.scenario
    glossary = Glossary(round_text=scenario.round)
    names = [display_label(label) for label in comparison.labels]
    title = f"Comparing {len(names)} runs with {names[0]}" if len(names) > 3 else "Comparing " + " · ".join(names)
    lead = (f"How do {', '.join(names[1:]) if len(names) <= 4 else f'{len(names) - 1} other runs'} differ from "
            f"{names[0]}, and does the difference matter?")  # fmt: skip
    page = write_page(out / "comparison.html", title=title, lead=lead, sections=_sections(comparison, glossary),
                      glossary=glossary)  # fmt: skip
    return page, csv
