"""Bad command-line overrides through the real ``negsim`` command.

Each bad run must exit with status 2 and print one line,
``negsim: error: FILE (command line: OVERRIDE): KEY: PROBLEM; allowed: ...``,
without a traceback and without writing any results.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from conftest import run_negsim

PREFIX = "negsim: error: "
SMALL = "replications=20"
RESULTS = ("results.parquet", "rounds.parquet", "summary.json")
SCENARIO = "configs/scenario/baseline.yaml"
OFFERS = "configs/protocol/alternating_offers.yaml"
PRIMARY = "configs/negsim.yaml"

# (overrides, file that supplied the key, key, fragment of the problem); the
# other kinds of bad input are covered without start-up cost in tests/sim.
BAD = {
    "negative-number": (["scenario.actors.russia.capability=-1"], SCENARIO,
                        "scenario.actors.russia.capability", "-1 is out of range"),
    "word-for-number": (["scenario.actors.russia.capability=high"], SCENARIO,
                        "scenario.actors.russia.capability", "not a number: 'high'"),
    "salience-sum": (["scenario.actors.ukraine.salience.territory_ceded=0.9"], SCENARIO,
                     "scenario.actors.ukraine.salience", "sums to 1.5"),
    "edge-to-nobody": (["+scenario.influence.us.nobody.weight=0.2"], SCENARIO,
                       "scenario.influence.us.nobody", "unknown target actor 'nobody'"),
    "unknown-proposer": (["protocol.proposer=random"], OFFERS, "protocol.proposer", "unknown value 'random'"),
    "chosen-protocol-file": (["protocol=mediated", "protocol.weights=mode"], "configs/protocol/mediated.yaml",
                             "protocol.weights", "unknown value 'mode'"),
    "zero-replications": (["replications=0"], PRIMARY, "replications", "got 0"),
    "string-seed": (["seed=abc"], PRIMARY, "seed", "got 'abc'"),
}  # fmt: skip


def bad_run(case: str, folder: Path) -> tuple[CompletedProcess, Path]:
    overrides = BAD[case][0]
    sizes = [] if any(o.startswith("replications=") for o in overrides) else [SMALL]
    folder.mkdir(parents=True)
    done = run_negsim([*overrides, *sizes, "progress=false", f"hydra.run.dir={folder / 'run'}"], cwd=folder)
    return done, folder / "run"


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory) -> dict[str, tuple[CompletedProcess, Path]]:
    """All bad runs at once (each is a separate process, mostly start-up time)."""
    root = tmp_path_factory.mktemp("bad")
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {case: pool.submit(bad_run, case, root / case) for case in BAD}
        return {case: future.result() for case, future in futures.items()}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(BAD))
def test_bad_override_exits_2_with_one_line(bad_runs, case):
    overrides, file, key, fragment = BAD[case]
    done, _ = bad_runs[case]
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), done.stderr
    line = lines[0]
    assert line.startswith(PREFIX), line
    location, sep, problem = line.removeprefix(PREFIX).partition(f": {key}: ")
    assert sep, f"key {key!r} not named in {line!r}"
    path, _, note = location.partition(" (command line: ")
    assert path.endswith(file), line
    assert note.endswith(")") and note[:-1] in overrides, line  # says which override supplied the value
    assert fragment in problem, line
    assert "; allowed: " in problem, line


@pytest.mark.slow
@pytest.mark.parametrize("case", list(BAD))
def test_bad_override_writes_no_results(bad_runs, case):
    _, run = bad_runs[case]
    written = {p.name for p in run.rglob("*")} if run.exists() else set()
    assert not written & set(RESULTS), sorted(written)


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def good_then_bad(tmp_path_factory) -> tuple[dict, dict, CompletedProcess]:
    """A good run, then a bad run into the same folder: file digests before and after."""
    cwd = tmp_path_factory.mktemp("reuse")
    run = cwd / "run"
    good = run_negsim([SMALL, "progress=false", f"hydra.run.dir={run}"], cwd=cwd)
    assert good.returncode == 0, good.stderr
    before = digests(run)
    bad = run_negsim([SMALL, "scenario.actors.russia.capability=-1", f"hydra.run.dir={run}"], cwd=cwd)
    return before, digests(run), bad


@pytest.mark.slow
def test_bad_run_keeps_an_earlier_good_run_results(good_then_bad):
    before, after, bad = good_then_bad
    assert bad.returncode == 2, bad.stderr
    assert bad.stderr.startswith(PREFIX)
    assert set(RESULTS) <= set(before)
    for name in RESULTS:
        assert after[name] == before[name], f"{name} changed"
    assert {name for name in after if not name.startswith(".hydra")} == {
        name for name in before if not name.startswith(".hydra")
    }


@pytest.mark.slow
def test_bad_run_keeps_an_earlier_good_run_config_record(good_then_bad):
    before, after, _ = good_then_bad
    for name in (".hydra/config.yaml", ".hydra/overrides.yaml"):
        assert after[name] == before[name], f"{name} changed"


def test_the_error_names_the_override_hydra_applied(tmp_path):
    done = run_negsim(["replications=50", "replications=0", f"hydra.run.dir={tmp_path / 'run'}"], cwd=tmp_path)
    assert done.returncode == 2
    assert "(command line: replications=0)" in done.stderr
