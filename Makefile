# Two commands do all the set-up on a fresh machine with Python 3.11+, make and git:
#   make run    the inbox on the embedded default (SQLite, a SQLite-file broker, sandbox channel)
#   make test   the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
DEMO_PASSWORD ?= webcare-demo
# Test processes (pytest-xdist); a test file runs whole in one process, so its fixtures are shared.
TEST_WORKERS ?= auto
# make soak: `make run`'s processes for SOAK_MINUTES under load, on var/soak and SOAK_PORT.
SOAK_MINUTES ?= 10
SOAK_PORT ?= 8765
export PORT HOST DEMO_PASSWORD

.PHONY: run soak test install messages model migrate seed lint bench clean test-tools

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[test]"
	touch $@

install: $(VENV)/.installed

# axe-core for the browser tests' accessibility checks, from the npm registry (package.json pins
# it, package-lock.json its checksum). Test-only: never served, never committed (node_modules/).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility checks of the browser tests will skip"; fi

test-tools: node_modules/.installed

messages: install
	$(BIN)/pybabel --quiet compile --domain django --directory locale

# The triage model is built from the training files in the repository, never committed; this
# rebuilds it only when they (or the code reading them) changed.
model: install
	$(BIN)/python manage.py triage_train --if-stale

migrate: install messages model
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@echo ""
	@echo "  Webcare inbox: http://$(HOST):$(PORT)/"
	@echo "  Log in as agent, adviser, wijk, wijk2, manager or admin, password: $(DEMO_PASSWORD)"
	@echo "  (web server, Celery worker and beat run below; Ctrl-C stops all three, and so does"
	@echo "   one of them exiting: the last line then says which one and why)"
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m webcare.supervise Procfile.dev

soak: messages
	$(BIN)/python manage.py soak --minutes $(SOAK_MINUTES) --port $(SOAK_PORT)

test: messages model test-tools
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf var db.sqlite3 staticfiles node_modules
