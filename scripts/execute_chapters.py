"""Re-execute chapters in place, top to bottom in one fresh kernel each (`make execute`).

Each notebook runs in its own folder with the pinned environment's ``python3`` kernel;
its outputs and the widget state (what the static book shows) are stored back into the
file. No per-cell timing metadata is recorded, so re-executing an unchanged chapter
changes nothing but the widget model ids, and a diff shows only what really changed.

    python scripts/execute_chapters.py [chapters/NN_name.ipynb ...]   # default: all
"""

from __future__ import annotations

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
    nbformat.write(notebook, path)


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        start = time.perf_counter()
        execute(path)
        print(f"executed {path.relative_to(ROOT)} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
