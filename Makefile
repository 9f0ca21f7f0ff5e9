# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

# The first interpreter that really runs and is 3.12+. PYTHON=/path/to/python3 overrides.
find_python = for p in $(PYTHON) python3 python3.14 python3.13 python3.12 \
	$$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	  if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    command -v "$$p" 2>/dev/null || echo "$$p"; exit 0; fi; \
	done; exit 1

# `make run` serves with production settings on plain HTTP over loopback.
RUN_ENV = DEBUG=false HTTPS=false SERVE_MEDIA=true PORT=$(PORT) \
	CACHE_URL="$${CACHE_URL:-file://var/cache}" \
	SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"

.PHONY: help run test check static-checks cluster bench bench-consent bench-live bench-metrics drill loadtest soak backup restore recover archive-status failover drill-recovery drill-failover lint format lock \
	stopdb clean test-system-packages cluster-system-packages
help:
	@echo "make run    install, start the database, migrate, load the demo and serve on :$(PORT)"
	@echo "make test   install and run the whole test suite (lint and migrations checked too)"
	@echo "make check  the fast inner loop: lint, layers, migrations, tests but browser and slow ones"
	@echo "make cluster  Varnish on :8080 in front of two app servers, Redis, PostgreSQL and S3"
	@echo "make bench  serve 10,000 generated articles with gunicorn and measure them with wrk"
	@echo "make bench-live   a breaking-news day on one live page through Varnish"
	@echo "make bench-metrics  the newsroom day watched by Prometheus, beside the bench's counts"
	@echo "make loadtest  2 minutes of mixed traffic, then again with PostgreSQL restarted"
	@echo "make drill  20 slow clients for 60 s against gunicorn alone, then behind Varnish"
	@echo "make soak   10 minutes of mixed traffic, Redis and PostgreSQL restarted, memory per worker"
	@echo "make backup | restore [FILE=var/backups/...]   pg_dump / pg_restore of the site's database"
	@echo "make recover [AT=\"2026-12-03 16:59+05\"]   the private database from its WAL archive"
	@echo "make failover   the cluster's replica becomes the primary (FORCE=1 stops the old one)"
	@echo "make drill-recovery | drill-failover   the database dies mid-day: what is lost, how long"
	@echo "make lint | format | lock | stopdb | clean"

# Everything is installed from requirements.lock: exact versions with their hashes, the same on
# every machine. `make lock` refreshes it from pyproject.toml.
$(STAMP): requirements.lock
	@python=$$($(find_python)) || { echo "newsportal needs Python 3.12+; none found. Set PYTHON=/path/to/python3.12" >&2; exit 1; }; \
	  if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	@touch $@

lock:
	@[ -x $(PY) ] || $(MAKE) --no-print-directory $(STAMP)
	$(PY) -m pip install --quiet "uv>=0.13,<0.14"
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 \
	  --generate-hashes --no-header --quiet --upgrade -o requirements.lock

# Translations: compiled from the committed .po files on every machine (Babel: GNU gettext is
# not needed). A .mo is never committed; a missing one would show English, never empty text.
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
locale/%.mo: locale/%.po $(STAMP)
	@$(VENV)/bin/pybabel -q compile -i $< -o $@

var/secret_key:
	@mkdir -p var
	@umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: $(STAMP) $(MO) var/secret_key
	@# Commands run beside this site (manage.py import_article...) use its cache and address.
	@$(RUN_ENV) $(PY) -c 'import os, pathlib, newsportal.env as e; e.write_site_env(pathlib.Path("var/site.env"), {k: os.environ[k] for k in ("CACHE_URL", "SITE_URL")})'
	@$(RUN_ENV) $(PY) manage.py migrate --noinput
	@[ -n "$$DATABASE_URL" ] || $(PY) -m newsportal.archive base --if-older-than 24
	@$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	@$(RUN_ENV) $(PY) manage.py load_demo
	@echo
	@echo "  The portal:   http://127.0.0.1:$(PORT)/"
	@echo "  The admin:    http://127.0.0.1:$(PORT)/admin/"
	@echo "  Site health:  http://127.0.0.1:$(PORT)/admin/site-health/   Metrics: http://127.0.0.1:$(PORT)/metrics"
	@echo "  An editor account (in another terminal):  $(PY) manage.py createsuperuser"
	@echo "  Stop with Ctrl-C; the database keeps its data (make stopdb stops it)."
	@echo
	@$(RUN_ENV) exec $(VENV)/bin/gunicorn -c gunicorn.conf.py

