"""Sweeps end to end: every experiment composes, launchers agree, interrupted sweeps resume."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from browser import open_page
from conftest import NEGSIM, ROOT, compose_config, run_negsim
from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import OmegaConf

from negsim.sim.runspec import build_run

EXPERIMENTS = sorted(p.stem for p in (ROOT / "configs" / "experiment").glob("*.yaml"))
SWEEP = ["protocol=alternating_offers,mediated", "scenario.actors.russia.capability=0.3,0.6,0.9", "replications=100"]


def sweep(folder: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    done = run_negsim(["-m", *args, f"hydra.sweep.dir={folder}"], cwd=cwd or folder.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPERIMENTS)
def test_every_experiment_composes_and_every_job_is_valid(name):
    cfg = compose_config([f"+experiment={name}"], return_hydra_config=True)
    params = cfg.hydra.sweeper.params
    assert params, f"{name} declares no hydra.sweeper.params"
    assert str(cfg.hydra.mode) == "RunMode.MULTIRUN"
    overrides = OverridesParser.create().parse_overrides([f"{k}={v}" for k, v in params.items()])
    jobs = BasicSweeper.split_arguments(overrides, None)[0]
    assert len(jobs) >= 2
    for job in jobs:
        build_run(OmegaConf.to_container(compose_config([f"+experiment={name}", *job]), resolve=True))


@pytest.fixture(scope="module")
def basic_sweep(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The sweep with the default sweeper and launcher (negsim's: every job in the sweep's process)."""
    folder = tmp_path_factory.mktemp("sweeps") / "basic"
    return folder, sweep(folder, *SWEEP)


@pytest.fixture(scope="module")
def plain_sweep(basic_sweep) -> Path:
    """The same sweep with Hydra's own basic sweeper and launcher: what every other launcher must match."""
    folder = basic_sweep[0].parent / "plain"
    sweep(folder, *SWEEP, *PLAIN)
    return folder


#: Hydra's own sweeper and launcher, as negsim ran sweeps before it had its own.
PLAIN = ["hydra/sweeper=basic", "hydra/launcher=basic"]
#: Settings in hydra.yaml that name the sweeper or launcher, or that Hydra's launchers set their own way.
LAUNCHER_SETTINGS = ("launcher", "sweeper")


