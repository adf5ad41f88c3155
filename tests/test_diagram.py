"""The LSTM cell diagram (:mod:`lstm_lib.diagram`) and its use in the chapters.

* Every highlight gives a small, well-formed, byte-deterministic SVG whose ``<title>``
  is the alt text and whose ``<desc>`` is the long description; the highlighted part
  is drawn in its quantity's colour from :data:`lstm_lib.style.COLORS`, and nothing
  else is.
* In a chapter, a cell that shows the diagram stores exactly that SVG (strict nbval
  compares it too), its alt text is the library's for the same highlight, and the
  next cell shows the long description.
* Chapter 1 highlights the forget gate, the input gate with the candidate and the
  output gate, each in its own section; chapter 2 the cell-state line.
"""

from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from lstm_lib.diagram import (
    HIGHLIGHTS,
    cell_diagram,
    cell_diagram_description,
    cell_diagram_svg,
    cell_diagram_text,
)
from lstm_lib.style import COLORS

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
SVG = "{http://www.w3.org/2000/svg}"

#: Colours that must appear when a part is highlighted, and only then.
PART_COLOURS = {
    "forget": ("f",),
    "input": ("i", "C_tilde", "write_term"),
    "output": ("o", "h"),
    "direct_path": ("direct_path", "lstm"),
}


@pytest.mark.parametrize("highlight", HIGHLIGHTS)
def test_svg_is_small_deterministic_and_titled(highlight):
    svg = cell_diagram_svg(highlight)
    assert svg == cell_diagram_svg(highlight)
    assert len(svg.encode()) < 12_000
    root = ET.fromstring(svg)
    alt, description = cell_diagram_text(highlight)
    assert root.find(f"{SVG}title").text == alt
    assert root.find(f"{SVG}desc").text == description
    assert root.get("role") == "img"
    colours = set(re.findall(r'(?:stroke|fill)="(#[0-9A-F]{6})"', svg))
    for part, keys in PART_COLOURS.items():
        for key in keys:
            assert (COLORS[key] in colours) == (highlight == part), (highlight, key)


def test_each_highlight_draws_a_different_picture_and_says_so():
    svgs = {h: cell_diagram_svg(h) for h in HIGHLIGHTS}
    assert len(set(svgs.values())) == len(HIGHLIGHTS)
    alts = {cell_diagram_text(h)[0] for h in HIGHLIGHTS}
    descriptions = {cell_diagram_text(h)[1] for h in HIGHLIGHTS}
    assert len(alts) == len(descriptions) == len(HIGHLIGHTS)
    for h in HIGHLIGHTS:
        alt, description = cell_diagram_text(h)
        for notation in ("[h_(t−1), x_t]", "W_f", "W_i", "W_C", "W_o", "C_(t−1)", "h_t"):
            assert notation in alt + description, (h, notation)
        assert len(description) > 2 * len(alt)


def test_bad_highlight_names_the_choices():
    for bad in ("Forget", "gradient", 1):
        with pytest.raises(ValueError, match="highlight must be one of"):
            cell_diagram_svg(bad)
        with pytest.raises(ValueError, match="highlight must be one of"):
            cell_diagram(bad)


def test_notebook_outputs():
    diagram = cell_diagram("forget")
    assert diagram._repr_svg_() == cell_diagram_svg("forget")
    assert repr(diagram) == "CellDiagram(highlight='forget')"
    description = cell_diagram_description("forget")
    html = description._repr_html_()
    assert html.startswith("<details") and "<summary>" in html
    assert "f_t * C_(t−1)" in html
    assert repr(description) == "CellDiagramDescription(highlight='forget')"


# --- the diagram in the chapters ---------------------------------------------------------


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _called(cell, name):
    """The highlight argument of a call ``name(...)`` in a code cell, or a sentinel."""
    if cell["cell_type"] != "code":
        return ...
    for node in ast.walk(ast.parse(_source(cell))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name:
            args = [ast.literal_eval(a) for a in node.args]
            return args[0] if args else None
    return ...


def diagram_cells(nb):
    """(index, highlight) of every cell that shows the diagram."""
    return [
        (k, h)
        for k, cell in enumerate(nb["cells"])
        if (h := _called(cell, "cell_diagram")) is not ...
    ]


def diagram_problems(nb, where="notebook") -> list[str]:
    problems = []
    cells = nb["cells"]
    for k, highlight in diagram_cells(nb):
        cell = cells[k]
        alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
        if alt != cell_diagram_text(highlight)[0]:
            problems.append(
                f"{where}: cell {k}: alt text is not cell_diagram_text({highlight!r})[0]"
            )
        svgs = [
            "".join(o["data"]["image/svg+xml"])
            for o in cell.get("outputs", [])
            if "image/svg+xml" in o.get("data", {})
        ]
        if svgs != [cell_diagram_svg(highlight)]:
            problems.append(f"{where}: cell {k}: stored SVG is not cell_diagram_svg({highlight!r})")
        following = cells[k + 1] if k + 1 < len(cells) else {"cell_type": "markdown"}
        if _called(following, "cell_diagram_description") != highlight:
            problems.append(
                f"{where}: cell {k}: no cell_diagram_description({highlight!r}) after it"
            )
    return problems


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_chapter_diagrams_match_the_library(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = diagram_problems(nb, path.name)
    assert not problems, "\n".join(problems)


def _section_of(nb, k):
    """Title of the last heading above cell k."""
    title = None
    for cell in nb["cells"][:k]:
        if cell["cell_type"] == "markdown":
            for line in _source(cell).splitlines():
                if line.startswith("#"):
                    title = line.lstrip("#").strip()
    return title


def test_chapters_1_and_2_highlight_the_part_each_section_discusses():
    ch1 = json.loads((ROOT / "chapters/01_gates.ipynb").read_text(encoding="utf-8"))
    found = {h: _section_of(ch1, k) for k, h in diagram_cells(ch1)}
    assert found == {
        "forget": "The forget gate",
        "input": "The input gate and the candidate",
        "output": "The output gate",
    }
    ch2 = json.loads((ROOT / "chapters/02_cell_state.ipynb").read_text(encoding="utf-8"))
    assert [(h, _section_of(ch2, k)) for k, h in diagram_cells(ch2)] == [
        ("cell_state", "One equation, two terms")
    ]


def test_diagram_check_catches_a_wrong_alt_text_and_a_missing_description():
    ch1 = json.loads((ROOT / "chapters/01_gates.ipynb").read_text(encoding="utf-8"))
    (k, _), *_ = diagram_cells(ch1)
    ch1["cells"][k]["metadata"]["mystnb"]["image"]["alt"] = "Diagram"
    del ch1["cells"][k + 1]
    problems = diagram_problems(ch1)
    assert len(problems) == 2, problems
    assert "alt text" in problems[0] and "cell_diagram_description" in problems[1]
