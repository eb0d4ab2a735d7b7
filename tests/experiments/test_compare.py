"""Scenario library and side-by-side comparison of runs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from browser import open_page
from conftest import BASELINE, NEGSIM, ROOT, compose_config, run_negsim
from omegaconf import OmegaConf

from negsim.agents.model import simulate
from negsim.experiments.compare.page import collect
from negsim.experiments.compare.stats import compare_runs, config_diff, flatten
from negsim.experiments.run.folder import RunFolder
from negsim.sim.runspec import build_run

LIBRARY = sorted(p.stem for p in (ROOT / "configs" / "scenario").glob("*.yaml"))
COMPARE = str(NEGSIM.with_name("negsim-compare"))


@pytest.mark.parametrize("name", LIBRARY)
def test_every_library_scenario_validates_and_runs(name):
    settings = OmegaConf.to_container(compose_config([f"scenario={name}", "replications=50"]), resolve=True)
    run = build_run(settings)
    assert run.scenario.name == name
    assert len(simulate(run).outcome) == 50
    if name != "baseline":
        header = (ROOT / "configs" / "scenario" / f"{name}.yaml").read_text(encoding="utf-8").split("\n\n")[0]
        assert header.startswith("# Question:") and ("Motivated by" in header or "ounterfactual" in header)
        assert yaml.safe_load((ROOT / "configs" / "scenario" / f"{name}.yaml").read_text())["defaults"][0] == "baseline"


def test_flatten_names_nested_keys_and_list_items():
    assert flatten({"a": {"b": [1, {"c": 2}], "d": {}}}) == {"a.b[0]": 1, "a.b[1].c": 2, "a.d": {}}


def test_config_diff_keeps_only_keys_that_differ():
    one = {"seed": 0, "scenario": {"actors": {"x": {"capability": 0.2, "ideal": [0.1, 0.5]}}, "name": "s"}}
    two = {"seed": 0, "scenario": {"actors": {"x": {"capability": 0.3, "ideal": [0.1, 0.6]}}, "name": "s"},
           "extra": True}  # fmt: skip
    diff = config_diff([one, two], ["one", "two"])
    assert diff.to_dict("records") == [
        {"key": "scenario.actors.x.capability", "one": 0.2, "two": 0.3},
        {"key": "scenario.actors.x.ideal[1]", "one": 0.5, "two": 0.6},
        {"key": "extra", "one": "(absent)", "two": True},
    ]


def _run(folder: Path, *args: str) -> RunFolder:
    done = run_negsim([*args, "replications=400", "report=false", f"hydra.run.dir={folder}"], cwd=folder.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    return RunFolder.open(folder)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, RunFolder]:
    root = tmp_path_factory.mktemp("compare")
    return {
        "baseline": _run(root / "baseline"),
        "again": _run(root / "again"),
        "patient": _run(root / "patient", "scenario.actors.ukraine.reservation=0.3"),
        "no_zone": _run(root / "no_zone", "scenario.actors.ukraine.reservation=0.8"),
    }


@pytest.mark.slow
def test_identical_runs_differ_by_exactly_zero(runs):
    comparison = compare_runs([runs["baseline"], runs["again"]], ["baseline", "again"])
    other = comparison.table[comparison.table["run"] == "again"]
    assert len(comparison.diff) == 0
    assert np.allclose(other["difference"].fillna(0), 0) and not other["differs"].any()
    assert (other["diff_low"].fillna(0) == 0).all() and (other["diff_high"].fillna(0) == 0).all()
    assert other["paired"].all()


@pytest.mark.slow
def test_a_real_change_is_flagged_with_an_interval_that_excludes_zero(runs):
    """Ukraine settling for less (reservation 0.3) gets worse terms; wanting 0.8 leaves no zone at all."""
    comparison = compare_runs([runs["baseline"], runs["patient"], runs["no_zone"]], ["baseline", "patient", "no_zone"])
    table = comparison.table.set_index(["run", "metric"])
    ukraine = table.loc[("patient", "utility.ukraine")]
    assert ukraine["differs"] and ukraine["diff_high"] < 0
    rate = table.loc[("no_zone", "share.agreement")]
    base = runs["baseline"].summary["agreement_rate"]["estimate"]
    assert rate["estimate"] == pytest.approx(runs["no_zone"].summary["agreement_rate"]["estimate"]) == 0.0
    assert rate["difference"] == pytest.approx(rate["estimate"] - base)
    assert rate["differs"] and rate["diff_high"] < 0
    assert comparison.diff["key"].tolist() == ["scenario.actors.ukraine.reservation"]


@pytest.mark.slow
def test_different_issue_sets_are_compared_on_the_shared_issues(runs, tmp_path):
    raw = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    raw["name"] = "three_issues"
    del raw["issues"]["election_timing"]
    raw["linkages"] = {}
    for actor in raw["actors"].values():
        del actor["ideal"]["election_timing"], actor["evidence"]["ideal.election_timing"]
        dropped = actor["salience"].pop("election_timing")
        actor["salience"] = {k: v / (1 - dropped) for k, v in actor["salience"].items()}
    (tmp_path / "configs" / "scenario").mkdir(parents=True)
    (tmp_path / "configs" / "scenario" / "three_issues.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    three = _run(tmp_path / "three", "--config-dir", str(tmp_path / "configs"), "scenario=three_issues")
    comparison = compare_runs([runs["baseline"], three], ["baseline", "three"])
    assert comparison.issues == ["guarantee_inclusion", "territory_ceded", "peacekeepers"]
    assert any("shared ones only" in note for note in comparison.notes)
    assert "terms.election_timing" not in set(comparison.table["metric"])
    done = subprocess.run([COMPARE, str(runs["baseline"].path), str(three.path), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0 and "shared ones only" in done.stdout


@pytest.mark.slow
def test_compare_refuses_what_it_cannot_compare(runs, tmp_path):
    water = _run(tmp_path / "water", "--config-dir", str(ROOT / "examples" / "scenarios"), "scenario=water_treaty")
    for args in ([str(runs["baseline"].path), str(water.path)], [str(runs["baseline"].path)],
                 [str(runs["baseline"].path), str(tmp_path / "nothing")]):  # fmt: skip
        done = subprocess.run([COMPARE, *args, "--out", str(tmp_path / "out")], capture_output=True, text=True)
        assert done.returncode == 2 and done.stderr.startswith("negsim-compare: error:"), done.stderr


@pytest.mark.slow
@pytest.mark.browser
def test_scenario_sweep_ends_with_the_comparison_negsim_compare_gives(runs, tmp_path):
    sweep = tmp_path / "sweep"
    done = run_negsim(["-m", "scenario=baseline,corruption_scandal", "replications=400", f"hydra.sweep.dir={sweep}"],
                      cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "comparison" in done.stdout and (sweep / "comparison.html").exists()
    scandal = _run(tmp_path / "scandal", "scenario=corruption_scandal")
    separate = subprocess.run([COMPARE, str(runs["baseline"].path), str(scandal.path), "--out", str(tmp_path / "sep")],
                              capture_output=True, text=True)  # fmt: skip
    assert separate.returncode == 0, separate.stderr
    numbers = ["estimate", "low", "high", "difference", "diff_low", "diff_high", "differs"]
    from_sweep = pd.read_csv(sweep / "comparison.csv")[numbers]
    pd.testing.assert_frame_equal(from_sweep, pd.read_csv(tmp_path / "sep" / "comparison.csv")[numbers])
    with open_page(sweep / "comparison.html") as (page, errors):
        page.wait_for_selector(".main-svg")
        plots = page.locator(".js-plotly-plot")
        assert plots.count() == 7  # differences: shares, terms, utility, rounds; levels: shares, terms, utility
        for i in range(plots.count()):
            assert plots.nth(i).locator(".main-svg").count() > 0
        page.locator("details summary").first.click()
        page.screenshot(path=str(tmp_path / "comparison.png"), full_page=True)
    assert errors == []
    assert collect([sweep])[1] == ["scenario=baseline", "scenario=corruption_scandal"]


def test_bootstrap_is_the_same_in_any_chunk_size_and_skips_missing_values():
    from negsim.experiments.compare.stats import bootstrap_means

    values = np.column_stack([np.arange(50.0), np.where(np.arange(50) % 2, np.nan, 1.0)])
    small, large = bootstrap_means(values, 3, chunk=7), bootstrap_means(values, 3, chunk=1000)
    np.testing.assert_array_equal(small, large)
    assert np.all(large[:, 1] == 1.0)  # the NaN rows never enter a mean
    assert abs(large[:, 0].mean() - 24.5) < 0.5 and large[:, 0].std() > 0


@pytest.mark.slow
def test_only_runs_that_drew_the_same_numbers_are_paired(runs, tmp_path):
    coalition = _run(tmp_path / "coalition", "scenario=coalition_deploys")  # escalation on: the same draws
    other_seed = _run(tmp_path / "seed", "seed=9")
    comparison = compare_runs([runs["baseline"], runs["patient"], coalition, other_seed],
                              ["baseline", "patient", "coalition", "seed"])  # fmt: skip
    paired = comparison.table.groupby("run")["paired"].all()
    assert paired["patient"] and paired["coalition"] and not paired["seed"]
    from negsim.experiments.compare.words import glance, pairing, summary

    assert pairing(comparison, 2).startswith("paired with the reference: the same seed (0), 400 replications")
    assert pairing(comparison, 3) == ("not paired with the reference, because its seed (9; the reference's: 0) "
                                      "differs: the two are resampled apart")  # fmt: skip
    words = dict(summary(comparison, runs["baseline"].run.scenario))
    assert words["seed"][-1].startswith("Not paired with the reference, because its seed")
    assert any("Ukraine" in line and "reservation value" in line and "0.3" in line for line in words["patient"])
    table = glance(comparison, runs["baseline"].run.scenario).set_index("run")
    assert table.loc["seed", "paired with the reference"] == "no: seed 9 against 0"
    assert table.loc["coalition", "paired with the reference"] == "yes"
    assert table.loc["coalition", "clearly worse off"] == "Russia, Ukraine, United States, European allies"
    assert table.loc["coalition", "agreement (difference, 95% interval)"].startswith(("4", "5", "6"))
