"""Build the student edition of the book: ``make book-student`` into ``_build/student``.

The student edition is the book with every exercise solution left out, for teachers who
grade the exercises. sphinx-exercise's own ``hide_solutions`` cannot do it here: it
crashes on the gated solutions (``solution-start`` ... ``solution-end``) and would still
render the notebook cells between them. So this script copies the book's sources to a
temporary folder, removes from every chapter and Markdown page

* each ``{solution}`` directive, and
* each gated solution, from its ``{solution-start}`` fence to the end of its
  ``{solution-end}`` fence, including every notebook cell in between (code cells and
  their outputs too),

drops the teacher's guide (it holds the rubric), turns off the repository, issues and
Binder buttons (the course's repository holds the assignments' solutions; with
``--repository URL``, ``make book-student STUDENT_REPOSITORY=URL``, they point at URL
instead, e.g. a public copy without ``assignments/``), then builds the copy as ``make book``
does (warnings are errors, nitpicky) and copies the HTML to ``_build/student`` (which
the closing banner names, not the temporary copy).
The exercises themselves stay. ``make book`` is unchanged and keeps the dropdowns.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "_build" / "student"
#: Pages only teachers get: left out of the student edition with their _toc.yml entry.
TEACHER_PAGES = ("teachers",)
SKIP = shutil.ignore_patterns(
    "_build", ".venv*", ".git", "node_modules", ".pytest_cache", ".ruff_cache",
    "__pycache__", ".ipynb_checkpoints", "assignments",
)  # fmt: skip

# An opening fence of a MyST directive: ``` or ::: (three or more), then {name}.
FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}")


def _closing(line: str, fence: str) -> bool:
    """Whether ``line`` closes a block opened with ``fence`` (same character, as long)."""
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def strip_solutions(text: str, inside: bool = False) -> tuple[str, bool]:
    """Remove solutions from one Markdown text.

    ``inside`` says whether the text starts inside a gated solution (a
    ``solution-start`` earlier in the notebook whose ``solution-end`` is not reached
    yet). Returns the text left and whether it ends inside a gated solution.
    """
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i].lstrip())
        name = match["name"] if match else None
        if inside and name != "solution-end":
            i += 1
            continue
        if name in ("solution", "solution-start", "solution-end"):
            fence = match["fence"]
            i += 1
            while i < len(lines) and not _closing(lines[i], fence):
                i += 1
            i += 1  # the closing fence
            inside = name == "solution-start"
            continue
        kept.append(lines[i])
        i += 1
    return "".join(kept), inside


def strip_notebook(nb: dict) -> dict:
    """A copy of notebook ``nb`` without solutions; cells inside a gated one are dropped."""
    cells, inside = [], False
    for cell in nb["cells"]:
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        if cell["cell_type"] == "markdown":
            text, inside = strip_solutions(source, inside)
            if text.strip():
                cells.append({**cell, "source": text})
        elif not inside:
            cells.append(cell)
    if inside:
        raise ValueError("a solution-start without its solution-end")
    return {**nb, "cells": cells}


def strip_book(book: Path) -> None:
    """Strip every chapter and Markdown page of the copy ``book`` in place."""
    for path in sorted(book.rglob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(strip_notebook(nb), indent=1, ensure_ascii=False) + "\n")
    for path in sorted(book.rglob("*.md")):
        text, inside = strip_solutions(path.read_text(encoding="utf-8"))
        if inside:
            raise ValueError(f"{path}: a solution-start without its solution-end")
        path.write_text(text, encoding="utf-8")
    toc_path = book / "_toc.yml"
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part["chapters"] if c.get("file") not in TEACHER_PAGES]
    toc_path.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    for page in TEACHER_PAGES:
        (book / f"{page}.md").unlink(missing_ok=True)


def set_repository(book: Path, url: str | None) -> None:
    """The copy's repository and launch buttons: off, or pointing at ``url``; so do the
    footer's links (licences, citation) and the intro's citation, which name the course's
    repository (it holds the solutions): to ``url``, or, without one, no link (the file
    names stay, as text)."""
    path = book / "_config.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    html = config.setdefault("html", {})
    main = config.get("repository", {}).get("url", "").rstrip("/")
    if main and html.get("extra_footer"):
        links = re.compile(r'<a href="' + re.escape(main) + r'[^"]*">(.*?)</a>')
        html["extra_footer"] = (
            links.sub(r"\1", html["extra_footer"])
            if url is None
            else html["extra_footer"].replace(main, url.rstrip("/"))
        )
    intro = book / "intro.md"
    if main and intro.is_file():
        text = intro.read_text(encoding="utf-8")
        text = text.replace(f" <{main}>.", "" if url is None else f" <{url.rstrip('/')}>.")
        intro.write_text(text, encoding="utf-8")
    if url is None:
        config.pop("repository", None)
        config.pop("launch_buttons", None)
        html["use_repository_button"] = html["use_issues_button"] = False
    else:
        config["repository"] = {**config.get("repository", {}), "url": url}
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repository", help="a repository URL for the repository and Binder "
                        "buttons (default: no such buttons)")  # fmt: skip
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="student-book-") as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(ROOT, book, ignore=SKIP)
        strip_book(book)
        set_repository(book, args.repository)
        jupyter_book = Path(sys.executable).with_name("jupyter-book")
        # jupyter-book's closing banner names the temporary copy, deleted on return: its
        # lines are shown with the folder the edition is copied to instead.
        built = str(book / "_build" / "html")
        with subprocess.Popen(
            [str(jupyter_book), "build", str(book), "--builder", "html", "-W", "-n",
             "--keep-going"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        ) as build:  # fmt: skip
            for line in build.stdout:  # Sphinx names it relative to here, jupyter-book not
                line = line.replace(built, str(OUTPUT))
                line = line.replace(os.path.relpath(built), os.path.relpath(OUTPUT))
                print(line, end="", flush=True)
        if build.returncode:
            raise SystemExit(f"make book-student: jupyter-book failed ({build.returncode})")
        shutil.rmtree(OUTPUT, ignore_errors=True)
        shutil.copytree(book / "_build" / "html", OUTPUT)
    print(f"student edition: {OUTPUT.relative_to(ROOT)}/index.html")


if __name__ == "__main__":
    main()
