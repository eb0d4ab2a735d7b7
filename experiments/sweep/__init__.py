"""Sweeps (``negsim -m``): the sweep folder and its progress, the pre-sweep value check, the end-of-sweep table and
charts (``negsim-aggregate``), and the Hydra callback that ties them to a multirun."""
