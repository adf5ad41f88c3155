"""Checkers of the book's sources, for ``test_book.py``: reading pages, and accessibility.

* :func:`headings` and :func:`heading_problems`: ATX headings outside code and directive
  fences; one H1 first, no level skipped on the way down;
* :func:`markdown_image_problems`: Markdown images, ``<img>`` tags and figure/image
  directives without alt text;
* :func:`figure_problems`: a notebook's image outputs without a caption and alt text
  (myst-nb metadata), ``<img>`` without alt in HTML outputs and stored widget state, and
  (:func:`widget_image_problems`) stored ``ipywidgets.Image`` models without a tooltip.

Each checker is a pure function returning a list of problems; ``test_book_checks.py``
feeds them deliberately broken files, so a checker that stopped finding anything fails.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")


# --- reading pages --------------------------------------------------------------------


def read_notebook(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def notebook_markdown(nb: dict) -> str:
    """The Markdown cells of a notebook, in order, as one document."""
    return "\n\n".join(
        cell_source(c) for c in nb.get("cells", []) if c.get("cell_type") == "markdown"
    )


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


# --- checkers: each returns a list of problems --------------------------------------------


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
        label = f"{where}: code cell {k} ({cell_source(cell).strip()[:40]!r})"
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
