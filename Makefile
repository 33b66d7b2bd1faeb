# The two commands: `make demo` (run the product) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	CLIENTFOCUS_DATA_DIR=$(CURDIR)/var $(BIN)/clientfocus demo

test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src
	$(BIN)/lint-imports --no-logo

messages: $(STAMP)
	cd src/clientfocus && ../../$(BIN)/django-admin makemessages -l ru -l lt -l sl -l hi --no-obsolete && ../../$(BIN)/django-admin compilemessages

bench: $(STAMP)
	$(BIN)/python benchmarks/service_desk.py
