"""The built HTML book in a real browser, with no kernel and no network.

What is checked, in Debian's Chromium driven by Playwright:

* chapter 3's forget-bias slider renders from the widget state stored in the page,
  opened over http://127.0.0.1 and straight from disk (file://), with every request
  that is not local blocked (and counted: the page must not even try one);
* its handle is found by its accessible name (role "slider", named like the widget's
  description; ``book_assets/a11y/slider_names.js`` names it), and its value text is
  the bias on display;
* moving it with the keyboard (ArrowRight/ArrowLeft/End/Home on the handle) and by
  dragging the handle shows the right frame: the ``<img>`` on display is, byte for
  byte, the SVG that :mod:`lstm_lib.widgets` renders for the bias the slider shows,
  and the label is that bias; screenshots before and after go to
  ``_build/browser-artifacts/``;
* on a laptop (1280 px) the frame is shown at least 735 px wide (its 11 pt text is then
  12 CSS px or more), and on a phone (390 px) nothing of the slider, its readout, the
  range labels or the frame is cut off;
* no console error at all, no uncaught exception, no failed request (``KNOWN_HARMLESS``
  in ``browser_helpers.py`` is empty);
* every page: every local link points at an existing file (and anchor), every image
  loaded, every formula typeset.

Each check of the slider is its own test, on a freshly opened page: it renders offline
from the stored state (and the scripts and math it needs come from the book), the
keyboard moves it, dragging moves it.

Marked ``browser``: ``make test`` builds the book and runs them; deselect them locally
with ``pytest -m "not browser"``. Chromium: ``$CHROMIUM``, else ``chromium`` on the
PATH, which ``make test`` installs first (``make chromium``) when it is missing and it
runs as root; without one the tests skip, saying why (``-ra`` prints the reason).
``playwright install`` is never used (it downloads a browser).

The book: ``_build/html``, built first when it is missing or stale; the fixtures for it,
for Chromium, for the local server and for pages with no network are in
``browser_helpers.py``, the slider's page object in ``slider_page.py``. The axe-core
audit of every page is ``test_accessibility.py``; the built HTML read as files (no
resource from another host) and the vendored scripts' checksums are
``test_offline_assets.py``; the stored frames against the library, ``test_widgets.py``.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest
from browser_helpers import (
    ARTIFACTS,
    CHAPTER,
    SLIDER_DESCRIPTION,
    SOURCE,
    WIDGET_STATE,
    OfflinePage,
    missing_target,
    pages,
)
from slider_page import SliderOnPage, library_frames, stored_slider, wait_for_slider

# --- chapter 3's slider ---------------------------------------------------------------


@pytest.fixture(params=["http", "file"])
def transport(request) -> str:
    """Chapter 3 over http://127.0.0.1 and straight from disk (file://)."""
    return request.param


@pytest.fixture
def chapter(book, server, offline, transport) -> tuple[OfflinePage, SliderOnPage]:
    """Chapter 3's page, freshly opened with no network, once its slider has rendered."""
    stored = stored_slider()
    page_path = book / f"{CHAPTER}.html"
    assert page_path.exists(), f"{page_path} missing (is {CHAPTER} in _toc.yml?)"
    view = offline(server if transport == "http" else None)
    url = server + f"{CHAPTER}.html" if transport == "http" else page_path.as_uri()
    view.page.goto(url, wait_until="load")
    wait_for_slider(view)
    slider = SliderOnPage(view.page, stored, library_frames(stored.labels))
    assert slider.handle.count() == 1, "no slider handle named " + repr(SLIDER_DESCRIPTION)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return view, slider


@pytest.mark.browser
def test_slider_renders_offline_from_the_stored_state(chapter, transport):
    """The stored frame on display, and the widget and math scripts came from the book."""
    view, slider = chapter
    page = view.page
    slider.assert_shows(stored_slider().index, "as stored")
    slider.root.screenshot(path=ARTIFACTS / f"slider-{transport}-before.png")
    page.screenshot(path=ARTIFACTS / f"chapter3-{transport}.png", full_page=True)
    local = [u for u in view.requested if "_static/" in u]
    for script in (
        "requirejs/require.js",
        "jupyter-widgets/embed-amd.js",
        "mathjax/tex-mml-chtml.js",
    ):
        assert any(f"_static/{script}" in u for u in local), f"{script} not loaded"
    math = page.evaluate("document.querySelectorAll('mjx-container').length")
    errors = page.evaluate("document.querySelectorAll('mjx-merror, .widget-error').length")
    assert math > 0 and errors == 0, f"{math} formulas rendered, {errors} errors"
    fa5 = page.evaluate(
        """() => [...document.querySelectorAll('[class*="fa"]')].flatMap(e =>
            [null, '::before', '::after']
                .filter(p => getComputedStyle(e, p).fontFamily.includes('Font Awesome 5'))
                .map(p => e.tagName + '.' + e.className + (p || '')))"""
    )
    assert not fa5, f"elements use Font Awesome 5 (see a11y.css): {fa5[:5]}"
    assert not view.problems(), "\n".join(view.problems())


