"""The essentials of the Citation File Format 1.2.0 schema, for ``CITATION.cff``.

:func:`cff_problems` lists what a parsed ``CITATION.cff`` gets wrong against the schema
(keys, required fields, types, dates, URLs, SPDX licence identifiers); ``test_book.py``
runs it on the repository's file and ``test_book_checks.py`` on broken ones.
:func:`load_citation` and :func:`pyproject_project` read the files it is compared with.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

# Keys the CFF 1.2.0 schema allows at the root, and in person / entity objects.
CFF_ROOT_KEYS = {
    "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi",
    "identifiers", "keywords", "license", "license-url", "message", "preferred-citation",
    "references", "repository", "repository-artifact", "repository-code", "title", "type",
    "url", "version",
}  # fmt: skip
CFF_PERSON_KEYS = {
    "address", "affiliation", "alias", "city", "country", "email", "family-names", "fax",
    "given-names", "name-particle", "name-suffix", "orcid", "post-code", "region", "tel",
    "website",
}  # fmt: skip
CFF_ENTITY_KEYS = {
    "address", "alias", "city", "country", "date-end", "date-start", "email", "fax",
    "location", "name", "orcid", "post-code", "region", "tel", "website",
}  # fmt: skip
_URL = re.compile(r"^(https|http|ftp|sftp)://.+")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# SPDX identifiers this repository may name (the schema holds the full SPDX list).
_SPDX = {"MIT", "CC-BY-4.0", "Apache-2.0", "BSD-3-Clause"}


def _nonempty_str(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def cff_problems(cff) -> list[str]:
    """Problems of a parsed CITATION.cff against the essentials of CFF 1.2.0."""
    if not isinstance(cff, dict):
        return ["CITATION.cff is not a YAML mapping"]
    problems = [f"unknown key {k!r}" for k in sorted(set(cff) - CFF_ROOT_KEYS)]
    for key in ("cff-version", "message", "title", "authors"):
        if key not in cff:
            problems.append(f"required key {key!r} missing")
    if "cff-version" in cff and cff["cff-version"] != "1.2.0":
        problems.append(f"cff-version is {cff['cff-version']!r}, expected the string '1.2.0'")
    for key in ("message", "title", "abstract"):
        if key in cff and not _nonempty_str(cff[key]):
            problems.append(f"{key!r} must be a non-empty string")
    authors = cff.get("authors")
    if "authors" in cff and not (isinstance(authors, list) and authors):
        problems.append("'authors' must be a non-empty list")
    for n, author in enumerate(authors if isinstance(authors, list) else []):
        if not isinstance(author, dict) or not author:
            problems.append(f"author {n} must be a non-empty mapping")
        elif "name" in author:
            if not _nonempty_str(author["name"]):
                problems.append(f"author {n}: entity 'name' must be a non-empty string")
            problems += [
                f"author {n}: unknown entity key {k!r}" for k in set(author) - CFF_ENTITY_KEYS
            ]
        else:
            if not any(_nonempty_str(author.get(k)) for k in ("family-names", "given-names")):
                problems.append(f"author {n}: a person needs family-names or given-names")
            problems += [
                f"author {n}: unknown person key {k!r}" for k in set(author) - CFF_PERSON_KEYS
            ]
    if "version" in cff and not isinstance(cff["version"], (str, int, float)):
        problems.append("'version' must be a string or a number")
    if "date-released" in cff:
        date = cff["date-released"]
        # The schema wants a string; YAML turns an unquoted date into a date object.
        if isinstance(date, dt.date):
            date = date.isoformat()
        if not (isinstance(date, str) and _DATE.match(date)):
            problems.append(f"'date-released' {date!r} is not YYYY-MM-DD")
    for key in ("repository-code", "repository", "repository-artifact", "url", "license-url"):
        if key in cff and not (isinstance(cff[key], str) and _URL.match(cff[key])):
            problems.append(f"{key!r} must be a URL")
    if "type" in cff and cff["type"] not in ("software", "dataset"):
        problems.append(f"'type' is {cff['type']!r}, expected 'software' or 'dataset'")
    if "license" in cff:
        lic = cff["license"]
        ids = lic if isinstance(lic, list) else [lic]
        if not ids or not all(isinstance(i, str) and i in _SPDX for i in ids):
            problems.append(f"'license' {lic!r} is not an SPDX identifier (or a list of them)")
    if "keywords" in cff and not (
        isinstance(cff["keywords"], list)
        and cff["keywords"]
        and all(map(_nonempty_str, cff["keywords"]))
    ):
        problems.append("'keywords' must be a non-empty list of non-empty strings")
    return problems


def pyproject_project() -> dict[str, str]:
    """The string keys of pyproject.toml's [project] table (tomllib needs Python 3.11)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = re.search(r"^\[project\]\n(.*?)(?=^\[)", text, re.MULTILINE | re.DOTALL).group(1)
    return dict(re.findall(r'^([\w-]+)\s*=\s*"([^"]*)"', table, re.MULTILINE))


def load_citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
