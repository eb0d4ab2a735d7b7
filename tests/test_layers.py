"""Imports go one way: ``sim`` <- ``agents`` <- ``experiments``, and inside ``experiments`` toward the entry points.

Every module of the installed package is parsed (``ast``, so nothing is run),
and every ``import`` in it, at the top or inside a function, is checked
against what its layer may import (DESIGN.md, section 3):

- ``negsim.sim`` (specs, validation, numpy kernels, theory): the standard
  library, numpy, networkx and SciPy; nothing from ``agents`` or ``experiments``.
- ``negsim.agents`` (the Mesa model and its agents): ``negsim.sim``, Mesa and numpy.
- ``negsim.experiments`` (the application): its sub-packages import one way,
  ``run`` <- ``pages`` <- ``report``, ``compare`` <- ``sweep``, ``sensitivity``; only ``run``
  runs the model (imports ``negsim.agents``); no module imports an entry point
  (``negsim.experiments.app`` or a ``cli`` module).
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

import pytest
from test_doctests import modules

#: Third-party top-level packages each layer may import (besides the standard library).
THIRD_PARTY = {"negsim.sim": {"numpy", "networkx", "scipy", "highspy"}, "negsim.agents": {"numpy", "mesa"}}
#: The negsim packages each layer or sub-package may import (its own included).
ALLOWED = {
    "negsim.sim": {"negsim.sim"},
    "negsim.agents": {"negsim.sim", "negsim.agents"},
    "negsim.experiments.run": {"negsim.sim", "negsim.agents", "negsim.experiments.run"},
    "negsim.experiments.pages": {"negsim.sim", "negsim.experiments.run", "negsim.experiments.pages"},
    "negsim.experiments.report": {"negsim.sim", "negsim.experiments.run", "negsim.experiments.pages",
                                  "negsim.experiments.report"},
    "negsim.experiments.compare": {"negsim.sim", "negsim.experiments.run", "negsim.experiments.pages",
                                   "negsim.experiments.compare"},
    "negsim.experiments.sweep": {"negsim.sim", "negsim.experiments.run", "negsim.experiments.pages",
                                 "negsim.experiments.compare", "negsim.experiments.sweep"},
    "negsim.experiments.sensitivity": {"negsim.sim", "negsim.experiments.run", "negsim.experiments.pages",
                                       "negsim.experiments.sensitivity"},
}  # fmt: skip
#: Names the repository's folders would have without the package-dir mapping; importing them only works there.
FOLDER_NAMES = {"sim", "agents", "experiments", "configs", "seeds"}


def imported(name: str) -> list[tuple[int, str]]:
    """``(line, module)`` for every import in module ``name``, relative imports resolved."""
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None, name
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"), filename=spec.origin)
    package = name if spec.submodule_search_locations is not None else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            # ``from negsim.experiments import app`` imports a module: check the submodule's name.
            for alias in node.names:
                module = base.startswith("negsim") and _is_submodule(base, alias.name)
                found.append((node.lineno, f"{base}.{alias.name}" if module else base))
    return found


def _is_submodule(package: str, name: str) -> bool:
    try:
        return importlib.util.find_spec(f"{package}.{name}") is not None
    except ModuleNotFoundError:
        return False


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


def layer_of(name: str) -> str:
    """The key of :data:`ALLOWED` that governs module ``name`` (``""`` for the entry point and the root)."""
    return next((layer for layer in sorted(ALLOWED, key=len, reverse=True) if name.startswith(f"{layer}.")
                 or name == layer), "")  # fmt: skip


def is_entry_point(name: str) -> bool:
    """``negsim.experiments.app`` and the ``cli`` modules behind the console scripts."""
    return name == "negsim.experiments.app" or name.endswith(".cli")


def problems(name: str) -> list[str]:
    """What module ``name`` imports that its layer may not."""
    layer, found = layer_of(name), []
    for line, target in imported(name):
        top = target.split(".")[0]
        where = f"{name}:{line} imports {target}"
        if top in FOLDER_NAMES:
            found.append(f"{where}: a repository folder's name, not the installed package (use negsim.{target})")
        elif is_entry_point(target):
            found.append(f"{where}: an entry point; move what it shares into a sub-package")
        elif top == "negsim" and layer and not any(_within(target, ok) for ok in ALLOWED[layer]):
            found.append(f"{where}: {layer} may import only {', '.join(sorted(ALLOWED[layer]))}")
        elif layer in THIRD_PARTY and top not in (*sys.stdlib_module_names, "negsim", *THIRD_PARTY[layer]):
            found.append(f"{where}: {layer} may import only {', '.join(sorted(THIRD_PARTY[layer]))} "
                         f"besides the standard library")
    return found


@pytest.mark.parametrize("name", modules())
def test_imports_go_one_way(name):
    assert problems(name) == []


def test_the_check_catches_imports_against_the_layers(tmp_path, monkeypatch):
    """A module that breaks each rule, checked by the same function."""
    bad = tmp_path / "negsim_probe.py"
    bad.write_text("import sim.spec\nfrom negsim.experiments import app\nimport plotly\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(THIRD_PARTY, "negsim_probe", {"numpy"})
    monkeypatch.setitem(ALLOWED, "negsim_probe", {"negsim.sim"})
    found = problems("negsim_probe")
    assert len(found) == 3, found
    assert "repository folder" in found[0] and "entry point" in found[1] and "plotly" in found[2]


def test_every_layer_has_modules():
    names = modules()
    for layer in ALLOWED:
        assert any(n == layer or n.startswith(f"{layer}.") for n in names), f"no modules found in {layer}"
