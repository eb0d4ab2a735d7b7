"""The sweep page, ``sweep.html``: the question the sweep asks, what was run, and charts fitted to its shape.

One setting (a number or a name; other names as series): profiles along it. Two (two numbers, or two names):
heatmaps with the values in the cells. Three or more numbers: parallel axes and one panel per setting. Every
shape shows how the talks ended, the agreed terms with their intervals and the number of agreements behind each
point, and what each party gets against its reservation value.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from negsim.experiments.pages.glossary import Glossary
from negsim.experiments.pages.page import Section, reading_list, run_box, write_page
from negsim.experiments.pages.provenance import (
    RUN_ONLY,
    experiment_note,
    hydra_settings,
    parse_overrides,
    reproduce_command,
)
from negsim.experiments.sweep.figures import esc
from negsim.experiments.sweep.grid import grid_figures
from negsim.experiments.sweep.many import many_figures
from negsim.experiments.sweep.profile import profile_figures
from negsim.experiments.sweep.view import SweepView
from negsim.experiments.sweep.words import sweep_words

__all__ = ["sweep_figures", "sweep_sections", "varying_parameters", "write_sweep_page"]


def varying_parameters(cells: pd.DataFrame, params: list[str]) -> tuple[list[str], list[str]]:
    """The swept parameters that take more than one value: ``(numeric, categorical)``."""
    view = SweepView.build(cells, params, None)
    return view.numeric, view.categorical


def sweep_figures(view: SweepView) -> dict[str, list]:
    """The charts for the sweep's shape: ``outcomes``, ``terms``, ``parties`` figures and ``notes``."""
    numeric, categorical = view.numeric, view.categorical
    repeats = [k for k in ("seed",) if k in view.varying]  # a swept seed repeats a job: a series, never an axis
    rest = [k for k in view.varying if k not in repeats]
    if repeats and len(rest) == 1:
        return profile_figures(view, rest[0], repeats) | {"notes": []}
    if not numeric and not categorical:
        jobs = view.cells.assign(job=view.cells["job"].astype(str))
        view = dataclasses.replace(view, cells=jobs, categorical=["job"])
        return profile_figures(view, "job", []) | {"notes": []}
    if len(numeric) == 2 or (not numeric and len(categorical) == 2):
        x, y = (numeric if len(numeric) == 2 else categorical)[:2]
        return grid_figures(view, x, y, categorical if len(numeric) == 2 else [])
    if len(numeric) >= 3:
        return many_figures(view)
    if len(numeric) == 1:
        return profile_figures(view, numeric[0], categorical) | {"notes": []}
    if len(categorical) == 1:
        return profile_figures(view, categorical[0], []) | {"notes": []}
    combined = view.cells.assign(settings=[view.setting(r, categorical, sep="<br>") for _, r in view.cells.iterrows()])
    view = dataclasses.replace(view, cells=combined, categorical=["settings"])
    return profile_figures(view, "settings", []) | {"notes": []}


def _context(view: SweepView, params: list[str], sweep_dir: Path) -> dict:
    """The sweep's question, notes, fixed settings and the command that runs it again."""
    hydra = hydra_settings(sweep_dir)
    experiment = str(((hydra.get("runtime") or {}).get("choices") or {}).get("experiment") or "")
    question, about = experiment_note(experiment, hydra) if experiment else ("", "")
    labels = [view.label(p) for p in view.varying]
    task = (hydra.get("overrides") or {}).get("task")
    if task is None:  # no multirun.yaml: the sweep's values from its jobs
        first = view.cells.iloc[0]
        task = [f"{p}={','.join(str(v) for v in view.ordered(p))}" for p in view.varying]
        task += [f"{p}={first[p]}" for p in params if p not in view.varying and p not in RUN_ONLY]
    overrides = parse_overrides([str(line) for line in task])
    fixed = [p for p in params if p not in view.varying and p not in RUN_ONLY and p != "experiment"]
    return {
        "experiment": experiment, "about": about, "fixed": fixed,
        "question": question or f"How do the outcomes change with {' and '.join(labels) or 'nothing'}?",
        "command": reproduce_command(overrides, hydra),
    }  # fmt: skip


def _run_section(view: SweepView, context: dict) -> Section:
    cells, scenario = view.cells, view.scenario
    items = [f"Question: <b>{esc(context['question'])}</b>"]
    if context["about"]:
        items.append(f"About this experiment: {esc(context['about'])}")
    if scenario is not None and "scenario" not in view.varying:
        items.append(f"Scenario <b>{esc(scenario.name)}</b>: {esc(scenario.title)}")
    for p in view.varying:
        values = ", ".join(view.value(v) for v in view.ordered(p))
        items.append(f"Swept: <b>{esc(view.label(p))}</b> over {esc(values)}")
    for p in context["fixed"]:
        items.append(f"The same in every job: {esc(view.label(p))} = {esc(view.value(cells[p].iloc[0]))}")
    runs = cells["replications"]
    size = f"{int(runs.iloc[0]):,} runs each" if runs.nunique() == 1 else f"{int(runs.sum()):,} runs in all"
    items.append(f"{len(cells)} jobs, {size}")
    return run_box(items, context["command"])


