"""``negsim-sensitivity`` and runs with uncertain values, through the installed commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from browser import LAYOUT_CHECKS, open_page
from conftest import run_negsim

SENSITIVITY = Path(sys.executable).with_name("negsim-sensitivity")
SMALL = ["uncertainty.judgments=0.05", "sensitivity.base_samples=8", "sensitivity.replications=4",
         "sensitivity.resamples=20", "progress=false"]  # fmt: skip


def run_sensitivity(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    return subprocess.run([str(SENSITIVITY), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def analyses(tmp_path_factory) -> list[Path]:
    """The same small analysis twice (same seed), in two folders."""
    root = tmp_path_factory.mktemp("sensitivity")
    folders = []
    for name in ("first", "second"):
        done = run_sensitivity([*SMALL, f"hydra.run.dir={root / name}"], cwd=root)
        assert done.returncode == 0, done.stderr[-3000:]
        folders.append(root / name)
        (root / name / "stdout.txt").write_text(done.stdout, encoding="utf-8")
    return folders


@pytest.mark.slow
def test_the_analysis_writes_its_files_and_says_what_matters(analyses):
    folder = analyses[0]
    for name in ("config.yaml", "sensitivity.parquet", "sensitivity.json", "sensitivity.html"):
        assert (folder / name).stat().st_size > 0, name
    record = json.loads((folder / "sensitivity.json").read_text(encoding="utf-8"))
    judged = len(record["parameters"])
    assert 35 <= judged <= 50 and all(p["evidence"] == "judgment" for p in record["parameters"])
    assert record["samples"] == 8 * (judged + 2) and record["replications"] == record["samples"] * 4
    names = [o["name"] for o in record["outputs"]]
    assert names[0] == "agreement" and "utility.russia" in names and "utility.europe" not in names  # veto only
    assert any(name.startswith("terms.") for name in names)
    for output in record["outputs"]:
        assert set(output["indices"]) == {p["key"] for p in record["parameters"]}
    assert set(record["discovery"]) == {"likely", "unlikely"}
    table = pd.read_parquet(folder / "sensitivity.parquet")
    assert len(table) == record["samples"] and {f"param.{p['key']}" for p in record["parameters"]} <= set(table)
    printed = (folder / "stdout.txt").read_text(encoding="utf-8")
    assert "most influential values" in printed and "sensitivity.html" in printed.splitlines()[-1]


@pytest.mark.slow
def test_the_same_seed_gives_the_same_analysis(analyses):
    first, second = (json.loads((f / "sensitivity.json").read_text(encoding="utf-8")) for f in analyses)
    first.pop("elapsed_seconds"), second.pop("elapsed_seconds")
    assert first == second
    pd.testing.assert_frame_equal(*(pd.read_parquet(f / "sensitivity.parquet") for f in analyses))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["sensitivity.base_samples=100"], "sensitivity.base_samples: got 100; allowed: a power of two"),
        (["sensitivity.confidence=2"], "sensitivity.confidence"),
        (["uncertainty.judgments=0"], "the scenario has no uncertain value"),
        (["-m", "seed=1,2"], "no -m"),
        (["scenario.actors.russia.reservation={distribution: uniform, low: 0.5, high: 0.2}"],
         "scenario.actors.russia.reservation.high: 0.2 is below low (0.5)"),
        (["sensitivity.base_samples=33554432"], "allowed: a power of two from 2 to 2^24"),
        (["sensitivity.base_samples=1048576", "sensitivity.replications=64"],
         "sensitivity.base_samples: the design simulates 1,048,576 x ("),
        (["sensitivity.resamples=100001"], "sensitivity.resamples: got 100001; allowed: a whole number from 10"),
    ],
)
def test_bad_analyses_exit_2_with_one_line(tmp_path, args, words):
    given = {a.split("=", 1)[0] for a in args}
    base = [a for a in SMALL if a.split("=", 1)[0] not in given]
    done = run_sensitivity([*args, *base, f"hydra.run.dir={tmp_path / 'out'}"], cwd=tmp_path)  # -m first, as usual
    assert done.returncode == 2, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("negsim: error: ") and words in lines[0], done.stderr
    assert not (tmp_path / "out").exists(), "a bad analysis wrote into its folder before it was refused"


def test_sensitivity_settings_without_an_analysis_are_refused(tmp_path):
    done = run_negsim(["+sensitivity.base_samples=8", f"hydra.run.dir={tmp_path / 'out'}"], cwd=tmp_path)
    assert done.returncode == 2 and "sensitivity: set without an analysis" in done.stderr, done.stderr[-2000:]
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_range_from_the_command_line_reaches_results_and_summary(tmp_path):
    reservation = "scenario.actors.ukraine.reservation={distribution: uniform, low: 0.38, high: 0.5}"
    done = run_negsim([reservation, "replications=400", "uncertainty.draws=40", "report=false",
                       f"hydra.run.dir={tmp_path / 'run'}"], cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    results = pd.read_parquet(tmp_path / "run" / "results.parquet")
    column = results["param.actors.ukraine.reservation"]
    assert column.between(0.38, 0.5).all() and column.nunique() == 40
    assert (results.groupby("draw")["param.actors.ukraine.reservation"].nunique() == 1).all()
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    spread = summary["parameters"]
    assert spread["draws"] == 40 and spread["replications_per_draw"] == 10
    assert [u["key"] for u in spread["uncertain"]] == ["actors.ukraine.reservation"]
    assert spread["uncertain"][0]["evidence"] == "judgment"
    rate = spread["agreement_rate"]
    assert 0 <= rate["low"] <= rate["median"] <= rate["high"] <= 1
    assert "parameter draws" in done.stdout


@pytest.mark.browser
def test_the_sensitivity_page_opens_offline_without_errors(analyses, tmp_path):
    with open_page(analyses[0] / "sensitivity.html") as (page, errors):
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length > 0")
        charts = page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot')).map("
                               "d => d.querySelectorAll('g.trace').length)")  # fmt: skip
        assert len(charts) >= 3 and all(charts), charts
        headings = page.locator("h2").all_text_contents()
        assert "Which values decide each outcome" in headings and "Where agreement is likely, and where not" in headings
        assert {"What was run", "How to read this page", "Words used on this page"} <= set(headings)  # the frame
        command = page.locator("code.command").text_content()
        assert command.startswith("negsim ") and "+analysis=sensitivity" in command
        assert "sensitivity.base_samples=8" in command
        found = page.evaluate(LAYOUT_CHECKS)
        assert found["small"] == [] and found["overlaps"] == [], found
        page.screenshot(path=tmp_path / "sensitivity.png", full_page=True)
        assert errors == []


@pytest.mark.slow
def test_sweeps_and_comparisons_take_runs_with_ranges(tmp_path):
    done = run_negsim(["-m", "uncertainty.judgments=0,0.1", "replications=200", "uncertainty.draws=20",
                       "progress=false", f"hydra.sweep.dir={tmp_path / 'sweep'}"], cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    table = pd.read_parquet(tmp_path / "sweep" / "sweep.parquet")
    ranged = table[table["uncertainty.judgments"] == 0.1]
    assert ranged["param.actors.ukraine.reservation"].notna().all()
    assert table.loc[table["uncertainty.judgments"] == 0, "param.actors.ukraine.reservation"].isna().all()
    compare = Path(sys.executable).with_name("negsim-compare")
    jobs = [str(tmp_path / "sweep" / "0"), str(tmp_path / "sweep" / "1")]
    compared = subprocess.run([str(compare), *jobs, "--out", str(tmp_path / "cmp")], capture_output=True, text=True,
                              timeout=300)  # fmt: skip
    assert compared.returncode == 0, compared.stderr[-2000:]
    assert (tmp_path / "cmp" / "comparison.html").is_file()
