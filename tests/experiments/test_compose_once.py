"""The ``negsim`` command composes its config once where nothing can set ``hydra.mode`` (``app.cli``), and
writes exactly what Hydra's own path (which composes a second time, only to read the mode) writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

#: Runs ``negsim`` in this process: counts Hydra's compositions and, with ``hydra`` as first argument, takes
#: Hydra's own path (its ``get_mode``) for every command line.
SCRIPT = """
import atexit, sys
from hydra._internal.hydra import Hydra
import negsim.experiments.app as app
compose, count = Hydra.compose_config, []
def counted(self, *args, **kwargs):
    count.append(1)
    return compose(self, *args, **kwargs)
Hydra.compose_config = counted
if sys.argv[1] == "hydra":
    app.mode_is_default = lambda args: False
atexit.register(lambda: print("compositions", len(count), file=sys.stderr))
sys.argv = ["negsim", *sys.argv[2:]]
app.cli()
"""


def _negsim(way: str, *args: str) -> int:
    """Run ``negsim args`` the ``way`` given (``negsim`` or ``hydra``); return how many times it composed."""
    done = subprocess.run([sys.executable, "-c", SCRIPT, way, *args, "progress=false"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return int(done.stderr.strip().splitlines()[-1].split()[-1])


def _same_files(mine: Path, theirs: Path) -> None:
    """The two folders hold the same files with the same bytes, but for their own paths and the timings."""
    names = sorted(p.relative_to(mine) for p in mine.rglob("*") if p.is_file() and p.name != "app.log")
    assert names == sorted(p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file() and p.name != "app.log")
    for name in names:
        a, b = (mine / name).read_bytes(), (theirs / name).read_bytes()
        if name.name in ("summary.json", ".negsim-sweep.json"):  # how long it took, when it started
            a, b = (json.dumps({**json.loads(t), "elapsed_seconds": 0, "started": 0}) for t in (a, b))
        elif name.suffix in (".yaml", ".html"):
            a, b = a.replace(str(mine).encode(), b"DIR"), b.replace(str(theirs).encode(), b"DIR")
        assert a == b, name


@pytest.mark.slow
def test_a_plain_run_composes_once_and_writes_what_hydras_path_writes(tmp_path):
    args = ["seed=3", "replications=100", "scenario.actors.us.capability=0.5", "report=true"]
    assert _negsim("negsim", *args, f"hydra.run.dir={tmp_path / 'mine'}") == 1
    assert _negsim("hydra", *args, f"hydra.run.dir={tmp_path / 'theirs'}") == 2
    _same_files(tmp_path / "mine", tmp_path / "theirs")


@pytest.mark.slow
def test_a_sweep_composes_once_before_its_jobs_and_writes_what_hydras_path_writes(tmp_path):
    args = ["-m", "seed=0,1", "replications=50", "record=0"]
    mine = _negsim("negsim", *args, f"hydra.sweep.dir={tmp_path / 'mine'}")
    theirs = _negsim("hydra", *args, f"hydra.sweep.dir={tmp_path / 'theirs'}")
    assert mine == theirs - 1  # the jobs' own compositions are the same either way
    _same_files(tmp_path / "mine", tmp_path / "theirs")


@pytest.mark.slow
@pytest.mark.parametrize("arg", ["hydra.mode=RUN", "hydra.searchpath=[pkg://negsim.configs]"])
def test_whatever_may_set_the_mode_goes_through_hydras_get_mode(tmp_path, arg):
    """The mode itself, or configs from another folder (an experiment there may set ``hydra.mode: MULTIRUN``)."""
    assert _negsim("negsim", arg, "replications=20", "report=false", f"hydra.run.dir={tmp_path}") == 2
