# The two commands of the README are `make book` and `make test`; both create the
# pinned virtual environment .venv on first use (needs only python3 and make).
#   make help      this list
#   make book      build the HTML book into _build/html (warnings are errors); stops first,
#                  saying what to run, if a chapter's stored outputs or widget state are broken
#   make test      everything CI checks, each step announced with the time so far: lint,
#                  the pins, `make book`, the notebook environment, then one pytest run on
#                  one worker per core (pytest-xdist; JOBS=1 for one): unit tests, strict nbval,
#                  the browser tests of the built book and of chapter 3 in JupyterLab
#                  (skip the browser ones locally with PYTEST_ARGS='-m "not browser"');
#                  as root, it installs Debian's chromium for them first if it is missing
#   make chromium  that step alone
#   make execute   re-execute the chapters in place, in the pinned environment
#                  (all of them, or CHAPTERS=chapters/03_vanishing_gradients.ipynb)
#   make experiments  re-run chapter 4's long-lag sweep and chapter 5's character-level
#                  LSTM (3 seeds) into _build/experiments/ (every core, JOBS=n to change; a
#                  finished run is kept there, so an interrupted sweep resumes) and compare
#                  every outcome with the stored experiments/results/; STORE=1 runs them
#                  into experiments/results/ instead (then `make execute`)
#   make notebook  open the chapters in JupyterLab, from the notebook environment
#                  .venv-notebook (what Binder builds: requirements-notebook.txt); as root too
#   make serve     serve _build/html on http://127.0.0.1:8000 (another port: make serve PORT=8001)
#   make pins      check that requirements.txt and requirements-notebook.txt resolve for
#                  the lowest promised Python
#   make clean     remove _build and caches (keeps .venv and .venv-notebook)

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
ifneq ($(filter-out clean help,$(or $(MAKECMDGOALS),help)),)
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
# The notebook environment (Binder's): requirements-notebook.txt and the Jupyter settings in binder/.
NB_VENV := .venv-notebook
NB_BIN := $(NB_VENV)/bin
NB_FILES := requirements-notebook.txt pyproject.toml binder/jupyter_server_config.py binder/overrides.json
NB_VENV_PROBLEM := $(shell test -e $(NB_VENV) || exit 0; \
	$(NB_VENV)/bin/python -c 'import pip' 2>/dev/null || echo "it has no working python or pip")
