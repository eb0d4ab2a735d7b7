"""Deterministic pages: the same inputs give byte-identical ``report.html``, ``sweep.html`` and ``comparison.html``.

A teacher who rebuilds a page, or a reviewer who diffs two sweeps, should see no change where nothing changed.
The first release gave every chart a random id, so every rebuilt page differed from the one before.
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import NEGSIM, run_negsim

REPORT, AGGREGATE, COMPARE = (str(NEGSIM.with_name(name)) for name in ("negsim-report", "negsim-aggregate",
                                                                        "negsim-compare"))  # fmt: skip


def _pages(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.html"))}


@pytest.mark.slow  # a sweep of two scenarios with a report per job
def test_rebuilding_every_page_from_the_same_files_gives_the_same_bytes(tmp_path):
    sweep = tmp_path / "sweep"
    done = run_negsim(["-m", "scenario=baseline,corruption_scandal", "replications=60", "record=2", "report=true",
                       "progress=false", f"hydra.sweep.dir={sweep}"], cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    first = _pages(sweep)
    assert {"sweep.html", "comparison.html", "0/report.html", "1/report.html"} <= first.keys()

    jobs = [sweep / "0", sweep / "1"]
    for command in ([AGGREGATE, str(sweep)], *([REPORT, str(job)] for job in jobs)):
        rebuilt = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert rebuilt.returncode == 0, rebuilt.stderr
    compared = []
    for out in (tmp_path / "one", tmp_path / "two"):
        again = subprocess.run([COMPARE, *map(str, jobs), "--out", str(out)], capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        compared.append((out / "comparison.html").read_bytes())

    second = _pages(sweep)
    changed = [name for name in first if first[name] != second.get(name)]
    assert changed == [], f"rebuilt from the same files, these pages differ: {changed}"
    assert compared[0] == compared[1], "negsim-compare gave two different pages for the same runs"
