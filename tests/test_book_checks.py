"""The checkers of ``test_book.py`` find what they should, in deliberately broken files.

A checker that stopped finding anything would let every book check pass: each test here
gives one (``book_checks.py``, ``citation_cff.py``) a broken notebook, page or
``CITATION.cff`` and requires the problems it must report, and nothing for the good parts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from book_checks import (
    cell_source,
    figure_problems,
    heading_problems,
    headings,
    markdown_image_problems,
    notebook_markdown,
    read_notebook,
)
from citation_cff import cff_problems, load_citation

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _nb(cells):
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _fig_cell(metadata, mime="image/png"):
    return {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": metadata,
        "source": "plt.plot([1, 2])\nplt.show()",
        "outputs": [
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {mime: "iVBORw0KGgo=", "text/plain": "<Figure size 560x288 with 1 Axes>"},
            }
        ],
    }


GOOD_META = {
    "mystnb": {"figure": {"caption": "A line.", "name": "fig-x"}, "image": {"alt": "A line"}}
}


def _write(tmp_path, nb) -> Path:
    path = tmp_path / "bad.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_figure_check_catches_missing_caption_and_alt(tmp_path):
    path = _write(
        tmp_path,
        _nb(
            [
                _md("# Title"),
                _fig_cell({}),  # neither
                _fig_cell({"mystnb": {"figure": {"caption": "Only a caption."}}}, "image/svg+xml"),
                _fig_cell({"mystnb": {"image": {"alt": "only alt"}}}),
                _fig_cell({"mystnb": {"figure": {"caption": "  "}, "image": {"alt": ""}}}),
                _fig_cell(GOOD_META),
            ]
        ),
    )
    problems = figure_problems(read_notebook(path), "bad.ipynb")
    assert sum("cell 1 " in p for p in problems) == 2
    assert any("cell 2 " in p and "mystnb.image.alt" in p for p in problems)
    assert any("cell 3 " in p and "mystnb.figure.caption" in p for p in problems)
    assert sum("cell 4 " in p for p in problems) == 2  # blank strings do not count
    assert not any("cell 5 " in p for p in problems)
    assert len(problems) == 6


def test_figure_check_catches_img_without_alt_in_html_and_markdown(tmp_path):
    html_cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "source": "show()",
        "outputs": [
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {"text/html": '<img src="data:image/png;base64,AAAA">'},
            }
        ],
    }
    nb = _nb([_md("# T\n\n![](fig.png)\n\n![A plot of f_t](ok.png)"), html_cell])
    nb["metadata"]["widgets"] = {"state": {"m": {"state": {"value": '<img src="x.png" alt="">'}}}}
    nb = read_notebook(_write(tmp_path, nb))
    problems = figure_problems(nb, "bad") + markdown_image_problems(notebook_markdown(nb), "bad")
    assert len(problems) == 3, problems
    assert not markdown_image_problems('<img src="a.png" alt="a plot">\n![a plot](a.png)')


@pytest.mark.skipif(not CHAPTERS, reason="no notebooks in chapters/ yet")
def test_checks_fail_on_a_broken_copy_of_a_real_chapter(tmp_path):
    """Strip the alt text of every figure and demote the first H2 to H4 in a copy."""
    nb = read_notebook(CHAPTERS[0])
    n_figures = 0
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("mystnb", {})
        if "image" in meta:
            del meta["image"]
            n_figures += 1
    for cell in nb["cells"]:
        src = cell_source(cell)
        if cell["cell_type"] == "markdown" and re.search(r"^## ", src, re.MULTILINE):
            cell["source"] = re.sub(r"^## ", "#### ", src, count=1, flags=re.MULTILINE)
            break
    broken = read_notebook(_write(tmp_path, nb))
    problems = figure_problems(broken)
    assert n_figures and len(problems) == n_figures
    assert all("mystnb.image.alt" in p for p in problems)
    assert any("to H4" in p for p in heading_problems(notebook_markdown(broken)))


def test_widget_image_without_tooltip_is_caught(tmp_path):
    def image(tooltip):
        return {
            "model_module": "@jupyter-widgets/controls",
            "model_name": "ImageModel",
            "state": {"format": "png", "tooltip": tooltip},
        }

    nb = _nb([_md("# T")])
    nb["metadata"]["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {
                "a" * 32: image(None),
                "b" * 32: image(" "),
                "c" * 32: image("Gradient norms for forget bias +1.00: …"),
                "d" * 32: {"model_name": "SelectionSliderModel", "state": {}},
            },
            "version_major": 2,
            "version_minor": 0,
        }
    }
    problems = figure_problems(read_notebook(_write(tmp_path, nb)), "bad")
    assert len(problems) == 2, problems
    assert "aaaaaaaa" in problems[0] and "bbbbbbbb" in problems[1]


def test_figure_directive_without_alt_is_caught():
    bad = "# T\n\n```{figure} a.png\n:name: fig-a\n\nCaption.\n```\n"
    good = "# T\n\n```{figure} a.png\n:name: fig-a\n:alt: Curves of f_t\n\nCaption.\n```\n"
    assert markdown_image_problems(bad)
    assert not markdown_image_problems(good)


def test_heading_check_catches_disorder(tmp_path):
    cases = {
        "## Not a title\n\n# Title": "is not an H1",
        "# Title\n\n### Skipped H2": "jumps from H1 to H3",
        "# One\n\n## A\n\n# Two": "2 H1 headings",
        "No heading at all.": "no heading",
    }
    for text, expected in cases.items():
        nb = read_notebook(_write(tmp_path, _nb([_md(text)])))
        problems = heading_problems(notebook_markdown(nb))
        assert any(expected in p for p in problems), (text, problems)
    # Going back up any number of levels is fine; fenced code and directives are not headings.
    ok = "# T\n\n## A\n\n### B\n\n## C\n\n```python\n# a comment\n```\n\n"
    ok += "````{exercise}\n### x\n```python\n# y\n```\n````\n\n## D\n"
    assert heading_problems(ok) == []
    assert headings("---\ntitle: x\n---\n# T\n#not-a-heading\n    # indented code") == [(1, "T")]


def test_citation_check_catches_invalid_files(tmp_path):
    bad = tmp_path / "CITATION.cff"
    bad.write_text(
        "cff-version: 1.1.0\n"  # wrong version
        "title: ''\n"  # empty
        "authors:\n  - {affiliation: Somewhere}\n  - {name: X, family-names: Y}\n"
        "date-released: 25/11/2026\n"
        "repository-code: github.com/x/y\n"
        "type: book\n"
        "license: MIT License\n"
        "colour: blue\n",  # unknown key; 'message' missing
        encoding="utf-8",
    )
    problems = cff_problems(yaml.safe_load(bad.read_text(encoding="utf-8")))
    for expected in (
        "unknown key 'colour'",
        "'message' missing",
        "cff-version is '1.1.0'",
        "'title' must be",
        "author 0: a person needs",
        "unknown entity key 'family-names'",
        "'date-released'",
        "'repository-code' must be a URL",
        "'type' is 'book'",
        "'license' 'MIT License'",
    ):
        assert any(expected in p for p in problems), (expected, problems)
    assert cff_problems([]) == ["CITATION.cff is not a YAML mapping"]
    # An unquoted 1.2 is a float, not the version string.
    assert any("cff-version" in p for p in cff_problems({**load_citation(), "cff-version": 1.2}))
