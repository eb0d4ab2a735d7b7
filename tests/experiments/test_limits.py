"""Limits that follow from the machine: a run is refused, with its estimate, before it could run out of memory.

The estimate (``experiments/run/memory.py``, ``sim/limits.py``) is checked against the memory whole runs
really reach (peak resident memory of a separate process), so a change to the engine that makes a
replication heavier fails here until the measured figures are updated.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from conftest import compose_config
from omegaconf import OmegaConf

from negsim.experiments.run.memory import SHARE, available_memory, check_memory, run_bytes
from negsim.sim.errors import ConfigError
from negsim.sim.runspec import build_run
from tests.strategies import scenario_mapping


def baseline_run(**changes):
    raw = OmegaConf.to_container(compose_config([f"{k}={v}" for k, v in changes.items()]), resolve=True)
    return build_run(raw)


def test_the_machine_says_how_much_memory_is_available():
    available = available_memory()
    assert available is not None and 0 < available < 2**50


def test_a_run_too_large_for_the_memory_names_replications_its_estimate_and_what_fits():
    run = baseline_run(replications=1_000_000)
    total, _, _ = run_bytes(run, report=False)
    with pytest.raises(ConfigError) as info:
        check_memory(run, report=False, available=int(total))  # the run would need all of it: more than half
    error = info.value
    assert error.key == "replications"
    assert f"would need about {total / 1e9:.1f} GB" in error.problem and f"more than {SHARE:.0%}" in error.problem
    most = int(error.problem.split("allowed: replications=")[1].split()[0])
    assert run_bytes(baseline_run(replications=most), report=False)[0] <= SHARE * total
    assert run_bytes(baseline_run(replications=most + 2), report=False)[0] > SHARE * total
    check_memory(baseline_run(replications=most), report=False, available=int(total))


def test_a_round_log_too_large_names_record():
    run = baseline_run(**{"protocol": "influence_only", "scenario.deadline": 100_000, "record": 1000})
    with pytest.raises(ConfigError) as info:
        check_memory(run, report=False, available=16 * 2**30)
    assert info.value.key == "record" and "round log" in info.value.problem and "allowed: record=" in info.value.problem


def test_too_many_parameter_draws_names_uncertainty_draws():
    """Each parameter draw of uncertain values has its own frontier: a run with many is refused on the draws."""
    sizes = {"replications": 1_000_000, "uncertainty.judgments": 0.05}
    run = baseline_run(**sizes, **{"uncertainty.draws": 1_000_000})
    single = run_bytes(baseline_run(**sizes, **{"uncertainty.draws": 1}), report=False)[0]
    total, _, _ = run_bytes(run, report=False)
    assert total > 2 * single  # the draws' frontiers weigh more than the replications here
    with pytest.raises(ConfigError) as info:
        check_memory(run, report=False, available=int(total))
    error = info.value
    assert error.key == "uncertainty.draws" and "for the frontiers of 1,000,000 parameter draws" in error.problem
    most = int(error.problem.split("allowed: uncertainty.draws=")[1].split()[0])
    check_memory(baseline_run(**sizes, **{"uncertainty.draws": most}), report=False, available=int(total))
    with pytest.raises(ConfigError):
        check_memory(baseline_run(**sizes, **{"uncertainty.draws": most + 10}), report=False, available=int(total))


def test_a_sensitivity_analysis_too_large_for_the_memory_is_refused():
    from negsim.experiments.sensitivity.job import check_design, checked_settings

    run = baseline_run(**{"uncertainty.judgments": 0.05})
    settings = checked_settings({"base_samples": 2**16, "replications": 1, "resamples": 1000})
    check_design(run, settings, available=256 * 2**30)
    with pytest.raises(ConfigError) as info:
        check_design(run, settings, available=8 * 2**30)  # the bootstrap alone holds about 75 GB of resamples
    assert info.value.key == "sensitivity.resamples" and "would need about" in info.value.problem


def test_jobs_run_at_once_share_the_memory():
    run = baseline_run(replications=100_000)
    total, _, _ = run_bytes(run, report=False)
    check_memory(run, report=False, available=int(3 * total))
    with pytest.raises(ConfigError, match="for each of 2 jobs at once"):
        check_memory(run, report=False, available=int(3 * total), concurrent=2)


#: Whole runs whose peak memory the estimate must cover: (actors, veto parties, issues, replications, protocol,
#: uncertainty.draws); with draws, every judgment is widened by 0.05, so each draw has its own frontier.
MEASURED = [
    (4, 3, 4, 100_000, "alternating_offers", 1),
    (4, 3, 4, 100_000, "mediated", 1),
    (6, 6, 3, 10_000, "alternating_offers", 1),
    (8, 4, 6, 10_000, "mediated", 1),
    (30, 2, 10, 20_000, "influence_only", 1),
    (4, 3, 4, 20_000, "alternating_offers", 20_000),
    (4, 3, 4, 20_000, "mediated", 20_000),
    (5, 5, 3, 4_000, "mediated", 4_000),
]


def _settings(n: int, veto: int, m: int, replications: int, protocol: str, draws: int) -> dict:
    raw = scenario_mapping(np.random.default_rng(1), actors=n, issues=m, noise={"perception": 0.3})
    for i, actor in enumerate(raw["actors"].values()):
        if i >= veto:
            actor["veto"] = False
            actor.pop("concession", None)
    return {"scenario": raw, "protocol": {"name": protocol}, "seed": 0, "replications": replications, "record": 20,
            "uncertainty": {"judgments": 0.05 if draws > 1 else 0.0, "draws": draws}}  # fmt: skip


PROBE = textwrap.dedent("""
    import json, sys, tempfile
    from pathlib import Path
    sys.path[:0] = [{root!r}, {root!r} + "/tests"]
    from tests.experiments.test_limits import _settings
    from negsim.experiments.run.job import run_config
    from negsim.sim.runspec import build_run

    def status(key):
        return next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith(key))

    settings = _settings(*json.loads(sys.argv[1]))
    with tempfile.TemporaryDirectory() as folder:
        run_config(build_run({{**settings, "replications": 50}}), Path(folder) / "warm", settings,
                   show_progress=False)
        open("/proc/self/clear_refs", "w").write("5")  # the peak from here on
        before = status("VmRSS")
        run_config(build_run(settings), Path(folder) / "run", settings, show_progress=False)
    print(status("VmHWM") - before)
""")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak from /proc")
@pytest.mark.parametrize("case", MEASURED, ids=lambda c: "-".join(map(str, c)))
def test_the_estimate_covers_the_memory_a_run_really_reaches(case):
    from conftest import ROOT

    done = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT)), json.dumps(case)], capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    peak = int(done.stdout.split()[-1])
    run = build_run(_settings(*case))
    assert run.parameter_draws == case[-1]
    total, _, _ = run_bytes(run, report=False)
    assert peak <= total, f"measured {peak / 1e6:.0f} MB, estimated {total / 1e6:.0f} MB"
    assert total <= 5 * peak + 100e6, f"estimate {total / 1e6:.0f} MB is far above the {peak / 1e6:.0f} MB measured"
