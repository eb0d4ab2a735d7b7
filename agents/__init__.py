"""The Mesa layer: the negotiation model and its agents (imports ``negsim.sim``, Mesa and numpy).

Mesa's own package ``__init__`` is deferred (:mod:`negsim.agents.mesa_core`):
the model imports ``mesa.model`` and ``mesa.agent`` only, so a run does not
pay for the parts of Mesa it never uses.
"""

from negsim.agents.mesa_core import defer_mesa_package

defer_mesa_package()
