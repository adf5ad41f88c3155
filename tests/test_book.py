"""Checks of the book and the repository around the library.

* Accessibility: every figure in a chapter has a caption and alt text; headings are in
  order (one H1 first, no skipped level) on every chapter and Markdown page; Markdown
  images and figure directives carry alt text.
* Citation: ``CITATION.cff`` is valid Citation File Format 1.2.0 (the essentials of
  its schema) and agrees with ``pyproject.toml`` and ``_config.yml``.
* Licences: named in LICENSE, LICENSE-content, pyproject.toml, the README and the
  book's footer.

The checkers are in ``book_checks.py`` and ``citation_cff.py``; ``test_book_checks.py``
shows that each finds what it should in deliberately broken files. The notebook checks
read the JSON directly and run in well under a second.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from book_checks import (
    IMAGE_MIMES,
    figure_problems,
    heading_problems,
    markdown_image_problems,
    notebook_markdown,
    read_notebook,
)
from citation_cff import cff_problems, load_citation, pyproject_project

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
# Markdown pages of the book and of the repository (README, CONTRIBUTING).
MARKDOWN_PAGES = sorted(ROOT.glob("*.md")) + sorted((ROOT / "appendix").glob("*.md"))


def _ids(paths):
    return [p.relative_to(ROOT).as_posix() for p in paths]


# --- accessibility of the chapters and pages ---------------------------------------------


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_chapter_figures_have_caption_and_alt_text(path):
    nb = read_notebook(path)
    rel = path.relative_to(ROOT).as_posix()
    problems = figure_problems(nb, rel) + markdown_image_problems(notebook_markdown(nb), rel)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_chapter_has_a_figure(path):
    """The chapter skeleton has at least one captioned figure."""
    cells = read_notebook(path).get("cells", [])
    mimes = [set(o.get("data", {})) for c in cells for o in c.get("outputs", [])]
    assert any(m.intersection(IMAGE_MIMES) for m in mimes), f"{path.name} has no figure"


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_chapter_headings_in_order(path):
    problems = heading_problems(notebook_markdown(read_notebook(path)))
    assert not problems, f"{path.name}: " + "; ".join(problems)


@pytest.mark.parametrize("path", MARKDOWN_PAGES, ids=_ids(MARKDOWN_PAGES))
def test_page_headings_in_order_and_images_have_alt(path):
    text = path.read_text(encoding="utf-8")
    problems = heading_problems(text) + markdown_image_problems(text, path.name)
    assert not problems, f"{path.name}: " + "; ".join(problems)


def test_every_toc_file_is_checked():
    """Pages listed in _toc.yml are the ones the checks above read."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    files.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc)
    checked = {p.relative_to(ROOT).with_suffix("").as_posix() for p in CHAPTERS + MARKDOWN_PAGES}
    missing = [f for f in files if Path(f).with_suffix("").as_posix() not in checked]
    assert not missing, f"pages in _toc.yml that test_book.py does not check: {missing}"


# --- CITATION.cff (Citation File Format 1.2.0) -------------------------------------------


def test_citation_cff_is_valid_cff_1_2_0():
    assert cff_problems(load_citation()) == []


def test_citation_agrees_with_package_and_book():
    cff = load_citation()
    project = pyproject_project()
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert cff["version"] == project["version"]
    assert cff["license"] == project["license"]
    assert cff["title"] == config["title"]
    assert cff["authors"][0]["name"] == config["author"]
    assert cff["repository-code"] == config["repository"]["url"]


# --- licences -----------------------------------------------------------------------------


def test_licences_are_named_where_readers_look():
    cc_by = "https://creativecommons.org/licenses/by/4.0/"
    mit = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "Permission is hereby granted" in mit
    content = " ".join((ROOT / "LICENSE-content").read_text(encoding="utf-8").split())
    assert "Creative Commons Attribution 4.0 International" in content and cc_by in content
    pyproject = pyproject_project()
    assert pyproject["license"] == "MIT"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    footer = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["html"]
    for where, text in (
        ("README.md", readme),
        ("_config.yml html.extra_footer", footer["extra_footer"]),
    ):
        assert "MIT" in text and "LICENSE" in text, where
        assert "CC BY 4.0" in text and cc_by in text, where
    for page in ("README.md", "intro.md"):
        assert "How to cite" in (ROOT / page).read_text(encoding="utf-8"), page