def _reading(glossary: Glossary) -> Section:
    tips = [
        "Each job is one run of the scenario with one combination of the swept settings, simulated many times "
        "(replications); a point or a cell is one job.",
        "Whiskers and the “±” in a cell give the 95% interval: the range the job's true value lies in, given its "
        "number of runs. Agreed terms are averaged over the runs that agreed only; the number beside a point is "
        "how many agreements it rests on (a point resting on few agreements is less certain).",
        "Each issue is drawn on its full scale, with its two ends named, so a small shift looks small.",
        "A party's utility (1 = its ideal package) is shown against its reservation value, what no deal is worth "
        "to it. Colours stand for parties only; outcomes are greys with patterns.",
        "Hover over a point or a cell for its job's settings; the table at the end lists every job.",
    ]
    return reading_list(tips, glossary)


def _job_table(view: SweepView) -> str:
    cells, rows = view.cells, []
    for _, row in cells.iterrows():
        entry = {"job": row["job"]} | {view.label(p): view.value(row[p]) for p in view.varying}
        entry["agreement (95% interval)"] = (f"{row['agreement_rate']:.1%} ({row['agreement_low']:.1%}–"
                                             f"{row['agreement_high']:.1%})")  # fmt: skip
        if "agreements" in row:
            entry["agreements"] = f"{int(row['agreements']):,} of {int(row['replications']):,}"
        for issue in view.issues:
            entry[issue.label] = f"{row[f'terms.{issue.name}']:.3f}"
        rows.append(entry)
    return pd.DataFrame(rows).to_html(index=False, border=0, escape=True, na_rep="")


def sweep_sections(view: SweepView, context: dict, glossary: Glossary) -> list[Section]:
    """The page's sections: what was run, how to read it, plain words, outcomes, terms, parties, every job."""
    figures = sweep_figures(view)
    glossary.section()
    words = "".join(f"<p>{glossary.gloss(line)}</p>" for line in sweep_words(view))
    notes = "".join(f"<li>{esc(note)}</li>" for note in figures["notes"])
    words += f"<p>Terms that do not move across the jobs (not drawn as heatmaps):</p><ul>{notes}</ul>" if notes else ""
    if context.get("comparison"):
        words += ('<p>Each job set against the first, with the differences and their 95% intervals: <a '
                  'href="comparison.html">comparison.html</a>, beside this page.</p>')
    sections = [_run_section(view, context), _reading(glossary), Section(heading="In plain words", html=words)]
    texts = {
        "outcomes": ("How the talks ended", "The share of runs that ended in agreement, breakdown, stalemate or "
                     "escalation, with 95% intervals."),
        "terms": ("Agreed terms", "Where the agreements landed on each issue: the mean over the runs that agreed, "
                  "with its 95% interval and the number of agreements it rests on."),
        "parties": ("What each party gets", "Each party's mean realised utility over all runs (a run that fails "
                    "leaves the party what no deal is worth to it), against its reservation value."),
    }  # fmt: skip
    for key, (heading, text) in texts.items():
        if figures[key]:
            sections.append(Section(heading=heading, text=text, figures=tuple(figures[key]), anchor=key))
    table = f'<details><summary>Show the table</summary><div class="wide">{_job_table(view)}</div></details>'
    sections.append(Section(heading="Every job", html=table, anchor="every-job"))
    return sections


def write_sweep_page(path: Path, cells: pd.DataFrame, params: list[str], *, title: str | None = None,
                     comparison: bool = False) -> Path:  # fmt: skip
    """Write ``sweep.html`` (self-contained, offline, interactive) for the sweep in ``path``'s folder.

    ``comparison``: the sweep also writes ``comparison.html`` beside it, which the page then points to.
    """
    sweep_dir = Path(path).parent
    view = SweepView.build(cells, params, sweep_dir)
    context = _context(view, params, sweep_dir)
    labels = " and ".join(view.label(p) for p in view.varying) or "no varying setting"
    title = title or (f"Experiment “{context['experiment']}”" if context["experiment"] else f"Sweep over {labels}")
    glossary = Glossary(round_text=view.scenario.round if view.scenario else "")
    sections = sweep_sections(view, context | {"comparison": comparison}, glossary)
    return write_page(path, title=title, lead=context["question"], sections=sections, glossary=glossary)
