# The two commands: `make run` (the whole system, demo data included) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

PRISM := tests/sms/node_modules/.bin/prism
ASSETS := web/node_modules/.package-lock.json

.PHONY: run test faults lint install clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# htmx and Leaflet for the console, served by the app itself (pinned by the lock file).
$(ASSETS): web/package.json web/package-lock.json
	npm ci --prefix web --ignore-scripts --no-audit --no-fund
	touch $(ASSETS)

# Prism serves Twilio's own API spec for the gateway tests (pinned by the lock file).
$(PRISM): tests/sms/package.json tests/sms/package-lock.json
	npm ci --prefix tests/sms --ignore-scripts --no-audit --no-fund
	touch $(PRISM)

run: $(STAMP) $(ASSETS)
	scripts/services.sh brigada
	export BRIGADA_ENV=$${BRIGADA_ENV:-dev}; \
	$(BIN)/brigada migrate && \
	$(BIN)/brigada demo seed --if-empty && \
	echo "Brigada: http://127.0.0.1:$${BRIGADA_PORT:-8000}/console/  (API: /docs; logins: admin, manager, dispatcher, foreman; password <role>-demo-2026)" && \
	exec $(BIN)/brigada run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: $(STAMP) $(PRISM) $(ASSETS)
	scripts/services.sh brigada_test --rabbitmq
	scripts/browser.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	BRIGADA_ENV=test $(BIN)/pytest -n 2 --dist loadfile --ignore=tests/faults

# Fault tests (tests/faults, docs/reliability.md): each test kills and restarts servers of its
# own (a private PostgreSQL cluster and Redis, a fake Twilio), never the shared ones; the whole
# set three times in a row, stopping at the first run that fails. Includes the burst of 200
# requests at one order (tests/faults/test_burst.py), which once wedged the API for good, and
# every process twice with jobs on the machine's RabbitMQ (queues of its own, never killed).
faults: $(STAMP)
	scripts/services.sh brigada_test --rabbitmq
	for run in 1 2 3; do \
		echo "faults: run $$run of 3"; \
		BRIGADA_ENV=test $(BIN)/pytest tests/faults || exit 1; \
	done

clean:
	rm -rf $(VENV)
