"""Comparing finished runs (``negsim-compare``): config differences, and outcome differences with intervals."""