def _hydra_settings(path: Path, folder: Path) -> dict:
    """``.hydra/hydra.yaml`` as data, less what names the sweeper and launcher (and the folder's own path)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8").replace(str(folder), "SWEEP"))["hydra"]
    for key in LAUNCHER_SETTINGS:
        data.pop(key)
        data["runtime"]["choices"].pop(f"hydra/{key}")
    hydra_overrides = data["overrides"]["hydra"]
    data["overrides"]["hydra"] = [o for o in hydra_overrides if not o.startswith(("hydra/", "hydra.launcher."))]
    data["job"]["id"] = str(data["job"]["num"])  # the joblib launcher spells it app_0, app_1, ...
    return data


def assert_same_jobs(folder: Path, reference: Path) -> None:
    """Every job folder holds the same files, byte for byte, as the reference sweep's.

    Only ``summary.json``'s ``elapsed_seconds`` and ``fingerprint`` (a hash of it) and, in
    ``.hydra/hydra.yaml``, the sweeper and launcher that ran the job may differ.
    """
    assert (folder / "sweep.parquet").read_bytes() == (reference / "sweep.parquet").read_bytes()
    jobs = sorted(p.name for p in reference.iterdir() if p.name.isdigit())
    assert jobs and jobs == sorted(p.name for p in folder.iterdir() if p.name.isdigit())
    for job in jobs:
        names = sorted(str(p.relative_to(reference / job)) for p in (reference / job).rglob("*") if p.is_file())
        assert names == sorted(str(p.relative_to(folder / job)) for p in (folder / job).rglob("*") if p.is_file())
        for name in names:
            ours, theirs = folder / job / name, reference / job / name
            if name == "summary.json":
                a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (ours, theirs))
                assert {**a, "elapsed_seconds": 0, "fingerprint": 0} == {**b, "elapsed_seconds": 0, "fingerprint": 0}
            elif name == ".hydra/hydra.yaml":
                assert _hydra_settings(ours, folder) == _hydra_settings(theirs, reference), f"{job}/{name}"
            else:
                assert ours.read_bytes() == theirs.read_bytes(), f"{job}/{name} differs"


@pytest.mark.slow
def test_sweep_writes_one_row_per_job_and_replication(basic_sweep):
    folder, done = basic_sweep
    table = pd.read_parquet(folder / "sweep.parquet")
    assert len(table) == 6 * 100
    assert {"protocol", "scenario.actors.russia.capability", "replications", "job", "replication", "outcome",
            "round", "terms.territory_ceded", "utility.ukraine"} <= set(table.columns)  # fmt: skip
    cells = table.groupby("job")[["protocol", "scenario.actors.russia.capability"]].first()
    assert set(map(tuple, cells.to_numpy())) == {
        (p, c) for p in ("alternating_offers", "mediated") for c in (0.3, 0.6, 0.9)
    }
    for job, rows in table.groupby("job"):
        own = pd.read_parquet(folder / str(job) / "results.parquet")
        pd.testing.assert_series_equal(rows["round"].reset_index(drop=True), own["round"], check_names=False)
    assert "sweep of 6 jobs" in done.stdout and "best" in done.stdout and "worst" in done.stdout
    assert "6/6 jobs done" in done.stderr


@pytest.mark.slow
@pytest.mark.browser
def test_sweep_page_opens_offline_without_errors(basic_sweep, tmp_path):
    folder, _ = basic_sweep
    with open_page(folder / "sweep.html") as (page, errors):
        page.wait_for_selector(".main-svg")
        plots = page.locator(".js-plotly-plot")
        assert plots.count() >= 2
        for i in range(plots.count()):
            assert plots.nth(i).locator(".main-svg").count() > 0
        assert page.locator(".scatterlayer .trace").count() > 0
        page.screenshot(path=str(tmp_path / "sweep.png"), full_page=True)
    assert errors == []
    assert (tmp_path / "sweep.png").stat().st_size > 0


@pytest.mark.slow
def test_aggregate_by_hand_reproduces_the_table(basic_sweep):
    folder, _ = basic_sweep
    before = (folder / "sweep.parquet").read_bytes()
    (folder / "sweep.parquet").unlink()
    done = subprocess.run([str(NEGSIM.with_name("negsim-aggregate")), str(folder)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (folder / "sweep.parquet").read_bytes() == before
    missing = subprocess.run([str(NEGSIM.with_name("negsim-aggregate")), str(folder / "nope")], capture_output=True,
                             text=True)  # fmt: skip
    assert missing.returncode == 2 and missing.stderr.startswith("negsim-aggregate: error:")


@pytest.mark.slow
def test_negsims_launcher_gives_the_files_hydras_basic_launcher_gives(basic_sweep, plain_sweep):
    assert_same_jobs(basic_sweep[0], plain_sweep)


@pytest.mark.slow
@pytest.mark.parametrize("launcher", [
    ["hydra/launcher=parallel", "hydra.launcher.n_jobs=2"],  # negsim's, in worker processes
    ["hydra/launcher=basic"],  # Hydra's basic launcher, with negsim's sweeper (derived configs)
    ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],  # Hydra's joblib launcher, with negsim's sweeper
    ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2", "hydra/sweeper=basic"],  # all Hydra's own
], ids=["parallel", "basic", "joblib", "hydra-joblib"])  # fmt: skip
def test_every_launcher_gives_the_same_files(plain_sweep, launcher, tmp_path):
    folder = tmp_path / "sweep"
    sweep(folder, *SWEEP, *launcher, cwd=plain_sweep.parent)  # the same working folder (it is in hydra.yaml)
    assert_same_jobs(folder, plain_sweep)


@pytest.mark.slow
@pytest.mark.ray
def test_ray_launcher_gives_the_same_table(basic_sweep):
    """On a local Ray instance the sweep starts and stops itself (about 10 s more)."""
    if importlib.util.find_spec("hydra_plugins.hydra_ray_launcher") is None:
        if os.environ.get("CI"):
            pytest.fail("the 'ray' extra is not installed; make test installs it")
        pytest.skip("install the 'ray' extra (make test does)")
    folder, _ = basic_sweep
    ray = folder.parent / "ray"
    sweep(ray, *SWEEP, "hydra/launcher=ray_local", cwd=folder.parent)
    assert_same_jobs(ray, folder)


def _wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.slow
def test_an_interrupted_sweep_resumes_without_losing_finished_jobs(tmp_path):
    folder = tmp_path / "resume"
    args = ["-m", "seed=1,2,3,4", "replications=40000", "record=0", f"hydra.sweep.dir={folder}"]
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    process = subprocess.Popen([str(NEGSIM), *args], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        _wait_for(lambda: (folder / "1" / "summary.json").exists() and (folder / "2").exists(), 120)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # killed part-way, as by a lost node or Ctrl-\
        process.wait()
    finished = {job: (folder / job / "summary.json").stat().st_mtime_ns for job in ("0", "1")}
    assert not (folder / "3" / "summary.json").exists()
    done = run_negsim(args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert {job: (folder / job / "summary.json").stat().st_mtime_ns for job in finished} == finished
    assert done.stdout.count("already complete, kept") >= 2
    table = pd.read_parquet(folder / "sweep.parquet")
    assert sorted(table["job"].unique()) == [0, 1, 2, 3] and len(table) == 4 * 40000
    rerun = run_negsim([*args[:2], "replications=40000", "record=0", "rerun=true", f"hydra.sweep.dir={folder}"],
                       cwd=tmp_path)  # fmt: skip
    assert rerun.returncode == 0 and "already complete" not in rerun.stdout
    assert (folder / "0" / "summary.json").stat().st_mtime_ns != finished["0"]


@pytest.mark.slow
def test_a_smaller_sweep_into_the_same_folder_leaves_older_jobs_out(tmp_path):
    folder = tmp_path / "shared"
    sweep(folder, "seed=1,2,3", "replications=50")
    done = sweep(folder, "seed=1,2", "replications=50")
    assert sorted(pd.read_parquet(folder / "sweep.parquet")["job"].unique()) == [0, 1]
    assert "sweep of 2 jobs" in done.stdout and "2/2 jobs done" in done.stderr


@pytest.mark.slow
def test_a_bad_value_stops_the_sweep_before_any_job(tmp_path):
    folder = tmp_path / "bad"
    done = run_negsim(["-m", "scenario.actors.russia.capability=0.5,-1", "scenario=baseline,us_pressure",
                       "replications=50", f"hydra.sweep.dir={folder}"], cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "scenario.actors.russia.capability=-1" in lines[0] and "allowed:" in lines[0]
    assert not any(folder.glob("*/results.parquet"))


@pytest.mark.slow
def test_true_false_overrides_are_swept_as_categories(tmp_path):
    """Switches (report, progress, escalation on/off) used to break the end-of-sweep table (ArrowTypeError)."""
    folder = tmp_path / "switches"
    done = sweep(folder, "scenario.escalation.enabled=true,false", "report=false", "progress=false",
                 "replications=50")  # fmt: skip
    table = pd.read_parquet(folder / "sweep.parquet")
    jobs = table.groupby("job")[["scenario.escalation.enabled", "report", "progress"]].first()
    assert jobs.to_dict("list") == {"scenario.escalation.enabled": ["true", "false"], "report": ["false"] * 2,
                                    "progress": ["false"] * 2}  # fmt: skip
    assert (folder / "sweep.html").is_file() and "sweep of 2 jobs" in done.stdout
    # one named setting: the jobs set against the first, and the sweep page points there
    assert "comparison" in done.stdout and (folder / "comparison.html").is_file()
    assert 'href="comparison.html"' in (folder / "sweep.html").read_text(encoding="utf-8")
    (folder / "sweep.parquet").unlink()
    again = subprocess.run([str(NEGSIM.with_name("negsim-aggregate")), str(folder)], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert len(pd.read_parquet(folder / "sweep.parquet")) == 100


def test_a_failed_sweep_report_exits_1_and_leaves_no_stale_page(tmp_path, capsys):
    from negsim.experiments.sweep.callbacks import SweepReport

    (tmp_path / "0" / ".hydra").mkdir(parents=True)
    (tmp_path / "0" / ".hydra" / "overrides.yaml").write_text("- seed=1\n")  # a job that never finished
    (tmp_path / "sweep.html").write_text("<html>an older sweep</html>")
    config = OmegaConf.create({"hydra": {"sweep": {"dir": str(tmp_path)}}})
    with pytest.raises(SystemExit) as stop:
        SweepReport().on_multirun_end(config)
    assert stop.value.code == 1
    assert not (tmp_path / "sweep.html").exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("negsim: error:") and "negsim-aggregate" in err[0]