# System packages the tests use: Chromium for the browser tests, Java and npm for the W3C HTML
# validator, Varnish with its xkey module for the edge tests, redis-server for the cache-outage
# test (the suite starts its own, on a free port), Prometheus and its exporters for the
# monitoring tests. Installed where we can (root with
# apt-get, as in CI); elsewhere the tests that need them are skipped with a printed reason.
test-system-packages:
	@missing=""; \
	  if [ -z "$$CHROMIUM_PATH" ] && ! command -v chromium >/dev/null 2>&1; then missing="chromium"; fi; \
	  command -v varnishd >/dev/null 2>&1 || missing="$$missing varnish"; \
	  ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || missing="$$missing varnish-modules"; \
	  command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	  command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	  command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	  for program in prometheus prometheus-varnish-exporter prometheus-postgres-exporter \
	    prometheus-redis-exporter; do \
	    command -v $$program >/dev/null 2>&1 || missing="$$missing $$program"; done; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      echo "Installing for the tests:$$missing (apt-get, a minute or two)"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    else \
	      echo "NOTE: missing$$missing and cannot install them here (needs root and apt-get):"; \
	      echo "      the tests that need them will be skipped. CHROMIUM_PATH names another Chromium."; \
	    fi; \
	  fi

# The W3C Nu HTML validator for the markup tests (npm package, runs on Java); skipped without them.
VNU := tests/tools/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU): tests/tools/package.json | test-system-packages
	@if command -v npm >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then \
	  cd tests/tools && npm ci --no-audit --no-fund --silent && touch $(CURDIR)/$@; \
	else echo "NOTE: npm or java is missing: the HTML validation tests will be skipped."; fi

# Lint, format, the import layers (pyproject.toml) and forgotten migrations.
static-checks: $(STAMP) $(MO)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run

# Python keeps compiled modules between runs (__pycache__, ignored by git) even where the
# environment says not to: every test worker and every manage.py a test starts would compile the
# project and rewrite the tests' asserts again.
test check: export PYTHONDONTWRITEBYTECODE :=

# Tests run on every core (pytest-xdist; PYTEST_WORKERS=0 runs them in one process), each worker
# on a test database of its own (pytest-django names them test_<db>_gw0, _gw1...).
PYTEST_WORKERS ?= auto
test: static-checks test-system-packages $(VNU)
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The inner loop: everything but the browser and slow tests; on this 2-core machine 40-65 s,
# by how busy its host is (the target is 30 s).
# The workers' test databases are kept between runs (--reuse-db; Django still migrates them);
# tests/browser/ (Chromium only) is not even collected.
check: static-checks
	$(PY) -m pytest -n $(PYTEST_WORKERS) --reuse-db -m "not browser and not slow" --ignore=tests/browser \
	  $(PYTEST_ARGS)

# The production topology on one machine: Varnish on EDGE_PORT (8080) in front of two gunicorn
# app servers, Redis, the private PostgreSQL (or DATABASE_URL) and a local S3 server for media.
cluster: $(STAMP) $(MO) var/secret_key cluster-system-packages
	$(PY) deploy/cluster.py

# The cluster's replica becomes the primary (refused while the primary answers; FORCE=1 stops it).
failover: $(STAMP)
	$(PY) deploy/replica.py

