"""The model loads Mesa's Agent and Model alone; the rest of Mesa still works when something asks for it."""

from __future__ import annotations

import subprocess
import sys

#: Run in a fresh interpreter: the test session has imported all of Mesa already.
PROBE = """
import sys
import negsim.agents.model as model
# What only Mesa's package __init__ imports (Mesa 3.5's model module brings pandas and SciPy in itself).
HEAVY = ("networkx", "tqdm", "mesa.batchrunner", "mesa.space", "mesa.datacollection", "mesa.discrete_space")
heavy = [name for name in HEAVY if name in sys.modules]
print("heavy:", heavy)
import mesa
from mesa import DataCollector, batch_run
import mesa.space
print("same:", mesa.Model is model.Model, mesa.Agent is model.Negotiator.__mro__[1])
print("version:", mesa.__version__ == __import__("importlib.metadata").metadata.version("mesa"))
try:
    mesa.no_such_name
except AttributeError as error:
    print("missing:", error)
"""


def test_mesa_package_is_deferred_until_asked_for():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "heavy: []", "same: True True", "version: True", "missing: module 'mesa' has no attribute 'no_such_name'",
    ]  # fmt: skip
