# The two commands: `make run` (set up, then run the default scenario) and
# `make test` (set up, then run the whole test suite). Both need only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
INSTALL = $(BIN)/python -m pip install --quiet -c constraints.txt

.PHONY: run test lint bench clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# `make run` needs negsim alone; `make test` adds the test tools and the Ray and SLURM launchers.
$(RUN_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(INSTALL) -e .
	touch $@

$(TEST_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(INSTALL) -e '.[dev,ray,slurm]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/negsim $(ARGS)

# Browser tests open the HTML that students get in Debian's headless Chromium.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests will be skipped)"; fi; }

test: $(TEST_STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(RUN_STAMP)
	$(BIN)/python benchmarks/engine.py

clean:
	rm -rf $(VENV) outputs multirun .pytest_cache
