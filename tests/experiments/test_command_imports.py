"""A command imports what it uses, when it uses it: the run path never loads the page or graph libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import NEGSIM

#: Libraries a run without its report does not use (Mesa's own package __init__ pulls in the last two). SciPy's
#: optimiser took 0.3 s to import: the zone's linear programs go to HiGHS directly, and the Nash points are solved
#: by negsim's barrier method (sim/references.py).
NOT_FOR_A_RUN = ("plotly", "networkx", "mesa.batchrunner", "mesa.datacollection", "scipy.optimize")


def imported(*args: str, cwd) -> set[str]:
    """Modules the ``negsim`` command imports for ``args``, read from ``python -X importtime``."""
    done = subprocess.run([sys.executable, "-X", "importtime", str(NEGSIM), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")]
    return set(lines)


def test_a_run_without_its_report_imports_no_plotting_or_graph_library(tmp_path):
    modules = imported("report=false", "replications=20", "progress=false", f"hydra.run.dir={tmp_path}", cwd=tmp_path)
    assert "negsim.agents.model" in modules
    assert [name for name in NOT_FOR_A_RUN if name in modules] == []


@pytest.mark.slow
def test_the_report_brings_plotly_in(tmp_path):
    modules = imported("replications=20", "progress=false", f"hydra.run.dir={tmp_path}", cwd=tmp_path)
    assert "plotly.io" in modules and (tmp_path / "report.html").is_file()
    assert "scipy.optimize" not in modules
