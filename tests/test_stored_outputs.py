"""A chapter saved from Jupyter cannot silently break the book (issue 26).

``book_assets/extensions/stored_outputs.py`` stops ``make book`` (and every other build
of the book) when a widget view names a model missing from the stored widget state, or
when code cells have lost their stored outputs; ``scripts/execute_chapters.py`` stores
widget ids that do not change between runs. Each case is planted in a copy of a chapter
in a temporary folder, and the message must say what to run.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "chapters" / "03_vanishing_gradients.ipynb"
CHECK = ROOT / "book_assets" / "extensions" / "stored_outputs.py"
VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stored_outputs = _load("stored_outputs", CHECK)
execute_chapters = _load("execute_chapters", ROOT / "scripts" / "execute_chapters.py")


@pytest.fixture(scope="module")
def chapter() -> dict:
    return json.loads(CHAPTER.read_text(encoding="utf-8"))


def _code(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _view(nb: dict) -> dict:
    views = [o["data"][VIEW] for c in _code(nb) for o in c["outputs"] if VIEW in o.get("data", {})]
    (view,) = views
    return view


def _run_check(tmp_path: Path, nb: dict) -> subprocess.CompletedProcess:
    path = tmp_path / "chapters" / CHAPTER.name
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(nb), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(CHECK), str(path)], capture_output=True, text=True, check=False
    )


def test_every_chapter_passes(chapter):
    """The committed chapters are fine (else make book would refuse them)."""
    assert chapter["metadata"]["widgets"][STATE]["state"], "chapter 3 stores widget state"
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        assert stored_outputs.notebook_problems(json.loads(path.read_text())) == [], path.name


def test_a_widget_id_missing_from_the_state_fails_with_what_to_run(tmp_path, chapter):
    """What a Jupyter save does: a new view id, the stored state left as it was."""
    nb = copy.deepcopy(chapter)
    _view(nb)["model_id"] = "0123456789abcdef0123456789abcdef"
    result = _run_check(tmp_path, nb)
    assert result.returncode == 1
    assert "shows widget 0123456789abcdef0123456789abcdef" in result.stderr
    assert "not in the notebook's stored widget state" in result.stderr
    assert f"make execute CHAPTERS=chapters/{CHAPTER.name}" in result.stderr.replace(
        str(tmp_path) + "/", ""
    )


def test_a_state_without_the_models_it_refers_to_fails(chapter):
    nb = copy.deepcopy(chapter)
    state = nb["metadata"]["widgets"][STATE]["state"]
    layout = next(m for m in state.values() if m["model_name"] == "LayoutModel")
    victim = next(k for k, v in state.items() if v is layout)
    del state[victim]
    (problem,) = stored_outputs.notebook_problems(nb)
    assert "refers to 1 model(s) it does not contain" in problem and victim in problem


def test_stripped_outputs_fail_and_name_the_cells(tmp_path, chapter):
    """An autosave during Run All: the queued cells have no outputs and no count."""
    nb = copy.deepcopy(chapter)
    code = [n for n, c in enumerate(nb["cells"], 1) if c["cell_type"] == "code"]
    for n in code[5:9]:
        nb["cells"][n - 1]["outputs"] = []
        nb["cells"][n - 1]["execution_count"] = None
    result = _run_check(tmp_path, nb)
    assert result.returncode == 1
    assert f"4 of {len(code)} code cells have no stored outputs" in result.stderr
    assert "make execute CHAPTERS=" in result.stderr


def test_a_cell_that_prints_nothing_is_not_stripped(chapter):
    """No outputs but an execution count: what make execute stores for a silent cell."""
    nb = copy.deepcopy(chapter)
    silent = _code(nb)[0]  # as make execute stores a cell that prints nothing
    silent["outputs"] = []
    assert silent["execution_count"]
    assert stored_outputs.notebook_problems(nb) == []


def test_cells_run_out_of_order_fail(chapter):
    nb = copy.deepcopy(chapter)
    _code(nb)[3]["execution_count"] = 99
    (problem,) = stored_outputs.notebook_problems(nb)
    assert "execution counts out of order" in problem


def test_the_book_build_stops_on_a_broken_chapter(tmp_path, chapter):
    """The Sphinx extension stops jupyter-book itself, with the same message (a two-page
    book in a temporary folder: _config.yml's extension, a broken chapter 3)."""
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    shutil.copytree(ROOT / "book_assets" / "extensions", book / "book_assets" / "extensions")
    (book / "_config.yml").write_text(
        "title: t\nexecute:\n  execute_notebooks: 'off'\nsphinx:\n  local_extensions:\n"
        "    stored_outputs: book_assets/extensions\n"
    )
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/03_vanishing_gradients\n"
    )
    (book / "intro.md").write_text("# Intro\n")
    nb = copy.deepcopy(chapter)
    _view(nb)["model_id"] = "0123456789abcdef0123456789abcdef"
    (book / "chapters" / CHAPTER.name).write_text(json.dumps(nb))
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jupyter_book), "build", str(book), "--builder", "html", "-W", "-n", "--keep-going"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Stored outputs are broken" in out
    assert "make execute CHAPTERS=chapters/03_vanishing_gradients.ipynb" in out
    assert not (book / "_build" / "html" / "chapters" / "03_vanishing_gradients.html").exists()


def test_make_book_checks_before_building():
    makefile = (ROOT / "Makefile").read_text()
    result = subprocess.run(
        ["make", "-n", "book"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    check = next(i for i, line in enumerate(lines) if "stored_outputs.py" in line)
    build = next(i for i, line in enumerate(lines) if "/jupyter-book build" in line)
    assert check < build, makefile


def _renumbered(nb: dict, name: str = "03_vanishing_gradients") -> dict:
    import nbformat

    return json.loads(json.dumps(execute_chapters.stable_widget_ids(nbformat.from_dict(nb), name)))


def _with_fresh_ids(nb: dict) -> dict:
    """The notebook as another run would store it: every model id replaced by a new one."""
    text = json.dumps(nb)
    for n, old in enumerate(nb["metadata"]["widgets"][STATE]["state"]):
        text = text.replace(old, f"{n:04d}" + "f" * 28)
    return json.loads(text)


def test_widget_ids_do_not_depend_on_the_run(chapter):
    once = _renumbered(chapter)
    assert once == _renumbered(_with_fresh_ids(chapter)), "ids depend on the kernel's ids"
    assert once == _renumbered(once), "renumbering is not idempotent"
    assert stored_outputs.notebook_problems(once) == [], "views or references left dangling"
    old = set(chapter["metadata"]["widgets"][STATE]["state"])
    new = set(once["metadata"]["widgets"][STATE]["state"])
    assert len(new) == len(old) and not new & old
    assert _view(once)["model_id"] in new
    other = _renumbered(chapter, "another_chapter")
    assert not set(other["metadata"]["widgets"][STATE]["state"]) & new
