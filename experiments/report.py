"""The teaching report: ``report.html`` in a run folder, and the ``negsim-report RUN_DIR`` command.

The page is self-contained (plotly.js embedded once), so it opens offline:
in plain words first, then who wants what, a replay of logged replications
beside the influence network, and the outcomes across all replications.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml
from negsim.experiments.html import write_page
from negsim.experiments.report_actors import actors_sections
from negsim.experiments.report_common import ReportData
from negsim.experiments.report_outcomes import outcomes_section
from negsim.experiments.report_replay_page import replay_section
from negsim.experiments.report_text import plain_words_section
from negsim.experiments.runfolder import RunFolder
from negsim.sim.errors import ConfigError

__all__ = ["cli", "report_wanted", "sweep_hint", "write_report"]


def report_wanted(mode: object, *, multirun: bool) -> bool:
    """Whether a run writes ``report.html``: ``auto`` for single runs only, ``true`` always, ``false`` never.

    >>> report_wanted("auto", multirun=True), report_wanted(True, multirun=True)
    (False, True)

    Raises:
        ConfigError: for any other value.
    """
    if mode == "auto" and isinstance(mode, str):
        return not multirun
    if isinstance(mode, bool):
        return mode
    raise ConfigError("report", f"got {mode!r}; allowed: auto, true, false")


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
    return f"; this is a sweep folder: pass one of its job folders, such as {jobs[0][1]}"


def cli(argv: list[str] | None = None) -> None:
    """``negsim-report RUN_DIR``: rebuild a run's ``report.html``; exit 2 with one line if it is not a run."""
    parser = argparse.ArgumentParser(
        prog="negsim-report", description="Rebuild report.html, the teaching report, from a finished negsim run."
    )
    parser.add_argument("run_dir", type=Path, help="the run's folder (outputs/DATE/TIME or hydra.run.dir)")
    args = parser.parse_args(argv)
    try:
        path = write_report(args.run_dir)
    except (OSError, ConfigError, yaml.YAMLError, json.JSONDecodeError) as error:
        hint = sweep_hint(args.run_dir) if isinstance(error, FileNotFoundError) else ""
        print(f"negsim-report: error: {error}{hint}", file=sys.stderr)
        sys.exit(2)
    print(path)
