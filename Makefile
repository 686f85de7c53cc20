# Retours — the two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
MO := portal/translations/fr/LC_MESSAGES/messages.mo
PO := portal/translations/fr/LC_MESSAGES/messages.po

.PHONY: run test lint format bench translations extract-messages db-upgrade demo clean reliability

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

$(MO): $(PO) | $(VENV)/.runtime
	$(BIN)/pybabel compile --use-fuzzy -d portal/translations -D messages

translations: $(MO)

## make run: the portal with demo data on SQLite, at http://127.0.0.1:5000
run: $(VENV)/.runtime translations
	$(FLASK) db upgrade
	$(FLASK) demo
	$(FLASK) run --debug --host 127.0.0.1 --port 5000

## make test: lint, then the whole suite (TEST_DATABASE_URL=postgresql+psycopg://… for PostgreSQL)
test: lint translations
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

## make reliability: the reliability campaign with many rounds, on SQLite and (with
## TEST_DATABASE_URL=postgresql+psycopg://…) PostgreSQL side by side; writes docs/RELIABILITY.md
RELIABILITY_ROUNDS ?= 100
RELIABILITY_OUT := .reliability
RELIABILITY_PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider tests/reliability
reliability: $(VENV)/.dev translations
	rm -rf $(RELIABILITY_OUT) && mkdir -p $(RELIABILITY_OUT)
	-env -u TEST_DATABASE_URL RELIABILITY_ROUNDS=$(RELIABILITY_ROUNDS) \
		RELIABILITY_RESULTS=$(RELIABILITY_OUT)/sqlite.json $(RELIABILITY_PYTEST) & \
	if [ -n "$$TEST_DATABASE_URL" ]; then \
		RELIABILITY_ROUNDS=$(RELIABILITY_ROUNDS) \
		RELIABILITY_RESULTS=$(RELIABILITY_OUT)/postgresql.json $(RELIABILITY_PYTEST); fi; \
	wait
	$(BIN)/python scripts/reliability_report.py docs/RELIABILITY.md $(RELIABILITY_OUT)/*.json

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench: the portal under load from outside, against hello world (bench/REPORT.md);
## with TEST_DATABASE_URL=postgresql+psycopg://… also on PostgreSQL. Needs Redis.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet -r bench/requirements.txt
	touch $@

bench: $(VENV)/.dev translations $(BENCH_VENV)/.installed
	$(BIN)/python bench/run.py

extract-messages: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations -D messages --no-fuzzy-matching

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
