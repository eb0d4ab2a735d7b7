"""One run of the ``negsim`` command: checking its config, simulating, and the files of its folder.

``checks`` turns a composed config into a checked spec (bad input: one line,
exit status 2); ``job`` simulates it and writes the run folder (``files``)
with a summary table on the terminal (``console``); ``folder`` reads a
finished run folder back. Knows nothing of sweeps, reports or comparisons.
"""
