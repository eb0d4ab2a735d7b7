"""The application layer: the ``negsim`` commands around the engine.

``app`` is the entry point of ``negsim`` (a thin Hydra app); the sub-packages
do the work, each with its own command where it has one (``cli`` modules):
``run`` (one run and its folder), ``pages`` (the shared HTML page writer),
``report`` (``report.html``, ``negsim-report``), ``compare``
(``negsim-compare``) and ``sweep`` (sweeps, ``negsim-aggregate``). Imports go
one way: ``run`` <- ``pages`` <- ``report``, ``compare`` <- ``sweep`` <- ``app``;
no module imports an entry point (``app`` or a ``cli`` module).
"""
