"""The teaching report: ``report.html`` in a run folder.

The page is self-contained (plotly.js embedded once), so it opens offline: what was run and how to read
the page, the result in plain words with one utility worked out, who wants what, a replay of logged
replications beside the influence network, the outcomes across all replications (under
``influence_only``: where stated positions settle) and, for a run that drew its uncertain values, which
assumptions decide the outcome. Each part is one :class:`Section` in :func:`report_sections`;
a new part is one more entry there.
"""

from __future__ import annotations

from pathlib import Path

from negsim.experiments.pages.glossary import Glossary
from negsim.experiments.pages.page import Section, write_page
from negsim.experiments.report.actors import actors_sections
from negsim.experiments.report.assumptions import assumptions_section
from negsim.experiments.report.common import ReportData
from negsim.experiments.report.explain import change_words, reading_section, run_section, worked_example_section
from negsim.experiments.report.outcomes import outcomes_section
from negsim.experiments.report.replay_page import replay_section
from negsim.experiments.report.settle import settle_section
from negsim.experiments.report.text import plain_words_section
from negsim.experiments.run.folder import RunFolder, problem

__all__ = ["report_sections", "report_title", "sweep_hint", "write_report"]


def report_sections(data: ReportData, glossary: Glossary) -> tuple[list[Section], str]:
    """The report's sections in page order, and the script the replay needs."""
    replay, script = replay_section(data)
    influence_only = data.run.protocol.name == "influence_only"
    sections = [
        run_section(data), reading_section(data, glossary), plain_words_section(data, glossary),
        worked_example_section(data, glossary), *actors_sections(data, glossary), replay,
        settle_section(data) if influence_only else outcomes_section(data),
    ]  # fmt: skip
    assumptions = assumptions_section(data)  # only when the run drew its uncertain values
    if assumptions is not None:
        sections.append(assumptions)
    return sections, script


def report_title(data: ReportData) -> str:
    """The scenario's title, saying how many settings were changed from it (so two reports never look alike)."""
    title = data.summary.get("title", data.scenario.title)
    changed = change_words(data)
    if not changed:
        return title
    shown = "; ".join(changed[:3]) + ("; …" if len(changed) > 3 else "")
    return f"{title}, with {len(changed)} change{'s' if len(changed) > 1 else ''} ({shown})"


def write_report(run_dir: Path) -> Path:
    """Build ``report.html`` from the finished run in ``run_dir`` (written atomically); return its path.

    Raises:
        FileNotFoundError: ``run_dir`` is not a finished negsim run.
    """
    folder = RunFolder.open(run_dir)
    data = ReportData.load(folder)
    glossary = Glossary(round_text=data.scenario.round)
    sections, script = report_sections(data, glossary)
    lead = data.question or f"What happens in the scenario {data.scenario.name}?"
    return write_page(folder.path / "report.html", title=report_title(data), lead=lead, sections=sections,
                      script=script, glossary=glossary)  # fmt: skip


def sweep_hint(folder: Path) -> str:
    """A hint when ``folder`` is a sweep (job folders ``0/``, ``1/``, ... holding ``summary.json``), else ``""``.

    >>> sweep_hint(Path("/nonexistent"))
    ''
    """
    jobs = sorted(
        (int(p.name), p) for p in folder.glob("[0-9]*") if p.name.isdigit() and (p / "summary.json").is_file()
    )
    if not jobs:
        return ""
    whole = [path for _, path in jobs if problem(path) is None]  # rather one whose files are not cut short
    return f"; this is a sweep folder: pass one of its job folders, such as {(whole or [jobs[0][1]])[0]}"
