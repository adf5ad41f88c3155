"""Helpers for the teacher's kit tests (tests/test_assignments.py, tests/test_student_book.py).

Building and grading go through the same commands a teacher runs: ``make assignments``'s
script and ``otter run`` (otter-grader's own offline grading command).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ASSIGNMENTS = ROOT / "_build" / "assignments"


def build_assignments() -> dict:
    """``make assignments``: every master notebook through ``otter assign``; the exit code
    and the end of the output."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_assignments.py")],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    return {"returncode": result.returncode, "output": _tail(result)}


def build_student_book() -> dict:
    """``make book-student``: the exit code, the end of the output, its WARNING lines."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_student_book.py")],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    out = result.stdout + result.stderr
    warnings = [line for line in out.splitlines() if "WARNING" in line]
    return {"returncode": result.returncode, "output": _tail(result), "warnings": warnings}


def _tail(result: subprocess.CompletedProcess) -> str:
    return result.stdout[-3000:] + result.stderr[-3000:]


def student_notebook(name: str) -> Path:
    return ASSIGNMENTS / name / "student" / f"{name}.ipynb"


def solution_notebook(name: str) -> Path:
    return ASSIGNMENTS / name / "autograder" / f"{name}.ipynb"


def autograder_zip(name: str) -> Path:
    return ASSIGNMENTS / name / "autograder" / f"{name}-autograder.zip"


def grade(name: str, notebook: Path, out: Path) -> dict[str, tuple[float, float]]:
    """Grade ``notebook`` offline with ``otter run``: (points, out of) per question."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(BIN / "otter"), "run", "-a", str(autograder_zip(name)), "-o", str(out),
         str(notebook)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    results = json.loads((out / "results.json").read_text())
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "score" in t}


TEST_CASE = re.compile(r"@test_case\(points=([\d.]+), hidden=(True|False)\)\s*def (\w+)")


def test_cases(name: str) -> dict[str, tuple[str, float, bool]]:
    """Every test of an assignment: function name -> (question, points, hidden).

    Read from the tests otter wrote into the solution notebook (all of them, hidden too).
    """
    tests = read_notebook(solution_notebook(name))["metadata"]["otter"]["tests"]
    return {
        func: (question, float(points), hidden == "True")
        for question, source in tests.items()
        for points, hidden, func in TEST_CASE.findall(source)
    }


def master_notebook(name: str) -> Path:
    return ROOT / "assignments" / name / f"{name}.ipynb"


def solution_lines(name: str) -> list[str]:
    """The code lines only the master's solutions have (BEGIN/END SOLUTION, # SOLUTION)."""
    lines, given, inside = [], set(), False
    for line in code_of(read_notebook(master_notebook(name))).splitlines():
        if "# BEGIN SOLUTION" in line:
            inside = True
        elif "# END SOLUTION" in line:
            inside = False
        elif inside or line.rstrip().endswith("# SOLUTION"):
            lines.append(line.split("# SOLUTION")[0].strip())
        else:
            given.add(line.strip())
    # Lines the student is also given (a loop header, say) are not a leak.
    return [line for line in lines if len(line) > 12 and line not in given]


def read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def code_of(nb: dict) -> str:
    """Every code cell of a notebook, as one text."""
    return "\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in nb["cells"]
        if c["cell_type"] == "code"
    )


def with_replacement(src: Path, dst: Path, old: str, new: str) -> Path:
    """A copy of notebook ``src`` with ``old`` replaced by ``new`` in exactly one code cell."""
    nb = read_notebook(src)
    hits = 0
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and old in source:
            cell["source"] = source.replace(old, new)
            hits += source.count(old)
    if hits != 1:
        raise ValueError(f"old: expected in exactly one place, found {hits}: {old!r}")
    dst.write_text(json.dumps(nb), encoding="utf-8")
    return dst


# --- the student edition -------------------------------------------------------------

# Six or more plain words; no quotes, which Sphinx curls in the HTML.
WORDS = re.compile(r"[A-Za-z][A-Za-z,;]*(?: [A-Za-z][A-Za-z,;]*){5,}")