cluster-system-packages:
	@missing=""; \
	  command -v varnishd >/dev/null 2>&1 || missing="varnish"; \
	  ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || missing="$$missing varnish-modules"; \
	  command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	  for program in prometheus prometheus-varnish-exporter prometheus-postgres-exporter \
	    prometheus-redis-exporter; do \
	    command -v $$program >/dev/null 2>&1 || missing="$$missing $$program"; done; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	      echo "Installing for the cluster:$$missing (apt-get)"; \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    else echo "make cluster needs:$$missing (install them, e.g. with apt-get)" >&2; exit 1; fi; \
	  fi

# Load figures for the README's Performance table (a few minutes; not part of make test).
bench: $(STAMP) $(MO)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq && apt-get install -y -qq wrk >/dev/null 2>&1; } || true
	@command -v varnishd >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  command -v apt-get >/dev/null 2>&1 && apt-get install -y -qq varnish varnish-modules nginx >/dev/null 2>&1; } || true
	BENCH_ARTICLES=$(ARTICLES) $(PY) tests/perf/bench.py
	BENCH_ARTICLES=$(ARTICLES) $(PY) tests/perf/search_latency.py
	$(PY) tests/perf/newsroom_day.py
	$(PY) tests/perf/tricks.py

# The consent dashboard over a million generated events (PostgreSQL keeps the tally).
bench-consent: $(STAMP) $(MO)
	$(PY) tests/perf/consent_dashboard.py

# A breaking-news day on one live page through Varnish: readers, an editor posting, pollers.
# The newsroom day watched by Prometheus: the metrics beside the bench's own counts.
bench-metrics: $(STAMP) $(MO)
	$(PY) tests/perf/metrics_bench.py

bench-live: $(STAMP) $(MO) cluster-system-packages
	$(PY) tests/perf/live_bench.py

# Slow clients against gunicorn alone, then against the edge in front of it (about 3 minutes).
drill: $(STAMP) $(MO) cluster-system-packages
	$(PY) tests/perf/slowloris.py

# The database dies at 90 s of a newsroom day (tests/perf/drills.py): rebuilt from the WAL archive,
# or the streaming replica promoted; each prints what was lost, how long it took, the 5xx.
drill-recovery drill-failover: $(STAMP) $(MO)
	$(PY) tests/perf/drills.py $(@:drill-%=%)

# Mixed traffic at 64 connections, undisturbed and with PostgreSQL restarted (about 5 minutes).
loadtest: $(STAMP) $(MO)
	$(PY) tests/perf/loadtest.py

# 10 minutes of the same traffic with Redis and PostgreSQL restarted, and memory per worker.
soak: $(STAMP) $(MO) cluster-system-packages
	$(PY) tests/perf/loadtest.py soak

# Backups of the site's database (pg_dump custom format) in var/backups/.
backup: $(STAMP)
	$(PY) manage.py backup

restore: $(STAMP)
	$(PY) manage.py restore $(FILE)

# The private PostgreSQL archives its WAL continuously (var/backups/wal, at most 60 s behind) and
# takes a base backup a day (var/backups/base). `make recover` rebuilds var/postgres from them: to
# the last archived change, or to AT="2026-12-03 16:59:00+05" (before a mistake). Stop the server
# first (make stopdb); the old data directory is kept aside.
recover: $(STAMP)
	$(PY) -m newsportal.archive recover $(if $(AT),--at "$(AT)")
	$(PY) manage.py check_media --repair

archive-status: $(STAMP)
	$(PY) -m newsportal.archive status

lint: static-checks

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

stopdb: $(STAMP)
	$(PY) manage.py stopdb
	@$(PY) -c "import sys; sys.path.insert(0, 'tests/perf'); import common; common.stop_bench_server()"

clean: stopdb
	rm -rf $(VENV) var .pytest_cache .ruff_cache
