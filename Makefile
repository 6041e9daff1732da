# Amparo. `make run` serves the demo on http://127.0.0.1:8000; `make test` runs linters and every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
AMPARO := $(BIN)/amparo
RUN_ENV := DEBUG=1 AMPARO_DEMO=1

.PHONY: otp run test lint typecheck pytest install install-dev browser-deps messages check-messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/constraints.txt
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(RUN_ENV) $(AMPARO) migrate --noinput
	$(RUN_ENV) $(AMPARO) demo-data --if-empty --persons 300 --linkage
	@echo "Amparo is on http://127.0.0.1:8000 (Ctrl-C to stop)"
	@# The task worker (notification e-mails, reminders) runs in the background, and a small loop enqueues
	@# the reminders job every AMPARO_REMINDERS_EVERY_SECONDS (1 h); both stop when the server stops.
	@$(RUN_ENV) $(AMPARO) db_worker --no-reload & worker=$$!; \
	$(RUN_ENV) $(AMPARO) send-reminders --every & reminders=$$!; \
	trap 'kill $$worker $$reminders 2>/dev/null' EXIT; trap 'exit 130' INT TERM HUP; \
	echo "The task worker runs beside the server (pid $$worker): it sends the notification e-mails."; \
	echo "The reminders loop (pid $$reminders) enqueues the reminders job every hour for the worker."; \
	$(RUN_ENV) $(AMPARO) serve 127.0.0.1:8000 & server=$$!; \
	trap 'kill $$server $$worker $$reminders 2>/dev/null' EXIT; \
	wait $$server

# The current two-factor code of a demo account: make otp ACCOUNT=ana.caseworker
otp: install
	@$(RUN_ENV) $(AMPARO) demo-otp $(ACCOUNT)

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src

# Debian's chromium for the Playwright tests: installed when missing and we are root.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "Could not install chromium: browser tests will be skipped."; \
	  else \
	    echo "Browser tests need Debian's chromium: sudo apt-get install -y chromium (they will be skipped)."; \
	  fi; \
	fi

pytest: install-dev browser-deps
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test: lint pytest

# Translations: regenerate the catalogue (then translate the new entries) and compile it.
messages: install-dev
	cd src/amparo && DEBUG=1 ../../$(AMPARO) makemessages -l es --no-obsolete --no-location
	cd src/amparo && DEBUG=1 ../../$(AMPARO) compilemessages

check-messages: install-dev
	$(BIN)/python bench/../.ci/check_translations.py

bench: install-dev
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
