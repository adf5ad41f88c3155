"""Re-execute chapters in place, top to bottom in one fresh kernel each (`make execute`).

Each notebook runs in its own folder with the pinned environment's ``python3`` kernel;
its outputs and the widget state (what the static book shows) are stored back into the
file. No per-cell timing metadata is recorded, and the widget model ids (random on every
run) are renumbered in a fixed order (``stable_widget_ids``), so re-executing an unchanged
chapter changes nothing and a diff shows only what really changed.

    python scripts/execute_chapters.py [chapters/NN_name.ipynb ...]   # default: all
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def coalesce_streams(outputs: list) -> list:
    """Join consecutive stdout (or stderr) pieces into one output.

    The kernel flushes printed text at moments that depend on timing, so one cell's
    print-out can arrive in two or three pieces, differently on every run; joined, the
    stored output is the same every time (nbval joins them too before comparing).
    """
    joined: list = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            joined.append(output)
    return joined


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
REFERENCE = re.compile(r"IPY_MODEL_([0-9a-zA-Z_-]+)")


def stable_widget_ids(notebook: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The notebook with its widget model ids replaced by ids that depend only on its content.

    The kernel gives every widget model a random id. Here the models are visited in a
    fixed order: from each widget view in the order of the cells, depth first through the
    models each one refers to (``IPY_MODEL_<id>`` in its state, keys sorted); then the
    models nothing shows (``jslink``'s ``LinkModel``), ordered by their content. The n-th
    model visited gets ``sha256(f"{name}:{n}")[:32]``, so the same widgets get the same
    ids on every run, and the ids of two chapters never collide.
    """
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    if not state:
        return notebook
    order: list[str] = []

    def visit(model_id: str) -> None:
        if model_id in state and model_id not in order:
            order.append(model_id)
            for ref in REFERENCE.findall(json.dumps(state[model_id], sort_keys=True)):
                visit(ref)

    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if WIDGET_VIEW in output.get("data", {}):
                visit(output["data"][WIDGET_VIEW]["model_id"])

    def content(model_id: str) -> str:
        known = {old: f"#{n}" for n, old in enumerate(order)}
        text = json.dumps(state[model_id], sort_keys=True)
        return REFERENCE.sub(lambda m: known.get(m[1], "?"), text)

    while rest := [m for m in state if m not in order]:
        visit(min(rest, key=content))
    new = {
        old: hashlib.sha256(f"{name}:{n}".encode()).hexdigest()[:32] for n, old in enumerate(order)
    }
    text = json.dumps(notebook)
    text = re.sub("|".join(map(re.escape, new)), lambda m: new[m[0]], text)
    return nbformat.from_dict(json.loads(text))


def execute(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=600,
        record_timing=False,
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # left by older runs or other tools
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    nbformat.write(stable_widget_ids(notebook, path.stem), path)


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        start = time.perf_counter()
        execute(path)
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"executed {name} in {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
