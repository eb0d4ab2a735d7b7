"""Bad and hostile input through the real ``negsim`` command: one line, exit status 2, nothing written or lost.

Each case runs ``negsim`` into a copy of an earlier good run's folder (or a sweep into a new folder) and
checks that the command printed one line, ``negsim: error: WHERE: KEY: what is wrong; allowed: ...``,
naming the file (and line, for YAML), exited with status 2 without a traceback, and left the earlier
run's files, ``.hydra/`` included, byte for byte as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from subprocess import CompletedProcess

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import NEGSIM, run_negsim

from tests.strategies import scenario_mapping

PREFIX = "negsim: error: "
WHY = "judgment: a test"
#: Where the hostile files try to write.
PWNED = "pwned.txt"

def _write_text(target: str) -> str:
    """YAML of a Hydra callback that writes a file when Hydra instantiates it (as the first release let it)."""
    path = f"{{_target_: pathlib.Path, _args_: [{target}]}}"
    return f"    evil:\n      _target_: pathlib.Path.write_text\n      self: {path}\n      data: pwned\n"


# name: (files in the user's config folder, arguments, fragments the one line must hold, in order)
CASES = {
    # 3. a scenario file can run code
    "global-package-callback": (
        {"scenario/x.yaml": "# @package _global_\ndefaults:\n  - /scenario/baseline\nhydra:\n  callbacks:\n"
                            + _write_text("{dir}/" + PWNED)},
        ["scenario=x"], ["configs/scenario/x.yaml:1: ", "'# @package _global_'", "allowed: no @package line"]),
    "experiment-callback": (
        {"experiment/x.yaml": "# @package _global_\nhydra:\n  callbacks:\n" + _write_text("{dir}/" + PWNED)},
        ["+experiment=x"], ["configs/experiment/x.yaml:5: hydra.callbacks.evil._target_: ", "allowed: data only"]),
    "experiment-logging": (
        {"experiment/x.yaml": "# @package _global_\nhydra:\n  job_logging:\n    handlers:\n      x: {'()': os.sep}\n"},
        ["+experiment=x"], ["configs/experiment/x.yaml:3: hydra.job_logging: ", "allowed: data only"]),
    "hydra-node": (
        {"scenario/x.yaml": "defaults: [baseline, _self_]\nhydra:\n  callbacks: {}\n"},
        ["scenario=x"], ["configs/scenario/x.yaml:2: hydra: ", "allowed: data only"]),
    "target-deep": (
        {"scenario/x.yaml": "defaults: [baseline, _self_]\nactors:\n  russia:\n    _target_: os.getcwd\n"},
        ["scenario=x"], ["configs/scenario/x.yaml:4: actors.russia._target_: ", "allowed: data only"]),
    "package-elsewhere": (
        {"scenario/x.yaml": "# @package hydra.callbacks\n" + _write_text("{dir}/" + PWNED).replace("    ", "", 1)},
        ["scenario=x"], ["configs/scenario/x.yaml:1: ", "hydra.callbacks", "allowed: no @package line"]),
    "defaults-moved": (
        {"scenario/x.yaml": "defaults:\n  - baseline\n  - /scenario@hydra.callbacks.evil: baseline\n  - _self_\n"},
        ["scenario=x"], ["configs/scenario/x.yaml:3: defaults: ", "(@)", "allowed: "]),
    "defaults-hydra": (
        {"scenario/x.yaml": "defaults:\n  - baseline\n  - override /hydra/job_logging: disabled\n  - _self_\n"},
        ["scenario=x"], ["configs/scenario/x.yaml:3: defaults: ", "Hydra's own settings", "allowed: "]),
    "resolver": (
        {"scenario/x.yaml": "defaults: [baseline, _self_]\ntitle: ${oc.env:HOME}\n"},
        ["scenario=x"], ["configs/scenario/x.yaml:2: title: ", "resolver", "allowed: plain values"]),
    "launcher-file": (
        {"hydra/launcher/x.yaml": "_target_: os.getcwd\n"},
        ["-m", "hydra/launcher=x", "seed=1,2"], ["configs/hydra/launcher/x.yaml:1: _target_: ", "allowed: data only"]),
    "command-line-callback": (
        {}, ["+hydra.callbacks.evil._target_=pathlib.Path.write_text",
             "+hydra.callbacks.evil.self._target_=pathlib.Path", f"+hydra.callbacks.evil.self._args_=[{{dir}}/{PWNED}]",
             "+hydra.callbacks.evil.data=pwned"],
        ["command line: +hydra.callbacks.evil._target_=pathlib.Path.write_text: hydra.callbacks.evil._target_: ",
         "allowed: a class under negsim."]),
    "command-line-launcher": (
        {}, ["-m", "hydra.launcher._target_=os.getcwd", "seed=1,2"],
        ["command line: hydra.launcher._target_=os.getcwd: hydra.launcher._target_: ", "allowed: a class under"]),
    # 4. a source document that is not UTF-8
    "latin-1-source": (
        {"scenario/x.yaml": "defaults: [baseline, _self_]\nsource: notes.txt\n", "notes.txt": b"caf\xe9 na\xefve\n"},
        ["scenario=x"], ["configs/scenario/x.yaml (command line: scenario=x): scenario.source: ", "notes.txt",
                         "not UTF-8 text", "allowed: a text document saved as UTF-8"]),
    "binary-source": (
        {"scenario/x.yaml": "defaults: [baseline, _self_]\nsource: notes.txt\n", "notes.txt": bytes(range(256))},
        ["scenario=x"], ["scenario.source: ", "not UTF-8 text", "allowed: "]),
    # 6. invalid YAML
    "yaml-tab": (
        {"scenario/x.yaml": "defaults: [baseline, _self_]\nname: x\n\tdeadline: 3\n"},
        ["scenario=x"], ["configs/scenario/x.yaml:3: invalid YAML: ", "'\\t'", "allowed: YAML text"]),
    "yaml-bracket": (
        {"scenario/x.yaml": "defaults: [baseline, _self_\nname: x\n"},
        ["scenario=x"], ["configs/scenario/x.yaml:", ": invalid YAML: ", "allowed: YAML text"]),
    "yaml-duplicate": (
        {"scenario/x.yaml": "defaults: [baseline, _self_]\ndeadline: 3\nname: x\ndeadline: 4\n"},
        ["scenario=x"], ["configs/scenario/x.yaml:4: deadline: appears twice", "allowed: each key once"]),
    "yaml-binary": (
        {"scenario/x.yaml": bytes(range(255, -1, -1))},
        ["scenario=x"], ["configs/scenario/x.yaml:1: not UTF-8 text", "allowed: a YAML file saved as UTF-8"]),
    "yaml-control-character": (
        {"scenario/x.yaml": "defaults: [baseline, _self_]\nname: \x00x\n"},
        ["scenario=x"], ["configs/scenario/x.yaml:2: invalid YAML: ", "allowed: YAML text"]),
    "yaml-list": (
        {"scenario/x.yaml": "- baseline\n- _self_\n"},
        ["scenario=x"], ["configs/scenario/x.yaml:1: holds a list", "allowed: a mapping"]),
    # 7. typos
    "plus-typo": (
        {}, ["+replicatons=100"],
        ["configs/negsim.yaml (command line: +replicatons=100): replicatons: unknown key 'replicatons' "
         "(did you mean replications?); allowed: seed, replications"]),
    "typo": (
        {}, ["replicatons=100"],
        ["command line: replicatons=100: replicatons: unknown key 'replicatons' (did you mean replications?); "
         "allowed: "]),
    "nested-typo": (
        {}, ["scenario.actors.rusia.capability=0.5"],
        ["command line: scenario.actors.rusia.capability=0.5: scenario.actors.rusia: unknown key 'rusia' (did you "
         "mean russia?); allowed: russia, ukraine, us, europe"]),
    # 5. no upper limits
    "memory-replications": (
        {}, ["replications=100000000"],
        ["configs/negsim.yaml (command line: replications=100000000): replications: the run would need about ",
         " GB of memory (100,000,000 replications of ", "allowed: replications="]),
    "memory-round-log": (
        {}, ["protocol=influence_only", "scenario.deadline=100000", "replications=1000", "record=1000"],
        ["configs/negsim.yaml (command line: record=1000): record: the run would need about ", "round log",
         "allowed: record="]),
    "huge-deadline": (
        {}, ["scenario.deadline=100000000"],
        ["configs/scenario/baseline.yaml (command line: scenario.deadline=100000000): scenario.deadline: ",
         "allowed: a whole number of rounds from 1 to 100000"]),
    "huge-capability": (
        {}, ["scenario.actors.russia.capability=1.7e308"], ["scenario.actors.russia.capability: ", "allowed: "]),
    "costly-frontier": (
        {"scenario/x.yaml": yaml.safe_dump(scenario_mapping(np.random.default_rng(0), actors=6, issues=8))},
        ["scenario=x"], ["configs/scenario/x.yaml (command line: scenario=x): scenario.actors: ", "1,370,754 steps",
                         "allowed: at most 500,000 steps"]),
    # 10. run folders
    "empty-run-dir": ({}, ["hydra.run.dir="], ["hydra.run.dir: empty; allowed: a folder path"]),
    "proc-run-dir": ({}, ["hydra.run.dir=/proc/negsim/x"], ["hydra.run.dir: cannot make the folder /proc/negsim/x",
                                                            "allowed: a folder you can write to"]),
    "file-run-dir": ({"a_file": "x"}, ["hydra.run.dir={configs}/a_file"], ["hydra.run.dir: ", "a_file is a file",
                                                                           "allowed: a new or empty folder"]),
    "foreign-run-dir": ({"project/config.yaml": "mine: 1\n"}, ["hydra.run.dir={configs}/project"],
                        ["hydra.run.dir: ", "project holds files negsim did not write (config.yaml)", "allowed: "]),
    "proc-sweep-dir": ({}, ["-m", "seed=1,2", "hydra.sweep.dir=/proc/negsim/x"],
                       ["hydra.sweep.dir: cannot make the folder /proc/negsim/x", "allowed: "]),
    "file-sweep-dir": ({"a_file": "x"}, ["-m", "seed=1,2", "hydra.sweep.dir={configs}/a_file"],
                       ["hydra.sweep.dir: ", "a_file is a file", "allowed: "]),
    "empty-sweep-dir": ({}, ["-m", "seed=1,2", "hydra.sweep.dir="], ["hydra.sweep.dir: empty; allowed: "]),
}  # fmt: skip


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> Path:
    """An earlier good run that every bad run below is aimed at."""
    folder = tmp_path_factory.mktemp("earlier") / "run"
    done = run_negsim(["replications=20", "progress=false", f"hydra.run.dir={folder}"], cwd=folder.parent)
    assert done.returncode == 0, done.stderr
    return folder


def bad_run(case: str, root: Path, earlier: Path) -> tuple[CompletedProcess, Path, Path]:
    files, args, _ = CASES[case]
    configs, run = root / "configs", root / "run"
    configs.mkdir(parents=True)
    for name, text in files.items():
        path = configs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        content = text if isinstance(text, bytes) else text.replace("{dir}", str(root)).encode()
        path.write_bytes(content)
    shutil.copytree(earlier, run)
    args = [a.replace("{dir}", str(root)).replace("{configs}", str(configs)) for a in args]
    options = ["--config-dir", "configs"] if files else []
    multirun = ["-m"] if "-m" in args else []
    args = [a for a in args if a != "-m"]
    sizes = ["replications=20", "progress=false"]  # before the case's own: the last of two overrides wins
    place = [] if any(a.startswith(("hydra.run.dir=", "hydra.sweep.dir=")) for a in args) else (
        [f"hydra.sweep.dir={root / 'sweep'}"] if multirun else [f"hydra.run.dir={run}"])  # fmt: skip
    done = run_negsim([*options, *multirun, *sizes, *args, *place], cwd=root)
    return done, run, root


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory, earlier) -> dict[str, tuple[CompletedProcess, Path, Path]]:
    """Every case at once (each a separate process, mostly start-up time)."""
    root = tmp_path_factory.mktemp("bad")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {case: pool.submit(bad_run, case, root / case, earlier) for case in CASES}
        return {case: future.result() for case, future in futures.items()}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_naming_where_and_what_is_allowed(bad_runs, case):
    done, _, _ = bad_runs[case]
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    line = lines[0]
    assert line.startswith(PREFIX), line
    position = 0
    for fragment in CASES[case][2]:
        found = line.find(fragment, position)
        assert found >= 0, f"{fragment!r} not in {line!r} (after position {position})"
        position = found + len(fragment)
    assert "allowed:" in line


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_leaves_the_earlier_run_as_it_was_and_runs_nothing(bad_runs, earlier, case):
    _, run, root = bad_runs[case]
    assert digests(run) == digests(earlier)
    assert not (root / PWNED).exists()
    assert not (root / "sweep").exists() or not any((root / "sweep").glob("*/summary.json"))
    assert not (root / "outputs").exists() and not (root / "multirun").exists()


def test_hydra_full_error_shows_the_traceback_too(tmp_path):
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "x.yaml").write_text("name: x\n\tdeadline: 3\n")
    args = [str(NEGSIM), "--config-dir", str(tmp_path), "scenario=x", f"hydra.run.dir={tmp_path / 'run'}"]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HYDRA_FULL_ERROR": "1"})  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" in done.stderr and done.stderr.strip().splitlines()[-1].startswith(PREFIX)


# ------------------------------------------------------------------ 8. YAML's booleans and numbers as names

NAMES = """\
name: names
issues:
  on: {low_label: "off", high_label: "on"}
  1.5: {low_label: none, high_label: all}
