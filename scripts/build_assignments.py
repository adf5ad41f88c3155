"""Generate the assignments with otter-grader: ``make assignments [VARIANT=2027]``.

For each master notebook ``assignments/<name>/<name>.ipynb`` (solutions and tests in one
file, otter's format) this writes ``_build/assignments/<name>/``:

* ``student/``: the student notebook (no solutions, no hidden tests, otter's init cell so
  that every ``grader.check`` runs), the part of ``lstm_lib`` the assignment needs (for
  assignment 1 only ``LSTMParams`` and ``sigmoid``: the step functions are what the
  student writes), ``requirements-student.txt`` (what to install on a laptop), ``LICENSE``
  and ``<name>-student.zip`` of all of them, to hand out;
* ``autograder/``: the solution notebook ``<name>.ipynb`` and ``<name>-autograder.zip``
  (for ``otter run``, ``make grade`` and Gradescope). Only the zip holds the hidden tests
  and the private package ``_grading`` (``assignments/_grading``): the reference inputs
  and values ``expected.pkl``, computed here by ``assignments/<name>/reference.py`` for the
  variant, and a private copy of ``lstm_lib`` for the runs the grader repeats in a fresh
  process.

**Variants.** ``--variant N`` (``make assignments VARIANT=N``, e.g. the year of the term)
draws the assignment's data, seeds and sizes from ``N`` (``reference.constants``): the
lines of the master's code cells that end in ``# variant`` get the variant's values, and
every expected number is recomputed, so last term's answers do not carry over. Without
it, the master notebook's own values are used.

``otter assign`` also runs the solution notebook against every test and stops with an
error if one fails, so a broken master notebook never produces an assignment.

Usage: ``python scripts/build_assignments.py [--variant N] [--output DIR] [NAME ...]``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import pickle
import re
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
#: A master's code line whose value the variant sets: ``NAME = value  # variant``.
VARIANT_LINE = re.compile(r"^(?P<name>[A-Za-z_]\w*) = (?P<value>.+?)(?P<tag>  # variant.*)$", re.M)


def assignment_names() -> list[str]:
    """Every folder of ``assignments/`` holding a master notebook of the same name."""
    return sorted(p.parent.name for p in SOURCES.glob("*/*.ipynb") if p.stem == p.parent.name)


def reference(name: str):
    """The module ``assignments/<name>/reference.py``: constants, expected values, library."""
    path = SOURCES / name / "reference.py"
    spec = importlib.util.spec_from_file_location(f"reference_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def with_constants(nb: dict, constants: dict) -> dict:
    """The master notebook with each ``NAME = value  # variant`` line set from ``constants``."""
    seen = set()

    def replace(match: re.Match) -> str:
        name = match["name"]
        if name not in constants:
            raise SystemExit(f"variant: the master's line {match[0]!r} has no value")
        seen.add(name)
        return f"{name} = {constants[name]!r}{match['tag']}"

    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"])
            cell["source"] = VARIANT_LINE.sub(replace, source)
    if missing := set(constants) - seen:
        raise SystemExit(f"variant: no line '<name> = ...  # variant' for {sorted(missing)}")
    return nb


def stage_library(target: Path, exports: dict[str, list[str]] | None) -> None:
    """``lstm_lib`` into ``target``: whole, or only the modules and names of ``exports``."""
    if exports is None:
        shutil.copytree(ROOT / "lstm_lib", target, ignore=IGNORE)
        return
    target.mkdir(parents=True)
    lines = [
        '"""The part of lstm_lib this assignment gives you (the rest is yours to write)."""',
        "",
    ]
    for module, names in exports.items():
        lines.append(f"from lstm_lib.{module} import {', '.join(names)}")
    for module in ("_validate", *exports):
        shutil.copy(ROOT / "lstm_lib" / f"{module}.py", target / f"{module}.py")
    lines += ["", f"__all__ = {sorted(n for names in exports.values() for n in names)!r}", ""]
    (target / "__init__.py").write_text("\n".join(lines), encoding="utf-8")


def _closure(package: str) -> set[str]:
    """``package`` and everything it requires, extras it asks for included, by the
    installed metadata (normalised names)."""
    from importlib import metadata

    seen, todo = set(), [(package, ())]
    while todo:
        name, extras = todo.pop()
        name = re.sub(r"[-_.]+", "-", name).lower()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for req in requires:
            wanted = re.search(r"extra == ['\"]([\w.-]+)['\"]", req)
            if wanted and wanted[1] not in extras:
                continue
            spec = re.match(r"([A-Za-z0-9_.-]+)(?:\[([\w,.\s-]+)\])?", req)
            asked = tuple(sorted(e.strip() for e in (spec[2] or "").split(",") if e.strip()))
            todo.append((spec[1], asked))
    return {name for name, _ in seen}


def student_requirements() -> str:
    """What a student installs on a laptop: NumPy, otter-grader and everything otter-grader
    requires, each at its version in the course's environment (the pins of requirements.txt)."""
    from importlib import metadata

    names = (_closure("otter-grader") | {"numpy"}) - {"pip", "setuptools"}
    pins = sorted(f"{name}=={metadata.version(name)}" for name in names if _installed(name))
    lab = re.search(r"^jupyterlab==\S+$", (ROOT / "requirements-notebook.txt").read_text(), re.M)[0]
    head = (
        "# What this assignment needs, at the versions of the course's environment:\n"
        f"# pip install -r requirements-student.txt {lab}  (then open the notebook)\n"
    )
    return head + "\n".join(pins) + "\n"


def _installed(name: str) -> bool:
    from importlib import metadata

    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True


