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


def test_a_finished_model_is_freed(baseline_raw):
    """Mesa 3.3 keeps every model in a class-level id counter (mesa issue 3179); a design runs hundreds of
    batches in one process and grew by GBs until ``simulate`` released its model."""
    import gc
    import weakref

    from mesa.agent import Agent

    from negsim.agents.model import NegotiationModel, release
    from negsim.sim.runspec import build_run

    run = build_run({"scenario": baseline_raw, "protocol": {"name": "alternating_offers"}, "seed": 0,
                     "replications": 8})  # fmt: skip
    model = NegotiationModel(run)
    while model.running:
        model.step()
    alive = weakref.ref(model)
    release(model)
    del model
    gc.collect()
    assert alive() is None
    assert not any(isinstance(key, NegotiationModel) for key in getattr(Agent, "_ids", {}))
