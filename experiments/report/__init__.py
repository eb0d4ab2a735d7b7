"""The teaching report, ``report.html``: one offline page per run, built from the run folder alone
(``negsim-report``)."""
