"""The report's section on uncertain values: the chance of a deal over the draws, its luck removed."""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import ROOT, run_negsim
from figures import assert_valid, report_figures


@pytest.mark.slow
def test_a_run_with_ranges_says_how_the_chance_of_a_deal_spreads(tmp_path):
    folder = tmp_path / "run"
    done = run_negsim(["uncertainty.judgments=0.2", "replications=1000", "report=true", "progress=false",
                       f"hydra.run.dir={folder}"], cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    spread = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["parameters"]
    rate = spread["agreement_rate"]
    # the luck of ten replications a draw widens the draws' own rates beyond the spread of their chances
    assert rate["observed"]["p05"] <= rate["low"] <= rate["median"] <= rate["high"] <= rate["observed"]["p95"] + 1e-9
    text = html.unescape(re.sub(r"<[^>]+>", " ", (folder / "report.html").read_text(encoding="utf-8")))
    assert "Which assumptions decide this outcome" in text
    assert (f"the chance of a deal has a median of {100 * rate['median']:.0f} %, and 90 % of draws give it between "
            f"{100 * rate['low']:.0f} % and {100 * rate['high']:.0f} %") in " ".join(text.split())  # fmt: skip
    assert "chance of a deal is" in done.stdout and "chance included" in done.stdout
    assert_valid(report_figures(folder))  # the two charts of the section included


@pytest.mark.slow
def test_a_drawn_value_of_no_deal_is_the_floor_the_report_checks(tmp_path):
    """With ranges, a veto party's agreements are checked against its own drawn reservation in each
    replication; against the scenario's single value the report used to cry fault in about one deal in ten."""
    from negsim.experiments.report.common import ReportData
    from negsim.experiments.report.text import below_reservation
    from negsim.experiments.run.folder import RunFolder

    folder = tmp_path / "run"
    done = run_negsim(["uncertainty.judgments=0.2", "replications=1000", "report=false", "progress=false",
                       f"hydra.run.dir={folder}"], cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = ReportData.load(RunFolder(folder))
    russia = next(a for a in data.scenario.actors if a.name == "russia")
    nominal = int((data.agreed["utility.russia"] < russia.reservation - 1e-6).sum())
    assert nominal > 0  # the drawn values of no deal differ from the nominal one
    words = below_reservation(data)
    assert "Russia" not in words and "Ukraine" not in words and "United States" not in words
