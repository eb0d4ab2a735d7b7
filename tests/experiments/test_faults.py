"""Damaged job files, reruns into used folders and full disks: nothing stale, nothing that looks complete and is not.

A job's file cut short (a disk that filled up, a copy interrupted) makes the job incomplete: the aggregator
and the report reader leave it out and say which file is wrong, one line each, and running the sweep again
runs that job again. A run into an earlier run's folder leaves no file of the earlier run. A full disk is
one line and exit status 1, and never leaves a run that looks complete.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from conftest import NEGSIM, run_negsim

SWEEP = ["seed=1,2,3", "replications=50", "record=2"]
PREFIX = "negsim: error: "


def command(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(NEGSIM.with_name(name)), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def one_line(done: subprocess.CompletedProcess, prog: str) -> str:
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{prog}: error: "), done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sweeps") / "sweep"
    done = run_negsim(["-m", *SWEEP, f"hydra.sweep.dir={folder}"], cwd=folder.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return folder


@pytest.fixture
def damaged_sweep(finished_sweep, tmp_path) -> Path:
    """The sweep with job 0's results.parquet cut in half and job 2's summary.json cut short."""
    folder = tmp_path / "sweep"
    shutil.copytree(finished_sweep, folder)
    results = folder / "0" / "results.parquet"
    results.write_bytes(results.read_bytes()[: results.stat().st_size // 2])
    summary = folder / "2" / "summary.json"
    summary.write_text(summary.read_text(encoding="utf-8")[:100], encoding="utf-8")
    return folder


@pytest.mark.slow
def test_the_aggregator_leaves_out_damaged_jobs_and_lists_them(damaged_sweep):
    done = command("negsim-aggregate", damaged_sweep, cwd=damaged_sweep.parent)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    listed = [line.strip() for line in done.stdout.splitlines() if line.strip().startswith("job ")]
    assert len(listed) == 2, done.stdout
    assert listed[0].startswith("job 0: ") and "0/results.parquet: not a whole Parquet table" in listed[0]
    assert listed[1].startswith("job 2: ") and "2/summary.json: not a whole summary" in listed[1]
    assert sorted(pd.read_parquet(damaged_sweep / "sweep.parquet")["job"].unique()) == [1]


@pytest.mark.slow
def test_rerunning_the_sweep_runs_the_damaged_jobs_again(damaged_sweep):
    done = run_negsim(["-m", *SWEEP, f"hydra.sweep.dir={damaged_sweep}"], cwd=damaged_sweep.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("already complete, kept") == 1 and "job 1 (" in done.stdout.split("kept")[0]
    assert sorted(pd.read_parquet(damaged_sweep / "sweep.parquet")["job"].unique()) == [0, 1, 2]
    assert len(pd.read_parquet(damaged_sweep / "0" / "results.parquet")) == 50


@pytest.mark.slow
def test_the_report_reader_names_the_damaged_file(damaged_sweep):
    for job, name in (("0", "results.parquet"), ("2", "summary.json")):
        done = command("negsim-report", damaged_sweep / job, cwd=damaged_sweep.parent)
        assert done.returncode == 2
        assert f"{damaged_sweep / job / name}: not a whole" in one_line(done, "negsim-report")
    hint = one_line(command("negsim-report", damaged_sweep, cwd=damaged_sweep.parent), "negsim-report")
    assert hint.endswith(f"such as {damaged_sweep / '1'}")  # a job whose files are whole


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "damage", "fragment"),
    [
        ("config.yaml", lambda text: text[:57] + "\n  - [", "not a readable config"),
        ("config.yaml", lambda text: text.replace("replications: 50", "replications: -5"), "replications: got -5"),
        ("summary.json", lambda text: text[:-40], "not a whole summary"),
        ("summary.json", lambda text: "[1, 2]", "not a negsim summary"),
        ("results.parquet", lambda data: data[:-10], "not a whole Parquet table"),
        ("rounds.parquet", lambda data: b"", "not a whole Parquet table"),
    ],
)
def test_every_reader_names_a_damaged_run_file(finished_sweep, tmp_path, name, damage, fragment):
    run = tmp_path / "run"
    shutil.copytree(finished_sweep / "1", run)
    path = run / name
    path.write_bytes(damage(path.read_bytes()) if name.endswith("parquet") else damage(
        path.read_text(encoding="utf-8")).encode())  # fmt: skip
    for prog, args in (("negsim-report", [run]), ("negsim-compare", [run, finished_sweep / "0", "--out", tmp_path])):
        done = command(prog, *args, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        line = one_line(done, prog)
        assert str(path) in line and fragment in line, line


@pytest.mark.slow
def test_compare_out_that_cannot_be_a_folder_is_one_line(finished_sweep, tmp_path):
    (tmp_path / "a_file").write_text("x")
    for out, fragment in (("/proc/negsim/x", "cannot make the folder"), (tmp_path / "a_file", "a file, not a folder")):
        done = command("negsim-compare", finished_sweep / "0", finished_sweep / "1", "--out", out, cwd=tmp_path)
        assert done.returncode == 2
        line = one_line(done, "negsim-compare")
        assert f"--out {out}: {fragment}" in line and "allowed: " in line


@pytest.mark.slow
def test_a_rerun_into_a_used_run_folder_leaves_no_file_of_the_earlier_run(tmp_path):
    run = tmp_path / "run"
    first = run_negsim(["replications=20", "report=true", f"hydra.run.dir={run}"], cwd=tmp_path)
    assert first.returncode == 0 and (run / "report.html").is_file()
    (run / ".results.parquet.123.0123456789abcdef0123456789abcdef.tmp").write_bytes(b"left by a killed run")
    log = (run / "app.log").read_text(encoding="utf-8")
    second = run_negsim(["replications=30", "report=false", f"hydra.run.dir={run}"], cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert sorted(p.name for p in run.iterdir()) == [".hydra", "app.log", "config.yaml", "results.parquet",
                                                     "rounds.parquet", "summary.json"]  # fmt: skip
    assert json.loads((run / "summary.json").read_text(encoding="utf-8"))["replications"] == 30
    assert (run / "app.log").read_text(encoding="utf-8").count("\n") <= max(log.count("\n"), 1)


@pytest.mark.slow
def test_a_sweep_into_a_used_folder_removes_the_earlier_table_and_pages_first(finished_sweep, tmp_path):
    folder = tmp_path / "sweep"
    shutil.copytree(finished_sweep, folder)
    (folder / "comparison.html").write_text("<html>an earlier comparison</html>")
    done = run_negsim(["-m", "seed=1,2", "replications=50", "record=2", f"hydra.sweep.dir={folder}"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not (folder / "comparison.html").exists()
    assert sorted(pd.read_parquet(folder / "sweep.parquet")["job"].unique()) == [0, 1]


# ------------------------------------------------------------------------------------------------ a full disk

#: Runs ``negsim`` with ``os.replace`` failing as on a full disk for the file named ``full``.
FULL_DISK = textwrap.dedent("""
    import errno, os, sys
    real, full = os.replace, sys.argv[1]
    def replace(source, target, *args, **kwargs):
        if os.path.basename(str(target)) == full:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(source, target, *args, **kwargs)
    os.replace = replace
    sys.argv = ["negsim", *sys.argv[2:]]
    from negsim.experiments.app import cli
    cli()
