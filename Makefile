# ecoute — the two commands of the README:
#   make demo   set everything up (virtualenv, dependencies, Kafka + Elasticsearch) and run the demo
#   make test   set everything up and run every check and test (what .ci/run calls)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo demo-once test lint typecheck pytest stack-up stack-down clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ecoute demo

demo-once: $(STAMP)
	$(BIN)/ecoute demo --once

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest exit code 5 means "no tests collected": not a failure of the suite.
pytest: $(STAMP)
	$(BIN)/python -m pytest -q -rs $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

test: lint typecheck pytest

stack-up: $(STAMP)
	$(BIN)/ecoute stack up

stack-down: $(STAMP)
	$(BIN)/ecoute stack down

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
