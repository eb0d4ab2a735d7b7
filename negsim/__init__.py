"""negsim: a multilateral negotiation simulated many times over.

The one import package of the distribution. Its layers are sub-packages, each
kept in its own top-level folder of the repository (``pyproject.toml`` maps
them): ``negsim.sim`` (``sim/``: specs, validation, numpy kernels, closed-form
references), ``negsim.agents`` (``agents/``: the Mesa model and its agents),
``negsim.experiments`` (``experiments/``: the commands, sweeps, reports and
comparisons), ``negsim.configs`` (``configs/``: the Hydra configs) and
``negsim.seeds`` (``seeds/``: the source documents).
"""

__all__: list[str] = []
