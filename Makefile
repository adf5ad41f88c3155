# The two commands of the README are `make book` and `make test`; both create the
# pinned virtual environment .venv on first use (needs only python3 and make).
#   make book      build the HTML book into _build/html (warnings are errors); stops first,
#                  saying what to run, if a chapter's stored outputs or widget state are broken
#   make test      everything CI checks: lint, then `make book`, then unit tests, strict
#                  nbval of every chapter and the browser tests of the built book
#                  (tests/test_browser.py; skip them locally with PYTEST_ARGS='-m "not browser"');
#                  as root, it installs Debian's chromium for them first if it is missing
#   make chromium  that step alone
#   make execute   re-execute the chapters in place, in the pinned environment
#                  (all of them, or CHAPTERS=chapters/03_vanishing_gradients.ipynb)
#   make experiments  re-run chapter 4's long-lag sweep (about half an hour on 2 cores) and
#                  rewrite experiments/results/ (then `make execute` to update the chapter)
#   make notebook  open the chapters in Jupyter Notebook (installs it into .venv first)
#   make serve     serve _build/html on http://127.0.0.1:8000
#   make pins      check that requirements.txt resolves for the lowest promised Python
#   make clean     remove _build and caches (keeps .venv)

SHELL := bash
comma := ,
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The README's promise: Python 3.11.0 or newer. `make test` checks that the pins resolve there.
MIN_PYTHON := 3.11
LOWEST_PROMISED := 3.11.0

# Up front, one line: which interpreter was found, and what is needed.
PYTHON_FOUND := $(shell $(PYTHON) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)
PYTHON_OK := $(shell $(PYTHON) -c 'import sys; print(int(sys.version_info >= ($(subst .,$(comma),$(MIN_PYTHON)))))' 2>/dev/null)
ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),book)),)
ifeq ($(PYTHON_FOUND),)
$(error needs Python >= $(MIN_PYTHON), but '$(PYTHON)' was not found; run e.g. make PYTHON=python3.11)
endif
ifneq ($(PYTHON_OK),1)
$(error needs Python >= $(MIN_PYTHON), found $(PYTHON) $(PYTHON_FOUND); run e.g. make PYTHON=python3.11)
endif
endif
# A .venv that cannot run pip (an interrupted `python -m venv`) or was made by another
# Python version than $(PYTHON) is rebuilt, and the terminal says why.
VENV_PROBLEM := $(shell test -e $(VENV) || exit 0; \
	v=$$($(BIN)/python -c 'import sys, pip; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) \
	  || { echo "it has no working python or pip (interrupted creation?)"; exit 0; }; \
	w=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	test "$$v" = "$$w" || echo "it was made by Python $$v, $(PYTHON) is $$w")
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
CHAPTERS ?= $(wildcard chapters/*.ipynb)
# Everything runs with the same kernel and no GUI backend, locally and in CI.
export MPLBACKEND := module://matplotlib_inline.backend_inline
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: book test lint unit execute experiments notebook serve clean venv pins chromium FORCE

venv: $(STAMP)

ifneq ($(VENV_PROBLEM),)
$(STAMP): FORCE
endif
$(STAMP): requirements.txt pyproject.toml
	@if [ -n "$(VENV_PROBLEM)" ]; then echo "rebuilding $(VENV): $(VENV_PROBLEM)"; rm -rf $(VENV); fi
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	rm -f $(VENV)/.installed-* && touch $@

# tests/browser_helpers.py reads BOOK_BUILD from here to rebuild a stale book the same way.
BOOK_BUILD := jupyter-book build . --builder html -W -n --keep-going

book: $(STAMP)
	$(BIN)/python book_assets/extensions/stored_outputs.py
	$(BIN)/$(BOOK_BUILD)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(STAMP)
	$(BIN)/python -m pytest tests

# The pins must install on the lowest Python the README promises, not only on this one.
pins: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/python -m pip install --quiet --dry-run --ignore-installed --target "$$tmp" \
		--python-version $(LOWEST_PROMISED) --only-binary=:all: -r requirements.txt \
		2> >(grep -v '^WARNING: Location' >&2) \
	&& echo "requirements.txt resolves for Python $(LOWEST_PROMISED)"

# The browser tests drive Debian's chromium ($$CHROMIUM, else chromium on the PATH), never a
# browser downloaded by `playwright install`. CI runs as root on a fresh Debian machine: there
# it is installed here (apt-get update only if the package lists are too old to find it).
# Anyone else without one gets the browser tests skipped, each saying why.
chromium:
	@if [ -n "$${CHROMIUM:-}" ] || command -v chromium >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
		echo "no chromium: the browser tests will be skipped (as root: make chromium)"; exit 0; fi; \
	echo "installing Debian's chromium for the browser tests (apt-get install -y chromium)"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get install -y -q chromium >/dev/null 2>&1 \
		|| { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } \
		|| { echo "make chromium: apt-get install -y chromium failed (see above)" >&2; exit 1; }; \
	command -v chromium

test: lint pins book chromium
	$(BIN)/python -m pytest tests chapters --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg $(PYTEST_ARGS)

execute: $(STAMP)
	$(BIN)/python scripts/execute_chapters.py $(CHAPTERS)

experiments: $(STAMP)
	$(BIN)/python experiments/long_lag.py --sweep --jobs 2

# Jupyter Notebook is not needed to build or test the book, so only this target installs it.
$(VENV)/.notebook-installed: requirements-notebook.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-notebook.txt
	touch $@

notebook: $(VENV)/.notebook-installed
	$(BIN)/jupyter notebook chapters/

serve:
	@test -f _build/html/index.html || { echo "make serve: build the book first (make book)"; exit 1; }
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

clean:
	rm -rf _build .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

# --- teacher's kit (teacher's guide: teachers.md) ------------------------------------
#   make assignments   otter assign every assignments/<name>/<name>.ipynb into
#                      _build/assignments/<name>/ (student/ and autograder/)
#   make book-student  the book without any exercise solution, into _build/student/html
.PHONY: assignments book-student

assignments: $(STAMP)
	$(BIN)/python scripts/build_assignments.py

book-student: $(STAMP)
	$(BIN)/python scripts/build_student_book.py