""")


def full_disk(full: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    return subprocess.run([sys.executable, "-c", FULL_DISK, full, *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=300)  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("full", ["results.parquet", "summary.json", "report.html"])
def test_a_full_disk_is_one_line_exit_1_and_no_run_that_looks_complete(tmp_path, full):
    run = tmp_path / "run"
    assert run_negsim(["replications=20", f"hydra.run.dir={run}"], cwd=tmp_path).returncode == 0
    done = full_disk(full, "replications=30", "report=true", f"hydra.run.dir={run}", cwd=tmp_path)
    assert done.returncode == 1
    line = one_line(done, "negsim")
    assert f"{run / full}: No space left on device (the disk is full" in line
    assert not list(run.glob(".*.tmp"))
    summary = run / "summary.json"
    if full == "report.html":  # the run's files are complete; only its page is missing
        assert json.loads(summary.read_text(encoding="utf-8"))["replications"] == 30
        assert not (run / "report.html").exists()
    else:
        assert not summary.exists()  # the earlier run's summary went first: nothing looks complete


@pytest.mark.slow
def test_a_full_disk_in_a_sweep_is_one_line_and_the_rerun_finishes_it(tmp_path):
    folder = tmp_path / "sweep"
    args = ["-m", "seed=1,2", "replications=20", "record=0", f"hydra.sweep.dir={folder}"]
    done = full_disk("results.parquet", *args, cwd=tmp_path)
    assert done.returncode == 1
    assert "results.parquet: No space left on device" in one_line(done, "negsim")
    assert not any(folder.glob("*/summary.json")) and not (folder / "sweep.parquet").exists()
    again = run_negsim(args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert sorted(pd.read_parquet(folder / "sweep.parquet")["job"].unique()) == [0, 1]


def _mount_tmpfs(folder: Path, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    return done.returncode == 0


@pytest.mark.slow
def test_a_real_full_disk(tmp_path):
    """On a small tmpfs (where this process may mount one): the disk fills while the run's files are written."""
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "96k"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        done = run_negsim(["replications=2000", "report=false", f"hydra.run.dir={disk / 'run'}"], cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        assert "No space left on device" in one_line(done, "negsim")
        assert not (disk / "run" / "summary.json").exists()
        assert not list((disk / "run").glob(".*.tmp"))
    finally:
        subprocess.run(["umount", str(disk)], check=False)
