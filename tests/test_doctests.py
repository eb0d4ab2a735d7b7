"""The examples in every docstring of the installed ``negsim`` package run and give what they show.

The modules are found from the package itself, with :func:`pkgutil.walk_packages`
over each package that ``pyproject.toml`` lists, and imported by their real
names (``negsim.sim.kernels``), so the examples run against the code that is
installed, whatever the folder it lives in. (pytest's ``--doctest-modules``
would guess module names from the repository's folders, ``sim.kernels``, and
import a second copy of each module.)
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import tomllib

import pytest
from conftest import ROOT


def _packages() -> list[str]:
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    # Config folders hold no code; ``hydra_plugins`` is a namespace other distributions' plugins share.
    return [n for n in listed if not n.startswith(("negsim.configs", "negsim.seeds")) and n != "hydra_plugins"]


def modules() -> list[str]:
    """Every module of the installed package, the packages themselves included."""
    names: set[str] = set()
    for name in _packages():
        package = importlib.import_module(name)
        names.add(name)
        names.update(info.name for info in pkgutil.walk_packages(package.__path__, f"{name}."))
    return sorted(names)


def test_every_package_folder_is_walked():
    found = modules()
    assert "negsim.sim.kernels" in found and "negsim.agents.model" in found
    assert not [name for name in found if name.split(".")[0] != "negsim" and not name.startswith("hydra_plugins.")]


@pytest.mark.parametrize("name", modules())
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    finder, runner = doctest.DocTestFinder(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in finder.find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (output above)"
