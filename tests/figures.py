"""Every chart of a report, checked by Plotly: the report builds plain-dict figures and skips Plotly's checks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.graph_objects as go

from negsim.experiments.pages.figure import Figure
from negsim.experiments.pages.glossary import Glossary
from negsim.experiments.report.common import ReportData
from negsim.experiments.report.page import report_sections
from negsim.experiments.run.folder import RunFolder

_STORE = re.compile(r'<script type="application/json" id="negsim-replay-data">(.*?)</script>', re.S)


def report_figures(folder: Path) -> list[dict]:
    """The report's figures for the run in ``folder`` as plotly.js gets them, the replay's (with frames) included."""
    data = ReportData.load(RunFolder.open(folder))
    sections, _ = report_sections(data, Glossary(round_text=data.scenario.round))
    figures = [f.to_dict() for s in sections for f in s.figures if isinstance(f, Figure)]
    store = json.loads(_STORE.search("".join(s.html for s in sections)).group(1))
    return figures + list(store["figures"].values())


def assert_valid(figures: list[dict]) -> None:
    """Plotly's own validation of each figure: an unknown property or a bad value raises ``ValueError``."""
    assert figures
    for figure in figures:
        go.Figure(figure)
