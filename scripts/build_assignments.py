"""Generate the assignments with otter-grader: ``make assignments``.

For each master notebook ``assignments/<name>/<name>.ipynb`` (solutions and tests in one
file, otter's format) this writes ``_build/assignments/<name>/``:

* ``student/``: the student notebook (no solutions, no hidden tests), a copy of
  ``lstm_lib`` so that the folder runs with NumPy alone, and ``<name>-student.zip`` of
  both, to hand out;
* ``autograder/``: the solution notebook ``<name>.ipynb`` and ``<name>-autograder.zip``
  (for ``otter run`` and for Gradescope; it holds the hidden tests and ``lstm_lib``).

``otter assign`` also runs the solution notebook against every test and stops with an
error if one fails, so a broken master notebook never produces an assignment.

Usage: ``python scripts/build_assignments.py [NAME ...]`` (default: every assignment).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "assignments"
OUTPUT = ROOT / "_build" / "assignments"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")


def assignment_names() -> list[str]:
    """Every folder of ``assignments/`` holding a master notebook of the same name."""
    return sorted(p.parent.name for p in SOURCES.glob("*/*.ipynb") if p.stem == p.parent.name)


def build(name: str, output: Path = OUTPUT) -> Path:
    """Run ``otter assign`` on one master notebook; returns ``output / name``."""
    source = SOURCES / name
    if not (source / f"{name}.ipynb").is_file():
        raise SystemExit(f"name: expected a master notebook assignments/{name}/{name}.ipynb")
    result = output / name
    shutil.rmtree(result, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"assign-{name}-") as tmp:
        # otter ships the files named in the notebook's `files:` from the master's folder,
        # so the library is staged beside a copy of the master notebook.
        stage = Path(tmp) / name
        shutil.copytree(source, stage, ignore=IGNORE)
        shutil.copytree(ROOT / "lstm_lib", stage / "lstm_lib", ignore=IGNORE)
        otter = Path(sys.executable).with_name("otter")
        subprocess.run(
            [str(otter), "assign", f"{name}.ipynb", str(result.resolve())], cwd=stage, check=True
        )
    # otter names the zip after the time of the build; a stable name is easier to upload.
    (zip_path,) = (result / "autograder").glob("*-autograder_*.zip")
    zip_path.rename(result / "autograder" / f"{name}-autograder.zip")
    student = result / "student"
    with zipfile.ZipFile(student / f"{name}-student.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(student.rglob("*")):
            if path.is_file() and path.suffix != ".zip":
                zf.write(path, path.relative_to(student))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="assignments to build (default: all)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in args.names or assignment_names():
        path = build(name)
        print(f"{name}: {path.relative_to(ROOT)}/student, {path.relative_to(ROOT)}/autograder")


if __name__ == "__main__":
    main()
