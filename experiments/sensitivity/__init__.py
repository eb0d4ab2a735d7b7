"""Sensitivity analysis (``negsim-sensitivity``): which uncertain values decide the outcome, where a deal is likely."""
