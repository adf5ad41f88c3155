"""axe-core's WCAG 2.0/2.1 A and AA rules on every page of the built book.

Every page, in the theme's light and dark mode, at a laptop's width (1280 px) and a
phone's (390 px), must fit the width (the page never scrolls sideways: long names in the
API page and the index break, ``book_assets/a11y/a11y.css``) and is audited with axe-core
(bundled by ``axe-playwright-python``) in Chromium, once the page has settled (MathJax
typeset, chapter 3's slider rendered). Any violation fails, listed by page, rule and
element; ``EXCEPTIONS`` is where an accepted one would go, each with its reason (it is
empty: the book has none).

The colour mode is chosen as the theme itself does (pydata-sphinx-theme, under
sphinx-book-theme): its inline script reads ``localStorage`` "mode" and "theme" before
the page is drawn and sets ``<html data-mode data-theme>``; the test checks that
``data-theme`` is the mode asked for.

What axe cannot judge stays in the project's own tests (``test_book.py``: alt text that
is only a file name, heading order across a chapter's notebook cells; ``test_browser.py``:
the slider found by its accessible name and moved with the keyboard).
"""

from __future__ import annotations

import json
import re

import pytest
from browser_helpers import WIDGET_STATE, pages

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MODES = ["light", "dark"]
WIDTHS = [1280, 390]

# Accepted violations: (rule id, regex on the page's path, regex on the element's CSS
# selector, reason). Each entry must also be listed in the README's "what `make test`
# checks". None today.
EXCEPTIONS: list[tuple[str, re.Pattern, re.Pattern, str]] = []

_SETTLED = """async () => {
    if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
    return document.documentElement.dataset.theme;
}"""


def _accepted(rule: str, page: str, target: str) -> bool:
    return any(rule == r and p.search(page) and t.search(target) for r, p, t, _why in EXCEPTIONS)


@pytest.fixture(scope="module")
def axe_script() -> str:
    base = pytest.importorskip("axe_playwright_python.base")
    return base.AXE_SCRIPT


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("mode", MODES)
def test_no_axe_violations(book, server, browser, axe_script, mode, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=mode)
    context.add_init_script(
        f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');"
    )
    problems, audited = [], 0
    try:
        page = context.new_page()
        for path in pages(book):
            name = path.relative_to(book).as_posix()
            html = path.read_text(encoding="utf-8")
            if 'http-equiv="Refresh"' in html:  # index.html only redirects
                continue
            page.goto(server + name, wait_until="load")
            if WIDGET_STATE in html:
                page.get_by_role("slider").first.wait_for(timeout=20_000)
            theme = page.evaluate(_SETTLED)
            assert theme == mode, f"{name}: data-theme is {theme!r}, asked for {mode!r}"
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                problems.append(f"{name}: the page is {wide} px wide at {width} px")
            page.evaluate(axe_script)
            options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}
            # A bound on the audit, so that a stuck page fails here rather than hanging CI.
            result = page.evaluate(
                f"Promise.race([axe.run(document, {json.dumps(options)}), new Promise("
                "(_, no) => setTimeout(() => no(new Error('axe.run: no result in 120 s')),"
                " 120000))])"
            )
            audited += 1
            for violation in result["violations"]:
                for node in violation["nodes"]:
                    target = " ".join(map(str, node["target"]))
                    if not _accepted(violation["id"], name, target):
                        summary = node.get("failureSummary", "").replace("\n", " ")
                        problems.append(
                            f"{name}: {violation['id']} ({violation['impact']}) at "
                            f"{target}: {summary[:200]}"
                        )
    finally:
        context.close()
    assert audited >= 9, f"only {audited} pages audited"
    assert not problems, f"{len(problems)} axe-core violations ({mode}, {width} px):\n" + (
        "\n".join(problems)
    )
