"""Checks of the book and the repository around the library.

* Accessibility: every figure in a chapter has a caption and alt text; headings are in
  order (one H1 first, no skipped level) on every chapter and Markdown page; Markdown
  images and figure directives carry alt text.
* Citation: ``CITATION.cff`` is valid Citation File Format 1.2.0 (the essentials of
  its schema) and agrees with ``pyproject.toml`` and ``_config.yml``.
* Licences: named in LICENSE, LICENSE-content, pyproject.toml, the README and the
  book's footer.

Each checker is a pure function returning a list of problems; the ``*_catches_*`` tests
feed it deliberately broken files, so a checker that stopped finding anything fails.
The notebook checks read the JSON directly and run in well under a second.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
# Markdown pages of the book and of the repository (README, CONTRIBUTING).
MARKDOWN_PAGES = sorted(ROOT.glob("*.md")) + sorted((ROOT / "appendix").glob("*.md"))

IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")


def _ids(paths):
    return [p.relative_to(ROOT).as_posix() for p in paths]


def _params_or_skip(paths, reason):
    """Parametrize over paths; with none, a single skipped case (not a failure)."""
    if paths:
        return pytest.mark.parametrize("path", paths, ids=_ids(paths))
    return pytest.mark.parametrize("path", [pytest.param(None, marks=pytest.mark.skip(reason))])


# --- reading pages --------------------------------------------------------------------


def read_notebook(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def notebook_markdown(nb: dict) -> str:
    """The Markdown cells of a notebook, in order, as one document."""
    return "\n\n".join(_source(c) for c in nb.get("cells", []) if c.get("cell_type") == "markdown")


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}|:{3,})(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")


def _outside_fences(text: str):
    """Yield (index, line, is_fence_opening, fence_info) for lines outside fences.

    Fences are ``` and ~~~ (CommonMark) and ::: (MyST colon fences); a fence closes
    on a line of at least as many of the same character and nothing else. Lines
    inside a fence (code, directives such as exercises and math) are not yielded,
    except the opening line, with its info string. A YAML front matter block is
    skipped too.
    """
    lines = text.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":
        for k in range(1, len(lines)):
            if lines[k].strip() == "---":
                start = k + 1
                break
    fence = None
    for k in range(start, len(lines)):
        line = lines[k]
        m = _FENCE.match(line)
        if fence is None:
            if m:
                fence = m.group(1)
                yield k, line, True, m.group(2).strip()
            else:
                yield k, line, False, ""
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
            if not m.group(2).strip():
                fence = None


def headings(text: str) -> list[tuple[int, str]]:
    """ATX headings (level, title) of a Markdown/MyST document, outside fences."""
    out = []
    for _, line, is_fence, _ in _outside_fences(text):
        if is_fence:
            continue
        m = _ATX.match(line)
        if m:
            out.append((len(m.group(1)), (m.group(2) or "").strip()))
    return out


# --- checkers ----------------------------------------------------------------------------


def heading_problems(text: str) -> list[str]:
    """One H1, first; no level skipped on the way down (H1 → H3)."""
    hs = headings(text)
    if not hs:
        return ["no heading at all (the page needs one H1 title)"]
    problems = []
    if hs[0][0] != 1:
        problems.append(f"first heading {'#' * hs[0][0]} {hs[0][1]!r} is not an H1")
    h1s = [title for level, title in hs if level == 1]
    if len(h1s) > 1:
        problems.append(f"{len(h1s)} H1 headings {h1s!r}; a page has one title")
    for (prev, _), (level, title) in itertools.pairwise(hs):
        if level > prev + 1:
            problems.append(f"heading level jumps from H{prev} to H{level} at {title!r}")
    return problems


_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT_ATTR = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_IMAGE_DIRECTIVE = re.compile(r"^\{(figure|image|glue:figure)\}")


def _img_tag_problems(html: str, where: str) -> list[str]:
    problems = []
    for tag in _IMG_TAG.findall(html):
        m = _ALT_ATTR.search(tag)
        if not m or not (m.group(1) or m.group(2) or "").strip():
            problems.append(f"{where}: <img> without alt text: {tag[:80]}")
    return problems


def markdown_image_problems(text: str, where: str = "page") -> list[str]:
    """Markdown images, <img> tags and figure/image directives without alt text."""
    problems = []
    for alt, src in _MD_IMAGE.findall(text):
        if not alt.strip():
            problems.append(f"{where}: image {src!r} has empty alt text ![](…)")
    problems += _img_tag_problems(text, where)
    lines = text.splitlines()
    for k, _, is_fence, info in _outside_fences(text):
        directive = _IMAGE_DIRECTIVE.match(info)
        if not (is_fence and directive):
            continue
        # The directive's options (":alt: …") are the lines right after its opening line.
        options = []
        for raw in lines[k + 1 :]:
            if not raw.strip().startswith(":") or _FENCE.match(raw):
                break
            options.append(raw)
        if not any(re.match(r"^\s*:alt:\s*\S", raw) for raw in options):
            problems.append(f"{where}: {{{directive.group(1)}}} directive without :alt:")
    return problems


def _strings(node):
    """Every string inside a JSON-like structure (for the stored widget state)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def figure_problems(nb: dict, where: str = "notebook") -> list[str]:
    """Code cells with an image output must carry a caption and alt text (myst-nb).

    The cell metadata must hold non-empty ``mystnb.figure.caption`` and
    ``mystnb.image.alt``; HTML outputs and the stored widget state must not contain
    an ``<img>`` without alt text.
    """
    problems = []
    for k, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        label = f"{where}: code cell {k} ({_source(cell).strip()[:40]!r})"
        mimes = set()
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            mimes.update(data)
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            problems += _img_tag_problems(html, label)
        if not mimes.intersection(IMAGE_MIMES):
            continue
        meta = cell.get("metadata", {}).get("mystnb", {})
        caption = (meta.get("figure") or {}).get("caption")
        alt = (meta.get("image") or {}).get("alt")
        if not (isinstance(caption, str) and caption.strip()):
            problems.append(f"{label}: figure without metadata mystnb.figure.caption")
        if not (isinstance(alt, str) and alt.strip()):
            problems.append(f"{label}: figure without metadata mystnb.image.alt")
    widget_state = nb.get("metadata", {}).get("widgets", {})
    for text in _strings(widget_state):
        problems += _img_tag_problems(text, f"{where}: stored widget state")
    problems += widget_image_problems(widget_state, where)
    return problems


def widget_image_problems(widget_state: dict, where: str = "notebook") -> list[str]:
    """Stored ``ipywidgets.Image`` models need a non-empty ``tooltip``.

    In the static page an Image widget is an ``<img>`` with no ``alt``; html-manager
    sets its ``title`` from ``tooltip`` (when the widget has no description), the
    only accessible name such an image can have.
    """
    problems = []
    for spec in widget_state.values():
        models = spec.get("state", {}) if isinstance(spec, dict) else {}
        for model_id, model in models.items():
            if not (isinstance(model, dict) and model.get("model_name") == "ImageModel"):
                continue
            tooltip = model.get("state", {}).get("tooltip")
            if not (isinstance(tooltip, str) and tooltip.strip()):
                problems.append(
                    f"{where}: stored ipywidgets.Image {model_id[:8]} has no tooltip, "
                    "so the image has no text alternative in the static page"
                )
    return problems


# --- accessibility of the chapters and pages ---------------------------------------------


@_params_or_skip(CHAPTERS, "no notebooks in chapters/ yet")
def test_chapter_figures_have_caption_and_alt_text(path):
    nb = read_notebook(path)
    rel = path.relative_to(ROOT).as_posix()
    problems = figure_problems(nb, rel) + markdown_image_problems(notebook_markdown(nb), rel)
    assert not problems, "\n".join(problems)


@_params_or_skip(CHAPTERS, "no notebooks in chapters/ yet")
def test_chapter_has_a_figure(path):
    """The chapter skeleton has at least one captioned figure."""
    cells = read_notebook(path).get("cells", [])
    mimes = [set(o.get("data", {})) for c in cells for o in c.get("outputs", [])]
    assert any(m.intersection(IMAGE_MIMES) for m in mimes), f"{path.name} has no figure"


@_params_or_skip(CHAPTERS, "no notebooks in chapters/ yet")
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


# --- the checkers find what they should (deliberately bad files) -------------------------


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
        src = _source(cell)
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


def test_chapters_are_skipped_only_when_there_are_none():
    (param,) = _params_or_skip([], "none").args[1]
    assert param.marks[0].name == "skip"
    assert _params_or_skip([ROOT / "intro.md"], "none").args[1] == [ROOT / "intro.md"]


# --- CITATION.cff (Citation File Format 1.2.0) -------------------------------------------

# Keys the CFF 1.2.0 schema allows at the root, and in person / entity objects.
CFF_ROOT_KEYS = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi",
    "identifiers", "keywords", "license", "license-url", "message", "preferred-citation",
    "references", "repository", "repository-artifact", "repository-code", "title", "type",
    "url", "version",
}  # fmt: skip
CFF_PERSON_KEYS = {
    "address", "affiliation", "alias", "city", "country", "email", "family-names", "fax",
    "given-names", "name-particle", "name-suffix", "orcid", "post-code", "region", "tel",
    "website",
}  # fmt: skip
CFF_ENTITY_KEYS = {
    "address", "alias", "city", "country", "date-end", "date-start", "email", "fax",
    "location", "name", "orcid", "post-code", "region", "tel", "website",
}  # fmt: skip
_URL = re.compile(r"^(https|http|ftp|sftp)://.+")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# SPDX identifiers this repository may name (the schema holds the full SPDX list).
_SPDX = {"MIT", "CC-BY-4.0", "Apache-2.0", "BSD-3-Clause"}


def _nonempty_str(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def cff_problems(cff) -> list[str]:
    """Problems of a parsed CITATION.cff against the essentials of CFF 1.2.0."""
    if not isinstance(cff, dict):
        return ["CITATION.cff is not a YAML mapping"]
    problems = [f"unknown key {k!r}" for k in sorted(set(cff) - CFF_ROOT_KEYS)]
    for key in ("cff-version", "message", "title", "authors"):
        if key not in cff:
            problems.append(f"required key {key!r} missing")
    if "cff-version" in cff and cff["cff-version"] != "1.2.0":
        problems.append(f"cff-version is {cff['cff-version']!r}, expected the string '1.2.0'")
    for key in ("message", "title", "abstract"):
        if key in cff and not _nonempty_str(cff[key]):
            problems.append(f"{key!r} must be a non-empty string")
    authors = cff.get("authors")
    if "authors" in cff and not (isinstance(authors, list) and authors):
        problems.append("'authors' must be a non-empty list")
    for n, author in enumerate(authors if isinstance(authors, list) else []):
        if not isinstance(author, dict) or not author:
            problems.append(f"author {n} must be a non-empty mapping")
        elif "name" in author:
            if not _nonempty_str(author["name"]):
                problems.append(f"author {n}: entity 'name' must be a non-empty string")
            problems += [
                f"author {n}: unknown entity key {k!r}" for k in set(author) - CFF_ENTITY_KEYS
            ]
        else:
            if not any(_nonempty_str(author.get(k)) for k in ("family-names", "given-names")):
                problems.append(f"author {n}: a person needs family-names or given-names")
            problems += [
                f"author {n}: unknown person key {k!r}" for k in set(author) - CFF_PERSON_KEYS
            ]
    if "version" in cff and not isinstance(cff["version"], (str, int, float)):
        problems.append("'version' must be a string or a number")
    if "date-released" in cff:
        date = cff["date-released"]
        # The schema wants a string; YAML turns an unquoted date into a date object.
        if isinstance(date, dt.date):
            date = date.isoformat()
        if not (isinstance(date, str) and _DATE.match(date)):
            problems.append(f"'date-released' {date!r} is not YYYY-MM-DD")
    for key in ("repository-code", "repository", "repository-artifact", "url", "license-url"):
        if key in cff and not (isinstance(cff[key], str) and _URL.match(cff[key])):
            problems.append(f"{key!r} must be a URL")
    if "type" in cff and cff["type"] not in ("software", "dataset"):
        problems.append(f"'type' is {cff['type']!r}, expected 'software' or 'dataset'")
    if "license" in cff:
        lic = cff["license"]
        ids = lic if isinstance(lic, list) else [lic]
        if not ids or not all(isinstance(i, str) and i in _SPDX for i in ids):
            problems.append(f"'license' {lic!r} is not an SPDX identifier (or a list of them)")
    if "keywords" in cff and not (
        isinstance(cff["keywords"], list)
        and cff["keywords"]
        and all(map(_nonempty_str, cff["keywords"]))
    ):
        problems.append("'keywords' must be a non-empty list of non-empty strings")
    return problems


def pyproject_project() -> dict[str, str]:
    """The string keys of pyproject.toml's [project] table (tomllib needs Python 3.11)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = re.search(r"^\[project\]\n(.*?)(?=^\[)", text, re.MULTILINE | re.DOTALL).group(1)
    return dict(re.findall(r'^([\w-]+)\s*=\s*"([^"]*)"', table, re.MULTILINE))


def load_citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_cff_is_valid_cff_1_2_0():
    cff = load_citation()
    assert cff_problems(cff) == []
    assert cff["title"] == "LSTM, dissected"
    assert cff["authors"] == [{"name": "The LSTM, dissected authors"}]
    assert cff["type"] == "software"
    assert cff["license"] == "MIT"
    assert cff["date-released"] == "2026-11-25"


def test_citation_agrees_with_package_and_book():
    cff = load_citation()
    project = pyproject_project()
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert cff["version"] == project["version"]
    assert cff["title"] == config["title"]
    assert cff["authors"][0]["name"] == config["author"]
    assert cff["repository-code"] == config["repository"]["url"]


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
