# Two commands on a fresh machine:
#   make run    set up .venv if needed, then start the app on the embedded default data
#   make test   set up .venv if needed, then ruff (lint and format check) and the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint browser bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: $(VENV)/.installed
	$(PY) serve.py --server.port $(PORT)

# Debian's chromium for the browser test; skipped (and the test says why) where it cannot be installed.
browser:
	@command -v chromium >/dev/null 2>&1 || ( \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; \
	  fi ) || echo "could not install chromium: the browser test will be skipped"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Two workers (pytest-xdist; the browser tests are marked as one group, see docs/testing.md).
# The 15 slowest tests are printed at the end of every run.
test: $(VENV)/.installed browser lint
	$(PY) -m pytest -q -n 2 --dist loadgroup --durations=15

bench: $(VENV)/.installed
	$(PY) bench/train_speed.py

clean:
	rm -rf $(VENV) .pytest_cache
