"""The teaching report: ``report.html`` in a run folder.

The page is self-contained (plotly.js embedded once), so it opens offline:
in plain words first, then who wants what, a replay of logged replications
beside the influence network, and the outcomes across all replications.
"""

from __future__ import annotations

from pathlib import Path

from negsim.experiments.pages.page import write_page
from negsim.experiments.report.actors import actors_sections
from negsim.experiments.report.assumptions import assumptions_section
from negsim.experiments.report.common import ReportData
from negsim.experiments.report.outcomes import outcomes_section
from negsim.experiments.report.replay_page import replay_section
from negsim.experiments.report.text import plain_words_section
from negsim.experiments.run.folder import RunFolder, problem

__all__ = ["sweep_hint", "write_report"]


def write_report(run_dir: Path) -> Path:
    """Build ``report.html`` from the finished run in ``run_dir`` (written atomically); return its path.

    Raises:
        FileNotFoundError: ``run_dir`` is not a finished negsim run.
    """
    folder = RunFolder.open(run_dir)
    data = ReportData.load(folder)
    replay, script = replay_section(data)
    run, summary = data.run, data.summary
    lead = (
        f"{data.question} Protocol {run.protocol.name}, seed {run.seed}, {len(data.results):,} replications, "
        f"deadline {run.scenario.deadline} rounds."
    ).strip()
    sections = [plain_words_section(data), *actors_sections(data), replay, outcomes_section(data)]
    assumptions = assumptions_section(data)  # only when the run drew its uncertain values
    if assumptions is not None:
        sections.append(assumptions)
    return write_page(folder.path / "report.html", title=summary.get("title", run.scenario.title), lead=lead,
                      sections=sections, script=script)  # fmt: skip


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
