"""Generated scenarios through the real run path: what ``negsim`` writes (summary, results, rounds) holds up.

Each example is a random valid negotiation from :func:`tests.strategies.negotiations` (2 to 8 actors, up to
4 veto parties, 1 to 6 issues on random scales, red lines, linkages, every style and protocol, noise and
escalation or none), run twice with :func:`negsim.experiments.run.job.run_config` into two folders, as the
command runs it. Invariants: no exception; nothing printed and no warning; outcome shares sum to one; agreed
terms keep every veto party's red lines and linkages; no veto party signs below its reservation; every
number finite (NaN only where the files say it means "no agreement" or "no veto"); the same seed gives the
same bytes.

``make test`` runs 300 examples; ``HYPOTHESIS_PROFILE=long`` runs 10,000 (see README, Limits, errors and
safety). ``--hypothesis-show-statistics`` prints how the examples ended (the events below) and their timing.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from negsim.experiments.run.job import run_config
from negsim.sim.runspec import build_run
from tests.strategies import negotiations
from tests.validity.common import EXACT
from tests.validity.test_zone import keeps_every_rule

#: At least this many examples in ``make test``; the long profile's 10,000 when it is chosen.
EXAMPLES = max(300, settings().max_examples)


def _numbers(node, key: str = ""):
    """Every number in a JSON document, with its key path."""
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _numbers(value, f"{key}.{name}" if key else name)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _numbers(value, f"{key}[{index}]")
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield key, node


def _run_twice(settings_: dict) -> tuple[dict, dict[str, bytes], dict[str, bytes], str, list]:
    run = build_run(settings_)
    out, files = io.StringIO(), []
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            for name in ("a", "b"):
                run_config(run, Path(folder) / name, settings_, show_progress=False, print_="generated")
                files.append({p.name: p.read_bytes() for p in (Path(folder) / name).iterdir()})
        summary = json.loads(files[0]["summary.json"])
        results = pd.read_parquet(Path(folder) / "a" / "results.parquet")
        rounds = pd.read_parquet(Path(folder) / "a" / "rounds.parquet")
    return summary, files[0], files[1], out.getvalue(), [caught, results, rounds]


@pytest.mark.slow
@settings(max_examples=EXAMPLES)
@given(
    case=st.booleans().flatmap(lambda noisy: negotiations(noise=noisy, escalation=noisy)),
    seed=st.integers(0, 2**63 - 1), replications=st.integers(1, 30), record=st.integers(0, 4),
)  # fmt: skip
def test_generated_scenarios_through_the_run_path(case, seed, replications, record):
    raw, protocol = case
    config = {"scenario": raw, "protocol": protocol, "seed": seed, "replications": replications, "record": record}
    summary, first, second, printed, (caught, results, rounds) = _run_twice(config)
    assert printed == "", printed
    assert not caught, [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught]

    assert math.isclose(sum(summary["outcome_shares"].values()), 1.0, abs_tol=1e-12)
    for key, value in _numbers({k: v for k, v in summary.items() if k != "elapsed_seconds"}):
        assert math.isfinite(value), f"summary.json {key} = {value}"

    agreed = (results["outcome"] == "agreement").to_numpy()
    event("agreements: " + ("none" if not agreed.any() else "all" if agreed.all() else "some"))
    event(f"protocol: {protocol['name']}")
    terms = results[[c for c in results.columns if c.startswith("terms.")]].to_numpy()
    values = results[[c for c in results.columns if c.startswith("value.")]].to_numpy()
    utility = results[[c for c in results.columns if c.startswith("utility.")]].to_numpy()
    assert np.isfinite(terms[agreed]).all() and np.isnan(terms[~agreed]).all()
    assert np.isfinite(values[agreed]).all() and np.isnan(values[~agreed]).all()
    assert np.isfinite(utility).all() and (results["round"].to_numpy() >= 0).all()
    assert keeps_every_rule(raw, protocol, terms[agreed])
    veto = np.array([spec.get("veto", True) for spec in raw["actors"].values()])
    reservation = np.array([spec["reservation"] for spec in raw["actors"].values()])
    assert (values[agreed][:, veto] >= reservation[veto] - EXACT).all()
    assert (utility[agreed][:, veto] >= reservation[veto] - EXACT).all()

    if len(rounds):
        assert np.isfinite(rounds["position"].to_numpy()).all()
        vetoed = rounds["actor"].map({name: spec.get("veto", True) for name, spec in raw["actors"].items()})
        demand = rounds["demand"].to_numpy()
        assert np.isfinite(demand[vetoed.to_numpy(bool)]).all() and np.isnan(demand[~vetoed.to_numpy(bool)]).all()
        proposal = rounds["proposal"].to_numpy()
        assert np.isfinite(proposal[np.isfinite(proposal)]).all()

    assert first.keys() == second.keys() == {"config.yaml", "results.parquet", "rounds.parquet", "summary.json"}
    for name in ("config.yaml", "results.parquet", "rounds.parquet"):
        assert first[name] == second[name], f"{name} differs between two runs with the same seed"
    again = json.loads(second["summary.json"])
    assert {**summary, "elapsed_seconds": 0} == {**again, "elapsed_seconds": 0}
