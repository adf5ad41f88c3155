"""The book works offline: what it loads is in the repository, checksummed.

* ``book_assets/static`` (require.js, html-manager, MathJax, vendored by
  ``book_assets/update.sh``) is byte for byte what ``book_assets/SHA256SUMS`` lists;
* no page of the built book names a ``<script>``, stylesheet, preload, icon or image on
  another host (read from the HTML files; that the pages load them from the book, in a
  browser with the network blocked, is ``test_browser.py``).
"""

from __future__ import annotations

import hashlib
import re

import pytest
from browser_helpers import ROOT, pages, parse_page


def test_vendored_javascript_is_what_update_sh_fetched():
    """book_assets/static matches book_assets/SHA256SUMS (written by update.sh)."""
    assets = ROOT / "book_assets"
    listed = {}
    for line in (assets / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    present = {
        p.relative_to(assets).as_posix() for p in (assets / "static").rglob("*") if p.is_file()
    }
    assert present == set(listed), f"unlisted or missing: {sorted(present ^ set(listed))}"
    changed = [
        n for n, d in listed.items() if hashlib.sha256((assets / n).read_bytes()).hexdigest() != d
    ]
    assert not changed, f"edited vendored files (re-run book_assets/update.sh): {changed}"


# Marked browser like the tests it serves: it needs the built book, which `-m "not browser"`
# leaves unbuilt, but no Chromium.
@pytest.mark.browser
def test_no_page_loads_anything_from_another_host(book):
    """No <script src>, stylesheet, preload, icon or image from http(s):// or //host."""
    remote = {
        f"{page.relative_to(book)}: {url}"
        for page in pages(book)
        for url in parse_page(page).resources
        if re.match(r"^(https?:)?//", url)
    }
    assert not remote, "\n".join(sorted(remote))
