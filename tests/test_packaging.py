"""What installing negsim puts on a machine: one import package, ``negsim``, that works from any folder.

The repository keeps its layers in top-level folders (``sim/``, ``agents/``,
...) and ``pyproject.toml`` maps them into ``negsim``. The slow test builds
the wheel, installs it into a fresh virtual environment (its dependencies
come from the test environment's site-packages, so no network is needed)
and runs ``negsim`` from a folder that has its own ``sim/`` and ``configs/``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _package_folder(name: str) -> Path:
    """The repository folder of package ``name``, by the longest prefix ``package-dir`` maps."""
    mapping = SETUPTOOLS["package-dir"]
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in mapping:
            return ROOT / mapping[prefix] / Path(*parts[end:])
    return ROOT / Path(*parts)


#: The repository's top-level folders that hold packages of the distribution.
SOURCES = sorted({_package_folder(name).relative_to(ROOT).parts[0] for name in SETUPTOOLS["packages"]})


def test_every_package_folder_is_listed_in_pyproject():
    """A new folder under a layer must be added to ``packages``, or the wheel would leave it out."""
    listed = {_package_folder(name).resolve() for name in SETUPTOOLS["packages"]}
    for source in SOURCES:
        for folder in [ROOT / source, *(p for p in (ROOT / source).rglob("*") if p.is_dir())]:
            holds = any(folder.glob("*.py")) or any(folder.glob("*.yaml"))
            if holds and "__pycache__" not in folder.parts:
                assert folder.resolve() in listed, f"{folder.relative_to(ROOT)}: list its package"
    for name in SETUPTOOLS["packages"]:
        assert _package_folder(name).is_dir(), f"{name} is listed but {_package_folder(name)} does not exist"


def _copy_sources(target: Path) -> Path:
    """The files a wheel is built from, copied so the build leaves nothing in the repository."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    for source in SOURCES:
        shutil.copytree(ROOT / source, target / source, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = _copy_sources(tmp_path_factory.mktemp("src"))
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(src)],
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = dist.glob("negsim-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_venv(wheel, tmp_path_factory) -> Path:
    """A new virtual environment with the wheel installed; dependencies from this environment's site-packages."""
    venv = tmp_path_factory.mktemp("venv") / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    # Appended after the fresh site-packages, so the wheel's negsim comes first.
    (Path(purelib) / "negsim-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


@pytest.mark.slow
def test_the_wheel_holds_one_import_package_with_its_configs_and_documents(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    # One import package; Hydra finds plugins only inside the shared ``hydra_plugins`` namespace.
    assert top - {"hydra_plugins"} == {"negsim"}
    assert {n.split("/")[1] for n in names if n.startswith("hydra_plugins/")} <= {"negsim_sweeps"}
    for needed in ("negsim/configs/negsim.yaml", "negsim/configs/scenario/baseline.yaml",
                   "negsim/configs/protocol/mediated.yaml", "negsim/configs/experiment/mediation.yaml",
                   "negsim/configs/hydra/launcher/parallel.yaml", "negsim/seeds/security-guarantees-article.txt",
                   "negsim/sim/theory.py", "negsim/agents/model.py", "negsim/experiments/app.py"):  # fmt: skip
        assert needed in names, f"{needed} is missing from the wheel"


@pytest.mark.slow
def test_the_installed_command_runs_from_a_folder_with_its_own_sim_and_configs(fresh_venv, tmp_path):
    project = tmp_path / "research"
    for name in ("sim", "agents", "experiments"):
        (project / name).mkdir(parents=True)
        (project / name / "__init__.py").write_text(f"raise ImportError('the project\\'s own {name}')\n")
    (project / "configs" / "scenario").mkdir(parents=True)
    (project / "configs" / "__init__.py").write_text("raise ImportError('the project\\'s own configs')\n")
    (project / "configs" / "negsim.yaml").write_text("seed: not-negsim\n")
    (project / "configs" / "scenario" / "baseline.yaml").write_text("name: not negsim's baseline\n")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    bin_ = fresh_venv / "bin"
    where = subprocess.run([str(bin_ / "python"), "-c", "import negsim.sim.spec as s; print(s.__file__)"],
                           cwd=project, capture_output=True, text=True, env=env)  # fmt: skip
    assert where.returncode == 0, where.stderr
    assert str(fresh_venv) in where.stdout
    run = subprocess.run([str(bin_ / "negsim"), "replications=50", "progress=false", "hydra.run.dir=run"],
                         cwd=project, capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads((project / "run" / "summary.json").read_text(encoding="utf-8"))
    assert (summary["scenario"], summary["replications"]) == ("baseline", 50)
    assert (project / "run" / "report.html").stat().st_size > 1_000_000
    sweep = subprocess.run([str(bin_ / "negsim"), "-m", "seed=1,2", "replications=20", "hydra.sweep.dir=sweep"],
                           cwd=project, capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert sweep.returncode == 0, sweep.stderr[-3000:]
    assert (project / "sweep" / "sweep.parquet").is_file() and (project / "sweep" / "1" / "summary.json").is_file()
