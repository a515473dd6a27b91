# The two commands: `make run` and `make test`. Each sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint format bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes; one stamp per set of extras.
$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[postgres]'
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	@touch $@ $(VENV)/.installed-app

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench,postgres]'
	@touch $@ $(VENV)/.installed-app

run: $(VENV)/.installed-app
	$(BIN)/clinic-onboard db upgrade
	$(BIN)/clinic-onboard seed-demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	$(BIN)/clinic-onboard run --host $(HOST) --port $(PORT)

# One worker per core (pytest-xdist); a test file stays on one worker, so its module fixtures
# (a browser journey's server, a built wheel) start once. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Prints figures (bench/README.md); BENCH_ARGS=--quick for a smoke run, or
# BENCH_ARGS=--database-url=postgresql+psycopg://... for your own PostgreSQL database.
bench: $(VENV)/.installed-bench
	$(BIN)/python -m bench.run $(BENCH_ARGS)

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract the strings to translate, merge them into the French catalog, compile it.
CATALOG := clinic_onboard/translations
translations: $(VENV)/.installed-app
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k N_ --no-location --sort-output -o messages.pot .
	$(BIN)/pybabel -q update -i messages.pot -d $(CATALOG) -l fr_CA --no-fuzzy-matching
	$(BIN)/pybabel -q compile -d $(CATALOG) -l fr_CA --statistics
	@rm -f messages.pot

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
