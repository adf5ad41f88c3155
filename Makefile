# The two commands of the README are `make book` and `make test`; both create the
# pinned virtual environment .venv on first use (needs only python3 and make).
#   make book      build the HTML book into _build/html (warnings are errors)
#   make test      everything CI checks: lint, then `make book`, then unit tests, strict
#                  nbval of every chapter and the browser tests of the built book
#                  (tests/test_browser.py; skip them locally with PYTEST_ARGS='-m "not browser"')
#   make execute   re-execute every chapter in place, in the pinned environment
#   make experiments  re-run chapter 4's long-lag sweep (about half an hour on 2 cores) and
#                  rewrite experiments/results/ (then `make execute` to update the chapter)
#   make notebook  open the chapters in Jupyter Notebook (installs it into .venv first)
#   make serve     serve _build/html on http://127.0.0.1:8000
#   make clean     remove _build and caches (keeps .venv)

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
CHAPTERS := $(wildcard chapters/*.ipynb)
# Everything runs with the same kernel and no GUI backend, locally and in CI.
export MPLBACKEND := module://matplotlib_inline.backend_inline
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: book test lint unit execute experiments notebook serve clean venv

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	rm -f $(VENV)/.installed-* && touch $@

book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(STAMP)
	$(BIN)/python -m pytest tests

test: lint book
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
