"""The student edition of the book (``make book-student``) has no solution text on any page.

The build (about 15 s) runs once per session. Each solution of the book's sources is
identified by a run of words from its prose; the full book (``make book``; the
``book`` fixture builds it when it is missing or stale) must show every one, the
student edition none.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
import teaching

STUDENT = teaching.ROOT / "_build" / "student"


@pytest.fixture(scope="session")
def student_book():
    result = subprocess.run(
        [sys.executable, str(teaching.ROOT / "scripts" / "build_student_book.py")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "WARNING" not in result.stdout + result.stderr
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
