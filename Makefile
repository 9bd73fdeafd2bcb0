# Laurel: `make run` starts the app with a demo edition, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Debian packages the app needs: Pango (with HarfBuzz's subsetter) for
# WeasyPrint, which makes the PDF diplomas. The fonts are bundled in
# app/static/fonts/, so no font package is needed.
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Debian packages the tests need: Chromium for the browser tests (Playwright
# cannot download its own browser here), poppler-utils (pdftoppm) to turn a
# diploma into a picture whose QR code the tests decode.
SYSTEM_PACKAGES := $(RUNTIME_PACKAGES) chromium poppler-utils

.PHONY: run test install system-deps runtime-deps catalogs lint migrate seed clean bench bench-organizer

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: runtime-deps $(VENV)/.installed catalogs

catalogs: $(VENV)/.installed
	$(BIN)/python -m app.i18n compile

# Install the Debian packages of $(1) that are missing (apt-get, with sudo unless root).
define apt_install
	@missing=""; \
	for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

runtime-deps:
	$(call apt_install,$(RUNTIME_PACKAGES))

system-deps:
	$(call apt_install,$(SYSTEM_PACKAGES))

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

# The web app and the background job worker (e-mail, diploma batches), stopped together by Ctrl+C.
run: seed
	@echo "Laurel on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@$(FLASK) jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite on SQLite, then again on PostgreSQL when a server answers.
# Under CI=true a missing PostgreSQL is a failure, not a skip.
test: install system-deps lint
	$(BIN)/pytest
	@if pg_url=$$($(BIN)/python scripts/postgres_url.py); then \
	  echo "== the same suite on PostgreSQL ($$pg_url) =="; \
	  LAUREL_TEST_DATABASE_URL=$$pg_url $(BIN)/pytest; \
	elif [ "$${CI:-}" = "true" ]; then \
	  echo "CI: PostgreSQL is not reachable, so its run cannot be skipped." >&2; exit 1; \
	else \
	  echo "PostgreSQL not reachable: its run was skipped (set DATABASE_URL to a PostgreSQL server to include it)."; \
	fi

# The results-day load test (bench/load.py): gunicorn + a throwaway PostgreSQL
# database beside BENCH_POSTGRES (default postgres@127.0.0.1:5432), under Locust.
$(VENV)/.bench-installed: pyproject.toml | $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $@

bench: $(VENV)/.bench-installed catalogs
	$(BIN)/python bench/load.py

# The organizer's pages at national scale, with requests/s under gunicorn and wrk.
bench-organizer: $(VENV)/.bench-installed catalogs
	@command -v wrk >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python bench/organizer_scale.py --throughput

# Style and a security scan: ruff, then bandit failing on any high-severity
# finding (-lll). Medium findings are the sanitised-HTML Markup calls.
lint: install
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/bandit --quiet --recursive app --severity-level high

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
