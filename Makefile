# The two commands: `make run` (set up, then run the default scenario) and
# `make test` (set up, then run the whole test suite). Both need only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
INSTALL = $(BIN)/python -m pip install --quiet -c constraints.txt

.PHONY: run test test-fast lint bench clean browser test-compat

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

# The inner loop: every test but those marked slow, browser or ray (see pyproject.toml); under a minute.
test-fast: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow and not browser and not ray" $(PYTEST_ARGS)

# Mesa 3.4+ needs Python 3.12: where a python3.12 is on the machine, check the engine on it too.
PYTHON312 ?= $(shell for p in $$HOME/.pyenv/versions/3.12*/bin/python3.12 $$(command -v python3.12); do \
  "$$p" -c pass >/dev/null 2>&1 && { echo "$$p"; break; }; done)
test-compat:
	@if [ -z "$(PYTHON312)" ]; then echo "no python3.12 here: skipping the Mesa 3.4+ check"; else \
	  test -x .venv312/bin/python || $(PYTHON312) -m venv .venv312; \
	  .venv312/bin/python -m pip install --quiet --upgrade pip && \
	  .venv312/bin/python -m pip install --quiet -c constraints.txt -e '.[dev]' && \
	  .venv312/bin/python -c "import mesa, sys; print('Python', sys.version.split()[0], 'Mesa', mesa.__version__)" && \
	  .venv312/bin/python -m pytest -q -p no:cacheprovider tests/sim tests/agents tests/test_doctests.py tests/test_layers.py; fi

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(RUN_STAMP)
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/sensitivity.py

clean:
	rm -rf $(VENV) .venv312 outputs multirun .pytest_cache
