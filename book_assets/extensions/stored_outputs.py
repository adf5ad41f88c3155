"""Refuse to build the book from a chapter whose stored outputs a Jupyter save broke.

The book shows each chapter's outputs as stored (``execute_notebooks: "off"``), so a
notebook saved from Jupyter can break a page without any build warning. This Sphinx
extension of the book (``_config.yml``: ``local_extensions``) reads every notebook of
the book before Sphinx does and stops the build, saying what to run, when

* **a widget has no stored state**: a widget-view output names a model that is not in the
  notebook's stored widget state (``metadata.widgets``), or a stored model refers to one
  that is missing. Jupyter writes new model ids on every run and does not store their
  state when it saves, so the page would silently show no slider;
* **stored outputs were stripped**: a code cell has no execution count. ``make execute``
  (one fresh kernel, top to bottom) gives every code cell one, also a cell that prints
  nothing; "Clear outputs", ``nbstripout`` and an autosave during "Run All" (cells still
  queued) leave it empty. The counts must also increase down the page: outputs from
  cells run out of order are not what the page claims (``make execute`` again).

A stripped cell that kept its execution count (``nbstripout --keep-count``) is not seen
here; strict nbval in ``make test`` still fails on it (it compares the number of outputs).

``python book_assets/extensions/stored_outputs.py [NOTEBOOK ...]`` runs the same check
(default: every chapter) and exits 1 with the same message.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from pathlib import Path

from sphinx.errors import SphinxError

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
REFERENCE = re.compile(r"IPY_MODEL_([0-9a-zA-Z_-]+)")
FIX = (
    "run `make execute CHAPTERS={path}` (re-executes it in the pinned environment and "
    "stores its outputs and widget state), or `git checkout -- {path}` to drop the save. "
    'How to edit a chapter: CONTRIBUTING.md, "Editing a chapter".'
)


def _ranges(numbers: list[int]) -> str:
    """'6-22, 25' for [6, 7, ..., 22, 25]."""
    parts: list[str] = []
    for n in numbers:
        if parts and n == int(parts[-1].rsplit("-", 1)[-1]) + 1:
            parts[-1] = f"{parts[-1].split('-')[0]}-{n}"
        else:
            parts.append(str(n))
    return ", ".join(parts)


def notebook_problems(nb: dict) -> list[str]:
    """What is wrong with the stored outputs of notebook ``nb`` (a parsed .ipynb), if anything.

    Cells are numbered from 1 among all cells, as JupyterLab's status bar does ("Cell 31/43").
    """
    problems = []
    code = [(n, c) for n, c in enumerate(nb.get("cells", []), 1) if c.get("cell_type") == "code"]
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    missing_views = [
        (n, output["data"][WIDGET_VIEW].get("model_id", "?"))
        for n, cell in code
        for output in cell.get("outputs", [])
        if WIDGET_VIEW in output.get("data", {})
        and output["data"][WIDGET_VIEW].get("model_id") not in state
    ]
    for n, model in missing_views:
        problems.append(
            f"cell {n} shows widget {model}, which is not in the notebook's stored "
            "widget state (saved from Jupyter?): the page would show no widget"
        )
    dangling = sorted(
        {ref for model in state.values() for ref in REFERENCE.findall(json.dumps(model))}
        - set(state)
    )
    if dangling:
        problems.append(
            f"the stored widget state refers to {len(dangling)} model(s) it does not contain "
            f"({', '.join(dangling[:3])}{', ...' if len(dangling) > 3 else ''})"
        )
    stripped = [n for n, cell in code if cell.get("execution_count") is None]
    if stripped:
        problems.append(
            f"{len(stripped)} of {len(code)} code cells have no stored outputs "
            f"(cell{'s' if len(stripped) > 1 else ''} {_ranges(stripped)}: no execution count; "
            "cleared, stripped, or saved while still queued)"
        )
    counts = [(n, c["execution_count"]) for n, c in code if c.get("execution_count") is not None]
    disorder = [n for (_, a), (n, b) in itertools.pairwise(counts) if b <= a]
    if disorder:
        problems.append(
            f"cell{'s' if len(disorder) > 1 else ''} {_ranges(disorder)} ran before "
            "the code cell above (execution counts out of order): the outputs are not one run "
            "from top to bottom"
        )
    return problems


def check(paths: list[Path], root: Path) -> str:
    """One message for every broken notebook in ``paths``, or '' if all are fine."""
    messages = []
    for path in paths:
        problems = notebook_problems(json.loads(path.read_text(encoding="utf-8")))
        if problems:
            name = path.relative_to(root) if path.is_relative_to(root) else path
            messages.append(
                f"{name}:\n"
                + "\n".join(f"  - {p}" for p in problems)
                + "\n  Fix: "
                + FIX.format(path=name)
            )
    if not messages:
        return ""
    return "The stored outputs of these notebooks cannot be shown as they are:\n" + "\n".join(
        messages
    )


class StoredOutputsError(SphinxError):
    """Stops the build; Sphinx prints the category and the message, no traceback."""

    category = "Stored outputs are broken"


def _check_found_notebooks(app, env, docnames) -> None:
    root = Path(app.srcdir)
    paths = sorted(p for d in env.found_docs if (p := Path(env.doc2path(d))).suffix == ".ipynb")
    message = check(paths, root)
    if message:
        raise StoredOutputsError(message)


def setup(app) -> dict:
    app.connect("env-before-read-docs", _check_found_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[2]
    paths = [Path(a).resolve() for a in argv] or sorted((root / "chapters").glob("*.ipynb"))
    message = check(paths, root)
    if message:
        print(message, file=sys.stderr)
        return 1
    print(f"stored outputs: {len(paths)} notebooks fine")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