def solution_phrases() -> list[str]:
    """From each solution in the book's sources, a run of six plain words of its prose."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import build_student_book as student

    phrases = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        full = "\n".join(
            "".join(c["source"]) for c in read_notebook(path)["cells"]
            if c["cell_type"] == "markdown"
        )  # fmt: skip
        stripped, _ = student.strip_solutions(full)
        kept = set(stripped.splitlines())
        removed = [line for line in full.splitlines() if line not in kept]
        for block in "\n".join(removed).split("{solution-start}")[1:]:
            runs = [m[0] for m in WORDS.finditer(block.replace("\n", " "))]
            if runs:
                phrases.append(" ".join(max(runs, key=len).split()[:6]))
    return phrases


def page_html(book: Path) -> dict[str, str]:
    return {p.relative_to(book).as_posix(): p.read_text("utf-8") for p in book.rglob("*.html")}


def page_texts(book: Path) -> dict[str, str]:
    """The visible text of every page (tags removed, whitespace collapsed)."""
    texts = {}
    for name, html in page_html(book).items():
        text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
        texts[name] = " ".join(re.sub(r"<[^>]+>", " ", text).split())
    return texts


# --- the points, from the master notebooks, and the teacher's guide's table ------------

CONFIG = re.compile(r'"""\s*# BEGIN TEST CONFIG\n(.*?)"""', re.S)


def master_questions(name: str) -> dict[str, dict]:
    """Every question of a master notebook: name -> {"manual", "points", "tests"}.

    ``tests`` lists (function, points, hidden) in notebook order, from each test's
    ``# BEGIN TEST CONFIG`` block; ``points`` is the question's total (a manual
    question's from its ``# BEGIN QUESTION`` block). The master notebook is the one
    source of the points: the autograder takes them from there too.
    """
    questions: dict[str, dict] = {}
    current = None
    for cell in read_notebook(master_notebook(name))["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "raw" and source.startswith("# BEGIN QUESTION"):
            config = yaml.safe_load(source.split("\n", 1)[1])
            current = config["name"]
            questions[current] = {
                "manual": bool(config.get("manual", False)),
                "points": float(config.get("points", 0)),
                "tests": [],
            }
        elif cell["cell_type"] == "code" and (config_match := CONFIG.search(source)):
            config = yaml.safe_load(config_match[1]) or {}
            func = re.search(r"^def (\w+)", source, flags=re.M)[1]
            entry = (func, float(config.get("points", 0)), bool(config.get("hidden", False)))
            questions[current]["tests"].append(entry)
    for q in questions.values():
        if not q["manual"]:
            q["points"] = sum(points for _, points, _ in q["tests"])
    return questions


def master_points(name: str) -> dict[str, float]:
    """Points per autograded question, read from the master notebook."""
    return {q: v["points"] for q, v in master_questions(name).items() if not v["manual"]}


def guide_points_table(text: str) -> dict[str, dict]:
    """The teacher's guide's points table: assignment -> {"questions", "total", "autograded"}.

    ``questions`` maps the question's number ("q2") to (public points, hidden points,
    points): the numbers in parentheses of the public and hidden columns, and the last
    column. The assignment is named by the code span of its first row.
    """
    table: dict[str, dict] = {}
    current = None
    section = text.split("## Points", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not line.startswith("|") or cells[0] == "assignment":
            continue
        if name := re.search(r"`(\w+)`", cells[0]):
            current = table.setdefault(name[1], {"questions": {}})
        if cells[1] == "**total**":
            numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", cells[4])]
            current["total"] = numbers[0]
            current["autograded"] = numbers[1] if len(numbers) > 1 else numbers[0]
        elif q := re.match(r"(q\d+)\b", cells[1]):

            def points(column: str) -> list[float]:
                return [float(n) for n in re.findall(r"\((\d+(?:\.\d+)?)\)", column)]

            current["questions"][q[1]] = (points(cells[2]), points(cells[3]), float(cells[4]))
    return table


def run_master_code(name: str, until: str) -> dict:
    """Run the master notebook's code cells, solutions included and tests left out, in
    order, up to the cell that contains ``until``; return the namespace they built."""
    namespace: dict = {}
    for cell in read_notebook(master_notebook(name))["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] != "code" or CONFIG.search(source):
            continue
        exec(compile(source, f"{name}.ipynb", "exec"), namespace)  # the repository's own code
        if until in source:
            return namespace
    raise ValueError(f"until: no code cell of {name} contains {until!r}")