@pytest.mark.browser
def test_slider_moves_with_the_keyboard(chapter):
    view, slider = chapter
    last = len(slider.labels) - 1
    slider.handle.focus()
    expected = stored_slider().index
    for key, move in [
        ("ArrowRight", +1),
        ("ArrowRight", +1),
        ("ArrowLeft", -1),
        ("End", None),
        ("ArrowLeft", -1),
        ("Home", None),
        ("ArrowRight", +1),
    ]:
        view.page.keyboard.press(key)
        expected = (
            (last if key == "End" else 0) if move is None else min(max(expected + move, 0), last)
        )
        slider.assert_shows(expected, f"after {key}")
    assert not view.problems(), "\n".join(view.problems())


@pytest.mark.browser
def test_slider_moves_when_dragged(chapter, transport):
    view, slider = chapter
    last = len(slider.labels) - 1
    for target in (last * 3 // 4, last // 4, last + 5):  # the last one past the end
        slider.drag_to(target)
        slider.assert_shows(min(target, last), f"after dragging to position {target}")
    slider.drag_to(stored_slider().index + 4)
    slider.assert_shows(stored_slider().index + 4, "after dragging")
    slider.root.screenshot(path=ARTIFACTS / f"slider-{transport}-after.png")
    assert not view.problems(), "\n".join(view.problems())


_BOXES = """(root) => {
    const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.width]; };
    const shown = [...root.querySelectorAll('img.widget-image')].filter(i => i.checkVisibility());
    const parts = ['.widget-slider', '.widget-readout', '.widget-hbox', '.noUi-handle'];
    return {
        image: box(shown[0]),
        parts: Object.fromEntries(parts.map(p => [p, box(root.querySelector(p))])),
        page: document.documentElement.scrollWidth,
    };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_slider_fits_a_laptop_and_a_phone(book, server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(server + f"{CHAPTER}.html", wait_until="load")
        page.get_by_role("slider", name=SLIDER_DESCRIPTION).wait_for(timeout=20_000)
        root = page.locator(".widget-vbox").filter(has=page.locator(".widget-slider"))
        root.scroll_into_view_if_needed()
        boxes = root.evaluate(_BOXES)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        root.screenshot(path=ARTIFACTS / f"slider-{width}px.png")
        assert boxes["page"] <= width, f"the page scrolls sideways: {boxes['page']} px"
        for name, (left, right, w) in {"frame": boxes["image"], **boxes["parts"]}.items():
            assert w > 0 and left >= 0 and right <= width, f"{name} cut off: {left}..{right}"
        if width == 1280:
            assert boxes["image"][2] >= 735, f"frame only {boxes['image'][2]} px wide"
    finally:
        context.close()


# --- every page -----------------------------------------------------------------------

_LINKS_AND_IMAGES = """async () => {
    if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
    for (const i of document.images) i.loading = 'eager';
    // Wait (up to 10 s) until every image has loaded or failed.
    for (let t = 0; t < 200 && ![...document.images].every(i => i.complete); t++) {
        await new Promise(resolve => setTimeout(resolve, 50));
    }
    const images = [...document.images];
    return {
        links: [...document.querySelectorAll('a[href]')].map(a => a.href),
        broken: images.filter(i => !(i.naturalWidth > 0)).map(i => i.currentSrc || i.src),
        images: images.length,
        mathErrors: [...document.querySelectorAll('mjx-merror')].map(e => e.textContent),
        unrendered: document.querySelectorAll('.math:not(:has(mjx-container))').length,
    };
}"""


@pytest.mark.browser
def test_every_page_has_working_local_links_and_images(book, server, offline):
    all_pages = pages(book)
    assert any(
        p.relative_to(book).as_posix().startswith("chapters/") for p in all_pages
    ) or not list((SOURCE / "chapters").glob("*.ipynb")), "no chapter pages in the build"
    view = offline(server)
    problems, checked_links, checked_images = [], 0, 0
    for page_path in all_pages:
        name = page_path.relative_to(book).as_posix()
        redirect = re.match(
            r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', page_path.read_text()
        )
        if redirect:  # index.html: only check where it points
            checked_links += 1
            target = urllib.parse.urljoin(f"/{name}", redirect[1])
            if missing := missing_target(book, target):
                problems.append(f"{name}: redirect to {redirect[1]}: {missing}")
            continue
        view.page.goto(server + name, wait_until="load")
        if WIDGET_STATE in page_path.read_text(encoding="utf-8"):
            wait_for_slider(view)  # its image is part of the page
        found = view.page.evaluate(_LINKS_AND_IMAGES)
        checked_images += found["images"]
        problems += [f"{name}: image did not load: {src[:80]}" for src in found["broken"]]
        problems += [f"{name}: MathJax error: {text}" for text in found["mathErrors"]]
        if found["unrendered"]:
            problems.append(f"{name}: {found['unrendered']} formulas not rendered by MathJax")
        for link in found["links"]:
            if link.startswith(server):
                checked_links += 1
                missing = missing_target(book, link[len(server) - 1 :])
                if missing:
                    problems.append(f"{name}: link {link[len(server) :]}: {missing}")
    problems += view.problems()
    assert not problems, "\n".join(problems)
    assert checked_links > len(all_pages), (
        f"only {checked_links} local links on {len(all_pages)} pages"
    )
