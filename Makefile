# The two commands: `make run` (the dashboard with worker and beat) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-embedded setup lint

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

.env:
	$(PYTHON) scripts/make_env.py .env

setup: $(BIN)/.installed .env
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py seed_sandbox
	$(BIN)/python manage.py create_demo_connections
	$(BIN)/python manage.py ensure_admin

run: setup
	@echo "synadmin answers at http://127.0.0.1:8000/ (Ctrl-C stops web, worker and beat)"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho --procfile Procfile.dev start

test: $(BIN)/.installed .env
	mkdir -p var
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	SYNADMIN_SANDBOX=1 $(BIN)/pytest $(PYTEST_ARGS)

# The short pass against the embedded defaults (SQLite, filesystem broker), whatever the environment says.
test-embedded: $(BIN)/.installed .env
	mkdir -p var
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	env -u DATABASE_URL -u CELERY_BROKER_URL -u CACHE_URL $(BIN)/pytest -m embedded $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
