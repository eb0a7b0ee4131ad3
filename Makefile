# The two commands: `make run` (the dashboard with its sandbox, worker and beat) and `make test` (the whole suite).
# The venv's Python: the system's /usr/bin/python3 when it is 3.11 or newer, else the first python3 on PATH.
# Distributions build theirs with PGO and LTO; pyenv's default build has neither, and took a fifth more CPU
# time for tests/core and tests/content (72 s against 60 s, one machine). `make PYTHON=...` picks another.
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo /usr/bin/python3 || echo python3)
VENV := .venv
BIN := $(VENV)/bin

# The port of `make run`: `make run PORT=8100`, else SYNADMIN_PORT from the environment, else 8000. Every
# command sees it as SYNADMIN_PORT: the web server binds it (Procfile.dev), and the demo connections
# written by `make setup` default to its sandbox (settings.SANDBOX_BASE_URL).
ifneq ($(origin PORT),command line)
PORT := $(or $(SYNADMIN_PORT),8000)
endif
export SYNADMIN_PORT := $(PORT)
# The sandbox's own server (Procfile.dev): SANDBOX_PORT on make's command line, else SYNADMIN_SANDBOX_PORT,
# else the web port plus one; the demo connections follow it (settings.SANDBOX_BASE_URL).
ifneq ($(origin SANDBOX_PORT),command line)
SANDBOX_PORT := $(or $(SYNADMIN_SANDBOX_PORT),$(shell echo $$(($(PORT) + 1))))
endif
export SYNADMIN_SANDBOX_PORT := $(SANDBOX_PORT)

# Python keeps the bytecode it compiles (in __pycache__/, ignored by git), also where the environment says not
# to: otherwise every process of a run (each test worker, each server and subprocess a test starts) compiles
# the project and rewrites the test modules again, four seconds a worker.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-embedded fuzz a11y setup lint

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

.env:
	$(PYTHON) scripts/make_env.py .env

# Collected and compressed again only when a static file or the installed packages change (ten seconds each
# time otherwise).
STATIC_SOURCES := $(shell find static -type f; find apps -path '*/static/*' -type f)
staticfiles/staticfiles.json: $(BIN)/.installed .env $(STATIC_SOURCES)
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	touch $@

setup: $(BIN)/.installed .env staticfiles/staticfiles.json
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input --verbosity 0
	$(BIN)/python manage.py seed_sandbox
	$(BIN)/python manage.py create_demo_connections
	$(BIN)/python manage.py ensure_admin --welcome var/welcome
	$(BIN)/python manage.py create_demo_schedule
	$(BIN)/python manage.py create_demo_launches

# scripts/run.py starts the four processes and starts again one that exits (honcho stopped them all);
# settings.py reads .env itself and lets the environment win.
run: setup
	@echo "Starting synadmin at http://127.0.0.1:$(PORT)/, its sandbox at http://127.0.0.1:$(SANDBOX_PORT)/sandbox/ (Ctrl-C stops web, sandbox, worker and beat)"
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python scripts/run.py Procfile.dev http://127.0.0.1:$(PORT)/ var/welcome

# Two xdist workers (each with its own test database, broker queue or folder, and live server), an idle one
# taking tests from the other's queue (worksteal: the browser tests are long); `make test XDIST=0` runs in
# one process. Single files stay simple: `.venv/bin/pytest tests/core` has no -n.
XDIST ?= 2
test: $(BIN)/.installed .env staticfiles/staticfiles.json
	mkdir -p var
	SYNADMIN_SANDBOX=1 $(BIN)/pytest -n $(XDIST) --dist worksteal -m "not fuzz and not a11y" $(PYTEST_ARGS)

# The browser walk of every page for each role at both widths (axe-core, no sideways scroll): minutes long,
# so not part of `make test`; CI runs it after it.
a11y: $(BIN)/.installed .env staticfiles/staticfiles.json
	mkdir -p var
	SYNADMIN_SANDBOX=1 $(BIN)/pytest -n $(XDIST) --dist worksteal -m a11y tests/e2e $(PYTEST_ARGS)

# The slow generated-input runs (tests/fuzz/, marker `fuzz`): not part of `make test`; CI runs them after it.
fuzz: $(BIN)/.installed .env staticfiles/staticfiles.json
	mkdir -p var
	SYNADMIN_SANDBOX=1 $(BIN)/pytest -n $(XDIST) --dist worksteal -m fuzz tests/fuzz $(PYTEST_ARGS)

# The short pass against the embedded defaults (SQLite, filesystem broker), whatever the environment says.
test-embedded: $(BIN)/.installed .env staticfiles/staticfiles.json
	mkdir -p var
	env -u DATABASE_URL -u CELERY_BROKER_URL -u CACHE_URL $(BIN)/pytest -m embedded $(PYTEST_ARGS)

# mypy reads its settings (strict, the Django and pydantic plugins) from pyproject.toml; the Django plugin
# loads the settings, which want the secrets of .env and the sandbox's app.
lint: $(BIN)/.installed .env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	SYNADMIN_SANDBOX=1 $(BIN)/mypy