actors:
  no:
    label: Norway
    capability: 0.5
    ideal: {on: 0.2, 1.5: 0.3}
    salience: {on: 0.5, 1.5: 0.5}
    evidence: {ideal.on: "judgment: a test", ideal.1.5: "judgment: a test", profile: "judgment: a test"}
  1:
    label: One
    capability: 0.5
    ideal: {on: 0.8, 1.5: 0.6}
    salience: {on: 0.5, 1.5: 0.5}
    evidence: {ideal.on: "judgment: a test", ideal.1.5: "judgment: a test", profile: "judgment: a test"}
"""


def test_names_yaml_would_read_as_booleans_or_numbers_stay_names(tmp_path):
    """An actor ``no:`` (Norway), an actor ``1:`` and issues ``on:`` and ``1.5:`` are the names written, as the
    command line reads them too (``scenario.actors.no.capability=...``)."""
    (tmp_path / "scenario").mkdir()
    (tmp_path / "scenario" / "names.yaml").write_text(NAMES, encoding="utf-8")
    run = tmp_path / "run"
    done = run_negsim(["--config-dir", str(tmp_path), "scenario=names", "scenario.actors.no.capability=0.4",
                       "replications=20", f"hydra.run.dir={run}"], cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    columns = set(pd.read_parquet(run / "results.parquet").columns)
    assert {"utility.no", "utility.1", "terms.on", "terms.1.5"} <= columns
    saved = yaml.safe_load((run / "config.yaml").read_text(encoding="utf-8"))["scenario"]
    assert list(saved["actors"]) == ["no", "1"] and list(saved["issues"]) == ["on", "1.5"]
    assert saved["actors"]["no"]["capability"] == 0.4
    assert json.loads((run / "summary.json").read_text(encoding="utf-8"))["mean_utility"].keys() == {"no", "1"}
