"""Jupyter Server settings of the notebook environment (Binder and `make notebook`).

Installed as ``<env>/etc/jupyter/jupyter_server_config.py`` by `make notebook-env` and as
``~/.jupyter/jupyter_server_config.py`` by ``binder/postBuild``.

**Gated solutions stay collapsed in Jupyter.** The book's exercises put a code solution
between ``{solution-start}`` and ``{solution-end}`` fences in Markdown cells, with
notebook cells (code and prose) in between. Jupyter Book joins them into one dropdown;
jupyterlab-myst renders each cell on its own, so the cells in between would show the
solution. This contents manager changes how a notebook is *shown*, never the file:

* on opening, a Markdown cell that ends one solution and starts something else after
  its ``{solution-end}`` fence (the next exercise) is split in two after that fence,
  and every cell inside a gated solution is shown as a collapsed *raw* cell: JupyterLab
  draws a bar labelled with the cell's first line, which says what it is
  (``FIRST_LINE``); a click shows the solution as plain text (code or Markdown). Raw,
  because "Run All" would expand a Markdown cell again and give a code cell new
  outputs, whose first line the bar would show; the code cell's outputs wait in the
  cell's metadata. To run a solution: expand it and change the cell to code (``Y``).
  The text after a ``{solution-start}`` fence in the same cell is already inside
  jupyterlab-myst's collapsed dropdown;
* on saving, the split cells are joined again, the collapsed cells get back their type,
  first line and outputs, so a save writes the cells as they were (with whatever the
  author changed).

Cells changed on opening carry ``metadata.lstm_dissected`` (``part`` of a split cell;
``collapsed`` with the cell's type, outputs and execution count); nothing else is
touched. ``tests/test_notebook_env.py`` checks that opening and saving every chapter gives
it back byte for byte.
"""

from __future__ import annotations

import copy
import itertools
import re

KEY = "lstm_dissected"
# JupyterLab shows a collapsed cell as a bar with the cell's first line: this line, so
# that the bar does not give away the first line of the solution.
FIRST_LINE = {
    "code": "# Part of the solution above: click this bar to show it.\n",
    "markdown": "Part of the solution above: click this bar to show it.\n",
}
# An opening fence of a MyST directive (``` or :::, three or more) and its name.
FENCE = re.compile(r"^(`{3,}|:{3,})\{([\w-]+)\}")


def _gates(text: str):
    """(offset after the fence's closing line, directive) for each gate in ``text``."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i].lstrip())
        if match and match[2] in ("solution-start", "solution-end"):
            fence = match[1]
            i += 1
            while i < len(lines) and not (
                len(s := lines[i].strip()) >= len(fence) and set(s) == {fence[0]}
            ):
                i += 1
            i += 1
            yield sum(len(x) for x in lines[:i]), match[2]
        else:
            i += 1


def _split(text: str) -> list[str]:
    """``text`` cut after each ``{solution-end}`` fence that something other than blank
    lines follows; the pieces joined give ``text`` back."""
    cuts = [end for end, name in _gates(text) if name == "solution-end" and text[end:].strip()]
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if a < b]


def _collapse(cell: dict) -> None:
    """Collapse a cell of a gated solution, as a raw cell (see the module's docstring)."""
    jupyter = cell.setdefault("metadata", {}).setdefault("jupyter", {})
    if jupyter.get("source_hidden"):
        return  # the author's own choice: left as it is
    kind = cell["cell_type"]
    mark = cell["metadata"].setdefault(KEY, {})
    mark.update(collapsed=True, cell_type=kind)
    if kind == "code":
        mark["outputs"] = cell.pop("outputs", [])
        mark["execution_count"] = cell.pop("execution_count", None)
    cell["cell_type"] = "raw"
    jupyter["source_hidden"] = True
    source = cell.get("source", "")
    cell["source"] = FIRST_LINE[kind] + ("".join(source) if isinstance(source, list) else source)


def collapse_solutions(nb: dict) -> dict:
    """The notebook as Jupyter shows it: gated solutions collapsed (see the docstring)."""
    cells, inside = [], False
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") != "markdown":
            cell = copy.deepcopy(cell)
            if inside:
                _collapse(cell)
            cells.append(cell)
            continue
        pieces = _split(source)
        for k, piece in enumerate(pieces):
            part = copy.deepcopy(cell)
            part["source"] = piece
            if len(pieces) > 1:
                if k and "id" in cell:
                    part["id"] = f"{cell['id']}-part{k}"[:64]
                part.setdefault("metadata", {}).setdefault(KEY, {})["part"] = [cell.get("id"), k]
            if inside:
                _collapse(part)
            for _, name in _gates(piece):
                inside = name == "solution-start"
            cells.append(part)
    return {**nb, "cells": cells}


def restore_solutions(nb: dict) -> dict:
    """The notebook as it is stored: the inverse of :func:`collapse_solutions`."""
    cells: list[dict] = []
    for cell in nb.get("cells", []):
        cell = copy.deepcopy(cell)
        mark = cell.get("metadata", {}).pop(KEY, None) or {}
        if mark.get("collapsed"):
            jupyter = cell["metadata"].get("jupyter", {})
            jupyter.pop("source_hidden", None)
            jupyter.pop("outputs_hidden", None)
            if not jupyter:
                cell["metadata"].pop("jupyter", None)
            cell["metadata"].pop("collapsed", None)  # JupyterLab's copy of outputs_hidden
            kind = mark.get("cell_type", cell["cell_type"])
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            cell["source"] = source.removeprefix(FIRST_LINE.get(kind, ""))
            if cell["cell_type"] == "raw":  # as opened (else the author changed its type)
                cell["cell_type"] = kind
                if kind == "code":
                    cell["outputs"] = mark.get("outputs", [])
                    cell["execution_count"] = mark.get("execution_count")
        part = mark.get("part")
        if part and part[1] and cells and cells[-1].get("_part") == part[0]:
            previous = cells[-1]
            source = cell.get("source", "")
            previous["source"] = "".join(previous["source"]) + (
                "".join(source) if isinstance(source, list) else source
            )
            continue
        if part:
            cell["_part"] = part[0]
        cells.append(cell)
    for cell in cells:
        cell.pop("_part", None)
    return {**nb, "cells": cells}


def _contents_manager():
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

    class ChapterContentsManager(AsyncLargeFileManager):
        """Shows gated solutions collapsed; saves notebooks as they were stored."""

        async def get(self, path, content=True, type=None, format=None, **kwargs):
            model = await super().get(path, content=content, type=type, format=format, **kwargs)
            if model.get("type") == "notebook" and model.get("content"):
                model["content"] = collapse_solutions(model["content"])
            return model

        async def save(self, model, path=""):
            if model.get("type") == "notebook" and model.get("content"):
                model = {**model, "content": restore_solutions(model["content"])}
            return await super().save(model, path)

    return ChapterContentsManager


if "c" in globals():  # read by Jupyter Server as a configuration file
    c.ServerApp.contents_manager_class = _contents_manager()  # noqa: F821
