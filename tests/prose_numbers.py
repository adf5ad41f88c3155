"""Find the numbers in a chapter's prose that nothing vouches for (``test_prose_numbers.py``).

A number in a Markdown cell is *vouched for* when it is

* pasted from the computation by a glue role, ``{glue:text}`name:.2f``` (every role,
  ``{eq}``, ``{doc}``, ``{numref}``…, is skipped, and so is inline code);
* in math that is a definition: display math (``$$ … $$``, the labelled equations)
  and, in inline math, an integer that does not follow ``\\approx``, ``\\sim`` or
  ``\\le``/``\\ge`` (``$t = 2$``, ``$b_f = 15$``, ``$10^{-6}$``, ``$[-2, 2]$``);
* a year (1900 to 2099) or a chapter number (``chapter 3``, ``chapters 1 to 3``);
* on the reviewed allow-list (:data:`prose_allowlist.ALLOWED`): a phrase of that
  chapter that contains the number, with the reason it is a definition.

Everything else (a decimal or a number after ``\\approx`` in inline math, any other
number in the text) is reported as a :class:`Finding`: chapter, cell, number and the
words around it. The functions are pure; ``test_prose_numbers.py`` feeds them a planted
number to show that they find it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

# A number: optional sign (ASCII or Unicode minus), digits with thousands commas or a
# decimal point, an optional exponent (e-notation or a superscript power of ten, 10⁻⁷),
# an optional per cent sign. Not part of a word (float64, x2, W_f3) or of a version.
NUMBER = re.compile(
    r"(?<![\w.^])[−-]?\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][−+-]?\d+|[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?\s?%?"
    r"(?![\w.]\w)"
)
ROLE = re.compile(r"\{[\w:.-]+\}`[^`]*`")  # {glue:text}`k:.2f`, {eq}`x`, {doc}`../notation`
CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)  # inline code, any number of backticks
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$(?:\s*\([\w-]+\))?", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$", re.S)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}|:{3,})(.*)$")
OPTION = re.compile(r"^:[\w-]+:.*$")  # a directive's option line (:label:, :class:)
YEAR = re.compile(r"^(19|20)\d\d$")
CHAPTERS = re.compile(r"\b[Cc]hapters?\s+\d+(?:\s*(?:,|and|to|–|-)\s*\d+)*")
# A position in a sequence: "step 5", "steps 6 to 56", "from step 5 to step 56".
STEPS = re.compile(r"\b[Ss]teps?\s+\d+(?:\s*(?:,|and|to|–|-)\s*(?:step\s+)?\d+)*")
UNIT = {"0", "1", "−1", "-1"}  # a gate shut or open, a flag, the ends of σ's and tanh's range
APPROX = re.compile(r"\\(?:approx|sim|le|ge|lesssim|gtrsim)\b|[≈<>]")


@dataclass(frozen=True)
class Finding:
    chapter: str
    cell: int
    number: str
    context: str

    def __str__(self) -> str:
        return f"{self.chapter}, cell {self.cell}: {self.number!r} in “…{self.context}…”"


def markdown_cells(path: Path) -> list[tuple[int, str]]:
    """(index, source) of every Markdown cell of a notebook, index counted over all cells."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            src = cell["source"]
            cells.append((index, "".join(src) if isinstance(src, list) else src))
    return cells


def _blank(text: str, pattern: re.Pattern) -> str:
    """``text`` with every match of ``pattern`` replaced by spaces (positions kept)."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)


def prose(text: str) -> str:
    """The Markdown with roles, inline code, display math, fences' info and options blanked.

    Directive bodies (exercises, notes, solutions) are prose and stay; code fences
    (```python) are blanked whole. Positions are kept, so a finding's context is the
    original text around it.
    """
    lines, out, code_fence = text.split("\n"), [], None
    for line in lines:
        fence = FENCE.match(line)
        if code_fence is not None:
            if fence and fence[1].startswith(code_fence) and not fence[2].strip():
                code_fence = None
            out.append(" " * len(line))
        elif fence:
            info = fence[2].strip()
            if info and not info.startswith("{"):  # ```python, ```md: code
                code_fence = fence[1]
            out.append(" " * len(line))  # the fence line and a directive's title
        elif OPTION.match(line.strip()):
            out.append(" " * len(line))
        else:
            out.append(line)
    text = "\n".join(out)
    for pattern in (ROLE, CODE, DISPLAY_MATH):
        text = _blank(text, pattern)
    return text


def _allowed_spans(original: str, phrases: list[str]) -> list[tuple[int, int]]:
    """Where in ``original`` each allowed phrase occurs (whitespace-insensitive)."""
    spans = []
    for phrase in phrases:
        words = [re.escape(w) for w in phrase.split()]
        for m in re.finditer(r"\s+".join(words), original):
            spans.append(m.span())
    return spans


def _chapter_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for pattern in (CHAPTERS, STEPS) for m in pattern.finditer(text)]


def _in_any(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _math_is_definition(math: str, start: int, number: str) -> bool:
    """An integer in inline math that no ≈, ∼, ≤ or ≥ precedes is part of a definition."""
    if re.search(r"\d\.\d|[eE][−+-]?\d|%", number):
        return False
    return APPROX.search(math[:start]) is None


def unvouched(text: str, chapter: str, cell: int, allowed: list[str] = ()) -> list[Finding]:
    """Every number of one Markdown cell that nothing vouches for."""
    clean = prose(text)
    allowed_spans = _allowed_spans(text, list(allowed)) + _chapter_spans(clean)
    math_spans = [(m.start(1), m.end(1)) for m in INLINE_MATH.finditer(clean)]
    findings = []
    for m in NUMBER.finditer(clean):
        number, pos = m[0].strip(), m.start()
        if number in UNIT or YEAR.match(number) or _in_any(pos, allowed_spans):
            continue
        math = next(((a, b) for a, b in math_spans if a <= pos < b), None)
        if math and _math_is_definition(clean[math[0] : math[1]], pos - math[0], number):
            continue
        context = " ".join(text[max(0, pos - 40) : m.end() + 30].split())
        findings.append(Finding(chapter, cell, number, context))
    return findings


def chapter_findings(path: Path, allowed: dict[str, list[tuple[str, list[str]]]]) -> list[Finding]:
    """Every unvouched number in the Markdown cells of the chapter notebook ``path``.

    ``allowed`` maps a chapter's stem to (reason, phrases) pairs, as
    :data:`prose_allowlist.ALLOWED` does.
    """
    phrases = [phrase for _, group in allowed.get(path.stem, ()) for phrase in group]
    return [
        finding
        for index, source in markdown_cells(path)
        for finding in unvouched(source, path.stem, index, phrases)
    ]


def unused_phrases(path: Path, allowed: dict[str, list[tuple[str, list[str]]]]) -> list[str]:
    """The allow-list's phrases for ``path`` that its Markdown no longer contains."""
    text = " ".join(" ".join(source.split()) for _, source in markdown_cells(path))
    return [
        phrase
        for _, group in allowed.get(path.stem, ())
        for phrase in group
        if " ".join(phrase.split()) not in text
    ]


def report(findings: list[Finding]) -> str:
    """One line per finding, and what to do about them."""
    lines = [str(f) for f in findings]
    return (
        f"{len(findings)} number(s) typed in the prose without a glue role or a reviewed "
        "reason:\n  " + "\n  ".join(lines) + "\nGlue a computed number "
        "({glue:text}`name:.2f`), or add a definition to tests/prose_allowlist.py with "
        "its reason (CONTRIBUTING.md, 'Numbers in the prose')."
    )
