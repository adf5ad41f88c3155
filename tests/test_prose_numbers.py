"""Every number in a chapter's prose is pasted from the computation or is a definition (issue 24).

The scan (``prose_numbers.py``) reads each chapter's Markdown cells and reports every
number that is neither inside a glue role, nor in math that is a definition, nor on the
reviewed allow-list ``prose_allowlist.py``; a failure names the chapter, the cell and the
number. The planted-number tests show that the scan finds a hand-typed result, in a
notebook written for the test, and passes the ways a number may legitimately appear.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from prose_allowlist import ALLOWED
from prose_numbers import Finding, chapter_findings, report, unused_phrases

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

# Being rewritten to be glue-clean on other branches: not strict, the lead removes the mark.
REWRITTEN: set[str] = set()
WHY = "rewritten on branches ch3-draws / main; the lead removes this mark at merge"


def _params():
    return [
        pytest.param(
            path,
            id=path.stem,
            marks=[pytest.mark.xfail(strict=False, reason=WHY)] if path.stem in REWRITTEN else [],
        )
        for path in CHAPTERS
    ]


@pytest.mark.parametrize("path", _params())
def test_every_number_in_the_prose_is_glued_or_a_definition(path):
    findings = chapter_findings(path, ALLOWED)
    assert not findings, report(findings)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_allowlist_has_no_stale_phrase(path):
    stale = unused_phrases(path, ALLOWED)
    assert not stale, f"{path.stem}: allow-list phrases no longer in the chapter: {stale}"


def test_allowlist_names_only_chapters_that_exist():
    assert set(ALLOWED) <= {p.stem for p in CHAPTERS}


# --- the scan finds a planted number --------------------------------------------------

PLANTED = """The loss fell to 0.42 after training ({glue:text}`loss:.3f` in the cell above).
Chapter 3 measures it, {cite:p}`gers1999forget` (1999) introduced the gate; at step 5
the flag is 1, with $b_f = 15$ and $\\varepsilon = 10^{-6}$, and the memory holds 0.6.

$$
\\sigma(6) \\approx 0.998
$$ (eq-x)

The gate is then $\\sigma(-6) \\approx 0.0025$, and `lr = 3e-4` in the code.
"""


def _notebook(tmp_path: Path, markdown: str) -> Path:
    cells = [
        {"cell_type": "code", "execution_count": 1, "id": "c0", "metadata": {}, "outputs": [],
         "source": "x = 1"},
        {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": markdown},
    ]  # fmt: skip
    nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "09_planted.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_scan_finds_a_planted_number_and_names_chapter_cell_and_number(tmp_path):
    path = _notebook(tmp_path, PLANTED)
    allowed = {"09_planted": [("the memory the test starts from", ["memory holds 0.6"])]}
    findings = chapter_findings(path, allowed)
    assert [(f.chapter, f.cell, f.number) for f in findings] == [
        ("09_planted", 1, "0.42"),  # typed in the text
        ("09_planted", 1, "0.0025"),  # a result in inline math, after ≈
    ]
    message = report(findings)
    assert "09_planted, cell 1: '0.42'" in message and "fell to 0.42 after" in message


def test_scan_without_the_allowlist_entry_finds_the_definition_too(tmp_path):
    path = _notebook(tmp_path, PLANTED)
    numbers = [f.number for f in chapter_findings(path, {})]
    assert numbers == ["0.42", "0.6", "0.0025"]


def test_a_glued_number_passes(tmp_path):
    path = _notebook(tmp_path, "The loss fell to {glue:text}`loss:.2f` after training.")
    assert chapter_findings(path, {}) == []


def test_stale_allowlist_phrase_is_reported(tmp_path):
    path = _notebook(tmp_path, "Nothing here.")
    allowed = {"09_planted": [("a reason", ["memory holds 0.6"])]}
    assert unused_phrases(path, allowed) == ["memory holds 0.6"]


def test_finding_reads_as_chapter_cell_number():
    finding = Finding("01_gates", 15, "0.73", "keeps 0.73 of")
    assert str(finding) == "01_gates, cell 15: '0.73' in “…keeps 0.73 of…”"