NB_STAMP := $(NB_VENV)/.installed-$(shell cat $(NB_FILES) 2>/dev/null | cksum | cut -d' ' -f1)
PINS_STAMP := $(VENV)/.pins-ok-$(shell cat requirements.txt requirements-notebook.txt | cksum | cut -d' ' -f1)
# pytest-xdist workers for `make test` (auto: one per core).
JOBS ?= auto
PORT ?= 8000
.DEFAULT_GOAL := help
# `make test` announces each step with the seconds since it started.
T0 := $(or $(shell date +%s 2>/dev/null),0)
step = @printf '\n==> [make %s, %ss] %s\n' "$(firstword $(MAKECMDGOALS))" "$$(( $$(date +%s 2>/dev/null || echo $(T0)) - $(T0) ))" "$(1)"
# Everything runs with the same kernel and no GUI backend, locally and in CI.
export MPLBACKEND := module://matplotlib_inline.backend_inline
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help book test lint unit execute experiments notebook notebook-env serve clean venv pins \
	chromium FORCE

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

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
	$(call step,book: the chapters' stored outputs checked; then jupyter-book build)
	$(BIN)/python book_assets/extensions/stored_outputs.py
	$(BIN)/$(BOOK_BUILD)

lint: $(STAMP)
	$(call step,lint: ruff check and ruff format --check)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(STAMP)
	$(BIN)/python -m pytest tests

# The pins must install on the lowest Python the README promises, not only on this one:
# both files, resolved by pip side by side (about 25 s, mostly the package index). Once
# they resolved, the stamp $(PINS_STAMP) skips the check until either file changes.
pins: $(PINS_STAMP)
$(PINS_STAMP): requirements.txt requirements-notebook.txt binder/requirements.txt | $(STAMP)
	$(call step,pins: requirements.txt and binder/requirements.txt resolve for Python $(LOWEST_PROMISED))
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	for f in requirements.txt binder/requirements.txt; do \
		$(BIN)/python -m pip install --quiet --dry-run --ignore-installed \
			--target "$$tmp/$${f//\//_}" --python-version $(LOWEST_PROMISED) \
			--only-binary=:all: -r $$f 2> >(grep -v '^WARNING: Location' >&2) & \
	done; \
	for f in requirements.txt binder/requirements.txt; do \
		wait -n || { echo "make pins: the pins do not resolve for Python $(LOWEST_PROMISED) (see above)" >&2; exit 1; }; \
	done; \
	echo "requirements.txt and binder/requirements.txt (requirements-notebook.txt) resolve for Python $(LOWEST_PROMISED)"
	@rm -f $(VENV)/.pins-ok-* && touch $@

# The browser tests drive Debian's chromium ($$CHROMIUM, else chromium on the PATH), never a
# browser downloaded by `playwright install`. CI runs as root on a fresh Debian machine: there
# it is installed here (apt-get update only if the package lists are too old to find it).
# Anyone else without one gets the browser tests skipped, each saying why.
chromium:
	$(call step,chromium for the browser tests)
	@if [ -n "$${CHROMIUM:-}" ] || command -v chromium >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
		echo "no chromium: the browser tests will be skipped (as root: make chromium)"; exit 0; fi; \
	echo "installing Debian's chromium for the browser tests (apt-get install -y chromium)"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get install -y -q chromium >/dev/null 2>&1 \
		|| { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } \
		|| { echo "make chromium: apt-get install -y chromium failed (see above)" >&2; exit 1; }; \
	command -v chromium

# One pytest run on $(JOBS) workers: the notebooks of nbval each stay on one worker, the
# slowest tests start first, the book is built once (above) and every long build
# (assignments, student edition) once per run; tests/progress.py names what is still
# running every 30 s. The last line says how long the whole of `make test` took.
test: lint pins book notebook-env chromium
	$(call step,pytest on $(JOBS) workers: unit tests; strict nbval; the book and JupyterLab in Chromium)
	$(BIN)/python -m pytest -n $(JOBS) tests chapters --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg $(PYTEST_ARGS)
	$(call step,done: make test passed)

execute: $(STAMP)
	$(BIN)/python scripts/execute_chapters.py $(CHAPTERS)

# The sweep's processes: JOBS, or every core when JOBS is pytest-xdist's auto.
SWEEP_JOBS = $(if $(filter auto,$(JOBS)),$(shell nproc 2>/dev/null || echo 2),$(JOBS))
experiments: $(STAMP)
ifdef STORE
	$(BIN)/python experiments/long_lag.py --sweep --jobs $(SWEEP_JOBS)
	$(BIN)/python experiments/char_lstm.py --jobs $(SWEEP_JOBS)
else
	$(BIN)/python experiments/long_lag.py --sweep --jobs $(SWEEP_JOBS) \
		--out _build/experiments/long_lag.json --compare experiments/results/long_lag.json
	$(BIN)/python experiments/char_lstm.py --jobs $(SWEEP_JOBS) \
		--work _build/experiments/char_lstm_work --out _build/experiments/char_lstm \
		--compare experiments/results/char_lstm
endif

# The notebook environment, as Binder builds it (binder/requirements.txt reads
# requirements-notebook.txt; binder/postBuild installs the same two Jupyter settings):
# the kernel's needs, JupyterLab and jupyterlab-myst, lstm_lib editable; not the book's tools.
notebook-env: $(NB_STAMP)
ifneq ($(NB_VENV_PROBLEM),)
$(NB_STAMP): FORCE
endif
$(NB_STAMP): $(NB_FILES)
	$(call step,notebook-env: $(NB_VENV) from requirements-notebook.txt (Binder's environment))
	@if [ -n "$(NB_VENV_PROBLEM)" ]; then echo "rebuilding $(NB_VENV): $(NB_VENV_PROBLEM)"; rm -rf $(NB_VENV); fi
	test -d $(NB_VENV) || $(PYTHON) -m venv $(NB_VENV)
	$(NB_BIN)/python -m pip install --quiet -r requirements-notebook.txt \
		2> >(grep -v '^WARNING: Location' >&2)
	mkdir -p $(NB_VENV)/etc/jupyter $(NB_VENV)/share/jupyter/lab/settings
	cp binder/jupyter_server_config.py $(NB_VENV)/etc/jupyter/jupyter_server_config.py
	cp binder/overrides.json $(NB_VENV)/share/jupyter/lab/settings/overrides.json
	rm -f $(NB_VENV)/.installed-* && touch $@

# JupyterLab at chapters/, from the notebook environment; root (containers, CI) needs
# --allow-root. Ctrl-C stops it.
notebook: $(NB_STAMP)
	$(NB_BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/chapters $(if $(filter 0,$(shell id -u)),--allow-root)

serve:
	@test -f _build/html/index.html || { echo "make serve: build the book first (make book)"; exit 1; }
	@$(PYTHON) -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' \
		$(PORT) 2>/dev/null || { echo "make serve: port $(PORT) is taken (another server?): try make serve PORT=$$(( $(PORT) + 1 ))"; exit 1; }
	@echo "serving _build/html on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	@$(PYTHON) -m http.server --bind 127.0.0.1 --directory _build/html $(PORT) 2>&1 \
		| grep -v '^Serving HTTP' || true

clean:
	rm -rf _build .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

# --- teacher's kit (teacher's guide: teachers.md) ------------------------------------
#   make assignments   otter assign every assignments/<name>/<name>.ipynb into
#                      _build/assignments/<name>/ (student/ and autograder/);
#                      VARIANT=2027 draws this term's data, seeds and expected numbers
#   make grade ASSIGNMENT=<name> SUBMISSIONS=<folder>  grade every <student>.ipynb of the
#                      folder on every core: _build/grades/<name>/gradebook.csv and
#                      feedback/<student>.txt (GRADE_JOBS=n workers, GRADE_TIMEOUT=s each)
#   make book-student  the book without any exercise solution, into _build/student
#                      (open _build/student/index.html); STUDENT_REPOSITORY=<url> adds the
#                      repository and Binder buttons, pointing there (off by default)
.PHONY: assignments grade book-student

assignments: $(STAMP)
	$(BIN)/python scripts/build_assignments.py $(if $(VARIANT),--variant $(VARIANT))

GRADE_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
GRADE_TIMEOUT ?= 600
grade: $(STAMP)
	@test -n "$(ASSIGNMENT)" -a -n "$(SUBMISSIONS)" || { echo "usage: make grade ASSIGNMENT=<name> SUBMISSIONS=<folder of .ipynb>"; exit 1; }
	$(BIN)/python scripts/grade.py $(ASSIGNMENT) $(SUBMISSIONS) --jobs $(GRADE_JOBS) \
		--timeout $(GRADE_TIMEOUT)

book-student: $(STAMP)
	$(BIN)/python scripts/build_student_book.py $(if $(STUDENT_REPOSITORY),--repository $(STUDENT_REPOSITORY))
