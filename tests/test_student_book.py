"""The student edition of the book (``make book-student``) has no solution text on any page.

The build (about 15 s) runs once per session. Each solution of the book's sources is
identified by a run of words from its prose; the full book (``make book``; the
``book`` fixture builds it when it is missing or stale) must show every one, the
student edition none.
"""

from __future__ import annotations

import shutil
import sys

import pytest
import teaching
import yaml
from progress import run_once

STUDENT = teaching.ROOT / "_build" / "student"


@pytest.fixture(scope="session")
def student_book():
    # Once per test run, whichever pytest-xdist worker gets here first (tests/progress.py).
    result = run_once("student_book", teaching.build_student_book)
    assert result["returncode"] == 0, result["output"]
    assert result["warnings"] == []
    # jupyter-book's closing banner names where the edition is, not a deleted temporary copy
    assert "student-book-" not in result["output"] and f"{STUDENT}/index.html" in result["output"]
    return STUDENT


def test_student_book_has_no_solution_text(book, student_book):
    phrases = teaching.solution_phrases()
    assert len(phrases) >= 8, "expected a phrase from each gated solution of chapters 1-3"
    full = teaching.page_texts(book)
    student = teaching.page_texts(student_book)
    assert set(student) == set(full) - {"teachers.html"}, "pages differ beyond the guide"
    missing = [p for p in phrases if not any(p in text for text in full.values())]
    assert missing == [], "the full book should show these solutions"
    leaked = {page: p for page, text in student.items() for p in phrases if p in text}
    assert leaked == {}
    assert not any('class="solution' in h for h in teaching.page_html(student_book).values())


def test_student_book_has_no_repository_or_binder_button(student_book):
    # The course's repository holds the assignments' solutions: the student edition links
    # to it only when asked (make book-student STUDENT_REPOSITORY=<url>).
    pages = teaching.page_html(student_book)
    chapter = pages["chapters/01_gates.html"]
    assert "btn-source-repository-button" not in chapter and "mybinder.org" not in chapter
    assert not any("mybinder.org" in html or "btn-source-repository-button" in html
                   for html in pages.values())  # fmt: skip


def test_student_book_repository_is_configurable(tmp_path):
    # The configuration step alone (the build is the same as above): off by default, the
    # given URL with its buttons when asked.
    sys.path.insert(0, str(teaching.ROOT / "scripts"))
    import build_student_book as student

    for url in (None, "https://example.org/course/lstm-public"):
        shutil.copy(teaching.ROOT / "_config.yml", tmp_path / "_config.yml")
        student.set_repository(tmp_path, url)
        config = yaml.safe_load((tmp_path / "_config.yml").read_text())
        if url is None:
            assert "repository" not in config and "launch_buttons" not in config
            assert config["html"]["use_repository_button"] is False
        else:
            assert config["repository"]["url"] == url and config["launch_buttons"]
            assert config["html"]["use_repository_button"] is True
