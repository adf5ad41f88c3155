"""The notebook environment (Binder and `make notebook`) is the tested one (issue 26).

* ``binder/`` is what repo2docker reads (it ignores the root's requirements.txt and does
  not run ``pip install .`` when ``binder/`` exists): the same Python as ``runtime.txt``,
  ``requirements-notebook.txt`` and the two Jupyter settings ``make notebook-env`` installs;
* ``requirements-notebook.txt`` pins everything, at the versions of ``requirements.txt``
  wherever both name a package (a chapter prints in Binder what strict nbval checked),
  front end and jupyterlab-myst included, the book's tools excluded, and every module the
  chapters import is in it. That it resolves for Python 3.11.0 is ``make pins``; that it
  installs and runs chapter 3 is ``make notebook-env`` and ``test_jupyterlab.py``;
* ``binder/jupyter_server_config.py`` shows gated solutions collapsed and saves every
  chapter back byte for byte; ``binder/overrides.json`` keeps the arrow keys on a slider.
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
_spec = importlib.util.spec_from_file_location("server_config", BINDER / "jupyter_server_config.py")
server_config = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(server_config)

#: The front end Binder must get from the pins, not from its own defaults.
FRONT_END = {"jupyterlab", "notebook", "jupyter-server", "jupyterlab-myst", "ipykernel"}
#: The book's and the tests' tools: not the kernel's needs.
BOOK_TOOLS = {
    "jupyter-book", "sphinx", "myst-nb", "nbval", "pytest", "pytest-xdist", "ruff",
    "playwright", "axe-playwright-python", "otter-grader", "sphinx-exercise",
}  # fmt: skip


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if match := re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line):
            out[_norm(match[1])] = match[2]
    return out


def test_binder_reads_the_notebook_environment():
    lines = [
        x.strip()
        for x in (BINDER / "requirements.txt").read_text().splitlines()
        if x.strip() and not x.startswith("#")
    ]
    assert lines == ["-r ../requirements-notebook.txt"]
    assert (BINDER / "runtime.txt").read_text() == (ROOT / "runtime.txt").read_text()
    post = (BINDER / "postBuild").read_text()
    assert (BINDER / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    for name in ("jupyter_server_config.py", "overrides.json"):
        assert name in post
    # requirements-notebook.txt installs lstm_lib itself (editable: pip reads `.` from the
    # current folder, which is the repository's root for repo2docker and for make).
    assert (ROOT / "requirements-notebook.txt").read_text().rstrip().endswith("\n-e .")


def test_notebook_pins_are_exact_and_agree_with_requirements_txt():
    notebook, book = pins(ROOT / "requirements-notebook.txt"), pins(ROOT / "requirements.txt")
    lines = [
        x.split("#", 1)[0].strip()
        for x in (ROOT / "requirements-notebook.txt").read_text().splitlines()
    ]
    loose = [x for x in lines if x and x != "-e ." and "==" not in x]
    assert not loose, f"not pinned exactly: {loose}"
    assert FRONT_END <= set(notebook), FRONT_END - set(notebook)
    assert not BOOK_TOOLS & set(notebook), BOOK_TOOLS & set(notebook)
    differ = {n: (v, book[n]) for n, v in notebook.items() if n in book and book[n] != v}
    assert not differ, f"requirements-notebook.txt vs requirements.txt: {differ}"
    for kernel_need in ("numpy", "matplotlib", "ipywidgets", "ipykernel"):
        assert kernel_need in notebook


def _imported_modules(path: Path) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    modules = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                modules |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    return modules


def test_every_module_a_chapter_imports_is_in_the_notebook_environment():
    """Binder's kernel has what the chapters import (e.g. a chapter that starts using
    myst_nb's glue needs myst-nb in requirements-notebook.txt)."""
    provided = set(pins(ROOT / "requirements-notebook.txt")) | {"lstm-lib"}
    by_module = importlib.metadata.packages_distributions()
    missing = {}
    for path in CHAPTERS:
        for module in sorted(_imported_modules(path)):
            if module in sys.stdlib_module_names or module == "lstm_lib":
                continue
            dists = {_norm(d) for d in by_module.get(module, [module])}
            if not dists & provided:
                missing[f"{path.name}: import {module}"] = sorted(dists)
    assert not missing, f"not in requirements-notebook.txt: {missing}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_opening_and_saving_a_chapter_gives_it_back_byte_for_byte(path):
    nb = nbformat.read(path, as_version=4)
    shown = server_config.collapse_solutions(json.loads(json.dumps(nb)))
    saved = server_config.restore_solutions(json.loads(json.dumps(shown)))
    assert nbformat.writes(nbformat.from_dict(saved)) + "\n" == path.read_text(encoding="utf-8")