#: A test function's signature (otter passes each parameter from the notebook's globals).
OWN_NP = re.compile(r"^(def test_\w+\()([^)]*)\)", re.MULTILINE)


def _drop_np(match: re.Match) -> str:
    params = [p.strip() for p in match.group(2).split(",") if p.strip() not in ("", "np")]
    return f"{match.group(1)}{', '.join(params)})"


def guard_tests(source: Path, target: Path, withheld: tuple[str, ...]) -> None:
    """A copy of the autograder zip whose test files first put back NumPy's functions a
    notebook may have rebound and withhold lstm_lib's ``withheld`` functions
    (``_grading.repair``, ``_grading.withheld``): the public tests, which the grader runs
    again, are guarded too. Their test functions take ``np`` from the file's own
    ``import numpy as np``, not from the notebook (which may have bound ``np`` to a module
    of its own): the ``np`` parameter is removed from their signatures. The student
    notebook's copies of the public tests are unchanged."""
    prologue = (
        "# make assignments: NumPy's own functions back; lstm_lib's own answers withheld\n"
        "import numpy as np\n\n"
        "from _grading.repair import repair_numpy\n"
        "from _grading.withheld import withhold_while_grading\n\n"
        f"repair_numpy()\nwithhold_while_grading({tuple(withheld)!r})\n\n"
    )
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if re.fullmatch(r"tests/\w+\.py", item.filename):
                data = prologue.encode() + OWN_NP.sub(_drop_np, data.decode()).encode()
            zout.writestr(item, data)


#: The student zip's licence notice: the prose is CC BY 4.0, the code MIT (LICENSE).
NOTICE = """{name}: an assignment of "LSTM, dissected".

The prose of the notebook (its Markdown cells) is licensed under the Creative Commons
Attribution 4.0 International licence (CC BY 4.0,
https://creativecommons.org/licenses/by/4.0/): credit "LSTM, dissected" and say what
you changed. The code (the notebook's code cells, lstm_lib) is under the MIT licence in
LICENSE.
"""


def build(name: str, output: Path = OUTPUT, variant: int | None = None,
          run_tests: bool = True) -> Path:  # fmt: skip
    """Run ``otter assign`` on one master notebook; returns ``output / name``.

    ``run_tests=False`` skips otter's own grading of the solution (for callers that grade
    it themselves)."""
    source = SOURCES / name
    if not (source / f"{name}.ipynb").is_file():
        raise SystemExit(f"name: expected a master notebook assignments/{name}/{name}.ipynb")
    ref = reference(name)
    constants = ref.constants(variant)
    result = output / name
    shutil.rmtree(result, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"assign-{name}-") as tmp:
        # otter ships the files named in the notebook's `files:` (and, to the autograder
        # only, `autograder_files:`) from the master's folder, so they are staged beside it.
        stage = Path(tmp) / name
        shutil.copytree(source, stage, ignore=shutil.ignore_patterns("reference.py", "__pycache__"))
        master = stage / f"{name}.ipynb"
        nb = json.loads(master.read_text(encoding="utf-8"))
        master.write_text(json.dumps(with_constants(nb, constants), indent=1), encoding="utf-8")
        stage_library(stage / "lstm_lib", getattr(ref, "STUDENT_LIBRARY", None))
        shutil.copy(ROOT / "LICENSE", stage / "LICENSE")
        (stage / "requirements-student.txt").write_text(student_requirements(), encoding="utf-8")
        private = stage / "_grading"
        shutil.copytree(SOURCES / "_grading", private, ignore=IGNORE)
        stage_library(private / "lib" / "lstm_lib", None)
        values = ref.expected(constants)
        imported = [private / "__init__.py", private / "jobs.py", *(private / "lib").rglob("*.py")]
        digests = {  # checked by _grading.fresh's child before it imports them
            path.relative_to(private).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(imported)
        }
        with open(private / "expected.pkl", "wb") as f:
            pickle.dump({"constants": constants, "variant": variant, "digests": digests,
                         **values}, f)  # fmt: skip
        otter = Path(sys.executable).with_name("otter")
        subprocess.run(
            [str(otter), "assign", f"{name}.ipynb", str(result.resolve()),
             *([] if run_tests else ["--no-run-tests"])], cwd=stage, check=True,
        )  # fmt: skip
    # otter names the zip after the time of the build; a stable name is easier to upload.
    (zip_path,) = (result / "autograder").glob("*-autograder_*.zip")
    guard_tests(zip_path, result / "autograder" / f"{name}-autograder.zip",
                      getattr(ref, "WITHHELD", ()))  # fmt: skip
    zip_path.unlink()
    student = result / "student"
    (student / "NOTICE").write_text(NOTICE.format(name=name), encoding="utf-8")
    with zipfile.ZipFile(student / f"{name}-student.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(student.rglob("*")):
            if path.is_file() and path.suffix != ".zip":
                zf.write(path, path.relative_to(student))
    (result / "variant.json").write_text(json.dumps({"variant": variant, **constants}) + "\n")
    if hasattr(ref, "rubric_numbers"):  # the hand-graded question's numbers, this variant's
        (result / "rubric-numbers.md").write_text(ref.rubric_numbers(constants, values))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="assignments to build (default: all)")
    parser.add_argument(
        "--variant",
        type=int,
        default=None,
        help="draw data, seeds and sizes from this number (e.g. the year)",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: _build/assignments")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in args.names or assignment_names():
        path = build(name, args.output, args.variant)
        shown = os.path.relpath(path)
        variant = "" if args.variant is None else f" (variant {args.variant})"
        print(f"{name}{variant}: {shown}/student, {shown}/autograder")


if __name__ == "__main__":
    main()
