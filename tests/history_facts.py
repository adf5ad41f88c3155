"""The history the book tells, checked against ``references.bib`` (``test_history.py``).

Several pages say when the LSTM and its forget gate appeared. The years live in one
place, the bibliography; :func:`history_problems` reads a page's prose and reports every
statement that disagrees with it:

* "N years later" (the forget gate after the 1997 cell): N must be the conference
  paper's year minus the LSTM paper's, in words (ICANN 1999 - 1997: "two");
* "ICANN YYYY": the year of ``gers1999forget``;
* "journal version in YYYY" / "journal version … YYYY": the year of ``gers2000forget``;
* "the YYYY LSTM / cell / paper" and "first LSTM … YYYY": the year of ``hochreiter1997lstm``.
"""

from __future__ import annotations

import re
from pathlib import Path

WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def bib_years(bib: Path) -> dict[str, int]:
    """The year of every entry of a BibTeX file, by key."""
    text = bib.read_text(encoding="utf-8")
    years = {}
    for key, body in re.findall(r"@\w+\{([^,]+),(.*?)\n\}", text, flags=re.S):
        year = re.search(r"\byear\s*=\s*\{?(\d{4})", body)
        if year:
            years[key.strip()] = int(year[1])
    return years


def history_problems(text: str, years: dict[str, int]) -> list[str]:
    """Statements of ``text`` (a page's prose) that contradict the bibliography's years."""
    lstm, forget, journal = (
        years["hochreiter1997lstm"], years["gers1999forget"], years["gers2000forget"],
    )  # fmt: skip
    text = " ".join(text.split())
    problems = []
    later = WORDS[forget - lstm]
    for m in re.finditer(r"\b(\w+) years later", text):
        if m[1].lower() != later:
            problems.append(f"“{m[0]}”: the forget gate came {later} years later "
                            f"(ICANN {forget}, after {lstm})")  # fmt: skip
    checks = (
        (r"ICANN[' ]*(\d{2,4})", forget, "the forget gate's conference paper (ICANN)"),
        (r"journal version[^.]{0,40}?\b((?:19|20)\d\d)\b", journal, "the journal version"),
        (r"\b((?:19|20)\d\d) (?:LSTM|cell|paper)\b", lstm, "the first LSTM"),
    )
    for pattern, year, what in checks:
        for m in re.finditer(pattern, text):
            stated = int(m[1]) if len(m[1]) == 4 else 1900 + int(m[1])
            if stated != year:
                problems.append(f"“{m[0]}”: {what} is from {year}")
    return problems