def _text(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_cell_of_a_gated_solution_opens_collapsed(path):
    shown = server_config.collapse_solutions(nbformat.read(path, as_version=4))
    inside, collapsed, checked = False, 0, 0
    for cell in shown["cells"]:
        text = _text(cell)
        gates = [m for m in re.findall(r"\{(solution-start|solution-end)\}", text)]
        hidden = cell["metadata"].get("jupyter", {}).get("source_hidden", False)
        if inside:  # began inside a solution: collapsed, and its bar says what it is
            checked += 1
            assert hidden, f"{path.name}: visible cell inside a solution: {text[:80]!r}"
            kind = cell["metadata"][server_config.KEY]["cell_type"]
            assert cell["cell_type"] == "raw" and "outputs" not in cell
            assert text.startswith(server_config.FIRST_LINE[kind])
            collapsed += 1
        else:
            assert not hidden, f"{path.name}: collapsed outside a solution: {text[:80]!r}"
        if gates:
            inside = gates[-1] == "solution-start"
        if "{solution-end}" in text:  # nothing of the next exercise after an end gate
            assert not text.split("{solution-end}", 1)[1].strip("`:\n "), text[-200:]
    assert not inside
    if "{solution-start}" in path.read_text():
        assert checked and collapsed == checked


def test_a_split_cell_saves_with_the_authors_edits():
    nb = nbformat.read(ROOT / "chapters" / "03_vanishing_gradients.ipynb", as_version=4)
    shown = server_config.collapse_solutions(json.loads(json.dumps(nb)))
    parts = [c for c in shown["cells"] if c["metadata"].get(server_config.KEY, {}).get("part")]
    assert len(parts) >= 2
    assert parts[1]["metadata"][server_config.KEY]["part"][1] == 1, "the part after the cut"
    parts[1]["source"] = parts[1]["source"] + "\nten per cent"  # the author's edit
    saved = server_config.restore_solutions(shown)
    assert len(saved["cells"]) == len(nb.cells)
    assert sum("ten per cent" in _text(c) for c in saved["cells"]) == 1
    assert not any(server_config.KEY in c["metadata"] for c in saved["cells"])


def test_the_arrow_keys_stay_on_a_slider():
    """Each arrow-key shortcut of the notebook's command mode is replaced by the same one
    that does not fire while an ipywidgets slider has the focus (Notebook 7 takes the
    keydown before the slider: ArrowRight moved to the next heading instead)."""
    shortcuts = json.loads((BINDER / "overrides.json").read_text())[
        "@jupyterlab/shortcuts-extension:shortcuts"
    ]["shortcuts"]
    disabled = [s for s in shortcuts if s.get("disabled")]
    replaced = [s for s in shortcuts if not s.get("disabled")]
    assert {k for s in disabled for k in s["keys"]} == {
        "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight",
    }  # fmt: skip
    for old in disabled:
        (new,) = [s for s in replaced if (s["command"], s["keys"]) == (old["command"], old["keys"])]
        assert new["selector"] == old["selector"] + ":not(.widget-slider *)"
    schemas = ROOT / ".venv-notebook" / "share" / "jupyter" / "lab" / "schemas"
    schema = schemas / "@jupyterlab" / "notebook-extension" / "tracker.json"
    if schema.exists():  # the defaults they override are JupyterLab's own
        defaults = json.loads(schema.read_text())["jupyter.lab.shortcuts"]
        for old in disabled:
            assert {k: old[k] for k in ("command", "keys", "selector")} in [
                {k: d[k] for k in ("command", "keys", "selector")} for d in defaults
            ]
