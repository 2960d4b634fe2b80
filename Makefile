# Developer entry points (see README.md). Needs only make and Python >= 3.11.
#   make run    virtualenv, install, translations, migrate, demo data, serve on 127.0.0.1:5000
#               with the worker (`flask work --loop`: mail, package builds) beside it
#   make test   virtualenv with test extras, translations, ruff, pytest ($(PYTEST_ARGS) appended)

PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
FLASK = $(BIN)/flask --app wsgi
PYTEST_ARGS ?=
TRANSLATIONS = portal/translations
# .mo files are not in git: compile whatever catalogues exist, quietly nothing when there are none.
COMPILE_TRANSLATIONS = if ls $(TRANSLATIONS)/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
	  $(BIN)/pybabel --quiet compile -d $(TRANSLATIONS); fi

.PHONY: run test lint format bench translations clean

# The virtualenv; pyvenv.cfg is the file venv writes, so it stands for the whole directory.
$(VENV)/pyvenv.cfg:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "error: Python 3.11 or newer is needed, but '$(PYTHON)' is" \
	    "$$($(PYTHON) --version 2>/dev/null || echo 'not installed')." >&2; \
	  echo "       Install Python >= 3.11 and run e.g. 'make PYTHON=python3.12 $(MAKECMDGOALS)'." >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changed (or the virtualenv is new).
$(VENV)/.installed: pyproject.toml $(VENV)/pyvenv.cfg
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/pyvenv.cfg
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The worker runs beside the development server, so mail is delivered without a second command;
# Ctrl-C ends both, and so does the server ending for any other reason. The trap is needed: a
# background job of a non-interactive shell ignores SIGINT.
run: $(VENV)/.installed
	@$(COMPILE_TRANSLATIONS)
	$(FLASK) db upgrade
	$(FLASK) demo load
	@$(FLASK) work --loop & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  echo "worker (flask work --loop) started beside the server; Ctrl-C stops both"; \
	  $(FLASK) run --host 127.0.0.1 --port 5000

# make stops at the first failing step; a failing pytest (also exit 5, "no tests ran") fails
# the target, and make reports pytest's code as "Error N".
test: $(VENV)/.installed-test
	@$(COMPILE_TRANSLATIONS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks print their own ratios; they are never part of `make test`.
bench: $(VENV)/.installed-test
	@$(COMPILE_TRANSLATIONS)
	@for script in bench/*.py; do \
	  [ -e "$$script" ] || { echo "no benchmarks in bench/"; break; }; \
	  echo "== $$script"; \
	  $(BIN)/python "$$script" || exit 1; \
	done

# Extract the German msgids and merge them into every catalogue; translate, then `make run`.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --project cpce-portal \
	  -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

# Leaves instance/ alone: it holds the development database, the vault key and the license key.
clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find $(TRANSLATIONS) -name '*.mo' -type f -exec rm -f {} +
