# The two commands: `make run` and `make test`. Both create the virtualenv and install on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SCENARIO ?= all

.PHONY: run test unit faults lint format bench docs clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { echo "python3-venv is missing: apt-get install python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	@touch $@

run: $(VENV)/.installed
	$(PY) -m devstack run

# The suite on TEST_WORKERS processes (pytest-xdist): the tests mostly wait on PostgreSQL, NATS and
# Chromium, so more workers than cores pay. TEST_WORKERS=0 runs it in one process; `pytest tests/x.py`
# alone is one process too.
TEST_WORKERS ?= 5
test: $(VENV)/.installed
	$(PY) -m pytest -n $(TEST_WORKERS) --dist load

# The fault suite: services as real processes, killed on purpose. CI sizes by default; FAULTS_FULL=1 for
# the full ones (2,000 voters...).
faults: $(VENV)/.installed
	$(PY) -m pytest tests/faults -m faults $(FAULTS_ARGS)

# The pure rules alone: no PostgreSQL, no NATS, no HTTP; seconds, for every save.
unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed
	$(PY) -m bench $(SCENARIO)

docs: $(VENV)/.installed
	$(PY) -m schemas.asyncapi

clean:
	rm -rf $(VENV) .run .pytest_cache .ruff_cache
