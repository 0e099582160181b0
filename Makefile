# The Innovation Accelerator Portal. `make help` lists the targets.
# `make run` and `make test` bootstrap everything from nothing; a second run only does what changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run test lint fmt typecheck migrations-check worker beat messages compilemessages \
        migrate demo setup clean lock check-deploy

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $(STAMP)

setup: $(STAMP) compilemessages ## Create .venv, install the lock file, compile translations
	$(PY) manage.py collectstatic --noinput --verbosity 0

compilemessages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --verbosity 0

migrate: setup ## Apply migrations
	$(PY) manage.py migrate --noinput --verbosity 1

demo: migrate ## Load the demo data (idempotent)
	$(PY) manage.py seed_demo

run: demo ## Set everything up and serve http://127.0.0.1:8000 (with a worker when REDIS_URL is set)
	@if [ -n "$$REDIS_URL" ]; then \
	  echo "REDIS_URL is set: starting a Celery worker beside the web server"; \
	  $(BIN)/celery -A portal worker -Q celery,reports --loglevel=info --concurrency=2 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT); \
	else \
	  $(PY) manage.py runserver $(HOST):$(PORT); \
	fi

test: setup ## Set everything up and run the whole test suite
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP) ## Format and autofix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP) ## mypy with django-stubs
	$(BIN)/mypy .

migrations-check: $(STAMP) ## Fail if a model change has no migration
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: $(STAMP) ## manage.py check --deploy under production settings (needs the production env vars)
	DJANGO_SETTINGS_MODULE=portal.settings.production $(PY) manage.py check --deploy --fail-level WARNING

worker: $(STAMP) ## Run a Celery worker for mail and PDF reports (needs REDIS_URL)
	$(BIN)/celery -A portal worker -Q celery,reports --loglevel=info

beat: $(STAMP) ## Run Celery beat (needs REDIS_URL)
	$(BIN)/celery -A portal beat --loglevel=info

messages: $(STAMP) ## Extract translatable strings into locale/*/LC_MESSAGES/django.po
	$(PY) manage.py makemessages -l sv -l en --ignore=.venv --ignore=staticfiles --ignore=tests --no-obsolete
	$(PY) manage.py fill_english_catalog
	@msgfmt --statistics -o /dev/null locale/sv/LC_MESSAGES/django.po

lock: ## Re-pin requirements*.lock from pyproject.toml (needs network to PyPI)
	$(PY) -m piptools compile -q --strip-extras --generate-hashes --allow-unsafe -o requirements.lock pyproject.toml
	$(PY) -m piptools compile -q --strip-extras --generate-hashes --allow-unsafe --extra dev -o requirements-dev.lock pyproject.toml

clean: ## Remove the virtualenv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles
