"""End-to-end runs of the installed ``negsim`` command and the files it writes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import BASELINE, ROOT, run_negsim

REPLICATIONS = 200
USER_DIR = "examples/scenarios"
WATER = ROOT / USER_DIR / "scenario" / "water_treaty.yaml"
SUMMARY_KEYS = {
    "scenario", "title", "protocol", "seed", "replications", "round", "agreement_rate", "outcome_shares",
    "mean_rounds", "mean_rounds_to_agreement", "mean_terms", "mean_value", "mean_utility", "reservation", "holdouts",
    "zopa", "references", "reference_parties", "elapsed_seconds", "fingerprint",
}  # fmt: skip
ZOPA_KEYS = {"exists", "depth", "range", "best", "worst_value", "shaped_by", "clash", "short"}
OUTCOMES = ["agreement", "breakdown", "stalemate", "escalation"]
ROUND_COLUMNS = ["replication", "round", "actor", "issue", "position", "demand", "proposal", "proposer", "accepted",
                 "outcome"]  # fmt: skip


def negsim(folder: Path, *args: str) -> Path:
    """Run ``negsim`` from the repository into ``folder`` with small sizes; fail with its stderr.

    Options such as ``--config-dir`` go first in ``args``: argparse stops at the first override.
    """
    done = run_negsim([*args, f"replications={REPLICATIONS}", f"hydra.run.dir={folder}"], cwd=ROOT)
    assert done.returncode == 0, done.stderr
    (folder / "stdout.txt").write_text(done.stdout, encoding="utf-8")
    return folder


def summary(folder: Path) -> dict:
    return json.loads((folder / "summary.json").read_text(encoding="utf-8"))


def results(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "results.parquet")


@pytest.fixture(scope="module")
def scenario() -> dict:
    return yaml.safe_load(BASELINE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> Path:
    """One default run shared by the tests that only read its files."""
    return negsim(tmp_path_factory.mktemp("cli") / "default")


def test_default_run_prints_the_summary_table(default_run, scenario):
    out = (default_run / "stdout.txt").read_text(encoding="utf-8")
    assert f"negsim · {scenario['title']}" in out
    assert f"scenario baseline · protocol alternating_offers · seed 0 · {REPLICATIONS} replications" in out
    for line in [*OUTCOMES, "95% interval", "agreed terms (mean)", "utility (mean)", *scenario["issues"]]:
        assert line in out
    assert f"files in {default_run}: summary.json, results.parquet, rounds.parquet" in out
    assert {p.name for p in default_run.iterdir()} >= {"summary.json", "results.parquet", "rounds.parquet"}


def test_summary_json_has_the_documented_keys_and_sane_values(default_run, scenario):
    data = summary(default_run)
    assert set(data) == SUMMARY_KEYS
    assert (data["scenario"], data["protocol"], data["seed"]) == ("baseline", "alternating_offers", 0)
    assert data["replications"] == REPLICATIONS
    shares = data["outcome_shares"]
    assert list(shares) == OUTCOMES
    assert math.isclose(sum(shares.values()), 1.0)
    rate = data["agreement_rate"]
    assert 0.0 <= rate["low"] <= rate["estimate"] <= rate["high"] <= 1.0
    assert rate["estimate"] == shares["agreement"]
    assert 1 <= data["mean_rounds"] <= scenario["deadline"]
    assert list(data["mean_terms"]) == list(scenario["issues"])
    assert list(data["mean_utility"]) == list(scenario["actors"]) == list(data["reservation"])
    assert set(data["references"]) == set(data["reference_parties"]) == {
        "compromise", "weighted_median", "nash_bargaining", "weighted_nash"}  # fmt: skip
    zone = data["zopa"]
    assert set(zone) == ZOPA_KEYS and zone["exists"] and zone["depth"] > 0
    assert list(zone["range"]) == list(scenario["issues"]) and zone["range"]["territory_ceded"] == [0.0, 0.0]
    assert set(zone["best"]) == set(zone["worst_value"]) == {"russia", "ukraine", "us"}
    for name, best in zone["best"].items():  # each veto party's best package beats no deal for every veto party
        assert all(v >= data["reservation"][other] - 1e-9 for other, v in best["value"].items()), name
        assert zone["worst_value"][name] <= best["value"][name]
    assert data["round"] == scenario["round"]
    assert data["elapsed_seconds"] >= 0


def test_results_parquet_has_one_row_per_replication(default_run, scenario):
    table = results(default_run)
    issues, actors = list(scenario["issues"]), list(scenario["actors"])
    assert list(table.columns) == [
        "replication", "outcome", "round", *(f"terms.{i}" for i in issues), *(f"utility.{a}" for a in actors),
        *(f"value.{a}" for a in actors), "holdouts",
    ]  # fmt: skip
    assert len(table) == REPLICATIONS
    assert table["replication"].tolist() == list(range(REPLICATIONS))
    assert set(table["outcome"].astype(str)) <= set(OUTCOMES)
    assert table["round"].between(1, scenario["deadline"]).all()
    agreed = (table["outcome"] == "agreement").to_numpy()
    terms = table[[f"terms.{i}" for i in issues]].to_numpy()
    assert np.isnan(terms[~agreed]).all()
    assert ((terms[agreed] >= 0) & (terms[agreed] <= 1)).all()
    for actor in actors:  # without a deal every party gets its reservation value
        assert (table.loc[~agreed, f"utility.{actor}"] == scenario["actors"][actor]["reservation"]).all()
    shares = table["outcome"].astype(str).value_counts(normalize=True)
    for name, share in summary(default_run)["outcome_shares"].items():
        assert math.isclose(shares.get(name, 0.0), share)


def test_rounds_parquet_logs_replication_zero_up_to_its_end(default_run, scenario):
    rounds = pd.read_parquet(default_run / "rounds.parquet")
    assert list(rounds.columns) == ROUND_COLUMNS
    assert sorted(rounds["replication"].unique()) == list(range(20))  # record: 20
    first = rounds[rounds["replication"] == 0]
    end = int(results(default_run).loc[0, "round"])
    per_round = first.groupby("round").size()
    assert per_round.index.tolist() == list(range(end))
    assert (per_round == len(scenario["actors"]) * len(scenario["issues"])).all()
    for _, rows in first.groupby("round"):
        assert sorted(zip(rows["actor"], rows["issue"], strict=True)) == sorted(
            (a, i) for a in scenario["actors"] for i in scenario["issues"]
        )
    assert set(first.loc[first["round"] < end - 1, "outcome"]) == {"ongoing"}
    assert set(first.loc[first["round"] == end - 1, "outcome"]) == {str(results(default_run).loc[0, "outcome"])}


def test_same_config_and_seed_give_byte_identical_results(default_run, tmp_path):
    again = negsim(tmp_path / "again")
    assert (again / "results.parquet").read_bytes() == (default_run / "results.parquet").read_bytes()
    assert (again / "rounds.parquet").read_bytes() == (default_run / "rounds.parquet").read_bytes()


@pytest.mark.slow
def test_a_different_seed_gives_different_results(default_run, tmp_path):
    other = negsim(tmp_path / "seed7", "seed=7")
    assert summary(other)["seed"] == 7
    assert (other / "results.parquet").read_bytes() != (default_run / "results.parquet").read_bytes()


def test_protocol_override_reaches_the_model(tmp_path):
    folder = negsim(tmp_path / "mediated", "protocol=mediated", "protocol.weights=equal", "protocol.pressure=0.5")
    assert summary(folder)["protocol"] == "mediated"
    assert set(pd.read_parquet(folder / "rounds.parquet")["proposer"]) == {"mediator"}


@pytest.mark.slow
def test_scenario_override_changes_the_results(default_run, tmp_path):
    folder = negsim(tmp_path / "strong_russia", "scenario.actors.russia.capability=0.5")
    assert not results(folder).equals(results(default_run))


def test_bad_input_exits_2_with_one_line_naming_file_and_key(tmp_path):
    done = run_negsim(["scenario.actors.russia.capability=-1", f"hydra.run.dir={tmp_path}"], cwd=ROOT)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("negsim: error: configs/scenario/baseline.yaml")
    assert ": scenario.actors.russia.capability: " in done.stderr
    assert "-1" in done.stderr.split("scenario.actors.russia.capability: ", 1)[1]


@pytest.mark.slow
def test_user_scenario_runs_from_its_own_config_dir(tmp_path):
    raw = yaml.safe_load(WATER.read_text(encoding="utf-8"))
    assert len(raw["actors"]) == 3 and len(raw["issues"]) == 2
    folder = negsim(tmp_path / "water", "--config-dir", USER_DIR, "scenario=water_treaty")
    data = summary(folder)
    assert (data["scenario"], data["title"]) == ("water_treaty", raw["title"])
    assert "scenario water_treaty · protocol alternating_offers" in (folder / "stdout.txt").read_text("utf-8")
    columns = results(folder).columns.tolist()
    assert [c for c in columns if c.startswith(("terms.", "utility."))] == [
        *(f"terms.{i}" for i in raw["issues"]), *(f"utility.{a}" for a in raw["actors"]),
    ]  # fmt: skip


@pytest.mark.slow
def test_user_scenario_quotes_a_document_kept_beside_it(tmp_path):
    """A relative ``source`` is found in the user's config folder, whatever the working folder."""
    configs = tmp_path / "my_configs"
    (configs / "scenario").mkdir(parents=True)
    (configs / "scenario" / "notes.txt").write_text("The upstream state will not release more water.\n")
    raw = yaml.safe_load(WATER.read_text(encoding="utf-8"))
    raw["source"] = "notes.txt"
    first_evidence = next(iter(raw["actors"].values()))["evidence"]
    first_evidence[next(iter(first_evidence))] = "will not release more water"
    (configs / "scenario" / "quoted.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    args = ["--config-dir", str(configs), "scenario=quoted", "replications=50", f"hydra.run.dir={tmp_path / 'run'}"]
    done = run_negsim(args, cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert summary(tmp_path / "run")["scenario"] == raw["name"]


def test_output_files_get_ordinary_permissions(tmp_path):
    folder = negsim(tmp_path / "run", "report=false")
    for name in ("summary.json", "results.parquet", "rounds.parquet", "config.yaml"):
        assert (folder / name).stat().st_mode & 0o044 == 0o044, f"{name} is not readable by others"
    assert not list(folder.glob(".*.tmp")), "temporary files left behind"
